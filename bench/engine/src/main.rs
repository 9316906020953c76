//! Benchmark binary: how many complete random hands per second the hand engine
//! plays, with the decks given up front (shuffling is not measured).
//!
//! Run with `cargo run --release -p fairdeal-bench-engine`. Each game is timed in
//! several rounds and the median round is reported, because the machine is shared.

use std::hint::black_box;
use std::time::{Duration, Instant};

use poker_core::{
    Action, BettingStructure, Card, Chips, Deck, ForcedBets, Game, Hand, HandConfig, LegalActions,
    Seat, SeatSetup, Variant,
};

/// Distinct decks prepared per game; hands cycle through them.
const DECKS: usize = 1_024;
/// Timed rounds per game; the median is reported.
const ROUNDS: usize = 7;
/// Minimum length of one timed round.
const ROUND_TIME: Duration = Duration::from_millis(400);

fn main() {
    println!("poker-core engine: complete random hands per second (median of {ROUNDS} rounds)");
    for (name, game, players) in [
        ("NLHE heads-up", holdem(BettingStructure::NoLimit), 2),
        ("NLHE 6-max", holdem(BettingStructure::NoLimit), 6),
        ("NLHE 9-handed", holdem(BettingStructure::NoLimit), 9),
        (
            "PLO4 6-max",
            Game {
                variant: Variant::Omaha { hole_cards: 4 },
                betting: BettingStructure::PotLimit,
            },
            6,
        ),
        (
            "FL Omaha hi-lo 6-max",
            Game {
                variant: Variant::OmahaHiLo { hole_cards: 4 },
                betting: BettingStructure::FixedLimit {
                    small_bet: Chips::new(2),
                    big_bet: Chips::new(4),
                    raise_cap: Some(4),
                },
            },
            6,
        ),
    ] {
        let (hands_per_second, actions_per_hand) = measure(game, players);
        println!(
            "{name:<22} {hands_per_second:>12.0} hands/s   {actions_per_hand:>5.1} actions/hand"
        );
    }
}

fn holdem(betting: BettingStructure) -> Game {
    Game {
        variant: Variant::Holdem,
        betting,
    }
}

/// Plays hands of `game` for `ROUNDS` rounds; returns the median hands per second
/// and the mean number of player actions per hand.
fn measure(game: Game, players: u8) -> (f64, f64) {
    let config = HandConfig::new(game, ForcedBets::blinds(Chips::new(1), Chips::new(2)));
    let seats: Vec<SeatSetup> = (0..players)
        .map(|n| SeatSetup {
            seat: Seat::new(n).expect("fewer players than SEATS_MAX"),
            stack: Chips::new(200),
        })
        .collect();
    let button = seats[0].seat;
    let mut rng = SplitMix64(7);
    let decks: Vec<Deck> = (0..DECKS)
        .map(|_| shuffled(game.variant, &mut rng))
        .collect();
    let mut rates = Vec::with_capacity(ROUNDS);
    let (mut hands, mut actions) = (0u64, 0u64);
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let mut round_hands = 0u64;
        while started.elapsed() < ROUND_TIME {
            for deck in decks.iter().take(64) {
                let (mut hand, _) = Hand::start(config, &seats, button, deck.clone())
                    .expect("the benchmark configuration is valid");
                while let Some(legal) = hand.legal_actions() {
                    let action = decide(&legal, &mut rng);
                    black_box(hand.apply(legal.seat, action).expect("only legal actions"));
                }
                actions += hand.action_count() as u64;
                round_hands += 1;
            }
        }
        hands += round_hands;
        rates.push(round_hands as f64 / started.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    (rates[ROUNDS / 2], actions as f64 / hands as f64)
}

/// A random legal action, biased toward calls and checks like real play.
fn decide(legal: &LegalActions, rng: &mut SplitMix64) -> Action {
    match (rng.next() % 10, legal.min_bet_to, legal.max_bet_to) {
        (0 | 1, _, _) if !legal.can_check => Action::Fold,
        (2, Some(min), Some(max)) => Action::BetTo(Chips::new(
            min.get() + rng.next() % (max.get() - min.get() + 1),
        )),
        (3, Some(min), Some(_)) => Action::BetTo(min),
        _ if legal.can_check => Action::Check,
        _ => Action::Call,
    }
}

fn shuffled(variant: Variant, rng: &mut SplitMix64) -> Deck {
    let kind = variant.deck_kind();
    let mut cards: Vec<Card> = kind.ordered_cards();
    for i in (1..cards.len()).rev() {
        cards.swap(i, (rng.next() % (i as u64 + 1)) as usize);
    }
    Deck::new(kind, cards).expect("a shuffle is a permutation")
}

/// splitmix64: deterministic inputs for the benchmark.
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
