//! Typed errors for starting a hand and for applying an action.

use core::fmt;

use super::action::RaiseBlocked;
use super::chips::Chips;
use super::posts::ExtraPostError;
use super::seat::Seat;
use crate::deck::DeckKind;

/// Why a hand cannot start. Nothing is dealt or posted when this is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StartError {
    /// A hand needs at least two players.
    TooFewPlayers {
        /// Players given.
        got: usize,
    },
    /// More players than seats ([`SEATS_MAX`](super::SEATS_MAX)).
    TooManyPlayers {
        /// Players given.
        got: usize,
    },
    /// The same seat appears twice.
    DuplicateSeat(Seat),
    /// A player has no chips.
    ZeroStack(Seat),
    /// A stack, blind, ante or bet size is above [`CHIPS_MAX`](super::CHIPS_MAX).
    AmountAboveLimit {
        /// The amount given.
        got: Chips,
    },
    /// The button is not one of the players' seats.
    ButtonNotSeated(Seat),
    /// The deck is of the wrong kind for the variant.
    DeckKindMismatch {
        /// The kind the variant needs.
        expected: DeckKind,
        /// The kind given.
        got: DeckKind,
    },
    /// The deck does not hold enough cards for this many players.
    TooManyPlayersForDeck {
        /// Players given.
        players: usize,
        /// Most players the deck can deal to.
        max: usize,
    },
    /// The variant's hole-card count is not supported (Omaha takes 4, 5 or 6).
    BadHoleCardCount(u8),
    /// The forced bets are inconsistent.
    BadForcedBets(ForcedBetsError),
    /// The betting structure is inconsistent.
    BadBetting(BettingError),
    /// An extra post of [`Hand::start_with_posts`](super::Hand::start_with_posts) is refused.
    BadExtraPost(ExtraPostError),
}

/// How the forced bets are inconsistent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ForcedBetsError {
    /// The small blind is larger than the big blind.
    SmallAboveBig,
    /// The straddle is not larger than the big blind, or there is no big blind.
    StraddleNotAboveBigBlind,
    /// A straddle needs at least three players.
    StraddleNeedsThreePlayers,
    /// A button blind cannot be combined with small or big blinds or a straddle.
    ButtonBlindWithOtherBlinds,
    /// A zero button blind.
    ZeroButtonBlind,
    /// An ante kind of `None` with a non-zero ante, or an ante kind with a zero ante.
    AnteKindMismatch,
    /// A big-blind ante without a big blind.
    BigBlindAnteWithoutBigBlind,
    /// The minimum bet of a no-limit or pot-limit game is zero.
    ZeroMinBet,
}

/// How the betting structure is inconsistent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BettingError {
    /// A fixed-limit bet size is zero.
    ZeroLimitBet,
    /// A fixed-limit cap below one bet per street.
    ZeroRaiseCap,
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::TooFewPlayers { got } => write!(f, "a hand needs 2 players, got {got}"),
            StartError::TooManyPlayers { got } => {
                write!(f, "at most {} players, got {got}", super::SEATS_MAX)
            }
            StartError::DuplicateSeat(seat) => write!(f, "{seat} is given twice"),
            StartError::ZeroStack(seat) => write!(f, "{seat} has no chips"),
            StartError::AmountAboveLimit { got } => {
                write!(f, "amount {got} is above the limit {}", super::CHIPS_MAX)
            }
            StartError::ButtonNotSeated(seat) => write!(f, "the button ({seat}) has no player"),
            StartError::DeckKindMismatch { expected, got } => {
                write!(f, "the variant needs a {expected:?} deck, got {got:?}")
            }
            StartError::TooManyPlayersForDeck { players, max } => {
                write!(f, "{players} players, but the deck deals to at most {max}")
            }
            StartError::BadHoleCardCount(count) => {
                write!(f, "{count} hole cards is not a supported variant")
            }
            StartError::BadForcedBets(error) => write!(f, "bad forced bets: {error}"),
            StartError::BadBetting(error) => write!(f, "bad betting structure: {error}"),
            StartError::BadExtraPost(error) => write!(f, "bad extra post: {error}"),
        }
    }
}

impl fmt::Display for ForcedBetsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ForcedBetsError::SmallAboveBig => "the small blind is above the big blind",
            ForcedBetsError::StraddleNotAboveBigBlind => "the straddle must exceed the big blind",
            ForcedBetsError::StraddleNeedsThreePlayers => "a straddle needs three players",
            ForcedBetsError::ButtonBlindWithOtherBlinds => {
                "a button blind excludes the other blinds"
            }
            ForcedBetsError::ZeroButtonBlind => "the button blind is zero",
            ForcedBetsError::AnteKindMismatch => "the ante kind does not match the ante amount",
            ForcedBetsError::BigBlindAnteWithoutBigBlind => "a big-blind ante needs a big blind",
            ForcedBetsError::ZeroMinBet => "the minimum bet is zero",
        })
    }
}

impl fmt::Display for BettingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BettingError::ZeroLimitBet => "a fixed-limit bet size is zero",
            BettingError::ZeroRaiseCap => "the raise cap is zero",
        })
    }
}

impl std::error::Error for StartError {}

/// Why an action was refused. The hand is unchanged when this is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ActionError {
    /// The hand is over.
    HandFinished,
    /// Another seat is to act.
    NotYourTurn {
        /// The seat to act.
        expected: Seat,
        /// The seat that tried to act.
        got: Seat,
    },
    /// A check while facing a bet.
    CannotCheck {
        /// Chips needed to call.
        to_call: Chips,
    },
    /// A call with nothing to call (check instead).
    NothingToCall,
    /// A bet or raise is not allowed now.
    RaiseNotAllowed(RaiseBlocked),
    /// A bet-to amount that does not exceed the current bet (call instead).
    BetNotAboveCurrent {
        /// The current bet.
        current: Chips,
        /// The amount given.
        got: Chips,
    },
    /// A bet or raise below the minimum that is not all-in.
    BetBelowMinimum {
        /// The smallest legal amount.
        min: Chips,
        /// The amount given.
        got: Chips,
    },
    /// A bet or raise above the pot-limit or fixed-limit maximum.
    BetAboveMaximum {
        /// The largest legal amount.
        max: Chips,
        /// The amount given.
        got: Chips,
    },
    /// A bet or raise beyond the player's stack.
    BetExceedsStack {
        /// The bet-to amount that puts the whole stack in.
        all_in_to: Chips,
        /// The amount given.
        got: Chips,
    },
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionError::HandFinished => f.write_str("the hand is over"),
            ActionError::NotYourTurn { expected, got } => {
                write!(f, "{got} acted but {expected} is to act")
            }
            ActionError::CannotCheck { to_call } => write!(f, "cannot check: {to_call} to call"),
            ActionError::NothingToCall => f.write_str("nothing to call"),
            ActionError::RaiseNotAllowed(reason) => write!(f, "no raise allowed: {reason:?}"),
            ActionError::BetNotAboveCurrent { current, got } => {
                write!(f, "bet to {got} does not exceed the current bet {current}")
            }
            ActionError::BetBelowMinimum { min, got } => {
                write!(f, "bet to {got} is below the minimum {min}")
            }
            ActionError::BetAboveMaximum { max, got } => {
                write!(f, "bet to {got} is above the maximum {max}")
            }
            ActionError::BetExceedsStack { all_in_to, got } => {
                write!(f, "bet to {got} exceeds the stack (all-in is {all_in_to})")
            }
        }
    }
}

impl std::error::Error for ActionError {}
