//! Which cards of a derived deck each seat and the board receive, through
//! `poker-core`'s versioned dealing order.

use poker_core::{Card, Deck};

use crate::records::HoleCards;
use crate::setup::HandSetup;

/// Board street sizes of every flop game: flop, turn, river.
pub const BOARD_STREETS: [usize; 3] = [3, 1, 1];

/// Board lengths a hand can end with: no flop, flop, turn, river.
pub const BOARD_LENGTHS: [usize; 4] = [0, 3, 4, 5];

/// Hole cards of every seat (ascending seat order) and the first `board_len`
/// board cards, as the setup's dealing order takes them from `deck`.
pub fn dealt_cards(
    setup: &HandSetup,
    deck: &Deck,
    board_len: usize,
) -> (Vec<HoleCards>, Vec<Card>) {
    let sequence = setup.dealing_sequence();
    let layout = setup.dealing_order().layout(
        sequence.len(),
        usize::from(setup.variant().hole_cards()),
        &BOARD_STREETS,
    );
    let cards = deck.cards();
    let mut hole: Vec<HoleCards> = sequence
        .iter()
        .zip(&layout.hole)
        .map(|(&seat, positions)| HoleCards {
            seat,
            cards: positions.iter().map(|&p| cards[p]).collect(),
        })
        .collect();
    hole.sort_by_key(|h| h.seat);
    let board = layout
        .board
        .iter()
        .flatten()
        .take(board_len)
        .map(|&p| cards[p])
        .collect();
    (hole, board)
}
