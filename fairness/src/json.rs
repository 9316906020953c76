//! The JSON transport form of every signed message. It is only a carrier: parsing
//! JSON goes through the canonical encoding and its strict decoder, so a JSON
//! document is accepted exactly when it denotes one canonical message, and
//! `from_json(to_json(m)) == m` with identical canonical bytes.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::encoding::DecodeError;
use crate::keys::KeyRotation;
use crate::signed::{Body, Signed};

/// Largest JSON document accepted, in bytes.
pub const MAX_JSON_BYTES: usize = 1024 * 1024;

#[allow(private_bounds)]
impl<T: Body + Serialize + DeserializeOwned + PartialEq> Signed<T> {
    /// Pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("records serialize to JSON without failure")
    }

    /// The same document as [`to_json`](Self::to_json) without the layout: for messages
    /// on the wire, where indentation only costs bytes.
    pub fn to_compact_json(&self) -> String {
        serde_json::to_string(self).expect("records serialize to JSON without failure")
    }

    /// Parses the JSON form; the result is validated through the canonical decoder.
    pub fn from_json(text: &str) -> Result<Signed<T>, DecodeError> {
        let parsed: Signed<T> = parse_bounded(text)?;
        let decoded = Signed::<T>::from_bytes(&parsed.to_bytes())?;
        if decoded != parsed {
            return Err(DecodeError::Invalid {
                field: "json",
                reason: "does not denote a canonical message",
            });
        }
        Ok(decoded)
    }
}

impl KeyRotation {
    /// Pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("rotations serialize to JSON without failure")
    }

    /// Parses the JSON form (signatures are checked by `KeyRing::apply_rotation`).
    pub fn from_json(text: &str) -> Result<KeyRotation, DecodeError> {
        let parsed: KeyRotation = parse_bounded(text)?;
        KeyRotation::from_bytes(&parsed.to_bytes())
    }
}

fn parse_bounded<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    if text.len() > MAX_JSON_BYTES {
        return Err(DecodeError::TooLong {
            field: "json",
            max: MAX_JSON_BYTES,
            got: text.len() as u64,
        });
    }
    serde_json::from_str(text).map_err(|err| DecodeError::Json(err.to_string()))
}
