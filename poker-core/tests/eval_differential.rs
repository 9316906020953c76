//! The fast evaluators against the reference evaluator on many random deals.
//!
//! Deals come from a fixed splitmix64 seed, so a failure reproduces exactly.

mod eval_support;

use eval_support::{short_deck, standard_deck, SplitMix64};
use poker_core::eval::reference::{self, Straights};
use poker_core::{
    evaluate, evaluate_low8, evaluate_omaha, evaluate_omaha_low8, evaluate_short_deck, Card,
    CardSet, EvalError, FastHand,
};

/// Deals per configuration: enough to hit every category many times, small enough to
/// keep the slow reference evaluator within a few seconds.
const DEALS: usize = 200_000;
/// Omaha deals per (hole, board) size pair; the reference tries up to 150 hands each.
const OMAHA_DEALS: usize = 20_000;

#[test]
fn random_high_hands_of_five_six_and_seven_cards_match_reference() {
    let deck = standard_deck();
    let mut rng = SplitMix64::new(1);
    for count in [5, 6, 7] {
        for _ in 0..DEALS {
            let cards = rng.deal(&deck, count);
            let expected = reference::best_high(&cards, Straights::Standard);
            assert_eq!(evaluate(&cards), Ok(expected), "{cards:?}");
            // The incremental hand agrees, whatever the order cards arrive in.
            let built = cards
                .iter()
                .rev()
                .try_fold(FastHand::new(), |hand, &card| hand.add_card(card));
            assert_eq!(built.and_then(FastHand::strength), Ok(expected));
        }
    }
}

#[test]
fn completions_match_evaluating_each_hand() {
    let deck = standard_deck();
    let mut rng = SplitMix64::new(2);
    for _ in 0..DEALS / 10 {
        let count = 4 + rng.below(3);
        let cards = rng.deal(&deck, count + 12);
        let (held, candidates) = cards.split_at(count);
        let hand = FastHand::from_cards(held).unwrap();
        // Candidates include two cards of the hand: they must be skipped.
        let offered: CardSet = candidates.iter().chain(&held[..2]).copied().collect();
        let mut visited = Vec::new();
        hand.for_each_completion(offered, |card, strength| visited.push((card, strength)))
            .unwrap();
        let mut expected: Vec<(Card, _)> = candidates
            .iter()
            .map(|&card| {
                let all = [held, &[card]].concat();
                (card, evaluate(&all).unwrap())
            })
            .collect();
        expected.sort_by_key(|&(card, _)| card.index());
        assert_eq!(visited, expected, "{held:?}");
    }
    let six = FastHand::from_cards(&deck[..6]).unwrap();
    let seven = six.add_card(deck[6]).unwrap();
    assert!(matches!(
        seven.for_each_completion(CardSet::FULL, |_, _| panic!("must not be called")),
        Err(EvalError::WrongCardCount { got: 8, .. })
    ));
    let three = FastHand::from_cards(&deck[..3]).unwrap();
    assert!(matches!(
        three.for_each_completion(CardSet::FULL, |_, _| panic!("must not be called")),
        Err(EvalError::WrongCardCount { got: 4, .. })
    ));
}

#[test]
fn completions_of_four_flushes_match_evaluating_each_hand() {
    // Four cards of one suit plus two more: every card of that suit completes a
    // flush (or straight flush), looked up on the completion's own path.
    let deck = standard_deck();
    let mut rng = SplitMix64::new(7);
    let mut four_flushes = 0;
    for _ in 0..DEALS / 10 {
        let held = rng.deal(&deck, 6);
        let hand = FastHand::from_cards(&held).unwrap();
        let suited = |suit| held.iter().filter(|c| c.suit() == suit).count();
        if !held.iter().any(|c| suited(c.suit()) == 4) {
            continue;
        }
        four_flushes += 1;
        let mut visited = Vec::new();
        hand.for_each_completion(CardSet::FULL, |card, strength| {
            visited.push((card, strength))
        })
        .unwrap();
        let expected: Vec<_> = deck
            .iter()
            .filter(|card| !held.contains(card))
            .map(|&card| (card, evaluate(&[&held[..], &[card]].concat()).unwrap()))
            .collect();
        let mut expected = expected;
        expected.sort_by_key(|&(card, _)| card.index());
        assert_eq!(visited, expected, "{held:?}");
    }
    assert!(four_flushes > 100, "only {four_flushes} four-flush deals");
}

#[test]
fn random_short_deck_hands_match_reference() {
    let deck = short_deck();
    let mut rng = SplitMix64::new(3);
    for count in [5, 6, 7] {
        for _ in 0..DEALS {
            let cards = rng.deal(&deck, count);
            let expected = reference::best_short_deck(&cards);
            let fast = evaluate_short_deck(&cards).unwrap();
            assert_eq!(fast.strength(), expected, "{cards:?}");
        }
    }
}

#[test]
fn random_eight_or_better_lows_match_reference() {
    let deck = standard_deck();
    let mut rng = SplitMix64::new(4);
    let mut qualified = 0;
    for count in [5, 6, 7] {
        for _ in 0..DEALS {
            let cards = rng.deal(&deck, count);
            let expected = reference::best_low8(&cards);
            assert_eq!(evaluate_low8(&cards), Ok(expected), "{cards:?}");
            qualified += usize::from(expected.is_some());
        }
    }
    // The comparison must have covered many real lows, not only `None`.
    assert!(qualified > DEALS / 4, "only {qualified} lows");
}

#[test]
fn random_omaha_deals_match_reference() {
    let deck = standard_deck();
    let mut rng = SplitMix64::new(5);
    let mut lows = 0;
    for hole_count in 4..=6 {
        for board_count in 3..=5 {
            for _ in 0..OMAHA_DEALS {
                let cards = rng.deal(&deck, hole_count + board_count);
                let (hole, board) = cards.split_at(hole_count);
                let high = reference::best_omaha(hole, board);
                assert_eq!(evaluate_omaha(hole, board), Ok(high), "{hole:?} {board:?}");
                let low = reference::best_omaha_low8(hole, board);
                assert_eq!(
                    evaluate_omaha_low8(hole, board),
                    Ok(low),
                    "{hole:?} {board:?}"
                );
                lows += usize::from(low.is_some());
            }
        }
    }
    assert!(lows > OMAHA_DEALS, "only {lows} lows");
}

#[test]
fn random_bad_input_is_an_error_never_a_panic() {
    let deck = standard_deck();
    let mut rng = SplitMix64::new(6);
    for _ in 0..DEALS {
        let count = rng.below(10);
        let mut cards = rng.deal(&deck, count);
        if count > 0 && rng.below(2) == 0 {
            let repeated = cards[rng.below(count)];
            cards.push(repeated);
        }
        let distinct = CardSet::from_distinct(&cards).is_ok();
        let valid = distinct && (5..=7).contains(&cards.len());
        assert_eq!(evaluate(&cards).is_ok(), valid, "{cards:?}");
        assert_eq!(evaluate_low8(&cards).is_ok(), valid, "{cards:?}");
        let short_ok = valid && cards.iter().all(|c| c.rank() >= poker_core::Rank::Six);
        assert_eq!(evaluate_short_deck(&cards).is_ok(), short_ok, "{cards:?}");
        let split = rng.below(cards.len() + 1);
        let (hole, board) = cards.split_at(split);
        let omaha_ok = distinct && (4..=6).contains(&hole.len()) && (3..=5).contains(&board.len());
        assert_eq!(evaluate_omaha(hole, board).is_ok(), omaha_ok);
        assert_eq!(evaluate_omaha_low8(hole, board).is_ok(), omaha_ok);
        let built = cards
            .iter()
            .try_fold(FastHand::new(), |hand, &card| hand.add_card(card));
        assert_eq!(built.and_then(FastHand::strength).is_ok(), valid);
    }
}
