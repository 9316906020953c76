//! Hand records: a settled hand's record and its chip settlement, written in one database
//! transaction so neither can exist without the other.

use rusqlite::{Connection, OptionalExtension};

use super::ledger::{post, Scope};
use super::{Store, StoreError};
use crate::clock::UnixTime;
use crate::ledger::{
    net_entries, IdempotencyKey, LedgerError, Movement, Receipt, TableId, TransactionKind,
};
use crate::limits::HAND_RECORD_BYTES_MAX;

/// Everything stored when a hand ends.
///
/// The record's bytes and hash come from the caller (the fairness crate's canonical encoding
/// and hash); the store keeps them as given and checks only how they chain: hands at a table
/// are numbered from 1 without gaps, and `prev_hash` is the previous hand's `record_hash`
/// (`None` for hand 1).
#[derive(Debug, Clone)]
pub struct HandSettlement {
    /// Makes the settlement happen at most once (e.g. `hand:<table>:<hand_no>`).
    pub key: IdempotencyKey,
    /// The table the hand was played at.
    pub table: TableId,
    /// The hand's number at its table, from 1.
    pub hand_no: u64,
    /// The signed hand record, at most [`HAND_RECORD_BYTES_MAX`] bytes.
    pub record: Vec<u8>,
    /// The record's hash, which the next hand's `prev_hash` repeats.
    pub record_hash: [u8; 32],
    /// The previous hand's `record_hash`; `None` for hand 1.
    pub prev_hash: Option<[u8; 32]>,
    /// Chip movements between session accounts at `table`.
    pub movements: Vec<Movement>,
}

/// The hash of the last record at `table` and its hand number.
fn last_record(conn: &Connection, table: &TableId) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT hand_no, record_hash FROM hand_records WHERE table_id = ?1
             ORDER BY hand_no DESC LIMIT 1",
        )?
        .query_row([table.as_str()], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?))
        })
        .optional()?;
    row.map(|(hand_no, hash)| {
        let hand_no = u64::try_from(hand_no)
            .map_err(|_| StoreError::Corrupt(format!("hand number {hand_no}")))?;
        Ok((hand_no, hash))
    })
    .transpose()
}

/// Everything besides the movements that identifies a settlement, for its fingerprint.
fn context(settlement: &HandSettlement) -> Vec<u8> {
    let table = settlement.table.as_str().as_bytes();
    let mut bytes = Vec::with_capacity(8 + table.len() + 8 + 32 + 33);
    bytes.extend_from_slice(&(table.len() as u64).to_be_bytes());
    bytes.extend_from_slice(table);
    bytes.extend_from_slice(&settlement.hand_no.to_be_bytes());
    bytes.extend_from_slice(&settlement.record_hash);
    match settlement.prev_hash {
        Some(prev) => {
            bytes.push(1);
            bytes.extend_from_slice(&prev);
        }
        None => bytes.push(0),
    }
    bytes
}

/// Writes the record and posts the settlement inside the caller's database transaction.
fn settle_hand(conn: &Connection, settlement: &HandSettlement) -> Result<Receipt, LedgerError> {
    if settlement.record.len() > HAND_RECORD_BYTES_MAX {
        return Err(LedgerError::RecordTooLarge {
            bytes: settlement.record.len(),
        });
    }
    let entries = net_entries(&settlement.movements)?;
    let receipt = post(
        conn,
        TransactionKind::HandSettlement,
        &settlement.key,
        entries,
        &context(settlement),
        Scope::SessionsAt(&settlement.table),
    )?;
    if receipt.replayed {
        return Ok(receipt);
    }

    let last = last_record(conn, &settlement.table)?;
    let expected = last
        .as_ref()
        .map_or(1, |(hand_no, _)| hand_no.saturating_add(1));
    if settlement.hand_no != expected {
        return Err(LedgerError::HandOutOfOrder {
            table: settlement.table.clone(),
            expected,
            got: settlement.hand_no,
        });
    }
    let chained = match (&last, &settlement.prev_hash) {
        (None, None) => true,
        (Some((_, last_hash)), Some(prev)) => last_hash.as_slice() == prev.as_slice(),
        _ => false,
    };
    if !chained {
        return Err(LedgerError::HandChainBroken {
            table: settlement.table.clone(),
            hand_no: settlement.hand_no,
        });
    }
    let hand_no = i64::try_from(settlement.hand_no).map_err(|_| LedgerError::HandOutOfOrder {
        table: settlement.table.clone(),
        expected,
        got: settlement.hand_no,
    })?;
    conn.prepare_cached(
        "INSERT INTO hand_records
             (table_id, hand_no, record, record_hash, prev_hash, transaction_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute((
        settlement.table.as_str(),
        hand_no,
        settlement.record.as_slice(),
        settlement.record_hash.as_slice(),
        settlement.prev_hash.as_ref().map(|hash| hash.as_slice()),
        receipt.transaction.get(),
        UnixTime::now().as_secs(),
    ))?;
    Ok(receipt)
}

/// A stored hand record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredHand {
    /// The record's bytes as given at settlement.
    pub record: Vec<u8>,
    /// Its hash.
    pub record_hash: [u8; 32],
    /// The previous hand's hash; `None` for hand 1.
    pub prev_hash: Option<[u8; 32]>,
}

/// Reads a 32-byte hash column.
fn hash32(bytes: Vec<u8>) -> Result<[u8; 32], StoreError> {
    <[u8; 32]>::try_from(bytes.as_slice())
        .map_err(|_| StoreError::Corrupt(format!("hash of {} bytes", bytes.len())))
}

impl Store {
    /// Stores a finished hand's record and applies its chip settlement in one database
    /// transaction: both happen or neither does. Replaying the same settlement under the same
    /// key returns the original receipt and stores nothing.
    pub async fn settle_hand(&self, settlement: HandSettlement) -> Result<Receipt, LedgerError> {
        // Grouped: hands settling at many tables share one commit (`store/group.rs`); the
        // job's savepoint keeps the record and the settlement together all the same.
        let receipt = self
            .run_grouped(move |tx| {
                let receipt = settle_hand(tx, &settlement)?;
                // The hand is over: it no longer needs recovering.
                super::open_hands::close(tx, &settlement.table, settlement.hand_no)?;
                Ok::<_, LedgerError>(receipt)
            })
            .await?;
        self.hand_closed();
        Ok(receipt)
    }

    /// The record of hand `hand_no` at `table`, if stored.
    pub async fn hand_record(
        &self,
        table: TableId,
        hand_no: u64,
    ) -> Result<Option<StoredHand>, StoreError> {
        self.run(move |conn| {
            let Ok(hand_no) = i64::try_from(hand_no) else {
                return Ok(None);
            };
            let row = conn
                .query_row(
                    "SELECT record, record_hash, prev_hash FROM hand_records
                     WHERE table_id = ?1 AND hand_no = ?2",
                    (table.as_str(), hand_no),
                    |row| {
                        Ok((
                            row.get::<_, Vec<u8>>(0)?,
                            row.get::<_, Vec<u8>>(1)?,
                            row.get::<_, Option<Vec<u8>>>(2)?,
                        ))
                    },
                )
                .optional()?;
            row.map(|(record, record_hash, prev_hash)| {
                Ok(StoredHand {
                    record,
                    record_hash: hash32(record_hash)?,
                    prev_hash: prev_hash.map(hash32).transpose()?,
                })
            })
            .transpose()
        })
        .await
    }

    /// The number and hash of the last hand stored at `table`, if any.
    pub async fn last_hand(&self, table: TableId) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        self.run(move |conn| {
            last_record(conn, &table)?
                .map(|(hand_no, hash)| Ok((hand_no, hash32(hash)?)))
                .transpose()
        })
        .await
    }

    /// Up to `limit` records at `table` from hand `from` on, in hand order, as
    /// `(hand_no, record bytes)`.
    pub async fn hand_records_from(
        &self,
        table: TableId,
        from: u64,
        limit: u64,
    ) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
        self.run(move |conn| {
            let from = i64::try_from(from).unwrap_or(i64::MAX);
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let mut statement = conn.prepare_cached(
                "SELECT hand_no, record FROM hand_records WHERE table_id = ?1 AND hand_no >= ?2
                 ORDER BY hand_no LIMIT ?3",
            )?;
            let rows = statement
                .query_map((table.as_str(), from, limit), |row| {
                    Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(hand_no, record)| {
                    let hand_no = u64::try_from(hand_no)
                        .map_err(|_| StoreError::Corrupt(format!("hand number {hand_no}")))?;
                    Ok((hand_no, record))
                })
                .collect()
        })
        .await
    }
}
