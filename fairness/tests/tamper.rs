//! Tampering: any flipped bit of a published record is caught, and a dishonest
//! server that re-signs a modified record is caught by the check for that field.

mod common;

use common::*;
use fairness::*;

fn sample() -> SignedHandRecord {
    // Three players to showdown: actions, amounts, a full board and a split of stacks.
    played_record(
        &key(),
        11,
        1,
        RecordHash::GENESIS,
        setup(Variant::Holdem, &[200, 300, 150]),
        42,
        Policy::AllIn,
    )
}

fn check_of(record: &SignedHandRecord) -> &'static str {
    verify(record, &keys(), Predecessor::Genesis).map_or_else(|e| e.check(), |_| "ok")
}

#[test]
fn every_single_bit_flip_is_rejected() {
    let record = sample();
    assert_eq!(check_of(&record), "ok");
    let bytes = record.to_bytes();
    for index in 0..bytes.len() {
        for bit in 0..8 {
            let mut flipped = bytes.clone();
            flipped[index] ^= 1 << bit;
            if let Ok(decoded) = SignedHandRecord::from_bytes(&flipped) {
                let outcome = verify(&decoded, &keys(), Predecessor::Genesis);
                assert!(outcome.is_err(), "bit {bit} of byte {index} went unnoticed");
            }
        }
    }
}

#[test]
fn resigned_changes_fail_the_matching_check() {
    let record = sample();
    let bet_index = record
        .body()
        .outcome()
        .actions
        .iter()
        .position(|a| matches!(a.action, RecordedAction::BetTo(_)))
        .expect("the all-in policy bets");
    type Edit = Box<dyn Fn(&mut TamperAccess<'_>)>;
    let cases: Vec<(&str, Edit, &[&str])> = vec![
        (
            "server seed",
            Box::new(|r| *r.server_seed() = ServerSeed::from_bytes([0; 32])),
            &["commitment"],
        ),
        (
            "client seed",
            Box::new(|r| r.reveals()[1].seed = Some(ClientSeed::from_bytes([9; 32]))),
            &["client-seed"],
        ),
        (
            "missing client seed",
            Box::new(|r| r.reveals()[2].seed = None),
            &["client-seed"],
        ),
        (
            "action",
            Box::new(move |r| r.outcome().actions[bet_index].action = RecordedAction::Fold),
            &["replay", "payout"],
        ),
        (
            "action seat",
            Box::new(|r| r.outcome().actions[0].seat = 9),
            &["replay"],
        ),
        (
            "dropped action",
            Box::new(|r| {
                r.outcome().actions.pop();
            }),
            &["replay"],
        ),
        (
            "amount",
            Box::new(move |r| {
                if let RecordedAction::BetTo(to) = &mut r.outcome().actions[bet_index].action {
                    *to -= 1
                }
            }),
            &["replay", "payout"],
        ),
        (
            "result",
            Box::new(|r| {
                r.outcome().final_stacks[0].stack += 1;
                r.outcome().final_stacks[1].stack -= 1;
            }),
            &["payout"],
        ),
        (
            "deck",
            Box::new(|r| {
                let deck = r.outcome().deck.clone().expect("dealt");
                let mut cards = deck.cards().to_vec();
                cards.swap(50, 51);
                r.outcome().deck =
                    Some(poker_core::Deck::new(deck.kind(), cards).expect("still a permutation"));
            }),
            &["deck"],
        ),
        (
            "hole cards",
            Box::new(|r| r.outcome().hole_cards[0].cards.swap(0, 1)),
            &["dealing"],
        ),
        (
            "board",
            Box::new(|r| r.outcome().board.swap(0, 1)),
            &["dealing"],
        ),
        (
            "previous hash",
            Box::new(|r| *r.previous() = RecordHash::from_bytes([1; 32])),
            &["chain-link"],
        ),
        (
            "hand number",
            Box::new(|r| r.header().hand_no += 1),
            &["binding"],
        ),
        (
            "status",
            Box::new(|r| r.outcome().status = HandStatus::VoidAborted),
            &["void", "payout"],
        ),
        (
            "embedded announcement signature",
            Box::new(|r| {
                let a = r
                    .announcement()
                    .clone()
                    .with_signature(SignatureBytes::from_bytes([3; 64]));
                *r.announcement() = a;
            }),
            &["signature"],
        ),
    ];
    for (name, edit, expected) in cases {
        let tampered = resigned(&record, edit);
        let check = check_of(&tampered);
        assert!(
            expected.contains(&check),
            "{name}: got {check}, expected one of {expected:?}"
        );
    }
    // The record's own signature, without re-signing.
    let mut signature = *record.signature().as_bytes();
    signature[10] ^= 0x20;
    let forged = record
        .clone()
        .with_signature(SignatureBytes::from_bytes(signature));
    assert_eq!(
        verify(&forged, &keys(), Predecessor::Genesis),
        Err(VerifyError::Signature(SignedPart::Record))
    );
    // A commitment changed in a re-signed commit list no longer matches the seed.
    let list = record.body().commitments().body().clone();
    let mut json: serde_json::Value = serde_json::from_str(&record.to_json()).unwrap();
    json["body"]["commitments"]["body"]["entries"][0]["commitment"] =
        serde_json::Value::String("00".repeat(32));
    let edited = SignedHandRecord::from_json(&json.to_string()).unwrap();
    assert_ne!(edited.body().commitments().body(), &list);
    let relisted = resigned(&record, |r| {
        let body = edited.body().commitments().body().clone();
        *r.commitments() = Signed::resign_with(body, &key());
    });
    assert_eq!(check_of(&relisted), "client-seed");
}

#[test]
fn a_record_links_only_to_its_true_predecessor() {
    let records = chain(&key(), 2, 2);
    let first = verify(&records[0], &keys(), Predecessor::Genesis).unwrap();
    let next = Predecessor::Record {
        hash: first.record_hash,
        table_id: 2,
        hand_no: 1,
        key_generation: 0,
    };
    verify(&records[1], &keys(), next).unwrap();
    let wrong_table = Predecessor::Record {
        hash: first.record_hash,
        table_id: 3,
        hand_no: 1,
        key_generation: 0,
    };
    assert_eq!(
        verify(&records[1], &keys(), wrong_table)
            .unwrap_err()
            .check(),
        "chain-link"
    );
    assert_eq!(
        verify(&records[1], &keys(), Predecessor::Genesis)
            .unwrap_err()
            .check(),
        "chain-link"
    );
}
