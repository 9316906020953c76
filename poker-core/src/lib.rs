//! Cards, hand evaluation and the rules of poker as a pure state machine.
//!
//! `poker-core` is the part of fairdeal that game developers embed. It performs no
//! I/O, reads no clock and draws no random numbers: a deck arrives already in its
//! dealing order, and the passage of time arrives as an action. That makes every
//! hand reproducible from its inputs, which is what lets a player verify it.
//!
//! ```
//! use poker_core::{evaluate, parse_cards};
//!
//! let board = parse_cards("Kd7h7c2s9d")?;
//! let hero = [parse_cards("KsKc")?, board.clone()].concat();
//! let villain = [parse_cards("AsAd")?, board].concat();
//! assert!(evaluate(&hero)? > evaluate(&villain)?); // kings full beats aces up
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod card;
pub mod dealing;
pub mod deck;
pub mod engine;
pub mod eval;
pub mod export;
pub mod phh;

pub use card::{format_cards, parse_cards, Card, CardSet, ParseCardError, Rank, Suit};
pub use dealing::{DealLayout, DealingOrder, UnknownDealingOrder};
pub use deck::{Deck, DeckError, DeckKind};
pub use engine::{
    Action, ActionError, AnteKind, BettingError, BettingStructure, Blind, Chips, Event, ExtraPost,
    ExtraPostError, ForcedBets, ForcedBetsError, Game, Hand, HandConfig, HandResult, HandValue,
    LegalActions, LimitBetSize, OddChipRule, PotShare, RaiseBlocked, Seat, SeatResult, SeatSetup,
    StartError, StreetSpec, Variant, WinningHand, ACTIONS_PER_HAND_MAX, CHIPS_MAX,
    FIXED_LIMIT_BETS_PER_STREET_DEFAULT, RAISES_PER_STREET_MAX, SEATS_MAX, STREETS_MAX,
};
pub use eval::{
    evaluate, evaluate_low8, evaluate_omaha, evaluate_omaha_low8, evaluate_short_deck, Category,
    EvalError, FastHand, HandStrength, LowStrength, SevenCards, ShortDeckStrength,
};
