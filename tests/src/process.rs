//! The real `poker-server` binary as a child process: built (or found up to date) with the
//! same cargo that runs the tests, started on an ephemeral port in a data directory, and
//! stopped with SIGTERM or SIGKILL.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How long the server may take to print its banner.
const BANNER_TIMEOUT: Duration = Duration::from_secs(60);

/// The `poker-server` binary next to the test executables, built first if it is missing or
/// older than the sources it is made of.
///
/// Tests of another package cannot name a binary with `CARGO_BIN_EXE_…`. `cargo test
/// --workspace` builds the binary anyway (the server has integration tests), so usually it
/// is there and up to date; otherwise (`cargo test -p fairdeal-tests` after an edit) this
/// runs `cargo build -p poker-server --bin poker-server` once per test process (cargo does
/// not hold its build lock while tests run). Building unconditionally would not do: that
/// command may resolve other dependency features than the workspace build and replace the
/// binary with a rebuild.
pub fn server_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            let exe = std::env::current_exe().expect("test executable path");
            // target/<profile>/deps/<test> -> target/<profile>
            let profile_dir = exe
                .parent()
                .and_then(Path::parent)
                .expect("test executables live in target/<profile>/deps")
                .to_path_buf();
            let binary = profile_dir.join("poker-server");
            if !up_to_date(&binary) {
                let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
                let mut build = Command::new(cargo);
                build.args([
                    "build",
                    "--quiet",
                    "-p",
                    "poker-server",
                    "--bin",
                    "poker-server",
                ]);
                if profile_dir
                    .file_name()
                    .is_some_and(|name| name == "release")
                {
                    build.arg("--release");
                }
                let status = build.status().expect("run cargo build");
                assert!(status.success(), "building poker-server failed");
            }
            assert!(binary.exists(), "no binary at {}", binary.display());
            binary
        })
        .clone()
}

/// Whether `binary` exists and is newer than every source file of the crates it is built
/// from, and than the manifests and lock file.
fn up_to_date(binary: &Path) -> bool {
    let Ok(built) = binary.metadata().and_then(|m| m.modified()) else {
        return false;
    };
    let root = crate::workspace_root();
    let mut pending: Vec<PathBuf> = ["server", "fairness", "poker-core"]
        .iter()
        .map(|dir| root.join(dir))
        .chain([root.join("Cargo.lock"), root.join("Cargo.toml")])
        .collect();
    while let Some(path) = pending.pop() {
        let Ok(meta) = path.metadata() else { continue };
        if meta.is_dir() {
            // Test and benchmark code does not go into the binary.
            let skip = path
                .file_name()
                .is_some_and(|name| name == "tests" || name == "benches" || name == "testdata");
            if !skip {
                if let Ok(entries) = std::fs::read_dir(&path) {
                    pending.extend(entries.filter_map(Result::ok).map(|e| e.path()));
                }
            }
        } else if meta.modified().is_ok_and(|modified| modified > built) {
            return false;
        }
    }
    true
}

/// A running `poker-server`; killed when dropped if it is still running.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its public key in hex, from the banner.
    pub public_key: String,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl ServerProcess {
    /// Starts the binary with `config` (a TOML file) and `data` as its data directory,
    /// listening on 127.0.0.1 on a port the system picks, logging warnings and errors.
    pub fn start(data: &Path, config: &Path) -> ServerProcess {
        let mut child = Command::new(server_binary())
            .env("POKER_ADDR", "127.0.0.1:0")
            .env("POKER_DATA_DIR", data)
            .env("POKER_CONFIG", config)
            .env("POKER_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn poker-server");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        drain_lines(child.stderr.take().expect("stderr"), {
            let stderr = Arc::clone(&stderr);
            move |line| {
                if let Ok(mut lines) = stderr.lock() {
                    lines.push(line);
                }
            }
        });
        let (lines_tx, lines_rx) = mpsc::channel();
        drain_lines(child.stdout.take().expect("stdout"), move |line| {
            let _ = lines_tx.send(line);
        });
        let (mut addr, mut key) = (None, None);
        while addr.is_none() || key.is_none() {
            let line = lines_rx
                .recv_timeout(BANNER_TIMEOUT)
                .expect("the server prints its banner");
            if let Some(rest) = line.strip_prefix("poker-server listening on http://") {
                addr = Some(rest.parse().expect("address"));
            }
            if let Some(rest) = line.strip_prefix("server public key (ed25519): ") {
                key = Some(rest.to_owned());
            }
        }
        ServerProcess {
            child,
            addr: addr.expect("address"),
            public_key: key.expect("key"),
            stderr,
        }
    }

    /// Sends SIGTERM (graceful shutdown).
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -TERM failed");
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Sends SIGKILL and reaps the process.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits up to `timeout` for the process to exit; panics if it does not.
    pub async fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit within {timeout:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// What it wrote to stderr so far (its log).
    pub fn log(&self) -> String {
        self.stderr
            .lock()
            .map(|lines| lines.join("\n"))
            .unwrap_or_default()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.kill();
        }
    }
}

/// Reads `stream` line by line on its own thread, so the child never blocks on a full pipe.
fn drain_lines(stream: impl Read + Send + 'static, mut each: impl FnMut(String) + Send + 'static) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            each(line);
        }
    });
}

/// Top-level settings that lift the per-connection, per-address and per-account rate limits
/// (their largest accepted value).
const UNLIMITED_RATES: &str = "ws_messages_per_sec = 1000000\nws_message_burst = 1000000\n\
    ws_messages_per_sec_per_address = 1000000\nws_message_burst_per_address = 1000000\n\
    http_requests_per_sec_per_address = 1000000\nhttp_request_burst_per_address = 1000000\n\
    http_requests_per_sec_per_account = 1000000\nhttp_request_burst_per_account = 1000000\n\
    ws_messages_per_sec_per_account = 1000000\nws_message_burst_per_account = 1000000\n";

/// One `[[tables]]` entry for a config file.
#[derive(Debug, Clone)]
pub struct TableSpec {
    /// Name.
    pub name: &'static str,
    /// Number in the records.
    pub number: u64,
    /// `nlhe` or `plo`.
    pub game: &'static str,
}

/// A config file in `dir` with `tables` (1/2 blinds, six seats, buy-ins 40..=400, no pause
/// between hands) and any `extra` top-level settings; returns its path. The rate limits are
/// lifted: every test client connects from 127.0.0.1, and bots answer as fast as they can.
pub fn write_config(dir: &Path, extra: &str, tables: &[TableSpec]) -> PathBuf {
    let mut text = format!("{extra}\n{UNLIMITED_RATES}");
    for table in tables {
        text.push_str(&format!(
            "[[tables]]\nname = \"{}\"\nnumber = {}\ngame = \"{}\"\nblinds = [1, 2]\nseats = 6\n\
             buy_in = [40, 400]\nhand_pause_ms = 0\n",
            table.name, table.number, table.game
        ));
    }
    let path = dir.join("poker.toml");
    std::fs::write(&path, text).expect("write config");
    path
}
