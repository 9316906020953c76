//! Building a deck that deals exactly the cards a hand history records.
//!
//! PHH files give the dealt cards, not the deck. The dealing order maps deck
//! positions to hole and board cards, so each recorded card goes to its position; the
//! burn cards, the `??` cards and the undealt rest of the deck are filled with the
//! unused cards in index order. That choice is arbitrary but deterministic, and it
//! cannot change a result unless an unknown card reaches a showdown, which the replay
//! checks separately.

use core::fmt;

use crate::card::{Card, CardSet};
use crate::dealing::DealingOrder;
use crate::deck::{Deck, DeckKind};
use crate::phh::{PhhCard, Player};

/// Why the recorded cards cannot come from one deck.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeckBuildError {
    /// The same card is dealt twice.
    DuplicateCard(Card),
    /// A card that this variant's deck does not hold (a deuce in short deck).
    NotInDeck(Card),
    /// A player was dealt a number of hole cards other than the variant's.
    WrongHoleCardCount {
        /// The player.
        player: Player,
        /// Hole cards the variant deals.
        expected: usize,
        /// Hole cards recorded.
        got: usize,
    },
    /// More board cards than the variant deals.
    TooManyBoardCards(usize),
    /// The deck is too small for this many players and hole cards.
    NotEnoughCards,
}

impl fmt::Display for DeckBuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeckBuildError::DuplicateCard(card) => write!(f, "card {card} is dealt twice"),
            DeckBuildError::NotInDeck(card) => write!(f, "card {card} is not in this deck"),
            DeckBuildError::WrongHoleCardCount {
                player,
                expected,
                got,
            } => write!(
                f,
                "{player} was dealt {got} hole cards; the game deals {expected}"
            ),
            DeckBuildError::TooManyBoardCards(n) => {
                write!(f, "{n} board cards recorded; more than the game deals")
            }
            DeckBuildError::NotEnoughCards => {
                write!(f, "the deck is too small for this many players")
            }
        }
    }
}

impl std::error::Error for DeckBuildError {}

/// The cards a hand history records: hole cards per player (in PHH player order,
/// which is the dealing order from the first player left of the button) and the
/// board cards in the order dealt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct RecordedCards {
    pub(crate) hole: Vec<Vec<PhhCard>>,
    pub(crate) board: Vec<PhhCard>,
}

impl RecordedCards {
    /// Whether `player`'s hole cards include a `??`.
    pub(crate) fn hole_unknown(&self, player: usize) -> bool {
        self.hole
            .get(player)
            .is_some_and(|cards| cards.contains(&PhhCard::Unknown))
    }
}

/// A deck of `kind` that `order` deals as `recorded`, with `hole_cards` per player
/// and board streets of the sizes in `streets`.
pub(crate) fn deck_dealing(
    kind: DeckKind,
    order: DealingOrder,
    recorded: &RecordedCards,
    hole_cards: usize,
    streets: &[usize],
) -> Result<Deck, DeckBuildError> {
    let layout = order.layout(recorded.hole.len(), hole_cards, streets);
    let mut slots: Vec<Option<Card>> = vec![None; kind.card_count()];
    let mut used = CardSet::EMPTY;
    let mut place = |position: usize, card: PhhCard| -> Result<(), DeckBuildError> {
        let slot = slots
            .get_mut(position)
            .ok_or(DeckBuildError::NotEnoughCards)?;
        if let PhhCard::Known(card) = card {
            if !kind.contains(card) {
                return Err(DeckBuildError::NotInDeck(card));
            }
            if !used.insert(card) {
                return Err(DeckBuildError::DuplicateCard(card));
            }
            *slot = Some(card);
        }
        Ok(())
    };
    for (index, (cards, positions)) in recorded.hole.iter().zip(&layout.hole).enumerate() {
        if cards.len() != hole_cards {
            return Err(DeckBuildError::WrongHoleCardCount {
                player: Player::from_index(index).ok_or(DeckBuildError::NotEnoughCards)?,
                expected: hole_cards,
                got: cards.len(),
            });
        }
        for (&card, &position) in cards.iter().zip(positions) {
            place(position, card)?;
        }
    }
    let board_positions: Vec<usize> = layout.board.iter().flatten().copied().collect();
    if recorded.board.len() > board_positions.len() {
        return Err(DeckBuildError::TooManyBoardCards(recorded.board.len()));
    }
    for (&card, &position) in recorded.board.iter().zip(&board_positions) {
        place(position, card)?;
    }
    if layout.cards_needed() > kind.card_count() {
        return Err(DeckBuildError::NotEnoughCards);
    }
    let mut spare = kind
        .ordered_cards()
        .into_iter()
        .filter(|&c| !used.contains(c));
    let cards: Vec<Card> = slots
        .into_iter()
        .map(|slot| slot.or_else(|| spare.next()))
        .collect::<Option<_>>()
        .ok_or(DeckBuildError::NotEnoughCards)?;
    // A permutation by construction; `Deck::new` checks it once more.
    Deck::new(kind, cards).map_err(|_| DeckBuildError::NotEnoughCards)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phh::action::parse_phh_cards;

    fn cards(text: &str) -> Vec<PhhCard> {
        parse_phh_cards(text).unwrap()
    }

    fn recorded(hole: &[&str], board: &str) -> RecordedCards {
        RecordedCards {
            hole: hole.iter().map(|h| cards(h)).collect(),
            board: if board.is_empty() {
                Vec::new()
            } else {
                cards(board)
            },
        }
    }

    #[test]
    fn recorded_cards_land_where_the_dealing_order_deals_them() {
        let hand = recorded(&["AhAd", "KsKc", "????"], "2c7h9s3d");
        let deck =
            deck_dealing(DeckKind::Standard, DealingOrder::V1, &hand, 2, &[3, 1, 1]).unwrap();
        let layout = DealingOrder::V1.layout(3, 2, &[3, 1, 1]);
        let at = |p: usize| deck.cards()[p].to_string();
        assert_eq!(
            (at(layout.hole[0][0]), at(layout.hole[0][1])),
            ("Ah".into(), "Ad".into())
        );
        assert_eq!(
            (at(layout.hole[1][0]), at(layout.hole[1][1])),
            ("Ks".into(), "Kc".into())
        );
        let board: Vec<String> = layout
            .board
            .iter()
            .flatten()
            .take(4)
            .map(|&p| at(p))
            .collect();
        assert_eq!(board, ["2c", "7h", "9s", "3d"]);
        // Unknown cards and burns get the lowest unused cards, in index order.
        assert_eq!(
            (at(layout.hole[2][0]), at(layout.hole[2][1])),
            ("2d".into(), "2h".into())
        );
        assert_eq!(at(layout.burns[0]), "2s");
    }

    #[test]
    fn impossible_records_are_refused() {
        let build =
            |hand: &RecordedCards, kind| deck_dealing(kind, DealingOrder::V1, hand, 2, &[3, 1, 1]);
        let twice = recorded(&["AhAd", "AhKc"], "");
        assert_eq!(
            build(&twice, DeckKind::Standard),
            Err(DeckBuildError::DuplicateCard("Ah".parse().unwrap()))
        );
        let board_twice = recorded(&["AhAd", "KsKc"], "Ah");
        assert_eq!(
            build(&board_twice, DeckKind::Standard),
            Err(DeckBuildError::DuplicateCard("Ah".parse().unwrap()))
        );
        let deuce = recorded(&["AhAd", "Ks2c"], "");
        assert_eq!(
            build(&deuce, DeckKind::Short),
            Err(DeckBuildError::NotInDeck("2c".parse().unwrap()))
        );
        let three = recorded(&["AhAd", "KsKcQs"], "");
        assert!(matches!(
            build(&three, DeckKind::Standard),
            Err(DeckBuildError::WrongHoleCardCount {
                expected: 2,
                got: 3,
                ..
            })
        ));
        let long_board = recorded(&["AhAd", "KsKc"], "2c3c4c5c6c7c");
        assert_eq!(
            build(&long_board, DeckKind::Standard),
            Err(DeckBuildError::TooManyBoardCards(6))
        );
        let crowd: Vec<&str> = vec!["????????????"; 10];
        assert_eq!(
            deck_dealing(
                DeckKind::Short,
                DealingOrder::V1,
                &recorded(&crowd, ""),
                6,
                &[3, 1, 1]
            ),
            Err(DeckBuildError::NotEnoughCards)
        );
    }
}
