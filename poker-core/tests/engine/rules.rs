//! Hand-written rule scenarios: each test pins one card-room rule.

use poker_core::{Action, ActionError, Event, RaiseBlocked, Variant};

use crate::support::*;

#[test]
fn heads_up_button_posts_small_blind_acts_first_preflop_and_last_after() {
    let deck = deck_with(Variant::Holdem, &["AsAd", "KsKd"], "2c7d9hTsJc");
    let mut hand = start(nl_holdem(1, 2), &[100, 100], deck);
    let posted: Vec<_> = hand
        .events()
        .iter()
        .filter_map(|e| match e {
            Event::BlindPosted { seat, amount, .. } => Some((seat.index(), amount.get())),
            _ => None,
        })
        .collect();
    assert_eq!(posted, vec![(1, 1), (0, 2)]);
    assert_eq!(hand.to_act(), Some(seat(1)));
    play(&mut hand, "1:c 0:x");
    assert_eq!(
        hand.to_act(),
        Some(seat(0)),
        "the big blind acts first after the flop"
    );
    play(&mut hand, "0:x 1:x 0:x 1:x 0:x 1:x");
    assert!(hand.is_finished());
    assert_eq!(stacks(&hand), vec![102, 98]);
}

#[test]
fn illegal_actions_are_typed_and_change_nothing() {
    let deck = deck_with(Variant::Holdem, &["AsAd", "KsKd", "QsQd"], "2c7d9hTsJc");
    let mut hand = start(nl_holdem(1, 2), &[100, 100, 100], deck);
    let before = hand.clone();
    assert_eq!(
        hand.apply(seat(0), Action::Call),
        Err(ActionError::NotYourTurn {
            expected: seat(2),
            got: seat(0)
        })
    );
    assert_eq!(
        hand.apply(seat(2), Action::Check),
        Err(ActionError::CannotCheck { to_call: chips(2) })
    );
    assert_eq!(
        hand.apply(seat(2), Action::BetTo(chips(3))),
        Err(ActionError::BetBelowMinimum {
            min: chips(4),
            got: chips(3)
        })
    );
    assert_eq!(
        hand.apply(seat(2), Action::BetTo(chips(101))),
        Err(ActionError::BetExceedsStack {
            all_in_to: chips(100),
            got: chips(101)
        })
    );
    assert_eq!(hand, before);
    play(&mut hand, "2:f 0:f");
    assert_eq!(
        hand.apply(seat(1), Action::Check),
        Err(ActionError::HandFinished)
    );
    assert_eq!(stacks(&hand), vec![99, 101, 100]);
}

#[test]
fn short_all_in_does_not_reopen_betting_for_players_who_acted() {
    // WSOP Rule 96: blinds 1/2. Seat 3 raises to 10, seat 4 all-in 15 (short of
    // the full raise to 18); seat 3 already acted and may only call or fold.
    let deck = deck_with(
        Variant::Holdem,
        &["2c2d", "3c3d", "AsAd", "KsKd", "QsQd"],
        "4h7h9sTcJd",
    );
    let mut hand = start(nl_holdem(1, 2), &[100, 100, 100, 100, 15], deck);
    play(&mut hand, "2:f 3:r10 4:r15 0:c 1:f");
    let legal = hand.legal_actions().unwrap();
    assert_eq!(legal.seat, seat(3));
    assert_eq!(legal.raise_blocked, Some(RaiseBlocked::NotReopened));
    assert_eq!(legal.call_amount, Some(chips(5)));
    assert_eq!(
        hand.apply(seat(3), Action::BetTo(chips(30))),
        Err(ActionError::RaiseNotAllowed(RaiseBlocked::NotReopened))
    );
}

#[test]
fn big_blind_ante_is_dead_money_the_short_stack_can_win() {
    // Blinds 1/2 with a big-blind ante of 2. Seat 2 is all-in for 5 with the best
    // hand and wins the ante on top of 5 from each caller.
    let deck = deck_with(Variant::Holdem, &["2c3d", "7c8d", "AsAd"], "KhQh9s4c5d");
    let config = with_antes(nl_holdem(1, 2), 2, poker_core::AnteKind::BigBlind);
    let mut hand = start(config, &[100, 100, 5], deck);
    play(&mut hand, "2:r5 0:c 1:c 0:x 1:x 0:x 1:x 0:x 1:x");
    assert_eq!(stacks(&hand), vec![95, 93, 17]);
}
