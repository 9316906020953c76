//! Unbiased Fisher–Yates with exact rejection sampling, and the deck it produces.
//!
//! `uniform_below(n)`: let `zone = 2^32 − (2^32 mod n)`; draw words until one is
//! below `zone` and return it `mod n`. Every residue then has exactly `zone / n`
//! preimages, so there is no modulo bias. The shuffle runs from the top:
//! `for i in (1..len).rev() { j = uniform_below(i + 1); swap(i, j) }` (`j` may be
//! `i`). The deck shuffled is the unshuffled order of its kind (card index order).

use poker_core::{Deck, DeckKind};
use thiserror::Error;

use crate::derive::{DeckKey, WordSource};

/// A draw rejected this many times in a row ends the derivation with an error.
/// For `n ≤ 52` a single rejection has probability below `2^-26`, so the limit is
/// never reached by a real key stream (probability below `2^-400`); it only keeps
/// the loop bounded against a broken word source.
pub const MAX_REJECTIONS_PER_DRAW: u32 = 16;

/// Why a shuffle could not be completed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum ShuffleError {
    /// The word source produced [`MAX_REJECTIONS_PER_DRAW`] rejected words in a row.
    #[error(
        "{MAX_REJECTIONS_PER_DRAW} words in a row fell in the rejection zone for bound {bound}"
    )]
    RejectionLimit {
        /// The bound being drawn below.
        bound: u32,
    },
    /// A bound of zero, or a list too long for 32-bit draws.
    #[error("cannot draw below {0}")]
    BadBound(u64),
}

/// The smallest rejected word for `bound`: `2^32 − (2^32 mod bound)`. Words at or
/// above it are redrawn. Returned as `u64` because it is `2^32` when `bound`
/// divides `2^32`.
pub const fn rejection_zone(bound: u32) -> u64 {
    let span = 1u64 << 32;
    span - span % bound as u64
}

/// A uniform integer in `0..bound` by rejection sampling.
#[inline]
pub fn uniform_below(source: &mut impl WordSource, bound: u32) -> Result<u32, ShuffleError> {
    if bound == 0 {
        return Err(ShuffleError::BadBound(0));
    }
    let zone = rejection_zone(bound);
    for _ in 0..MAX_REJECTIONS_PER_DRAW {
        let word = source.next_word();
        if u64::from(word) < zone {
            return Ok(word % bound);
        }
    }
    Err(ShuffleError::RejectionLimit { bound })
}

/// Shuffles `items` in place, calling `on_swap(i, j)` for every step (including
/// steps where `j == i`), in order.
#[inline]
pub fn fisher_yates<T>(
    items: &mut [T],
    source: &mut impl WordSource,
    mut on_swap: impl FnMut(usize, usize),
) -> Result<(), ShuffleError> {
    let len = u32::try_from(items.len()).map_err(|_| ShuffleError::BadBound(items.len() as u64))?;
    for i in (1..len).rev() {
        let j = uniform_below(source, i + 1)?;
        items.swap(i as usize, j as usize);
        on_swap(i as usize, j as usize);
    }
    Ok(())
}

/// The deck a deck key produces: the unshuffled cards of `kind` shuffled with the
/// key's ChaCha20 stream.
///
/// ```
/// use fairness::{shuffle_deck, DeckKey};
/// use poker_core::DeckKind;
///
/// let deck = shuffle_deck(&DeckKey::from_bytes([0; 32]), DeckKind::Standard)?;
/// assert_eq!(deck.len(), 52);
/// # Ok::<(), fairness::ShuffleError>(())
/// ```
pub fn shuffle_deck(key: &DeckKey, kind: DeckKind) -> Result<Deck, ShuffleError> {
    shuffle_deck_traced(key, kind, |_, _| {})
}

/// [`shuffle_deck`], reporting every swap `(i, j)` (for test vectors and `--explain`).
pub fn shuffle_deck_traced(
    key: &DeckKey,
    kind: DeckKind,
    on_swap: impl FnMut(usize, usize),
) -> Result<Deck, ShuffleError> {
    let mut cards = kind.ordered_cards();
    fisher_yates(&mut cards, &mut key.stream(), on_swap)?;
    Ok(Deck::new(kind, cards)
        .expect("a shuffle of a kind's ordered cards is a permutation of them"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Yields scripted words, then panics: a test must script every draw.
    struct Script(Vec<u32>, usize);

    impl WordSource for Script {
        fn next_word(&mut self) -> u32 {
            let word = self.0[self.1];
            self.1 += 1;
            word
        }
    }

    /// All choice sequences `j_i ∈ 0..=i` for `i = n-1 … 1`, as word scripts.
    fn all_scripts(n: usize) -> Vec<Vec<u32>> {
        let mut scripts = vec![Vec::new()];
        for i in (1..n as u32).rev() {
            scripts = scripts
                .into_iter()
                .flat_map(|s| {
                    (0..=i).map(move |j| {
                        let mut s = s.clone();
                        s.push(j);
                        s
                    })
                })
                .collect();
        }
        scripts
    }

    #[test]
    fn enumerated_sampler_yields_every_permutation_exactly_once() {
        for n in 1..=7usize {
            let factorial: usize = (1..=n).product();
            let scripts = all_scripts(n);
            assert_eq!(scripts.len(), factorial);
            let mut seen = HashSet::new();
            for script in scripts {
                let mut items: Vec<usize> = (0..n).collect();
                let mut source = Script(script, 0);
                fisher_yates(&mut items, &mut source, |_, _| {}).unwrap();
                assert_eq!(source.1, n.saturating_sub(1), "one word per step");
                assert!(
                    seen.insert(items),
                    "a permutation appeared twice for n = {n}"
                );
            }
            assert_eq!(seen.len(), factorial, "n = {n}");
        }
    }

    #[test]
    fn words_reduce_modulo_the_bound_when_accepted() {
        // The same permutations appear when each choice is offset by a multiple of
        // the bound: what matters is the residue.
        let mut a: Vec<u8> = (0..5).collect();
        let mut b = a.clone();
        fisher_yates(&mut a, &mut Script(vec![3, 2, 0, 1], 0), |_, _| {}).unwrap();
        fisher_yates(
            &mut b,
            &mut Script(vec![3 + 5 * 1000, 2 + 4 * 7, 3, 1 + 2 * 9], 0),
            |_, _| {},
        )
        .unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn rejection_boundary_for_52_is_exact() {
        assert_eq!(rejection_zone(52), 4_294_967_248);
        // Every value from the zone limit up is redrawn; the one below is kept.
        let mut source = Script(
            vec![4_294_967_248, 4_294_967_295, 4_294_967_250, 4_294_967_247],
            0,
        );
        assert_eq!(uniform_below(&mut source, 52), Ok(51));
        assert_eq!(source.1, 4);
        let mut source = Script(vec![4_294_967_247], 0);
        assert_eq!(uniform_below(&mut source, 52), Ok(51));
        // The zone is a multiple of the bound, the largest one not above 2^32.
        for bound in 1..=52u32 {
            let zone = rejection_zone(bound);
            assert_eq!(zone % u64::from(bound), 0);
            assert!((1u64 << 32) - zone < u64::from(bound));
            if zone < 1 << 32 {
                let mut source = Script(vec![zone as u32, (zone - 1) as u32], 0);
                assert_eq!(uniform_below(&mut source, bound), Ok(bound - 1));
                assert_eq!(source.1, 2);
            }
        }
        // Powers of two reject nothing.
        assert_eq!(rejection_zone(32), 1 << 32);
    }

    #[test]
    fn endless_rejection_is_an_error_not_a_hang() {
        let mut source = Script(vec![u32::MAX; MAX_REJECTIONS_PER_DRAW as usize], 0);
        assert_eq!(
            uniform_below(&mut source, 52),
            Err(ShuffleError::RejectionLimit { bound: 52 })
        );
        assert_eq!(
            uniform_below(&mut Script(vec![], 0), 0),
            Err(ShuffleError::BadBound(0))
        );
    }

    #[test]
    fn last_card_can_stay_in_place() {
        // The Planet Poker off-by-one never let card 51 stay at position 51.
        let mut items: Vec<u8> = (0..52).collect();
        let script: Vec<u32> = (1..52u32).rev().collect(); // j = i every step
        fisher_yates(&mut items, &mut Script(script, 0), |_, _| {}).unwrap();
        assert_eq!(items, (0..52).collect::<Vec<u8>>());
    }

    #[test]
    fn traced_and_plain_shuffles_agree() {
        let key = DeckKey::from_bytes([5; 32]);
        let mut swaps = Vec::new();
        let traced = shuffle_deck_traced(&key, DeckKind::Short, |i, j| swaps.push((i, j))).unwrap();
        assert_eq!(traced, shuffle_deck(&key, DeckKind::Short).unwrap());
        assert_eq!(swaps.len(), 35);
        assert!(swaps.iter().all(|&(i, j)| j <= i));
    }
}
