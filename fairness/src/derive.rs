//! Deck-key derivation (HMAC-SHA256) and the ChaCha20 word stream that expands it.

use core::fmt;

use hmac::{Hmac, Mac};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sha2::Sha256;
use thiserror::Error;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::digest::ServerCommitment;
use crate::encoding::{tags, Encoder};
use crate::seeds::{ClientSeed, ServerSeed};
use crate::PROTOCOL_VERSION;

/// The 32-byte key a hand's deck is shuffled with. Secret until the server seed is
/// revealed, so it is redacted and zeroized like a seed.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct DeckKey([u8; 32]);

impl DeckKey {
    /// A deck key with these bytes (for known-answer tests).
    pub const fn from_bytes(bytes: [u8; 32]) -> DeckKey {
        DeckKey(bytes)
    }

    /// The key bytes.
    pub fn expose(&self) -> &[u8; 32] {
        &self.0
    }

    /// The ChaCha20 word stream this key expands to.
    pub fn stream(&self) -> KeyStream {
        KeyStream(ChaCha20Rng::from_seed(self.0))
    }
}

impl fmt::Debug for DeckKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DeckKey(<redacted>)")
    }
}

/// Why a deck key cannot be derived from the inputs given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
pub enum DeriveError {
    /// Client seeds must be given once per seat, in strictly ascending seat order.
    #[error("client seeds are not in strictly ascending seat order at seat {0}")]
    SeatOrder(u8),
}

/// The exact message the deck-key HMAC is computed over:
/// `lp(tag) ‖ u16(version) ‖ u64(table_id) ‖ u64(hand_no) ‖ server_commitment ‖
/// u32(count) ‖ for each seat ascending: u8(seat) ‖ lp(client_seed)`.
pub fn deck_key_message(
    table_id: u64,
    hand_no: u64,
    server_commitment: &ServerCommitment,
    client_seeds: &[(u8, &ClientSeed)],
) -> Result<Vec<u8>, DeriveError> {
    let mut enc = Encoder::tagged(tags::DECK_KEY);
    enc.u16(PROTOCOL_VERSION)
        .u64(table_id)
        .u64(hand_no)
        .fixed(server_commitment.as_bytes())
        .count(client_seeds.len());
    let mut previous: Option<u8> = None;
    for &(seat, seed) in client_seeds {
        if previous.is_some_and(|p| p >= seat) {
            return Err(DeriveError::SeatOrder(seat));
        }
        previous = Some(seat);
        enc.u8(seat).bytes(seed.expose());
    }
    Ok(enc.finish())
}

/// `K = HMAC-SHA256(key = server_seed, msg = deck_key_message(...))`.
///
/// ```
/// use fairness::{deck_key, ClientSeed, ServerSeed};
///
/// let server = ServerSeed::from_bytes([1; 32]);
/// let commitment = server.commitment(7, 1);
/// let alice = ClientSeed::from_bytes([2; 32]);
/// let bob = ClientSeed::from_bytes([3; 32]);
/// let key = deck_key(&server, 7, 1, &commitment, &[(0, &alice), (4, &bob)])?;
/// // Seat order is part of the key: swapping the seats gives another deck.
/// let swapped = deck_key(&server, 7, 1, &commitment, &[(0, &bob), (4, &alice)])?;
/// assert_ne!(key, swapped);
/// # Ok::<(), fairness::DeriveError>(())
/// ```
pub fn deck_key(
    server_seed: &ServerSeed,
    table_id: u64,
    hand_no: u64,
    server_commitment: &ServerCommitment,
    client_seeds: &[(u8, &ClientSeed)],
) -> Result<DeckKey, DeriveError> {
    let mut message = deck_key_message(table_id, hand_no, server_commitment, client_seeds)?;
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(server_seed.expose())
        .expect("HMAC accepts keys of any length");
    mac.update(&message);
    // The message holds every client seed; wipe it before it is freed.
    message.zeroize();
    Ok(DeckKey(mac.finalize().into_bytes().into()))
}

/// A source of 32-bit words for the shuffle. The protocol's source is
/// [`KeyStream`]; tests substitute scripted words.
pub trait WordSource {
    /// The next word.
    fn next_word(&mut self) -> u32;
}

/// ChaCha20 (20 rounds, 256-bit key, nonce 0, block counter from 0) keystream read
/// as consecutive little-endian `u32` words: word `i` is keystream bytes
/// `4i..4i+4` read little-endian. This is `rand_chacha`'s `ChaCha20Rng::from_seed`
/// with `next_u32`, and the RFC 8439 keystream with a zero nonce.
pub struct KeyStream(ChaCha20Rng);

impl WordSource for KeyStream {
    #[inline]
    fn next_word(&mut self) -> u32 {
        self.0.next_u32()
    }
}

impl fmt::Debug for KeyStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyStream(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keystream_bytes(key: [u8; 32], words: usize) -> Vec<u8> {
        let mut stream = DeckKey::from_bytes(key).stream();
        (0..words)
            .flat_map(|_| stream.next_word().to_le_bytes())
            .collect()
    }

    /// RFC 8439 Appendix A.1, test vectors 1 and 2: key 0, nonce 0, block counters
    /// 0 and 1 are the first 128 bytes of our stream.
    #[test]
    fn keystream_matches_rfc8439_zero_key() {
        let expected = concat!(
            "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7",
            "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586",
            "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed",
            "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f",
        );
        assert_eq!(hex::encode(keystream_bytes([0; 32], 32)), expected);
    }

    /// RFC 8439 §2.4.2 uses nonce 0:0:4a:0 and counter 1, so it cannot be used;
    /// this second KAT (key 00 01 .. 1f) was computed with the `cryptography`
    /// package's ChaCha20 (nonce 0, counter 0) and pins a non-zero key.
    #[test]
    fn keystream_matches_independent_implementation() {
        let key: [u8; 32] = core::array::from_fn(|i| i as u8);
        assert_eq!(
            hex::encode(keystream_bytes(key, 16)),
            "39fd2b7dd9c5196a8dbd0377b8dc4a498a35d86fbcde6accb2cc7d4cd8ea24922b23cce7a26023ab3f0eef693ac87f64258235eab1f7a32dc22762a0485b410c"
        );
    }

    #[test]
    fn seat_order_is_enforced() {
        let s = ServerSeed::from_bytes([1; 32]);
        let c = s.commitment(1, 1);
        let a = ClientSeed::from_bytes([2; 32]);
        assert_eq!(
            deck_key(&s, 1, 1, &c, &[(3, &a), (3, &a)]),
            Err(DeriveError::SeatOrder(3))
        );
        assert_eq!(
            deck_key(&s, 1, 1, &c, &[(3, &a), (1, &a)]),
            Err(DeriveError::SeatOrder(1))
        );
    }

    #[test]
    fn every_input_changes_the_key() {
        let s = ServerSeed::from_bytes([1; 32]);
        let c = s.commitment(1, 1);
        let a = ClientSeed::from_bytes([2; 32]);
        let b = ClientSeed::from_bytes([3; 32]);
        let base = deck_key(&s, 1, 1, &c, &[(0, &a), (1, &b)]).unwrap();
        let variants = [
            deck_key(
                &ServerSeed::from_bytes([9; 32]),
                1,
                1,
                &c,
                &[(0, &a), (1, &b)],
            ),
            deck_key(&s, 2, 1, &c, &[(0, &a), (1, &b)]),
            deck_key(&s, 1, 2, &c, &[(0, &a), (1, &b)]),
            deck_key(&s, 1, 1, &s.commitment(1, 2), &[(0, &a), (1, &b)]),
            deck_key(&s, 1, 1, &c, &[(0, &b), (1, &a)]),
            deck_key(&s, 1, 1, &c, &[(0, &a), (2, &b)]),
            deck_key(&s, 1, 1, &c, &[(0, &a)]),
            deck_key(&s, 1, 1, &c, &[(0, &a), (1, &b), (2, &b)]),
        ];
        for variant in variants {
            assert_ne!(variant.unwrap(), base);
        }
    }
}
