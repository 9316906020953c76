//! Helpers shared by the evaluator tests: a tiny deterministic PRNG and card dealing.

#![allow(dead_code)] // Each test file uses a different subset of the helpers.

use poker_core::{Card, Rank, Suit};

#[path = "../splitmix/mod.rs"]
mod splitmix;
pub(crate) use splitmix::SplitMix64;

/// The evaluator tests' draws.
impl SplitMix64 {
    /// A number in `0..bound`; the tiny modulo bias does not matter for tests.
    pub(crate) fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }

    /// `count` distinct cards drawn from `deck` (a partial Fisher–Yates shuffle).
    pub(crate) fn deal(&mut self, deck: &[Card], count: usize) -> Vec<Card> {
        let mut cards = deck.to_vec();
        for i in 0..count {
            let j = i + self.below(cards.len() - i);
            cards.swap(i, j);
        }
        cards.truncate(count);
        cards
    }
}

/// The 52 cards of the standard deck.
pub(crate) fn standard_deck() -> Vec<Card> {
    Card::all().collect()
}

/// The 36 cards of the short deck (six to ace).
pub(crate) fn short_deck() -> Vec<Card> {
    Card::all()
        .filter(|card| card.rank() >= Rank::Six)
        .collect()
}

/// The card of this rank index (deuce 0) and suit index (clubs 0).
pub(crate) fn card(rank: usize, suit: usize) -> Card {
    Card::new(Rank::ALL[rank], Suit::ALL[suit])
}

/// Parses cards written like `"AsKd7c"`.
pub(crate) fn cards(text: &str) -> Vec<Card> {
    poker_core::parse_cards(text).expect("test card text is valid")
}
