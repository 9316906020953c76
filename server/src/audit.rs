//! The append-only, hash-chained audit log: every admin action and every ledger transaction
//! appends one entry, in the same SQLite transaction as the change it describes.
//!
//! Each entry's hash is SHA-256 over a canonical, domain-separated byte encoding of the
//! previous entry's hash, the entry's sequence number, time, kind and fields
//! (`docs/audit-log.md` gives it byte by byte). The fields are stored in exactly the bytes that
//! are hashed, so [`check_chain`] recomputes every hash from what is stored: editing, inserting
//! or deleting a row anywhere but at the head breaks the chain at that row. (Deleting the
//! newest rows is found only by comparing the head with a copy kept elsewhere; the admin API
//! reports the head for that purpose.)

use std::fmt;
use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::clock::UnixTime;
use crate::ledger::{Entry, IdempotencyKey, TransactionId, TransactionKind};
use crate::store::{Store, StoreError};

/// The domain-separation tag that starts every hashed entry.
pub const AUDIT_DOMAIN: &[u8] = b"fairdeal/v1/audit-entry";
/// The "previous hash" of the first entry.
pub const GENESIS_HASH: [u8; 32] = [0; 32];
/// Most fields one entry may carry (a ledger transaction has at most
/// `2 * MOVEMENTS_PER_TRANSACTION_MAX` entries, two fields each, plus three).
pub const AUDIT_FIELDS_MAX: usize = 512;
/// Longest field name or value, in bytes.
pub const AUDIT_VALUE_BYTES_MAX: usize = 4096;
/// Entries returned by one request for the log.
pub const AUDIT_PAGE_MAX: u64 = 500;

/// Type tags of field values in the encoding.
const TAG_U64: u8 = 1;
const TAG_I64: u8 = 2;
const TAG_TEXT: u8 = 3;
const TAG_BYTES: u8 = 4;

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditKind {
    /// A ledger transaction (sign-up credit, buy-in, cash-out, hand settlement, refund).
    LedgerTransaction,
    /// An operator opened a table.
    CreateTable,
    /// An operator closed a table.
    CloseTable,
    /// An operator stood a player up.
    Kick,
    /// An operator banned an account or an address.
    Ban,
    /// An operator lifted a ban.
    Unban,
    /// An operator sent a message to every connection.
    Broadcast,
    /// An operator stopped new hands (maintenance).
    Drain,
    /// An operator allowed new hands again.
    Undrain,
}

impl AuditKind {
    /// The name stored and hashed.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::LedgerTransaction => "ledger_transaction",
            AuditKind::CreateTable => "admin_create_table",
            AuditKind::CloseTable => "admin_close_table",
            AuditKind::Kick => "admin_kick",
            AuditKind::Ban => "admin_ban",
            AuditKind::Unban => "admin_unban",
            AuditKind::Broadcast => "admin_broadcast",
            AuditKind::Drain => "admin_drain",
            AuditKind::Undrain => "admin_undrain",
        }
    }
}

/// One field value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditValue {
    /// An unsigned integer.
    U64(u64),
    /// A signed integer (database ids, ledger deltas).
    I64(i64),
    /// UTF-8 text.
    Text(String),
    /// Raw bytes.
    Bytes(Vec<u8>),
}

impl fmt::Display for AuditValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditValue::U64(v) => write!(f, "{v}"),
            AuditValue::I64(v) => write!(f, "{v}"),
            AuditValue::Text(v) => f.write_str(v),
            AuditValue::Bytes(v) => f.write_str(&hex::encode(v)),
        }
    }
}

/// An entry's fields, in order; names may repeat (one pair per ledger entry).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFields(Vec<(String, AuditValue)>);

impl AuditFields {
    /// No fields yet.
    pub fn new() -> AuditFields {
        AuditFields::default()
    }

    /// Adds an unsigned integer.
    pub fn u64(mut self, name: &str, value: u64) -> AuditFields {
        self.0.push((name.to_owned(), AuditValue::U64(value)));
        self
    }

    /// Adds a signed integer.
    pub fn i64(mut self, name: &str, value: i64) -> AuditFields {
        self.0.push((name.to_owned(), AuditValue::I64(value)));
        self
    }

    /// Adds text.
    pub fn text(mut self, name: &str, value: &str) -> AuditFields {
        self.0
            .push((name.to_owned(), AuditValue::Text(value.to_owned())));
        self
    }

    /// Adds bytes.
    pub fn bytes(mut self, name: &str, value: &[u8]) -> AuditFields {
        self.0
            .push((name.to_owned(), AuditValue::Bytes(value.to_vec())));
        self
    }

    /// The fields in order.
    pub fn as_slice(&self) -> &[(String, AuditValue)] {
        &self.0
    }

    /// The canonical encoding: `u32be(count)`, then per field `lp(name) ‖ tag ‖ value`.
    /// Refuses more than [`AUDIT_FIELDS_MAX`] fields or a name or value above
    /// [`AUDIT_VALUE_BYTES_MAX`] bytes.
    pub fn encode(&self) -> Result<Vec<u8>, AuditError> {
        if self.0.len() > AUDIT_FIELDS_MAX {
            return Err(AuditError::TooLarge);
        }
        let mut out = Vec::new();
        out.extend_from_slice(&u32_len(self.0.len())?.to_be_bytes());
        for (name, value) in &self.0 {
            put_lp(&mut out, name.as_bytes())?;
            match value {
                AuditValue::U64(v) => {
                    out.push(TAG_U64);
                    out.extend_from_slice(&v.to_be_bytes());
                }
                AuditValue::I64(v) => {
                    out.push(TAG_I64);
                    out.extend_from_slice(&v.to_be_bytes());
                }
                AuditValue::Text(v) => {
                    out.push(TAG_TEXT);
                    put_lp(&mut out, v.as_bytes())?;
                }
                AuditValue::Bytes(v) => {
                    out.push(TAG_BYTES);
                    put_lp(&mut out, v)?;
                }
            }
        }
        Ok(out)
    }

    /// Reads [`AuditFields::encode`]'s bytes back, refusing anything else (trailing bytes,
    /// unknown tags, invalid UTF-8, sizes above the limits).
    pub fn decode(bytes: &[u8]) -> Result<AuditFields, AuditError> {
        let mut reader = Reader(bytes);
        let count = usize::try_from(u32::from_be_bytes(reader.array()?))
            .map_err(|_| AuditError::Malformed("field count"))?;
        if count > AUDIT_FIELDS_MAX {
            return Err(AuditError::Malformed("too many fields"));
        }
        let mut fields = Vec::with_capacity(count);
        for _ in 0..count {
            let name = String::from_utf8(reader.lp()?.to_vec())
                .map_err(|_| AuditError::Malformed("field name is not UTF-8"))?;
            let value = match reader.byte()? {
                TAG_U64 => AuditValue::U64(u64::from_be_bytes(reader.array()?)),
                TAG_I64 => AuditValue::I64(i64::from_be_bytes(reader.array()?)),
                TAG_TEXT => AuditValue::Text(
                    String::from_utf8(reader.lp()?.to_vec())
                        .map_err(|_| AuditError::Malformed("text is not UTF-8"))?,
                ),
                TAG_BYTES => AuditValue::Bytes(reader.lp()?.to_vec()),
                _ => return Err(AuditError::Malformed("unknown value tag")),
            };
            fields.push((name, value));
        }
        if !reader.0.is_empty() {
            return Err(AuditError::Malformed("trailing bytes"));
        }
        Ok(AuditFields(fields))
    }
}

fn u32_len(len: usize) -> Result<u32, AuditError> {
    u32::try_from(len).map_err(|_| AuditError::TooLarge)
}

/// Appends `u32be(len) ‖ bytes`, refusing values above [`AUDIT_VALUE_BYTES_MAX`].
fn put_lp(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), AuditError> {
    if bytes.len() > AUDIT_VALUE_BYTES_MAX {
        return Err(AuditError::TooLarge);
    }
    out.extend_from_slice(&u32_len(bytes.len())?.to_be_bytes());
    out.extend_from_slice(bytes);
    Ok(())
}

/// A bounds-checked reader over stored field bytes.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], AuditError> {
        if self.0.len() < n {
            return Err(AuditError::Malformed("truncated"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, AuditError> {
        Ok(self.take(1)?[0])
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], AuditError> {
        self.take(N)?
            .try_into()
            .map_err(|_| AuditError::Malformed("truncated"))
    }

    fn lp(&mut self) -> Result<&'a [u8], AuditError> {
        let len = usize::try_from(u32::from_be_bytes(self.array()?))
            .map_err(|_| AuditError::Malformed("length"))?;
        if len > AUDIT_VALUE_BYTES_MAX {
            return Err(AuditError::Malformed("value too long"));
        }
        self.take(len)
    }
}

/// Why an entry could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// Too many fields, or a field too long, to record.
    #[error("audit entry too large")]
    TooLarge,
    /// Stored field bytes do not decode.
    #[error("malformed audit fields: {0}")]
    Malformed(&'static str),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for AuditError {
    fn from(err: rusqlite::Error) -> AuditError {
        AuditError::Store(StoreError::from(err))
    }
}

/// The hash of an entry: SHA-256 of
/// `lp(AUDIT_DOMAIN) ‖ prev ‖ u64be(seq) ‖ i64be(at) ‖ lp(kind) ‖ fields`, where `fields`
/// is the encoding of [`AuditFields::encode`].
///
/// ```
/// use poker_server::audit::{entry_hash, AuditFields, GENESIS_HASH};
/// let fields = AuditFields::new().text("table", "nlhe-1-2").encode()?;
/// let hash = entry_hash(&GENESIS_HASH, 1, 1_800_000_000, "admin_close_table", &fields);
/// assert_eq!(hash.len(), 32);
/// # Ok::<(), poker_server::audit::AuditError>(())
/// ```
pub fn entry_hash(prev: &[u8; 32], seq: u64, at: i64, kind: &str, fields: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update((AUDIT_DOMAIN.len() as u32).to_be_bytes());
    hasher.update(AUDIT_DOMAIN);
    hasher.update(prev);
    hasher.update(seq.to_be_bytes());
    hasher.update(at.to_be_bytes());
    hasher.update((kind.len() as u32).to_be_bytes());
    hasher.update(kind.as_bytes());
    hasher.update(fields);
    hasher.finalize().into()
}

/// Appends an entry inside the caller's database transaction and returns its sequence
/// number. The caller commits it together with the change it records.
pub(crate) fn append(
    conn: &Connection,
    kind: AuditKind,
    fields: &AuditFields,
    at: UnixTime,
) -> Result<u64, AuditError> {
    let fields = fields.encode()?;
    let head: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let (seq, prev) = match head {
        None => (1u64, GENESIS_HASH),
        Some((seq, hash)) => {
            let prev: [u8; 32] = hash
                .try_into()
                .map_err(|_| StoreError::Corrupt("audit hash length".into()))?;
            let seq = u64::try_from(seq)
                .ok()
                .and_then(|s| s.checked_add(1))
                .ok_or_else(|| StoreError::Corrupt("audit sequence".into()))?;
            (seq, prev)
        }
    };
    let hash = entry_hash(&prev, seq, at.as_secs(), kind.as_str(), &fields);
    let db_seq = i64::try_from(seq).map_err(|_| StoreError::Corrupt("audit sequence".into()))?;
    conn.prepare_cached(
        "INSERT INTO audit_log (seq, at, kind, fields, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute((
        db_seq,
        at.as_secs(),
        kind.as_str(),
        fields,
        prev.as_slice(),
        hash.as_slice(),
    ))?;
    Ok(seq)
}

/// Records a ledger transaction just posted (called by the ledger inside its transaction).
pub(crate) fn append_ledger(
    conn: &Connection,
    transaction: TransactionId,
    kind: TransactionKind,
    key: &IdempotencyKey,
    entries: &[Entry],
) -> Result<u64, AuditError> {
    let mut fields = AuditFields::new()
        .i64("transaction", transaction.get())
        .text("ledger_kind", kind.as_str())
        .text("key", key.as_str());
    for entry in entries {
        fields = fields
            .i64("account", entry.account.get())
            .i64("delta", entry.delta);
    }
    append(conn, AuditKind::LedgerTransaction, &fields, UnixTime::now())
}

/// One stored entry, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Sequence number, 1, 2, 3, …
    pub seq: u64,
    /// Seconds since the Unix epoch.
    pub at: i64,
    /// The kind's name ([`AuditKind::as_str`]).
    pub kind: String,
    /// The fields.
    pub fields: AuditFields,
    /// The previous entry's hash.
    pub prev_hash: [u8; 32],
    /// This entry's hash.
    pub hash: [u8; 32],
}

/// What is wrong with the first bad entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditProblem {
    /// The sequence number is not the previous one plus one (a row was deleted or inserted).
    Gap {
        /// The number the chain expected.
        expected: u64,
    },
    /// The stored previous hash is not the previous entry's hash.
    PreviousMismatch,
    /// The stored hash is not the hash of the stored contents (the row was edited).
    HashMismatch,
    /// The row's columns are not what the server writes.
    Malformed(String),
}

impl fmt::Display for AuditProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditProblem::Gap { expected } => {
                write!(f, "sequence gap: expected entry {expected}")
            }
            AuditProblem::PreviousMismatch => {
                f.write_str("previous hash does not match the entry before it")
            }
            AuditProblem::HashMismatch => f.write_str("hash does not match the entry's contents"),
            AuditProblem::Malformed(what) => write!(f, "malformed entry: {what}"),
        }
    }
}

/// The first entry that breaks the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFault {
    /// The sequence number stored in the bad row.
    pub seq: i64,
    /// What is wrong.
    pub problem: AuditProblem,
}

/// The result of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    /// Entries that checked out before the first bad one (all of them if none is bad).
    pub valid_entries: u64,
    /// The last good entry's sequence number and hash (0 and [`GENESIS_HASH`] if none).
    pub head: (u64, [u8; 32]),
    /// The first bad entry, if any.
    pub first_bad: Option<AuditFault>,
}

impl AuditReport {
    /// Whether the whole chain is intact.
    pub fn is_valid(&self) -> bool {
        self.first_bad.is_none()
    }
}

/// Walks the whole log in sequence order and reports the first entry that breaks the chain.
pub fn check_chain(conn: &Connection) -> Result<AuditReport, StoreError> {
    let mut statement =
        conn.prepare("SELECT seq, at, kind, fields, prev_hash, hash FROM audit_log ORDER BY seq")?;
    let mut rows = statement.query([])?;
    let mut head = (0u64, GENESIS_HASH);
    let mut valid = 0u64;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let fault = |problem| {
            Ok(AuditReport {
                valid_entries: valid,
                head,
                first_bad: Some(AuditFault { seq, problem }),
            })
        };
        let expected = head.0.saturating_add(1);
        if u64::try_from(seq).ok() != Some(expected) {
            return fault(AuditProblem::Gap { expected });
        }
        let at: i64 = match row.get(1) {
            Ok(at) => at,
            Err(_) => return fault(AuditProblem::Malformed("time".into())),
        };
        let kind: String = match row.get(2) {
            Ok(kind) => kind,
            Err(_) => return fault(AuditProblem::Malformed("kind".into())),
        };
        let fields: Vec<u8> = match row.get(3) {
            Ok(fields) => fields,
            Err(_) => return fault(AuditProblem::Malformed("fields".into())),
        };
        let hashes: Result<(Vec<u8>, Vec<u8>), _> = row.get(4).and_then(|p| Ok((p, row.get(5)?)));
        let Ok((prev, hash)) = hashes else {
            return fault(AuditProblem::Malformed("hashes".into()));
        };
        if prev.as_slice() != head.1.as_slice() {
            return fault(AuditProblem::PreviousMismatch);
        }
        if let Err(err) = AuditFields::decode(&fields) {
            return fault(AuditProblem::Malformed(err.to_string()));
        }
        let recomputed = entry_hash(&head.1, expected, at, &kind, &fields);
        if hash.as_slice() != recomputed.as_slice() {
            return fault(AuditProblem::HashMismatch);
        }
        head = (expected, recomputed);
        valid += 1;
    }
    Ok(AuditReport {
        valid_entries: valid,
        head,
        first_bad: None,
    })
}

/// Checks the audit log of the database file at `path`, opened read-only (the server may be
/// running). For `poker-server audit-check`.
pub fn check_database(path: &Path) -> Result<AuditReport, StoreError> {
    let path = crate::store::file_name_for_sqlite(path)?;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    check_chain(&conn)
}

/// Reads up to `limit` entries from sequence number `from` on.
fn entries_from(conn: &Connection, from: u64, limit: u64) -> Result<Vec<AuditEntry>, AuditError> {
    let from = i64::try_from(from).unwrap_or(i64::MAX);
    let limit = i64::try_from(limit.min(AUDIT_PAGE_MAX)).unwrap_or(0);
    let mut statement = conn.prepare_cached(
        "SELECT seq, at, kind, fields, prev_hash, hash FROM audit_log
         WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = statement
        .query_map((from, limit), |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Vec<u8>>(3)?,
                row.get::<_, Vec<u8>>(4)?,
                row.get::<_, Vec<u8>>(5)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|(seq, at, kind, fields, prev, hash)| {
            Ok(AuditEntry {
                seq: u64::try_from(seq).map_err(|_| AuditError::Malformed("sequence"))?,
                at,
                kind,
                fields: AuditFields::decode(&fields)?,
                prev_hash: prev
                    .try_into()
                    .map_err(|_| AuditError::Malformed("previous hash"))?,
                hash: hash.try_into().map_err(|_| AuditError::Malformed("hash"))?,
            })
        })
        .collect()
}

impl Store {
    /// Appends an entry in its own transaction (for admin actions that change nothing else
    /// in the database).
    pub async fn append_audit(
        &self,
        kind: AuditKind,
        fields: AuditFields,
    ) -> Result<u64, AuditError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let seq = append(&tx, kind, &fields, UnixTime::now())?;
            tx.commit()?;
            Ok(seq)
        })
        .await
    }

    /// Walks the whole audit chain (see [`check_chain`]).
    pub async fn check_audit(&self) -> Result<AuditReport, StoreError> {
        self.run(|conn| check_chain(conn)).await
    }

    /// Up to `limit` (at most [`AUDIT_PAGE_MAX`]) entries from sequence number `from` on.
    pub async fn audit_entries(
        &self,
        from: u64,
        limit: u64,
    ) -> Result<Vec<AuditEntry>, AuditError> {
        self.run(move |conn| entries_from(conn, from, limit)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn migrated() -> Connection {
        let mut conn = Connection::open_in_memory().expect("in-memory database");
        crate::store::migrate_for_tests(&mut conn);
        conn
    }

    fn append_three(conn: &Connection) {
        for (i, kind) in [AuditKind::Drain, AuditKind::Broadcast, AuditKind::Undrain]
            .into_iter()
            .enumerate()
        {
            let fields = AuditFields::new()
                .u64("n", i as u64)
                .i64("delta", -5)
                .text("message", "maintenance at 03:00")
                .bytes("raw", &[0, 1, 2]);
            append(
                conn,
                kind,
                &fields,
                UnixTime::from_secs(1_800_000_000 + i as i64),
            )
            .expect("append");
        }
    }

    #[test]
    fn fields_round_trip_and_bad_bytes_are_refused() {
        let fields = AuditFields::new()
            .u64("a", u64::MAX)
            .i64("b", i64::MIN)
            .text("c", "ünïcode")
            .bytes("d", &[9; 40]);
        let bytes = fields.encode().expect("encode");
        assert_eq!(AuditFields::decode(&bytes).expect("decode"), fields);
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(AuditFields::decode(&trailing).is_err());
        for cut in 0..bytes.len() {
            assert!(AuditFields::decode(&bytes[..cut]).is_err(), "{cut}");
        }
        let mut bad_tag = AuditFields::new().u64("a", 1).encode().expect("encode");
        bad_tag[4 + 4 + 1] = 9;
        assert!(AuditFields::decode(&bad_tag).is_err());
        let long = "x".repeat(AUDIT_VALUE_BYTES_MAX + 1);
        assert!(matches!(
            AuditFields::new().text("m", &long).encode(),
            Err(AuditError::TooLarge)
        ));
    }

    /// The worked example of `docs/audit-log.md`, byte for byte.
    #[test]
    fn the_documented_example_hashes_as_documented() {
        let fields = AuditFields::new()
            .text("table", "nlhe-1-2")
            .encode()
            .expect("encode");
        assert_eq!(
            hex::encode(&fields),
            "00000001000000057461626c6503000000086e6c68652d312d32"
        );
        let mut preimage = Vec::new();
        preimage.extend_from_slice(&(AUDIT_DOMAIN.len() as u32).to_be_bytes());
        preimage.extend_from_slice(AUDIT_DOMAIN);
        preimage.extend_from_slice(&GENESIS_HASH);
        preimage.extend_from_slice(&1u64.to_be_bytes());
        preimage.extend_from_slice(&1_800_000_000i64.to_be_bytes());
        preimage.extend_from_slice(&17u32.to_be_bytes());
        preimage.extend_from_slice(b"admin_close_table");
        preimage.extend_from_slice(&fields);
        let hash = entry_hash(
            &GENESIS_HASH,
            1,
            1_800_000_000,
            "admin_close_table",
            &fields,
        );
        let expected: [u8; 32] = Sha256::digest(&preimage).into();
        assert_eq!(hash, expected);
        assert_eq!(hex::encode(hash), DOC_EXAMPLE_HASH);
    }

    /// The hash printed in `docs/audit-log.md`.
    const DOC_EXAMPLE_HASH: &str =
        "4aa09f04e1914b6110b8f69e6cdef1b369e295eb833415fc1fd6e42e3a96aa36";

    #[test]
    fn an_intact_chain_checks_and_edits_or_deletions_are_found() {
        let conn = migrated();
        append_three(&conn);
        let report = check_chain(&conn).expect("check");
        assert!(report.is_valid(), "{report:?}");
        assert_eq!(report.valid_entries, 3);
        assert_eq!(report.head.0, 3);

        // The triggers refuse edits made through SQL...
        assert!(conn
            .execute("UPDATE audit_log SET at = at + 1 WHERE seq = 2", [])
            .is_err());
        assert!(conn
            .execute("DELETE FROM audit_log WHERE seq = 2", [])
            .is_err());
        // ...and someone who drops them is still caught by the chain.
        conn.execute_batch(
            "DROP TRIGGER audit_log_append_only_u; DROP TRIGGER audit_log_append_only_d;",
        )
        .expect("drop triggers");
        let saved: Vec<u8> = conn
            .query_row("SELECT fields FROM audit_log WHERE seq = 2", [], |r| {
                r.get(0)
            })
            .expect("fields");
        let edited = AuditFields::new().u64("n", 7).encode().expect("encode");
        conn.execute("UPDATE audit_log SET fields = ?1 WHERE seq = 2", [&edited])
            .expect("tamper");
        let report = check_chain(&conn).expect("check");
        assert_eq!(
            report.first_bad,
            Some(AuditFault {
                seq: 2,
                problem: AuditProblem::HashMismatch
            })
        );
        assert_eq!(report.valid_entries, 1);
        conn.execute("UPDATE audit_log SET fields = ?1 WHERE seq = 2", [&saved])
            .expect("restore");
        assert!(check_chain(&conn).expect("check").is_valid());

        conn.execute("DELETE FROM audit_log WHERE seq = 2", [])
            .expect("delete");
        let report = check_chain(&conn).expect("check");
        assert_eq!(
            report.first_bad,
            Some(AuditFault {
                seq: 3,
                problem: AuditProblem::Gap { expected: 2 }
            })
        );
    }

    #[test]
    fn appending_continues_the_chain() {
        let conn = migrated();
        append_three(&conn);
        let entries = entries_from(&conn, 1, 10).expect("entries");
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].prev_hash, GENESIS_HASH);
        for pair in entries.windows(2) {
            assert_eq!(pair[1].prev_hash, pair[0].hash);
            assert_eq!(pair[1].seq, pair[0].seq + 1);
        }
        assert_eq!(entries[1].kind, "admin_broadcast");
        assert_eq!(
            entries[1].fields.as_slice()[2],
            (
                "message".to_owned(),
                AuditValue::Text("maintenance at 03:00".into())
            )
        );
    }
}
