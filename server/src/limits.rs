//! Every bound the server enforces, as a named constant in one place.
//!
//! Inputs that come from the network (bodies, names, passwords, tokens) and resources the server
//! holds on behalf of clients (sessions, queued store jobs, hashing threads) are all bounded here,
//! so a reviewer can check the limits without reading the handlers.

use std::time::Duration;

/// Shortest accepted username, in characters.
pub const USERNAME_LEN_MIN: usize = 3;
/// Longest accepted username, in characters (ASCII only, so also bytes).
pub const USERNAME_LEN_MAX: usize = 24;
/// Shortest accepted password, in characters.
pub const PASSWORD_LEN_MIN: usize = 8;
/// Longest accepted password, in bytes of UTF-8. Bounds the work one login can cause.
pub const PASSWORD_BYTES_MAX: usize = 128;

/// Largest JSON request body any route accepts, in bytes.
pub const JSON_BODY_MAX_BYTES: u64 = 4 * 1024;

/// Length of a bearer token's random secret, in bytes (it travels as twice as many hex digits).
pub const TOKEN_BYTES: usize = 32;
/// Session lifetime when none is configured.
pub const SESSION_TTL_DEFAULT: Duration = Duration::from_secs(24 * 60 * 60);
/// Shortest configurable session lifetime.
pub const SESSION_TTL_MIN: Duration = Duration::from_secs(60);
/// Longest configurable session lifetime.
pub const SESSION_TTL_MAX: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// Live sessions one account may hold; logging in beyond it ends the oldest ones.
pub const SESSIONS_PER_ACCOUNT_MAX: u32 = 16;

/// Largest chip amount the ledger handles in one balance or one movement.
///
/// 2^53 - 1 keeps every amount exact as a JSON number in any client, and leaves room in `i64`
/// for the sum of [`MOVEMENTS_PER_TRANSACTION_MAX`] such amounts.
pub const CHIPS_MAX: u64 = (1 << 53) - 1;
/// Chips credited to a new account when none is configured.
pub const STARTING_BALANCE_DEFAULT: u64 = 10_000;
/// Movements one ledger transaction may contain (a hand settlement has a few per seat).
pub const MOVEMENTS_PER_TRANSACTION_MAX: usize = 64;
/// Longest idempotency key, in bytes.
pub const IDEMPOTENCY_KEY_BYTES_MAX: usize = 128;
/// Longest table identifier, in bytes.
pub const TABLE_ID_BYTES_MAX: usize = 64;
/// Largest stored hand record, in bytes.
pub const HAND_RECORD_BYTES_MAX: usize = 1024 * 1024;

/// Store jobs that may wait for the database thread before callers are made to wait.
pub const STORE_QUEUE_MAX: usize = 256;
/// Password hashes computed at once when none is configured (each Argon2id run holds 19 MiB).
pub const PASSWORD_HASHES_CONCURRENT_DEFAULT: usize = 2;
/// Most password hashes the configuration may allow at once.
pub const PASSWORD_HASHES_CONCURRENT_MAX: usize = 64;

/// HTTP connections served at once when none is configured; further ones are closed on
/// accept. Below the usual 1024 open-file limit, leaving room for the database and logs.
pub const CONNECTIONS_DEFAULT: usize = 900;
/// Most connections the configuration may allow at once.
pub const CONNECTIONS_MAX: usize = 65_536;
/// How long a client may take to send a request's headers before its connection is closed.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long open connections get to finish after a shutdown signal before they are dropped.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// How long shutdown waits for the hands in play to finish (players act, or the action
/// clock acts for them) before it closes the store and leaves them to crash recovery.
pub const TABLE_DRAIN_GRACE: Duration = Duration::from_secs(30);
/// Longest configurable drain grace (`drain_grace_secs`).
pub const TABLE_DRAIN_GRACE_MAX: Duration = Duration::from_secs(600);
/// Largest configuration file read, in bytes (room for a few thousand `[[tables]]`).
pub const CONFIG_FILE_BYTES_MAX: u64 = 1024 * 1024;

/// How long a player may think when no action clock is configured.
pub const ACTION_CLOCK_DEFAULT: Duration = Duration::from_secs(30);
/// Shortest configurable action clock.
pub const ACTION_CLOCK_MIN: Duration = Duration::from_secs(1);
/// Longest configurable action clock.
pub const ACTION_CLOCK_MAX: Duration = Duration::from_secs(600);
/// How long seats have to commit to their seeds after a hand's announcement.
pub const SEED_COMMIT_WINDOW_DEFAULT: Duration = Duration::from_secs(10);
/// How long seats have to reveal their seeds after the commit list.
pub const SEED_REVEAL_WINDOW_DEFAULT: Duration = Duration::from_secs(10);
/// Pause between hands at the default tables, so people can follow.
pub const HAND_PAUSE_DEFAULT: Duration = Duration::from_secs(2);
/// Longest configurable pause between hands (`hand_pause_ms` of a `[[tables]]` entry).
pub const HAND_PAUSE_MAX: Duration = Duration::from_secs(60);
/// Longest seed window or pause between hands a `[[tables]]` entry may configure.
pub const TABLE_WINDOW_MAX: Duration = Duration::from_secs(600);
/// Commands waiting in one table's inbox; beyond it a request is refused with `table_busy`.
pub const TABLE_INBOX_MAX: usize = 256;
/// Messages waiting to be written to one WebSocket; a client that falls further behind is
/// disconnected rather than letting the server buffer without bound.
pub const OUTGOING_QUEUE_MAX: usize = 1024;
/// Largest WebSocket message (and frame) a client may send, in bytes.
pub const WS_MESSAGE_BYTES_MAX: usize = 4 * 1024;
/// Tables one WebSocket connection may watch at once.
pub const WATCHED_TABLES_PER_CONNECTION_MAX: usize = 16;
/// Connections watching one table at once.
pub const WATCHERS_PER_TABLE_MAX: usize = 512;
/// Tables open at once; the admin API refuses to create more.
pub const TABLES_MAX: usize = 4096;
/// Tables opened at once when the server starts (each reads the store, and after a crash
/// voids its hand in play with a flushed write, which concurrent openings share).
pub const TABLES_OPENING_AT_ONCE: usize = 64;
/// Records returned by one request for a table's records in order.
pub const RECORDS_PAGE_MAX: u64 = 100;
/// Hands a player may sit out before being stood up with their chips returned (per table,
/// `TableConfig::with_sit_out_hands_max`, or `sit_out_hands_max` in a `[[tables]]` entry).
pub const SIT_OUT_HANDS_MAX_DEFAULT: u32 = 30;
/// How long a table remembers a player who left (the blinds they owed, the chips they left
/// with): sitting down again within this time brings the debt back and buys in for at least
/// those chips (`table/departures.rs`).
pub const DEPARTURE_MEMORY: Duration = Duration::from_secs(60 * 60);
/// Most departed players one table remembers; the oldest is forgotten first.
pub const DEPARTURES_MAX: usize = 256;
/// Largest configurable `sit_out_hands_max` (per table): a seat may be held without playing
/// for at most this many hands.
pub const SIT_OUT_HANDS_MAX_LIMIT: u32 = 1_000;

/// Events one table keeps for clients that resume after a dropped connection; a client
/// further behind gets a snapshot instead. Each entry holds the public text and, for hole
/// cards, the owner's private text (a hand is some 20–40 events).
pub const REPLAY_BUFFER_EVENTS_MAX: usize = 512;
/// Bytes of event text one table keeps for resuming clients (public and private copies
/// counted). A six-seat hand is some 10–15 KiB of events, so this covers the hand in play and
/// the one before; it bounds the memory of thousands of tables (32 MiB per 1,000).
pub const REPLAY_BUFFER_BYTES_MAX: usize = 32 * 1024;
/// A seat's time bank when none is configured: extra thinking time used when the action
/// clock runs out.
pub const TIME_BANK_DEFAULT: Duration = Duration::from_secs(30);
/// Largest configurable time bank.
pub const TIME_BANK_MAX: Duration = Duration::from_secs(600);
/// Time added back to a seat's bank (up to its size) after each hand it was dealt in, when
/// none is configured.
pub const TIME_BANK_REFILL_DEFAULT: Duration = Duration::from_secs(5);
/// Extra time a disconnected player to act gets after the action clock, when none is
/// configured.
pub const DISCONNECT_GRACE_DEFAULT: Duration = Duration::from_secs(30);
/// Longest configurable disconnect grace.
pub const DISCONNECT_GRACE_MAX: Duration = Duration::from_secs(600);
/// How long a disconnected player keeps the seat (and its chips at the table) before being
/// stood up between hands, when none is configured.
pub const SEAT_KEEP_DEFAULT: Duration = Duration::from_secs(120);
/// Longest configurable seat keep.
pub const SEAT_KEEP_MAX: Duration = Duration::from_secs(60 * 60);
/// How long a table waits before trying again to stand up a player whose cash-out failed.
pub const STAND_UP_RETRY_DELAY: Duration = Duration::from_secs(1);
/// Disconnect graces one player may get within [`DISCONNECT_GRACE_WINDOW_HANDS_DEFAULT`]
/// hands at a table, when none is configured; beyond it the clock acts without a grace.
pub const DISCONNECT_GRACES_DEFAULT: u32 = 3;
/// Most disconnect graces the configuration may allow per window.
pub const DISCONNECT_GRACES_MAX: u32 = 100;
/// The window, in hands, over which disconnect graces are counted, when none is configured.
pub const DISCONNECT_GRACE_WINDOW_HANDS_DEFAULT: u64 = 50;
/// Longest configurable window, in hands.
pub const DISCONNECT_GRACE_WINDOW_HANDS_MAX: u64 = 10_000;
/// Hands listed by one request for a player's hands when no `limit` is given.
pub const HISTORY_PAGE_DEFAULT: u64 = 50;
/// Most hands listed by one request for a player's hands.
pub const HISTORY_PAGE_MAX: u64 = 100;
/// Stored records one request for a player's hands looks at (at the tables the player sat
/// at, hands they were dealt in or not); the reply's `next` continues from there.
pub const HISTORY_SCAN_MAX: u64 = 1000;
/// Hands one multi-hand history download may cover (`to - from + 1`).
pub const HISTORY_DOWNLOAD_HANDS_MAX: u64 = 100;

// The ledger sums up to MOVEMENTS_PER_TRANSACTION_MAX amounts of at most CHIPS_MAX in i64.
const _: () = assert!((MOVEMENTS_PER_TRANSACTION_MAX as u64) * 2 * CHIPS_MAX < i64::MAX as u64);
const _: () = assert!(STARTING_BALANCE_DEFAULT <= CHIPS_MAX);
const _: () = assert!(USERNAME_LEN_MIN <= USERNAME_LEN_MAX);

// Connection layer (issue #7): per-address limits, rate limits, keep-alive, socket buffers.
// Each `_DEFAULT` can be changed in the configuration within its `_MAX` (and `_MIN`).

/// HTTP connections one client address (an IPv4 address or an IPv6 /64) may hold at once
/// when none is configured. Behind a reverse proxy every connection comes from the proxy's
/// address: raise this to `max_connections` there and limit per client in the proxy.
pub const CONNECTIONS_PER_ADDRESS_DEFAULT: usize = 64;
/// WebSocket messages per second one connection may send, sustained, by default.
pub const WS_MESSAGES_PER_SECOND_DEFAULT: u32 = 20;
/// WebSocket messages one connection may send at once after a quiet period, by default.
pub const WS_MESSAGE_BURST_DEFAULT: u32 = 40;
/// WebSocket messages per second all connections of one address may send together, by default.
pub const WS_MESSAGES_PER_SECOND_PER_ADDRESS_DEFAULT: u32 = 200;
/// WebSocket messages all connections of one address may send at once, by default.
pub const WS_MESSAGE_BURST_PER_ADDRESS_DEFAULT: u32 = 400;
/// WebSocket messages per second all connections of one account may send together, by
/// default. Unlike the per-address limit it still tells players apart behind a reverse proxy,
/// and a player with several sockets does not get several connections' budgets.
pub const WS_MESSAGES_PER_SECOND_PER_ACCOUNT_DEFAULT: u32 = 40;
/// WebSocket messages all connections of one account may send at once, by default.
pub const WS_MESSAGE_BURST_PER_ACCOUNT_DEFAULT: u32 = 80;
/// HTTP requests (WebSocket upgrades included) per second from one address, by default.
pub const HTTP_REQUESTS_PER_SECOND_PER_ADDRESS_DEFAULT: u32 = 20;
/// HTTP requests one address may send at once after a quiet period, by default.
pub const HTTP_REQUEST_BURST_PER_ADDRESS_DEFAULT: u32 = 60;
/// Authenticated HTTP requests per second from one account (all its sessions), by default.
/// Unlike the per-address limits it still tells players apart behind a reverse proxy.
pub const HTTP_REQUESTS_PER_SECOND_PER_ACCOUNT_DEFAULT: u32 = 10;
/// Authenticated HTTP requests one account may send at once, by default.
pub const HTTP_REQUEST_BURST_PER_ACCOUNT_DEFAULT: u32 = 40;
/// Largest configurable rate or burst.
pub const RATE_MAX: u32 = 1_000_000;
/// Rate-limited WebSocket messages a connection may send in a burst before it is closed as
/// abusive; the allowance refills at [`RATE_LIMIT_STRIKES_PER_SECOND`].
pub const RATE_LIMIT_STRIKES_MAX: u32 = 16;
/// How fast the allowance of rate-limited messages refills, per second.
pub const RATE_LIMIT_STRIKES_PER_SECOND: u32 = 1;
/// Client addresses (or accounts) whose rate buckets are remembered at once, per kind of
/// bucket.
pub const ADDRESSES_TRACKED_MAX: usize = 65_536;

/// Connections kept for plain HTTP requests by default: WebSockets may hold at most
/// `max_connections` minus these (`max_websockets`), so a server full of players still
/// answers logins, history downloads and health checks.
pub const HTTP_CONNECTIONS_RESERVED_DEFAULT: usize = 32;
/// WebSockets one account (all its sessions) may hold open at once, by default. Observers
/// (no token) are bounded by the per-address connection limit instead.
pub const WEBSOCKETS_PER_ACCOUNT_DEFAULT: usize = 8;
/// Most WebSockets per account the configuration may allow.
pub const WEBSOCKETS_PER_ACCOUNT_MAX: usize = 1024;
/// The `Retry-After` sent with a `503 server_full` refusal of a WebSocket, in seconds.
pub const SERVER_FULL_RETRY_AFTER_SECS: u64 = 5;

/// How often the server pings each WebSocket client, by default.
pub const WS_PING_INTERVAL_DEFAULT: Duration = Duration::from_secs(15);
/// How long a WebSocket client may stay silent (no message, no pong) before it is closed as
/// dead, by default. Must exceed the ping interval.
pub const WS_DEAD_PEER_TIMEOUT_DEFAULT: Duration = Duration::from_secs(30);
/// How long one write to a WebSocket client may take before the client counts as no longer
/// reading and is disconnected, by default.
pub const WS_WRITE_TIMEOUT_DEFAULT: Duration = Duration::from_secs(10);
/// Shortest configurable ping interval, dead-peer timeout or write timeout.
pub const WS_TIMING_MIN: Duration = Duration::from_millis(100);
/// Longest configurable ping interval, dead-peer timeout or write timeout.
pub const WS_TIMING_MAX: Duration = Duration::from_secs(3600);
/// How long the server tries to deliver its close frame before dropping the connection.
pub const WS_CLOSE_SEND_TIMEOUT: Duration = Duration::from_secs(1);
/// Read buffer of each WebSocket, in bytes (tungstenite's default of 128 KiB would cost that
/// much per idle connection, and tungstenite zero-fills it before every read). Clients send
/// small messages; one larger than this is read in several steps. 4 KiB cost 3 KiB more per
/// idle connection (10.0 against 7.0 KiB at 10,000) for no difference in CPU per action.
pub const WS_READ_BUFFER_BYTES: usize = 1024;
/// Bytes of queued messages a WebSocket collects before writing them out unflushed (a flush
/// after each batch writes the rest): larger batches cost one system call per this many bytes.
pub const WS_WRITE_BATCH_BYTES: usize = 16 * 1024;
/// Most bytes a WebSocket may hold waiting to be written when writes keep failing.
pub const WS_WRITE_BUFFER_BYTES_MAX: usize = 256 * 1024;
/// Most tables one `list_tables` reply lists (the reply says where the next page starts). A
/// listed table takes about 400 bytes, so a page stays well inside
/// [`WS_WRITE_BUFFER_BYTES_MAX`], which no single message may exceed.
pub const LIST_TABLES_PAGE_MAX: usize = 200;

/// How long a TLS handshake may take before the connection is closed.
pub const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest certificate or key file read, in bytes.
pub const TLS_PEM_FILE_BYTES_MAX: u64 = 1024 * 1024;

const _: () =
    assert!(WS_PING_INTERVAL_DEFAULT.as_millis() < WS_DEAD_PEER_TIMEOUT_DEFAULT.as_millis());
const _: () = assert!(WS_MESSAGE_BURST_DEFAULT >= WS_MESSAGES_PER_SECOND_DEFAULT);
// A full replay, then the answer to the resume, fits in an empty outgoing queue.
const _: () = assert!(REPLAY_BUFFER_EVENTS_MAX < OUTGOING_QUEUE_MAX);
const _: () = assert!(WS_MESSAGE_BURST_PER_ACCOUNT_DEFAULT >= WS_MESSAGE_BURST_DEFAULT);
const _: () = assert!(HTTP_CONNECTIONS_RESERVED_DEFAULT < CONNECTIONS_DEFAULT);
