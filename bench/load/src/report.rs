//! The results: one run's numbers, and the Markdown table comparing poker-server with the
//! ceiling.

use std::fmt::Write as _;

use crate::poker::{BotReport, Shared};
use crate::stats::{Counters, Latencies};
use crate::Usage;

/// What was measured before play: accounts, idle connections and the memory they took.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Setup {
    /// WebSockets open.
    pub(crate) connections: usize,
    /// Seconds to register and log in every player (0 for the ceiling).
    pub(crate) login_secs: f64,
    /// Seconds to open every WebSocket.
    pub(crate) connect_secs: f64,
    /// Server `VmRSS` before the WebSockets, KiB.
    pub(crate) rss_before_kib: u64,
    /// Server `VmRSS` with every WebSocket open and idle, KiB.
    pub(crate) rss_idle_kib: u64,
}

impl Setup {
    /// Server memory per idle connection, KiB.
    pub(crate) fn per_connection_kib(&self) -> f64 {
        if self.connections == 0 {
            return 0.0;
        }
        self.rss_idle_kib.saturating_sub(self.rss_before_kib) as f64 / self.connections as f64
    }
}

/// One run's results.
#[derive(Debug)]
pub(crate) struct Measured {
    setup: Setup,
    groups: usize,
    secs: f64,
    actions: u64,
    hands: u64,
    voided: u64,
    timeouts: u64,
    rejected: u64,
    dropped: u64,
    refusal_codes: String,
    latencies: Latencies,
    usage: Usage,
    /// Tables whose last counted hand the records route has, of those checked.
    stored: Option<(usize, usize)>,
}

impl Measured {
    /// Gathers a run's counters and the bots' reports.
    pub(crate) fn new(
        setup: Setup,
        shared: &Shared,
        mut reports: Vec<BotReport>,
        usage: Usage,
        groups: usize,
        stored: Option<(usize, usize)>,
    ) -> Measured {
        let c = &shared.counters;
        Measured {
            setup,
            groups,
            secs: shared.window.secs(),
            actions: Counters::get(&c.actions),
            hands: Counters::get(&c.hands),
            voided: Counters::get(&c.voided),
            timeouts: Counters::get(&c.timeouts),
            rejected: Counters::get(&c.rejected),
            dropped: Counters::get(&c.dropped),
            refusal_codes: c.refusal_summary(),
            latencies: crate::merged_latencies(&mut reports),
            usage,
            stored,
        }
    }

    fn actions_per_sec(&self) -> f64 {
        self.actions as f64 / self.secs
    }
}

/// Formats an optional latency.
fn ms(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.2} ms"))
}

/// `ours / ceiling`, or `-`.
fn ratio(ours: f64, ceiling: f64) -> String {
    if ceiling > 0.0 {
        format!("{:.2}", ours / ceiling)
    } else {
        "-".to_owned()
    }
}

/// Builds the Markdown table.
pub(crate) fn table(command: &str, poker: &mut Measured, ceiling: Option<&mut Measured>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "command: `{command}`");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "| | poker-server | ceiling (bare warp broadcast) | ratio |"
    );
    let _ = writeln!(out, "|---|---|---|---|");
    let mut row = |name: &str, ours: String, theirs: Option<String>, r: String| {
        let _ = writeln!(
            out,
            "| {name} | {ours} | {} | {r} |",
            theirs.unwrap_or_else(|| "-".into())
        );
    };
    let (mut c_latency, c) = match ceiling {
        Some(c) => (Some(std::mem::take(&mut c.latencies)), Some(&*c)),
        None => (None, None),
    };
    row(
        "connected players",
        poker.setup.connections.to_string(),
        c.map(|c| c.setup.connections.to_string()),
        String::new(),
    );
    row(
        "tables (groups)",
        poker.groups.to_string(),
        c.map(|c| c.groups.to_string()),
        String::new(),
    );
    let durable = match poker.stored {
        Some((stored, checked)) => format!(
            "{:.0} ({} voided; last hand of {stored}/{checked} tables found stored)",
            poker.hands as f64 / poker.secs,
            poker.voided
        ),
        None => "-".into(),
    };
    row("hands/s settled durably", durable, None, String::new());
    row(
        "actions/s (broadcast received)",
        format!("{:.0}", poker.actions_per_sec()),
        c.map(|c| format!("{:.0}", c.actions_per_sec())),
        c.map_or_else(String::new, |c| {
            ratio(poker.actions_per_sec(), c.actions_per_sec())
        }),
    );
    for (name, q) in [("p50", 0.5), ("p99", 0.99), ("p99.9", 0.999)] {
        let ours = poker.latencies.quantile_ms(q);
        let theirs = c_latency.as_mut().and_then(|l| l.quantile_ms(q));
        row(
            &format!("action-to-broadcast latency {name}"),
            ms(ours),
            c.map(|_| ms(theirs)),
            match (ours, theirs) {
                (Some(o), Some(t)) => ratio(o, t),
                _ => String::new(),
            },
        );
    }
    row(
        "latency samples",
        poker.latencies.len().to_string(),
        c_latency.as_ref().map(|l| l.len().to_string()),
        String::new(),
    );
    let mib = |kib: u64| format!("{:.1} MiB", kib as f64 / 1024.0);
    row(
        "server RSS before connections / idle / end of load",
        format!(
            "{} / {} / {}",
            mib(poker.setup.rss_before_kib),
            mib(poker.setup.rss_idle_kib),
            mib(poker.usage.rss_end_kib)
        ),
        c.map(|c| {
            format!(
                "{} / {} / {}",
                mib(c.setup.rss_before_kib),
                mib(c.setup.rss_idle_kib),
                mib(c.usage.rss_end_kib)
            )
        }),
        String::new(),
    );
    row(
        "server memory per idle connection",
        format!("{:.1} KiB", poker.setup.per_connection_kib()),
        c.map(|c| format!("{:.1} KiB", c.setup.per_connection_kib())),
        String::new(),
    );
    row(
        "server CPU (cores busy) / harness CPU",
        format!(
            "{:.2} / {:.2}",
            poker.usage.server_cores, poker.usage.client_cores
        ),
        c.map(|c| format!("{:.2} / {:.2}", c.usage.server_cores, c.usage.client_cores)),
        String::new(),
    );
    row(
        "register + log in all players / open all sockets",
        format!(
            "{:.1} s / {:.1} s",
            poker.setup.login_secs, poker.setup.connect_secs
        ),
        c.map(|c| format!("- / {:.1} s", c.setup.connect_secs)),
        String::new(),
    );
    row(
        "clock time-outs (window) / refusals (whole run) / dropped connections",
        format!(
            "{} / {} / {}",
            poker.timeouts, poker.rejected, poker.dropped
        ),
        c.map(|c| format!("- / - / {}", c.dropped)),
        String::new(),
    );
    if !poker.refusal_codes.is_empty() {
        row(
            "refusals by code",
            poker.refusal_codes.clone(),
            None,
            String::new(),
        );
    }
    out
}

/// Prints the table with the machine it ran on.
pub(crate) fn print(command: &str, poker: &mut Measured, ceiling: Option<&mut Measured>) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.trim().to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    // Other work on the machine takes cores from both servers and the bots alike.
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!(
        "machine: {cores} cores, {cpu}; load average at the end (1/5/15 min): {}",
        load.join(" ")
    );
    print!("{}", table(command, poker, ceiling));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_per_connection_is_the_growth_over_the_count() {
        let setup = Setup {
            connections: 100,
            login_secs: 0.0,
            connect_secs: 0.0,
            rss_before_kib: 10_000,
            rss_idle_kib: 11_600,
        };
        assert_eq!(setup.per_connection_kib(), 16.0);
        assert_eq!(ratio(5.0, 10.0), "0.50");
        assert_eq!(ratio(5.0, 0.0), "-");
        assert_eq!(ms(Some(1.234)), "1.23 ms");
    }
}
