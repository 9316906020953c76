//! Deterministic random 7-card hands, shared by every contender in the random-order run.

/// Cards in a hold'em hand at showdown.
pub(crate) const HAND_SIZE: usize = 7;

/// splitmix64: a tiny deterministic generator, so every run times the same hands.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// `count` hands of seven distinct card indices (`rank * 4 + suit`, 0–51), each the
/// first seven cards of an independent partial Fisher–Yates shuffle.
pub(crate) fn random_hands(count: usize, seed: u64) -> Vec<[u8; HAND_SIZE]> {
    let mut rng = SplitMix64(seed);
    let mut deck: [u8; 52] = core::array::from_fn(|i| i as u8);
    (0..count)
        .map(|_| {
            for i in 0..HAND_SIZE {
                let remaining = (52 - i) as u64;
                let j = i + (rng.next_u64() % remaining) as usize;
                deck.swap(i, j);
            }
            core::array::from_fn(|i| deck[i])
        })
        .collect()
}
