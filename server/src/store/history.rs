//! Queries behind hand-history downloads: stored records with their settlement time, by
//! hand, by a table's hand range, and across the tables a player has sat at.

use rusqlite::{Connection, OptionalExtension};

use super::{Store, StoreError};
use crate::accounts::AccountId;
use crate::clock::UnixTime;
use crate::ledger::TableId;

/// A stored record with where and when it was settled.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    /// The row's position in the store: later hands have larger ones (a paging cursor).
    pub cursor: u64,
    /// The table.
    pub table: TableId,
    /// The hand number at that table.
    pub hand_no: u64,
    /// The signed record's canonical bytes.
    pub record: Vec<u8>,
    /// When the hand was settled.
    pub played_at: UnixTime,
}

type Row = (i64, String, i64, Vec<u8>, i64);

fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
    ))
}

fn stored((cursor, table, hand_no, record, played_at): Row) -> Result<StoredRecord, StoreError> {
    Ok(StoredRecord {
        cursor: u64::try_from(cursor)
            .map_err(|_| StoreError::Corrupt(format!("record row {cursor}")))?,
        table: TableId::parse(&table)
            .map_err(|_| StoreError::Corrupt(format!("table id {table:?}")))?,
        hand_no: u64::try_from(hand_no)
            .map_err(|_| StoreError::Corrupt(format!("hand number {hand_no}")))?,
        record,
        played_at: UnixTime::from_secs(played_at),
    })
}

fn collect(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<StoredRecord>, StoreError> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement
        .query_map(params, read_row)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(stored).collect()
}

fn clamp(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

impl Store {
    /// The record of hand `hand_no` at `table`, with its settlement time.
    pub async fn stored_record(
        &self,
        table: TableId,
        hand_no: u64,
    ) -> Result<Option<StoredRecord>, StoreError> {
        self.run(move |conn| {
            let row = conn
                .query_row(
                    "SELECT id, table_id, hand_no, record, created_at FROM hand_records
                     WHERE table_id = ?1 AND hand_no = ?2",
                    (table.as_str(), clamp(hand_no)),
                    read_row,
                )
                .optional()?;
            row.map(stored).transpose()
        })
        .await
    }

    /// The records of hands `from..=to` at `table`, in hand order.
    pub async fn table_records_between(
        &self,
        table: TableId,
        from: u64,
        to: u64,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        self.run(move |conn| {
            collect(
                conn,
                "SELECT id, table_id, hand_no, record, created_at FROM hand_records
                 WHERE table_id = ?1 AND hand_no BETWEEN ?2 AND ?3 ORDER BY hand_no",
                (table.as_str(), clamp(from), clamp(to)),
            )
        })
        .await
    }

    /// Up to `limit` records from cursor `from` on, in settlement order, of the tables where
    /// `account` has ever sat (so possibly of hands it was not dealt in: the caller checks).
    pub async fn records_at_tables_of(
        &self,
        account: AccountId,
        from: u64,
        limit: u64,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        self.run(move |conn| {
            collect(
                conn,
                "SELECT id, table_id, hand_no, record, created_at FROM hand_records
                 WHERE id >= ?1 AND table_id IN
                     (SELECT table_id FROM ledger_accounts
                      WHERE kind = 'table_session' AND account_id = ?2)
                 ORDER BY id LIMIT ?3",
                (clamp(from), account.get(), clamp(limit)),
            )
        })
        .await
    }
}
