//! Player order shared by the exporters: clockwise from the first seat left of the button.

use crate::{Hand, Seat};

/// The hand's seats in position order: the first seat left of the button first, the
/// button last (PHH's `p1` … `pN`).
pub(crate) fn position_order(hand: &Hand) -> Vec<Seat> {
    let mut seats = hand.seats();
    seats.sort();
    if let Some(button) = seats.iter().position(|&s| s == hand.button()) {
        seats.rotate_left(button + 1);
    }
    seats
}
