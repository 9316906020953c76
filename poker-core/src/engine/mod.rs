//! The hand engine: one hand of poker as a pure state machine, events in and out.
//!
//! [`Hand::start`] takes a [`HandConfig`], the players and a [`Deck`](crate::Deck)
//! already in dealing order; [`Hand::apply`] takes one player's [`Action`] at a time
//! and returns the [`Event`]s it caused. The engine never shuffles, reads a clock or
//! does I/O, so a hand is fully determined by its inputs.
//!
//! Rules follow card-room practice (TDA / WSOP) where references disagree; each
//! choice is documented where it is made: positions, forced-bet order and short
//! blinds on [`Hand::start`], reopening and fixed-limit all-ins on
//! [`RaiseBlocked::NotReopened`], the fixed-limit cap on [`BettingStructure`], side
//! pots, antes and splits on [`Event::PotAwarded`], odd chips on [`OddChipRule`],
//! showdown order on [`Event::HandShown`].

mod action;
mod betting;
mod chips;
mod config;
mod error;
mod event;
mod forced;
mod hand;
mod player;
mod posts;
mod pots;
mod seat;
mod showdown;
mod validate;

pub use action::{Action, LegalActions, RaiseBlocked};
pub use chips::{Chips, CHIPS_MAX};
pub use config::{
    AnteKind, BettingStructure, ForcedBets, Game, HandConfig, LimitBetSize, OddChipRule, SeatSetup,
    StreetSpec, Variant, FIXED_LIMIT_BETS_PER_STREET_DEFAULT,
};
pub use error::{ActionError, BettingError, ForcedBetsError, StartError};
pub use event::{Blind, Event, HandResult, HandValue, PotShare, SeatResult, WinningHand};
pub use hand::{Hand, ACTIONS_PER_HAND_MAX, RAISES_PER_STREET_MAX, STREETS_MAX};
pub use posts::{ExtraPost, ExtraPostError};
pub use seat::{Seat, SEATS_MAX};
