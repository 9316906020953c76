//! Account and session queries: registration with its starting credit, password lookups, and
//! bearer sessions stored by token hash.

use rusqlite::{Connection, OptionalExtension};

use super::ledger::{create_player_account, credit_signup, player_account};
use super::{Store, StoreError};
use crate::accounts::{Account, AccountId, Username};
use crate::auth::{PasswordHash, TokenHash};
use crate::clock::UnixTime;
use crate::ledger::LedgerError;
use crate::limits::SESSIONS_PER_ACCOUNT_MAX;

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateAccountError {
    /// Another account has this username (compared without regard to ASCII case).
    #[error("username is taken")]
    UsernameTaken,
    /// The starting credit could not be posted.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl From<StoreError> for CreateAccountError {
    fn from(err: StoreError) -> CreateAccountError {
        CreateAccountError::Ledger(LedgerError::Store(err))
    }
}

impl From<rusqlite::Error> for CreateAccountError {
    fn from(err: rusqlite::Error) -> CreateAccountError {
        StoreError::from(err).into()
    }
}

/// A stored password hash and the account it unlocks.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The account.
    pub account: AccountId,
    /// Its Argon2id hash.
    pub password_hash: PasswordHash,
}

/// Reads one account with its balance.
fn account(conn: &Connection, id: AccountId) -> Result<Option<Account>, StoreError> {
    let row = conn
        .query_row(
            "SELECT a.username, a.created_at, l.id, l.balance
             FROM accounts a JOIN ledger_accounts l ON l.account_id = a.id AND l.kind = 'player'
             WHERE a.id = ?1",
            [id.get()],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, i64>(2)?,
                    row.get::<_, i64>(3)?,
                ))
            },
        )
        .optional()?;
    row.map(|(username, created_at, ledger_account, balance)| {
        Ok(Account {
            id,
            username: Username::parse(&username)
                .map_err(|err| StoreError::Corrupt(format!("username {username:?}: {err}")))?,
            created_at: UnixTime::from_secs(created_at),
            ledger_account: crate::ledger::LedgerAccountId::from_raw(ledger_account),
            balance: u64::try_from(balance)
                .map_err(|_| StoreError::Corrupt(format!("player balance {balance}")))?,
        })
    })
    .transpose()
}

impl Store {
    /// Creates an account and credits it `starting_balance` chips from issuance, all in one
    /// database transaction.
    pub async fn create_account(
        &self,
        username: Username,
        password_hash: PasswordHash,
        starting_balance: u64,
        now: UnixTime,
    ) -> Result<Account, CreateAccountError> {
        // Grouped with the writes queued beside it: one commit for all (`store/group.rs`).
        self.run_grouped(move |tx| {
            let inserted = tx.execute(
                "INSERT INTO accounts (username, password_hash, created_at) VALUES (?1, ?2, ?3)",
                (username.as_str(), password_hash.as_str(), now.as_secs()),
            );
            match inserted {
                Err(rusqlite::Error::SqliteFailure(err, _))
                    if err.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
                {
                    return Err(CreateAccountError::UsernameTaken)
                }
                other => other?,
            };
            let id = AccountId::from_raw(tx.last_insert_rowid());
            let player = create_player_account(tx, id)?;
            credit_signup(tx, id, player, starting_balance)?;
            let created = account(tx, id)?
                .ok_or_else(|| StoreError::Corrupt("new account not readable".to_owned()))?;
            Ok(created)
        })
        .await
    }

    /// The account with this username (any ASCII case) and its password hash.
    pub async fn credentials(&self, username: Username) -> Result<Option<Credentials>, StoreError> {
        self.run(move |conn| {
            let row = conn
                .query_row(
                    "SELECT id, password_hash FROM accounts WHERE username = ?1",
                    [username.as_str()],
                    |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)),
                )
                .optional()?;
            Ok(row.map(|(id, hash)| Credentials {
                account: AccountId::from_raw(id),
                password_hash: PasswordHash::from_stored(hash),
            }))
        })
        .await
    }

    /// The account with its balance.
    pub async fn account(&self, id: AccountId) -> Result<Option<Account>, StoreError> {
        self.run(move |conn| account(conn, id)).await
    }

    /// Records a session for `account` that ends at `expires_at`, first dropping the
    /// account's expired sessions and, beyond [`SESSIONS_PER_ACCOUNT_MAX`], its oldest ones.
    pub async fn create_session(
        &self,
        account: AccountId,
        token: TokenHash,
        now: UnixTime,
        expires_at: UnixTime,
    ) -> Result<(), StoreError> {
        // Grouped with the writes queued beside it: one commit for all (`store/group.rs`).
        self.run_grouped(move |tx| {
            tx.execute(
                "DELETE FROM sessions WHERE account_id = ?1 AND expires_at <= ?2",
                (account.get(), now.as_secs()),
            )?;
            // Keep room for the new session among the newest ones.
            tx.execute(
                "DELETE FROM sessions WHERE account_id = ?1 AND token_hash NOT IN (
                     SELECT token_hash FROM sessions WHERE account_id = ?1
                     ORDER BY created_at DESC LIMIT ?2)",
                (account.get(), SESSIONS_PER_ACCOUNT_MAX - 1),
            )?;
            tx.execute(
                "INSERT INTO sessions (token_hash, account_id, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4)",
                (
                    token.as_bytes().as_slice(),
                    account.get(),
                    now.as_secs(),
                    expires_at.as_secs(),
                ),
            )?;
            Ok(())
        })
        .await
    }

    /// The account a live (unexpired at `now`) session belongs to.
    pub async fn session_account(
        &self,
        token: TokenHash,
        now: UnixTime,
    ) -> Result<Option<AccountId>, StoreError> {
        self.run(move |conn| {
            let id = conn
                .query_row(
                    "SELECT account_id FROM sessions WHERE token_hash = ?1 AND expires_at > ?2",
                    (token.as_bytes().as_slice(), now.as_secs()),
                    |row| row.get(0),
                )
                .optional()?;
            Ok(id.map(AccountId::from_raw))
        })
        .await
    }

    /// Ends a session. Returns whether it existed.
    pub async fn delete_session(&self, token: TokenHash) -> Result<bool, StoreError> {
        self.run(move |conn| {
            let deleted = conn.execute(
                "DELETE FROM sessions WHERE token_hash = ?1",
                [token.as_bytes().as_slice()],
            )?;
            Ok(deleted > 0)
        })
        .await
    }

    /// The player's own ledger account.
    pub async fn player_ledger_account(
        &self,
        account: AccountId,
    ) -> Result<Option<crate::ledger::LedgerAccountId>, StoreError> {
        self.run(move |conn| player_account(conn, account)).await
    }
}
