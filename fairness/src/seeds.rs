//! Server and client seeds (secrets until revealed) and the commitments to them.

use core::fmt;

use rand_core::CryptoRng;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::digest::{sha256, ClientCommitment, ServerCommitment};
use crate::encoding::{tags, Encoder};

/// Length in bytes of every seed.
pub const SEED_LEN: usize = 32;

macro_rules! secret_seed {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Zeroize, ZeroizeOnDrop)]
        pub struct $name([u8; SEED_LEN]);

        impl $name {
            /// A seed with these bytes (for replaying a revealed seed, or tests).
            pub const fn from_bytes(bytes: [u8; SEED_LEN]) -> Self {
                Self(bytes)
            }

            /// A fresh seed from a cryptographic random number generator. The
            /// server passes the operating system's generator; nothing in this
            /// crate draws randomness by itself.
            pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
                let mut bytes = [0u8; SEED_LEN];
                rng.fill_bytes(&mut bytes);
                Self(bytes)
            }

            /// The secret bytes. Only for revealing, hashing and deriving.
            pub fn expose(&self) -> &[u8; SEED_LEN] {
                &self.0
            }

            /// Parses 64 hex digits.
            pub fn from_hex(text: &str) -> Result<Self, crate::DecodeError> {
                crate::digest::hex_array(text, stringify!($name)).map(Self)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // Seeds are secret until the hand ends; logs must never leak them.
                write!(f, concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                // Compare every byte so timing does not depend on where they differ.
                self.0.iter().zip(other.0.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
            }
        }

        impl Eq for $name {}

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&hex::encode(self.0))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::from_hex(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

secret_seed!(
    /// The server's 32-byte secret for one hand, committed to before any player
    /// contributes and revealed in the hand record.
    ServerSeed
);
secret_seed!(
    /// One seat's 32-byte contribution to a hand's randomness.
    ClientSeed
);

impl ServerSeed {
    /// `SHA-256(lp(tag) ‖ u64(table_id) ‖ u64(hand_no) ‖ seed)`.
    pub fn commitment(&self, table_id: u64, hand_no: u64) -> ServerCommitment {
        let mut enc = Encoder::tagged(tags::SERVER_COMMIT);
        enc.u64(table_id).u64(hand_no).fixed(&self.0);
        ServerCommitment::from_bytes(sha256(&[&enc.finish()]))
    }
}

impl ClientSeed {
    /// `SHA-256(lp(tag) ‖ u64(table_id) ‖ u64(hand_no) ‖ u8(seat) ‖ server_commitment ‖ seed)`.
    ///
    /// Binding the server commitment means a client commitment can only be made
    /// after the hand was announced, and cannot be replayed on another hand.
    pub fn commitment(
        &self,
        table_id: u64,
        hand_no: u64,
        seat: u8,
        server_commitment: &ServerCommitment,
    ) -> ClientCommitment {
        let mut enc = Encoder::tagged(tags::CLIENT_COMMIT);
        enc.u64(table_id)
            .u64(hand_no)
            .u8(seat)
            .fixed(server_commitment.as_bytes())
            .fixed(&self.0);
        ClientCommitment::from_bytes(sha256(&[&enc.finish()]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secret_bytes() {
        let seed = ServerSeed::from_bytes([0xab; 32]);
        assert_eq!(format!("{seed:?}"), "ServerSeed(<redacted>)");
        let client = ClientSeed::from_bytes([0xab; 32]);
        assert!(!format!("{client:?}").contains("ab"));
    }

    #[test]
    fn commitments_bind_every_input() {
        let seed = ServerSeed::from_bytes([7; 32]);
        let c = seed.commitment(1, 2);
        assert_ne!(c, seed.commitment(2, 1));
        assert_ne!(c, seed.commitment(1, 3));
        assert_ne!(c, ServerSeed::from_bytes([8; 32]).commitment(1, 2));
        let client = ClientSeed::from_bytes([9; 32]);
        let h = client.commitment(1, 2, 3, &c);
        assert_ne!(h, client.commitment(1, 2, 4, &c));
        assert_ne!(h, client.commitment(1, 2, 3, &seed.commitment(1, 3)));
    }
}
