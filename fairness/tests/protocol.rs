//! End-to-end: hands played through the protocol and the engine verify, in every
//! variant and ending; chains verify strictly and in batches; JSON round-trips.

mod common;

use common::*;
use fairness::*;

#[test]
fn played_hands_verify_in_every_variant_and_policy() {
    let key = key();
    let variants = [
        (Variant::Holdem, vec![200, 300, 150, 80]),
        (Variant::ShortDeckHoldem, vec![200, 300]),
        (Variant::Omaha { hole_cards: 4 }, vec![500, 500, 500]),
        (Variant::OmahaHiLo { hole_cards: 5 }, vec![100, 400, 250]),
    ];
    for (variant, stacks) in variants {
        for policy in [Policy::CheckCall, Policy::BetThenFold, Policy::AllIn] {
            let setup = setup(variant, &stacks);
            let record = played_record(&key, 9, 1, RecordHash::GENESIS, setup.clone(), 7, policy);
            let verified = verify(&record, &keys(), Predecessor::Genesis)
                .unwrap_or_else(|e| panic!("{variant:?} {policy:?}: {e}"));
            assert_eq!(verified.status, HandStatus::Completed);
            assert_eq!(verified.independent_seats.len(), stacks.len());
            let total: u64 = verified.final_stacks.iter().map(|f| f.stack).sum();
            assert_eq!(total, stacks.iter().sum::<u64>(), "chips are conserved");
        }
    }
}

#[test]
fn canonical_bytes_and_json_round_trip_losslessly() {
    for record in chain(&key(), 3, 3) {
        let bytes = record.to_bytes();
        let decoded = SignedHandRecord::from_bytes(&bytes).unwrap();
        assert_eq!(decoded, record);
        assert_eq!(decoded.to_bytes(), bytes);
        let json = record.to_json();
        let parsed = SignedHandRecord::from_json(&json).unwrap();
        assert_eq!(parsed.to_bytes(), bytes);
        assert_eq!(parsed.to_json(), json);
        let compact = record.to_compact_json();
        assert!(compact.len() < json.len() && !compact.contains('\n'));
        let parsed = SignedHandRecord::from_json(&compact).unwrap();
        assert_eq!(parsed.to_bytes(), bytes);
    }
}

#[test]
fn chains_verify_strictly_and_batched_and_detect_cuts() {
    let records = chain(&key(), 5, 7);
    for mode in [SignatureMode::Strict, SignatureMode::Batched] {
        let verified = verify_chain(&records, &keys(), Predecessor::Genesis, mode).unwrap();
        assert_eq!(verified.len(), 7);
        // Removing a record breaks the link at the next one.
        let mut cut = records.clone();
        cut.remove(3);
        let err = verify_chain(&cut, &keys(), Predecessor::Genesis, mode).unwrap_err();
        assert_eq!(err.index, 3);
        assert_eq!(err.error.check(), "chain-link");
        // Reordering is caught too.
        let mut swapped = records.clone();
        swapped.swap(1, 2);
        assert_eq!(
            verify_chain(&swapped, &keys(), Predecessor::Genesis, mode)
                .unwrap_err()
                .index,
            1
        );
        // A bad signature inside a batch is named precisely.
        let mut forged = records.clone();
        forged[4] = forged[4]
            .clone()
            .with_signature(SignatureBytes::from_bytes([7; 64]));
        let err = verify_chain(&forged, &keys(), Predecessor::Genesis, mode).unwrap_err();
        assert_eq!(
            (err.index, err.error),
            (4, VerifyError::Signature(SignedPart::Record))
        );
    }
}

#[test]
fn void_for_missing_reveal_reveals_the_server_seed_and_flags_the_seat() {
    let key = key();
    let setup = setup(Variant::Holdem, &[100, 100, 100]);
    let seeds = client_seeds(&setup, 1);
    let mut session = HandSession::announce(&key, 2, 8, setup, ServerSeed::from_bytes([1; 32]));
    let entries: Vec<CommitEntry> = seeds
        .iter()
        .map(|(seat, seed)| CommitEntry {
            seat: *seat,
            // Seat 4 sent nothing: the server made its seed.
            origin: if *seat == 4 {
                SeedOrigin::ServerGenerated
            } else {
                SeedOrigin::Client
            },
            commitment: session.client_commitment(*seat, seed),
        })
        .collect();
    assert_eq!(
        session.reveal(0, seeds[0].1.clone()),
        Err(ProtocolError::OutOfOrder("reveal before the commit list"))
    );
    session.close_commitments(&key, entries).unwrap();
    assert_eq!(session.independent_seeds(), 2);
    assert_eq!(
        session.reveal(0, ClientSeed::from_bytes([0xff; 32])),
        Err(ProtocolError::RevealMismatch(0))
    );
    session.reveal(0, seeds[0].1.clone()).unwrap();
    session.reveal(4, seeds[2].1.clone()).unwrap();
    assert_eq!(session.deck(), Err(ProtocolError::MissingReveals(vec![2])));
    let record = session
        .void_missing_reveals(&key, RecordHash::GENESIS)
        .unwrap();
    let verified = verify(&record, &keys(), Predecessor::Genesis).unwrap();
    assert_eq!(verified.status, HandStatus::VoidMissingReveal);
    assert_eq!(verified.flagged, vec![2]);
    assert_eq!(verified.server_generated_seats, vec![4]);
    assert_eq!(
        record.body().server_seed(),
        &ServerSeed::from_bytes([1; 32])
    );
    // Flagging someone else is caught.
    let wrong = resigned(&record, |r| r.outcome().flagged = vec![0]);
    assert_eq!(
        verify(&wrong, &keys(), Predecessor::Genesis)
            .unwrap_err()
            .check(),
        "void"
    );
}

#[test]
fn aborted_hand_refunds_and_replays_its_prefix() {
    let key = key();
    let setup = setup(Variant::Holdem, &[100, 100, 100]);
    let session = open_hand(&key, 4, 1, setup.clone(), 3);
    let (actions, board_len, _) = play(&setup, &session, Policy::CheckCall, Some(4));
    assert_eq!(actions.len(), 4);
    let record = session
        .void_aborted(&key, RecordHash::GENESIS, actions, board_len, vec![])
        .unwrap();
    let verified = verify(&record, &keys(), Predecessor::Genesis).unwrap();
    assert_eq!(verified.status, HandStatus::VoidAborted);
    assert!(verified.final_stacks.iter().all(|f| f.stack == 100));
    // An aborted record must not pay anyone.
    let paid = resigned(&record, |r| {
        r.outcome().final_stacks[0].stack = 103;
        r.outcome().final_stacks[1].stack = 97;
    });
    assert_eq!(
        verify(&paid, &keys(), Predecessor::Genesis)
            .unwrap_err()
            .check(),
        "payout"
    );
}

#[test]
fn key_rotation_is_followed_and_never_reversed() {
    let old = key();
    let new = ServerKey::from_secret_bytes([0x77; 32]);
    let mut ring = keys();
    let first = played_record(
        &old,
        1,
        1,
        RecordHash::GENESIS,
        setup(Variant::Holdem, &[50, 50]),
        1,
        Policy::CheckCall,
    );
    let second = played_record(
        &new,
        1,
        2,
        first.record_hash(),
        setup(Variant::Holdem, &[50, 50]),
        2,
        Policy::CheckCall,
    );
    // Unknown until the rotation statement is applied.
    assert_eq!(
        verify(&second, &ring, Predecessor::Unknown).unwrap_err(),
        VerifyError::UnknownKey(new.key_id())
    );
    let rotation = old.rotate_to(&new, 1);
    let rotation = KeyRotation::from_json(&rotation.to_json()).unwrap();
    ring.apply_rotation(&rotation).unwrap();
    let both = [first.clone(), second.clone()];
    verify_chain(&both, &ring, Predecessor::Genesis, SignatureMode::Strict).unwrap();
    // After the new key was used, the old key may not sign the next record.
    let third = played_record(
        &old,
        1,
        3,
        second.record_hash(),
        setup(Variant::Holdem, &[50, 50]),
        3,
        Policy::CheckCall,
    );
    let err = verify_chain(
        &[first, second, third],
        &ring,
        Predecessor::Genesis,
        SignatureMode::Strict,
    )
    .unwrap_err();
    assert_eq!((err.index, err.error.check()), (2, "chain-link"));
}

#[test]
fn bad_input_gets_typed_errors() {
    let record = chain(&key(), 1, 1).remove(0);
    let bytes = record.to_bytes();
    // Every truncation fails to decode.
    for len in 0..bytes.len() {
        assert!(
            SignedHandRecord::from_bytes(&bytes[..len]).is_err(),
            "prefix {len}"
        );
    }
    let mut long = bytes.clone();
    long.push(0);
    assert_eq!(
        SignedHandRecord::from_bytes(&long),
        Err(DecodeError::TrailingBytes { extra: 1 })
    );
    assert!(matches!(
        SignedHandRecord::from_bytes(&vec![0u8; MAX_MESSAGE_BYTES + 1]),
        Err(DecodeError::TooLong { .. })
    ));
    // An unknown protocol version right after the tag.
    let tag_len = 4 + tags::HAND_RECORD.len();
    let mut versioned = bytes.clone();
    versioned[tag_len + 1] = 2;
    assert_eq!(
        SignedHandRecord::from_bytes(&versioned),
        Err(DecodeError::UnsupportedVersion(2))
    );
    // JSON: garbage, wrong lengths, unknown enum values and huge documents.
    assert!(matches!(
        SignedHandRecord::from_json("{"),
        Err(DecodeError::Json(_))
    ));
    let json = record.to_json();
    let short_seed = json.replacen(
        &hex::encode(record.body().server_seed().expose()),
        "abcd",
        1,
    );
    assert!(SignedHandRecord::from_json(&short_seed).is_err());
    assert!(SignedHandRecord::from_json(&json.replace("\"holdem\"", "\"stud\"")).is_err());
    assert!(matches!(
        SignedHandRecord::from_json(&" ".repeat(MAX_JSON_BYTES + 1)),
        Err(DecodeError::TooLong { .. })
    ));
}
