//! Seat numbers: which chair at the table a player sits in.

use core::fmt;

/// How many seats a table has; seat numbers run from 0 to `SEATS_MAX - 1`.
pub const SEATS_MAX: u8 = 10;

/// A seat number, always below [`SEATS_MAX`].
///
/// Seats go clockwise: the seat after the button's is "left of the button".
///
/// ```
/// use poker_core::{Seat, SEATS_MAX};
///
/// assert_eq!(Seat::new(3).map(Seat::index), Some(3));
/// assert_eq!(Seat::new(SEATS_MAX), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Seat(u8); // Invariant: self.0 < SEATS_MAX.

impl Seat {
    /// Seat `number`, if it is below [`SEATS_MAX`].
    pub const fn new(number: u8) -> Option<Seat> {
        if number < SEATS_MAX {
            Some(Seat(number))
        } else {
            None
        }
    }

    /// The seat number, in `0..SEATS_MAX`.
    pub const fn index(self) -> u8 {
        self.0
    }

    /// Every seat, in order.
    pub fn all() -> impl Iterator<Item = Seat> + Clone {
        (0..SEATS_MAX).map(Seat)
    }
}

impl fmt::Display for Seat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "seat {}", self.0)
    }
}
