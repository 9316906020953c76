//! Checks on the inputs of `Hand::start`, before anything is posted or dealt.

use super::chips::{Chips, CHIPS_MAX};
use super::config::{AnteKind, BettingStructure, ForcedBets, HandConfig, SeatSetup, Variant};
use super::error::{BettingError, ForcedBetsError, StartError};
use super::seat::{Seat, SEATS_MAX};
use crate::deck::Deck;

/// Cards burned and dealt to the board in a flop game (burn + 3, burn + 1, burn + 1).
const BOARD_DECK_CARDS: usize = 8;

/// Checks everything `Hand::start` is given; `Ok` means the hand can be dealt.
pub(super) fn check_start(
    config: &HandConfig,
    seats: &[SeatSetup],
    button: Seat,
    deck: &Deck,
) -> Result<(), StartError> {
    check_seats(seats, button)?;
    check_variant(config.game.variant)?;
    let expected = config.game.variant.deck_kind();
    if deck.kind() != expected {
        return Err(StartError::DeckKindMismatch {
            expected,
            got: deck.kind(),
        });
    }
    let hole = usize::from(config.game.variant.hole_cards());
    let max = (deck.len() - BOARD_DECK_CARDS) / hole;
    if seats.len() > max {
        return Err(StartError::TooManyPlayersForDeck {
            players: seats.len(),
            max,
        });
    }
    check_forced(&config.forced, seats.len())?;
    check_betting_amounts(&config.forced, config.game.betting)?;
    check_betting(config.game.betting)
}

fn check_amount(amount: Chips) -> Result<(), StartError> {
    if amount.get() > CHIPS_MAX {
        Err(StartError::AmountAboveLimit { got: amount })
    } else {
        Ok(())
    }
}

fn check_seats(seats: &[SeatSetup], button: Seat) -> Result<(), StartError> {
    if seats.len() < 2 {
        return Err(StartError::TooFewPlayers { got: seats.len() });
    }
    if seats.len() > usize::from(SEATS_MAX) {
        return Err(StartError::TooManyPlayers { got: seats.len() });
    }
    let mut seen = [false; SEATS_MAX as usize];
    for setup in seats {
        let slot = &mut seen[usize::from(setup.seat.index())];
        if *slot {
            return Err(StartError::DuplicateSeat(setup.seat));
        }
        *slot = true;
        if setup.stack.is_zero() {
            return Err(StartError::ZeroStack(setup.seat));
        }
        check_amount(setup.stack)?;
    }
    if !seen[usize::from(button.index())] {
        return Err(StartError::ButtonNotSeated(button));
    }
    Ok(())
}

fn check_variant(variant: Variant) -> Result<(), StartError> {
    match variant {
        Variant::Omaha { hole_cards } | Variant::OmahaHiLo { hole_cards }
            if !(4..=6).contains(&hole_cards) =>
        {
            Err(StartError::BadHoleCardCount(hole_cards))
        }
        _ => Ok(()),
    }
}

fn check_forced(forced: &ForcedBets, players: usize) -> Result<(), StartError> {
    let bad = |error| Err(StartError::BadForcedBets(error));
    for amount in [
        forced.small_blind,
        forced.big_blind,
        forced.ante,
        forced.min_bet,
        forced.straddle.unwrap_or(Chips::ZERO),
        forced.button_blind.unwrap_or(Chips::ZERO),
    ] {
        check_amount(amount)?;
    }
    if !forced.big_blind.is_zero() && forced.small_blind > forced.big_blind {
        return bad(ForcedBetsError::SmallAboveBig);
    }
    if let Some(straddle) = forced.straddle {
        if forced.big_blind.is_zero() || straddle <= forced.big_blind {
            return bad(ForcedBetsError::StraddleNotAboveBigBlind);
        }
        if players < 3 {
            return bad(ForcedBetsError::StraddleNeedsThreePlayers);
        }
    }
    if let Some(button_blind) = forced.button_blind {
        if button_blind.is_zero() {
            return bad(ForcedBetsError::ZeroButtonBlind);
        }
        if !forced.small_blind.is_zero() || !forced.big_blind.is_zero() || forced.straddle.is_some()
        {
            return bad(ForcedBetsError::ButtonBlindWithOtherBlinds);
        }
    }
    match (forced.ante_kind, forced.ante.is_zero()) {
        (AnteKind::None, false) | (AnteKind::Uniform | AnteKind::BigBlind, true) => {
            return bad(ForcedBetsError::AnteKindMismatch)
        }
        (AnteKind::BigBlind, false) if forced.big_blind.is_zero() => {
            return bad(ForcedBetsError::BigBlindAnteWithoutBigBlind)
        }
        _ => {}
    }
    Ok(())
}

fn check_betting_amounts(forced: &ForcedBets, betting: BettingStructure) -> Result<(), StartError> {
    if !matches!(betting, BettingStructure::FixedLimit { .. }) && forced.min_bet.is_zero() {
        return Err(StartError::BadForcedBets(ForcedBetsError::ZeroMinBet));
    }
    Ok(())
}

fn check_betting(betting: BettingStructure) -> Result<(), StartError> {
    if let BettingStructure::FixedLimit {
        small_bet,
        big_bet,
        raise_cap,
    } = betting
    {
        check_amount(small_bet)?;
        check_amount(big_bet)?;
        if small_bet.is_zero() || big_bet.is_zero() {
            return Err(StartError::BadBetting(BettingError::ZeroLimitBet));
        }
        if raise_cap == Some(0) {
            return Err(StartError::BadBetting(BettingError::ZeroRaiseCap));
        }
    }
    Ok(())
}
