//! `poker-verify`: a player's own tool to check, offline and without trusting the
//! operator, that fairdeal hands were dealt fairly. It is glue: every check is
//! `fairness::verify` (and `poker-core` for PHH replays); this binary reads inputs,
//! calls them and reports.

#![forbid(unsafe_code)]

mod chain;
mod cli;
mod deal;
mod fetch;
mod hand;
mod input;
mod outcome;
mod phh;
mod progress;
mod render;
mod replay;

use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};
use outcome::Verdict;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.command.json();
    let result = match &cli.command {
        Command::Hand(args) => hand::run(args),
        Command::Chain(args) => chain::run(args),
        Command::Deal(args) => deal::run(args),
        Command::Fetch(args) => fetch::run(args),
        Command::Replay(args) => replay::run(args),
        Command::Phh(args) => phh::run(args),
    };
    match result {
        Ok(Verdict::Valid) => ExitCode::from(outcome::EXIT_VALID),
        Ok(Verdict::Invalid) => ExitCode::from(outcome::EXIT_INVALID),
        Err(error) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "verdict": "error", "error": error.to_string() })
                );
            }
            eprintln!("poker-verify: error: {error}");
            ExitCode::from(outcome::EXIT_UNUSABLE)
        }
    }
}
