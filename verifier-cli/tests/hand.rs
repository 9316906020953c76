//! `poker-verify hand` and `deal` on the fairness test vectors, run as the real binary.
#![allow(clippy::unwrap_used)]

mod support;

use support::*;

/// Writes every vector as JSON (when it has one) and as canonical hex; returns
/// (name, expected verdict, files, previous-record file).
fn vector_files(dir: &std::path::Path) -> Vec<(String, String, Vec<String>, Option<String>)> {
    let doc = record_vectors();
    doc["records"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let mut files = vec![write(
                &dir.join(format!("{i}.hex")),
                case["canonical_hex"].as_str().unwrap(),
            )];
            if case["json"].is_object() {
                files.push(write(
                    &dir.join(format!("{i}.json")),
                    &serde_json::to_string_pretty(&case["json"]).unwrap(),
                ));
            }
            let previous = case["previous_record"]
                .as_str()
                .map(|hex_text| write(&dir.join(format!("{i}.previous.hex")), hex_text));
            (
                case["name"].as_str().unwrap().to_owned(),
                case["expect"].as_str().unwrap().to_owned(),
                files,
                previous,
            )
        })
        .collect()
}

#[test]
fn every_vector_gets_its_verdict_and_names_the_failed_check() {
    let dir = scratch("vectors");
    let key = vector_key();
    let cases = vector_files(&dir);
    assert_eq!(cases.len(), 17);
    for (name, expect, files, previous) in cases {
        for file in files {
            let mut args = vec!["hand", file.as_str(), "--key", key.as_str()];
            if let Some(previous) = &previous {
                args.extend(["--previous", previous.as_str()]);
            } else {
                args.push("--first");
            }
            let text = run(&args);
            args.push("--json");
            let json = run(&args).json();
            if expect == "ok" {
                assert_eq!(text.code, 0, "{name}: {}", text.stdout);
                assert!(text.stdout.contains("VALID: every check passed"), "{name}");
                assert!(!text.stdout.contains('✗'), "{name}");
                assert_eq!(json["verdict"], "valid", "{name}");
                assert!(json["checks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|c| c["status"] == "pass" || c["status"] == "skipped"));
            } else {
                assert_eq!(text.code, 1, "{name}: {}", text.stdout);
                assert!(
                    text.stdout.contains(&format!("INVALID [{expect}]")),
                    "{name}: {}",
                    text.stdout
                );
                assert_eq!(json["verdict"], "invalid", "{name}");
                assert_eq!(json["failed_check"], expect.as_str(), "{name}");
                let failed: Vec<&serde_json::Value> = json["checks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|c| c["status"] == "fail")
                    .collect();
                assert_eq!(failed.len(), 1, "{name}");
                assert_eq!(failed[0]["check"], expect.as_str(), "{name}");
            }
        }
    }
}

#[test]
fn a_valid_hand_shows_deck_deal_board_actions_and_payouts() {
    let dir = scratch("shows");
    let cases = vector_files(&dir);
    let (_, _, files, _) = &cases[0]; // completed three-way all-in
    let out = run(&["hand", &files[1], "--key", &vector_key()]);
    assert_eq!(out.code, 0);
    for needle in [
        "deck: ",
        "seat 0 (player-0): ",
        "board: ",
        "actions:",
        "payouts:",
        "200 -> 550 (+350)",
    ] {
        assert!(
            out.stdout.contains(needle),
            "missing {needle:?} in\n{}",
            out.stdout
        );
    }
    // Without --previous/--first the link is reported as not checked, not as passed.
    assert!(out.stdout.contains("– chain-link"), "{}", out.stdout);
    let json = run(&["hand", &files[1], "--key", &vector_key(), "--json"]).json();
    assert_eq!(json["hand"]["board"], "6d8h3s8dJh");
    assert_eq!(json["hand"]["payouts"][0]["final"], 550);
}

#[test]
fn explain_prints_every_intermediate_value() {
    let dir = scratch("explain");
    let cases = vector_files(&dir);
    let (_, _, files, _) = &cases[0];
    let out = run(&["hand", &files[1], "--key", &vector_key(), "--explain"]);
    assert_eq!(out.code, 0);
    for needle in [
        "§4.1",
        "C_s",
        "H_0",
        "§5",
        "K = ",
        "§6",
        "i=51",
        "§7",
        "flop: burn position",
    ] {
        assert!(out.stdout.contains(needle), "missing {needle:?}");
    }
    let json = run(&[
        "hand",
        &files[1],
        "--key",
        &vector_key(),
        "--explain",
        "--json",
    ])
    .json();
    assert_eq!(json["derivation"]["deck"], json["hand"]["deck"]);
    assert_eq!(json["derivation"]["shuffle"].as_array().unwrap().len(), 51);
}

#[test]
fn deal_reproduces_the_worked_example() {
    let args = [
        "deal",
        "--server-seed",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "--client-seed",
        "3=2222222222222222222222222222222222222222222222222222222222222222",
        "--client-seed",
        "0=1111111111111111111111111111111111111111111111111111111111111111",
        "--table",
        "1",
        "--hand",
        "1",
        "--button",
        "0",
    ];
    let out = run(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("seat 3: 8d7h"));
    let mut with_json = args.to_vec();
    with_json.extend(["--json", "--explain"]);
    let json = run(&with_json).json();
    assert_eq!(
        json["deck"],
        "8d6d7h8h6c9sTd6h8cThKsAs3c7d2c5d5cJcQh8s4cAd7sKd3s9h5h2hQc9d2sAhQsJd4dKhKcJsAcTsTc3dJh9c4h7c4s3h2d6s5sQd"
    );
    assert_eq!(json["board"], "9sTd6hThAs");
    assert_eq!(
        json["derivation"]["deck_key"],
        "2aa3ea845fd4811a6d1054d6dd869214e0ea75cb74c0fd49901b565e910597f8"
    );
    // The button must be seated; seeds must be 32 bytes.
    let mut bad = args.to_vec();
    bad[12] = "5";
    run(&bad).assert_unusable();
    let mut bad = args.to_vec();
    bad[4] = "3=22";
    run(&bad).assert_unusable();
}

#[test]
fn unusable_input_exits_2_with_one_line() {
    let dir = scratch("unusable");
    let key = vector_key();
    let cases = vector_files(&dir);
    let good_json = std::fs::read_to_string(&cases[0].2[1]).unwrap();
    let truncated = write(
        &dir.join("truncated.json"),
        &good_json[..good_json.len() / 2],
    );
    let not_json = write(&dir.join("bad.json"), "{\"body\": [1, 2,");
    let empty = write(&dir.join("empty.json"), "");
    let binary = dir.join("binary.json");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x01]).unwrap();
    let binary = binary.to_str().unwrap().to_owned();
    let huge = write(&dir.join("huge.json"), &" ".repeat(2 * 1024 * 1024));
    let record = &cases[0].2[1];
    for args in [
        vec!["hand", truncated.as_str(), "--key", key.as_str()],
        vec!["hand", not_json.as_str(), "--key", key.as_str()],
        vec!["hand", empty.as_str(), "--key", key.as_str()],
        vec!["hand", binary.as_str(), "--key", key.as_str()],
        vec!["hand", huge.as_str(), "--key", key.as_str()],
        vec!["hand", "/nonexistent/record.json", "--key", key.as_str()],
        vec!["hand", record.as_str(), "--key", "abcd"],
        vec!["hand", record.as_str(), "--key", &key[..62]],
        vec!["hand", record.as_str(), "--key", "zz".repeat(32).leak()],
        vec!["hand", record.as_str(), "--key-file", not_json.as_str()],
    ] {
        run(&args).assert_unusable();
    }
    // Usage errors (clap) also exit 2.
    assert_eq!(run(&["hand", record]).code, 2);
    assert_eq!(run(&["frobnicate"]).code, 2);
    // --json still reports the error as JSON on stdout.
    let out = run(&["hand", &truncated, "--key", &key, "--json"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.json()["verdict"], "error");
}

#[test]
fn no_input_makes_it_panic() {
    let dir = scratch("garbage");
    let key = vector_key();
    let good: serde_json::Value = record_vectors()["records"][0]["json"].clone();
    let mut inputs = vec![
        "[".repeat(100_000),
        "{}".to_owned(),
        "null".to_owned(),
        "\"\"".to_owned(),
        "00".to_owned(),
        "0".repeat(1001),
        "ff".repeat(5000),
    ];
    // Every number in the record replaced by a huge one, and every string by junk.
    let mut huge = good.clone();
    mutate(&mut huge, &mut |v| {
        if v.is_u64() {
            *v = serde_json::json!(u64::MAX);
        }
    });
    inputs.push(huge.to_string());
    let mut junk = good.clone();
    mutate(&mut junk, &mut |v| {
        if v.is_string() {
            *v = serde_json::json!("Zz");
        }
    });
    inputs.push(junk.to_string());
    for (i, text) in inputs.iter().enumerate() {
        let path = write(&dir.join(format!("{i}.json")), text);
        let out = run(&["hand", &path, "--key", &key]);
        assert!(
            out.code == 1 || out.code == 2,
            "input {i}: exit {}",
            out.code
        );
    }
}

fn mutate(value: &mut serde_json::Value, f: &mut dyn FnMut(&mut serde_json::Value)) {
    f(value);
    match value {
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| mutate(v, f)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| mutate(v, f)),
        _ => {}
    }
}
