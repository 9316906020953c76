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
/// Records returned by one request for a table's records in order.
pub const RECORDS_PAGE_MAX: u64 = 100;

// The ledger sums up to MOVEMENTS_PER_TRANSACTION_MAX amounts of at most CHIPS_MAX in i64.
const _: () = assert!((MOVEMENTS_PER_TRANSACTION_MAX as u64) * 2 * CHIPS_MAX < i64::MAX as u64);
const _: () = assert!(STARTING_BALANCE_DEFAULT <= CHIPS_MAX);
const _: () = assert!(USERNAME_LEN_MIN <= USERNAME_LEN_MAX);
