//! Helpers shared by the integration tests: fixed keys and setups, and a driver
//! that plays a whole hand through the protocol and the engine.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)] // Each test file uses a different subset.

use fairness::*;
use poker_core::{Action, LegalActions};

/// The test server key (fixed secret, never used outside tests).
pub fn key() -> ServerKey {
    ServerKey::from_secret_bytes([0x5e; 32])
}

pub fn forced(sb: u64, bb: u64) -> ForcedBets {
    ForcedBets {
        small_blind: sb,
        big_blind: bb,
        ante: 0,
        ante_kind: AnteKind::None,
        straddle: None,
        button_blind: None,
        min_bet: bb,
    }
}

/// `seats` players at seats 0, 2, 4, … with the given stacks, button on the first.
pub fn setup(variant: Variant, stacks: &[u64]) -> HandSetup {
    let seats = stacks
        .iter()
        .enumerate()
        .map(|(i, &stack)| SeatEntry {
            seat: (i * 2) as u8 % MAX_SEATS,
            stack,
            player: format!("player-{i}"),
        })
        .collect();
    HandSetup::new(
        variant,
        Betting::NoLimit,
        forced(1, 2),
        OddChipRule::ChipByChipLeftOfButton,
        poker_core::DealingOrder::V1,
        0,
        seats,
    )
    .unwrap()
}

/// How the players act.
#[derive(Clone, Copy, Debug)]
pub enum Policy {
    /// Check when free, otherwise call: every hand goes to showdown.
    CheckCall,
    /// The first player to act bets the minimum, everyone else folds.
    BetThenFold,
    /// Everyone moves all-in or calls.
    AllIn,
}

fn choose(policy: Policy, legal: &LegalActions, step: usize) -> Action {
    match policy {
        Policy::CheckCall => {
            if legal.can_check {
                Action::Check
            } else {
                Action::Call
            }
        }
        Policy::BetThenFold => match (step, legal.min_bet_to) {
            (0, Some(to)) => Action::BetTo(to),
            (0, None) => Action::Call,
            _ => Action::Fold,
        },
        Policy::AllIn => match legal.max_bet_to {
            Some(to) if !legal.can_check || step == 0 => Action::BetTo(to),
            _ if legal.can_check => Action::Check,
            _ => Action::Call,
        },
    }
}

/// Client seeds for every seat of `setup`, derived from `salt`.
pub fn client_seeds(setup: &HandSetup, salt: u8) -> Vec<(u8, ClientSeed)> {
    setup
        .seats()
        .iter()
        .map(|s| (s.seat, ClientSeed::from_bytes([salt ^ (s.seat + 1); 32])))
        .collect()
}

/// Runs steps 1–3 of the protocol with every seat committing and revealing.
pub fn open_hand(
    key: &ServerKey,
    table: u64,
    hand_no: u64,
    setup: HandSetup,
    salt: u8,
) -> HandSession {
    let seeds = client_seeds(&setup, salt);
    let mut session = HandSession::announce(
        key,
        table,
        hand_no,
        setup,
        ServerSeed::from_bytes([salt; 32]),
    );
    let entries = session.client_commit_entries(&seeds);
    session.close_commitments(key, entries).unwrap();
    for (seat, seed) in seeds {
        session.reveal(seat, seed).unwrap();
    }
    session
}

/// Plays the hand in the engine; returns the log, board length and final stacks.
pub fn play(
    setup: &HandSetup,
    session: &HandSession,
    policy: Policy,
    max_actions: Option<usize>,
) -> (Vec<LoggedAction>, usize, Vec<FinalStack>) {
    // Through the crate's own start, so setups with extra posts are played as verified.
    let (mut hand, _) = fairness::start_hand(setup, session.deck().unwrap()).unwrap();
    let mut actions = Vec::new();
    let mut step = 0;
    while let Some(legal) = hand.legal_actions() {
        if max_actions.is_some_and(|m| actions.len() >= m) {
            break;
        }
        let action = choose(policy, &legal, step);
        hand.apply(legal.seat, action).unwrap();
        actions.push(LoggedAction {
            seat: legal.seat.index(),
            action: action.into(),
        });
        step += 1;
    }
    let stacks = FinalStack::all_of(&hand);
    (actions, hand.board().len(), stacks)
}

/// A complete, signed record of a hand played with `policy`.
pub fn played_record(
    key: &ServerKey,
    table: u64,
    hand_no: u64,
    previous: RecordHash,
    setup: HandSetup,
    salt: u8,
    policy: Policy,
) -> SignedHandRecord {
    let session = open_hand(key, table, hand_no, setup.clone(), salt);
    let (actions, board_len, stacks) = play(&setup, &session, policy, None);
    session
        .finish(key, previous, actions, board_len, stacks)
        .unwrap()
}

/// A chain of `len` records at one table, alternating policies.
pub fn chain(key: &ServerKey, table: u64, len: usize) -> Vec<SignedHandRecord> {
    let mut records: Vec<SignedHandRecord> = Vec::with_capacity(len);
    for i in 0..len {
        let previous = records
            .last()
            .map_or(RecordHash::GENESIS, |r| r.record_hash());
        let policy = [Policy::CheckCall, Policy::BetThenFold, Policy::AllIn][i % 3];
        let setup = setup(Variant::Holdem, &[200, 300, 150]);
        records.push(played_record(
            key,
            table,
            i as u64 + 1,
            previous,
            setup,
            i as u8,
            policy,
        ));
    }
    records
}

pub fn keys() -> KeyRing {
    KeyRing::new(*key().public())
}

/// Re-signs a record after `edit` (a dishonest server).
pub fn resigned(
    record: &SignedHandRecord,
    edit: impl FnOnce(&mut TamperAccess<'_>),
) -> SignedHandRecord {
    let mut body = record.body().clone();
    edit(&mut body.tamper());
    Signed::resign_with(body, &key())
}
