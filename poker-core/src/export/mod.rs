//! Exporting a finished engine hand: as PHH, and as PokerStars text for tracking tools.
//!
//! [`to_phh`] gives a [`HandHistory`](crate::phh::HandHistory) that
//! [`phh::replay`](crate::phh::replay()) plays back to the same result.
//! [`to_pokerstars`] renders the hand as one player saw it (their own hole cards and
//! the cards shown at showdown) in the text format that HoldemManager, PokerTracker
//! and GTO Wizard import.

mod phh;
mod pokerstars;
mod positions;

use core::fmt;

pub use phh::to_phh;
pub use pokerstars::{to_pokerstars, CivilTime, StarsHeader};

/// Why a hand cannot be exported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExportError {
    /// The game has no code in the target format (PHH has no no-limit Omaha, for
    /// example; the PokerStars export covers hold'em and Omaha).
    UnsupportedGame,
    /// The hand is not finished (PokerStars text needs the result).
    NotFinished,
    /// A date or time field is out of range.
    BadTime,
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::UnsupportedGame => f.write_str("the game has no code in this format"),
            ExportError::NotFinished => f.write_str("the hand is not finished"),
            ExportError::BadTime => f.write_str("a date or time field is out of range"),
        }
    }
}

impl std::error::Error for ExportError {}
