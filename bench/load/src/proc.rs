//! The server processes under test: spawning them, reading their memory and CPU time from
//! `/proc`, and stopping them.

use std::error::Error;
use std::fs;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long a server may take to print the address it listens on.
const START_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a server gets to stop after SIGTERM before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`, 100 on Linux).
const CLOCK_TICKS_PER_SEC: f64 = 100.0;

/// Boxed error for the harness.
pub(crate) type BoxError = Box<dyn Error + Send + Sync>;

/// A running server process.
#[derive(Debug)]
pub(crate) struct Server {
    child: Child,
    pid: u32,
    addr: SocketAddr,
}

impl Server {
    /// Starts `program` with `args`, stderr to `log`, and waits until its stdout names the
    /// address it listens on: the first `http://IP:PORT` on a line containing `listening`.
    pub(crate) async fn spawn(
        program: &Path,
        args: &[&str],
        log: &Path,
    ) -> Result<Server, BoxError> {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(fs::File::create(log)?)
            .kill_on_drop(true)
            .spawn()
            .map_err(|err| format!("starting {}: {err}", program.display()))?;
        let pid = child.id().ok_or("the server exited at once")?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let addr = tokio::time::timeout(START_TIMEOUT, async {
            while let Some(line) = lines.next_line().await? {
                if let Some(addr) = listening_addr(&line) {
                    return Ok::<_, BoxError>(addr);
                }
            }
            Err(format!(
                "{} exited without listening (see {})",
                program.display(),
                log.display()
            )
            .into())
        })
        .await
        .map_err(|_| "the server did not start in time")??;
        // Keep reading stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Server { child, pid, addr })
    }

    /// The address it listens on.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its resident memory now, in KiB (`VmRSS` of `/proc/<pid>/status`).
    pub(crate) fn rss_kib(&self) -> Result<u64, BoxError> {
        let status = fs::read_to_string(format!("/proc/{}/status", self.pid))?;
        vm_rss_kib(&status).ok_or_else(|| "no VmRSS in /proc status".into())
    }

    /// The CPU time it has used so far (user + system), in seconds.
    pub(crate) fn cpu_secs(&self) -> Result<f64, BoxError> {
        cpu_secs(&fs::read_to_string(format!("/proc/{}/stat", self.pid))?)
    }

    /// Stops it: SIGTERM, then SIGKILL if it has not exited after [`STOP_GRACE`].
    pub(crate) async fn stop(mut self) {
        let term = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status()
            .await;
        if term.is_ok()
            && tokio::time::timeout(STOP_GRACE, self.child.wait())
                .await
                .is_ok()
        {
            return;
        }
        let _ = self.child.kill().await;
    }
}

/// This process's CPU time so far (user + system), in seconds.
pub(crate) fn own_cpu_secs() -> Result<f64, BoxError> {
    cpu_secs(&fs::read_to_string("/proc/self/stat")?)
}

/// The address in a line like `poker-server listening on http://127.0.0.1:8080`.
fn listening_addr(line: &str) -> Option<SocketAddr> {
    if !line.contains("listening") {
        return None;
    }
    let (_, rest) = line.split_once("http://")?;
    rest.split_whitespace()
        .next()?
        .trim_end_matches('/')
        .parse()
        .ok()
}

/// `VmRSS` from the text of `/proc/<pid>/status`.
fn vm_rss_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User + system CPU seconds from the text of `/proc/<pid>/stat` (fields 14 and 15, counted
/// after the parenthesised command name, which may contain spaces).
fn cpu_secs(stat: &str) -> Result<f64, BoxError> {
    let (_, after_name) = stat.rsplit_once(')').ok_or("malformed /proc stat")?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // after_name starts at field 3 (state), so utime (14) and stime (15) are at 11 and 12.
    let ticks = |i: usize| -> Result<f64, BoxError> {
        Ok(fields.get(i).ok_or("short /proc stat")?.parse::<f64>()?)
    };
    Ok((ticks(11)? + ticks(12)?) / CLOCK_TICKS_PER_SEC)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_files_and_banners_are_read() {
        assert_eq!(
            listening_addr("poker-server listening on http://127.0.0.1:41234"),
            Some("127.0.0.1:41234".parse().expect("addr"))
        );
        assert_eq!(listening_addr("server key id: 1cef74ba4737ec68"), None);
        assert_eq!(
            vm_rss_kib("Name:\tx\nVmRSS:\t  123456 kB\nVmSwap:\t0 kB\n"),
            Some(123456)
        );
        let stat = "42 (poker server) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1 0";
        assert_eq!(cpu_secs(stat).expect("parsed"), 3.0);
        assert!(own_cpu_secs().is_ok());
    }
}
