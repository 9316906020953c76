//! Records as PHH hand histories for one player: the file parses with poker-core's reader,
//! replays to the record's final stacks, hides every hole card its reader did not see,
//! carries the record, and any edit to what it says is caught by `check_history`.

#![allow(clippy::unwrap_used)] // Helpers outside #[test] functions.

mod common;

use common::*;
use fairness::*;
use poker_core::phh::{replay, HandHistory, PhhAction, PhhCard, ReplayError};
use poker_core::OddChipRule;

/// Records of every policy, at three, four and two seats, with all-ins and side pots
/// (no-limit hold'em: the fixtures' Omaha is no-limit, which PHH has no code for).
fn records() -> Vec<SignedHandRecord> {
    let key = key();
    let mut out = Vec::new();
    let stacks: [&[u64]; 3] = [&[200, 300, 150], &[40, 300, 90, 500], &[100, 100]];
    for (i, stacks) in stacks.iter().enumerate() {
        for (j, policy) in [Policy::CheckCall, Policy::BetThenFold, Policy::AllIn]
            .into_iter()
            .enumerate()
        {
            let salt = (i * 3 + j) as u8;
            out.push(played_record(
                &key,
                30,
                1,
                RecordHash::GENESIS,
                setup(Variant::Holdem, stacks),
                salt,
                policy,
            ));
        }
    }
    out
}

/// The 0-based seat of each PHH player.
fn seats(history: &HandHistory) -> Vec<u8> {
    history
        .fields()
        .seats
        .as_ref()
        .unwrap()
        .iter()
        .map(|&n| (n - 1) as u8)
        .collect()
}

/// `history` with every `??` hole card replaced by the card the record dealt.
fn with_dealt_cards(history: &HandHistory, record: &SignedHandRecord) -> HandHistory {
    let seats = seats(history);
    let mut fields = history.clone().into_fields();
    for line in &mut fields.actions {
        if let Some(PhhAction::DealHole { player, .. }) = line.action() {
            let seat = seats[player.index()];
            let dealt = record
                .body()
                .outcome()
                .hole_cards
                .iter()
                .find(|h| h.seat == seat)
                .unwrap();
            *line = poker_core::phh::ActionLine::action_only(PhhAction::DealHole {
                player: *player,
                cards: dealt.cards.iter().map(|&c| PhhCard::Known(c)).collect(),
            });
        }
    }
    HandHistory::new(fields).unwrap()
}

fn replayed_stacks(history: &HandHistory) -> Result<Vec<(u8, u64)>, ReplayError> {
    let played = replay(history, OddChipRule::ChipByChipLeftOfButton)?;
    Ok(seats(history)
        .into_iter()
        .zip(played.final_stacks())
        .map(|(seat, amount)| (seat, amount.as_integer().unwrap()))
        .collect())
}

#[test]
fn each_players_history_replays_hides_what_they_did_not_see_and_carries_its_record() {
    let keys = keys();
    let (mut hidden_replays, mut muck_refusals) = (0, 0);
    for record in records() {
        let setup = record.body().announcement().body().setup().clone();
        let expected: Vec<(u8, u64)> = record
            .body()
            .outcome()
            .final_stacks
            .iter()
            .map(|f| (f.seat, f.stack))
            .collect();
        let hand = replayed_hand(&record).unwrap();
        let shown: Vec<u8> = hand
            .events()
            .iter()
            .filter_map(|e| match e {
                poker_core::Event::HandShown { seat, .. } => Some(seat.index()),
                _ => None,
            })
            .collect();
        for viewer in setup.seats() {
            assert_eq!(seat_of_player(&record, &viewer.player), Some(viewer.seat));
            let text = hand_history(&record, Some(viewer.seat), Some("t-1"))
                .unwrap()
                .to_phh();
            let parsed = HandHistory::parse(&text).unwrap();

            // Only the viewer's cards and shown cards appear; the rest are `??`.
            for hole in &record.body().outcome().hole_cards {
                let visible = hole.seat == viewer.seat || shown.contains(&hole.seat);
                let cards = poker_core::format_cards(&hole.cards);
                let in_deal_line = text
                    .lines()
                    .filter(|l| l.contains("d dh"))
                    .any(|l| l.contains(&cards));
                assert_eq!(in_deal_line, visible, "seat {} in\n{text}", hole.seat);
            }

            // The record inside verifies and the file agrees with it.
            let carried = record_of_history(&parsed).unwrap();
            assert_eq!(carried, record);
            verify(&carried, &keys, Predecessor::Genesis).unwrap();
            check_history(&parsed, &carried).unwrap();

            // poker-core replays the file to the record's final stacks; a showdown where a
            // hidden hand was mucked cannot be settled from `??` cards, and the replay says
            // so rather than guess (with the dealt cards put back, it settles exactly).
            match replayed_stacks(&parsed) {
                Ok(mut stacks) => {
                    stacks.sort_unstable();
                    assert_eq!(stacks, expected, "\n{text}");
                    hidden_replays += 1;
                }
                Err(ReplayError::UnknownCardsAtShowdown { .. }) => {
                    assert!(
                        text.contains(" sm\""),
                        "a muck explains the refusal:\n{text}"
                    );
                    muck_refusals += 1;
                }
                Err(other) => panic!("{other}\n{text}"),
            }
            let mut stacks = replayed_stacks(&with_dealt_cards(&parsed, &record)).unwrap();
            stacks.sort_unstable();
            assert_eq!(stacks, expected);
        }
    }
    assert!(hidden_replays >= 15, "{hidden_replays}");
    println!("replayed with hidden cards: {hidden_replays}, refused for a muck: {muck_refusals}");
}

#[test]
fn an_edited_history_no_longer_matches_its_record() {
    let record = records().remove(8); // heads-up, everyone all-in
    let text = hand_history(&record, Some(0), None).unwrap().to_phh();
    let parsed = HandHistory::parse(&text).unwrap();
    check_history(&parsed, &record).unwrap();

    let record_hash = record.record_hash().to_hex();
    let edits: Vec<(&str, String)> = vec![
        (
            "a finishing stack",
            text.replacen("finishing_stacks = [", "finishing_stacks = [1", 1),
        ),
        (
            "a fairness field",
            text.replace(&record_hash, &"0".repeat(64)),
        ),
        ("an action", text.replacen(" cc\"", " f\"", 1)),
        ("a name", text.replacen("\"player-0\"", "\"mallory\"", 1)),
    ];
    for (what, edited) in edits {
        assert_ne!(edited, text, "{what}: the edit applies");
        let parsed = HandHistory::parse(&edited).unwrap();
        assert!(
            matches!(
                check_history(&parsed, &record),
                Err(HistoryError::Mismatch(_))
            ),
            "{what}"
        );
    }
    // Without the record field there is nothing to check against.
    let stripped: String = text
        .lines()
        .filter(|l| !l.starts_with(PHH_RECORD_FIELD))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(matches!(
        record_of_history(&HandHistory::parse(&stripped).unwrap()),
        Err(HistoryError::NoRecord(_))
    ));
}

#[test]
fn voids_have_no_hand_history() {
    let (_, record) = fairness::doc_support::voided_hand();
    assert_eq!(
        hand_history(&record, Some(0), None).unwrap_err(),
        HistoryError::NotPlayed(HandStatus::VoidMissingReveal)
    );
}
