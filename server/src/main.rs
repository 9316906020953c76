//! The `poker-server` binary: reads the configuration, starts the server, prints where it
//! listens and its public key, and shuts down cleanly on SIGINT or SIGTERM.

use std::io::{IsTerminal as _, Write};

use anyhow::Context;
use clap::Parser;
use tokio::signal::unix::{signal, SignalKind};

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

use poker_server::config::{Cli, Config};
use poker_server::keys::KeyOrigin;
use poker_server::App;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let filter: Targets = cli
        .log
        .parse()
        .with_context(|| format!("invalid log filter {:?}", cli.log))?;
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                // Colour codes only for a person at a terminal, never in log files.
                .with_ansi(std::io::stderr().is_terminal()),
        )
        .with(filter)
        .init();

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
