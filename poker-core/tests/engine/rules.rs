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

/// Deck for `n` seats where nobody's cards matter (board without a low).
fn any_deck(variant: Variant) -> poker_core::Deck {
    poker_core::Deck::ordered(variant.deck_kind())
}

#[test]
fn consecutive_short_all_ins_adding_up_to_a_full_raise_reopen_betting() {
    // WSOP Rule 96a. Blinds 5/10: seat 2 raises to 30 (a raise of 20); seat 3
    // all-in to 40 (+10) and seat 4 all-in to 55 (+15) together raise 25 >= 20.
    let mut hand = start(
        nl_holdem(5, 10),
        &[1000, 1000, 1000, 40, 55],
        any_deck(Variant::Holdem),
    );
    play(&mut hand, "2:r30 3:r40 4:r55 0:f 1:c");
    let legal = hand.legal_actions().unwrap();
    assert_eq!(legal.seat, seat(2));
    assert_eq!(legal.raise_blocked, None);
    assert_eq!(
        legal.min_bet_to,
        Some(chips(75)),
        "the last full raise (20) is the increment"
    );
}

#[test]
fn a_short_all_in_after_a_full_raise_all_in_does_not_reopen_for_later_callers() {
    // PokerKit issue #45: seat 3's all-in to 80 is a full raise; seat 4 calls it;
    // seat 0's all-in to 100 adds only 20. Seat 2 (acted before the full raise) may
    // raise again, seat 4 (acted after it) may not.
    let mut hand = start(
        nl_holdem(5, 10),
        &[100, 1000, 1000, 80, 1000],
        any_deck(Variant::Holdem),
    );
    play(&mut hand, "2:r30 3:r80 4:c 0:r100 1:f");
    let legal = hand.legal_actions().unwrap();
    assert_eq!(legal.seat, seat(2));
    assert_eq!(legal.min_bet_to, Some(chips(150)));
    play(&mut hand, "2:c");
    let legal = hand.legal_actions().unwrap();
    assert_eq!(legal.seat, seat(4));
    assert_eq!(legal.raise_blocked, Some(RaiseBlocked::NotReopened));
    assert_eq!(legal.call_amount, Some(chips(20)));
}

#[test]
fn min_raise_is_not_capped_by_a_short_opponent_and_the_excess_is_returned() {
    // PokerKit issue #40: the button has 12 chips; the small blind must still raise
    // a full raise (to 20) and gets back what the button cannot call.
    let deck = deck_with(Variant::Holdem, &["AsAd", "7c2d", "KsKd"], "3h8h9sTcJd");
    let mut hand = start(nl_holdem(5, 10), &[500, 500, 12], deck);
    play(&mut hand, "2:c");
    let legal = hand.legal_actions().unwrap();
    assert_eq!(
        (legal.min_bet_to, legal.max_bet_to),
        (Some(chips(20)), Some(chips(500)))
    );
    let events = play(&mut hand, "0:r20 1:f 2:c");
    assert!(events.contains(&Event::UncalledBetReturned {
        seat: seat(0),
        amount: chips(8)
    }));
    assert!(
        hand.is_finished(),
        "nobody has chips to bet: the board runs out"
    );
    assert_eq!(stacks(&hand), vec![500 - 12 + 12 + 12 + 10, 490, 0]);
}

#[test]
fn big_blind_ante_with_a_short_stack_posts_the_blind_first() {
    // BB ante 10 and big blind 10, but the big blind has 14: blind 10, ante 4.
    let deck = deck_with(Variant::Holdem, &["7c2d", "AsAd", "8c3d"], "KhQh9s4c5d");
    let config = with_antes(nl_holdem(5, 10), 10, poker_core::AnteKind::BigBlind);
    let mut hand = start(config, &[500, 14, 500], deck);
    let posted: Vec<&Event> = hand.events()[1..4].iter().collect();
    assert!(matches!(
        posted[..],
        [
            Event::BlindPosted { amount: sb, .. },
            Event::BlindPosted { amount: bb, all_in: false, .. },
            Event::AntePosted { amount: ante, all_in: true, .. },
        ] if sb.get() == 5 && bb.get() == 10 && ante.get() == 4
    ));
    play(&mut hand, "2:c 0:c 0:x 2:x 0:x 2:x 0:x 2:x");
    // Dead ante 4 plus 10 from each player, all won by the big blind.
    assert_eq!(stacks(&hand), vec![490, 34, 490]);
}

#[test]
fn short_big_blind_keeps_the_full_betting_level() {
    // The big blind has 7 of 10. Calling still costs 10 and the 3 above the big
    // blind's 7 from each caller form a side pot.
    let deck = deck_with(Variant::Holdem, &["KcKd", "AsAd", "8c3d"], "2h7h9s4cJd");
    let mut hand = start(nl_holdem(5, 10), &[500, 7, 500], deck);
    let legal = hand.legal_actions().unwrap();
    assert_eq!(
        (legal.call_amount, legal.min_bet_to),
        (Some(chips(10)), Some(chips(20)))
    );
    play(&mut hand, "2:c 0:c 0:x 2:x 0:x 2:x 0:x 2:x");
    assert_eq!(stacks(&hand), vec![496, 21, 490]);
}

#[test]
fn short_small_blind_wins_only_the_main_pot() {
    let deck = deck_with(Variant::Holdem, &["AsAd", "KcKd", "8c3d"], "2h7h9s4cJd");
    let mut hand = start(nl_holdem(5, 10), &[3, 500, 500], deck);
    play(&mut hand, "2:c 1:x 1:x 2:x 1:x 2:x 1:x 2:x");
    assert_eq!(stacks(&hand), vec![9, 504, 490]);
}

#[test]
fn no_small_blind_means_the_first_seat_posts_nothing_and_calls_the_big_blind() {
    let mut config = nl_holdem(5, 10);
    config.forced.small_blind = chips(0);
    let mut hand = start(config, &[500, 500, 500], any_deck(Variant::Holdem));
    let blinds = hand
        .events()
        .iter()
        .filter(|e| matches!(e, Event::BlindPosted { .. }))
        .count();
    assert_eq!(blinds, 1);
    play(&mut hand, "2:c");
    assert_eq!(hand.legal_actions().unwrap().call_amount, Some(chips(10)));
}

#[test]
fn everyone_folding_returns_the_uncalled_part_of_the_big_blind() {
    let mut hand = start(
        nl_holdem(5, 10),
        &[500, 500, 500],
        any_deck(Variant::Holdem),
    );
    let events = play(&mut hand, "2:f 0:f");
    assert!(events.contains(&Event::UncalledBetReturned {
        seat: seat(1),
        amount: chips(5)
    }));
    assert!(!events.iter().any(|e| matches!(e, Event::HandShown { .. })));
    assert_eq!(stacks(&hand), vec![495, 505, 500]);
}

/// Three-way tie (royal flush on the board) for a pot of 14: 4 each and 2 odd chips.
fn three_way_tie(rule: poker_core::OddChipRule) -> Vec<u64> {
    let deck = deck_with(
        Variant::Holdem,
        &["2c3d", "2d3h", "2h3s", "2s4c"],
        "AsKsQsJsTs",
    );
    let mut config = nl_holdem(2, 4);
    config.odd_chips = rule;
    let mut hand = start(config, &[100, 100, 100, 100], deck);
    play(
        &mut hand,
        "2:c 3:c 0:f 1:x 1:x 2:x 3:x 1:x 2:x 3:x 1:x 2:x 3:x",
    );
    stacks(&hand)
}

#[test]
fn odd_chips_go_one_by_one_from_the_left_of_the_button_by_default() {
    assert_eq!(
        three_way_tie(poker_core::OddChipRule::ChipByChipLeftOfButton),
        vec![98, 101, 101, 100]
    );
}

#[test]
fn odd_chips_can_all_go_to_the_first_winner_as_in_pokerkit() {
    assert_eq!(
        three_way_tie(poker_core::OddChipRule::WholeRemainderToFirstLeftOfButton),
        vec![98, 102, 100, 100]
    );
}

fn omaha_hi_lo_limit() -> poker_core::HandConfig {
    let mut config = nl_holdem(1, 2);
    config.game = poker_core::Game {
        variant: Variant::OmahaHiLo { hole_cards: 4 },
        betting: poker_core::BettingStructure::FixedLimit {
            small_bet: chips(2),
            big_bet: chips(4),
            raise_cap: Some(4),
        },
    };
    config
}

#[test]
fn hi_lo_quartering_high_half_takes_the_odd_chip() {
    // Pot of 5 (the small blind's 1 is dead). Seat 1 wins high (aces up) and ties
    // the 7-4-3-2-A low with seat 2: high 3 to seat 1, low 2 split 1/1.
    let variant = Variant::OmahaHiLo { hole_cards: 4 };
    let deck = deck_with(variant, &["9d9sTdTs", "As4cAhQs", "Ad4s9c9h"], "2s3d7hKcKd");
    let mut hand = start(omaha_hi_lo_limit(), &[100, 100, 100], deck);
    let events = play(&mut hand, "2:c 0:f 1:x 1:x 2:x 1:x 2:x 1:x 2:x");
    let shares: Vec<(poker_core::PotShare, Vec<(u8, u64)>)> = events
        .iter()
        .filter_map(|e| match e {
            Event::PotAwarded { share, winners, .. } => Some((
                *share,
                winners.iter().map(|(s, c)| (s.index(), c.get())).collect(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        shares,
        vec![
            (poker_core::PotShare::High, vec![(1, 3)]),
            (poker_core::PotShare::Low, vec![(1, 1), (2, 1)]),
        ]
    );
    assert_eq!(stacks(&hand), vec![99, 102, 99]);
}

#[test]
fn hi_lo_without_a_qualifying_low_the_high_hand_scoops() {
    let variant = Variant::OmahaHiLo { hole_cards: 4 };
    let deck = deck_with(variant, &["2d5s6d7s", "As4cAhQs", "Ad4s8c8h"], "KcKdQh9d3c");
    let mut hand = start(omaha_hi_lo_limit(), &[100, 100, 100], deck);
    play(&mut hand, "2:c 0:f 1:x 1:x 2:x 1:x 2:x 1:x 2:x");
    assert_eq!(stacks(&hand), vec![99, 103, 98]);
}

#[test]
fn side_pots_of_three_depths_go_to_the_best_eligible_hands() {
    let deck = deck_with(
        Variant::Holdem,
        &["AsAd", "KsKd", "QsQd", "5h4d"],
        "2c7d9hJs3c",
    );
    let mut hand = start(nl_holdem(1, 2), &[20, 50, 100, 200], deck);
    let events = play(&mut hand, "2:r100 3:c 0:c 1:c");
    let pots: Vec<(u64, Vec<(u8, u64)>)> = events
        .iter()
        .filter_map(|e| match e {
            Event::PotAwarded {
                amount, winners, ..
            } => Some((
                amount.get(),
                winners.iter().map(|(s, c)| (s.index(), c.get())).collect(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        pots,
        vec![
            (80, vec![(0, 80)]),
            (90, vec![(1, 90)]),
            (100, vec![(2, 100)])
        ]
    );
    let shown = events
        .iter()
        .filter(|e| matches!(e, Event::HandShown { .. }))
        .count();
    assert_eq!(shown, 4, "every hand is tabled in an all-in showdown");
    assert_eq!(stacks(&hand), vec![80, 90, 100, 100]);
}

#[test]
fn timeout_checks_when_free_and_folds_otherwise() {
    let mut hand = start(nl_holdem(1, 2), &[100, 100, 100], any_deck(Variant::Holdem));
    let events = play(&mut hand, "2:t 0:c 1:t");
    assert_eq!(
        events[0],
        Event::Folded {
            seat: seat(2),
            timed_out: true
        }
    );
    assert!(events.contains(&Event::Checked {
        seat: seat(1),
        timed_out: true
    }));
}

#[test]
fn straddle_is_a_full_bet_and_gets_the_last_option() {
    let mut config = nl_holdem(1, 2);
    config.forced.straddle = Some(chips(4));
    let mut hand = start(config, &[100, 100, 100, 100], any_deck(Variant::Holdem));
    let legal = hand.legal_actions().unwrap();
    assert_eq!(legal.seat, seat(3));
    assert_eq!(
        (legal.call_amount, legal.min_bet_to),
        (Some(chips(4)), Some(chips(8)))
    );
    play(&mut hand, "3:c 0:c 1:c");
    let legal = hand.legal_actions().unwrap();
    assert_eq!((legal.seat, legal.can_check), (seat(2), true));
}

#[test]
fn short_deck_button_blind_acts_last_preflop() {
    let mut config = nl_holdem(0, 0);
    config.game.variant = Variant::ShortDeckHoldem;
    config.forced = poker_core::ForcedBets {
        ante: chips(1),
        ante_kind: poker_core::AnteKind::Uniform,
        button_blind: Some(chips(2)),
        ..poker_core::ForcedBets::blinds(chips(0), chips(0))
    };
    config.forced.min_bet = chips(2);
    let mut hand = start(config, &[100, 100, 100], any_deck(Variant::ShortDeckHoldem));
    let legal = hand.legal_actions().unwrap();
    assert_eq!(legal.seat, seat(0));
    assert_eq!(
        (legal.call_amount, legal.min_bet_to),
        (Some(chips(2)), Some(chips(4)))
    );
    play(&mut hand, "0:c 1:c");
    assert_eq!(hand.legal_actions().unwrap().seat, seat(2));
}

#[test]
fn pot_limit_maximum_is_call_plus_pot() {
    let mut config = nl_holdem(1, 2);
    config.game = poker_core::Game {
        variant: Variant::Omaha { hole_cards: 4 },
        betting: poker_core::BettingStructure::PotLimit,
    };
    let mut hand = start(config, &[100, 100, 100], any_deck(Variant::Holdem));
    assert_eq!(hand.legal_actions().unwrap().max_bet_to, Some(chips(7)));
    play(&mut hand, "2:r7");
    assert_eq!(hand.legal_actions().unwrap().max_bet_to, Some(chips(23)));
}

#[test]
fn fixed_limit_caps_bets_per_street_counting_the_blind() {
    let mut config = nl_holdem(1, 2);
    config.game.betting = poker_core::BettingStructure::FixedLimit {
        small_bet: chips(2),
        big_bet: chips(4),
        raise_cap: Some(4),
    };
    let mut hand = start(config, &[100, 100, 100], any_deck(Variant::Holdem));
    let legal = hand.legal_actions().unwrap();
    assert_eq!(
        (legal.min_bet_to, legal.max_bet_to),
        (Some(chips(4)), Some(chips(4)))
    );
    play(&mut hand, "2:r4 0:r6 1:r8");
    let legal = hand.legal_actions().unwrap();
    assert_eq!(legal.raise_blocked, Some(RaiseBlocked::CapReached));
    play(&mut hand, "2:c 0:c");
    assert_eq!(
        hand.legal_actions().unwrap().min_bet_to,
        Some(chips(2)),
        "flop small bet"
    );
}

#[test]
fn last_river_aggressor_shows_first_and_a_beaten_caller_mucks() {
    let deck = deck_with(Variant::Holdem, &["7c2d", "AsAd", "KsKd"], "3h8h9sTcJd");
    let mut hand = start(nl_holdem(1, 2), &[100, 100, 100], deck);
    let events = play(
        &mut hand,
        "2:c 0:c 1:x 0:x 1:x 2:x 0:x 1:x 2:x 0:x 1:r10 2:c 0:f",
    );
    let showdown: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e, Event::HandShown { .. } | Event::HandMucked { .. }))
        .collect();
    assert!(matches!(
        showdown[..],
        [Event::HandShown { seat: a, .. }, Event::HandMucked { seat: b }]
            if *a == seat(1) && *b == seat(2)
    ));
    assert_eq!(stacks(&hand), vec![98, 114, 88]);
}

#[test]
fn bad_starts_are_typed_errors() {
    use poker_core::{DeckKind, Hand, SeatSetup, StartError};
    let deck = || poker_core::Deck::ordered(DeckKind::Standard);
    let seats = |stacks: &[u64]| -> Vec<SeatSetup> {
        stacks
            .iter()
            .enumerate()
            .map(|(i, &s)| SeatSetup {
                seat: seat(i as u8),
                stack: chips(s),
            })
            .collect()
    };
    let config = nl_holdem(1, 2);
    let err = |c, s: &[SeatSetup], b, d| Hand::start(c, s, b, d).err();
    assert_eq!(
        err(config, &seats(&[100]), seat(0), deck()),
        Some(StartError::TooFewPlayers { got: 1 })
    );
    let mut dup = seats(&[100, 100]);
    dup[1].seat = seat(0);
    assert_eq!(
        err(config, &dup, seat(0), deck()),
        Some(StartError::DuplicateSeat(seat(0)))
    );
    assert_eq!(
        err(config, &seats(&[100, 0]), seat(0), deck()),
        Some(StartError::ZeroStack(seat(1)))
    );
    assert_eq!(
        err(config, &seats(&[100, 100]), seat(5), deck()),
        Some(StartError::ButtonNotSeated(seat(5)))
    );
    assert_eq!(
        err(config, &seats(&[u64::MAX, 100]), seat(0), deck()),
        Some(StartError::AmountAboveLimit {
            got: chips(u64::MAX)
        })
    );
    assert_eq!(
        err(
            config,
            &seats(&[100, 100]),
            seat(0),
            poker_core::Deck::ordered(DeckKind::Short)
        ),
        Some(StartError::DeckKindMismatch {
            expected: DeckKind::Standard,
            got: DeckKind::Short
        })
    );
    let mut omaha6 = config;
    omaha6.game.variant = Variant::Omaha { hole_cards: 6 };
    assert_eq!(
        err(omaha6, &seats(&[100; 8]), seat(0), deck()),
        Some(StartError::TooManyPlayersForDeck { players: 8, max: 7 })
    );
    let mut upside_down = config;
    upside_down.forced.small_blind = chips(5);
    assert_eq!(
        err(upside_down, &seats(&[100, 100]), seat(0), deck()),
        Some(StartError::BadForcedBets(
            poker_core::ForcedBetsError::SmallAboveBig
        ))
    );
}

#[test]
fn a_big_blind_all_in_on_the_blind_still_wins_every_dead_ante() {
    // Uniform ante 1, blinds 1/2, the big blind has 1 chip: blind first, so no
    // ante. The small blind already matches the all-in blind and needs no action;
    // the big blind's best hand wins both blinds and the other two antes.
    let deck = deck_with(Variant::Holdem, &["7c2d", "AsAd", "8c3d"], "KhQh9s4c5d");
    let config = with_antes(nl_holdem(1, 2), 1, poker_core::AnteKind::Uniform);
    let mut hand = start(config, &[10, 1, 10], deck);
    play(&mut hand, "2:f");
    assert!(hand.is_finished());
    assert_eq!(stacks(&hand), vec![8, 4, 9]);
}
