//! One hand of the fairness protocol end to end, in memory: the server announces,
//! three clients commit and reveal, the engine plays the hand, the server signs the
//! record, and an independent verifier checks it from the published bytes alone.
//!
//! `cargo run -p fairdeal-examples --bin fair_hand`

use fairness::{
    verify, AnteKind, Betting, ClientSeed, FinalStack, ForcedBets, HandSession, HandSetup, KeyRing,
    LoggedAction, OddChipRule, Predecessor, RecordHash, SeatEntry, ServerKey, ServerSeed,
    SignedHandRecord, Variant,
};
use poker_core::{Action, DealingOrder};
use rand_core::{OsRng, TryRngCore};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Randomness comes from the operating system and is passed in as an argument.
    let mut os = OsRng.unwrap_err();
    let server_key = ServerKey::generate(&mut os);
    println!(
        "server key id {} (publish the public key: {})",
        server_key.key_id(),
        server_key.public().to_hex()
    );

    let setup = HandSetup::new(
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
        5,
        ["ann", "ben", "cat"]
            .iter()
            .zip([1u8, 3, 5])
            .map(|(name, seat)| SeatEntry {
                seat,
                stack: 100,
                player: (*name).into(),
            })
            .collect(),
    )?;

    // 1. The server commits to a fresh seed before anyone contributes.
    let mut session = HandSession::announce(
        &server_key,
        1,
        1,
        setup.clone(),
        ServerSeed::generate(&mut os),
    );
    println!(
        "announced: commitment {}",
        session.announcement().body().server_commitment()
    );

    // 2. Each client makes a seed and sends only its commitment; the server signs the list.
    let clients: Vec<(u8, ClientSeed)> = setup
        .seats()
        .iter()
        .map(|s| (s.seat, ClientSeed::generate(&mut os)))
        .collect();
    let entries = session.client_commit_entries(&clients);
    session.close_commitments(&server_key, entries)?;

    // 3. Only now the seeds are revealed, and the deck exists.
    for (seat, seed) in clients {
        session.reveal(seat, seed)?;
    }
    let deck = session.deck()?;

    // Play: everyone checks or calls to the showdown. `start_hand` starts the engine hand
    // the setup describes, exactly as the verifier will replay it.
    let (mut hand, _) = fairness::start_hand(&setup, deck)?;
    let mut log = Vec::new();
    while let Some(legal) = hand.legal_actions() {
        let action = if legal.can_check {
            Action::Check
        } else {
            Action::Call
        };
        hand.apply(legal.seat, action)?;
        log.push(LoggedAction {
            seat: legal.seat.index(),
            action: action.into(),
        });
    }
    let finals = FinalStack::all_of(&hand);

    // 4. The server reveals its seed in the signed record.
    let record = session.finish(
        &server_key,
        RecordHash::GENESIS,
        log,
        hand.board().len(),
        finals,
    )?;
    let published = record.to_json();
    println!(
        "record: {} bytes canonical, {} bytes JSON, hash {}",
        record.to_bytes().len(),
        published.len(),
        record.record_hash()
    );

    // A player's verifier: only the published JSON and the pinned public key.
    let received = SignedHandRecord::from_json(&published)?;
    let verified = verify(
        &received,
        &KeyRing::new(*server_key.public()),
        Predecessor::Genesis,
    )?;
    println!(
        "verified hand {} at table {}: {:?}",
        verified.hand_no, verified.table_id, verified.status
    );
    for hole in &verified.hole_cards {
        println!(
            "  seat {}: {}",
            hole.seat,
            poker_core::format_cards(&hole.cards)
        );
    }
    println!("  board: {}", poker_core::format_cards(&verified.board));
    for f in &verified.final_stacks {
        println!("  seat {} ends with {}", f.seat, f.stack);
    }
    Ok(())
}
