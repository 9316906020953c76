//! Ledger queries: looking up ledger accounts, posting balanced transactions under an
//! idempotency key, and the buy-in, cash-out and settle operations built on them.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::{Store, StoreError};
use crate::accounts::AccountId;
use crate::clock::UnixTime;
use crate::ledger::{
    assert_balanced, fingerprint, net_entries, Entry, IdempotencyKey, LedgerAccountId,
    LedgerAccountKind, LedgerError, Movement, Receipt, TableId, TransactionId, TransactionKind,
};
use crate::limits::CHIPS_MAX;

/// Which ledger accounts a transaction may touch.
#[derive(Debug, Clone, Copy)]
pub(super) enum Scope<'a> {
    /// Any account: only sign-up credits, which draw on issuance.
    Any,
    /// Player and table-session accounts.
    NoIssuance,
    /// Only sessions at this table: a hand settlement.
    SessionsAt(&'a TableId),
}

/// What the ledger knows about one account while posting.
struct AccountRow {
    kind: LedgerAccountKind,
    table: Option<String>,
    balance: i64,
}

/// Reads one ledger account.
fn account_row(conn: &Connection, id: LedgerAccountId) -> Result<Option<AccountRow>, StoreError> {
    let row = conn
        .prepare_cached("SELECT kind, table_id, balance FROM ledger_accounts WHERE id = ?1")?
        .query_row([id.get()], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, Option<String>>(1)?,
                row.get::<_, i64>(2)?,
            ))
        })
        .optional()?;
    row.map(|(kind, table, balance)| {
        let kind = LedgerAccountKind::from_db(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("ledger account kind {kind:?}")))?;
        Ok(AccountRow {
            kind,
            table,
            balance,
        })
    })
    .transpose()
}

/// The issuance account, created by the first migration.
pub(super) fn issuance_account(conn: &Connection) -> Result<LedgerAccountId, StoreError> {
    let id = conn.query_row(
        "SELECT id FROM ledger_accounts WHERE kind = 'issuance'",
        [],
        |row| row.get(0),
    )?;
    Ok(LedgerAccountId::from_raw(id))
}

/// The player's own ledger account; a player without one is an `UnknownPlayer`.
fn known_player_account(
    conn: &Connection,
    account: AccountId,
) -> Result<LedgerAccountId, LedgerError> {
    player_account(conn, account)?.ok_or(LedgerError::UnknownPlayer { account })
}

/// Posts one move of `amount` chips between a player's account and their session at
/// `table` (a buy-in or a cash-out, by `kind`): the table's name is the fingerprint's
/// context, and no chips are issued.
fn post_table_transfer(
    conn: &Connection,
    kind: TransactionKind,
    key: &IdempotencyKey,
    table: &TableId,
    from: LedgerAccountId,
    to: LedgerAccountId,
    amount: u64,
) -> Result<Receipt, LedgerError> {
    let entries = net_entries(&[Movement::new(from, to, amount)?])?;
    post(
        conn,
        kind,
        key,
        entries,
        table.as_str().as_bytes(),
        Scope::NoIssuance,
    )
}

/// The player's own ledger account, if the player exists.
pub(super) fn player_account(
    conn: &Connection,
    account: AccountId,
) -> Result<Option<LedgerAccountId>, StoreError> {
    let id = conn
        .query_row(
            "SELECT id FROM ledger_accounts WHERE kind = 'player' AND account_id = ?1",
            [account.get()],
            |row| row.get(0),
        )
        .optional()?;
    Ok(id.map(LedgerAccountId::from_raw))
}

/// Creates the player's own ledger account (empty).
pub(super) fn create_player_account(
    conn: &Connection,
    account: AccountId,
) -> Result<LedgerAccountId, StoreError> {
    conn.prepare_cached(
        "INSERT INTO ledger_accounts (kind, account_id, created_at) VALUES ('player', ?1, ?2)",
    )?
    .execute((account.get(), UnixTime::now().as_secs()))?;
    Ok(LedgerAccountId::from_raw(conn.last_insert_rowid()))
}

/// The player's session account at `table`, if one was ever opened.
fn session_account(
    conn: &Connection,
    table: &TableId,
    account: AccountId,
) -> Result<Option<LedgerAccountId>, StoreError> {
    let id = conn
        .query_row(
            "SELECT id FROM ledger_accounts
             WHERE kind = 'table_session' AND table_id = ?1 AND account_id = ?2",
            (table.as_str(), account.get()),
            |row| row.get(0),
        )
        .optional()?;
    Ok(id.map(LedgerAccountId::from_raw))
}

/// The player's session account at `table`, opened (empty) if there is none yet.
fn open_session_account(
    conn: &Connection,
    table: &TableId,
    account: AccountId,
) -> Result<LedgerAccountId, StoreError> {
    if let Some(id) = session_account(conn, table, account)? {
        return Ok(id);
    }
    conn.prepare_cached(
        "INSERT INTO ledger_accounts (kind, account_id, table_id, created_at)
         VALUES ('table_session', ?1, ?2, ?3)",
    )?
    .execute((account.get(), table.as_str(), UnixTime::now().as_secs()))?;
    Ok(LedgerAccountId::from_raw(conn.last_insert_rowid()))
}

/// Reads back the transaction stored under `key`, checking it does what `print` describes.
/// `None` when the key is unused.
fn replay(
    conn: &Connection,
    key: &IdempotencyKey,
    print: &[u8; 32],
) -> Result<Option<Receipt>, LedgerError> {
    let found = conn
        .prepare_cached(
            "SELECT id, kind, fingerprint FROM ledger_transactions WHERE idempotency_key = ?1",
        )?
        .query_row([key.as_str()], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Vec<u8>>(2)?,
            ))
        })
        .optional()?;
    let Some((id, kind, stored_print)) = found else {
        return Ok(None);
    };
    if stored_print.as_slice() != print.as_slice() {
        return Err(LedgerError::IdempotencyConflict {
            key: key.as_str().to_owned(),
        });
    }
    let kind = TransactionKind::from_db(&kind)
        .ok_or_else(|| StoreError::Corrupt(format!("transaction kind {kind:?}")))?;
    let mut statement = conn.prepare_cached(
        "SELECT account_id, delta FROM ledger_entries WHERE transaction_id = ?1
         ORDER BY account_id",
    )?;
    let entries = statement
        .query_map([id], |row| {
            Ok(Entry {
                account: LedgerAccountId::from_raw(row.get(0)?),
                delta: row.get(1)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(Receipt {
        transaction: TransactionId::from_raw(id),
        kind,
        entries,
        replayed: true,
    }))
}

/// Posts a balanced transaction under `key`, inside the caller's database transaction.
///
/// If `key` was used before for the same request, nothing moves and the original receipt is
/// returned; for a different request the key is refused. Every account must exist and lie in
/// `scope`; no account other than issuance may go below zero or any above [`CHIPS_MAX`].
pub(super) fn post(
    conn: &Connection,
    kind: TransactionKind,
    key: &IdempotencyKey,
    entries: Vec<Entry>,
    context: &[u8],
    scope: Scope<'_>,
) -> Result<Receipt, LedgerError> {
    assert_balanced(&entries);
    let print = fingerprint(kind, &entries, context);
    if let Some(receipt) = replay(conn, key, &print)? {
        return Ok(receipt);
    }

    let mut new_balances = Vec::with_capacity(entries.len());
    for entry in &entries {
        let row = account_row(conn, entry.account)?.ok_or(LedgerError::UnknownAccount {
            account: entry.account,
        })?;
        match (scope, row.kind) {
            (Scope::Any, _) => {}
            (Scope::NoIssuance | Scope::SessionsAt(_), LedgerAccountKind::Issuance) => {
                return Err(LedgerError::IssuanceNotAllowed {
                    account: entry.account,
                })
            }
            (Scope::NoIssuance, _) => {}
            (Scope::SessionsAt(table), LedgerAccountKind::TableSession)
                if row.table.as_deref() == Some(table.as_str()) => {}
            (Scope::SessionsAt(table), _) => {
                return Err(LedgerError::NotAtTable {
                    account: entry.account,
                    table: table.clone(),
                })
            }
        }
        let balance = row
            .balance
            .checked_add(entry.delta)
            .ok_or(LedgerError::BalanceOverflow {
                account: entry.account,
            })?;
        if row.kind != LedgerAccountKind::Issuance {
            if balance < 0 {
                return Err(LedgerError::InsufficientChips {
                    account: entry.account,
                    balance: row.balance.unsigned_abs(),
                    needed: entry.delta.unsigned_abs(),
                });
            }
            if balance.unsigned_abs() > CHIPS_MAX {
                return Err(LedgerError::BalanceOverflow {
                    account: entry.account,
                });
            }
        }
        new_balances.push((entry.account, balance));
    }

    conn.prepare_cached(
        "INSERT INTO ledger_transactions (idempotency_key, kind, fingerprint, created_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((
        key.as_str(),
        kind.as_str(),
        print.as_slice(),
        UnixTime::now().as_secs(),
    ))?;
    let transaction = TransactionId::from_raw(conn.last_insert_rowid());
    let mut insert_entry = conn.prepare_cached(
        "INSERT INTO ledger_entries (transaction_id, account_id, delta) VALUES (?1, ?2, ?3)",
    )?;
    for entry in &entries {
        insert_entry.execute((transaction.get(), entry.account.get(), entry.delta))?;
    }
    let mut update_balance =
        conn.prepare_cached("UPDATE ledger_accounts SET balance = ?2 WHERE id = ?1")?;
    for (account, balance) in new_balances {
        update_balance.execute((account.get(), balance))?;
    }
    // The audit entry commits (or rolls back) with the transaction it records.
    crate::audit::append_ledger(conn, transaction, kind, key, &entries).map_err(
        |err| match err {
            crate::audit::AuditError::Store(store) => LedgerError::Store(store),
            other => LedgerError::Store(StoreError::Corrupt(other.to_string())),
        },
    )?;
    Ok(Receipt {
        transaction,
        kind,
        entries,
        replayed: false,
    })
}

/// Credits a new player's starting balance from issuance (no entries when it is zero).
pub(super) fn credit_signup(
    conn: &Connection,
    account: AccountId,
    player: LedgerAccountId,
    amount: u64,
) -> Result<Receipt, LedgerError> {
    let key = IdempotencyKey::parse(&format!("signup:{account}"))
        .map_err(|err| StoreError::Corrupt(err.to_string()))?;
    let entries = if amount == 0 {
        Vec::new()
    } else {
        net_entries(&[Movement::new(issuance_account(conn)?, player, amount)?])?
    };
    post(
        conn,
        TransactionKind::SignupCredit,
        &key,
        entries,
        b"",
        Scope::Any,
    )
}

/// A signed balance: issuance is negative, every other account is not.
fn signed_balance(conn: &Connection, account: LedgerAccountId) -> Result<i64, LedgerError> {
    Ok(account_row(conn, account)?
        .ok_or(LedgerError::UnknownAccount { account })?
        .balance)
}

impl Store {
    /// Moves `amount` chips from the player's account to their session at `table` (opening
    /// the session if needed), at most once per `key`.
    pub async fn buy_in(
        &self,
        key: IdempotencyKey,
        account: AccountId,
        table: TableId,
        amount: u64,
    ) -> Result<Receipt, LedgerError> {
        // Grouped with the writes queued beside it: one commit for all (`store/group.rs`).
        self.run_grouped(move |tx| {
            let player = known_player_account(tx, account)?;
            let session = open_session_account(tx, &table, account)?;
            post_table_transfer(
                tx,
                TransactionKind::BuyIn,
                &key,
                &table,
                player,
                session,
                amount,
            )
        })
        .await
    }

    /// Moves `amount` chips from the player's session at `table` back to their account, at
    /// most once per `key`.
    pub async fn cash_out(
        &self,
        key: IdempotencyKey,
        account: AccountId,
        table: TableId,
        amount: u64,
    ) -> Result<Receipt, LedgerError> {
        // Grouped with the writes queued beside it: one commit for all (`store/group.rs`).
        self.run_grouped(move |tx| {
            let player = known_player_account(tx, account)?;
            let session = session_account(tx, &table, account)?.ok_or_else(|| {
                LedgerError::NoTableSession {
                    table: table.clone(),
                    account,
                }
            })?;
            post_table_transfer(
                tx,
                TransactionKind::CashOut,
                &key,
                &table,
                session,
                player,
                amount,
            )
        })
        .await
    }

    /// Applies `movements` between player and table-session accounts as one transaction, at
    /// most once per `key`. Either every movement happens or none does.
    pub async fn settle(
        &self,
        key: IdempotencyKey,
        movements: Vec<Movement>,
    ) -> Result<Receipt, LedgerError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let entries = net_entries(&movements)?;
            let receipt = post(
                &tx,
                TransactionKind::Settle,
                &key,
                entries,
                b"",
                Scope::NoIssuance,
            )?;
            tx.commit()?;
            Ok(receipt)
        })
        .await
    }

    /// The balance of a ledger account. Only the issuance account is ever negative.
    pub async fn ledger_balance(&self, account: LedgerAccountId) -> Result<i64, LedgerError> {
        self.run(move |conn| signed_balance(conn, account)).await
    }

    /// Every session at `table` that holds chips, as `(player, chips)`: what a table finds
    /// on start after a crash or shutdown, to give back.
    pub async fn table_sessions_with_chips(
        &self,
        table: TableId,
    ) -> Result<Vec<(AccountId, u64)>, StoreError> {
        self.run(move |conn| {
            let mut statement = conn.prepare_cached(
                "SELECT account_id, balance FROM ledger_accounts
                 WHERE kind = 'table_session' AND table_id = ?1 AND balance > 0
                 ORDER BY account_id",
            )?;
            let rows = statement
                .query_map([table.as_str()], |row| {
                    Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            rows.into_iter()
                .map(|(account, balance)| {
                    let balance = u64::try_from(balance)
                        .map_err(|_| StoreError::Corrupt(format!("balance {balance}")))?;
                    Ok((AccountId::from_raw(account), balance))
                })
                .collect()
        })
        .await
    }

    /// The player's session account at `table`, if one was ever opened.
    pub async fn table_session_account(
        &self,
        table: TableId,
        account: AccountId,
    ) -> Result<Option<LedgerAccountId>, StoreError> {
        self.run(move |conn| session_account(conn, &table, account))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A migrated in-memory database with one player holding `balance` chips.
    fn ledger_with_player(balance: u64) -> (Connection, AccountId, LedgerAccountId) {
        let mut conn = Connection::open_in_memory().expect("in-memory database");
        super::super::schema::migrate(&mut conn).expect("migrate");
        conn.execute(
            "INSERT INTO accounts (username, password_hash, created_at) VALUES ('alice', 'x', 0)",
            [],
        )
        .expect("account");
        let account = AccountId::from_raw(conn.last_insert_rowid());
        let player = create_player_account(&conn, account).expect("player account");
        credit_signup(&conn, account, player, balance).expect("credit");
        (conn, account, player)
    }

    fn key(text: &str) -> IdempotencyKey {
        IdempotencyKey::parse(text).expect("valid key")
    }

    #[test]
    fn only_signup_credits_may_draw_on_issuance() {
        let (conn, _, player) = ledger_with_player(100);
        let issuance = issuance_account(&conn).expect("issuance");
        assert_eq!(signed_balance(&conn, issuance).expect("balance"), -100);
        let mint = net_entries(&[Movement::new(issuance, player, 50).expect("movement")])
            .expect("entries");
        for scope in [
            Scope::NoIssuance,
            Scope::SessionsAt(&TableId::parse("t1").expect("id")),
        ] {
            let refused = post(
                &conn,
                TransactionKind::Settle,
                &key("mint"),
                mint.clone(),
                b"",
                scope,
            );
            assert!(
                matches!(refused, Err(LedgerError::IssuanceNotAllowed { .. })),
                "{refused:?}"
            );
        }
        assert_eq!(signed_balance(&conn, player).expect("balance"), 100);
    }

    #[test]
    fn a_zero_starting_balance_posts_an_empty_transaction() {
        let (conn, account, player) = ledger_with_player(0);
        assert_eq!(signed_balance(&conn, player).expect("balance"), 0);
        // The credit is recorded once: crediting again under the same key replays it.
        let again = credit_signup(&conn, account, player, 0).expect("replay");
        assert!(again.replayed && again.entries.is_empty());
        let conflict = credit_signup(&conn, account, player, 5);
        assert!(
            matches!(conflict, Err(LedgerError::IdempotencyConflict { .. })),
            "{conflict:?}"
        );
    }

    #[test]
    fn balances_above_the_chip_limit_are_refused() {
        let (conn, _, player) = ledger_with_player(CHIPS_MAX);
        conn.execute(
            "INSERT INTO accounts (username, password_hash, created_at) VALUES ('bob', 'x', 0)",
            [],
        )
        .expect("account");
        let bob_account = AccountId::from_raw(conn.last_insert_rowid());
        let bob = create_player_account(&conn, bob_account).expect("player account");
        credit_signup(&conn, bob_account, bob, 1).expect("credit");
        let over =
            net_entries(&[Movement::new(bob, player, 1).expect("movement")]).expect("entries");
        let refused = post(
            &conn,
            TransactionKind::Settle,
            &key("over"),
            over,
            b"",
            Scope::NoIssuance,
        );
        assert!(
            matches!(refused, Err(LedgerError::BalanceOverflow { .. })),
            "{refused:?}"
        );
        assert_eq!(
            signed_balance(&conn, player).expect("balance"),
            i64::try_from(CHIPS_MAX).expect("fits")
        );
    }
}
