//! The versioned dealing order: which position of a deck becomes which hole or board card.
//!
//! The fairness protocol commits to a deck, and a verifier recomputes who was dealt
//! what from that deck. Both sides must map deck positions to cards in exactly the
//! same way, so the mapping is named, versioned and never changed in place: a new
//! mapping gets a new version.

use core::fmt;

/// A named, versioned way of dealing a deck.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DealingOrder {
    /// Version 1, for flop games (hold'em, Omaha, short deck):
    ///
    /// 1. Hole cards one at a time, round by round: the first card to each player in
    ///    turn starting with the first player dealt in left of the button and ending
    ///    with the button, then the second card in the same order, and so on. With
    ///    `n` players, round `r` (from 0) to player `p` (from 0) is position `r * n + p`.
    /// 2. The board street by street. Before each street one card is burned: the
    ///    flop is one burn then three cards, the turn and the river one burn then one
    ///    card each.
    ///
    /// Board positions do not depend on how the betting goes: a board that is run
    /// out after an all-in takes the same positions as one dealt street by street.
    V1,
}

/// Why a dealing-order version number is not known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnknownDealingOrder(pub u16);

impl fmt::Display for UnknownDealingOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown dealing order version {}", self.0)
    }
}

impl std::error::Error for UnknownDealingOrder {}

/// Where each dealt card of one hand comes from in the deck.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DealLayout {
    /// `hole[p][i]`: deck position of player `p`'s `i`-th hole card, where player 0
    /// is the first player dealt in left of the button.
    pub hole: Vec<Vec<usize>>,
    /// `burns[s]`: deck position of the card burned before board street `s`.
    pub burns: Vec<usize>,
    /// `board[s][i]`: deck position of the `i`-th card of board street `s`.
    pub board: Vec<Vec<usize>>,
}

impl DealLayout {
    /// How many deck positions the hand may use in total.
    pub fn cards_needed(&self) -> usize {
        self.hole.iter().map(Vec::len).sum::<usize>()
            + self.burns.len()
            + self.board.iter().map(Vec::len).sum::<usize>()
    }
}

impl DealingOrder {
    /// The newest dealing order, used for new hands.
    pub const CURRENT: DealingOrder = DealingOrder::V1;

    /// The version number recorded in hand records.
    pub const fn version(self) -> u16 {
        match self {
            DealingOrder::V1 => 1,
        }
    }

    /// The dealing order with this version number.
    pub const fn from_version(version: u16) -> Result<DealingOrder, UnknownDealingOrder> {
        match version {
            1 => Ok(DealingOrder::V1),
            other => Err(UnknownDealingOrder(other)),
        }
    }

    /// The deck positions for `players` players with `hole_cards` hole cards each and
    /// board streets of the sizes given (`[3, 1, 1]` for flop, turn and river).
    ///
    /// ```
    /// use poker_core::DealingOrder;
    ///
    /// let layout = DealingOrder::V1.layout(3, 2, &[3, 1, 1]);
    /// assert_eq!(layout.hole, vec![vec![0, 3], vec![1, 4], vec![2, 5]]);
    /// assert_eq!(layout.burns, vec![6, 10, 12]);
    /// assert_eq!(layout.board, vec![vec![7, 8, 9], vec![11], vec![13]]);
    /// ```
    pub fn layout(self, players: usize, hole_cards: usize, streets: &[usize]) -> DealLayout {
        match self {
            DealingOrder::V1 => {
                let hole = (0..players)
                    .map(|p| (0..hole_cards).map(|r| r * players + p).collect())
                    .collect();
                let mut next = players * hole_cards;
                let mut burns = Vec::with_capacity(streets.len());
                let mut board = Vec::with_capacity(streets.len());
                for &size in streets {
                    burns.push(next);
                    board.push((next + 1..next + 1 + size).collect());
                    next += 1 + size;
                }
                DealLayout { hole, burns, board }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_uses_each_position_once_and_contiguously() {
        for players in 2..=9 {
            for hole_cards in [2, 4, 5, 6] {
                let layout = DealingOrder::V1.layout(players, hole_cards, &[3, 1, 1]);
                let mut all: Vec<usize> = layout.hole.iter().flatten().copied().collect();
                all.extend(&layout.burns);
                all.extend(layout.board.iter().flatten());
                all.sort_unstable();
                assert_eq!(all, (0..layout.cards_needed()).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn versions_round_trip() {
        assert_eq!(DealingOrder::from_version(1), Ok(DealingOrder::V1));
        assert_eq!(DealingOrder::V1.version(), 1);
        assert_eq!(DealingOrder::from_version(0), Err(UnknownDealingOrder(0)));
    }
}
