//! `poker-verify chain` on generated histories: valid chains pass, every kind of
//! break is found at the right record, unusable input exits 2.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::OnceLock;

use fairness::SignedHandRecord;
use support::*;

const LEN: u64 = 40;

fn records() -> &'static [SignedHandRecord] {
    static RECORDS: OnceLock<Vec<SignedHandRecord>> = OnceLock::new();
    RECORDS.get_or_init(|| chain(&test_key(), 9, LEN))
}

fn key() -> String {
    test_key().public().to_hex()
}

fn lines(records: &[SignedHandRecord]) -> String {
    records.iter().map(|r| json_line(r) + "\n").collect()
}

fn chain_run(path: &str, extra: &[&str]) -> Run {
    let key = key();
    let mut args = vec!["chain", path, "--key", key.as_str()];
    args.extend(extra);
    run(&args)
}

#[test]
fn a_valid_history_passes_as_lines_and_as_a_folder() {
    let dir = scratch("chain-valid");
    let path = write(&dir.join("history.jsonl"), &lines(records()));
    for extra in [&[][..], &["--strict"][..]] {
        let out = chain_run(&path, extra);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        assert!(out.stdout.contains(&format!("{LEN} records")));
    }
    let json = chain_run(&path, &["--json"]).json();
    assert_eq!(json["verdict"], "valid");
    assert_eq!(json["records"], LEN);
    assert_eq!(
        json["last_record_hash"],
        records()[LEN as usize - 1].record_hash().to_hex()
    );

    // A folder, file names in no particular order: records are ordered by hand number.
    let folder = dir.join("folder");
    std::fs::create_dir_all(&folder).unwrap();
    for (i, record) in records().iter().enumerate() {
        let name = format!("{:03}.json", (i * 7919) % 1000);
        write(&folder.join(name), &record.to_json());
    }
    let out = chain_run(folder.to_str().unwrap(), &["--json"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(out.json()["records"], LEN);

    // Starting after a known record.
    let previous = write(&dir.join("previous.json"), &records()[9].to_json());
    let rest = write(&dir.join("rest.jsonl"), &lines(&records()[10..]));
    assert_eq!(chain_run(&rest, &["--previous", &previous]).code, 0);
}

/// Runs a broken history and returns the JSON `break`.
fn broken(name: &str, history: &[String]) -> serde_json::Value {
    let dir = scratch(name);
    let path = write(&dir.join("h.jsonl"), &(history.join("\n") + "\n"));
    let out = chain_run(&path, &["--json"]);
    assert_eq!(out.code, 1, "{name}: {}", out.stdout);
    let json = out.json();
    assert_eq!(json["verdict"], "invalid");
    json["break"].clone()
}

fn as_lines(records: &[SignedHandRecord]) -> Vec<String> {
    records.iter().map(json_line).collect()
}

#[test]
fn every_kind_of_break_is_reported_at_its_record() {
    let all = as_lines(records());

    let mut gap = all.clone();
    gap.remove(20);
    let b = broken("gap", &gap);
    assert_eq!(
        (b["record"].as_u64(), b["check"].as_str()),
        (Some(21), Some("chain-link"))
    );
    assert_eq!(b["diagnosis"], "gap: hands 21 to 21 are missing");

    let mut dup = all.clone();
    dup.insert(31, all[30].clone());
    let b = broken("duplicate", &dup);
    assert_eq!(b["record"], 32);
    assert_eq!(b["diagnosis"], "duplicate: hand 31 appears twice");

    let mut swapped = all.clone();
    swapped.swap(5, 6);
    let b = broken("order", &swapped);
    assert_eq!(
        (b["record"].as_u64(), b["location"].as_str()),
        (Some(6), Some("line 6"))
    );

    let missing_first = &all[1..];
    let b = broken("first", missing_first);
    assert_eq!(b["record"], 1);
    assert!(b["diagnosis"]
        .as_str()
        .unwrap()
        .contains("not the table's first"));

    // A signature character changed in record 18: its batch fails
    // and the strict recheck names the record and the part.
    let mut forged = all.clone();
    let mut value: serde_json::Value = serde_json::from_str(&forged[17]).unwrap();
    let signature = value["signature"].as_str().unwrap().to_owned();
    let flipped = if signature.starts_with('0') { "1" } else { "0" };
    value["signature"] = serde_json::json!(format!("{flipped}{}", &signature[1..]));
    forged[17] = value.to_string();
    let b = broken("signature", &forged);
    assert_eq!(
        (b["record"].as_u64(), b["check"].as_str()),
        (Some(18), Some("signature"))
    );

    // A record of another table in the middle.
    let mut other = all.clone();
    other[12] = json_line(&played_record(
        &test_key(),
        10,
        13,
        records()[11].record_hash(),
    ));
    let b = broken("table", &other);
    assert_eq!(b["record"], 13);
    assert!(b["diagnosis"].as_str().unwrap().contains("from table 10"));

    // A well-formed JSON line that is not a canonical record: malformed, after the
    // records before it were verified.
    let mut malformed = all.clone();
    malformed[3] = "{\"body\": 1, \"signature\": \"00\"}".to_owned();
    let b = broken("malformed", &malformed);
    assert_eq!(
        (b["record"].as_u64(), b["check"].as_str()),
        (Some(4), Some("malformed"))
    );
}

#[test]
fn unusable_histories_exit_2() {
    let dir = scratch("chain-unusable");
    let empty_dir = dir.join("empty");
    std::fs::create_dir_all(&empty_dir).unwrap();
    run(&["chain", empty_dir.to_str().unwrap(), "--key", &key()]).assert_unusable();
    let empty = write(&dir.join("empty.jsonl"), "\n\n");
    run(&["chain", &empty, "--key", &key()]).assert_unusable();
    let all = lines(&records()[..5]);
    let truncated = write(&dir.join("truncated.jsonl"), &all[..all.len() - 100]);
    run(&["chain", &truncated, "--key", &key()]).assert_unusable();
    run(&["chain", "/nonexistent", "--key", &key()]).assert_unusable();
    let good = write(&dir.join("good.jsonl"), &all);
    run(&["chain", &good, "--key", "00"]).assert_unusable();
    // A break before the unreadable line is reported first (exit 1).
    let mut broken_then_truncated = as_lines(&records()[..5]);
    broken_then_truncated.remove(1);
    let text = broken_then_truncated.join("\n");
    let path = write(&dir.join("both.jsonl"), &text[..text.len() - 50]);
    assert_eq!(run(&["chain", &path, "--key", &key()]).code, 1);
}
