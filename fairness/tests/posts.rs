//! Extra posts (missed blinds) in the hand setup: records carrying them verify through
//! the engine replay, encode byte-exactly as `docs/fairness-protocol.md` §8.1 says, and a
//! record whose posts do not match how the hand was played fails verification.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use fairness::*;

/// Four players at seats 0, 2, 4, 6; button 0, so 2 and 4 post the blinds and seat 6
/// (and the button) may post extra.
fn posted_setup(posts: &[(u8, u64, u64)]) -> HandSetup {
    setup(Variant::Holdem, &[200, 300, 150, 80])
        .with_posts(
            posts
                .iter()
                .map(|&(seat, live, dead)| PostEntry { seat, live, dead })
                .collect(),
        )
        .unwrap()
}

#[test]
fn records_with_posts_verify_and_conserve_chips() {
    for posts in [
        vec![(6, 2, 1)],
        vec![(6, 2, 0)],
        vec![(0, 0, 1)],
        vec![(0, 2, 1), (6, 2, 1)],
    ] {
        for policy in [Policy::CheckCall, Policy::BetThenFold, Policy::AllIn] {
            let setup = posted_setup(&posts);
            let record = played_record(&key(), 3, 1, RecordHash::GENESIS, setup, 11, policy);
            let verified = verify(&record, &keys(), Predecessor::Genesis)
                .unwrap_or_else(|e| panic!("{posts:?} {policy:?}: {e}"));
            assert_eq!(verified.status, HandStatus::Completed);
            let total: u64 = verified.final_stacks.iter().map(|f| f.stack).sum();
            assert_eq!(total, 730, "{posts:?} {policy:?}: chips are conserved");
        }
    }
}

#[test]
fn a_dead_post_is_lost_by_a_player_who_folds_at_once() {
    // Everyone folds to the big blind: seat 6 loses its live and dead post, the small
    // blind its blind; the big blind wins 2 + 1 + 1 + its own 2 back.
    let setup = posted_setup(&[(6, 2, 1)]);
    let session = open_hand(&key(), 3, 1, setup.clone(), 5);
    let fold = |seat| LoggedAction {
        seat,
        action: RecordedAction::Fold,
    };
    let actions = vec![fold(6), fold(0), fold(2)];
    let finals = vec![
        FinalStack {
            seat: 0,
            stack: 200,
        },
        FinalStack {
            seat: 2,
            stack: 299,
        },
        FinalStack {
            seat: 4,
            stack: 154,
        },
        FinalStack { seat: 6, stack: 77 },
    ];
    let record = session
        .finish(&key(), RecordHash::GENESIS, actions, 0, finals)
        .unwrap();
    verify(&record, &keys(), Predecessor::Genesis).unwrap();
}

#[test]
fn posts_round_trip_through_bytes_and_json() {
    let record = played_record(
        &key(),
        3,
        1,
        RecordHash::GENESIS,
        posted_setup(&[(0, 2, 1), (6, 2, 0)]),
        2,
        Policy::CheckCall,
    );
    let bytes = record.to_bytes();
    let decoded = SignedHandRecord::from_bytes(&bytes).unwrap();
    assert_eq!(decoded, record);
    assert_eq!(decoded.to_bytes(), bytes);
    let json = record.to_json();
    assert!(json.contains("\"posts\""));
    let parsed = SignedHandRecord::from_json(&json).unwrap();
    assert_eq!(parsed.to_bytes(), bytes);
    let setup = parsed.body().announcement().body().setup();
    assert_eq!(
        setup.posts(),
        [
            PostEntry {
                seat: 0,
                live: 2,
                dead: 1
            },
            PostEntry {
                seat: 6,
                live: 2,
                dead: 0
            }
        ]
    );
}

#[test]
fn without_posts_the_json_form_has_no_posts_field() {
    let record = played_record(
        &key(),
        3,
        1,
        RecordHash::GENESIS,
        posted_setup(&[]),
        2,
        Policy::CheckCall,
    );
    assert!(!record.to_json().contains("posts"));
}

/// The announcement body's seat list, as §8.1 lays it out, with seat 6 posting.
#[test]
fn the_seat_entry_of_a_poster_is_flagged_and_followed_by_its_amounts() {
    let plain = HandSession::announce(
        &key(),
        3,
        1,
        posted_setup(&[]),
        ServerSeed::from_bytes([1; 32]),
    );
    let posted = HandSession::announce(
        &key(),
        3,
        1,
        posted_setup(&[(6, 2, 1)]),
        ServerSeed::from_bytes([1; 32]),
    );
    let plain = plain.announcement().body_bytes();
    let posted = posted.announcement().body_bytes();
    // Seat 6 is the last entry: u8(6) ‖ u64(80) ‖ lp("player-3"), at the end of the body.
    let mut entry = vec![6u8];
    entry.extend_from_slice(&80u64.to_be_bytes());
    entry.extend_from_slice(&8u32.to_be_bytes());
    entry.extend_from_slice(b"player-3");
    assert!(plain.ends_with(&entry));
    let mut flagged = entry.clone();
    flagged[0] = 0x86;
    flagged.extend_from_slice(&2u64.to_be_bytes());
    flagged.extend_from_slice(&1u64.to_be_bytes());
    assert!(posted.ends_with(&flagged));
    assert_eq!(
        posted[..posted.len() - flagged.len()],
        plain[..plain.len() - entry.len()],
        "nothing else changes"
    );
}

#[test]
fn bad_posts_are_refused_by_the_setup_the_decoder_or_the_replay() {
    let base = setup(Variant::Holdem, &[200, 300, 150, 80]);
    let post = |seat, live, dead| PostEntry { seat, live, dead };
    assert!(
        base.clone().with_posts(vec![post(1, 2, 1)]).is_err(),
        "seat 1 is empty"
    );
    assert!(base
        .clone()
        .with_posts(vec![post(6, 2, 1), post(6, 2, 0)])
        .is_err());
    assert!(base.clone().with_posts(vec![post(6, 0, 0)]).is_err());
    // Unsorted posts are sorted, so they have one encoding.
    let sorted = base
        .clone()
        .with_posts(vec![post(6, 2, 1), post(0, 1, 0)])
        .unwrap();
    assert_eq!(sorted.posts()[0].seat, 0);
    // The small blind (seat 2) posts a positional blind: the engine refuses the start, so
    // a server cannot deal it and a record of it fails the replay.
    let from_blind = base.clone().with_posts(vec![post(2, 2, 1)]).unwrap();
    let deck = poker_core::Deck::ordered(poker_core::DeckKind::Standard);
    assert!(matches!(
        start_hand(&from_blind, deck),
        Err(HandStartError::Engine(
            poker_core::StartError::BadExtraPost(_)
        ))
    ));
    let too_big = base.with_posts(vec![post(6, 3, 0)]).unwrap();
    // A live post above the big blind: the hand has no actions the engine would take, and
    // the record fails the replay at its start.
    let finals = too_big
        .seats()
        .iter()
        .map(|s| FinalStack {
            seat: s.seat,
            stack: s.stack,
        })
        .collect();
    let session = open_hand(&key(), 3, 1, too_big, 4);
    let record = session
        .finish(&key(), RecordHash::GENESIS, Vec::new(), 0, finals)
        .unwrap();
    let err = verify(&record, &keys(), Predecessor::Genesis).unwrap_err();
    assert_eq!(err.check(), "replay", "{err}");
}

#[test]
fn the_decoder_refuses_a_post_flag_with_nothing_posted() {
    let session = HandSession::announce(
        &key(),
        3,
        1,
        posted_setup(&[(6, 2, 1)]),
        ServerSeed::from_bytes([1; 32]),
    );
    let good = session.announcement().to_bytes();
    assert!(Signed::<Announcement>::from_bytes(&good).is_ok());
    // The amounts are the last 16 bytes before the 64-byte signature.
    let mut zero = good.clone();
    let end = zero.len() - 64;
    zero[end - 16..end].fill(0);
    assert!(matches!(
        Signed::<Announcement>::from_bytes(&zero),
        Err(DecodeError::Invalid { field: "post", .. })
    ));
    // Seat numbers with the flag still must be below 10.
    let mut bad_seat = good;
    let flag_at = end - 16 - 8 - 4 - 8 - 1;
    assert_eq!(bad_seat[flag_at], 0x86);
    bad_seat[flag_at] = 0x8a;
    assert!(Signed::<Announcement>::from_bytes(&bad_seat).is_err());
}

#[test]
fn a_record_whose_posts_differ_from_the_play_fails_the_replay_or_payout() {
    // Announced with a post, played as if there were none (a server taking the dead chip
    // off the table), and the other way round: both records are caught.
    for (announced, played) in [(vec![(6, 2, 1)], vec![]), (vec![], vec![(6, 2, 1)])] {
        let session = open_hand(&key(), 3, 1, posted_setup(&announced), 8);
        let (actions, board, finals) =
            play(&posted_setup(&played), &session, Policy::CheckCall, None);
        let record = session
            .finish(&key(), RecordHash::GENESIS, actions, board, finals)
            .unwrap();
        let err = verify(&record, &keys(), Predecessor::Genesis).unwrap_err();
        assert!(
            matches!(err.check(), "replay" | "payout"),
            "{announced:?} vs {played:?}: {err}"
        );
    }
}

#[test]
fn an_aborted_hand_with_posts_replays_its_prefix_and_refunds_the_posts() {
    let setup = posted_setup(&[(6, 2, 1)]);
    let session = open_hand(&key(), 3, 1, setup.clone(), 9);
    let (actions, board, _) = play(&setup, &session, Policy::CheckCall, Some(2));
    assert_eq!(actions.len(), 2);
    let record = session
        .void_aborted(&key(), RecordHash::GENESIS, actions, board, Vec::new())
        .unwrap();
    let verified = verify(&record, &keys(), Predecessor::Genesis).unwrap();
    assert_eq!(verified.status, HandStatus::VoidAborted);
    let starting: Vec<u64> = setup.seats().iter().map(|s| s.stack).collect();
    let refunded: Vec<u64> = verified.final_stacks.iter().map(|f| f.stack).collect();
    assert_eq!(
        refunded, starting,
        "the posts come back with everything else"
    );
}
