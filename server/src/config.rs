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

use crate::auth::PasswordCost;
use crate::limits::{
    ACTION_CLOCK_DEFAULT, ACTION_CLOCK_MAX, ACTION_CLOCK_MIN, CHIPS_MAX, CONFIG_FILE_BYTES_MAX,
    CONNECTIONS_DEFAULT, CONNECTIONS_MAX, HAND_PAUSE_DEFAULT, PASSWORD_HASHES_CONCURRENT_DEFAULT,
    PASSWORD_HASHES_CONCURRENT_MAX, SEED_COMMIT_WINDOW_DEFAULT, SEED_REVEAL_WINDOW_DEFAULT,
    SESSION_TTL_DEFAULT, SESSION_TTL_MAX, SESSION_TTL_MIN, STARTING_BALANCE_DEFAULT,
    TABLE_WINDOW_MAX,
};
use crate::table::{TableConfig, TableGame};

/// Address the server listens on by default: loopback only, since TLS is a reverse proxy's job.
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
    /// Tables to open instead of the defaults (config file only: `[[tables]]`).
    #[arg(skip)]
    pub tables: Option<Vec<TableSpec>>,
    /// Load tests only (config file only): hash new passwords with Argon2's smallest
    /// parameters ([`PasswordCost::InsecureFast`]). The server logs a warning when it is on.
    #[arg(skip)]
    pub insecure_fast_password_hashing: Option<bool>,
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
/// # optional: seed windows and the pause between hands, in milliseconds
/// commit_window_ms = 10000
/// reveal_window_ms = 10000
/// hand_pause_ms = 2000
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
    /// Milliseconds seats have to commit to their seeds [default: 10000].
    #[serde(default)]
    pub commit_window_ms: Option<u64>,
    /// Milliseconds seats have to reveal their seeds [default: 10000].
    #[serde(default)]
    pub reveal_window_ms: Option<u64>,
    /// Pause between hands in milliseconds [default: 2000].
    #[serde(default)]
    pub hand_pause_ms: Option<u64>,
}

impl TableSpec {
    /// The checked table, with `action_clock` and its seed windows and pause (the defaults
    /// unless given).
    fn build(&self, action_clock: Duration) -> Result<TableConfig, ConfigError> {
        let invalid = |reason: String| ConfigError::Table {
            name: self.name.clone(),
            reason,
        };
        let name = crate::ledger::TableId::parse(&self.name).map_err(|e| invalid(e.to_string()))?;
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
                    millis_or(self.hand_pause_ms, HAND_PAUSE_DEFAULT),
                )
                .map_err(|e| invalid(e.to_string()))
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
            tables: self.tables.or(lower.tables),
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
    /// Two tables share a name or a number.
    #[error("table {0} is configured twice (names and numbers must be unique)")]
    DuplicateTable(String),
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
        let tables = match &layer.tables {
            None => TableConfig::defaults(action_clock),
            Some(specs) => specs
                .iter()
                .map(|spec| spec.build(action_clock))
                .collect::<Result<Vec<_>, _>>()?,
        };
        check_unique(&tables)?;
        let password_cost = match layer.insecure_fast_password_hashing {
            Some(true) => PasswordCost::InsecureFast,
            Some(false) | None => PasswordCost::Standard,
        };
        Ok(Config {
            password_cost,
            tables,
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
             blinds = [5, 10]\nseats = 9\nbuy_in = [200, 2000]\n",
        );
        let config = Config::resolve(ConfigLayer::default(), Some(file.path())).expect("valid");
        assert_eq!(config.tables().len(), 1);
        let table = &config.tables()[0];
        assert_eq!(
            (table.name().as_str(), table.big_blind(), table.seats()),
            ("nlhe-5-10", 10, 9)
        );
        assert_eq!(table.action_clock(), Duration::from_secs(15));
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
}
