//! Verifying a table's chain of records, with signatures checked one by one
//! (strict) or in batches.

use ed25519_dalek::{Signature, VerifyingKey};
use thiserror::Error;

use crate::keys::KeyRing;
use crate::records::SignedHandRecord;
use crate::verify::{
    check_unsigned, signed_parts, signing_key, verify, Predecessor, VerifiedHand, VerifyError,
};

/// Records whose signatures go into one batch (three signatures each).
pub const MAX_BATCH_RECORDS: usize = 512;

/// How signatures are checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureMode {
    /// Each signature with `verify_strict`, exactly as [`verify`] does.
    Strict,
    /// All signatures of up to [`MAX_BATCH_RECORDS`] records in one Ed25519 batch
    /// (ed25519-dalek `verify_batch`); if a batch fails, its records are rechecked
    /// one by one so the error names the failing record and part. Batch
    /// verification uses the cofactored equation: it accepts every signature
    /// `verify_strict` accepts, and could additionally accept a signature the key
    /// holder deliberately built with a small-order component, which the strict
    /// mode rejects. Use strict mode for a verdict on a disputed record.
    Batched,
}

/// A chain failed at record `index`.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("record {index}: {error}")]
pub struct ChainError {
    /// Position of the failing record in the slice.
    pub index: usize,
    /// What failed.
    pub error: VerifyError,
}

/// Verifies consecutive records of one table, each linked to the one before;
/// `start` describes what comes before the first.
pub fn verify_chain(
    records: &[SignedHandRecord],
    keys: &KeyRing,
    start: Predecessor,
    mode: SignatureMode,
) -> Result<Vec<VerifiedHand>, ChainError> {
    let mut verified = Vec::with_capacity(records.len());
    let mut predecessor = start;
    for (chunk_no, chunk) in records.chunks(MAX_BATCH_RECORDS).enumerate() {
        let base = chunk_no * MAX_BATCH_RECORDS;
        let generations = match mode {
            SignatureMode::Strict => None,
            SignatureMode::Batched => batch_signatures(chunk, keys, base)?,
        };
        for (offset, record) in chunk.iter().enumerate() {
            let index = base + offset;
            let fail = |error| ChainError { index, error };
            let hand = match &generations {
                Some(generations) => {
                    check_unsigned(record, generations[offset], predecessor, &mut |_, _| {})
                }
                None => verify(record, keys, predecessor),
            }
            .map_err(fail)?;
            predecessor = Predecessor::Record {
                hash: hand.record_hash,
                table_id: hand.table_id,
                hand_no: hand.hand_no,
                key_generation: hand.key_generation,
            };
            verified.push(hand);
        }
    }
    Ok(verified)
}

/// Checks every signature of `chunk` in one batch; returns each record's key
/// generation, or `None` when the batch failed and strict checking must take over.
fn batch_signatures(
    chunk: &[SignedHandRecord],
    keys: &KeyRing,
    base: usize,
) -> Result<Option<Vec<u32>>, ChainError> {
    let mut messages = Vec::with_capacity(chunk.len() * 3);
    let mut signatures = Vec::with_capacity(chunk.len() * 3);
    let mut verifying_keys: Vec<VerifyingKey> = Vec::with_capacity(chunk.len() * 3);
    let mut generations = Vec::with_capacity(chunk.len());
    for (offset, record) in chunk.iter().enumerate() {
        let (key, generation) = signing_key(record, keys).map_err(|error| ChainError {
            index: base + offset,
            error,
        })?;
        generations.push(generation);
        for (_, message, signature) in signed_parts(record) {
            messages.push(message);
            signatures.push(Signature::from_bytes(signature.as_bytes()));
            verifying_keys.push(*key.verifying_key());
        }
    }
    let message_refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    match ed25519_dalek::verify_batch(&message_refs, &signatures, &verifying_keys) {
        Ok(()) => Ok(Some(generations)),
        Err(_) => Ok(None),
    }
}
