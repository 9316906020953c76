//! Reading inputs: bounded files, records (JSON or canonical hex) and keys.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use fairness::{DecodeError, KeyRing, PublicKey, SignedHandRecord, MAX_JSON_BYTES};

use crate::outcome::InputError;

/// Largest record file read: the largest JSON record the fairness crate accepts
/// (a canonical record in hex is at most half of that).
pub(crate) const MAX_RECORD_FILE_BYTES: usize = MAX_JSON_BYTES;
/// Largest key file read.
pub(crate) const MAX_KEY_FILE_BYTES: usize = 4096;

/// Reads a whole text file of at most `max` bytes.
pub(crate) fn read_text(path: &Path, max: usize) -> Result<String, InputError> {
    String::from_utf8(read_bytes(path, max)?)
        .map_err(|_| InputError::new(format!("{} is not UTF-8 text", path.display())))
}

/// Reads a whole file of at most `max` bytes.
pub(crate) fn read_bytes(path: &Path, max: usize) -> Result<Vec<u8>, InputError> {
    let file = File::open(path)
        .map_err(|e| InputError::new(format!("cannot read {}: {e}", path.display())))?;
    let mut bytes = Vec::new();
    file.take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::new(format!("cannot read {}: {e}", path.display())))?;
    if bytes.len() > max {
        return Err(InputError::new(format!(
            "{} is larger than {max} bytes",
            path.display()
        )));
    }
    Ok(bytes)
}

/// A record from its text: canonical bytes in hex, or the JSON form. Text that is
/// neither valid JSON nor hex is unusable input (`Err`); a document that is read
/// but is not a well-formed record is a failed `malformed` check (`Ok(Err)`).
pub(crate) fn parse_record(
    text: &str,
    origin: &str,
) -> Result<Result<SignedHandRecord, DecodeError>, InputError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(InputError::new(format!("{origin}: empty input, no record")));
    }
    if trimmed.bytes().all(|b| b.is_ascii_hexdigit()) {
        let bytes = hex::decode(trimmed)
            .map_err(|e| InputError::new(format!("{origin}: not a hex record: {e}")))?;
        return Ok(SignedHandRecord::from_bytes(&bytes));
    }
    if let Err(e) = serde_json::from_str::<serde_json::Value>(trimmed) {
        return Err(InputError::new(format!("{origin}: not valid JSON: {e}")));
    }
    Ok(SignedHandRecord::from_json(trimmed))
}

/// Reads and decodes a record file that must be well formed (a `--previous` record).
pub(crate) fn load_record(path: &Path) -> Result<SignedHandRecord, InputError> {
    let origin = path.display().to_string();
    parse_record(&read_text(path, MAX_RECORD_FILE_BYTES)?, &origin)?
        .map_err(|e| InputError::new(format!("{origin}: {e}")))
}

/// A public key from 64 hex digits, with a precise message for a wrong length.
pub(crate) fn parse_key(text: &str) -> Result<PublicKey, InputError> {
    let text = text.trim();
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(InputError::new(format!(
            "a server key is 64 hex digits (32 bytes); got {} characters",
            text.chars().count()
        )));
    }
    PublicKey::from_hex(text).map_err(|e| InputError::new(format!("server key: {e}")))
}

/// A key file: the key in hex, or the server's `/api/v1/server-key` JSON.
pub(crate) fn read_key_file(path: &Path) -> Result<PublicKey, InputError> {
    let text = read_text(path, MAX_KEY_FILE_BYTES)?;
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(trimmed)
            .map_err(|e| InputError::new(format!("{}: not valid JSON: {e}", path.display())))?;
        let hex_key = value["public_key"].as_str().ok_or_else(|| {
            InputError::new(format!("{}: no \"public_key\" field", path.display()))
        })?;
        return parse_key(hex_key);
    }
    parse_key(trimmed)
}

/// The key ring from `--key` or `--key-file`.
pub(crate) fn key_ring(key: Option<&str>, key_file: Option<&Path>) -> Result<KeyRing, InputError> {
    match (key, key_file) {
        (Some(hex_key), _) => Ok(KeyRing::new(parse_key(hex_key)?)),
        (None, Some(path)) => Ok(KeyRing::new(read_key_file(path)?)),
        (None, None) => Err(InputError::new(
            "give the server key with --key or --key-file",
        )),
    }
}
