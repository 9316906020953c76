//! Fuzz target: arbitrary hand setups and action sequences fed to the hand engine.
//!
//! The input bytes choose the variant, betting structure, forced bets (any sizes,
//! including ones above the limits), players, stacks, button and deck order, then a
//! stream of actions by any seat with any amounts. The engine must never panic
//! (its own invariant checks run after every transition), every refused action must
//! leave the hand unchanged, and a hand must end within `ACTIONS_PER_HAND_MAX`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use poker_core::{
    Action, AnteKind, BettingStructure, Card, Chips, Deck, ForcedBets, Game, Hand, HandConfig,
    OddChipRule, Seat, SeatSetup, Variant, ACTIONS_PER_HAND_MAX,
};

/// Reads the fuzzer's bytes as small numbers; zeros once they run out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&first, rest)) => {
                self.0 = rest;
                first
            }
            None => 0,
        }
    }

    /// Mostly small amounts, sometimes huge ones (to hit the limits).
    fn amount(&mut self) -> u64 {
        match self.byte() % 8 {
            0 => u64::from_le_bytes(std::array::from_fn(|_| self.byte())),
            1 => u64::from(self.byte()) << 50,
            _ => u64::from(self.byte()),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Bytes(data);
    let variant = match input.byte() % 4 {
        0 => Variant::Holdem,
        1 => Variant::ShortDeckHoldem,
        2 => Variant::Omaha { hole_cards: input.byte() % 8 },
        _ => Variant::OmahaHiLo { hole_cards: input.byte() % 8 },
    };
    let betting = match input.byte() % 3 {
        0 => BettingStructure::NoLimit,
        1 => BettingStructure::PotLimit,
        _ => BettingStructure::FixedLimit {
            small_bet: Chips::new(input.amount()),
            big_bet: Chips::new(input.amount()),
            raise_cap: Some(input.byte() % 6).filter(|&c| c != 5),
        },
    };
    let mut forced = ForcedBets::blinds(Chips::new(input.amount()), Chips::new(input.amount()));
    forced.min_bet = Chips::new(input.amount());
    forced.ante = Chips::new(input.amount());
    forced.ante_kind = [AnteKind::None, AnteKind::Uniform, AnteKind::BigBlind][usize::from(input.byte() % 3)];
    if input.byte() % 4 == 0 {
        forced.straddle = Some(Chips::new(input.amount()));
    }
    if input.byte() % 4 == 0 {
        forced.button_blind = Some(Chips::new(input.amount()));
    }
    let mut config = HandConfig::new(Game { variant, betting }, forced);
    if input.byte() % 2 == 0 {
        config.odd_chips = OddChipRule::WholeRemainderToFirstLeftOfButton;
    }
    let players = usize::from(input.byte() % 12);
    let seats: Vec<SeatSetup> = (0..players)
        .filter_map(|_| {
            let seat = Seat::new(input.byte() % 10)?;
            Some(SeatSetup { seat, stack: Chips::new(input.amount()) })
        })
        .collect();
    let Some(button) = Seat::new(input.byte() % 10) else { return };
    let kind = variant.deck_kind();
    let mut cards: Vec<Card> = kind.ordered_cards();
    for i in (1..cards.len()).rev() {
        cards.swap(i, usize::from(input.byte()) % (i + 1));
    }
    let Ok(deck) = Deck::new(kind, cards) else { return };
    let Ok((mut hand, _)) = Hand::start(config, &seats, button, deck) else { return };
    while !input.0.is_empty() && !hand.is_finished() {
        let actor = match (input.byte() % 8, hand.to_act()) {
            (0, _) | (_, None) => Seat::new(input.byte() % 10),
            (_, to_act) => to_act,
        };
        let Some(actor) = actor else { continue };
        let action = match input.byte() % 5 {
            0 => Action::Fold,
            1 => Action::Check,
            2 => Action::Call,
            3 => Action::TimeOut,
            _ => Action::BetTo(Chips::new(input.amount())),
        };
        let before = hand.clone();
        if hand.apply(actor, action).is_err() {
            assert!(hand == before, "a refused action changed the hand");
        }
        assert!(hand.action_count() <= ACTIONS_PER_HAND_MAX);
    }
});
