//! Chip amounts: an integer count with checked arithmetic and a named upper limit.

use core::fmt;

use super::seat::SEATS_MAX;

/// The largest stack, blind, ante or bet the engine accepts.
///
/// Every player's stack is at most this, so the sum of all chips at a table
/// (`SEATS_MAX * CHIPS_MAX`) and every pot-limit sum computed from it stay far below
/// `u64::MAX`: engine arithmetic cannot overflow once the inputs are checked.
pub const CHIPS_MAX: u64 = 1 << 56;

// Every chip at a full table, plus a pot-sized raise on top of it, fits in a u64.
const _: () = assert!((SEATS_MAX as u64 + 2) * CHIPS_MAX * 2 < u64::MAX);

/// A number of chips: an integer that never wraps.
///
/// Arithmetic is only offered in checked form, so an overflow or underflow shows
/// up as `None` at the place it happens instead of as a wrong amount.
///
/// ```
/// use poker_core::Chips;
///
/// let stack = Chips::new(100);
/// assert_eq!(stack.checked_sub(Chips::new(30)), Some(Chips::new(70)));
/// assert_eq!(stack.checked_sub(Chips::new(130)), None);
/// assert_eq!(Chips::new(u64::MAX).checked_add(Chips::new(1)), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Chips(u64);

impl Chips {
    /// No chips.
    pub const ZERO: Chips = Chips(0);

    /// `amount` chips.
    pub const fn new(amount: u64) -> Chips {
        Chips(amount)
    }

    /// The number of chips.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// Whether this is zero chips.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// `self + other`, or `None` on overflow.
    pub const fn checked_add(self, other: Chips) -> Option<Chips> {
        match self.0.checked_add(other.0) {
            Some(sum) => Some(Chips(sum)),
            None => None,
        }
    }

    /// `self - other`, or `None` if `other` is larger.
    pub const fn checked_sub(self, other: Chips) -> Option<Chips> {
        match self.0.checked_sub(other.0) {
            Some(difference) => Some(Chips(difference)),
            None => None,
        }
    }

    /// `self * factor`, or `None` on overflow.
    pub const fn checked_mul(self, factor: u64) -> Option<Chips> {
        match self.0.checked_mul(factor) {
            Some(product) => Some(Chips(product)),
            None => None,
        }
    }

    /// `self / divisor` and the remainder, or `None` if `divisor` is zero.
    pub const fn checked_div_rem(self, divisor: u64) -> Option<(Chips, Chips)> {
        match (self.0.checked_div(divisor), self.0.checked_rem(divisor)) {
            (Some(quotient), Some(remainder)) => Some((Chips(quotient), Chips(remainder))),
            _ => None,
        }
    }

    /// `self - other`, or zero if `other` is larger.
    pub const fn saturating_sub(self, other: Chips) -> Chips {
        Chips(self.0.saturating_sub(other.0))
    }

    /// `self + other` where the engine's limits make an overflow impossible.
    ///
    /// Used inside the engine only, on amounts bounded by the table total
    /// (at most `SEATS_MAX * CHIPS_MAX`, far below `u64::MAX`).
    pub(crate) fn plus(self, other: Chips) -> Chips {
        self.checked_add(other)
            .expect("engine amounts are bounded by SEATS_MAX * CHIPS_MAX")
    }

    /// `self - other` where the engine has already checked `other <= self`.
    pub(crate) fn minus(self, other: Chips) -> Chips {
        self.checked_sub(other)
            .expect("engine subtracts only amounts it has checked to be covered")
    }
}

impl fmt::Display for Chips {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<u64> for Chips {
    fn from(amount: u64) -> Chips {
        Chips(amount)
    }
}

/// The sum of `amounts`, for engine totals bounded by the table total.
pub(crate) fn sum_chips(amounts: impl IntoIterator<Item = Chips>) -> Chips {
    amounts.into_iter().fold(Chips::ZERO, Chips::plus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(
            Chips::new(5).checked_add(Chips::new(7)),
            Some(Chips::new(12))
        );
        assert_eq!(Chips::new(5).checked_sub(Chips::new(7)), None);
        assert_eq!(Chips::new(u64::MAX).checked_mul(2), None);
        assert_eq!(
            Chips::new(7).checked_div_rem(3),
            Some((Chips::new(2), Chips::new(1)))
        );
        assert_eq!(Chips::new(7).checked_div_rem(0), None);
        assert_eq!(Chips::new(3).saturating_sub(Chips::new(9)), Chips::ZERO);
        assert_eq!(sum_chips([Chips::new(1), Chips::new(2)]), Chips::new(3));
    }
}
