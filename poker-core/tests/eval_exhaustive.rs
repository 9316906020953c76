//! Exhaustive evaluator checks against published ground truth and the reference evaluator.
//!
//! Every 5-card hand, every 7-card hand, every short-deck 5-card hand, and every entry
//! of the fast evaluator's tables that a hand can reach. The category counts are the
//! known totals (Wikipedia "Poker probability"; Alspach, "7-Card Poker Hands"); the
//! short-deck counts are derived below from first principles.

mod eval_support;

use eval_support::{card, short_deck, standard_deck};
use poker_core::eval::reference::{self, Straights};
use poker_core::{
    evaluate, evaluate_short_deck, Card, Category, FastHand, HandStrength, SevenCards,
};

/// Per-category hand counts, indexed by `Category as usize`.
type CategoryCounts = [u64; 9];

fn category_index(strength: HandStrength) -> usize {
    strength.category() as usize
}

/// A set of packed strengths (they are below 2^24).
struct StrengthSet(Vec<u64>);

impl StrengthSet {
    fn new() -> StrengthSet {
        StrengthSet(vec![0; (1 << 24) / 64])
    }
    fn insert(&mut self, strength: HandStrength) {
        let value = strength.to_u32() as usize;
        self.0[value / 64] |= 1 << (value % 64);
    }
    fn len(&self) -> u32 {
        self.0.iter().map(|word| word.count_ones()).sum()
    }
}

fn five(cards: &[Card]) -> [Card; 5] {
    [cards[0], cards[1], cards[2], cards[3], cards[4]]
}

#[test]
fn all_five_card_hands_match_reference_and_known_counts() {
    let deck = standard_deck();
    let mut counts: CategoryCounts = [0; 9];
    let mut distinct = StrengthSet::new();
    let mut total = 0u64;
    for a in 0..52 {
        let ha = FastHand::new().add_card(deck[a]).unwrap();
        for b in a + 1..52 {
            let hb = ha.add_card(deck[b]).unwrap();
            for c in b + 1..52 {
                let hc = hb.add_card(deck[c]).unwrap();
                for d in c + 1..52 {
                    let hd = hc.add_card(deck[d]).unwrap();
                    for &last in &deck[d + 1..] {
                        let fast = hd.add_card(last).unwrap().strength().unwrap();
                        let cards = [deck[a], deck[b], deck[c], deck[d], last];
                        let slow = reference::five_card_strength(cards, Straights::Standard);
                        assert_eq!(fast, slow, "{cards:?}");
                        counts[category_index(fast)] += 1;
                        distinct.insert(fast);
                        total += 1;
                    }
                }
            }
        }
    }
    assert_eq!(total, 2_598_960);
    assert_eq!(
        counts,
        [1_302_540, 1_098_240, 123_552, 54_912, 10_200, 5_108, 3_744, 624, 40]
    );
    assert_eq!(distinct.len(), 7_462);
}

#[test]
fn all_seven_card_hands_have_known_counts_on_both_paths() {
    let deck = standard_deck();
    let mut counts: CategoryCounts = [0; 9];
    let mut distinct = StrengthSet::new();
    for a in 0..52 {
        let ha = FastHand::new().add_card(deck[a]).unwrap();
        for b in a + 1..52 {
            let hb = ha.add_card(deck[b]).unwrap();
            for c in b + 1..52 {
                let hc = hb.add_card(deck[c]).unwrap();
                for d in c + 1..52 {
                    let hd = hc.add_card(deck[d]).unwrap();
                    for e in d + 1..52 {
                        let he = hd.add_card(deck[e]).unwrap();
                        for f in e + 1..52 {
                            let hf = he.add_card(deck[f]).unwrap();
                            for &last in &deck[f + 1..] {
                                let strength = hf.add_card(last).unwrap().strength().unwrap();
                                counts[category_index(strength)] += 1;
                                distinct.insert(strength);
                                // The unchecked path of a validated hand agrees, hand by hand.
                                let cards =
                                    [deck[a], deck[b], deck[c], deck[d], deck[e], deck[f], last];
                                let seven = SevenCards::new(cards).unwrap();
                                assert_eq!(seven.strength(), strength);
                            }
                        }
                    }
                }
            }
        }
    }
    assert_eq!(counts.iter().sum::<u64>(), 133_784_560);
    assert_eq!(
        counts,
        [
            23_294_460, 58_627_800, 31_433_400, 6_461_620, 6_180_020, 4_047_644, 3_473_184,
            224_848, 41_584
        ]
    );
    assert_eq!(distinct.len(), 4_824);
}

/// Short-deck 5-card counts, C(36, 5) = 376,992 hands, derived here: 9 ranks, 4
/// suits, and 6 straights (tops nine — `A-6-7-8-9` — through ace).
fn short_deck_five_card_counts() -> CategoryCounts {
    let choose = |n: u64, k: u64| (0..k).fold(1, |acc, i| acc * (n - i) / (i + 1));
    let straights = 6;
    let suit_patterns = 4u64.pow(5); // suits of five cards of distinct ranks
    let straight_flush = straights * 4;
    let quads = 9 * (36 - 4);
    let full_house = 9 * choose(4, 3) * 8 * choose(4, 2);
    let flush = 4 * (choose(9, 5) - straights);
    let straight = straights * (suit_patterns - 4);
    let trips = 9 * choose(4, 3) * choose(8, 2) * 4 * 4;
    let two_pair = choose(9, 2) * choose(4, 2) * choose(4, 2) * 7 * 4;
    let pair = 9 * choose(4, 2) * choose(8, 3) * 4 * 4 * 4;
    let high = (choose(9, 5) - straights) * (suit_patterns - 4);
    let counts = [
        high,
        pair,
        two_pair,
        trips,
        straight,
        flush,
        full_house,
        quads,
        straight_flush,
    ];
    assert_eq!(counts.iter().sum::<u64>(), choose(36, 5));
    counts
}

#[test]
fn all_short_deck_five_card_hands_match_reference_and_derived_counts() {
    let deck = short_deck();
    let mut counts: CategoryCounts = [0; 9];
    let n = deck.len();
    for a in 0..n {
        for b in a + 1..n {
            for c in b + 1..n {
                for d in c + 1..n {
                    for &last in &deck[d + 1..] {
                        let cards = [deck[a], deck[b], deck[c], deck[d], last];
                        let fast = evaluate_short_deck(&cards).unwrap();
                        let slow = reference::five_card_strength(cards, Straights::ShortDeck);
                        assert_eq!(fast.strength(), slow, "{cards:?}");
                        counts[fast.category() as usize] += 1;
                    }
                }
            }
        }
    }
    assert_eq!(counts, short_deck_five_card_counts());
}

/// Calls `visit` with every vector of rank counts (at most four of each rank among
/// `ranks`) holding 5 to 7 cards.
fn for_each_rank_multiset(ranks: std::ops::Range<usize>, visit: &mut dyn FnMut(&[usize; 13])) {
    fn walk(
        rank: usize,
        end: usize,
        counts: &mut [usize; 13],
        cards: usize,
        visit: &mut dyn FnMut(&[usize; 13]),
    ) {
        if rank == end {
            if cards >= 5 {
                visit(counts);
            }
            return;
        }
        for count in 0..=4.min(7 - cards) {
            counts[rank] = count;
            walk(rank + 1, end, counts, cards + count, visit);
        }
        counts[rank] = 0;
    }
    let start = ranks.start;
    walk(start, ranks.end, &mut [0; 13], 0, visit);
}

/// Cards with these rank counts and no five of a suit: suits are dealt round-robin,
/// so a rank's copies get different suits and seven cards split 2-2-2-1.
fn cards_without_flush(counts: &[usize; 13]) -> Vec<Card> {
    let mut cards = Vec::new();
    let mut next_suit = 0;
    for (rank, &count) in counts.iter().enumerate() {
        for _ in 0..count {
            cards.push(card(rank, next_suit % 4));
            next_suit += 1;
        }
    }
    cards
}

/// Every rank-table entry is reached by a non-flush hand with its rank multiset, and
/// every flush-table entry by cards of one suit; checking one hand per entry against
/// the reference checks every hand that reaches it.
#[test]
fn every_reachable_table_entry_matches_reference() {
    let mut multisets = 0;
    for_each_rank_multiset(0..13, &mut |counts| {
        let cards = cards_without_flush(counts);
        let expected = reference::best_high(&cards, Straights::Standard);
        assert_eq!(evaluate(&cards).unwrap(), expected, "{cards:?}");
        multisets += 1;
    });
    assert_eq!(multisets, 73_775);

    let mut flush_masks = 0;
    for mask in 0u32..1 << 13 {
        if !(5..=7).contains(&mask.count_ones()) {
            continue;
        }
        let cards: Vec<Card> = (0..13)
            .filter(|rank| mask & (1 << rank) != 0)
            .map(|rank| card(rank, 3))
            .collect();
        let expected = reference::best_high(&cards, Straights::Standard);
        assert_eq!(evaluate(&cards).unwrap(), expected, "{cards:?}");
        flush_masks += 1;
    }
    assert_eq!(flush_masks, 1_287 + 1_716 + 1_716);
}

/// The same for the short deck, whose wheel and order differ.
#[test]
fn every_reachable_short_deck_entry_matches_reference() {
    for_each_rank_multiset(4..13, &mut |counts| {
        let cards = cards_without_flush(counts);
        let expected = reference::best_short_deck(&cards);
        assert_eq!(
            evaluate_short_deck(&cards).unwrap().strength(),
            expected,
            "{cards:?}"
        );
    });
    for mask in 0u32..1 << 13 {
        if mask & 0xF != 0 || !(5..=7).contains(&mask.count_ones()) {
            continue;
        }
        let cards: Vec<Card> = (0..13)
            .filter(|rank| mask & (1 << rank) != 0)
            .map(|rank| card(rank, 1))
            .collect();
        let expected = reference::best_short_deck(&cards);
        let fast = evaluate_short_deck(&cards).unwrap();
        assert_eq!(fast.strength(), expected, "{cards:?}");
    }
}

#[test]
fn categories_in_the_counts_are_in_standard_order() {
    // The count arrays above are indexed by `Category as usize`.
    let order: Vec<usize> = Category::ALL.iter().map(|&c| c as usize).collect();
    assert_eq!(order, (0..9).collect::<Vec<_>>());
    let five = five(&eval_support::cards("AsKsQsJsTs"));
    assert_eq!(
        reference::five_card_strength(five, Straights::Standard).category(),
        Category::StraightFlush
    );
}
