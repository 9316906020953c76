//! Throughput of deck derivation and record verification, each next to its floor
//! (the bare cryptographic work it cannot avoid), measured in the same run.
//!
//! `cargo bench -p fairness --bench throughput`
//!
//! Each figure is the best of several timed rounds (the machine is shared; the
//! minimum is the least noisy estimate of the cost), single-threaded.

#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use ed25519_dalek::Signature;
use fairness::*;
use hmac::{Hmac, Mac};
use poker_core::DeckKind;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sha2::Sha256;

const ROUNDS: usize = 7;
const ROUND_TIME: Duration = Duration::from_millis(300);

/// Best per-iteration time over the rounds, in nanoseconds.
fn measure(mut op: impl FnMut(u64)) -> f64 {
    let mut best = f64::INFINITY;
    let mut counter = 0u64;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let mut iterations = 0u64;
        while start.elapsed() < ROUND_TIME {
            for _ in 0..64 {
                op(counter);
                counter += 1;
            }
            iterations += 64;
        }
        best = best.min(start.elapsed().as_nanos() as f64 / iterations as f64);
    }
    best
}

fn row(name: &str, ns: f64, floor_ns: f64, floor_name: &str) {
    println!(
        "{name:<44} {:>10.0}/s  {:>9.2} µs   floor ({floor_name}) {:>9.2} µs   ratio {:.2}",
        1e9 / ns,
        ns / 1e3,
        floor_ns / 1e3,
        ns / floor_ns
    );
}

fn main() {
    // Deck derivation, two client seeds (heads-up).
    let server = ServerSeed::from_bytes([7; 32]);
    let alice = ClientSeed::from_bytes([1; 32]);
    let bob = ClientSeed::from_bytes([2; 32]);
    let commitment = server.commitment(1, 1);
    let derive = measure(|hand| {
        let key = deck_key(&server, 1, hand, &commitment, &[(0, &alice), (3, &bob)]).unwrap();
        black_box(shuffle_deck(&key, DeckKind::Standard).unwrap());
    });
    let message = deck_key_message(1, 1, &commitment, &[(0, &alice), (3, &bob)]).unwrap();
    let derive_floor = measure(|hand| {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(server.expose()).unwrap();
        mac.update(&message);
        mac.update(&hand.to_be_bytes()[..0]);
        let key: [u8; 32] = mac.finalize().into_bytes().into();
        let mut rng = ChaCha20Rng::from_seed(key);
        let mut acc = 0u32;
        for _ in 0..51 {
            acc ^= rng.next_u32();
        }
        black_box(acc);
    });
    row(
        "deck derivation (HMAC + ChaCha20 + shuffle)",
        derive,
        derive_floor,
        "HMAC + 51 ChaCha20 words",
    );

    // One record: three strict signature checks plus everything else.
    let key = common::key();
    let ring = common::keys();
    let record = common::played_record(
        &key,
        1,
        1,
        RecordHash::GENESIS,
        common::setup(Variant::Holdem, &[200, 300, 150, 400, 250]),
        3,
        common::Policy::CheckCall,
    );
    let single = measure(|_| {
        black_box(verify(&record, &ring, Predecessor::Genesis).unwrap());
    });
    let parts = [
        (record.body_bytes(), *record.signature()),
        (
            record.body().announcement().body_bytes(),
            *record.body().announcement().signature(),
        ),
        (
            record.body().commitments().body_bytes(),
            *record.body().commitments().signature(),
        ),
    ];
    let verifying = ed25519_dalek::VerifyingKey::from_bytes(key.public().as_bytes()).unwrap();
    let single_floor = measure(|_| {
        for (message, signature) in &parts {
            let signature = Signature::from_bytes(signature.as_bytes());
            verifying
                .verify_strict(black_box(message), &signature)
                .unwrap();
        }
    });
    row(
        "record verification, strict (5 players)",
        single,
        single_floor,
        "3 verify_strict",
    );

    // A chain of 64 records with batched signatures.
    let chain = common::chain(&key, 2, 64);
    let batched = measure(|_| {
        black_box(
            verify_chain(&chain, &ring, Predecessor::Genesis, SignatureMode::Batched).unwrap(),
        );
    }) / chain.len() as f64;
    let mut messages = Vec::new();
    let mut signatures = Vec::new();
    for r in &chain {
        messages.push(r.body_bytes());
        signatures.push(Signature::from_bytes(r.signature().as_bytes()));
        messages.push(r.body().announcement().body_bytes());
        signatures.push(Signature::from_bytes(
            r.body().announcement().signature().as_bytes(),
        ));
        messages.push(r.body().commitments().body_bytes());
        signatures.push(Signature::from_bytes(
            r.body().commitments().signature().as_bytes(),
        ));
    }
    let refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let keys = vec![verifying; refs.len()];
    let batched_floor = measure(|_| {
        ed25519_dalek::verify_batch(&refs, &signatures, &keys).unwrap();
    }) / chain.len() as f64;
    row(
        "record verification, chain of 64, batched",
        batched,
        batched_floor,
        "batch of 192 sigs",
    );
    let strict_chain = measure(|_| {
        black_box(
            verify_chain(&chain, &ring, Predecessor::Genesis, SignatureMode::Strict).unwrap(),
        );
    }) / chain.len() as f64;
    row(
        "record verification, chain of 64, strict",
        strict_chain,
        single_floor,
        "3 verify_strict",
    );
}
