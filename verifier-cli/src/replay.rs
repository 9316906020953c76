//! `poker-verify replay`: PHH hand histories through the `poker-core` engine, with
//! the finishing stacks compared to the file's.

use std::fs;
use std::path::{Path, PathBuf};

use poker_core::phh::limits::MAX_INPUT_BYTES;
use poker_core::phh::{parse_hands_bytes, replay, Amount, HandHistory, ReplayError};
use poker_core::OddChipRule;
use serde_json::{json, Value};

use crate::cli::{OddChipsArg, ReplayArgs};
use crate::outcome::{InputError, Verdict};

/// Most files one run reads (the corpus has under 3,000).
pub(crate) const MAX_REPLAY_FILES: usize = 100_000;
/// Deepest folder nesting searched.
pub(crate) const MAX_FOLDER_DEPTH: usize = 16;
/// Up to this many hands, every hand is printed; above, only problems (unless --verbose).
const PRINT_ALL_UP_TO: usize = 20;

/// How one hand ended.
#[derive(Debug)]
enum HandResult {
    /// The engine's stacks equal the file's `finishing_stacks`.
    Matched(Vec<Amount>),
    /// The file has no `finishing_stacks`: only the engine's are printed.
    NoExpected(Vec<Amount>),
    /// The file splits chips by true division (fractions of the smallest unit); the
    /// engine's integer stacks differ from them by less than one unit each and
    /// add up to the same total.
    FractionalSplit {
        engine: Vec<Amount>,
        file: Vec<Amount>,
    },
    /// The engine ends elsewhere than the file says.
    Mismatch {
        engine: Vec<Amount>,
        file: Vec<Amount>,
    },
    /// The engine refused the history (an illegal action, different dealing...).
    Refused(ReplayError),
    /// The engine does not play this hand (variant, forced bets...).
    Unsupported(ReplayError),
}

impl HandResult {
    fn word(&self) -> &'static str {
        match self {
            HandResult::Matched(_) => "matched",
            HandResult::NoExpected(_) => "no_finishing_stacks",
            HandResult::FractionalSplit { .. } => "fractional_split",
            HandResult::Mismatch { .. } => "mismatch",
            HandResult::Refused(_) => "refused",
            HandResult::Unsupported(_) => "unsupported",
        }
    }

    fn is_failure(&self) -> bool {
        matches!(self, HandResult::Mismatch { .. } | HandResult::Refused(_))
    }

    fn detail(&self) -> String {
        match self {
            HandResult::Matched(s) => format!("finishing stacks {} (match the file)", join(s)),
            HandResult::NoExpected(s) => {
                format!(
                    "finishing stacks {} (the file has none to compare)",
                    join(s)
                )
            }
            HandResult::FractionalSplit { engine, file } => format!(
                "finishing stacks {}; the file's {} split an odd chip by true division",
                join(engine),
                join(file)
            ),
            HandResult::Mismatch { engine, file } => format!(
                "MISMATCH: engine ends at {}, the file says {}",
                join(engine),
                join(file)
            ),
            HandResult::Refused(e) => format!("REFUSED: {e}"),
            HandResult::Unsupported(e) => format!("not replayed: {e}"),
        }
    }
}

pub(crate) fn run(args: &ReplayArgs) -> Result<Verdict, InputError> {
    let rule = match args.odd_chips {
        OddChipsArg::Pokerkit => OddChipRule::WholeRemainderToFirstLeftOfButton,
        OddChipsArg::CardRoom => OddChipRule::ChipByChipLeftOfButton,
    };
    let mut files = Vec::new();
    for path in &args.paths {
        collect(path, 0, &mut files)?;
    }
    if files.is_empty() {
        return Err(InputError::new("no .phh or .phhs files found"));
    }
    files.sort();
    let mut results: Vec<(String, HandResult)> = Vec::new();
    for file in &files {
        let bytes = read_bounded(file)?;
        let hands = parse_hands_bytes(&bytes)
            .map_err(|e| InputError::new(format!("{}: {e}", file.display())))?;
        for named in hands {
            let label = if named.name.is_empty() {
                file.display().to_string()
            } else {
                format!("{}[{}]", file.display(), named.name)
            };
            results.push((label, replay_one(&named.hand, rule)));
        }
    }
    let count = |word: &str| results.iter().filter(|(_, r)| r.word() == word).count();
    let replayed = results.len() - count("unsupported");
    let failures = results.iter().filter(|(_, r)| r.is_failure()).count();
    if args.json {
        let hands: Vec<Value> = results
            .iter()
            .map(|(label, r)| {
                let mut v = json!({ "hand": label, "result": r.word(), "detail": r.detail() });
                match r {
                    HandResult::Matched(s) | HandResult::NoExpected(s) => {
                        v["finishing_stacks"] = json!(strings(s));
                    }
                    HandResult::FractionalSplit { engine, file }
                    | HandResult::Mismatch { engine, file } => {
                        v["finishing_stacks"] = json!(strings(engine));
                        v["file_finishing_stacks"] = json!(strings(file));
                    }
                    HandResult::Refused(_) | HandResult::Unsupported(_) => {}
                }
                v
            })
            .collect();
        println!(
            "{}",
            json!({
                "verdict": if replayed == 0 { "error" } else { Verdict::from_ok(failures == 0).word() },
                "summary": summary_json(&results, files.len()),
                "hands": hands,
            })
        );
    } else {
        let print_all = args.verbose || results.len() <= PRINT_ALL_UP_TO;
        for (label, r) in &results {
            if print_all || r.is_failure() {
                println!("{label}: {}", r.detail());
            }
        }
        println!(
            "{} files, {} hands: {} replayed ({} matched finishing_stacks, {} without finishing_stacks, \
             {} odd-chip splits by true division), {} mismatched, {} refused by the engine, {} not replayed \
             (unsupported)",
            files.len(),
            results.len(),
            replayed,
            count("matched"),
            count("no_finishing_stacks"),
            count("fractional_split"),
            count("mismatch"),
            count("refused"),
            count("unsupported"),
        );
    }
    if replayed == 0 {
        return Err(InputError::new(
            "no hand could be replayed (every hand is of an unsupported kind)",
        ));
    }
    Ok(Verdict::from_ok(failures == 0))
}

fn summary_json(results: &[(String, HandResult)], files: usize) -> Value {
    let count = |word: &str| results.iter().filter(|(_, r)| r.word() == word).count();
    json!({
        "files": files,
        "hands": results.len(),
        "matched": count("matched"),
        "no_finishing_stacks": count("no_finishing_stacks"),
        "fractional_split": count("fractional_split"),
        "mismatch": count("mismatch"),
        "refused": count("refused"),
        "unsupported": count("unsupported"),
    })
}

fn replay_one(history: &HandHistory, rule: OddChipRule) -> HandResult {
    let result = match replay(history, rule) {
        Ok(result) => result,
        Err(e) if refusal(&e) => return HandResult::Refused(e),
        Err(e) => return HandResult::Unsupported(e),
    };
    let engine = result.final_stacks().to_vec();
    let Some(file) = history.fields().finishing_stacks.clone() else {
        return HandResult::NoExpected(engine);
    };
    if file == engine {
        return HandResult::Matched(engine);
    }
    let representable = file
        .iter()
        .all(|a| a.scaled_to_integer(result.chip_scale()).is_some());
    if !representable && within_one_unit(&engine, &file, result.chip_scale()) {
        return HandResult::FractionalSplit { engine, file };
    }
    HandResult::Mismatch { engine, file }
}

/// Whether the engine refused the history itself, as opposed to not playing its kind.
fn refusal(error: &ReplayError) -> bool {
    matches!(
        error,
        ReplayError::Cards(_)
            | ReplayError::Start(_)
            | ReplayError::Rejected { .. }
            | ReplayError::DealingDiffers { .. }
            | ReplayError::ShownCardsDiffer { .. }
            | ReplayError::Unfinished
    )
}

/// Same totals, and every stack less than one engine unit (`10^-chip_scale`) away.
fn within_one_unit(engine: &[Amount], file: &[Amount], chip_scale: u8) -> bool {
    if engine.len() != file.len() {
        return false;
    }
    let scale = engine
        .iter()
        .chain(file)
        .map(|a| a.scale())
        .max()
        .unwrap_or(0)
        .max(chip_scale);
    let units = |a: &Amount| -> Option<i128> {
        let factor = 10i128.checked_pow(u32::from(scale - a.scale()))?;
        i128::from(a.units()).checked_mul(factor)
    };
    let Some(one_unit) = 10i128.checked_pow(u32::from(scale - chip_scale)) else {
        return false;
    };
    let mut totals = (0i128, 0i128);
    for (e, f) in engine.iter().zip(file) {
        let (Some(e), Some(f)) = (units(e), units(f)) else {
            return false;
        };
        if (e - f).abs() >= one_unit {
            return false;
        }
        totals = (totals.0 + e, totals.1 + f);
    }
    totals.0 == totals.1
}

fn join(amounts: &[Amount]) -> String {
    strings(amounts).join(" ")
}

fn strings(amounts: &[Amount]) -> Vec<String> {
    amounts.iter().map(Amount::to_string).collect()
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, InputError> {
    let text = crate::input::read_bytes(path, MAX_INPUT_BYTES)?;
    Ok(text)
}

/// Adds `path` (a PHH file, or a folder searched recursively) to `files`.
fn collect(path: &Path, depth: usize, files: &mut Vec<PathBuf>) -> Result<(), InputError> {
    let meta = fs::metadata(path)
        .map_err(|e| InputError::new(format!("cannot read {}: {e}", path.display())))?;
    if meta.is_file() {
        push(files, path.to_path_buf())?;
        return Ok(());
    }
    if depth >= MAX_FOLDER_DEPTH {
        return Err(InputError::new(format!(
            "{}: folders nested deeper than {MAX_FOLDER_DEPTH}",
            path.display()
        )));
    }
    let entries = fs::read_dir(path)
        .map_err(|e| InputError::new(format!("cannot read {}: {e}", path.display())))?;
    for entry in entries {
        let entry =
            entry.map_err(|e| InputError::new(format!("cannot read {}: {e}", path.display())))?;
        let child = entry.path();
        if child.is_dir() {
            collect(&child, depth + 1, files)?;
        } else if matches!(
            child.extension().and_then(|e| e.to_str()),
            Some("phh" | "phhs")
        ) {
            push(files, child)?;
        }
    }
    Ok(())
}

fn push(files: &mut Vec<PathBuf>, path: PathBuf) -> Result<(), InputError> {
    if files.len() >= MAX_REPLAY_FILES {
        return Err(InputError::new(format!(
            "more than {MAX_REPLAY_FILES} files"
        )));
    }
    files.push(path);
    Ok(())
}
