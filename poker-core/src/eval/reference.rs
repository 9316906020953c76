//! A slow evaluator written to be obviously correct; the fast evaluator is tested against it.
//!
//! It looks at every 5-card subset of the cards given and classifies each one by
//! counting ranks, the way a person would. Nothing here is tuned for speed, and the
//! code should stay that way: its only job is to be easy to check by reading.

use crate::card::{Card, Rank};
use crate::eval::{Category, HandStrength, LowStrength};

/// Which straights exist: in the short deck the ace also plays low below the six.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Straights {
    /// `A-2-3-4-5` is the lowest straight.
    Standard,
    /// `A-6-7-8-9` is the lowest straight (six-plus hold'em).
    ShortDeck,
}

/// The strength of exactly five cards under the usual high-hand rules.
///
/// The cards must be distinct; this is not checked here.
pub fn five_card_strength(cards: [Card; 5], straights: Straights) -> HandStrength {
    // Rank counts, then ranks ordered by (count, rank), highest first: this order is
    // exactly the order in which the ranks break ties for every category.
    let mut counts = [0u8; 13];
    for card in cards {
        counts[card.rank() as usize] += 1;
    }
    let mut grouped: Vec<(u8, Rank)> = Rank::ALL
        .iter()
        .filter(|&&rank| counts[rank as usize] > 0)
        .map(|&rank| (counts[rank as usize], rank))
        .collect();
    grouped.sort_by(|a, b| b.cmp(a));
    let ranks: Vec<Rank> = grouped.iter().map(|&(_, rank)| rank).collect();
    let shape: Vec<u8> = grouped.iter().map(|&(count, _)| count).collect();

    let flush = cards.iter().all(|card| card.suit() == cards[0].suit());
    let straight_top = straight_top(&ranks, straights);

    match (straight_top, flush) {
        (Some(top), true) => return HandStrength::from_parts(Category::StraightFlush, &[top]),
        (Some(top), false) => return HandStrength::from_parts(Category::Straight, &[top]),
        (None, true) => return HandStrength::from_parts(Category::Flush, &ranks),
        (None, false) => {}
    }
    let category = match shape.as_slice() {
        [4, 1] => Category::FourOfAKind,
        [3, 2] => Category::FullHouse,
        [3, 1, 1] => Category::ThreeOfAKind,
        [2, 2, 1] => Category::TwoPair,
        [2, 1, 1, 1] => Category::OnePair,
        [1, 1, 1, 1, 1] => Category::HighCard,
        _ => unreachable!("five distinct cards always have one of these shapes"),
    };
    HandStrength::from_parts(category, &ranks)
}

/// The top rank of the straight made by five distinct ranks (given highest first), if any.
fn straight_top(ranks: &[Rank], straights: Straights) -> Option<Rank> {
    if ranks.len() != 5 {
        return None;
    }
    let indices: Vec<u8> = ranks.iter().map(|r| r.index()).collect();
    if indices[0] - indices[4] == 4 {
        return Some(ranks[0]);
    }
    let wheel: [Rank; 5] = match straights {
        Straights::Standard => [Rank::Ace, Rank::Five, Rank::Four, Rank::Three, Rank::Two],
        Straights::ShortDeck => [Rank::Ace, Rank::Nine, Rank::Eight, Rank::Seven, Rank::Six],
    };
    (ranks == wheel).then_some(wheel[1])
}

/// Every way to choose `k` cards from `cards`, in lexicographic index order.
pub fn combinations(cards: &[Card], k: usize) -> Vec<Vec<Card>> {
    let mut out = Vec::new();
    let mut chosen = Vec::with_capacity(k);
    fn walk(
        cards: &[Card],
        k: usize,
        start: usize,
        chosen: &mut Vec<Card>,
        out: &mut Vec<Vec<Card>>,
    ) {
        if chosen.len() == k {
            out.push(chosen.clone());
            return;
        }
        for i in start..cards.len() {
            chosen.push(cards[i]);
            walk(cards, k, i + 1, chosen, out);
            chosen.pop();
        }
    }
    walk(cards, k, 0, &mut chosen, &mut out);
    out
}

fn as_five(cards: &[Card]) -> [Card; 5] {
    [cards[0], cards[1], cards[2], cards[3], cards[4]]
}

/// The best high hand among every 5-card subset of `cards` (5 or more distinct cards).
pub fn best_high(cards: &[Card], straights: Straights) -> HandStrength {
    combinations(cards, 5)
        .iter()
        .map(|five| five_card_strength(as_five(five), straights))
        .max()
        .expect("at least five cards")
}

/// The best short-deck hand: like [`best_high`] with short-deck straights, but a
/// flush beats a full house, so the maximum is taken in short-deck order.
pub fn best_short_deck(cards: &[Card]) -> HandStrength {
    combinations(cards, 5)
        .iter()
        .map(|five| five_card_strength(as_five(five), Straights::ShortDeck))
        .max_by_key(|strength| (strength.category().short_deck_order(), *strength))
        .expect("at least five cards")
}

/// The best Omaha high hand: exactly two hole cards with exactly three board cards.
pub fn best_omaha(hole: &[Card], board: &[Card]) -> HandStrength {
    let mut best = None;
    for two in combinations(hole, 2) {
        for three in combinations(board, 3) {
            let five: Vec<Card> = two.iter().chain(three.iter()).copied().collect();
            let strength = five_card_strength(as_five(&five), Straights::Standard);
            best = best.max(Some(strength));
        }
    }
    best.expect("at least two hole cards and three board cards")
}

/// The ace-to-five low of exactly five cards if it qualifies for eight-or-better:
/// five different ranks, all eight or lower, the ace counting low. Straights and
/// flushes do not count against a low.
pub fn five_card_low8(cards: &[Card]) -> Option<LowStrength> {
    // Ace-low values: ace 1, deuce 2 … eight 8.
    let mut values: Vec<u8> = cards
        .iter()
        .map(|card| match card.rank() {
            Rank::Ace => 1,
            rank => rank.index() + 2,
        })
        .collect();
    values.sort_unstable_by(|a, b| b.cmp(a));
    values.dedup();
    if values.len() != 5 || values[0] > 8 {
        return None;
    }
    LowStrength::from_values_high_first(&values)
}

/// The best eight-or-better low among every 5-card subset of `cards`.
pub fn best_low8(cards: &[Card]) -> Option<LowStrength> {
    combinations(cards, 5)
        .iter()
        .filter_map(|five| five_card_low8(five))
        .max()
}

/// The best Omaha eight-or-better low: exactly two hole cards and three board cards.
pub fn best_omaha_low8(hole: &[Card], board: &[Card]) -> Option<LowStrength> {
    let mut best = None;
    for two in combinations(hole, 2) {
        for three in combinations(board, 3) {
            let five: Vec<Card> = two.iter().chain(three.iter()).copied().collect();
            best = best.max(five_card_low8(&five));
        }
    }
    best
}
