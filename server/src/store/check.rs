//! The ledger check: recomputes every balance from the journal and proves chip conservation.

use rusqlite::Connection;

use super::{Store, StoreError};
use crate::ledger::{Inconsistency, LedgerAccountId, LedgerError, LedgerReport, TransactionId};

/// Runs one query that yields `(i64, i64)` rows and maps each to an inconsistency.
fn pairs(
    conn: &Connection,
    sql: &str,
    found: &mut Vec<Inconsistency>,
    make: fn(i64, i64) -> Inconsistency,
) -> Result<(), StoreError> {
    let mut statement = conn.prepare(sql)?;
    let rows = statement.query_map([], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?)))?;
    for row in rows {
        let (a, b) = row?;
        found.push(make(a, b));
    }
    Ok(())
}

/// Counts the rows of one table.
fn count(conn: &Connection, table: &str) -> Result<u64, StoreError> {
    let n: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
        row.get(0)
    })?;
    u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("count of {table}")))
}

/// Checks every ledger invariant in one read transaction.
pub(super) fn check(conn: &mut Connection) -> Result<LedgerReport, LedgerError> {
    // One snapshot: no write can land between the queries.
    let tx = conn.transaction()?;
    let mut found = Vec::new();
    pairs(
        &tx,
        "SELECT transaction_id, sum(delta) FROM ledger_entries
         GROUP BY transaction_id HAVING sum(delta) <> 0",
        &mut found,
        |transaction, sum| Inconsistency::UnbalancedTransaction {
            transaction: TransactionId::from_raw(transaction),
            sum,
        },
    )?;
    let mut statement = tx.prepare(
        "SELECT a.id, a.balance, coalesce(sum(e.delta), 0) FROM ledger_accounts a
         LEFT JOIN ledger_entries e ON e.account_id = a.id
         GROUP BY a.id HAVING a.balance <> coalesce(sum(e.delta), 0)",
    )?;
    let mismatches = statement.query_map([], |row| {
        Ok(Inconsistency::BalanceMismatch {
            account: LedgerAccountId::from_raw(row.get(0)?),
            cached: row.get(1)?,
            from_entries: row.get(2)?,
        })
    })?;
    for mismatch in mismatches {
        found.push(mismatch?);
    }
    drop(statement);
    pairs(
        &tx,
        "SELECT id, balance FROM ledger_accounts WHERE kind <> 'issuance' AND balance < 0",
        &mut found,
        |account, balance| Inconsistency::NegativeBalance {
            account: LedgerAccountId::from_raw(account),
            balance,
        },
    )?;
    let total: i64 = tx.query_row(
        "SELECT coalesce(sum(balance), 0) FROM ledger_accounts",
        [],
        |row| row.get(0),
    )?;
    if total != 0 {
        found.push(Inconsistency::NonZeroTotal { total });
    }
    if !found.is_empty() {
        return Err(LedgerError::Inconsistent(found));
    }
    let issuance: i64 = tx.query_row(
        "SELECT balance FROM ledger_accounts WHERE kind = 'issuance'",
        [],
        |row| row.get(0),
    )?;
    Ok(LedgerReport {
        accounts: count(&tx, "ledger_accounts")?,
        transactions: count(&tx, "ledger_transactions")?,
        entries: count(&tx, "ledger_entries")?,
        issued: issuance.unsigned_abs(),
    })
}

impl Store {
    /// Proves the ledger's invariants from scratch: every transaction's entries sum to zero,
    /// every cached balance equals the sum of its account's entries, no account but issuance
    /// is negative, and all balances sum to zero (chips held equal chips issued).
    pub async fn check_ledger(&self) -> Result<LedgerReport, LedgerError> {
        self.run(check).await
    }
}
