//! Load harness: drives WebSocket bot players against a real `poker-server` process on
//! loopback, then the same client machinery and load shape against a bare warp broadcast
//! server (the ceiling), and prints one table comparing them.
//!
//! ```sh
//! cargo build --release -p poker-server -p fairdeal-bench-load
//! target/release/fairdeal-bench-load --players 10000 --tables 1000 --duration 20 --warmup 10 --rate 10000
//! ```
//!
//! What is measured (see README, "Benchmarks"):
//! - **action-to-broadcast latency**: on each bot's own socket, from sending `act` (after the
//!   pacer released it) to receiving the table's event reporting that action (`folded`,
//!   `checked`, `called` or `bet` for its seat). On the server this includes the durable save
//!   of the hand in play before the event is sent.
//! - **hands/s settled durably**: `hand_ended` events inside the window (sent only after the
//!   record and settlement committed); afterwards the last counted hand of every table is
//!   fetched from the records route to confirm it is stored.
//! - **memory per idle connection**: server `VmRSS` after M authenticated WebSockets that
//!   watch nothing, minus `VmRSS` before them, divided by M.

mod ceiling;
mod client;
mod http;
mod pace;
mod poker;
mod proc;
mod report;
mod stats;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use futures_util::{stream, StreamExt};

use crate::pace::Pacer;
use crate::poker::{BotReport, SeatPlan, Shared};
use crate::proc::{BoxError, Server};
use crate::report::{Measured, Setup};
use crate::stats::{Counters, Latencies, Window};

/// Most seats at a table (the fairness protocol's limit).
const SEATS_MAX: usize = 10;
/// How long idle connections settle before the server's memory is read.
const IDLE_SETTLE: Duration = Duration::from_secs(3);
/// Registrations and logins in flight at once.
const LOGINS_IN_FLIGHT: usize = 32;
/// Record look-ups in flight at once when confirming durability.
const LOOKUPS_IN_FLIGHT: usize = 32;
/// Every bot's password.
const PASSWORD: &str = "load-test-password";

/// Load harness for poker-server (see the module documentation).
#[derive(Debug, Parser)]
#[command(name = "fairdeal-bench-load")]
struct Cli {
    /// Connected players (one WebSocket and one seat each)
    #[arg(long, default_value_t = 1000)]
    players: usize,
    /// Tables; players are seated in order, `players / tables` (rounded up, at most 10) each
    #[arg(long, default_value_t = 100)]
    tables: usize,
    /// Seconds measured
    #[arg(long, default_value_t = 20)]
    duration: u64,
    /// Seconds of play before measuring starts
    #[arg(long, default_value_t = 5)]
    warmup: u64,
    /// Actions per second over all tables (0: as fast as the protocol allows)
    #[arg(long, default_value_t = 0)]
    rate: u64,
    /// The poker-server binary [default: next to this one]
    #[arg(long)]
    server: Option<PathBuf>,
    /// Register players with the server's standard Argon2 cost instead of its
    /// `insecure_fast_password_hashing` load-test setting (slow: about 2 hashes per player)
    #[arg(long)]
    standard_password_hashing: bool,
    /// Skip the ceiling run
    #[arg(long)]
    no_ceiling: bool,
    /// Internal: serve as the ceiling server
    #[arg(long, hide = true)]
    ceiling_server: bool,
}

/// mimalloc, as in poker-server: the bots and the ceiling server then pay for their
/// allocations what the server pays for its own.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), BoxError> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if cli.ceiling_server {
        return runtime.block_on(ceiling::serve());
    }
    runtime.block_on(run(cli))
}

/// Runs both servers and prints the comparison.
async fn run(cli: Cli) -> Result<(), BoxError> {
    if cli.players < 2 || cli.tables == 0 {
        return Err("need at least 2 players and 1 table".into());
    }
    let seats = cli.players.div_ceil(cli.tables);
    if seats > SEATS_MAX {
        return Err(format!(
            "{} players need more than {SEATS_MAX} seats at {} tables",
            cli.players, cli.tables
        )
        .into());
    }
    let seats = seats.max(2) as u8;
    let plans: Vec<SeatPlan> = (0..cli.players)
        .map(|i| SeatPlan {
            username: format!("bot{i}"),
            table: i / usize::from(seats),
            seat: (i % usize::from(seats)) as u8,
        })
        .collect();
    let tables = plans.last().map_or(0, |p| p.table + 1);
    let own_exe = std::env::current_exe()?;
    let server_bin = cli
        .server
        .clone()
        .unwrap_or_else(|| own_exe.with_file_name("poker-server"));

    let mut poker = run_poker(&cli, &server_bin, &plans, tables, seats).await?;
    let mut ceiling = if cli.no_ceiling {
        None
    } else {
        Some(run_ceiling(&cli, &own_exe, &plans, seats).await?)
    };
    report::print(&cli_line(), &mut poker, ceiling.as_mut());
    Ok(())
}

/// The command line as run, for the report.
fn cli_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!("fairdeal-bench-load {}", args.join(" "))
}

/// The poker run: server, accounts, idle connections, play, durability check.
async fn run_poker(
    cli: &Cli,
    server_bin: &std::path::Path,
    plans: &[SeatPlan],
    tables: usize,
    seats: u8,
) -> Result<Measured, BoxError> {
    let dir = tempfile::tempdir()?;
    let config = dir.path().join("load.toml");
    std::fs::write(
        &config,
        poker::server_config(
            &dir.path().join("data"),
            tables,
            seats,
            plans.len(),
            !cli.standard_password_hashing,
        ),
    )?;
    let log = dir.path().join("server.log");
    let config_arg = config.display().to_string();
    let server = Server::spawn(
        server_bin,
        &["--config", &config_arg, "--log", "warn"],
        &log,
    )
    .await?;
    let addr = server.addr();
    eprintln!("poker-server up at {addr} with {tables} tables of {seats} seats");

    let started = Instant::now();
    let tokens: Vec<Arc<str>> = stream::iter(plans)
        .map(|plan| async move { http::register_and_login(addr, &plan.username, PASSWORD).await })
        .buffered(LOGINS_IN_FLIGHT)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .map(|token| token.map(Arc::from))
        .collect::<Result<_, _>>()?;
    let login_secs = started.elapsed().as_secs_f64();
    eprintln!(
        "registered and logged in {} players in {login_secs:.1} s",
        plans.len()
    );

    let url = client::ws_url(addr, "/api/v1/ws");
    let urls = tokens
        .iter()
        .map(|token| (url.clone(), Some(Arc::clone(token))))
        .collect();
    let (sockets, setup) = open_idle(&server, urls, login_secs).await?;
    eprintln!(
        "{} idle connections: {:.1} KiB each",
        sockets.len(),
        setup.per_connection_kib()
    );

    let shared = Arc::new(Shared {
        counters: Counters::default(),
        window: Window::after(
            Duration::from_secs(cli.warmup),
            Duration::from_secs(cli.duration),
        ),
        pacer: Pacer::new(cli.rate),
    });
    let bots = sockets
        .into_iter()
        .zip(plans.iter().cloned())
        .map(|(socket, plan)| tokio::spawn(poker::play(socket, plan, Arc::clone(&shared))))
        .collect();
    let (reports, usage) = measure(&server, &shared, bots).await?;

    // Every counted hand ended with its record stored; check the last one of each table.
    let last_hands: Vec<(usize, u64)> = reports
        .iter()
        .zip(plans)
        .filter_map(|(report, plan)| report.last_hand.map(|hand| (plan.table, hand)))
        .collect();
    let checked = last_hands.len();
    let stored = stream::iter(last_hands)
        .map(|(table, hand)| {
            let token = Arc::clone(&tokens[table * usize::from(seats)]);
            async move { http::record_stored(addr, &token, &poker::table_name(table), hand).await }
        })
        .buffer_unordered(LOOKUPS_IN_FLIGHT)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<Vec<bool>, _>>()?
        .into_iter()
        .filter(|stored| *stored)
        .count();
    server.stop().await;
    let warnings = std::fs::read_to_string(&log).unwrap_or_default();
    let warning_lines = warnings.lines().count();
    if warning_lines > 0 {
        eprintln!("server log ({warning_lines} lines of warnings or errors), first lines:");
        for line in warnings.lines().take(5) {
            eprintln!("  {line}");
        }
    }
    Ok(Measured::new(
        setup,
        &shared,
        reports,
        usage,
        tables,
        Some((stored, checked)),
    ))
}

/// The ceiling run: the same players as groups of `seats`, same window and pacing.
async fn run_ceiling(
    cli: &Cli,
    own_exe: &std::path::Path,
    plans: &[SeatPlan],
    seats: u8,
) -> Result<Measured, BoxError> {
    let dir = tempfile::tempdir()?;
    let log = dir.path().join("ceiling.log");
    let server = Server::spawn(own_exe, &["--ceiling-server"], &log).await?;
    eprintln!("ceiling up at {}", server.addr());
    let urls = plans
        .iter()
        .map(|plan| {
            (
                client::ws_url(server.addr(), &format!("/ws/{}", plan.table)),
                None,
            )
        })
        .collect();
    let (sockets, setup) = open_idle(&server, urls, 0.0).await?;
    eprintln!(
        "{} idle connections: {:.1} KiB each",
        sockets.len(),
        setup.per_connection_kib()
    );
    let shared = Arc::new(Shared {
        counters: Counters::default(),
        window: Window::after(
            Duration::from_secs(cli.warmup),
            Duration::from_secs(cli.duration),
        ),
        pacer: Pacer::new(cli.rate),
    });
    let groups = plans.last().map_or(0, |p| p.table + 1);
    let bots = sockets
        .into_iter()
        .zip(plans)
        .map(|(socket, plan)| {
            let size = plans.iter().filter(|p| p.table == plan.table).count();
            let size = u8::try_from(size).unwrap_or(seats);
            tokio::spawn(ceiling::play(socket, plan.seat, size, Arc::clone(&shared)))
        })
        .collect();
    let (reports, usage) = measure(&server, &shared, bots).await?;
    server.stop().await;
    Ok(Measured::new(setup, &shared, reports, usage, groups, None))
}

/// Opens the idle connections and measures the server's memory before and after.
async fn open_idle(
    server: &Server,
    urls: Vec<(String, Option<Arc<str>>)>,
    login_secs: f64,
) -> Result<(Vec<client::Socket>, Setup), BoxError> {
    let before = server.rss_kib()?;
    let started = Instant::now();
    let sockets = client::connect_all(urls).await?;
    let connect_secs = started.elapsed().as_secs_f64();
    tokio::time::sleep(IDLE_SETTLE).await;
    let idle = server.rss_kib()?;
    let setup = Setup {
        connections: sockets.len(),
        login_secs,
        connect_secs,
        rss_before_kib: before,
        rss_idle_kib: idle,
    };
    Ok((sockets, setup))
}

/// Server and harness CPU and the server's memory over the window.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Usage {
    /// Server CPU seconds per second of window (1.0 = one core busy).
    pub(crate) server_cores: f64,
    /// Harness CPU seconds per second of window.
    pub(crate) client_cores: f64,
    /// Server `VmRSS` at the end of the window, KiB.
    pub(crate) rss_end_kib: u64,
}

/// Waits for the bots, sampling CPU at the window's edges and memory at its end.
async fn measure(
    server: &Server,
    shared: &Shared,
    bots: Vec<tokio::task::JoinHandle<Result<BotReport, BoxError>>>,
) -> Result<(Vec<BotReport>, Usage), BoxError> {
    tokio::time::sleep_until(shared.window.start.into()).await;
    let (server0, client0) = (server.cpu_secs()?, proc::own_cpu_secs()?);
    tokio::time::sleep_until(shared.window.end.into()).await;
    let (server1, client1) = (server.cpu_secs()?, proc::own_cpu_secs()?);
    let usage = Usage {
        server_cores: (server1 - server0) / shared.window.secs(),
        client_cores: (client1 - client0) / shared.window.secs(),
        rss_end_kib: server.rss_kib()?,
    };
    let mut reports = Vec::with_capacity(bots.len());
    for bot in bots {
        match bot.await {
            Ok(Ok(report)) => reports.push(report),
            Ok(Err(err)) => {
                eprintln!("a bot failed: {err}");
                Counters::bump(&shared.counters.dropped);
                reports.push(BotReport::default());
            }
            Err(err) => return Err(err.into()),
        }
    }
    Ok((reports, usage))
}

/// Merges the bots' latency samples.
pub(crate) fn merged_latencies(reports: &mut [BotReport]) -> Latencies {
    let mut all = Latencies::default();
    for report in reports {
        all.merge(std::mem::take(&mut report.latencies));
    }
    all
}
