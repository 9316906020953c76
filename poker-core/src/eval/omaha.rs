//! Fast Omaha evaluation: exactly two hole cards with exactly three board cards.
//!
//! The partial keys of every hole pair (at most 15) and every board triple (at most
//! 10) are summed once; each of the at most 150 five-card hands is then one addition
//! and one table lookup on the fast path. Lows only need rank masks.

use super::fast::{high_value, rank_mask, CardCode, CARD_CODES, SUIT_COUNTER_BIAS};
use super::low::{best_omaha_low8, low_ranks};
use super::{LowStrength, OMAHA_BOARD_MAX, OMAHA_HOLE_MAX};
use crate::card::Card;

/// Hole pairs from at most six hole cards: C(6, 2).
const MAX_HOLE_PAIRS: usize = 15;
/// Board triples from at most five board cards: C(5, 3).
const MAX_BOARD_TRIPLES: usize = 10;

/// The summed codes of every `k`-subset (`k` 2 or 3) of `cards`, written into `out`;
/// returns how many there are.
fn subset_codes<const N: usize>(cards: &[Card], k: usize, out: &mut [CardCode; N]) -> usize {
    let codes = cards.iter().map(|card| CARD_CODES[card.index() as usize]);
    let codes: [CardCode; OMAHA_HOLE_MAX] = {
        let mut array = [CardCode { key: 0, bit: 0 }; OMAHA_HOLE_MAX];
        for (slot, code) in array.iter_mut().zip(codes) {
            *slot = code;
        }
        array
    };
    let n = cards.len().min(OMAHA_HOLE_MAX);
    let mut count = 0;
    let mut push = |key: u64, bit: u64| {
        if let Some(slot) = out.get_mut(count) {
            *slot = CardCode { key, bit };
            count += 1;
        }
    };
    for i in 0..n {
        for j in i + 1..n {
            if k == 2 {
                push(codes[i].key + codes[j].key, codes[i].bit | codes[j].bit);
                continue;
            }
            for l in j + 1..n {
                push(
                    codes[i].key + codes[j].key + codes[l].key,
                    codes[i].bit | codes[j].bit | codes[l].bit,
                );
            }
        }
    }
    count
}

/// The best Omaha high hand as a packed strength. The caller has checked the counts
/// (4–6 hole cards, 3–5 board cards) and that all cards are distinct.
pub(super) fn best_omaha_high(hole: &[Card], board: &[Card]) -> u32 {
    debug_assert!(hole.len() <= OMAHA_HOLE_MAX && board.len() <= OMAHA_BOARD_MAX);
    let mut pairs = [CardCode { key: 0, bit: 0 }; MAX_HOLE_PAIRS];
    let mut triples = [CardCode { key: 0, bit: 0 }; MAX_BOARD_TRIPLES];
    let pair_count = subset_codes(hole, 2, &mut pairs);
    let triple_count = subset_codes(board, 3, &mut triples);
    let mut best = 0;
    for pair in &pairs[..pair_count] {
        let key = SUIT_COUNTER_BIAS + pair.key;
        for triple in &triples[..triple_count] {
            best = best.max(high_value(key + triple.key, pair.bit | triple.bit));
        }
    }
    best
}

/// The best Omaha eight-or-better low. Same preconditions as [`best_omaha_high`].
pub(super) fn best_omaha_low(hole: &[Card], board: &[Card]) -> Option<LowStrength> {
    let low_mask = |cards: &[Card]| {
        let mask = cards
            .iter()
            .fold(0, |mask, card| mask | CARD_CODES[card.index() as usize].bit);
        low_ranks(rank_mask(mask))
    };
    best_omaha_low8(low_mask(hole), low_mask(board))
}
