//! `poker-verify hand` on a record whose setup carries extra posts (missed blinds): it
//! verifies, and the posts are shown.
#![allow(clippy::unwrap_used)]

mod support;

use fairness::RecordHash;
use support::*;

#[test]
fn a_record_with_missed_blinds_verifies_and_shows_them() {
    let key = test_key();
    for hand_no in 1..=3 {
        let record = played_record_of(&key, 4, hand_no, RecordHash::GENESIS, posted_setup());
        let path = write(
            &scratch(&format!("posts-{hand_no}")).join("record.json"),
            &record.to_json(),
        );
        let public = key.public().to_hex();
        let out = run(&["hand", &path, "--key", &public]);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        assert!(
            out.stdout.contains("seat 0 (player-0): 2 live, 1 dead"),
            "{}",
            out.stdout
        );
        let json = run(&["hand", &path, "--key", &public, "--json"]).json();
        assert_eq!(json["hand"]["posts"][0]["dead"], 1);
        let total: u64 = json["hand"]["payouts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["final"].as_u64().unwrap())
            .sum();
        assert_eq!(total, 650, "chips are conserved");
    }
}

#[test]
fn a_hand_without_posts_prints_no_posts() {
    let key = test_key();
    let record = played_record(&key, 4, 1, RecordHash::GENESIS);
    let path = write(&scratch("no-posts").join("record.json"), &record.to_json());
    let out = run(&["hand", &path, "--key", &key.public().to_hex(), "--json"]);
    assert_eq!(out.code, 0);
    assert!(out.json()["hand"].get("posts").is_none());
    assert!(out.json()["hand"].get("payouts").is_some());
}
