//! The `poker-server` binary: reads the configuration, starts the server, prints where it
//! listens and its public key, and shuts down cleanly on SIGINT or SIGTERM.

use std::io::{IsTerminal as _, Write};

use anyhow::Context;
use clap::Parser;
use tokio::signal::unix::{signal, SignalKind};

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use poker_server::config::{Cli, Command, Config, LogFormat};
use poker_server::keys::KeyOrigin;
use poker_server::App;

/// mimalloc instead of glibc's malloc: messages, events and rows are small, short-lived
/// allocations made on several threads, where glibc spent about a tenth of the server's CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match &cli.command {
        Some(Command::AuditCheck { data_dir }) => audit_check(data_dir),
        Some(Command::Backup { data_dir, to }) => backup(data_dir, to),
        None => {}
    }
    let filter: Targets = cli
        .log
        .parse()
        .with_context(|| format!("invalid log filter {:?}", cli.log))?;
    let lines = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => tracing_subscriber::registry()
            // Colour codes only for a person at a terminal, never in log files.
            .with(lines.with_ansi(std::io::stderr().is_terminal()))
            .with(filter)
            .init(),
        LogFormat::Json => tracing_subscriber::registry()
            .with(lines.json().with_ansi(false))
            .with(filter)
            .init(),
    }

    let config = Config::resolve(cli.settings, cli.config.as_deref())?;
    let app = App::open(config).await.context("starting the server")?;
    let listener = app.bind().await?;
    let addr = listener.local_addr().context("reading the bound address")?;
    // Installed before the banner, so a supervisor that reads the banner can signal at once.
    let mut interrupt = signal(SignalKind::interrupt()).context("installing SIGINT handler")?;
    let mut terminate = signal(SignalKind::terminate()).context("installing SIGTERM handler")?;

    // The banner is for people and supervisors; a closed stdout must not stop the server.
    if let Err(err) = print_banner(&app, addr) {
        tracing::warn!(%err, "could not print the start-up banner");
    }

    let shutdown = async move {
        tokio::select! {
            _ = interrupt.recv() => tracing::info!("SIGINT received"),
            _ = terminate.recv() => tracing::info!("SIGTERM received"),
        }
    };
    poker_server::run(listener, app, shutdown)
        .await
        .context("closing the store")?;
    Ok(())
}

/// `poker-server audit-check`: prints the result of walking the audit chain and exits with
/// 0 (intact), 1 (a bad entry) or 2 (the database could not be read).
fn audit_check(data_dir: &std::path::Path) -> ! {
    let path = data_dir.join(poker_server::data_dir::DATABASE_FILE);
    let code = match poker_server::audit::check_database(&path) {
        Ok(report) => {
            let (seq, hash) = report.head;
            match &report.first_bad {
                None => {
                    println!(
                        "audit log intact: {} entries, head {seq} {}",
                        report.valid_entries,
                        hex::encode(hash)
                    );
                    0
                }
                Some(fault) => {
                    println!(
                        "audit log BROKEN at entry {}: {} ({} entries before it check out)",
                        fault.seq, fault.problem, report.valid_entries
                    );
                    1
                }
            }
        }
        Err(err) => {
            eprintln!("cannot read the audit log in {}: {err}", path.display());
            2
        }
    };
    std::process::exit(code)
}

/// `poker-server backup`: copies the data directory into a new one and prints what the checks
/// of the copy found; exits with 0 (sound), 1 (written, but a check failed) or 2 (no backup).
fn backup(data_dir: &std::path::Path, to: &std::path::Path) -> ! {
    let code = match poker_server::backup::back_up(data_dir, to) {
        Ok(report) => {
            let copy = &report.database;
            println!(
                "backed up {} into {} ({} bytes, {} hand records)",
                data_dir.display(),
                report.directory.display(),
                copy.bytes,
                copy.hand_records
            );
            match &copy.ledger {
                Ok(ledger) => println!(
                    "ledger consistent: {} accounts, {} transactions, {} chips issued",
                    ledger.accounts, ledger.transactions, ledger.issued
                ),
                Err(found) => println!("ledger INCONSISTENT in the copy: {found:?}"),
            }
            match &copy.audit.first_bad {
                None => println!("audit log intact: {} entries", copy.audit.valid_entries),
                Some(fault) => println!(
                    "audit log BROKEN in the copy at entry {}: {}",
                    fault.seq, fault.problem
                ),
            }
            if report.is_sound() {
                0
            } else {
                1
            }
        }
        Err(err) => {
            eprintln!("no backup made: {err}");
            2
        }
    };
    std::process::exit(code)
}

/// Prints where the server listens and which key signs its records.
fn print_banner(app: &App, addr: std::net::SocketAddr) -> std::io::Result<()> {
    let key = app.state().key();
    let mut out = std::io::stdout().lock();
    let scheme = if app.uses_tls() { "https" } else { "http" };
    writeln!(out, "poker-server listening on {scheme}://{addr}")?;
    writeln!(
        out,
        "server public key (ed25519): {}",
        key.public().to_hex()
    )?;
    writeln!(out, "server key id: {}", key.key_id().to_hex())?;
    if app.key_origin() == KeyOrigin::Created {
        writeln!(
            out,
            "created a new signing key in {}",
            app.state().config().data_dir().display()
        )?;
    }
    out.flush()
}
