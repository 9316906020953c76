//! `poker-verify phh`: hand histories as poker-server serves them (PHH with the signed record
//! in `_fairdeal_…` fields) are checked on their own: valid ones pass, an edited history, a
//! foreign key or an edited record fail, and a file without a record is unusable input.
#![allow(clippy::unwrap_used)]

mod support;

use fairness::{hand_history, ServerKey};
use poker_core::phh::write_phhs;
use support::*;

#[test]
fn served_histories_verify_and_every_edit_is_caught() {
    let dir = scratch("phh");
    let key = test_key();
    let key_hex = key.public().to_hex();
    let records = chain(&key, 5, 3);
    let histories: Vec<_> = records
        .iter()
        .map(|r| hand_history(r, Some(0), Some("t-5")).unwrap())
        .collect();

    let one = write(&dir.join("one.phh"), &histories[0].to_phh());
    let ok = run(&["phh", &one, "--key", &key_hex]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(ok.stdout.contains("VALID"), "{}", ok.stdout);

    let several = write(&dir.join("all.phhs"), &write_phhs(&histories));
    let json = run(&["phh", &several, "--key", &key_hex, "--json"]);
    assert_eq!(json.code, 0, "{}", json.stdout);
    let value = json.json();
    assert_eq!(value["verdict"], "valid");
    assert_eq!(value["hands"].as_array().unwrap().len(), 3);
    assert!(value["hands"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["history"] == "matches" && h.get("replay").is_some()));

    // Another server's key: the carried record fails its key check.
    let other = ServerKey::from_secret_bytes([0x42; 32]).public().to_hex();
    let foreign = run(&["phh", &one, "--key", &other, "--json"]);
    assert_eq!(foreign.code, 1);
    assert_eq!(foreign.json()["hands"][0]["failed_check"], "unknown-key");

    // An edited history no longer says what its record says.
    let text = histories[0].to_phh();
    let stacks_line = text
        .lines()
        .find(|l| l.starts_with("finishing_stacks"))
        .unwrap()
        .to_owned();
    let edited = text.replace(&stacks_line, &stacks_line.replacen('[', "[1", 1));
    let edited = write(&dir.join("edited.phh"), &edited);
    let caught = run(&["phh", &edited, "--key", &key_hex, "--json"]);
    assert_eq!(caught.code, 1, "{}", caught.stdout);
    assert_eq!(caught.json()["hands"][0]["history"], "differs");

    // An edited record (one byte of its signature) fails verification.
    let record_hex = hex::encode(records[0].to_bytes());
    let mut flipped = record_hex.clone().into_bytes();
    let last = flipped.len() - 1;
    flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
    let tampered = text.replace(&record_hex, std::str::from_utf8(&flipped).unwrap());
    let tampered = write(&dir.join("tampered.phh"), &tampered);
    let failed = run(&["phh", &tampered, "--key", &key_hex, "--json"]);
    assert_eq!(failed.code, 1, "{}", failed.stdout);
    assert_eq!(failed.json()["hands"][0]["failed_check"], "signature");

    // No record: nothing to check against.
    let bare: String = text
        .lines()
        .filter(|l| !l.starts_with("_fairdeal_record ="))
        .map(|l| format!("{l}\n"))
        .collect();
    let bare = write(&dir.join("bare.phh"), &bare);
    run(&["phh", &bare, "--key", &key_hex]).assert_unusable();
    let not_phh = write(&dir.join("not.phh"), "variant = ");
    run(&["phh", &not_phh, "--key", &key_hex]).assert_unusable();
}

#[test]
fn histories_with_missed_blind_posts_replay_and_an_edited_post_is_caught() {
    let dir = scratch("phh-posts");
    let key = test_key();
    let key_hex = key.public().to_hex();
    for hand_no in 1..=3 {
        let record = played_record_of(
            &key,
            4,
            hand_no,
            fairness::RecordHash::GENESIS,
            posted_setup(),
        );
        // Seen by seat 0, the poster; and as everyone's cards (the record's own view).
        let history = hand_history(&record, Some(0), None).unwrap();
        let text = history.to_phh();
        assert!(text.contains("_posts = [{ player = "), "{text}");
        let path = write(&dir.join(format!("{hand_no}.phh")), &text);
        let out = run(&["phh", &path, "--key", &key_hex, "--json"]);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        let replay = out.json()["hands"][0]["replay"].clone();
        assert!(
            replay == "matches" || replay == "hidden-muck",
            "{}",
            out.stdout
        );
        let plain = run(&["phh", &path, "--key", &key_hex]);
        assert!(plain.stdout.contains("replay"), "{}", plain.stdout);

        // Dropping the posts changes what the file says (and it would not replay).
        let bare: String = text
            .lines()
            .filter(|l| !l.starts_with("_posts ="))
            .map(|l| format!("{l}\n"))
            .collect();
        let bare = write(&dir.join(format!("{hand_no}-bare.phh")), &bare);
        let caught = run(&["phh", &bare, "--key", &key_hex, "--json"]);
        assert_eq!(caught.code, 1, "{}", caught.stdout);
        assert_eq!(caught.json()["hands"][0]["history"], "differs");
    }
}
