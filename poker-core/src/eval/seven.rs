//! Seven distinct cards, checked once when built, so that evaluating them needs no check.

use core::fmt;

use super::{EvalError, FastHand, HandStrength};
use crate::card::Card;

/// Cards in a [`SevenCards`].
const SEVEN: usize = 7;

/// Seven distinct cards: a hold'em player's two hole cards with the five-card board,
/// or a seven-card stud hand.
///
/// The constructors reject a repeated card, so the value itself is the proof that the
/// cards are distinct ("parse, don't validate"): [`strength`](Self::strength) cannot
/// fail and does no checking. Building one costs the same repeated-card test that
/// [`evaluate`](super::evaluate) makes on every call, so building and evaluating once
/// costs what `evaluate` does; the saving comes when the hands are built ahead of the
/// time-critical work (a table of hands, an equity loop over stored hands) or a hand
/// is evaluated more than once.
///
/// ```
/// use poker_core::{parse_cards, Category, EvalError, SevenCards};
///
/// let hole = ["Ah".parse()?, "Kh".parse()?];
/// let board = ["Qh".parse()?, "Jh".parse()?, "2c".parse()?, "Th".parse()?, "9s".parse()?];
/// let hand = SevenCards::from_hole_and_board(hole, board)?;
/// assert_eq!(hand.strength().to_string(), "royal flush");
///
/// let mut cards = parse_cards("AsKdQh2c7s7d6s")?;
/// assert_eq!(SevenCards::try_from(cards.as_slice())?.strength().category(), Category::OnePair);
///
/// // A repeated card is refused when the value is built, not when it is evaluated.
/// cards[6] = cards[0];
/// assert_eq!(
///     SevenCards::try_from(cards.as_slice()),
///     Err(EvalError::DuplicateCard("As".parse()?))
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SevenCards([Card; SEVEN]);
// Invariant: the seven cards are distinct.

impl SevenCards {
    /// The seven cards, or [`EvalError::DuplicateCard`] naming the first card that
    /// appears a second time.
    #[inline]
    pub fn new(cards: [Card; SEVEN]) -> Result<SevenCards, EvalError> {
        // The same per-card test as `evaluate` (the keys it also sums are unused here,
        // so the compiler drops them); seven cards are never too many.
        FastHand::from_cards(&cards)?;
        Ok(SevenCards(cards))
    }

    /// Two hole cards and a five-card board, in that order; errors as for
    /// [`new`](Self::new).
    pub fn from_hole_and_board(hole: [Card; 2], board: [Card; 5]) -> Result<SevenCards, EvalError> {
        let [h0, h1] = hole;
        let [b0, b1, b2, b3, b4] = board;
        SevenCards::new([h0, h1, b0, b1, b2, b3, b4])
    }

    /// The cards, in the order they were given.
    pub const fn cards(&self) -> &[Card; SEVEN] {
        &self.0
    }

    /// The best high hand the seven cards make. Nothing is checked: the constructor
    /// did that.
    ///
    /// ```
    /// use poker_core::{evaluate, parse_cards, SevenCards};
    ///
    /// let cards = parse_cards("9s9d4c4h4sKdQc")?;
    /// let hand = SevenCards::try_from(cards.as_slice())?;
    /// assert_eq!(hand.strength(), evaluate(&cards)?);
    /// assert_eq!(hand.strength().to_string(), "full house, fours full of nines");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline(always)]
    pub fn strength(&self) -> HandStrength {
        FastHand::from_distinct_cards(&self.0).strength_of_checked()
    }
}

impl TryFrom<&[Card]> for SevenCards {
    type Error = EvalError;

    /// Exactly seven cards ([`EvalError::WrongCardCount`] otherwise), all distinct
    /// ([`EvalError::DuplicateCard`] otherwise).
    fn try_from(cards: &[Card]) -> Result<SevenCards, EvalError> {
        let array: [Card; SEVEN] = cards.try_into().map_err(|_| EvalError::WrongCardCount {
            min: SEVEN,
            max: SEVEN,
            got: cards.len(),
        })?;
        SevenCards::new(array)
    }
}

impl From<SevenCards> for FastHand {
    /// The same cards as an incremental hand (for short-deck or low evaluation).
    fn from(cards: SevenCards) -> FastHand {
        FastHand::from_distinct_cards(&cards.0)
    }
}

impl fmt::Debug for SevenCards {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SevenCards").field(&self.0).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::parse_cards;
    use crate::eval::evaluate;

    fn cards(text: &str) -> Vec<Card> {
        parse_cards(text).unwrap()
    }

    #[test]
    fn a_repeat_at_any_pair_of_positions_is_refused_and_named() {
        let distinct = cards("Ah7c2d7sKhTd3c");
        for first in 0..SEVEN {
            for second in first + 1..SEVEN {
                let mut hand = distinct.clone();
                hand[second] = hand[first];
                assert_eq!(
                    SevenCards::try_from(hand.as_slice()),
                    Err(EvalError::DuplicateCard(hand[first]))
                );
            }
        }
    }

    #[test]
    fn only_seven_cards_are_accepted() {
        let eight = cards("Ah7c2d7sKhTd3c4c");
        for len in [0, 1, 6, 8] {
            let given = &eight[..len];
            assert_eq!(
                SevenCards::try_from(given),
                Err(EvalError::WrongCardCount {
                    min: 7,
                    max: 7,
                    got: given.len()
                })
            );
        }
    }

    #[test]
    fn strength_and_fast_hand_agree_with_evaluate() {
        for text in [
            "AsKsQsJsTs2d3c",
            "7h7d7c2s2d9hKc",
            "Ah2c3d4s5h9cJd",
            "As9s7s4s2sKdKc",
        ] {
            let given = cards(text);
            let hand = SevenCards::try_from(given.as_slice()).unwrap();
            assert_eq!(hand.cards().as_slice(), given.as_slice());
            assert_eq!(Ok(hand.strength()), evaluate(&given));
            assert_eq!(FastHand::from(hand), FastHand::from_cards(&given).unwrap());
        }
    }
}
