//! The hand engine driven from a plain game loop: a six-max sit-and-go where the
//! host program owns the table (seats, stacks, button, decks, a clock) and
//! `poker-core` owns the rules of each hand.
//!
//! Run with `cargo run -p fairdeal-examples --bin game_loop`.

use poker_core::{
    Action, BettingStructure, Card, Chips, Deck, DeckKind, Event, ForcedBets, Game, Hand,
    HandConfig, LegalActions, Seat, SeatSetup, Variant,
};

/// The tournament stops after this many hands even without a winner.
const HANDS_MAX: u32 = 500;

/// Blinds double every this many hands.
const HANDS_PER_LEVEL: u32 = 20;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut stacks: Vec<(Seat, Chips)> = (0..6)
        .map(|n| {
            Ok((
                Seat::new(n).ok_or("seat numbers below SEATS_MAX")?,
                Chips::new(1_500),
            ))
        })
        .collect::<Result<_, &str>>()?;
    let mut rng = SplitMix64(2024);
    let mut button = stacks[0].0;
    let mut hands = 0;
    while stacks.len() > 1 && hands < HANDS_MAX {
        let level = 1u64 << (hands / HANDS_PER_LEVEL).min(10);
        let config = HandConfig::new(
            Game {
                variant: Variant::Holdem,
                betting: BettingStructure::NoLimit,
            },
            ForcedBets::blinds(Chips::new(10 * level), Chips::new(20 * level)),
        );
        let seats: Vec<SeatSetup> = stacks
            .iter()
            .map(|&(seat, stack)| SeatSetup { seat, stack })
            .collect();
        // A demo shuffle; a real server takes the deck from the fairness protocol.
        let mut cards: Vec<Card> = DeckKind::Standard.ordered_cards();
        for i in (1..cards.len()).rev() {
            cards.swap(i, (rng.next() % (i as u64 + 1)) as usize);
        }
        let (mut hand, _) = Hand::start(
            config,
            &seats,
            button,
            Deck::new(DeckKind::Standard, cards)?,
        )?;
        while let Some(legal) = hand.legal_actions() {
            // The host's "clock": now and then a player does not answer in time.
            let action = if rng.next() % 50 == 0 {
                Action::TimeOut
            } else {
                bot_decision(&legal, &mut rng)
            };
            hand.apply(legal.seat, action)?;
        }
        hands += 1;
        report(hands, &hand);
        // Carry stacks over, remove busted players, move the button clockwise.
        stacks = hand
            .stacks()
            .into_iter()
            .filter(|(_, stack)| !stack.is_zero())
            .collect();
        button = next_button(&stacks, button);
    }
    println!("after {hands} hands: {stacks:?}");
    Ok(())
}

/// A simple random strategy that only ever picks legal actions.
fn bot_decision(legal: &LegalActions, rng: &mut SplitMix64) -> Action {
    match (rng.next() % 10, legal.min_bet_to, legal.max_bet_to) {
        (0..=3, _, _) if !legal.can_check => Action::Fold,
        (1, Some(min), Some(max)) => {
            let span = max.get() - min.get();
            Action::BetTo(Chips::new(min.get() + rng.next() % (span / 4 + 1)))
        }
        (2, Some(_), Some(max)) if rng.next() % 8 == 0 => Action::BetTo(max),
        _ if legal.can_check => Action::Check,
        _ => Action::Call,
    }
}

/// The first seat still playing clockwise after `button`.
fn next_button(stacks: &[(Seat, Chips)], button: Seat) -> Seat {
    stacks
        .iter()
        .map(|&(seat, _)| seat)
        .find(|&seat| seat > button)
        .or_else(|| stacks.first().map(|&(seat, _)| seat))
        .unwrap_or(button)
}

fn report(number: u32, hand: &Hand) {
    let pots: Vec<String> = hand
        .events()
        .iter()
        .filter_map(|event| match event {
            Event::PotAwarded {
                amount, winners, ..
            } => Some(format!(
                "{amount} to {}",
                winners
                    .iter()
                    .map(|(seat, _)| seat.to_string())
                    .collect::<Vec<_>>()
                    .join(" & ")
            )),
            _ => None,
        })
        .collect();
    println!("hand {number}: {}", pots.join(", "));
}

/// splitmix64: a tiny deterministic generator for the demo's shuffles and bots.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
