//! Decks: a validated permutation of the standard 52-card deck or the 36-card short deck.
//!
//! The engine never shuffles. A `Deck` arrives already in its dealing order (from the
//! fairness protocol, a test, or a hand history), and this type only guarantees that
//! it is a permutation of the cards its kind contains.

use core::fmt;

use crate::card::{Card, CardSet, Rank, CARDS_IN_STANDARD_DECK};

/// Which cards a deck holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeckKind {
    /// All 52 cards.
    Standard,
    /// The 36-card short deck (six-plus hold'em): sixes up to aces.
    Short,
}

impl DeckKind {
    /// How many cards a deck of this kind holds.
    pub const fn card_count(self) -> usize {
        match self {
            DeckKind::Standard => CARDS_IN_STANDARD_DECK,
            DeckKind::Short => 36,
        }
    }

    /// The lowest rank in a deck of this kind.
    pub const fn lowest_rank(self) -> Rank {
        match self {
            DeckKind::Standard => Rank::Two,
            DeckKind::Short => Rank::Six,
        }
    }

    /// Whether `card` belongs to a deck of this kind.
    pub const fn contains(self, card: Card) -> bool {
        card.rank() as u8 >= self.lowest_rank() as u8
    }

    /// The cards of this kind as a set.
    pub const fn card_set(self) -> CardSet {
        match self {
            DeckKind::Standard => CardSet::FULL,
            // Short deck: every card from 6c (index 16) upwards.
            DeckKind::Short => CardSet::FULL.intersection(CardSet::from_bits_above(16)),
        }
    }

    /// The unshuffled deck of this kind: its cards in index order (`2c 2d 2h 2s 3c …
    /// As`, or `6c 6d … As` for the short deck). The fairness protocol shuffles this
    /// order, so it is fixed forever.
    pub fn ordered_cards(self) -> Vec<Card> {
        Card::all().filter(|&card| self.contains(card)).collect()
    }
}

/// A deck in dealing order: a permutation of the cards of its [`DeckKind`].
///
/// ```
/// use poker_core::{Deck, DeckKind};
///
/// let deck = Deck::ordered(DeckKind::Short);
/// assert_eq!(deck.len(), 36);
/// assert_eq!(deck.cards()[0].to_string(), "6c");
///
/// // Anything that is not a permutation is refused.
/// let mut cards = deck.cards().to_vec();
/// cards[1] = cards[0];
/// assert!(Deck::new(DeckKind::Short, cards).is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Deck {
    kind: DeckKind,
    // Invariant: a permutation of `kind.ordered_cards()`.
    cards: Vec<Card>,
}

/// Why a list of cards is not a deck.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeckError {
    /// The deck must hold exactly `expected` cards.
    WrongLength {
        /// Cards a deck of this kind holds.
        expected: usize,
        /// Cards given.
        got: usize,
    },
    /// A card appears twice.
    Duplicate(Card),
    /// A card does not belong to this kind of deck (a deuce in a short deck).
    NotInDeck(Card),
}

impl fmt::Display for DeckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeckError::WrongLength { expected, got } => {
                write!(f, "a deck must hold {expected} cards, got {got}")
            }
            DeckError::Duplicate(card) => write!(f, "card {card} appears twice in the deck"),
            DeckError::NotInDeck(card) => write!(f, "card {card} is not in this kind of deck"),
        }
    }
}

impl std::error::Error for DeckError {}

impl Deck {
    /// The unshuffled deck of `kind` (see [`DeckKind::ordered_cards`]).
    pub fn ordered(kind: DeckKind) -> Deck {
        Deck {
            kind,
            cards: kind.ordered_cards(),
        }
    }

    /// A deck of `kind` in the order given, if `cards` is a permutation of that kind's cards.
    pub fn new(kind: DeckKind, cards: Vec<Card>) -> Result<Deck, DeckError> {
        if cards.len() != kind.card_count() {
            return Err(DeckError::WrongLength {
                expected: kind.card_count(),
                got: cards.len(),
            });
        }
        let mut seen = CardSet::EMPTY;
        for &card in &cards {
            if !kind.contains(card) {
                return Err(DeckError::NotInDeck(card));
            }
            if !seen.insert(card) {
                return Err(DeckError::Duplicate(card));
            }
        }
        // Right length, all distinct, all of the kind: a permutation.
        debug_assert_eq!(seen, kind.card_set());
        Ok(Deck { kind, cards })
    }

    /// Which cards this deck holds.
    pub const fn kind(&self) -> DeckKind {
        self.kind
    }

    /// The cards in dealing order.
    pub fn cards(&self) -> &[Card] {
        &self.cards
    }

    /// Number of cards (36 or 52).
    pub fn len(&self) -> usize {
        self.cards.len()
    }

    /// Always `false`: a deck is never empty. Present for API symmetry with `len`.
    pub fn is_empty(&self) -> bool {
        self.cards.is_empty()
    }
}

impl fmt::Debug for Deck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Deck({:?}, {})",
            self.kind,
            crate::card::format_cards(&self.cards)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::parse_cards;

    #[test]
    fn ordered_decks_have_the_right_cards() {
        let standard = Deck::ordered(DeckKind::Standard);
        assert_eq!(standard.len(), 52);
        assert_eq!(standard.cards().to_vec(), Card::all().collect::<Vec<_>>());
        let short = Deck::ordered(DeckKind::Short);
        assert_eq!(short.len(), 36);
        assert!(short.cards().iter().all(|c| c.rank() >= Rank::Six));
        assert_eq!(
            short.cards().iter().copied().collect::<CardSet>(),
            DeckKind::Short.card_set()
        );
        assert_eq!(DeckKind::Short.card_set().len(), 36);
    }

    #[test]
    fn non_permutations_are_rejected() {
        let mut cards = DeckKind::Standard.ordered_cards();
        cards.pop();
        assert_eq!(
            Deck::new(DeckKind::Standard, cards.clone()),
            Err(DeckError::WrongLength {
                expected: 52,
                got: 51
            })
        );
        cards.push(cards[0]);
        assert_eq!(
            Deck::new(DeckKind::Standard, cards),
            Err(DeckError::Duplicate(cards_of("2c")))
        );
        let mut short = DeckKind::Short.ordered_cards();
        short[5] = cards_of("2h");
        assert_eq!(
            Deck::new(DeckKind::Short, short),
            Err(DeckError::NotInDeck(cards_of("2h")))
        );
    }

    #[test]
    fn reversed_deck_is_accepted() {
        let mut cards = DeckKind::Standard.ordered_cards();
        cards.reverse();
        let deck = Deck::new(DeckKind::Standard, cards).unwrap();
        assert_eq!(deck.cards()[0], cards_of("As"));
    }

    fn cards_of(text: &str) -> Card {
        parse_cards(text).unwrap()[0]
    }
}
