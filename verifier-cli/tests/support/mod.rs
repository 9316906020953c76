//! Shared by the tests and the chain benchmark: running the real binary, the
//! fairness test vectors, and a deterministic generator of long record chains.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use fairness::{
    AnteKind, Betting, ClientSeed, FinalStack, ForcedBets, HandSession, HandSetup, LoggedAction,
    OddChipRule, PostEntry, RecordHash, SeatEntry, ServerKey, ServerSeed, SignedHandRecord,
    Variant,
};
use poker_core::{Action, DealingOrder};
use serde_json::Value;

/// The built `poker-verify`.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_poker-verify"))
}

/// Exit code, stdout and stderr of one run.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout))
    }

    /// Exit 2 with exactly one line on stderr, and no panic.
    pub fn assert_unusable(&self) {
        assert_eq!(
            self.code, 2,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        assert_eq!(
            self.stderr.trim_end().lines().count(),
            1,
            "stderr: {}",
            self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
    }
}

pub fn run(args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(bin()).args(args).output().unwrap();
    let run = Run {
        code: status.code().expect("not killed by a signal"),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
    run
}

/// A fresh, empty scratch folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("poker-verify-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn write(path: &Path, text: &str) -> String {
    std::fs::write(path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// `fairness/testdata/records.json`.
pub fn record_vectors() -> Value {
    let text = include_str!("../../../fairness/testdata/records.json");
    serde_json::from_str(text).unwrap()
}

/// The test key of the vectors, in hex.
pub fn vector_key() -> String {
    record_vectors()["server_public_key"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The test server key (fixed secret, never used outside tests).
pub fn test_key() -> ServerKey {
    ServerKey::from_secret_bytes([0x5e; 32])
}

fn setup(stacks: &[u64]) -> HandSetup {
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
        DealingOrder::V1,
        0,
        stacks
            .iter()
            .enumerate()
            .map(|(i, &stack)| SeatEntry {
                seat: (i * 2) as u8,
                stack,
                player: format!("player-{i}"),
            })
            .collect(),
    )
    .unwrap()
}

/// One completed, signed hand: three players; hand `i` is played check/call to
/// the showdown, or folded around to the big blind, or all-in, in turn.
pub fn played_record(
    key: &ServerKey,
    table: u64,
    hand_no: u64,
    previous: RecordHash,
) -> SignedHandRecord {
    played_record_of(key, table, hand_no, previous, setup(&[200, 300, 150]))
}

/// The three-player setup of [`played_record`] with the button (seat 0) posting missed
/// blinds: 2 live, 1 dead.
pub fn posted_setup() -> HandSetup {
    setup(&[200, 300, 150])
        .with_posts(vec![PostEntry {
            seat: 0,
            live: 2,
            dead: 1,
        }])
        .unwrap()
}

/// As [`played_record`], with the given setup.
pub fn played_record_of(
    key: &ServerKey,
    table: u64,
    hand_no: u64,
    previous: RecordHash,
    setup: HandSetup,
) -> SignedHandRecord {
    let salt = hand_no.to_le_bytes();
    let mut server = [0u8; 32];
    server[..8].copy_from_slice(&salt);
    let mut session = HandSession::announce(
        key,
        table,
        hand_no,
        setup.clone(),
        ServerSeed::from_bytes(server),
    );
    let seeds: Vec<(u8, ClientSeed)> = setup
        .seats()
        .iter()
        .map(|s| {
            let mut bytes = server;
            bytes[31] = s.seat + 1;
            (s.seat, ClientSeed::from_bytes(bytes))
        })
        .collect();
    let entries = session.client_commit_entries(&seeds);
    session.close_commitments(key, entries).unwrap();
    for (seat, seed) in seeds {
        session.reveal(seat, seed).unwrap();
    }
    let (mut hand, _) = fairness::start_hand(&setup, session.deck().unwrap()).unwrap();
    let mut log = Vec::new();
    while let Some(legal) = hand.legal_actions() {
        let action = match hand_no % 3 {
            0 => match legal.max_bet_to {
                Some(to) if !legal.can_check => Action::BetTo(to),
                _ if legal.can_check => Action::Check,
                _ => Action::Call,
            },
            1 if legal.can_check => Action::Check,
            1 => Action::Call,
            _ if legal.can_check => Action::Check,
            _ => Action::Fold,
        };
        hand.apply(legal.seat, action).unwrap();
        log.push(LoggedAction {
            seat: legal.seat.index(),
            action: action.into(),
        });
    }
    let finals = FinalStack::all_of(&hand);
    session
        .finish(key, previous, log, hand.board().len(), finals)
        .unwrap()
}

/// A chain of `len` records of table `table`, hands 1 to `len`.
pub fn chain(key: &ServerKey, table: u64, len: u64) -> Vec<SignedHandRecord> {
    let mut records: Vec<SignedHandRecord> = Vec::with_capacity(len as usize);
    for hand_no in 1..=len {
        let previous = records
            .last()
            .map_or(RecordHash::GENESIS, SignedHandRecord::record_hash);
        records.push(played_record(key, table, hand_no, previous));
    }
    records
}

/// A record as one line of JSON.
pub fn json_line(record: &SignedHandRecord) -> String {
    serde_json::to_string(record).unwrap()
}
