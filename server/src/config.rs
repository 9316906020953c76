//! Server configuration from flags, `POKER_*` environment variables and an optional TOML file.
//!
//! Precedence, highest first: command-line flags, environment variables, the config file,
//! built-in defaults. Each setting is resolved on its own, so a file can set the balance while
//! a flag sets the address. Every value is range-checked once, here, into a [`Config`].

use std::fs::File;
use std::io::{self, Read};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::admin::{AdminSecret, AdminTokenHash};
use crate::auth::PasswordCost;
use crate::limiter::ConnectionLimits;
use crate::limits::{
    ACTION_CLOCK_DEFAULT, ACTION_CLOCK_MAX, ACTION_CLOCK_MIN, CHIPS_MAX, CONFIG_FILE_BYTES_MAX,
    CONNECTIONS_DEFAULT, CONNECTIONS_MAX, HAND_PAUSE_DEFAULT, HAND_PAUSE_MAX,
    PASSWORD_HASHES_CONCURRENT_DEFAULT, PASSWORD_HASHES_CONCURRENT_MAX, SEED_COMMIT_WINDOW_DEFAULT,
    SEED_REVEAL_WINDOW_DEFAULT, SESSION_TTL_DEFAULT, SESSION_TTL_MAX, SESSION_TTL_MIN,
    STARTING_BALANCE_DEFAULT, TABLE_DRAIN_GRACE, TABLE_DRAIN_GRACE_MAX, TABLE_WINDOW_MAX,
};
use crate::limits::{
    CONNECTIONS_PER_ADDRESS_DEFAULT, HTTP_REQUESTS_PER_SECOND_PER_ACCOUNT_DEFAULT,
    HTTP_REQUESTS_PER_SECOND_PER_ADDRESS_DEFAULT, HTTP_REQUEST_BURST_PER_ACCOUNT_DEFAULT,
    HTTP_REQUEST_BURST_PER_ADDRESS_DEFAULT, RATE_MAX, WS_DEAD_PEER_TIMEOUT_DEFAULT,
    WS_MESSAGES_PER_SECOND_DEFAULT, WS_MESSAGES_PER_SECOND_PER_ADDRESS_DEFAULT,
    WS_MESSAGE_BURST_DEFAULT, WS_MESSAGE_BURST_PER_ADDRESS_DEFAULT, WS_PING_INTERVAL_DEFAULT,
    WS_TIMING_MAX, WS_TIMING_MIN, WS_WRITE_TIMEOUT_DEFAULT,
};
use crate::limits::{
    HTTP_CONNECTIONS_RESERVED_DEFAULT, WEBSOCKETS_PER_ACCOUNT_DEFAULT, WEBSOCKETS_PER_ACCOUNT_MAX,
    WS_MESSAGES_PER_SECOND_PER_ACCOUNT_DEFAULT, WS_MESSAGE_BURST_PER_ACCOUNT_DEFAULT,
};
use crate::rate::Rate;
use crate::table::{PresenceRules, TableConfig, TableGame};

mod table_overrides;

/// Address the server listens on by default: loopback only, for a reverse proxy in front
/// (listen publicly with TLS configured; see `docs/deployment.md`).
pub const ADDR_DEFAULT: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 8080);
/// Data directory by default, relative to the working directory.
pub const DATA_DIR_DEFAULT: &str = "poker-data";

/// The command line: settings, the config file's path and the log filter.
#[derive(Debug, clap::Parser)]
#[command(name = "poker-server", version, about = "The fairdeal poker server")]
pub struct Cli {
    /// Settings given as flags or environment variables.
    #[command(flatten)]
    pub settings: ConfigLayer,
    /// TOML config file; flags and environment variables override its values
    #[arg(long, env = "POKER_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Log filter: a level and/or comma-separated target=level pairs, e.g. "warn,poker_server=debug"
    #[arg(long, env = "POKER_LOG", value_name = "FILTER", default_value = "info")]
    pub log: String,
    /// Log line format: `text` for people, `json` (one object per line) for log collectors
    #[arg(
        long,
        env = "POKER_LOG_FORMAT",
        value_name = "FORMAT",
        default_value = "text"
    )]
    pub log_format: LogFormat,
    /// A maintenance command instead of serving.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, fields included.
    Json,
}

/// Commands other than serving.
#[derive(Debug, Clone, PartialEq, Eq, clap::Subcommand)]
pub enum Command {
    /// Walks the audit log's hash chain and reports the first bad entry (exit 0 intact, 1
    /// broken, 2 unreadable). Opens the database read-only; the server may be running.
    AuditCheck {
        /// The server's data directory
        #[arg(long, value_name = "DIR")]
        data_dir: PathBuf,
    },
    /// Copies the data directory (database and signing key) into a new directory and checks
    /// the copy (exit 0 sound, 1 a check failed, 2 no backup made). One consistent snapshot;
    /// the server may be running. To restore, start the server with `--data-dir` set to it.
    Backup {
        /// The server's data directory
        #[arg(long, value_name = "DIR")]
        data_dir: PathBuf,
        /// The new directory to write (must not exist)
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
    },
}

/// One source of settings; unset fields fall through to the next source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct ConfigLayer {
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "POKER_ADDR", value_name = "IP:PORT")]
    pub addr: Option<SocketAddr>,
    /// Directory for the database and the signing key, created with mode 0700 [default: ./poker-data]
    #[arg(long, env = "POKER_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Chips credited to each new account [default: 10000]
    #[arg(long, env = "POKER_STARTING_BALANCE", value_name = "CHIPS")]
    pub starting_balance: Option<u64>,
    /// Lifetime of a login session in seconds [default: 86400]
    #[arg(long, env = "POKER_SESSION_TTL_SECS", value_name = "SECONDS")]
    pub session_ttl_secs: Option<u64>,
    /// Password hashes computed at once; each takes 19 MiB for a moment [default: 2]
    #[arg(long, env = "POKER_PASSWORD_HASH_CONCURRENCY", value_name = "N")]
    pub password_hash_concurrency: Option<usize>,
    /// Connections served at once; more are closed on accept [default: 900]
    #[arg(long, env = "POKER_MAX_CONNECTIONS", value_name = "N")]
    pub max_connections: Option<usize>,
    /// Seconds a player may think before the time-out action (check or fold) [default: 30]
    #[arg(long, env = "POKER_ACTION_CLOCK_SECS", value_name = "SECONDS")]
    pub action_clock_secs: Option<u64>,
    /// Seconds in each seat's time bank, used when the action clock runs out [default: 30]
    #[arg(long, env = "POKER_TIME_BANK_SECS", value_name = "SECONDS")]
    pub time_bank_secs: Option<u64>,
    /// Seconds added back to a seat's time bank after each hand it played, up to its size [default: 5]
    #[arg(long, env = "POKER_TIME_BANK_REFILL_SECS", value_name = "SECONDS")]
    pub time_bank_refill_secs: Option<u64>,
    /// Extra seconds a disconnected player to act gets after the action clock [default: 30]
    #[arg(long, env = "POKER_DISCONNECT_GRACE_SECS", value_name = "SECONDS")]
    pub disconnect_grace_secs: Option<u64>,
    /// Seconds a disconnected player keeps the seat before being stood up [default: 120]
    #[arg(long, env = "POKER_SEAT_KEEP_SECS", value_name = "SECONDS")]
    pub seat_keep_secs: Option<u64>,
    /// Disconnect graces a player gets at most per window of hands [default: 3]
    #[arg(long, env = "POKER_DISCONNECT_GRACES", value_name = "N")]
    pub disconnect_graces: Option<u32>,
    /// The window, in hands, over which disconnect graces are counted [default: 50]
    #[arg(
        long,
        env = "POKER_DISCONNECT_GRACE_WINDOW_HANDS",
        value_name = "HANDS"
    )]
    pub disconnect_grace_window_hands: Option<u64>,
    /// Seconds shutdown waits for the hands in play to finish [default: 30]
    #[arg(long, env = "POKER_DRAIN_GRACE_SECS", value_name = "SECONDS")]
    pub drain_grace_secs: Option<u64>,
    /// Tables to open instead of the defaults (config file only: `[[tables]]`).
    #[arg(skip)]
    pub tables: Option<Vec<TableSpec>>,
    /// Connections one client address (IPv4, or IPv6 /64) may hold at once [default: 64]
    #[arg(long, env = "POKER_MAX_CONNECTIONS_PER_ADDRESS", value_name = "N")]
    pub max_connections_per_address: Option<usize>,
    /// WebSocket messages per second per connection, sustained [default: 20]
    #[arg(long, env = "POKER_WS_MESSAGES_PER_SEC", value_name = "N")]
    pub ws_messages_per_sec: Option<u32>,
    /// WebSocket messages a connection may send at once [default: 40]
    #[arg(long, env = "POKER_WS_MESSAGE_BURST", value_name = "N")]
    pub ws_message_burst: Option<u32>,
    /// WebSocket messages per second from all connections of one address [default: 200]
    #[arg(long, env = "POKER_WS_MESSAGES_PER_SEC_PER_ADDRESS", value_name = "N")]
    pub ws_messages_per_sec_per_address: Option<u32>,
    /// WebSocket messages one address may send at once [default: 400]
    #[arg(long, env = "POKER_WS_MESSAGE_BURST_PER_ADDRESS", value_name = "N")]
    pub ws_message_burst_per_address: Option<u32>,
    /// WebSocket messages per second from all connections of one account [default: 40]
    #[arg(long, env = "POKER_WS_MESSAGES_PER_SEC_PER_ACCOUNT", value_name = "N")]
    pub ws_messages_per_sec_per_account: Option<u32>,
    /// WebSocket messages one account may send at once [default: 80]
    #[arg(long, env = "POKER_WS_MESSAGE_BURST_PER_ACCOUNT", value_name = "N")]
    pub ws_message_burst_per_account: Option<u32>,
    /// WebSockets open at once; an upgrade beyond it gets 503 server_full [default: max_connections - 32]
    #[arg(long, env = "POKER_MAX_WEBSOCKETS", value_name = "N")]
    pub max_websockets: Option<usize>,
    /// WebSockets one account may hold open at once [default: 8]
    #[arg(long, env = "POKER_MAX_WEBSOCKETS_PER_ACCOUNT", value_name = "N")]
    pub max_websockets_per_account: Option<usize>,
    /// HTTP requests per second from one address [default: 20]
    #[arg(
        long,
        env = "POKER_HTTP_REQUESTS_PER_SEC_PER_ADDRESS",
        value_name = "N"
    )]
    pub http_requests_per_sec_per_address: Option<u32>,
    /// HTTP requests one address may send at once [default: 60]
    #[arg(long, env = "POKER_HTTP_REQUEST_BURST_PER_ADDRESS", value_name = "N")]
    pub http_request_burst_per_address: Option<u32>,
    /// Authenticated HTTP requests per second from one account [default: 10]
    #[arg(
        long,
        env = "POKER_HTTP_REQUESTS_PER_SEC_PER_ACCOUNT",
        value_name = "N"
    )]
    pub http_requests_per_sec_per_account: Option<u32>,
    /// Authenticated HTTP requests one account may send at once [default: 40]
    #[arg(long, env = "POKER_HTTP_REQUEST_BURST_PER_ACCOUNT", value_name = "N")]
    pub http_request_burst_per_account: Option<u32>,
    /// Milliseconds between server pings on each WebSocket [default: 15000]
    #[arg(long, env = "POKER_WS_PING_INTERVAL_MS", value_name = "MS")]
    pub ws_ping_interval_ms: Option<u64>,
    /// Milliseconds a WebSocket client may stay silent (no pong) before it is closed [default: 30000]
    #[arg(long, env = "POKER_WS_DEAD_PEER_TIMEOUT_MS", value_name = "MS")]
    pub ws_dead_peer_timeout_ms: Option<u64>,
    /// Milliseconds one write to a WebSocket client may take before it is closed [default: 10000]
    #[arg(long, env = "POKER_WS_WRITE_TIMEOUT_MS", value_name = "MS")]
    pub ws_write_timeout_ms: Option<u64>,
    /// PEM certificate chain; with --tls-key the server speaks only HTTPS/WSS
    #[arg(
        long,
        env = "POKER_TLS_CERT",
        value_name = "FILE",
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1) for --tls-cert
    #[arg(
        long,
        env = "POKER_TLS_KEY",
        value_name = "FILE",
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,
    /// Token for the admin API and /metrics (32-256 printable characters); no admin API without it
    #[arg(
        long,
        env = "POKER_ADMIN_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub admin_token: Option<AdminSecret>,
    /// Load tests only (config file only): hash new passwords with Argon2's smallest
    /// parameters ([`PasswordCost::InsecureFast`]). The server logs a warning when it is on.
    #[arg(skip)]
    pub insecure_fast_password_hashing: Option<bool>,
}

/// Whole milliseconds of a (small, configured) duration.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// One `[[tables]]` entry of the config file.
///
/// ```toml
/// [[tables]]
/// name = "nlhe-5-10"
/// number = 3
/// game = "nlhe"          # or "plo"
/// blinds = [5, 10]
/// seats = 9
/// buy_in = [200, 2000]
/// sit_out_hands_max = 30  # optional
/// # optional: seed windows and the pause between hands, in milliseconds
/// commit_window_ms = 10000
/// reveal_window_ms = 10000
/// hand_pause_ms = 2000
/// # optional: this table's time bank and disconnection rules, overriding the
/// # server-wide settings of the same names
/// time_bank_secs = 60
/// time_bank_refill_secs = 10
/// disconnect_grace_secs = 45
/// seat_keep_secs = 300
/// disconnect_graces = 5
/// disconnect_grace_window_hands = 100
/// ```
///
/// The admin API's `POST /api/v1/admin/tables` takes the same fields as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct TableSpec {
    /// The table's name (letters, digits, `-`, `_`; at most 64).
    pub name: String,
    /// Its number in the fairness records; unique per server and never reused.
    pub number: u64,
    /// `nlhe` or `plo`.
    pub game: String,
    /// Small and big blind.
    pub blinds: (u64, u64),
    /// Seats, 2 to 10.
    pub seats: u8,
    /// Smallest and largest buy-in.
    pub buy_in: (u64, u64),
    /// Hands a player may sit out before being stood up (default
    /// [`SIT_OUT_HANDS_MAX_DEFAULT`](crate::limits::SIT_OUT_HANDS_MAX_DEFAULT)).
    #[serde(default)]
    pub sit_out_hands_max: Option<u32>,
    /// Milliseconds seats have to commit to their seeds [default: 10000].
    #[serde(default)]
    pub commit_window_ms: Option<u64>,
    /// Milliseconds seats have to reveal their seeds [default: 10000].
    #[serde(default)]
    pub reveal_window_ms: Option<u64>,
    /// Pause between hands in milliseconds [default: 2000].
    #[serde(default)]
    pub hand_pause_ms: Option<u64>,
    /// This table's time bank in seconds [default: the server's `time_bank_secs`].
    #[serde(default)]
    pub time_bank_secs: Option<u64>,
    /// Seconds added back to the bank per hand [default: the server's `time_bank_refill_secs`].
    #[serde(default)]
    pub time_bank_refill_secs: Option<u64>,
    /// Disconnect grace in seconds [default: the server's `disconnect_grace_secs`].
    #[serde(default)]
    pub disconnect_grace_secs: Option<u64>,
    /// Seconds a disconnected player keeps the seat [default: the server's `seat_keep_secs`].
    #[serde(default)]
    pub seat_keep_secs: Option<u64>,
    /// Disconnect graces per window [default: the server's `disconnect_graces`].
    #[serde(default)]
    pub disconnect_graces: Option<u32>,
    /// The grace window in hands [default: the server's `disconnect_grace_window_hands`].
    #[serde(default)]
    pub disconnect_grace_window_hands: Option<u64>,
}

impl TableSpec {
    /// The checked table, with `action_clock`, its seed windows and pause (the defaults
    /// unless given) and its time bank and disconnection rules (`server_wide`'s unless
    /// overridden, see `config/table_overrides.rs`).
    pub(crate) fn build(
        &self,
        action_clock: Duration,
        server_wide: &PresenceRules,
    ) -> Result<TableConfig, ConfigError> {
        let invalid = |reason: String| ConfigError::Table {
            name: self.name.clone(),
            reason,
        };
        let name = crate::ledger::TableId::parse(&self.name).map_err(|e| invalid(e.to_string()))?;
        let hand_pause = match self.hand_pause_ms {
            None => HAND_PAUSE_DEFAULT,
            Some(ms) if ms <= millis(HAND_PAUSE_MAX) => Duration::from_millis(ms),
            Some(ms) => {
                return Err(invalid(format!(
                    "hand_pause_ms = {ms} is above {}",
                    millis(HAND_PAUSE_MAX)
                )))
            }
        };
        let game = match self.game.as_str() {
            "nlhe" => TableGame::NoLimitHoldem,
            "plo" => TableGame::PotLimitOmaha,
            other => return Err(invalid(format!("unknown game {other:?} (nlhe or plo)"))),
        };
        TableConfig::new(
            name,
            self.number,
            game,
            self.blinds,
            self.seats,
            self.buy_in,
        )
        .map_err(|e| invalid(e.to_string()))
        .and_then(|table| {
            let millis_or = |ms: Option<u64>, default| ms.map_or(default, Duration::from_millis);
            for ms in [
                self.commit_window_ms,
                self.reveal_window_ms,
                self.hand_pause_ms,
            ] {
                if ms.is_some_and(|ms| u128::from(ms) > TABLE_WINDOW_MAX.as_millis()) {
                    return Err(invalid(format!(
                        "seed windows and the hand pause are at most {} ms",
                        TABLE_WINDOW_MAX.as_millis()
                    )));
                }
            }
            table
                .with_clocks(
                    action_clock,
                    millis_or(self.commit_window_ms, SEED_COMMIT_WINDOW_DEFAULT),
                    millis_or(self.reveal_window_ms, SEED_REVEAL_WINDOW_DEFAULT),
                    hand_pause,
                )
                .map_err(|e| invalid(e.to_string()))
        })
        .and_then(|table| {
            Ok(table
                .with_sit_out_hands_max(self.sit_out_hands()?)
                .with_presence(self.presence_rules(server_wide)?))
        })
    }
}

impl ConfigLayer {
    /// Each setting from `self` if set there, otherwise from `lower`.
    pub fn or(self, lower: ConfigLayer) -> ConfigLayer {
        ConfigLayer {
            addr: self.addr.or(lower.addr),
            data_dir: self.data_dir.or(lower.data_dir),
            starting_balance: self.starting_balance.or(lower.starting_balance),
            session_ttl_secs: self.session_ttl_secs.or(lower.session_ttl_secs),
            password_hash_concurrency: self
                .password_hash_concurrency
                .or(lower.password_hash_concurrency),
            max_connections: self.max_connections.or(lower.max_connections),
            action_clock_secs: self.action_clock_secs.or(lower.action_clock_secs),
            time_bank_secs: self.time_bank_secs.or(lower.time_bank_secs),
            time_bank_refill_secs: self.time_bank_refill_secs.or(lower.time_bank_refill_secs),
            disconnect_grace_secs: self.disconnect_grace_secs.or(lower.disconnect_grace_secs),
            seat_keep_secs: self.seat_keep_secs.or(lower.seat_keep_secs),
            disconnect_graces: self.disconnect_graces.or(lower.disconnect_graces),
            disconnect_grace_window_hands: self
                .disconnect_grace_window_hands
                .or(lower.disconnect_grace_window_hands),
            drain_grace_secs: self.drain_grace_secs.or(lower.drain_grace_secs),
            tables: self.tables.or(lower.tables),
            max_connections_per_address: self
                .max_connections_per_address
                .or(lower.max_connections_per_address),
            ws_messages_per_sec: self.ws_messages_per_sec.or(lower.ws_messages_per_sec),
            ws_message_burst: self.ws_message_burst.or(lower.ws_message_burst),
            ws_messages_per_sec_per_address: self
                .ws_messages_per_sec_per_address
                .or(lower.ws_messages_per_sec_per_address),
            ws_message_burst_per_address: self
                .ws_message_burst_per_address
                .or(lower.ws_message_burst_per_address),
            ws_messages_per_sec_per_account: self
                .ws_messages_per_sec_per_account
                .or(lower.ws_messages_per_sec_per_account),
            ws_message_burst_per_account: self
                .ws_message_burst_per_account
                .or(lower.ws_message_burst_per_account),
            max_websockets: self.max_websockets.or(lower.max_websockets),
            max_websockets_per_account: self
                .max_websockets_per_account
                .or(lower.max_websockets_per_account),
            http_requests_per_sec_per_address: self
                .http_requests_per_sec_per_address
                .or(lower.http_requests_per_sec_per_address),
            http_request_burst_per_address: self
                .http_request_burst_per_address
                .or(lower.http_request_burst_per_address),
            http_requests_per_sec_per_account: self
                .http_requests_per_sec_per_account
                .or(lower.http_requests_per_sec_per_account),
            http_request_burst_per_account: self
                .http_request_burst_per_account
                .or(lower.http_request_burst_per_account),
            ws_ping_interval_ms: self.ws_ping_interval_ms.or(lower.ws_ping_interval_ms),
            ws_dead_peer_timeout_ms: self
                .ws_dead_peer_timeout_ms
                .or(lower.ws_dead_peer_timeout_ms),
            ws_write_timeout_ms: self.ws_write_timeout_ms.or(lower.ws_write_timeout_ms),
            tls_cert: self.tls_cert.or(lower.tls_cert),
            tls_key: self.tls_key.or(lower.tls_key),
            admin_token: self.admin_token.or(lower.admin_token),
            insecure_fast_password_hashing: self
                .insecure_fast_password_hashing
                .or(lower.insecure_fast_password_hashing),
        }
    }

    /// Reads a TOML file whose keys are this struct's field names, e.g.
    ///
    /// ```toml
    /// addr = "0.0.0.0:8080"
    /// data_dir = "/var/lib/poker"
    /// starting_balance = 5000
    /// ```
    pub fn from_file(path: &Path) -> Result<ConfigLayer, ConfigError> {
        let io_error = |source| ConfigError::Read {
            path: path.to_owned(),
            source,
        };
        let mut text = String::new();
        File::open(path)
            .map_err(io_error)?
            .take(CONFIG_FILE_BYTES_MAX + 1)
            .read_to_string(&mut text)
            .map_err(io_error)?;
        if text.len() as u64 > CONFIG_FILE_BYTES_MAX {
            return Err(ConfigError::FileTooLarge(path.to_owned()));
        }
        toml::from_str(&text).map_err(|err| ConfigError::Parse {
            path: path.to_owned(),
            message: err.to_string(),
        })
    }
}

/// Why the configuration is unusable.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The failure.
        #[source]
        source: io::Error,
    },
    /// The config file is above [`CONFIG_FILE_BYTES_MAX`].
    #[error("config file {0} is larger than {CONFIG_FILE_BYTES_MAX} bytes")]
    FileTooLarge(PathBuf),
    /// The config file is not valid TOML for these settings.
    #[error("config file {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's explanation.
        message: String,
    },
    /// A setting is out of range.
    #[error("{setting} = {value} is out of range ({range})")]
    OutOfRange {
        /// The setting's name.
        setting: &'static str,
        /// The value given.
        value: u64,
        /// The allowed range.
        range: String,
    },
    /// A `[[tables]]` entry is invalid.
    #[error("table {name}: {reason}")]
    Table {
        /// The entry's name.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The time bank or disconnection settings are out of range.
    #[error("{0}")]
    Presence(#[from] crate::table::PresenceRulesError),
    /// Two tables share a name or a number.
    #[error("table {0} is configured twice (names and numbers must be unique)")]
    DuplicateTable(String),
    /// A TLS certificate without a key, or a key without a certificate.
    #[error("tls_cert and tls_key must be set together")]
    TlsIncomplete,
    /// The dead-peer timeout is not longer than the ping interval, so live clients would be
    /// closed before they could answer.
    #[error(
        "ws_dead_peer_timeout_ms ({timeout_ms}) must exceed ws_ping_interval_ms ({interval_ms})"
    )]
    DeadPeerTimeoutTooShort {
        /// The ping interval.
        interval_ms: u64,
        /// The dead-peer timeout.
        timeout_ms: u64,
    },
}

/// Complete, range-checked settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    addr: SocketAddr,
    data_dir: PathBuf,
    starting_balance: u64,
    session_ttl: Duration,
    password_hash_concurrency: usize,
    max_connections: usize,
    tables: Vec<TableConfig>,
    connection_limits: ConnectionLimits,
    tls: Option<TlsFiles>,
    action_clock: Duration,
    admin_token: Option<AdminTokenHash>,
    presence: PresenceRules,
    drain_grace: Duration,
    password_cost: PasswordCost,
}

/// Refuses two tables with the same name or number: each names one chain of records.
fn check_unique(tables: &[TableConfig]) -> Result<(), ConfigError> {
    for (i, table) in tables.iter().enumerate() {
        if tables[..i]
            .iter()
            .any(|t| t.name() == table.name() || t.number() == table.number())
        {
            return Err(ConfigError::DuplicateTable(table.name().to_string()));
        }
    }
    Ok(())
}

/// Checks `value` lies in `min..=max`.
fn in_range(setting: &'static str, value: u64, min: u64, max: u64) -> Result<u64, ConfigError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(ConfigError::OutOfRange {
            setting,
            value,
            range: format!("{min}..={max}"),
        })
    }
}

/// Where the TLS certificate chain and private key are (PEM files).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The certificate chain, leaf first.
    pub cert: PathBuf,
    /// The private key.
    pub key: PathBuf,
}

/// The checked limits of the connection layer.
fn connection_limits(
    layer: &ConfigLayer,
    max_connections: usize,
) -> Result<ConnectionLimits, ConfigError> {
    let per_address = layer
        .max_connections_per_address
        .unwrap_or(CONNECTIONS_PER_ADDRESS_DEFAULT.min(max_connections));
    in_range(
        "max_connections_per_address",
        per_address as u64,
        1,
        max_connections as u64,
    )?;
    let rate = |setting: &'static str, value: Option<u32>, default: u32| {
        in_range(
            setting,
            u64::from(value.unwrap_or(default)),
            1,
            u64::from(RATE_MAX),
        )
        .map(|checked| checked as u32)
    };
    let millis = |setting: &'static str, value: Option<u64>, default: Duration| {
        in_range(
            setting,
            value.unwrap_or(default.as_millis() as u64),
            WS_TIMING_MIN.as_millis() as u64,
            WS_TIMING_MAX.as_millis() as u64,
        )
        .map(Duration::from_millis)
    };
    let ping_interval = millis(
        "ws_ping_interval_ms",
        layer.ws_ping_interval_ms,
        WS_PING_INTERVAL_DEFAULT,
    )?;
    let dead_peer_timeout = millis(
        "ws_dead_peer_timeout_ms",
        layer.ws_dead_peer_timeout_ms,
        WS_DEAD_PEER_TIMEOUT_DEFAULT,
    )?;
    if dead_peer_timeout <= ping_interval {
        return Err(ConfigError::DeadPeerTimeoutTooShort {
            interval_ms: ping_interval.as_millis() as u64,
            timeout_ms: dead_peer_timeout.as_millis() as u64,
        });
    }
    let websockets = layer.max_websockets.unwrap_or(
        max_connections
            .saturating_sub(HTTP_CONNECTIONS_RESERVED_DEFAULT)
            .max(1),
    );
    in_range(
        "max_websockets",
        websockets as u64,
        1,
        max_connections as u64,
    )?;
    let websockets_per_account = layer
        .max_websockets_per_account
        .unwrap_or(WEBSOCKETS_PER_ACCOUNT_DEFAULT.min(websockets));
    in_range(
        "max_websockets_per_account",
        websockets_per_account as u64,
        1,
        WEBSOCKETS_PER_ACCOUNT_MAX.min(websockets) as u64,
    )?;
    Ok(ConnectionLimits {
        connections_per_address: per_address,
        websockets,
        websockets_per_account,
        ws_messages_per_account: Rate::new(
            rate(
                "ws_messages_per_sec_per_account",
                layer.ws_messages_per_sec_per_account,
                WS_MESSAGES_PER_SECOND_PER_ACCOUNT_DEFAULT,
            )?,
            rate(
                "ws_message_burst_per_account",
                layer.ws_message_burst_per_account,
                WS_MESSAGE_BURST_PER_ACCOUNT_DEFAULT,
            )?,
        ),
        ws_messages: Rate::new(
            rate(
                "ws_messages_per_sec",
                layer.ws_messages_per_sec,
                WS_MESSAGES_PER_SECOND_DEFAULT,
            )?,
            rate(
                "ws_message_burst",
                layer.ws_message_burst,
                WS_MESSAGE_BURST_DEFAULT,
            )?,
        ),
        ws_messages_per_address: Rate::new(
            rate(
                "ws_messages_per_sec_per_address",
                layer.ws_messages_per_sec_per_address,
                WS_MESSAGES_PER_SECOND_PER_ADDRESS_DEFAULT,
            )?,
            rate(
                "ws_message_burst_per_address",
                layer.ws_message_burst_per_address,
                WS_MESSAGE_BURST_PER_ADDRESS_DEFAULT,
            )?,
        ),
        http_requests_per_address: Rate::new(
            rate(
                "http_requests_per_sec_per_address",
                layer.http_requests_per_sec_per_address,
                HTTP_REQUESTS_PER_SECOND_PER_ADDRESS_DEFAULT,
            )?,
            rate(
                "http_request_burst_per_address",
                layer.http_request_burst_per_address,
                HTTP_REQUEST_BURST_PER_ADDRESS_DEFAULT,
            )?,
        ),
        http_requests_per_account: Rate::new(
            rate(
                "http_requests_per_sec_per_account",
                layer.http_requests_per_sec_per_account,
                HTTP_REQUESTS_PER_SECOND_PER_ACCOUNT_DEFAULT,
            )?,
            rate(
                "http_request_burst_per_account",
                layer.http_request_burst_per_account,
                HTTP_REQUEST_BURST_PER_ACCOUNT_DEFAULT,
            )?,
        ),
        ping_interval,
        dead_peer_timeout,
        write_timeout: millis(
            "ws_write_timeout_ms",
            layer.ws_write_timeout_ms,
            WS_WRITE_TIMEOUT_DEFAULT,
        )?,
    })
}

/// The time bank and disconnection rules of every table, from `layer` or the defaults.
fn presence_rules(layer: &ConfigLayer) -> Result<PresenceRules, ConfigError> {
    let defaults = PresenceRules::default();
    let secs = |value: Option<u64>, default: Duration| value.map_or(default, Duration::from_secs);
    Ok(PresenceRules::new(
        secs(layer.time_bank_secs, defaults.time_bank()),
        secs(layer.time_bank_refill_secs, defaults.time_bank_refill()),
        secs(layer.disconnect_grace_secs, defaults.disconnect_grace()),
        secs(layer.seat_keep_secs, defaults.seat_keep()),
        layer
            .disconnect_graces
            .unwrap_or(defaults.graces_per_window()),
        layer
            .disconnect_grace_window_hands
            .unwrap_or(defaults.grace_window_hands()),
    )?)
}

impl Config {
    /// Fills unset settings with defaults and checks every value.
    ///
    /// ```
    /// use poker_server::config::{Config, ConfigLayer};
    /// let config = Config::from_layer(ConfigLayer {
    ///     starting_balance: Some(500),
    ///     ..ConfigLayer::default()
    /// })?;
    /// assert_eq!(config.starting_balance(), 500);
    /// assert_eq!(config.addr().to_string(), "127.0.0.1:8080");
    /// # Ok::<(), poker_server::config::ConfigError>(())
    /// ```
    pub fn from_layer(layer: ConfigLayer) -> Result<Config, ConfigError> {
        let starting_balance = in_range(
            "starting_balance",
            layer.starting_balance.unwrap_or(STARTING_BALANCE_DEFAULT),
            0,
            CHIPS_MAX,
        )?;
        let session_ttl = in_range(
            "session_ttl_secs",
            layer
                .session_ttl_secs
                .unwrap_or(SESSION_TTL_DEFAULT.as_secs()),
            SESSION_TTL_MIN.as_secs(),
            SESSION_TTL_MAX.as_secs(),
        )?;
        let concurrency = layer
            .password_hash_concurrency
            .unwrap_or(PASSWORD_HASHES_CONCURRENT_DEFAULT);
        in_range(
            "password_hash_concurrency",
            concurrency as u64,
            1,
            PASSWORD_HASHES_CONCURRENT_MAX as u64,
        )?;
        let max_connections = layer.max_connections.unwrap_or(CONNECTIONS_DEFAULT);
        in_range(
            "max_connections",
            max_connections as u64,
            1,
            CONNECTIONS_MAX as u64,
        )?;
        let action_clock = in_range(
            "action_clock_secs",
            layer
                .action_clock_secs
                .unwrap_or(ACTION_CLOCK_DEFAULT.as_secs()),
            ACTION_CLOCK_MIN.as_secs(),
            ACTION_CLOCK_MAX.as_secs(),
        )?;
        let action_clock = Duration::from_secs(action_clock);
        let presence = presence_rules(&layer)?;
        let tables = match &layer.tables {
            None => TableConfig::defaults(action_clock)
                .into_iter()
                .map(|table| table.with_presence(presence))
                .collect(),
            Some(specs) => specs
                .iter()
                .map(|spec| spec.build(action_clock, &presence))
                .collect::<Result<Vec<_>, _>>()?,
        };
        check_unique(&tables)?;
        let connection_limits = connection_limits(&layer, max_connections)?;
        let tls = match (layer.tls_cert, layer.tls_key) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            (None, None) => None,
            _ => return Err(ConfigError::TlsIncomplete),
        };
        let drain_grace = in_range(
            "drain_grace_secs",
            layer
                .drain_grace_secs
                .unwrap_or(TABLE_DRAIN_GRACE.as_secs()),
            0,
            TABLE_DRAIN_GRACE_MAX.as_secs(),
        )?;
        let password_cost = match layer.insecure_fast_password_hashing {
            Some(true) => PasswordCost::InsecureFast,
            Some(false) | None => PasswordCost::Standard,
        };
        Ok(Config {
            connection_limits,
            tls,
            password_cost,
            tables,
            action_clock,
            admin_token: layer.admin_token.as_ref().map(AdminSecret::hash),
            presence,
            drain_grace: Duration::from_secs(drain_grace),
            max_connections,
            addr: layer.addr.unwrap_or(ADDR_DEFAULT),
            data_dir: layer
                .data_dir
                .unwrap_or_else(|| PathBuf::from(DATA_DIR_DEFAULT)),
            starting_balance,
            session_ttl: Duration::from_secs(session_ttl),
            password_hash_concurrency: concurrency,
        })
    }

    /// Resolves flags and environment (`cli`, as parsed by clap, which already prefers a flag
    /// over its variable) over the optional config file over defaults.
    pub fn resolve(cli: ConfigLayer, file: Option<&Path>) -> Result<Config, ConfigError> {
        let file = match file {
            Some(path) => ConfigLayer::from_file(path)?,
            None => ConfigLayer::default(),
        };
        Config::from_layer(cli.or(file))
    }

    /// Address to listen on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Directory for the database and the signing key.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Chips credited to each new account.
    pub fn starting_balance(&self) -> u64 {
        self.starting_balance
    }

    /// Lifetime of a login session.
    pub fn session_ttl(&self) -> Duration {
        self.session_ttl
    }

    /// Password hashes computed at once.
    pub fn password_hash_concurrency(&self) -> usize {
        self.password_hash_concurrency
    }

    /// Connections served at once.
    pub fn max_connections(&self) -> usize {
        self.max_connections
    }

    /// Per-address, rate and keep-alive limits of the connection layer.
    pub fn connection_limits(&self) -> &ConnectionLimits {
        &self.connection_limits
    }

    /// The certificate and key files when TLS is configured.
    pub fn tls(&self) -> Option<&TlsFiles> {
        self.tls.as_ref()
    }

    /// How long shutdown waits for the hands in play to finish before leaving them to the
    /// next start's crash recovery.
    pub fn drain_grace(&self) -> Duration {
        self.drain_grace
    }

    /// How new passwords are hashed ([`PasswordCost::Standard`] unless a load test's config
    /// file turns on `insecure_fast_password_hashing`).
    pub fn password_cost(&self) -> PasswordCost {
        self.password_cost
    }

    /// The tables opened at start: [`TableConfig::defaults`] unless replaced with
    /// [`Config::with_tables`].
    pub fn tables(&self) -> &[TableConfig] {
        &self.tables
    }

    /// The action clock of every table (tables created through the admin API use it too).
    pub fn action_clock(&self) -> Duration {
        self.action_clock
    }

    /// The time bank and disconnection rules every table gets, tables created at run time
    /// included.
    pub fn presence(&self) -> &PresenceRules {
        &self.presence
    }

    /// The admin token's hash; `None` means the server has no admin API and no `/metrics`.
    pub fn admin_token(&self) -> Option<&AdminTokenHash> {
        self.admin_token.as_ref()
    }

    /// The same settings with these tables instead (for embedders and tests). Names and
    /// numbers must be unique: they name each table's chain of records.
    pub fn with_tables(mut self, tables: Vec<TableConfig>) -> Result<Config, ConfigError> {
        check_unique(&tables)?;
        self.tables = tables;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_with(text: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        file.write_all(text.as_bytes()).expect("write");
        file
    }

    #[test]
    fn flags_and_env_beat_the_file_which_beats_defaults() {
        let file = file_with("addr = \"0.0.0.0:9000\"\nstarting_balance = 5\n");
        let cli = ConfigLayer {
            starting_balance: Some(7),
            ..ConfigLayer::default()
        };
        let config = Config::resolve(cli, Some(file.path())).expect("valid");
        assert_eq!(config.starting_balance(), 7, "flag wins over file");
        assert_eq!(
            config.addr().to_string(),
            "0.0.0.0:9000",
            "file wins over default"
        );
        assert_eq!(
            config.session_ttl(),
            SESSION_TTL_DEFAULT,
            "default fills the rest"
        );
        assert_eq!(config.data_dir(), Path::new(DATA_DIR_DEFAULT));
    }

    #[test]
    fn tables_come_from_the_file() {
        let file = file_with(
            "action_clock_secs = 15\n[[tables]]\nname = \"nlhe-5-10\"\nnumber = 3\ngame = \"nlhe\"\n\
             blinds = [5, 10]\nseats = 9\nbuy_in = [200, 2000]\nsit_out_hands_max = 5\n",
        );
        let config = Config::resolve(ConfigLayer::default(), Some(file.path())).expect("valid");
        assert_eq!(config.tables().len(), 1);
        let table = &config.tables()[0];
        assert_eq!(
            (table.name().as_str(), table.big_blind(), table.seats()),
            ("nlhe-5-10", 10, 9)
        );
        assert_eq!(table.action_clock(), Duration::from_secs(15));
        assert_eq!(table.sit_out_hands_max(), 5);
        assert_eq!(table.hand_pause(), HAND_PAUSE_DEFAULT);
        assert_eq!(config.password_cost(), PasswordCost::Standard);
        let fast = file_with(
            "insecure_fast_password_hashing = true\n[[tables]]\nname = \"t\"\nnumber = 1\n\
             game = \"nlhe\"\nblinds = [1, 2]\nseats = 2\nbuy_in = [40, 400]\n\
             commit_window_ms = 500\nreveal_window_ms = 600\nhand_pause_ms = 0\n",
        );
        let config = Config::resolve(ConfigLayer::default(), Some(fast.path())).expect("valid");
        assert_eq!(config.password_cost(), PasswordCost::InsecureFast);
        let table = &config.tables()[0];
        assert_eq!(
            (
                table.commit_window(),
                table.reveal_window(),
                table.hand_pause()
            ),
            (
                Duration::from_millis(500),
                Duration::from_millis(600),
                Duration::ZERO
            )
        );
        for bad in [
            "[[tables]]\nname = \"x\"\nnumber = 1\ngame = \"stud\"\nblinds = [1, 2]\nseats = 6\nbuy_in = [40, 400]\n",
            "[[tables]]\nname = \"x\"\nnumber = 1\ngame = \"nlhe\"\nblinds = [1, 2]\nseats = 12\nbuy_in = [40, 400]\n",
            "[[tables]]\nname = \"x\"\nnumber = 1\ngame = \"nlhe\"\nblinds = [1, 2]\nseats = 6\nbuy_in = [40, 400]\nhand_pause_ms = 18446744073709551615\n",
            "[[tables]]\nname = \"a/b\"\nnumber = 1\ngame = \"nlhe\"\nblinds = [1, 2]\nseats = 6\nbuy_in = [40, 400]\n",
        ] {
            let file = file_with(bad);
            assert!(matches!(
                Config::resolve(ConfigLayer::default(), Some(file.path())),
                Err(ConfigError::Table { .. })
            ), "{bad}");
        }
        let twice = file_with(
            "[[tables]]\nname = \"x\"\nnumber = 1\ngame = \"nlhe\"\nblinds = [1, 2]\nseats = 6\nbuy_in = [40, 400]\n\
             [[tables]]\nname = \"y\"\nnumber = 1\ngame = \"plo\"\nblinds = [1, 2]\nseats = 6\nbuy_in = [40, 400]\n",
        );
        assert!(matches!(
            Config::resolve(ConfigLayer::default(), Some(twice.path())),
            Err(ConfigError::DuplicateTable(_))
        ));
    }

    #[test]
    fn the_admin_token_comes_from_the_file_and_is_kept_hashed() {
        let token = "0123456789abcdef0123456789abcdef";
        let file = file_with(&format!("admin_token = \"{token}\"\n"));
        let config = Config::resolve(ConfigLayer::default(), Some(file.path())).expect("valid");
        let hash = config.admin_token().expect("admin API enabled");
        assert!(hash.matches(token));
        assert!(!format!("{config:?}").contains(token), "{config:?}");
        assert!(Config::from_layer(ConfigLayer::default())
            .expect("valid")
            .admin_token()
            .is_none());
        let short = file_with("admin_token = \"short\"\n");
        assert!(matches!(
            Config::resolve(ConfigLayer::default(), Some(short.path())),
            Err(ConfigError::Parse { .. })
        ));
    }

    #[test]
    fn bad_files_and_values_are_typed_errors() {
        let unknown = file_with("starting_balanse = 5\n");
        assert!(matches!(
            Config::resolve(ConfigLayer::default(), Some(unknown.path())),
            Err(ConfigError::Parse { .. })
        ));
        assert!(matches!(
            Config::resolve(
                ConfigLayer::default(),
                Some(Path::new("/nonexistent/poker.toml"))
            ),
            Err(ConfigError::Read { .. })
        ));
        let huge = file_with(&"#".repeat(CONFIG_FILE_BYTES_MAX as usize + 1));
        assert!(matches!(
            Config::resolve(ConfigLayer::default(), Some(huge.path())),
            Err(ConfigError::FileTooLarge(_))
        ));
        for layer in [
            ConfigLayer {
                starting_balance: Some(CHIPS_MAX + 1),
                ..ConfigLayer::default()
            },
            ConfigLayer {
                session_ttl_secs: Some(1),
                ..ConfigLayer::default()
            },
            ConfigLayer {
                password_hash_concurrency: Some(0),
                ..ConfigLayer::default()
            },
        ] {
            assert!(matches!(
                Config::from_layer(layer),
                Err(ConfigError::OutOfRange { .. })
            ));
        }
    }

    #[test]
    fn time_bank_and_disconnect_rules_reach_every_table_and_are_checked() {
        let file = file_with(
            "time_bank_secs = 12\ntime_bank_refill_secs = 3\ndisconnect_grace_secs = 7\n\
             seat_keep_secs = 90\ndisconnect_graces = 2\ndisconnect_grace_window_hands = 20\n",
        );
        let config = Config::resolve(ConfigLayer::default(), Some(file.path())).expect("valid");
        let expected = PresenceRules::new(
            Duration::from_secs(12),
            Duration::from_secs(3),
            Duration::from_secs(7),
            Duration::from_secs(90),
            2,
            20,
        )
        .expect("valid");
        assert!(!config.tables().is_empty());
        for table in config.tables() {
            assert_eq!(table.presence(), &expected);
        }
        let defaults = Config::from_layer(ConfigLayer::default()).expect("valid");
        assert_eq!(defaults.tables()[0].presence(), &PresenceRules::default());
        for layer in [
            ConfigLayer {
                disconnect_grace_window_hands: Some(0),
                ..ConfigLayer::default()
            },
            ConfigLayer {
                time_bank_secs: Some(u64::MAX),
                ..ConfigLayer::default()
            },
        ] {
            assert!(matches!(
                Config::from_layer(layer),
                Err(ConfigError::Presence(_))
            ));
        }
    }

    #[test]
    fn connection_limits_are_read_and_checked() {
        let file = file_with(
            "max_connections = 100\nmax_connections_per_address = 8\nws_messages_per_sec = 5\n\
             ws_ping_interval_ms = 1000\nws_dead_peer_timeout_ms = 3000\n\
             tls_cert = \"/etc/poker/cert.pem\"\ntls_key = \"/etc/poker/key.pem\"\n",
        );
        let config = Config::resolve(ConfigLayer::default(), Some(file.path())).expect("valid");
        let limits = config.connection_limits();
        assert_eq!(limits.connections_per_address(), 8);
        assert_eq!(limits.ws_messages().per_second(), 5);
        assert_eq!(limits.ws_messages().burst(), WS_MESSAGE_BURST_DEFAULT);
        assert_eq!(limits.ping_interval(), Duration::from_secs(1));
        assert_eq!(limits.dead_peer_timeout(), Duration::from_secs(3));
        assert_eq!(limits.write_timeout(), WS_WRITE_TIMEOUT_DEFAULT);
        assert_eq!(
            config.tls().map(|tls| tls.key.clone()),
            Some(PathBuf::from("/etc/poker/key.pem"))
        );
        // The per-address default never exceeds the global limit.
        let small = Config::from_layer(ConfigLayer {
            max_connections: Some(3),
            ..ConfigLayer::default()
        })
        .expect("valid");
        assert_eq!(small.connection_limits().connections_per_address(), 3);
        assert!(matches!(
            Config::from_layer(ConfigLayer {
                ws_ping_interval_ms: Some(5000),
                ws_dead_peer_timeout_ms: Some(5000),
                ..ConfigLayer::default()
            }),
            Err(ConfigError::DeadPeerTimeoutTooShort { .. })
        ));
        for layer in [
            ConfigLayer {
                max_connections: Some(10),
                max_connections_per_address: Some(11),
                ..ConfigLayer::default()
            },
            ConfigLayer {
                http_requests_per_sec_per_address: Some(0),
                ..ConfigLayer::default()
            },
            ConfigLayer {
                ws_write_timeout_ms: Some(1),
                ..ConfigLayer::default()
            },
        ] {
            assert!(matches!(
                Config::from_layer(layer),
                Err(ConfigError::OutOfRange { .. })
            ));
        }
        assert!(matches!(
            Config::from_layer(ConfigLayer {
                tls_key: Some("/k.pem".into()),
                ..ConfigLayer::default()
            }),
            Err(ConfigError::TlsIncomplete)
        ));
    }

    #[test]
    fn websocket_caps_and_account_rates_are_read_and_checked() {
        let defaults = Config::from_layer(ConfigLayer::default()).expect("valid");
        let limits = defaults.connection_limits();
        assert_eq!(
            limits.websockets(),
            CONNECTIONS_DEFAULT - HTTP_CONNECTIONS_RESERVED_DEFAULT
        );
        assert_eq!(
            limits.websockets_per_account(),
            WEBSOCKETS_PER_ACCOUNT_DEFAULT
        );
        assert_eq!(
            limits.ws_messages_per_account(),
            Rate::new(
                WS_MESSAGES_PER_SECOND_PER_ACCOUNT_DEFAULT,
                WS_MESSAGE_BURST_PER_ACCOUNT_DEFAULT
            )
        );
        let file = file_with(
            "max_connections = 50
max_websockets = 40
max_websockets_per_account = 3
             ws_messages_per_sec_per_account = 7
ws_message_burst_per_account = 9
",
        );
        let config = Config::resolve(ConfigLayer::default(), Some(file.path())).expect("valid");
        let limits = config.connection_limits();
        assert_eq!(limits.websockets(), 40);
        assert_eq!(limits.websockets_per_account(), 3);
        assert_eq!(limits.ws_messages_per_account(), Rate::new(7, 9));
        // A tiny server keeps at least one WebSocket, and the per-account default follows.
        let tiny = Config::from_layer(ConfigLayer {
            max_connections: Some(2),
            ..ConfigLayer::default()
        })
        .expect("valid");
        assert_eq!(tiny.connection_limits().websockets(), 1);
        assert_eq!(tiny.connection_limits().websockets_per_account(), 1);
        for layer in [
            ConfigLayer {
                max_connections: Some(10),
                max_websockets: Some(11),
                ..ConfigLayer::default()
            },
            ConfigLayer {
                max_websockets: Some(0),
                ..ConfigLayer::default()
            },
            ConfigLayer {
                max_websockets: Some(4),
                max_websockets_per_account: Some(5),
                ..ConfigLayer::default()
            },
            ConfigLayer {
                ws_message_burst_per_account: Some(0),
                ..ConfigLayer::default()
            },
        ] {
            assert!(matches!(
                Config::from_layer(layer),
                Err(ConfigError::OutOfRange { .. })
            ));
        }
    }
}
