//! Tables opened through the admin API: stored (table `created_tables`) with their audit
//! entry, reopened on every start until closed, and never given out again by name or number,
//! since each names one chain of hand records.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::audit::{self, AuditError, AuditFields, AuditKind};
use crate::clock::UnixTime;
use crate::config::TableSpec;
use crate::store::{Store, StoreError};

/// Why a table could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum CreatedTableError {
    /// A table of this name or number was created before (open or closed) or has records.
    #[error(
        "a table named {0:?} or with its number existed before; names and numbers are never reused"
    )]
    Reused(String),
    /// The database or the audit log failed.
    #[error(transparent)]
    Audit(#[from] AuditError),
}

impl From<StoreError> for CreatedTableError {
    fn from(err: StoreError) -> CreatedTableError {
        CreatedTableError::Audit(AuditError::Store(err))
    }
}

impl From<rusqlite::Error> for CreatedTableError {
    fn from(err: rusqlite::Error) -> CreatedTableError {
        CreatedTableError::from(StoreError::from(err))
    }
}

fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{value} does not fit")))
}

fn to_u64(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{value} is negative")))
}

/// The audit fields describing a table's settings.
pub(crate) fn spec_fields(spec: &TableSpec) -> AuditFields {
    AuditFields::new()
        .text("table", &spec.name)
        .u64("number", spec.number)
        .text("game", &spec.game)
        .u64("small_blind", spec.blinds.0)
        .u64("big_blind", spec.blinds.1)
        .u64("seats", u64::from(spec.seats))
        .u64("buy_in_min", spec.buy_in.0)
        .u64("buy_in_max", spec.buy_in.1)
}

fn open_tables(conn: &Connection) -> Result<Vec<TableSpec>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT name, number, game, small_blind, big_blind, seats, buy_in_min, buy_in_max
         FROM created_tables WHERE closed_at IS NULL ORDER BY number",
    )?;
    let rows = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
                row.get::<_, i64>(4)?,
                row.get::<_, i64>(5)?,
                row.get::<_, i64>(6)?,
                row.get::<_, i64>(7)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(name, number, game, sb, bb, seats, min, max)| {
            Ok(TableSpec {
                name,
                number: to_u64(number)?,
                game,
                blinds: (to_u64(sb)?, to_u64(bb)?),
                seats: u8::try_from(seats)
                    .map_err(|_| StoreError::Corrupt(format!("{seats} seats")))?,
                buy_in: (to_u64(min)?, to_u64(max)?),
                // Not stored: a created table gets the default sit-out limit, seed windows and pause.
                sit_out_hands_max: None,
                hand_pause_ms: None,
                commit_window_ms: None,
                reveal_window_ms: None,
            })
        })
        .collect()
}

impl Store {
    /// The tables created through the admin API and not closed, by number.
    pub async fn created_tables(&self) -> Result<Vec<TableSpec>, StoreError> {
        self.run(|conn| open_tables(conn)).await
    }

    /// Records a new table and its audit entry in one transaction. Refuses a name or
    /// number used by an earlier created table, and a name that already has hand records.
    pub async fn record_created_table(&self, spec: TableSpec) -> Result<(), CreatedTableError> {
        self.run(move |conn| {
            let now = UnixTime::now();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let number = to_i64(spec.number)?;
            let reused = tx
                .query_row(
                    "SELECT 1 FROM created_tables WHERE name = ?1 OR number = ?2
                     UNION ALL SELECT 1 FROM hand_records WHERE table_id = ?1
                     LIMIT 1",
                    (&spec.name, number),
                    |_| Ok(()),
                )
                .optional()?;
            if reused.is_some() {
                return Err(CreatedTableError::Reused(spec.name.clone()));
            }
            tx.execute(
                "INSERT INTO created_tables (name, number, game, small_blind, big_blind, seats,
                     buy_in_min, buy_in_max, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                (
                    &spec.name,
                    number,
                    &spec.game,
                    to_i64(spec.blinds.0)?,
                    to_i64(spec.blinds.1)?,
                    i64::from(spec.seats),
                    to_i64(spec.buy_in.0)?,
                    to_i64(spec.buy_in.1)?,
                    now.as_secs(),
                ),
            )?;
            audit::append(&tx, AuditKind::CreateTable, &spec_fields(&spec), now)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// Records the closing of table `name` (marking it closed if it was created through the
    /// admin API) with its audit entry, in one transaction.
    pub async fn record_closed_table(&self, name: String) -> Result<(), AuditError> {
        self.run(move |conn| {
            let now = UnixTime::now();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "UPDATE created_tables SET closed_at = ?2 WHERE name = ?1 AND closed_at IS NULL",
                (&name, now.as_secs()),
            )?;
            audit::append(
                &tx,
                AuditKind::CloseTable,
                &AuditFields::new().text("table", &name),
                now,
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }
}
