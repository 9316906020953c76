//! The PHH corpus in `shared/phh`: every file parses, round-trips through the writer,
//! and (for supported variants) replays through the engine to its recorded stacks.
//!
//! The corpus is found at `$FAIRDEAL_PHH_DIR`, or at `<workspace>/../shared/phh`. A
//! missing corpus fails the tests: silently passing would hide that nothing ran.

// Test helpers outside `#[test]` functions panic on broken fixtures by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use poker_core::export::to_phh;
use poker_core::phh::replay::UNSUPPORTED_VARIANTS;
use poker_core::phh::{parse_hands, replay, Amount, HandHistory, Replay, ReplayError};
use poker_core::{Event, OddChipRule};

/// Files the corpus README lists: 2,000 + 83 + 5 + 548 + 52.
const EXPECTED_FILES: usize = 2_688;

fn corpus_dir() -> PathBuf {
    let dir = match std::env::var_os("FAIRDEAL_PHH_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/phh"),
    };
    assert!(
        dir.join("manifest.csv").is_file(),
        "PHH corpus not found at {}: set FAIRDEAL_PHH_DIR to the folder holding manifest.csv \
         (CI clones shared/ beside the workspace)",
        dir.display()
    );
    dir
}

/// Every `.phh`/`.phhs` file under the corpus, as (path relative to the corpus, text).
fn corpus_files() -> Vec<(String, String)> {
    let root = corpus_dir();
    let mut pending = vec![root.clone()];
    let mut files = Vec::new();
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("phh" | "phhs")
            ) {
                let relative = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((relative, fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_corpus_file_parses_and_round_trips() {
    let files = corpus_files();
    assert_eq!(files.len(), EXPECTED_FILES, "corpus file count");
    let mut hands = 0;
    for (path, text) in &files {
        let parsed = parse_hands(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        for named in parsed {
            let written = named.hand.to_phh();
            let reread = HandHistory::parse(&written)
                .unwrap_or_else(|e| panic!("{path}: rereading written text: {e}\n{written}"));
            assert_eq!(reread, named.hand, "{path}: round trip changed the hand");
            assert_eq!(reread.to_phh(), written, "{path}: writer is not stable");
            hands += 1;
        }
    }
    println!(
        "parsed and round-tripped {hands} hands from {} files",
        files.len()
    );
}

/// One row of `manifest.csv`: the source folder, variant and PokerKit's final stacks.
struct ManifestRow {
    path: String,
    pokerkit_stacks: Vec<Amount>,
}

fn manifest() -> Vec<ManifestRow> {
    let text = fs::read_to_string(corpus_dir().join("manifest.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let columns: Vec<&str> = line.split(',').collect();
            ManifestRow {
                path: columns[0].to_owned(),
                pokerkit_stacks: columns[8]
                    .split_whitespace()
                    .map(|s| s.parse().unwrap())
                    .collect(),
            }
        })
        .collect()
}

/// The folder a corpus path is reported under.
fn folder_of(path: &str) -> &str {
    path.split('/').next().unwrap_or(path)
}

/// The odd-chip rule a file's result was computed with: PokerKit's for files PokerKit
/// made or checked (every folder but `historical/`, whose stacks come from the
/// PokerKit README but whose hands have no odd chip).
fn odd_chip_rule(path: &str) -> OddChipRule {
    if folder_of(path) == "historical" {
        OddChipRule::ChipByChipLeftOfButton
    } else {
        OddChipRule::WholeRemainderToFirstLeftOfButton
    }
}

/// Supported-variant files the engine does not replay, each with the reason. The
/// test fails when one of them starts replaying, so the list stays current.
const KNOWN_UNREPLAYABLE: [(&str, &str); 1] = [
    // Heads-up, PHH applies `antes` reversed, so `antes = [2, 0]` is paid by the
    // button alone: an ante layout no card room uses and `ForcedBets` cannot express.
    (
        "pokerkit-generated/0265.phh",
        "heads-up ante paid by the button alone",
    ),
];

#[derive(Default)]
struct FolderTally {
    files: usize,
    replayed: usize,
    matched: usize,
    unsupported: Vec<String>,
}

#[test]
fn every_supported_corpus_hand_replays_to_its_finishing_stacks() {
    let manifest = manifest();
    let mut tallies: BTreeMap<String, FolderTally> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut fractional = Vec::new();
    for (path, text) in corpus_files() {
        let folder = folder_of(&path).to_owned();
        if folder == "pokerkit-nonstandard" {
            continue; // Checked against its README by its own test.
        }
        let tally = tallies.entry(folder).or_default();
        tally.files += 1;
        let history = HandHistory::parse(&text).unwrap();
        let variant = history.fields().variant;
        if UNSUPPORTED_VARIANTS.contains(&variant) {
            tally.unsupported.push(format!("{path} ({variant})"));
            continue;
        }
        let row = manifest.iter().find(|r| r.path == path).unwrap();
        // The file's own numbers, unless they are fractions of a chip (true-division
        // splits) or absent: then PokerKit's integer result, which the manifest records.
        let expected = match &history.fields().finishing_stacks {
            Some(stacks) if stacks.iter().all(|s| s.scale() == 0) => stacks.clone(),
            Some(_) => {
                fractional.push(path.clone());
                row.pokerkit_stacks.clone()
            }
            None => row.pokerkit_stacks.clone(),
        };
        match (
            replay(&history, odd_chip_rule(&path)),
            KNOWN_UNREPLAYABLE.iter().find(|(p, _)| *p == path),
        ) {
            (Err(_), Some((_, why))) => {
                tally.unsupported.push(format!("{path} ({why})"));
            }
            (Ok(result), None) => {
                tally.replayed += 1;
                if let Err(problem) = export_replays_identically(&result, odd_chip_rule(&path)) {
                    failures.push(format!("{path}: PHH export: {problem}"));
                }
                if result.final_stacks() == expected.as_slice() {
                    tally.matched += 1;
                } else {
                    failures.push(format!(
                        "{path}: expected {} got {}",
                        join(&expected),
                        join(result.final_stacks())
                    ));
                }
            }
            (Err(error), _) => failures.push(format!("{path}: {error}")),
            (Ok(_), Some(_)) => {
                failures.push(format!("{path}: now replays; update KNOWN_UNREPLAYABLE"))
            }
        }
    }
    println!("| folder | files | replayed | matched | unsupported |");
    println!("|---|---:|---:|---:|---:|");
    for (folder, t) in &tallies {
        println!(
            "| {folder} | {} | {} | {} | {} |",
            t.files,
            t.replayed,
            t.matched,
            t.unsupported.len()
        );
    }
    for (folder, t) in &tallies {
        for file in &t.unsupported {
            println!("unsupported in {folder}: {file}");
        }
    }
    println!("odd-chip hands checked against PokerKit's integer stacks: {fractional:?}");
    // The corpus README names the 8 Pluribus hands split by true division.
    assert_eq!(
        fractional.len(),
        8,
        "fractional finishing_stacks: {fractional:?}"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Exports the replayed hand as PHH, reads the text back, replays it and compares
/// the engine's final stacks (in chips, seat by seat).
fn export_replays_identically(result: &Replay, rule: OddChipRule) -> Result<(), String> {
    let exported = to_phh(result.hand(), None).map_err(|e| e.to_string())?;
    let reread = HandHistory::parse(&exported.to_phh()).map_err(|e| e.to_string())?;
    if reread != exported {
        return Err("exported text does not read back as the same hand".into());
    }
    let again = replay(&reread, rule).map_err(|e| e.to_string())?;
    if again.hand().stacks() != result.hand().stacks() {
        return Err(format!(
            "stacks {:?} != {:?}",
            again.hand().stacks(),
            result.hand().stacks()
        ));
    }
    Ok(())
}

fn join(amounts: &[Amount]) -> String {
    amounts
        .iter()
        .map(Amount::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// What `pokerkit-nonstandard/README.md` says a card-room engine does with a file.
enum CardRoomOutcome {
    /// The engine ends at these stacks (the settlement and blind-first rows).
    Stacks(Vec<Amount>),
    /// The engine refuses the raise at this index in `actions`.
    RefusesRaise(usize),
    /// The call at this index costs this much (or the caller's whole stack), unless
    /// the engine has refused an earlier-flagged difference at or after it.
    CallCosts(usize, Amount),
}

/// The README's per-file table: file name and outcome.
fn nonstandard_expectations() -> Vec<(String, CardRoomOutcome)> {
    let readme = fs::read_to_string(corpus_dir().join("pokerkit-nonstandard/README.md")).unwrap();
    readme
        .lines()
        .filter(|line| line.starts_with("| `0"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let file = cells[1].trim_matches('`').to_owned();
            let (first_action, card_room) = (cells[3], cells[4]);
            let outcome = if card_room != "—" {
                let numbers = card_room.trim_start_matches("blind first:");
                CardRoomOutcome::Stacks(
                    numbers
                        .split_whitespace()
                        .map(|n| n.parse().unwrap())
                        .collect(),
                )
            } else {
                // "5 `p1 cbr 6`: …" or "— forced bets: … First action: 7 `p3 cc`: calls 1; the card-room call is 2"
                let text = first_action.rsplit("First action: ").next().unwrap();
                let index: usize = text.split_whitespace().next().unwrap().parse().unwrap();
                match text.split_once("the card-room call is ") {
                    Some((_, cost)) => {
                        CardRoomOutcome::CallCosts(index, cost.trim().parse().unwrap())
                    }
                    None => CardRoomOutcome::RefusesRaise(index),
                }
            };
            (file, outcome)
        })
        .collect()
}

/// Nonstandard files whose forced bets the engine cannot express, so the replay
/// refuses them at the start (heads-up ante paid by the button alone).
const NONSTANDARD_UNEXPRESSIBLE: [&str; 1] = ["0371.phh"];

/// Nonstandard files on which the engine currently disagrees with card-room rules;
/// each is described in /work/notes/engine-bugs.md. The test fails when one of them
/// starts agreeing, so that the entry is removed.
const NONSTANDARD_ENGINE_BUGS: [&str; 0] = [];

/// Whether `events` hold a call that added `cost` chips or went all-in.
fn call_costs(events: &[Event], cost: Amount) -> bool {
    events.iter().any(|event| match event {
        Event::Called { amount, all_in, .. } => {
            *all_in || Amount::from_integer(amount.get()) == cost
        }
        _ => false,
    })
}

#[test]
fn pokerkit_nonstandard_hands_settle_by_card_room_rules() {
    let expectations = nonstandard_expectations();
    assert_eq!(
        expectations.len(),
        52,
        "rows in pokerkit-nonstandard/README.md"
    );
    let (mut settled, mut refused, mut resized, mut unexpressible) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    let mut known_bugs = Vec::new();
    for (file, outcome) in &expectations {
        let path = corpus_dir().join("pokerkit-nonstandard").join(file);
        let history = HandHistory::parse(&fs::read_to_string(path).unwrap()).unwrap();
        let result = replay(&history, OddChipRule::WholeRemainderToFirstLeftOfButton);
        let agrees = match (outcome, &result) {
            _ if NONSTANDARD_UNEXPRESSIBLE.contains(&file.as_str()) => {
                let refused_at_start = matches!(result, Err(ReplayError::UnsupportedForcedBets(_)));
                unexpressible += usize::from(refused_at_start);
                refused_at_start
            }
            (CardRoomOutcome::Stacks(expected), Ok(r)) => {
                let same = r.final_stacks() == expected.as_slice();
                settled += usize::from(same);
                same
            }
            (
                CardRoomOutcome::RefusesRaise(index),
                Err(ReplayError::Rejected { index: at, .. }),
            ) => {
                refused += usize::from(at == index);
                at == index
            }
            (CardRoomOutcome::CallCosts(index, cost), Ok(r)) => {
                let ok = r
                    .events_of_action(*index)
                    .is_some_and(|events| call_costs(events, *cost));
                resized += usize::from(ok);
                ok
            }
            (CardRoomOutcome::CallCosts(index, _), Err(error)) => {
                // Paying the full call can leave a later action impossible.
                let later = matches!(error, ReplayError::Rejected { index: at, .. } if at > index)
                    || matches!(error, ReplayError::Unfinished);
                refused += usize::from(later);
                later
            }
            _ => false,
        };
        let detail = match &result {
            Ok(r) => format!("ended at {}", join(r.final_stacks())),
            Err(error) => format!("{error}"),
        };
        match (agrees, NONSTANDARD_ENGINE_BUGS.contains(&file.as_str())) {
            (true, false) | (false, true) => {
                if !agrees {
                    known_bugs.push(format!("{file}: {detail}"));
                }
            }
            (false, false) => failures.push(format!("{file}: not as card rooms rule: {detail}")),
            (true, true) => failures.push(format!(
                "{file}: now agrees; remove it from NONSTANDARD_ENGINE_BUGS"
            )),
        }
    }
    println!(
        "pokerkit-nonstandard: {} files; {settled} settled at the card-room stacks, {refused} refused \
         at the flagged action (or later), {resized} re-sized the flagged call, {unexpressible} \
         refused at the start (forced bets not expressible); known engine bugs: {:?}",
        expectations.len(),
        known_bugs
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
