//! Replays a record's action log through `poker-core`'s hand engine and returns
//! the stacks it ends with; the engine, not the record, decides what happened.

use poker_core::{
    Action, AnteKind as EngineAnte, BettingStructure, Chips, Deck, ForcedBets as EngineForced,
    Game, Hand, HandConfig, OddChipRule as EngineOddChips, Seat, SeatSetup,
    Variant as EngineVariant,
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
    let start_error = |reason: String| VerifyError::Replay {
        action: None,
        reason,
    };
    let seats: Vec<SeatSetup> = setup
        .seats()
        .iter()
        .map(|s| {
            Ok(SeatSetup {
                seat: seat(s.seat)?,
                stack: Chips::new(s.stack),
            })
        })
        .collect::<Result<_, VerifyError>>()?;
    let (mut hand, _) = Hand::start(engine_config(setup), &seats, seat(setup.button())?, deck)
        .map_err(|err| start_error(err.to_string()))?;
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
    Ok(hand
        .stacks()
        .into_iter()
        .map(|(seat, stack)| FinalStack {
            seat: seat.index(),
            stack: stack.get(),
        })
        .collect())
}

fn seat(number: u8) -> Result<Seat, VerifyError> {
    Seat::new(number).ok_or(VerifyError::Binding("seat number out of range"))
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
