//! Replays a record's action log through `poker-core`'s hand engine and returns
//! the stacks it ends with; the engine, not the record, decides what happened.

use poker_core::{
    Action, AnteKind as EngineAnte, BettingStructure, Chips, Deck, Event, ExtraPost,
    ForcedBets as EngineForced, Game, Hand, HandConfig, OddChipRule as EngineOddChips, Seat,
    SeatSetup, StartError, Variant as EngineVariant,
};

use crate::records::{FinalStack, HandOutcome, HandStatus, RecordedAction};
use crate::setup::{AnteKind, Betting, HandSetup, OddChipRule, Variant};
use crate::verify::VerifyError;

/// Replays `outcome.actions` on `deck` and returns every seat's stack afterwards.
/// A completed hand must finish exactly at its last action; an aborted void must
/// still be running after its last action. The engine's dealt cards must be the
/// recorded ones.
pub(crate) fn replay(
    setup: &HandSetup,
    deck: Deck,
    outcome: &HandOutcome,
) -> Result<Vec<FinalStack>, VerifyError> {
    let (mut hand, _) = start_hand(setup, deck).map_err(|err| match err {
        HandStartError::Seat(_) => VerifyError::Binding(SEAT_OUT_OF_RANGE),
        HandStartError::Engine(err) => VerifyError::Replay {
            action: None,
            reason: err.to_string(),
        },
    })?;
    for (index, logged) in outcome.actions.iter().enumerate() {
        let action = match logged.action {
            RecordedAction::Fold => Action::Fold,
            RecordedAction::Check => Action::Check,
            RecordedAction::Call => Action::Call,
            RecordedAction::BetTo(to) => Action::BetTo(Chips::new(to)),
            RecordedAction::TimeOut => Action::TimeOut,
        };
        hand.apply(seat(logged.seat)?, action)
            .map_err(|err| VerifyError::Replay {
                action: Some(index),
                reason: err.to_string(),
            })?;
    }
    let finished = hand.is_finished();
    match outcome.status {
        HandStatus::Completed if !finished => {
            return Err(VerifyError::Replay {
                action: None,
                reason: "the hand is not finished after the last action".into(),
            })
        }
        HandStatus::VoidAborted if finished => {
            return Err(VerifyError::Void("an aborted hand cannot have finished"))
        }
        _ => {}
    }
    if hand.board() != outcome.board.as_slice() {
        return Err(VerifyError::Dealing(
            "board differs from the engine's".into(),
        ));
    }
    for hole in &outcome.hole_cards {
        if hand.hole_cards(seat(hole.seat)?) != Some(hole.cards.as_slice()) {
            return Err(VerifyError::Dealing(format!(
                "seat {} hole cards differ from the engine's",
                hole.seat
            )));
        }
    }
    Ok(FinalStack::all_of(&hand))
}

const SEAT_OUT_OF_RANGE: &str = "seat number out of range";

fn seat(number: u8) -> Result<Seat, VerifyError> {
    Seat::new(number).ok_or(VerifyError::Binding(SEAT_OUT_OF_RANGE))
}

/// Why [`start_hand`] could not start a setup's hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HandStartError {
    /// A seat number of the setup is not a `poker_core::Seat` (decoded setups never have one).
    Seat(u8),
    /// The engine refused the start.
    Engine(StartError),
}

impl std::fmt::Display for HandStartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HandStartError::Seat(number) => write!(f, "seat {number} is out of range"),
            HandStartError::Engine(err) => write!(f, "the engine refused the start: {err}"),
        }
    }
}

impl std::error::Error for HandStartError {}

/// Starts the engine hand a setup describes on `deck`: its configuration
/// ([`engine_config`]), seats, button and extra posts. [`crate::verify`] replays with
/// exactly this, so a server that deals with it plays the rules its records are checked
/// against.
///
/// ```
/// let setup = fairness::doc_support::heads_up_setup();
/// let deck = poker_core::Deck::ordered(poker_core::DeckKind::Standard);
/// let (hand, _events) = fairness::start_hand(&setup, deck)?;
/// assert_eq!(hand.seats().len(), setup.seats().len());
/// # Ok::<(), fairness::HandStartError>(())
/// ```
pub fn start_hand(setup: &HandSetup, deck: Deck) -> Result<(Hand, Vec<Event>), HandStartError> {
    let to_seat = |number: u8| Seat::new(number).ok_or(HandStartError::Seat(number));
    let seats: Vec<SeatSetup> = setup
        .seats()
        .iter()
        .map(|s| {
            Ok(SeatSetup {
                seat: to_seat(s.seat)?,
                stack: Chips::new(s.stack),
            })
        })
        .collect::<Result<_, HandStartError>>()?;
    let posts: Vec<ExtraPost> = setup
        .posts()
        .iter()
        .map(|p| {
            Ok(ExtraPost {
                seat: to_seat(p.seat)?,
                live: Chips::new(p.live),
                dead: Chips::new(p.dead),
            })
        })
        .collect::<Result<_, HandStartError>>()?;
    Hand::start_with_posts(
        engine_config(setup),
        &seats,
        to_seat(setup.button())?,
        deck,
        &posts,
    )
    .map_err(HandStartError::Engine)
}

/// The engine configuration a setup describes: the one [`crate::verify`] replays with, so a
/// server that plays its hands with it plays exactly the rules its records are checked
/// against.
///
/// ```
/// let setup = fairness::doc_support::heads_up_setup();
/// let config = fairness::engine_config(&setup);
/// assert_eq!(config.forced.big_blind.get(), setup.forced().big_blind);
/// ```
pub fn engine_config(setup: &HandSetup) -> HandConfig {
    let variant = match setup.variant() {
        Variant::Holdem => EngineVariant::Holdem,
        Variant::ShortDeckHoldem => EngineVariant::ShortDeckHoldem,
        Variant::Omaha { hole_cards } => EngineVariant::Omaha { hole_cards },
        Variant::OmahaHiLo { hole_cards } => EngineVariant::OmahaHiLo { hole_cards },
    };
    let betting = match setup.betting() {
        Betting::NoLimit => BettingStructure::NoLimit,
        Betting::PotLimit => BettingStructure::PotLimit,
        Betting::FixedLimit {
            small_bet,
            big_bet,
            raise_cap,
        } => BettingStructure::FixedLimit {
            small_bet: Chips::new(small_bet),
            big_bet: Chips::new(big_bet),
            raise_cap,
        },
    };
    let f = setup.forced();
    HandConfig {
        game: Game { variant, betting },
        forced: EngineForced {
            small_blind: Chips::new(f.small_blind),
            big_blind: Chips::new(f.big_blind),
            ante: Chips::new(f.ante),
            ante_kind: match f.ante_kind {
                AnteKind::None => EngineAnte::None,
                AnteKind::Uniform => EngineAnte::Uniform,
                AnteKind::BigBlind => EngineAnte::BigBlind,
            },
            straddle: f.straddle.map(Chips::new),
            button_blind: f.button_blind.map(Chips::new),
            min_bet: Chips::new(f.min_bet),
        },
        odd_chips: match setup.odd_chips() {
            OddChipRule::ChipByChipLeftOfButton => EngineOddChips::ChipByChipLeftOfButton,
            OddChipRule::WholeRemainderToFirstLeftOfButton => {
                EngineOddChips::WholeRemainderToFirstLeftOfButton
            }
        },
        dealing: setup.dealing_order(),
    }
}
