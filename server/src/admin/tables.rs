//! Tables opened through the admin API: stored (table `created_tables`) with every setting
//! as given and their audit entry, reopened on every start with the same settings until
//! closed, and never given out again by name or number, since each names one chain of hand
//! records.

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

/// The settings a created table may leave out, by column (and audit field) name, in the
/// order of the `created_tables` columns added by schema version 4.
const OPTIONAL_COLUMNS: [&str; 10] = [
    "sit_out_hands_max",
    "commit_window_ms",
    "reveal_window_ms",
    "hand_pause_ms",
    "time_bank_secs",
    "time_bank_refill_secs",
    "disconnect_grace_secs",
    "seat_keep_secs",
    "disconnect_graces",
    "disconnect_grace_window_hands",
];

/// `spec`'s optional settings, in [`OPTIONAL_COLUMNS`] order.
fn optional_settings(spec: &TableSpec) -> [Option<u64>; 10] {
    [
        spec.sit_out_hands_max.map(u64::from),
        spec.commit_window_ms,
        spec.reveal_window_ms,
        spec.hand_pause_ms,
        spec.time_bank_secs,
        spec.time_bank_refill_secs,
        spec.disconnect_grace_secs,
        spec.seat_keep_secs,
        spec.disconnect_graces.map(u64::from),
        spec.disconnect_grace_window_hands,
    ]
}

/// The audit fields describing a table's settings: the required ones, then each optional
/// one that was given.
pub(crate) fn spec_fields(spec: &TableSpec) -> AuditFields {
    let fields = AuditFields::new()
        .text("table", &spec.name)
        .u64("number", spec.number)
        .text("game", &spec.game)
        .u64("small_blind", spec.blinds.0)
        .u64("big_blind", spec.blinds.1)
        .u64("seats", u64::from(spec.seats))
        .u64("buy_in_min", spec.buy_in.0)
        .u64("buy_in_max", spec.buy_in.1);
    OPTIONAL_COLUMNS
        .iter()
        .zip(optional_settings(spec))
        .fold(fields, |fields, (name, value)| match value {
            Some(value) => fields.u64(name, value),
            None => fields,
        })
}

/// A stored optional setting back as the spec's type.
fn optional<T: TryFrom<u64>>(column: &str, value: Option<i64>) -> Result<Option<T>, StoreError> {
    value
        .map(|value| {
            to_u64(value).and_then(|value| {
                T::try_from(value)
                    .map_err(|_| StoreError::Corrupt(format!("{column} = {value} does not fit")))
            })
        })
        .transpose()
}

fn open_tables(conn: &Connection) -> Result<Vec<TableSpec>, StoreError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT name, number, game, small_blind, big_blind, seats, buy_in_min, buy_in_max, {}
         FROM created_tables WHERE closed_at IS NULL ORDER BY number",
        OPTIONAL_COLUMNS.join(", ")
    ))?;
    let rows = statement
        .query_map([], |row| {
            let mut given = [None; 10];
            for (i, slot) in given.iter_mut().enumerate() {
                *slot = row.get::<_, Option<i64>>(8 + i)?;
            }
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
                row.get::<_, i64>(4)?,
                row.get::<_, i64>(5)?,
                row.get::<_, i64>(6)?,
                row.get::<_, i64>(7)?,
                given,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(name, number, game, sb, bb, seats, min, max, given)| {
            let [sit_out, commit, reveal, pause, bank, refill, grace, keep, graces, window] = given;
            let c = &OPTIONAL_COLUMNS;
            Ok(TableSpec {
                name,
                number: to_u64(number)?,
                game,
                blinds: (to_u64(sb)?, to_u64(bb)?),
                seats: u8::try_from(seats)
                    .map_err(|_| StoreError::Corrupt(format!("{seats} seats")))?,
                buy_in: (to_u64(min)?, to_u64(max)?),
                sit_out_hands_max: optional(c[0], sit_out)?,
                commit_window_ms: optional(c[1], commit)?,
                reveal_window_ms: optional(c[2], reveal)?,
                hand_pause_ms: optional(c[3], pause)?,
                time_bank_secs: optional(c[4], bank)?,
                time_bank_refill_secs: optional(c[5], refill)?,
                disconnect_grace_secs: optional(c[6], grace)?,
                seat_keep_secs: optional(c[7], keep)?,
                disconnect_graces: optional(c[8], graces)?,
                disconnect_grace_window_hands: optional(c[9], window)?,
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
            for (column, value) in OPTIONAL_COLUMNS.iter().zip(optional_settings(&spec)) {
                if let Some(value) = value {
                    // Column names come from the constant list above, never from input.
                    tx.execute(
                        &format!("UPDATE created_tables SET {column} = ?2 WHERE name = ?1"),
                        (&spec.name, to_i64(value)?),
                    )?;
                }
            }
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
