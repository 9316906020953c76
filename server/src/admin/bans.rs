//! Bans of an account or an IP address, each with an expiry: stored in SQLite (table `bans`),
//! written together with their audit entry, and cached in memory so the checks at accept,
//! login, token check and WebSocket upgrade cost no database round trip.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::RwLock;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::accounts::AccountId;
use crate::audit::{self, AuditError, AuditFields, AuditKind};
use crate::clock::UnixTime;
use crate::store::{Store, StoreError};

/// Bans in force at once; a ban beyond it is refused (lift or let some expire first).
pub const BANS_ACTIVE_MAX: usize = 100_000;
/// Longest ban reason, in bytes.
pub const BAN_REASON_BYTES_MAX: usize = 256;
/// Longest ban: ten years.
pub const BAN_DURATION_MAX_SECS: u64 = 10 * 365 * 24 * 60 * 60;

/// Who a ban is against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BanTarget {
    /// A player account.
    Account(AccountId),
    /// Every connection from this address.
    Address(IpAddr),
}

/// One ban.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ban {
    /// Its id (for lifting it).
    pub id: i64,
    /// Who is banned.
    pub target: BanTarget,
    /// Why, as the operator wrote it.
    pub reason: String,
    /// When it was made.
    pub created_at: UnixTime,
    /// When it ends.
    pub expires_at: UnixTime,
}

/// Why a ban could not be stored.
#[derive(Debug, thiserror::Error)]
pub enum BanError {
    /// [`BANS_ACTIVE_MAX`] bans are in force already.
    #[error("{BANS_ACTIVE_MAX} bans are in force already")]
    TooMany,
    /// The database or the audit log failed.
    #[error(transparent)]
    Audit(#[from] AuditError),
}

impl From<StoreError> for BanError {
    fn from(err: StoreError) -> BanError {
        BanError::Audit(AuditError::Store(err))
    }
}

impl From<rusqlite::Error> for BanError {
    fn from(err: rusqlite::Error) -> BanError {
        BanError::from(StoreError::from(err))
    }
}

/// The bans in force, by target: ban id to expiry (seconds since the epoch).
#[derive(Debug, Default)]
pub struct Bans {
    active: RwLock<HashMap<BanTarget, BTreeMap<i64, i64>>>,
}

impl Bans {
    /// Whether `target` is banned at `now`.
    pub fn is_banned(&self, target: BanTarget, now: UnixTime) -> bool {
        let Ok(active) = self.active.read() else {
            return false;
        };
        active
            .get(&target)
            .is_some_and(|bans| bans.values().any(|&expires| expires > now.as_secs()))
    }

    /// Whether `account` is banned now.
    pub fn account_banned(&self, account: AccountId) -> bool {
        self.is_banned(BanTarget::Account(account), UnixTime::now())
    }

    /// Whether `address` is banned now.
    pub fn address_banned(&self, address: IpAddr) -> bool {
        self.is_banned(BanTarget::Address(address), UnixTime::now())
    }

    fn insert(&self, ban: &Ban) {
        if let Ok(mut active) = self.active.write() {
            let now = UnixTime::now().as_secs();
            // Expired bans go when a new one comes, so the cache stays near the active set.
            active.retain(|_, bans| {
                bans.retain(|_, expires| *expires > now);
                !bans.is_empty()
            });
            active
                .entry(ban.target)
                .or_default()
                .insert(ban.id, ban.expires_at.as_secs());
        }
    }

    fn remove(&self, ban: &Ban) {
        if let Ok(mut active) = self.active.write() {
            if let Some(bans) = active.get_mut(&ban.target) {
                bans.remove(&ban.id);
                if bans.is_empty() {
                    active.remove(&ban.target);
                }
            }
        }
    }

    /// Loads the bans in force from the database (at start).
    pub async fn load(&self, store: &Store) -> Result<usize, StoreError> {
        let bans = store.active_bans(UnixTime::now()).await?;
        for ban in &bans {
            self.insert(ban);
        }
        Ok(bans.len())
    }

    /// Stores a ban with its audit entry, then enforces it.
    pub async fn add(
        &self,
        store: &Store,
        target: BanTarget,
        reason: String,
        expires_at: UnixTime,
    ) -> Result<Ban, BanError> {
        let ban = store.add_ban(target, reason, expires_at).await?;
        self.insert(&ban);
        Ok(ban)
    }

    /// Lifts ban `id` (with an audit entry); `None` if there is no such ban in force.
    pub async fn lift(&self, store: &Store, id: i64) -> Result<Option<Ban>, BanError> {
        let ban = store.lift_ban(id).await?;
        if let Some(ban) = &ban {
            self.remove(ban);
        }
        Ok(ban)
    }
}

type BanRow = (i64, Option<i64>, Option<String>, String, i64, i64);

fn ban_from_row(
    (id, account, address, reason, created, expires): BanRow,
) -> Result<Ban, StoreError> {
    let target = match (account, address) {
        (Some(account), None) => BanTarget::Account(AccountId::from_raw(account)),
        (None, Some(address)) => BanTarget::Address(
            address
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("banned address {address:?}")))?,
        ),
        _ => {
            return Err(StoreError::Corrupt(format!(
                "ban {id} has no single target"
            )))
        }
    };
    Ok(Ban {
        id,
        target,
        reason,
        created_at: UnixTime::from_secs(created),
        expires_at: UnixTime::from_secs(expires),
    })
}

const BAN_COLUMNS: &str = "id, account_id, address, reason, created_at, expires_at";

fn read_ban(row: &rusqlite::Row<'_>) -> rusqlite::Result<BanRow> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
    ))
}

fn active(conn: &Connection, now: UnixTime) -> Result<Vec<Ban>, StoreError> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {BAN_COLUMNS} FROM bans WHERE lifted_at IS NULL AND expires_at > ?1
         ORDER BY id LIMIT ?2"
    ))?;
    let limit = i64::try_from(BANS_ACTIVE_MAX).unwrap_or(i64::MAX);
    let rows = statement
        .query_map((now.as_secs(), limit), read_ban)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(ban_from_row).collect()
}

/// The audit fields describing `ban`.
fn ban_fields(ban: &Ban) -> AuditFields {
    let fields = AuditFields::new().i64("ban", ban.id);
    let fields = match ban.target {
        BanTarget::Account(account) => fields.i64("account", account.get()),
        BanTarget::Address(address) => fields.text("address", &address.to_string()),
    };
    fields
        .text("reason", &ban.reason)
        .i64("expires_at", ban.expires_at.as_secs())
}

impl Store {
    /// The bans in force at `now`, oldest first.
    pub async fn active_bans(&self, now: UnixTime) -> Result<Vec<Ban>, StoreError> {
        self.run(move |conn| active(conn, now)).await
    }

    /// Stores a ban and its audit entry in one transaction.
    async fn add_ban(
        &self,
        target: BanTarget,
        reason: String,
        expires_at: UnixTime,
    ) -> Result<Ban, BanError> {
        self.run(move |conn| {
            let now = UnixTime::now();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let in_force: i64 = tx.query_row(
                "SELECT count(*) FROM bans WHERE lifted_at IS NULL AND expires_at > ?1",
                [now.as_secs()],
                |row| row.get(0),
            )?;
            if usize::try_from(in_force).unwrap_or(usize::MAX) >= BANS_ACTIVE_MAX {
                return Err(BanError::TooMany);
            }
            let (account, address) = match target {
                BanTarget::Account(account) => (Some(account.get()), None),
                BanTarget::Address(address) => (None, Some(address.to_string())),
            };
            tx.execute(
                "INSERT INTO bans (account_id, address, reason, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                (
                    account,
                    address,
                    &reason,
                    now.as_secs(),
                    expires_at.as_secs(),
                ),
            )?;
            let ban = Ban {
                id: tx.last_insert_rowid(),
                target,
                reason,
                created_at: now,
                expires_at,
            };
            audit::append(&tx, AuditKind::Ban, &ban_fields(&ban), now)?;
            tx.commit()?;
            Ok(ban)
        })
        .await
    }

    /// Marks ban `id` lifted, with its audit entry; `None` if it is not in force.
    async fn lift_ban(&self, id: i64) -> Result<Option<Ban>, BanError> {
        self.run(move |conn| {
            let now = UnixTime::now();
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let row = tx
                .query_row(
                    &format!(
                        "SELECT {BAN_COLUMNS} FROM bans
                         WHERE id = ?1 AND lifted_at IS NULL AND expires_at > ?2"
                    ),
                    (id, now.as_secs()),
                    read_ban,
                )
                .optional()?;
            let Some(row) = row else {
                return Ok(None);
            };
            let ban = ban_from_row(row)?;
            tx.execute(
                "UPDATE bans SET lifted_at = ?2 WHERE id = ?1",
                (id, now.as_secs()),
            )?;
            audit::append(&tx, AuditKind::Unban, &ban_fields(&ban), now)?;
            tx.commit()?;
            Ok(Some(ban))
        })
        .await
    }
}
