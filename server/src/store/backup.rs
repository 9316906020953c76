//! The database half of an online backup: a consistent copy taken from a read-only
//! connection while the server writes, then checked on its own.
//!
//! `VACUUM INTO` copies one read transaction's snapshot. In write-ahead-log mode a reader
//! never blocks the writer, so tables go on dealing while the copy is made, and no write
//! half-lands in it: the copy holds every commit made before its snapshot and nothing after.
//! (SQLite's page-by-page backup API would restart each time another connection writes,
//! which on a busy server is every few milliseconds.)

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{file_name_for_sqlite, StoreError};
use crate::audit::{check_chain, AuditReport};
use crate::ledger::{Inconsistency, LedgerError, LedgerReport};

/// How long the copy waits for a lock the writer holds for a moment (opening a snapshot can
/// meet a checkpoint in progress).
const BACKUP_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// What was copied and what the checks of the copy found.
#[derive(Debug)]
pub struct CopiedDatabase {
    /// Size of the copy.
    pub bytes: u64,
    /// The ledger check of the copy: chip conservation and every balance recomputed.
    pub ledger: Result<LedgerReport, Vec<Inconsistency>>,
    /// The audit chain of the copy.
    pub audit: AuditReport,
    /// Signed hand records in the copy.
    pub hand_records: u64,
}

/// Copies the database at `source` to the new file `target` (mode 0600) and checks the copy:
/// SQLite's own integrity check, the ledger, the audit chain. The server may be running.
pub fn copy_database(source: &Path, target: &Path) -> Result<CopiedDatabase, StoreError> {
    let target = &file_name_for_sqlite(target)?;
    let source = &file_name_for_sqlite(source)?;
    let target_name = target
        .to_str()
        .ok_or_else(|| StoreError::Corrupt(format!("backup path {target:?} is not UTF-8")))?;
    let conn = Connection::open_with_flags(
        source,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(BACKUP_BUSY_TIMEOUT)?;
    conn.execute("VACUUM INTO ?1", [target_name])?;
    drop(conn);
    fs::set_permissions(target, fs::Permissions::from_mode(0o600)).map_err(StoreError::Create)?;
    fs::File::open(target)
        .and_then(|file| file.sync_all())
        .map_err(StoreError::Create)?;

    let mut copy = Connection::open_with_flags(
        target,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let integrity: String = copy.query_row("PRAGMA integrity_check", [], |row| row.get(0))?;
    if integrity != "ok" {
        return Err(StoreError::Corrupt(format!(
            "the copy fails SQLite's integrity check: {integrity}"
        )));
    }
    let ledger = match super::check::check(&mut copy) {
        Ok(report) => Ok(report),
        Err(LedgerError::Inconsistent(found)) => Err(found),
        Err(LedgerError::Store(err)) => return Err(err),
        Err(other) => return Err(StoreError::Corrupt(other.to_string())),
    };
    let audit = check_chain(&copy)?;
    let hand_records: i64 =
        copy.query_row("SELECT count(*) FROM hand_records", [], |row| row.get(0))?;
    drop(copy);
    let bytes = fs::metadata(target).map_err(StoreError::Create)?.len();
    Ok(CopiedDatabase {
        bytes,
        ledger,
        audit,
        hand_records: u64::try_from(hand_records).unwrap_or(0),
    })
}
