//! `poker-verify hand`: every check of one record, with a pass or fail mark each.

use fairness::{
    explain_record, verify, verify_traced, DecodeError, KeyRing, Predecessor, SignedHandRecord,
};
use serde_json::json;

use crate::cli::HandArgs;
use crate::input::{key_ring, load_record, parse_record, read_text, MAX_RECORD_FILE_BYTES};
use crate::outcome::{InputError, Verdict};
use crate::render;

pub(crate) fn run(args: &HandArgs) -> Result<Verdict, InputError> {
    let keys = key_ring(args.key.key.as_deref(), args.key.key_file.as_deref())?;
    let origin = args.record.display().to_string();
    let record = parse_record(&read_text(&args.record, MAX_RECORD_FILE_BYTES)?, &origin)?;
    let predecessor = match (&args.previous, args.first) {
        (Some(path), _) => match previous_link(&load_record(path)?, &keys) {
            Ok(link) => link,
            Err(message) => {
                report_previous_invalid(&message, args.json);
                return Ok(Verdict::Invalid);
            }
        },
        (None, true) => Predecessor::Genesis,
        (None, false) => Predecessor::Unknown,
    };
    Ok(report(record, &keys, predecessor, args.explain, args.json))
}

/// What the chain link of the next record is checked against: the previous record,
/// which must itself verify.
fn previous_link(previous: &SignedHandRecord, keys: &KeyRing) -> Result<Predecessor, String> {
    let hand = verify(previous, keys, Predecessor::Unknown)
        .map_err(|e| format!("the previous record is invalid [{}]: {e}", e.check()))?;
    Ok(Predecessor::Record {
        hash: hand.record_hash,
        table_id: hand.table_id,
        hand_no: hand.hand_no,
        key_generation: hand.key_generation,
    })
}

fn report_previous_invalid(message: &str, json: bool) {
    if json {
        println!("{}", json!({ "verdict": "invalid", "error": message }));
    } else {
        println!("INVALID: {message}");
    }
}

/// Verifies a decoded (or undecodable) record and prints the report.
pub(crate) fn report(
    record: Result<SignedHandRecord, DecodeError>,
    keys: &KeyRing,
    predecessor: Predecessor,
    explain: bool,
    json: bool,
) -> Verdict {
    let (lines, verified, derivation) = match &record {
        Err(e) => (render::step_lines(Some(e), &[], None), None, None),
        Ok(record) => {
            let mut steps = Vec::new();
            let result = verify_traced(record, keys, predecessor, |s, o| steps.push((s, o)));
            let lines = render::step_lines(None, &steps, result.as_ref().err());
            let derivation = explain.then(|| explain_record(record));
            (lines, Some(result), derivation)
        }
    };
    let verdict = Verdict::from_ok(matches!(verified, Some(Ok(_))));
    if json {
        let mut out = json!({
            "verdict": verdict.word(),
            "checks": render::steps_json(&lines),
        });
        if let (Ok(record), Some(Ok(hand))) = (&record, &verified) {
            out["hand"] = render::hand_json(record, hand);
        }
        if let Some(Err(e)) = &verified {
            out["failed_check"] = json!(e.check());
            out["error"] = json!(e.to_string());
        }
        if let Err(e) = &record {
            out["failed_check"] = json!("malformed");
            out["error"] = json!(e.to_string());
        }
        match &derivation {
            Some(Ok(d)) => out["derivation"] = render::derivation_json(d),
            Some(Err(e)) => out["derivation_error"] = json!(e.to_string()),
            None => {}
        }
        println!("{out}");
        return verdict;
    }
    print!("Checks:\n{}", render::steps_text(&lines));
    match (&record, &verified) {
        (Ok(record), Some(Ok(hand))) => {
            println!("VALID: every check passed.\n");
            print!("{}", render::hand_text(record, hand));
        }
        (_, Some(Err(e))) => println!("INVALID [{}]: {e}", e.check()),
        (Err(e), _) => println!("INVALID [malformed]: {e}"),
        _ => {}
    }
    match &derivation {
        Some(Ok(d)) => print!("\n{}", render::derivation_text(d)),
        Some(Err(e)) => println!("\nNo derivation to explain: {e}"),
        None => {}
    }
    verdict
}
