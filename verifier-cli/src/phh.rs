//! `poker-verify phh`: a hand history downloaded from poker-server (PHH with `_fairdeal_…`
//! fields) checked on its own: the signed record it carries must verify against the pinned
//! key, every action, card, stack and fairness field of the file must be the record's, and
//! the file must replay through `poker_core::phh::replay` (missed-blind posts included,
//! from its `_posts` field) to its own `finishing_stacks`.

use fairness::{
    check_history, record_of_history, verify, HistoryError, KeyRing, Predecessor, SignedHandRecord,
};
use poker_core::phh::{parse_hands, replay, HandHistory, ReplayError};
use serde_json::{json, Value};

use crate::cli::PhhArgs;
use crate::input::{key_ring, read_text};
use crate::outcome::{InputError, Verdict};

/// Largest PHH file read: a record of at most 256 KiB is twice that in hex, plus the
/// readable history around it, for up to [`MAX_PHH_HANDS`] hands.
pub(crate) const MAX_PHH_FILE_BYTES: usize = 8 * 1024 * 1024;
/// Most hands checked from one `.phhs` file.
pub(crate) const MAX_PHH_HANDS: usize = 1000;

/// What one hand of the file came to.
struct HandReport {
    table_id: u64,
    hand_no: u64,
    record: Result<(), fairness::VerifyError>,
    history: Result<(), HistoryError>,
    /// `None` when an earlier check failed.
    replay: Option<ReplayOutcome>,
}

/// What replaying the file as PHH, on its own, came to.
enum ReplayOutcome {
    /// The replay ends at the file's `finishing_stacks`.
    Matches,
    /// Another player's hand, hidden as `??`, was mucked at showdown: the file alone
    /// cannot settle it (the record's deck does, and the record was checked).
    HiddenMuck,
    /// The replay fails or ends elsewhere.
    Fails(String),
}

impl ReplayOutcome {
    fn is_ok(&self) -> bool {
        !matches!(self, ReplayOutcome::Fails(_))
    }
}

pub(crate) fn run(args: &PhhArgs) -> Result<Verdict, InputError> {
    let keys = key_ring(args.key.key.as_deref(), args.key.key_file.as_deref())?;
    let origin = args.file.display().to_string();
    let text = read_text(&args.file, MAX_PHH_FILE_BYTES)?;
    let hands = read_hands(&text, &origin)?;
    let mut reports = Vec::with_capacity(hands.len());
    for (index, history) in hands.iter().enumerate() {
        let record = record_of_history(history)
            .map_err(|e| InputError::new(format!("{origin}: hand {}: {e}", index + 1)))?;
        reports.push(check(history, &record, &keys));
    }
    let verdict = Verdict::from_ok(reports.iter().all(|r| {
        r.record.is_ok() && r.history.is_ok() && r.replay.as_ref().is_some_and(ReplayOutcome::is_ok)
    }));
    if args.json {
        println!("{}", to_json(&reports, verdict));
    } else {
        print!("{}", to_text(&origin, &reports, verdict));
    }
    Ok(verdict)
}

/// One hand (`.phh`) or several (`.phhs`, tables `[1]`, `[2]`, …).
fn read_hands(text: &str, origin: &str) -> Result<Vec<HandHistory>, InputError> {
    let several = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .is_some_and(|line| line.starts_with('['));
    let hands = if several {
        parse_hands(text)
            .map_err(|e| InputError::new(format!("{origin}: not a PHH file: {e}")))?
            .into_iter()
            .map(|named| named.hand)
            .collect()
    } else {
        vec![HandHistory::parse(text)
            .map_err(|e| InputError::new(format!("{origin}: not a PHH file: {e}")))?]
    };
    if hands.is_empty() {
        return Err(InputError::new(format!("{origin}: no hand in the file")));
    }
    if hands.len() > MAX_PHH_HANDS {
        return Err(InputError::new(format!(
            "{origin}: more than {MAX_PHH_HANDS} hands"
        )));
    }
    Ok(hands)
}

fn check(file: &HandHistory, record: &SignedHandRecord, keys: &KeyRing) -> HandReport {
    let header = record.header();
    // A file holds no predecessor: the chain is `poker-verify chain`'s business.
    let verified = verify(record, keys, Predecessor::Unknown).map(|_| ());
    let history = match &verified {
        Ok(()) => check_history(file, record),
        Err(_) => Ok(()),
    };
    let replayed = (verified.is_ok() && history.is_ok()).then(|| replay_file(file, record));
    HandReport {
        table_id: header.table_id,
        hand_no: header.hand_no,
        record: verified,
        history,
        replay: replayed,
    }
}

/// Replays the file through poker-core's PHH replay with the record's odd-chip rule.
fn replay_file(file: &HandHistory, record: &SignedHandRecord) -> ReplayOutcome {
    let setup = record.body().announcement().body().setup();
    let odd_chips = fairness::engine_config(setup).odd_chips;
    match replay(file, odd_chips) {
        Ok(played) => match played.matches_finishing_stacks(file) {
            Some(true) => ReplayOutcome::Matches,
            Some(false) => ReplayOutcome::Fails("it ends at other stacks".into()),
            None => ReplayOutcome::Fails("the file has no finishing_stacks".into()),
        },
        Err(ReplayError::UnknownCardsAtShowdown { .. }) => ReplayOutcome::HiddenMuck,
        Err(e) => ReplayOutcome::Fails(e.to_string()),
    }
}

fn to_text(origin: &str, reports: &[HandReport], verdict: Verdict) -> String {
    let mut out = String::new();
    for report in reports {
        out.push_str(&format!(
            "{origin}: table {}, hand {}\n",
            report.table_id, report.hand_no
        ));
        match &report.record {
            Ok(()) => out.push_str(
                "  ✓ record      the carried signed record passes every check of `poker-verify hand`\n",
            ),
            Err(e) => out.push_str(&format!(
                "  ✗ record      FAILED [{}]: {e}\n  · history     (not run)\n",
                e.check()
            )),
        }
        if report.record.is_ok() {
            match &report.history {
                Ok(()) => out.push_str(
                    "  ✓ history     actions, cards, stacks and fairness fields are the record's\n",
                ),
                Err(e) => out.push_str(&format!("  ✗ history     FAILED: {e}\n")),
            }
        }
        match &report.replay {
            Some(ReplayOutcome::Matches) => {
                out.push_str("  ✓ replay      the file alone replays to its finishing stacks\n")
            }
            Some(ReplayOutcome::HiddenMuck) => out.push_str(
                "  · replay      a hidden hand (`??`) was mucked at showdown: the file alone \
                 cannot settle it, the record's deck does\n",
            ),
            Some(ReplayOutcome::Fails(e)) => {
                out.push_str(&format!("  ✗ replay      FAILED: {e}\n"))
            }
            None => {}
        }
    }
    out.push_str(match verdict {
        Verdict::Valid => {
            "VALID: every hand checked (chain links are not: use `poker-verify chain`).\n"
        }
        Verdict::Invalid => "INVALID: see the failed checks above.\n",
    });
    out
}

fn to_json(reports: &[HandReport], verdict: Verdict) -> Value {
    json!({
        "verdict": verdict.word(),
        "hands": reports.iter().map(|r| {
            let mut hand = json!({
                "table_id": r.table_id,
                "hand_no": r.hand_no,
                "record": if r.record.is_ok() { "valid" } else { "invalid" },
            });
            if let Err(e) = &r.record {
                hand["failed_check"] = json!(e.check());
                hand["error"] = json!(e.to_string());
            } else {
                hand["history"] = json!(if r.history.is_ok() { "matches" } else { "differs" });
                if let Err(e) = &r.history {
                    hand["error"] = json!(e.to_string());
                }
                match &r.replay {
                    Some(ReplayOutcome::Matches) => hand["replay"] = json!("matches"),
                    Some(ReplayOutcome::HiddenMuck) => hand["replay"] = json!("hidden-muck"),
                    Some(ReplayOutcome::Fails(e)) => {
                        hand["replay"] = json!("fails");
                        hand["replay_error"] = json!(e);
                    }
                    None => {}
                }
            }
            hand
        }).collect::<Vec<_>>(),
    })
}
