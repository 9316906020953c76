//! `Signed<T>`: a canonical message body with the server's Ed25519 signature on it.

use serde::{Deserialize, Serialize};

use crate::digest::{KeyId, SignatureBytes};
use crate::encoding::{DecodeError, Decoder, Encoder};
use crate::keys::{PublicKey, ServerKey};
use crate::PROTOCOL_VERSION;

/// Largest signed message accepted for decoding, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;

/// The fields every signed body starts with, after its tag and the protocol
/// version: the signing key's id, the table and the hand number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Id of the key that signs the message.
    pub key_id: KeyId,
    /// The table.
    pub table_id: u64,
    /// The hand number at that table.
    pub hand_no: u64,
}

/// A message type with a canonical body.
pub(crate) trait Body: Sized {
    /// The domain-separation tag the body starts with.
    const TAG: &'static str;
    /// The common header.
    fn header(&self) -> &Header;
    /// Writes the fields after the header.
    fn encode_fields(&self, enc: &mut Encoder);
    /// Reads the fields after the header.
    fn decode_fields(header: Header, dec: &mut Decoder<'_>) -> Result<Self, DecodeError>;
}

/// A body and the signature over its canonical bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed<T> {
    body: T,
    signature: SignatureBytes,
}

// `Body` is crate-private on purpose: only this crate defines signed message types.
#[allow(private_bounds)]
impl<T: Body> Signed<T> {
    /// Signs `body` with `key`. The body's header must name `key`.
    pub(crate) fn sign(body: T, key: &ServerKey) -> Signed<T> {
        debug_assert_eq!(body.header().key_id, key.key_id());
        let signature = key.sign(&body_bytes(&body));
        Signed { body, signature }
    }

    /// The body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The signature.
    pub fn signature(&self) -> &SignatureBytes {
        &self.signature
    }

    /// The header of the body.
    pub fn header(&self) -> &Header {
        self.body.header()
    }

    /// The signed bytes: `lp(tag) ‖ u16(version) ‖ key_id ‖ u64(table_id) ‖
    /// u64(hand_no) ‖ fields`.
    pub fn body_bytes(&self) -> Vec<u8> {
        body_bytes(&self.body)
    }

    /// Canonical bytes of the signed message: `body ‖ signature`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.body_bytes();
        bytes.extend_from_slice(self.signature.as_bytes());
        bytes
    }

    /// Parses canonical bytes strictly (the signature is checked by `verify`).
    pub fn from_bytes(bytes: &[u8]) -> Result<Signed<T>, DecodeError> {
        if bytes.len() > MAX_MESSAGE_BYTES {
            return Err(DecodeError::TooLong {
                field: "message",
                max: MAX_MESSAGE_BYTES,
                got: bytes.len() as u64,
            });
        }
        let mut dec = Decoder::new(bytes);
        dec.tag(T::TAG)?;
        let version = dec.u16()?;
        if version != PROTOCOL_VERSION {
            return Err(DecodeError::UnsupportedVersion(version));
        }
        let header = Header {
            key_id: KeyId::from_bytes(dec.array()?),
            table_id: dec.u64()?,
            hand_no: dec.u64()?,
        };
        let body = T::decode_fields(header, &mut dec)?;
        let signature = SignatureBytes::from_bytes(dec.array()?);
        dec.finish()?;
        Ok(Signed { body, signature })
    }

    /// Whether the signature verifies (strictly) under `key`.
    pub fn signature_valid(&self, key: &PublicKey) -> bool {
        key.verify_strict(&self.body_bytes(), &self.signature)
    }

    /// Replaces the signature (tamper tests and test vectors only).
    #[doc(hidden)]
    pub fn with_signature(mut self, signature: SignatureBytes) -> Signed<T> {
        self.signature = signature;
        self
    }

    /// Re-signs a modified body (tamper tests and test vectors only: it models a
    /// dishonest server signing a wrong record).
    #[doc(hidden)]
    pub fn resign_with(body: T, key: &ServerKey) -> Signed<T> {
        Signed::sign(body, key)
    }
}

fn body_bytes<T: Body>(body: &T) -> Vec<u8> {
    let mut enc = Encoder::tagged(T::TAG);
    let header = body.header();
    enc.u16(PROTOCOL_VERSION)
        .fixed(header.key_id.as_bytes())
        .u64(header.table_id)
        .u64(header.hand_no);
    body.encode_fields(&mut enc);
    enc.finish()
}
