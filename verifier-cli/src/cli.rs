//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "Exit codes:\n  0  valid: every check passed\n  1  invalid or tampered: a check failed (the output names it)\n  2  usage error or unreadable input (one-line error on stderr)";

/// Check, offline and without trusting the operator, that fairdeal hands were dealt fairly.
#[derive(Debug, Parser)]
#[command(name = "poker-verify", version, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Verify one hand record (JSON, or canonical hex) against the server's public key.
    #[command(after_help = EXIT_CODES)]
    Hand(HandArgs),
    /// Verify a table's exported history: JSON lines, or a folder of record files.
    #[command(after_help = EXIT_CODES)]
    Chain(ChainArgs),
    /// Derive and print the deck and the dealt cards from explicit inputs.
    #[command(after_help = EXIT_CODES)]
    Deal(DealArgs),
    /// Download a hand record and the server key from a running server, and verify it.
    #[command(after_help = EXIT_CODES)]
    Fetch(FetchArgs),
    /// Replay PHH hand histories through the engine and compare the finishing stacks.
    #[command(after_help = EXIT_CODES)]
    Replay(ReplayArgs),
    /// Check a hand history downloaded from poker-server (.phh or .phhs): its signed record
    /// verifies and the history says what the record says.
    #[command(after_help = EXIT_CODES)]
    Phh(PhhArgs),
}

impl Command {
    /// Whether machine-readable output was asked for.
    pub(crate) fn json(&self) -> bool {
        match self {
            Command::Hand(a) => a.json,
            Command::Chain(a) => a.json,
            Command::Deal(a) => a.json,
            Command::Fetch(a) => a.json,
            Command::Replay(a) => a.json,
            Command::Phh(a) => a.json,
        }
    }
}

/// The trusted server key: pinned in hex or read from a file.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub(crate) struct KeyArgs {
    /// The server's Ed25519 public key, 64 hex digits.
    #[arg(long, value_name = "PUBKEY_HEX")]
    pub(crate) key: Option<String>,
    /// A file holding the key in hex, or the server's `/api/v1/server-key` JSON.
    #[arg(long, value_name = "FILE")]
    pub(crate) key_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct HandArgs {
    /// The hand record file.
    pub(crate) record: PathBuf,
    #[command(flatten)]
    pub(crate) key: KeyArgs,
    /// The table's previous record: also check the chain link to it.
    #[arg(long, value_name = "FILE", conflicts_with = "first")]
    pub(crate) previous: Option<PathBuf>,
    /// The record must be the table's first (links to the zero hash).
    #[arg(long)]
    pub(crate) first: bool,
    /// Print every intermediate value of the deck derivation (spec §4–§7).
    #[arg(long)]
    pub(crate) explain: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ChainArgs {
    /// A JSON-lines file (one record per line) or a folder of record files.
    pub(crate) input: PathBuf,
    #[command(flatten)]
    pub(crate) key: KeyArgs,
    /// The record before the first one (default: the first is the table's first).
    #[arg(long, value_name = "FILE")]
    pub(crate) previous: Option<PathBuf>,
    /// Check signatures one by one with strict rules instead of in batches.
    #[arg(long)]
    pub(crate) strict: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Variants as named on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum VariantArg {
    Holdem,
    ShortDeck,
    Omaha4,
    Omaha5,
    Omaha6,
    OmahaHilo4,
    OmahaHilo5,
}

#[derive(Debug, Args)]
pub(crate) struct DealArgs {
    /// The revealed server seed, 64 hex digits.
    #[arg(long, value_name = "HEX")]
    pub(crate) server_seed: String,
    /// A seat and its revealed client seed; once per seat dealt in.
    #[arg(long = "client-seed", value_name = "SEAT=HEX", required = true)]
    pub(crate) client_seeds: Vec<String>,
    /// The table id.
    #[arg(long)]
    pub(crate) table: u64,
    /// The hand number.
    #[arg(long)]
    pub(crate) hand: u64,
    /// The variant.
    #[arg(long, value_enum, default_value = "holdem")]
    pub(crate) variant: VariantArg,
    /// The button's seat.
    #[arg(long)]
    pub(crate) button: u8,
    /// Print every intermediate value (spec §4–§7).
    #[arg(long)]
    pub(crate) explain: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct FetchArgs {
    /// The server's base URL, e.g. http://localhost:8080.
    #[arg(long, value_name = "URL")]
    pub(crate) server: String,
    /// The hand id (`<table>-<hand number>` on poker-server, e.g. `nlhe-1-2-17`).
    #[arg(long, value_name = "ID")]
    pub(crate) hand: String,
    /// Bearer token of your account: poker-server shows a record only to players of its
    /// table. Prefer the POKER_TOKEN variable, which other users cannot see in `ps`.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "POKER_TOKEN",
        hide_env_values = true
    )]
    pub(crate) token: Option<String>,
    /// Pin the server key: the server's key must be this one (64 hex digits).
    #[arg(long, value_name = "PUBKEY_HEX", conflicts_with = "key_file")]
    pub(crate) key: Option<String>,
    /// Pin the server key from a file (hex, or server-key JSON).
    #[arg(long, value_name = "FILE")]
    pub(crate) key_file: Option<PathBuf>,
    /// Print every intermediate value of the deck derivation.
    #[arg(long)]
    pub(crate) explain: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub(crate) json: bool,
}

/// Which odd-chip rule split pots use in a replay.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum OddChipsArg {
    /// Whole remainder to the first winner left of the button (PokerKit, which wrote
    /// the finishing stacks of most PHH files).
    Pokerkit,
    /// Chip by chip from the left of the button (card-room rule, fairdeal's default).
    CardRoom,
}

#[derive(Debug, Args)]
pub(crate) struct ReplayArgs {
    /// PHH files (.phh, .phhs) or folders searched for them.
    #[arg(required = true)]
    pub(crate) paths: Vec<PathBuf>,
    /// Odd-chip rule for split pots.
    #[arg(long, value_enum, default_value = "pokerkit")]
    pub(crate) odd_chips: OddChipsArg,
    /// Print every hand, not only problems, even for many files.
    #[arg(long)]
    pub(crate) verbose: bool,
    /// Machine-readable output.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct PhhArgs {
    /// The PHH file (one hand) or .phhs file (several), with `_fairdeal_` fields.
    pub(crate) file: PathBuf,
    #[command(flatten)]
    pub(crate) key: KeyArgs,
    /// Machine-readable output.
    #[arg(long)]
    pub(crate) json: bool,
}
