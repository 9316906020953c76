//! Public fixed-size values (digests, commitments, key ids) and the SHA-256 helper.
//!
//! Each kind of digest is its own type so a client commitment can never be passed
//! where a server commitment or a record hash is expected.

use core::fmt;

use sha2::{Digest, Sha256};

/// SHA-256 of the concatenation of `parts`.
pub(crate) fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

macro_rules! public_bytes {
    ($(#[$doc:meta])* $name:ident, $len:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; $len]);

        impl $name {
            /// Wraps raw bytes.
            pub const fn from_bytes(bytes: [u8; $len]) -> Self {
                Self(bytes)
            }

            /// The raw bytes.
            pub const fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }

            /// Lower-case hex.
            pub fn to_hex(&self) -> String {
                hex::encode(self.0)
            }

            /// Parses exactly the right number of hex digits (either case).
            pub fn from_hex(text: &str) -> Result<Self, crate::DecodeError> {
                crate::digest::hex_array(text, stringify!($name)).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.to_hex())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_hex())
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

public_bytes!(
    /// `SHA-256` commitment to a server seed, bound to the table and hand.
    ServerCommitment,
    32
);
public_bytes!(
    /// `SHA-256` commitment to a client seed, bound to table, hand, seat and the
    /// server commitment.
    ClientCommitment,
    32
);
public_bytes!(
    /// Hash of a whole signed hand record: the link of a table's record chain.
    RecordHash,
    32
);
public_bytes!(
    /// Identifies a server public key: the first 8 bytes of its tagged SHA-256.
    KeyId,
    8
);

impl RecordHash {
    /// The "previous record" of a table's first record: 32 zero bytes.
    pub const GENESIS: RecordHash = RecordHash([0; 32]);
}

/// Parses `N` bytes of hex; `what` names the value in the error.
pub(crate) fn hex_array<const N: usize>(
    text: &str,
    what: &'static str,
) -> Result<[u8; N], crate::DecodeError> {
    if text.len() != 2 * N {
        return Err(crate::DecodeError::Invalid {
            field: what,
            reason: "wrong number of hex digits",
        });
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).map_err(|_| crate::DecodeError::Invalid {
        field: what,
        reason: "not hex",
    })?;
    Ok(out)
}

public_bytes!(
    /// An Ed25519 signature (`R ‖ S`, 64 bytes).
    SignatureBytes,
    64
);
