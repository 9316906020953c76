//! Replaying a hand history through the engine and comparing the final stacks.
//!
//! [`replay`] turns a [`HandHistory`] of a supported variant (see
//! [`SUPPORTED_VARIANTS`]) into an engine set-up, builds a deck that deals exactly
//! the recorded cards (see [`deck`]), and applies every recorded action through
//! [`Hand::apply`](crate::Hand::apply). The engine posts the forced bets, deals,
//! shows down and pays out itself; the replay checks that its dealing matches the
//! record and reports the engine's final stacks in PHH player order.
//!
//! Fractional amounts (`starting_stacks = [1259450.25, 678473.5]`) are multiplied by
//! the smallest power of ten that makes every input whole, and the results are
//! divided back. Finishing stacks are not inputs: where a file's own result is a
//! fraction of a chip (a split by true division), the engine's integer result differs
//! from it by design.
//!
//! Extra posts in the `_posts` user field (missed blinds; see
//! [`PhhPost`](crate::phh::PhhPost)) start the hand with
//! [`Hand::start_with_posts`](crate::Hand::start_with_posts); their dead parts are taken
//! out of the posters' `antes` entries first, and the rest must be the table's antes.
//!
//! Rules the engine applies, not the file: forced bets are posted blind first, then
//! antes (card-room order; PokerKit posts antes first, which only matters when a stack
//! cannot cover both), and `ante_trimming_status` (a PokerKit setting) is ignored.
//!
//! `??` cards are filled with unused cards. That cannot change the result when the
//! unknown cards never reach a showdown, and the replay refuses the hand
//! ([`ReplayError::UnknownCardsAtShowdown`]) when they would.

pub mod config;
pub mod deck;
mod run;

use core::fmt;
use core::ops::Range;

pub use config::{UnsupportedForcedBets, SUPPORTED_VARIANTS, UNSUPPORTED_VARIANTS};
pub use deck::DeckBuildError;
pub use run::replay;

use crate::phh::{Amount, HandHistory, Player, VariantCode};
use crate::{ActionError, Event, Hand, Seat, StartError};

/// A hand history replayed through the engine to its end.
#[derive(Clone, Debug)]
pub struct Replay {
    hand: Hand,
    seats: Vec<Seat>,
    chip_scale: u8,
    final_stacks: Vec<Amount>,
    skipped_checks: Vec<usize>,
    action_events: Vec<(usize, Range<usize>)>,
}

impl Replay {
    /// The finished engine hand, with its full event log.
    pub fn hand(&self) -> &Hand {
        &self.hand
    }

    /// The seat of each player, in PHH player order (`p1` first).
    pub fn seats(&self) -> &[Seat] {
        &self.seats
    }

    /// Amounts were multiplied by `10^chip_scale()` to make them whole chips.
    pub fn chip_scale(&self) -> u8 {
        self.chip_scale
    }

    /// The engine's final stacks in PHH player order, in the file's units.
    pub fn final_stacks(&self) -> &[Amount] {
        &self.final_stacks
    }

    /// Indices in `actions` of `cc` entries recorded after the engine had closed
    /// the betting (nobody left to act). PokerKit writes a check for a big blind
    /// whom everyone else has folded to or gone all-in against; card-room rules
    /// ask nothing of that player, so the replay skips the entry.
    pub fn skipped_checks(&self) -> &[usize] {
        &self.skipped_checks
    }

    /// The engine events that the entry `index` of `actions` produced, if it was an
    /// applied player action (`cbr`, `cc`, `f`).
    pub fn events_of_action(&self, index: usize) -> Option<&[Event]> {
        let (_, range) = self.action_events.iter().find(|(i, _)| *i == index)?;
        self.hand.events().get(range.clone())
    }

    /// Whether the final stacks equal the file's `finishing_stacks`, if it has them.
    pub fn matches_finishing_stacks(&self, history: &HandHistory) -> Option<bool> {
        history
            .fields()
            .finishing_stacks
            .as_ref()
            .map(|expected| expected.as_slice() == self.final_stacks.as_slice())
    }
}

/// Why a hand history cannot be replayed, or why the engine disagrees with it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplayError {
    /// The engine does not play this variant (see [`UNSUPPORTED_VARIANTS`]).
    UnsupportedVariant(VariantCode),
    /// More players than the engine seats.
    TooManyPlayers(usize),
    /// A starting stack is `inf` (unknown).
    UnknownStartingStack(Player),
    /// An amount does not fit in the engine's chips once made whole.
    AmountTooLarge,
    /// The forced bets cannot be expressed as engine forced bets.
    UnsupportedForcedBets(UnsupportedForcedBets),
    /// A `_posts` entry's dead part is more than the poster's `antes` entry, which must
    /// count it (see [`PhhPost`](crate::phh::PhhPost)).
    PostNotInAntes(Player),
    /// The hole-card count is not one the engine deals.
    UnsupportedHoleCardCount(usize),
    /// The recorded cards cannot come from one deck.
    Cards(DeckBuildError),
    /// A player was dealt hole cards twice (a draw game).
    DealtTwice {
        /// Index in `actions`.
        index: usize,
        /// The player.
        player: Player,
    },
    /// Cards that were not recorded (`??`, or a board that was not written out)
    /// would decide the showdown, so no result can be trusted.
    UnknownCardsAtShowdown {
        /// The player whose hole cards are unknown, or `None` for the board.
        player: Option<Player>,
    },
    /// The engine refused to start the hand.
    Start(StartError),
    /// An action this replay does not apply (`pb`, `sd`: stud and draw games).
    UnsupportedAction {
        /// Index in `actions`.
        index: usize,
    },
    /// The engine refused an action.
    Rejected {
        /// Index in `actions`.
        index: usize,
        /// The action's text.
        action: String,
        /// The engine's reason.
        error: ActionError,
    },
    /// A `d db` came before the engine had finished the previous betting round, or
    /// the engine dealt other cards than recorded.
    DealingDiffers {
        /// Index in `actions`.
        index: usize,
    },
    /// A player showed cards other than their hole cards.
    ShownCardsDiffer {
        /// Index in `actions`.
        index: usize,
        /// The player.
        player: Player,
    },
    /// The actions ended before the hand did.
    Unfinished,
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::UnsupportedVariant(v) => write!(f, "variant {v} is not supported"),
            ReplayError::TooManyPlayers(n) => {
                write!(f, "{n} players are more than the engine seats")
            }
            ReplayError::UnknownStartingStack(p) => write!(f, "{p}'s starting stack is unknown"),
            ReplayError::AmountTooLarge => f.write_str("an amount is too large for the engine"),
            ReplayError::UnsupportedForcedBets(why) => write!(f, "unsupported forced bets: {why}"),
            ReplayError::PostNotInAntes(p) => write!(
                f,
                "{p}'s dead post is more than their `antes` entry, which must include it"
            ),
            ReplayError::UnsupportedHoleCardCount(n) => {
                write!(f, "{n} hole cards are not supported")
            }
            ReplayError::Cards(e) => write!(f, "recorded cards: {e}"),
            ReplayError::DealtTwice { index, player } => {
                write!(
                    f,
                    "actions[{index}]: {player} is dealt hole cards a second time"
                )
            }
            ReplayError::UnknownCardsAtShowdown { player: Some(p) } => {
                write!(f, "{p}'s unknown hole cards would decide the showdown")
            }
            ReplayError::UnknownCardsAtShowdown { player: None } => {
                f.write_str("unrecorded board cards would decide the showdown")
            }
            ReplayError::Start(e) => write!(f, "the engine refused to start the hand: {e}"),
            ReplayError::UnsupportedAction { index } => {
                write!(
                    f,
                    "actions[{index}]: stud and draw actions are not supported"
                )
            }
            ReplayError::Rejected {
                index,
                action,
                error,
            } => {
                write!(f, "actions[{index}] `{action}` refused: {error}")
            }
            ReplayError::DealingDiffers { index } => {
                write!(
                    f,
                    "actions[{index}]: the engine's dealing differs from the record"
                )
            }
            ReplayError::ShownCardsDiffer { index, player } => {
                write!(
                    f,
                    "actions[{index}]: {player} shows cards other than their hole cards"
                )
            }
            ReplayError::Unfinished => f.write_str("the actions end before the hand does"),
        }
    }
}

impl std::error::Error for ReplayError {}
