//! Deterministic chi-square test of card-by-position frequencies over 1,000,000
//! decks derived through the real protocol path (HMAC deck key → ChaCha20 →
//! Fisher–Yates), with a biased shuffle as a control that the test must reject.

use fairness::*;
use poker_core::DeckKind;

const SHUFFLES: u32 = 1_000_000;
const N: usize = 52;

/// Chi-square statistic of a 52×52 position/card table against the uniform
/// expectation. With row and column sums fixed, it has (52−1)² = 2601 degrees of
/// freedom: mean 2601, standard deviation √(2·2601) ≈ 72.1.
fn chi_square(counts: &[[u32; N]; N], total: u32) -> f64 {
    let expected = f64::from(total) / N as f64;
    counts
        .iter()
        .flatten()
        .map(|&c| (f64::from(c) - expected).powi(2) / expected)
        .sum()
}

const DEGREES: f64 = 2601.0;

fn within_six_sigma(statistic: f64) -> bool {
    (statistic - DEGREES).abs() < 6.0 * (2.0 * DEGREES).sqrt()
}

#[test]
fn card_position_frequencies_are_uniform() {
    let server = ServerSeed::from_bytes([0x42; 32]);
    let alice = ClientSeed::from_bytes([0x01; 32]);
    let bob = ClientSeed::from_bytes([0x02; 32]);
    let mut counts = [[0u32; N]; N];
    for hand_no in 0..SHUFFLES {
        let hand_no = u64::from(hand_no);
        let commitment = server.commitment(1, hand_no);
        let key = deck_key(&server, 1, hand_no, &commitment, &[(0, &alice), (1, &bob)]).unwrap();
        let deck = shuffle_deck(&key, DeckKind::Standard).unwrap();
        for (position, card) in deck.cards().iter().enumerate() {
            counts[position][usize::from(card.index())] += 1;
        }
    }
    let statistic = chi_square(&counts, SHUFFLES);
    eprintln!("chi-square over {SHUFFLES} decks: {statistic:.1} (2601 degrees of freedom)");
    assert!(
        within_six_sigma(statistic),
        "chi-square {statistic:.1} for 2601 degrees of freedom"
    );

    // Control: the same word stream driving a shuffle with 8-bit modulo reduction
    // (a classic bug) must fail the same test, or the test proves nothing.
    let mut biased = [[0u32; N]; N];
    for seed in 0..SHUFFLES / 4 {
        let mut bytes = [0u8; 32];
        bytes[..4].copy_from_slice(&seed.to_le_bytes());
        let mut stream = DeckKey::from_bytes(bytes).stream();
        let mut cards: Vec<usize> = (0..N).collect();
        for i in (1..N).rev() {
            let j = (stream.next_word() & 0xff) as usize % (i + 1);
            cards.swap(i, j);
        }
        for (position, &card) in cards.iter().enumerate() {
            biased[position][card] += 1;
        }
    }
    let statistic = chi_square(&biased, SHUFFLES / 4);
    eprintln!("biased control: {statistic:.1}");
    assert!(
        !within_six_sigma(statistic),
        "the biased control passed with {statistic:.1}"
    );
}
