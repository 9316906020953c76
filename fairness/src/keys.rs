//! Server signing keys, public keys and their ids, key rotation and the key ring a
//! verifier trusts.

use core::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand_core::CryptoRng;
use thiserror::Error;
use zeroize::Zeroize;

use crate::digest::{sha256, KeyId, SignatureBytes};
use crate::encoding::{tags, DecodeError, Decoder, Encoder};
use crate::PROTOCOL_VERSION;

/// How many rotations a key ring follows at most.
pub const MAX_KEY_ROTATIONS: usize = 1024;

/// The server's Ed25519 signing key. Redacted in `Debug`, zeroized on drop.
pub struct ServerKey {
    signing: SigningKey,
    public: PublicKey,
}

impl ServerKey {
    /// The key with this 32-byte secret seed (RFC 8032 private key).
    pub fn from_secret_bytes(mut secret: [u8; 32]) -> ServerKey {
        let signing = SigningKey::from_bytes(&secret);
        secret.zeroize();
        let public = PublicKey::from_verifying_key(signing.verifying_key());
        ServerKey { signing, public }
    }

    /// A fresh key from a cryptographic random number generator.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> ServerKey {
        let mut secret = [0u8; 32];
        rng.fill_bytes(&mut secret);
        ServerKey::from_secret_bytes(secret)
    }

    /// The public half, to publish and pin.
    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    /// This key's id.
    pub fn key_id(&self) -> KeyId {
        self.public.id
    }

    /// Signs canonical bytes.
    pub(crate) fn sign(&self, message: &[u8]) -> SignatureBytes {
        SignatureBytes::from_bytes(self.signing.sign(message).to_bytes())
    }

    /// A statement, signed by this (old) key and by `new` (proving possession),
    /// that `new` replaces this key. `sequence` is the new key's generation: 1 for
    /// the first rotation after the pinned key.
    pub fn rotate_to(&self, new: &ServerKey, sequence: u32) -> KeyRotation {
        let mut rotation = KeyRotation {
            sequence,
            old: self.public,
            new: new.public,
            old_signature: SignatureBytes::from_bytes([0; 64]),
            new_signature: SignatureBytes::from_bytes([0; 64]),
        };
        let body = rotation.body();
        rotation.old_signature = self.sign(&body);
        rotation.new_signature = new.sign(&body);
        rotation
    }
}

impl fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServerKey({}, <redacted>)", self.public.id)
    }
}

/// An Ed25519 public key with its key id. Only valid, non-weak keys can be built.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey {
    key: VerifyingKey,
    id: KeyId,
}

impl PublicKey {
    fn from_verifying_key(key: VerifyingKey) -> PublicKey {
        let id = key_id_of(key.as_bytes());
        PublicKey { key, id }
    }

    /// Parses a 32-byte compressed Edwards point; rejects invalid and small-order keys.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<PublicKey, DecodeError> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| DecodeError::Invalid {
            field: "public key",
            reason: "not a valid Ed25519 point",
        })?;
        if key.is_weak() {
            return Err(DecodeError::Invalid {
                field: "public key",
                reason: "small-order (weak) key",
            });
        }
        Ok(PublicKey::from_verifying_key(key))
    }

    /// Parses 64 hex digits.
    pub fn from_hex(text: &str) -> Result<PublicKey, DecodeError> {
        PublicKey::from_bytes(&crate::digest::hex_array(text, "public key")?)
    }

    /// The 32 key bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.key.as_bytes()
    }

    /// Lower-case hex of the key bytes.
    pub fn to_hex(&self) -> String {
        hex::encode(self.key.as_bytes())
    }

    /// `SHA-256(lp("fairdeal/v1/key-id") ‖ key)[0..8]`.
    pub fn key_id(&self) -> KeyId {
        self.id
    }

    /// RFC 8032 verification with ed25519-dalek's strict rules (canonical `S`, no
    /// small-order `R` or key, cofactorless equation).
    pub fn verify_strict(&self, message: &[u8], signature: &SignatureBytes) -> bool {
        let signature = Signature::from_bytes(signature.as_bytes());
        self.key.verify_strict(message, &signature).is_ok()
    }

    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({}, {})", self.id, self.to_hex())
    }
}

impl serde::Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        PublicKey::from_hex(&text).map_err(serde::de::Error::custom)
    }
}

fn key_id_of(key: &[u8; 32]) -> KeyId {
    let mut enc = Encoder::tagged(tags::KEY_ID);
    enc.fixed(key);
    let digest = sha256(&[&enc.finish()]);
    let mut id = [0u8; 8];
    id.copy_from_slice(&digest[..8]);
    KeyId::from_bytes(id)
}

/// "Key `new` replaces key `old`", signed by both.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyRotation {
    sequence: u32,
    old: PublicKey,
    new: PublicKey,
    old_signature: SignatureBytes,
    new_signature: SignatureBytes,
}

impl KeyRotation {
    /// The generation of the new key (1 for the first rotation).
    pub fn sequence(&self) -> u32 {
        self.sequence
    }

    /// The key being replaced.
    pub fn old_key(&self) -> &PublicKey {
        &self.old
    }

    /// The replacement key.
    pub fn new_key(&self) -> &PublicKey {
        &self.new
    }

    /// The signed body: `lp(tag) ‖ u16(version) ‖ u32(sequence) ‖ old_key ‖ new_key`.
    pub fn body(&self) -> Vec<u8> {
        let mut enc = Encoder::tagged(tags::KEY_ROTATION);
        enc.u16(PROTOCOL_VERSION)
            .u32(self.sequence)
            .fixed(self.old.as_bytes())
            .fixed(self.new.as_bytes());
        enc.finish()
    }

    /// Canonical bytes: `body ‖ old_signature ‖ new_signature`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.body();
        bytes.extend_from_slice(self.old_signature.as_bytes());
        bytes.extend_from_slice(self.new_signature.as_bytes());
        bytes
    }

    /// Parses canonical bytes (signatures are checked by [`KeyRing::apply_rotation`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<KeyRotation, DecodeError> {
        let mut dec = Decoder::new(bytes);
        dec.tag(tags::KEY_ROTATION)?;
        let version = dec.u16()?;
        if version != PROTOCOL_VERSION {
            return Err(DecodeError::UnsupportedVersion(version));
        }
        let rotation = KeyRotation {
            sequence: dec.u32()?,
            old: PublicKey::from_bytes(&dec.array()?)?,
            new: PublicKey::from_bytes(&dec.array()?)?,
            old_signature: SignatureBytes::from_bytes(dec.array()?),
            new_signature: SignatureBytes::from_bytes(dec.array()?),
        };
        dec.finish()?;
        Ok(rotation)
    }
}

/// Why a key rotation was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The rotation does not follow the ring's current key.
    #[error("rotation {got} does not follow the current generation {current}")]
    OutOfSequence {
        /// The current generation.
        current: u32,
        /// The rotation's sequence number.
        got: u32,
    },
    /// The rotation replaces some other key than the current one.
    #[error("rotation replaces key {0}, which is not the current key")]
    NotCurrentKey(KeyId),
    /// The old key's signature is invalid.
    #[error("the old key's signature on the rotation is invalid")]
    OldSignature,
    /// The new key's signature is invalid.
    #[error("the new key's signature on the rotation is invalid")]
    NewSignature,
    /// The new key is already in the ring.
    #[error("key {0} is already known")]
    KeyReused(KeyId),
    /// The ring already holds [`MAX_KEY_ROTATIONS`] rotations.
    #[error("more than {MAX_KEY_ROTATIONS} key rotations")]
    TooManyRotations,
}

/// The server keys a verifier accepts: a pinned key and every key reached from it
/// by valid rotations. Each key has a generation (0 for the pinned key).
#[derive(Clone, Debug)]
pub struct KeyRing {
    keys: Vec<PublicKey>,
}

impl KeyRing {
    /// A ring trusting only `pinned` (generation 0).
    pub fn new(pinned: PublicKey) -> KeyRing {
        KeyRing { keys: vec![pinned] }
    }

    /// Follows a rotation: it must replace the current key, carry the next
    /// sequence number and be signed by both keys.
    pub fn apply_rotation(&mut self, rotation: &KeyRotation) -> Result<(), KeyError> {
        if self.keys.len() > MAX_KEY_ROTATIONS {
            return Err(KeyError::TooManyRotations);
        }
        let current = self.current_generation();
        if u64::from(rotation.sequence) != u64::from(current) + 1 {
            return Err(KeyError::OutOfSequence {
                current,
                got: rotation.sequence,
            });
        }
        if rotation.old != *self.current() {
            return Err(KeyError::NotCurrentKey(rotation.old.id));
        }
        if self.keys.iter().any(|k| k.id == rotation.new.id) {
            return Err(KeyError::KeyReused(rotation.new.id));
        }
        let body = rotation.body();
        if !rotation.old.verify_strict(&body, &rotation.old_signature) {
            return Err(KeyError::OldSignature);
        }
        if !rotation.new.verify_strict(&body, &rotation.new_signature) {
            return Err(KeyError::NewSignature);
        }
        self.keys.push(rotation.new);
        Ok(())
    }

    /// The newest key.
    pub fn current(&self) -> &PublicKey {
        self.keys
            .last()
            .expect("a key ring always holds its pinned key")
    }

    /// The newest key's generation.
    pub fn current_generation(&self) -> u32 {
        u32::try_from(self.keys.len() - 1).unwrap_or(u32::MAX)
    }

    /// The key with this id and its generation.
    pub fn get(&self, id: &KeyId) -> Option<(&PublicKey, u32)> {
        self.keys
            .iter()
            .position(|k| k.id == *id)
            .map(|g| (&self.keys[g], u32::try_from(g).unwrap_or(u32::MAX)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8032_test_1_public_key() {
        let secret = crate::digest::hex_array(
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "k",
        )
        .unwrap();
        let key = ServerKey::from_secret_bytes(secret);
        assert_eq!(
            key.public().to_hex(),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
        );
        // RFC 8032 §7.1 test 1: the empty message.
        assert_eq!(
            key.sign(b"").to_hex(),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        );
        assert!(format!("{key:?}").contains("redacted"));
    }

    #[test]
    fn rotation_chain_is_followed_and_checked() {
        let k0 = ServerKey::from_secret_bytes([1; 32]);
        let k1 = ServerKey::from_secret_bytes([2; 32]);
        let k2 = ServerKey::from_secret_bytes([3; 32]);
        let mut ring = KeyRing::new(*k0.public());
        let r1 = k0.rotate_to(&k1, 1);
        assert_eq!(KeyRotation::from_bytes(&r1.to_bytes()), Ok(r1.clone()));
        assert_eq!(
            ring.apply_rotation(&k1.rotate_to(&k2, 2)),
            Err(KeyError::OutOfSequence { current: 0, got: 2 })
        );
        assert_eq!(
            ring.apply_rotation(&k1.rotate_to(&k2, 1)),
            Err(KeyError::NotCurrentKey(k1.key_id()))
        );
        let mut forged = r1.clone();
        forged.old_signature = k1.sign(&r1.body());
        assert_eq!(ring.apply_rotation(&forged), Err(KeyError::OldSignature));
        let mut forged = r1.clone();
        forged.new_signature = k0.sign(&r1.body());
        assert_eq!(ring.apply_rotation(&forged), Err(KeyError::NewSignature));
        ring.apply_rotation(&r1).unwrap();
        assert_eq!(ring.current_generation(), 1);
        assert_eq!(
            ring.apply_rotation(&k1.rotate_to(&k0, 2)),
            Err(KeyError::KeyReused(k0.key_id()))
        );
        ring.apply_rotation(&k1.rotate_to(&k2, 2)).unwrap();
        assert_eq!(ring.get(&k0.key_id()).map(|(_, g)| g), Some(0));
        assert_eq!(ring.get(&k2.key_id()).map(|(_, g)| g), Some(2));
    }

    #[test]
    fn weak_and_invalid_keys_are_refused() {
        // The identity point (small order) and a non-point.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(PublicKey::from_bytes(&identity).is_err());
        assert!(PublicKey::from_hex("zz").is_err());
    }
}
