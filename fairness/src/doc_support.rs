//! Small fixed hands for documentation examples. Not part of the protocol.

use crate::keys::ServerKey;
use crate::records::SignedHandRecord;
use crate::seeds::{ClientSeed, ServerSeed};
use crate::setup::{AnteKind, Betting, ForcedBets, HandSetup, OddChipRule, SeatEntry, Variant};
use crate::{digest::RecordHash, protocol::HandSession};

/// A heads-up no-limit hold'em setup: seats 0 and 3, 1/2 blinds, button on seat 0.
pub fn heads_up_setup() -> HandSetup {
    HandSetup::new(
        Variant::Holdem,
        Betting::NoLimit,
        ForcedBets {
            small_blind: 1,
            big_blind: 2,
            ante: 0,
            ante_kind: AnteKind::None,
            straddle: None,
            button_blind: None,
            min_bet: 2,
        },
        OddChipRule::ChipByChipLeftOfButton,
        poker_core::DealingOrder::V1,
        0,
        vec![
            SeatEntry {
                seat: 0,
                stack: 200,
                player: "alice".into(),
            },
            SeatEntry {
                seat: 3,
                stack: 200,
                player: "bob".into(),
            },
        ],
    )
    .expect("a valid fixed setup")
}

/// A key and a hand voided because seat 3 never revealed its seed.
pub fn voided_hand() -> (ServerKey, SignedHandRecord) {
    let key = ServerKey::from_secret_bytes([1; 32]);
    let mut session = HandSession::announce(
        &key,
        1,
        1,
        heads_up_setup(),
        ServerSeed::from_bytes([2; 32]),
    );
    let [alice, bob] = [3, 4].map(|byte| ClientSeed::from_bytes([byte; 32]));
    let entries = session.client_commit_entries(&[(0, alice.clone()), (3, bob)]);
    session
        .close_commitments(&key, entries)
        .expect("seats match the setup");
    session.reveal(0, alice).expect("matching seed");
    let record = session
        .void_missing_reveals(&key, RecordHash::GENESIS)
        .expect("seat 3 is missing");
    (key, record)
}

/// The engine configuration a setup describes (for tests and tools that drive
/// the engine next to the protocol).
pub fn engine_config(setup: &HandSetup) -> poker_core::HandConfig {
    crate::replay::engine_config(setup)
}

/// A key and a completed heads-up hand: both players check or call to the river, so
/// both show down.
pub fn played_hand() -> (ServerKey, SignedHandRecord) {
    use poker_core::{Action, Hand, SeatSetup};

    let key = ServerKey::from_secret_bytes([1; 32]);
    let setup = heads_up_setup();
    let mut session =
        HandSession::announce(&key, 1, 1, setup.clone(), ServerSeed::from_bytes([5; 32]));
    let seeds = [
        (0, ClientSeed::from_bytes([6; 32])),
        (3, ClientSeed::from_bytes([7; 32])),
    ];
    let entries = session.client_commit_entries(&seeds);
    session
        .close_commitments(&key, entries)
        .expect("seats match the setup");
    for (seat, seed) in seeds {
        session.reveal(seat, seed).expect("matching seed");
    }
    let deck = session.deck().expect("every seed revealed");
    let players: Vec<SeatSetup> = setup
        .seats()
        .iter()
        .map(|s| SeatSetup {
            seat: poker_core::Seat::new(s.seat).expect("seat below 10"),
            stack: poker_core::Chips::new(s.stack),
        })
        .collect();
    let button = poker_core::Seat::new(setup.button()).expect("seat below 10");
    let (mut hand, _) =
        Hand::start(engine_config(&setup), &players, button, deck).expect("valid start");
    let mut actions = Vec::new();
    while let Some(seat) = hand.to_act() {
        let legal = hand.legal_actions().expect("someone acts");
        let action = if legal.can_check {
            Action::Check
        } else {
            Action::Call
        };
        hand.apply(seat, action).expect("legal action");
        actions.push(crate::records::LoggedAction {
            seat: seat.index(),
            action: action.into(),
        });
    }
    let finals = crate::records::FinalStack::all_of(&hand);
    let record = session
        .finish(
            &key,
            RecordHash::GENESIS,
            actions,
            hand.board().len(),
            finals,
        )
        .expect("a finished hand");
    (key, record)
}
