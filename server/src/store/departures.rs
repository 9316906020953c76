//! Departures kept across restarts: per table, the blinds a player who left still owed and
//! the chips they left with (`table/departures.rs` holds the rule; this file only keeps its
//! rows).
//!
//! Times are wall-clock seconds ([`UnixTime`]), because the monotonic clock the table runs
//! on starts again at every start of the server. Like the table's memory, a table keeps at
//! most [`DEPARTURES_MAX`] rows, forgetting the oldest first, and rows older than
//! [`DEPARTURE_MEMORY`] are deleted whenever the table's rows are read or written.

use rusqlite::Connection;

use super::{Store, StoreError};
use crate::accounts::AccountId;
use crate::clock::UnixTime;
use crate::ledger::TableId;
use crate::limits::{DEPARTURES_MAX, DEPARTURE_MEMORY};

/// A player who left a table, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StoredDeparture {
    /// Who left.
    pub(crate) account: AccountId,
    /// Still owed a small blind.
    pub(crate) owes_small: bool,
    /// Still owed a big blind.
    pub(crate) owes_big: bool,
    /// Chips cashed out on leaving.
    pub(crate) stack: u64,
    /// When they left.
    pub(crate) left_at: UnixTime,
}

/// The oldest departure time still remembered at `now`: rows that left before it expired.
fn remembered_since(now: UnixTime) -> i64 {
    let memory = i64::try_from(DEPARTURE_MEMORY.as_secs()).unwrap_or(i64::MAX);
    now.as_secs().saturating_sub(memory).saturating_add(1)
}

/// Deletes `table`'s expired rows and, beyond the newest [`DEPARTURES_MAX`], the oldest.
fn trim(conn: &Connection, table: &TableId, now: UnixTime) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM departures WHERE table_id = ?1 AND left_at < ?2")?
        .execute((table.as_str(), remembered_since(now)))?;
    let kept = i64::try_from(DEPARTURES_MAX).unwrap_or(i64::MAX);
    conn.prepare_cached(
        "DELETE FROM departures WHERE table_id = ?1 AND account_id NOT IN (
             SELECT account_id FROM departures WHERE table_id = ?1
             ORDER BY left_at DESC, account_id DESC LIMIT ?2)",
    )?
    .execute((table.as_str(), kept))?;
    Ok(())
}

/// `table`'s remembered departures at `now`, oldest first.
fn read(
    conn: &Connection,
    table: &TableId,
    now: UnixTime,
) -> Result<Vec<StoredDeparture>, StoreError> {
    let kept = i64::try_from(DEPARTURES_MAX).unwrap_or(i64::MAX);
    let mut statement = conn.prepare_cached(
        "SELECT account_id, owes_small, owes_big, stack, left_at FROM departures
         WHERE table_id = ?1 AND left_at >= ?2
         ORDER BY left_at DESC, account_id DESC LIMIT ?3",
    )?;
    let rows = statement
        .query_map((table.as_str(), remembered_since(now), kept), |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, bool>(1)?,
                row.get::<_, bool>(2)?,
                row.get::<_, i64>(3)?,
                row.get::<_, i64>(4)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut departures = rows
        .into_iter()
        .map(|(account, owes_small, owes_big, stack, left_at)| {
            Ok(StoredDeparture {
                account: AccountId::from_raw(account),
                owes_small,
                owes_big,
                stack: u64::try_from(stack)
                    .map_err(|_| StoreError::Corrupt(format!("departure stack {stack}")))?,
                left_at: UnixTime::from_secs(left_at),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    departures.reverse();
    Ok(departures)
}

impl Store {
    /// The departures `table` remembers at `now` (at most [`DEPARTURES_MAX`], oldest first),
    /// after deleting the ones it no longer does.
    pub(crate) async fn departures(
        &self,
        table: TableId,
        now: UnixTime,
    ) -> Result<Vec<StoredDeparture>, StoreError> {
        self.run_grouped(move |conn| {
            trim(conn, &table, now)?;
            read(conn, &table, now)
        })
        .await
    }

    /// Remembers that a player left `table` (replacing an earlier departure of theirs), then
    /// trims the table's rows as of the departure's time.
    pub(crate) async fn save_departure(
        &self,
        table: TableId,
        departure: StoredDeparture,
    ) -> Result<(), StoreError> {
        let stack = i64::try_from(departure.stack)
            .map_err(|_| StoreError::Corrupt(format!("departure stack {}", departure.stack)))?;
        self.run_grouped(move |conn| {
            conn.prepare_cached(
                "INSERT OR REPLACE INTO departures
                     (table_id, account_id, owes_small, owes_big, stack, left_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute((
                table.as_str(),
                departure.account.get(),
                departure.owes_small,
                departure.owes_big,
                stack,
                departure.left_at.as_secs(),
            ))?;
            trim(conn, &table, departure.left_at)
        })
        .await
    }

    /// Forgets `account`'s departure from `table` (they sat down again).
    pub(crate) async fn forget_departure(
        &self,
        table: TableId,
        account: AccountId,
    ) -> Result<(), StoreError> {
        self.run_grouped(move |conn| {
            conn.prepare_cached("DELETE FROM departures WHERE table_id = ?1 AND account_id = ?2")?
                .execute((table.as_str(), account.get()))?;
            Ok(())
        })
        .await
    }

    /// The game at `table` stopped: no departed player owes blinds there any more.
    pub(crate) async fn forgive_departed_blinds(&self, table: TableId) -> Result<(), StoreError> {
        self.run_grouped(move |conn| {
            conn.prepare_cached(
                "UPDATE departures SET owes_small = 0, owes_big = 0
                 WHERE table_id = ?1 AND (owes_small = 1 OR owes_big = 1)",
            )?
            .execute([table.as_str()])?;
            Ok(())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> TableId {
        TableId::parse(name).expect("table id")
    }

    /// A database with `accounts` accounts (ids 1..=accounts).
    fn database(accounts: i64) -> Connection {
        let mut conn = Connection::open_in_memory().expect("in-memory database");
        super::super::migrate_for_tests(&mut conn);
        for id in 1..=accounts {
            conn.execute(
                "INSERT INTO accounts (id, username, password_hash, created_at)
                 VALUES (?1, ?2, 'x', 0)",
                (id, format!("p{id}")),
            )
            .expect("account");
        }
        conn
    }

    fn departure(account: i64, left_at: i64) -> StoredDeparture {
        StoredDeparture {
            account: AccountId::from_raw(account),
            owes_small: account % 2 == 0,
            owes_big: true,
            stack: 100 + u64::try_from(account).expect("small"),
            left_at: UnixTime::from_secs(left_at),
        }
    }

    fn insert(conn: &Connection, table: &TableId, d: StoredDeparture) {
        conn.execute(
            "INSERT OR REPLACE INTO departures
                 (table_id, account_id, owes_small, owes_big, stack, left_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (
                table.as_str(),
                d.account.get(),
                d.owes_small,
                d.owes_big,
                i64::try_from(d.stack).expect("small"),
                d.left_at.as_secs(),
            ),
        )
        .expect("insert");
        trim(conn, table, d.left_at).expect("trim");
    }

    fn rows(conn: &Connection) -> i64 {
        conn.query_row("SELECT count(*) FROM departures", [], |row| row.get(0))
            .expect("count")
    }

    const T0: i64 = 1_800_000_000;

    #[test]
    fn departures_expire_by_the_wall_clock_and_are_per_table() {
        let conn = database(3);
        let (a, b) = (table("a"), table("b"));
        insert(&conn, &a, departure(1, T0));
        insert(&conn, &a, departure(2, T0 + 10));
        insert(&conn, &b, departure(1, T0 + 20));
        let memory = i64::try_from(DEPARTURE_MEMORY.as_secs()).expect("small");

        let at = |s| UnixTime::from_secs(s);
        assert_eq!(
            read(&conn, &a, at(T0 + memory - 1)).expect("read"),
            [departure(1, T0), departure(2, T0 + 10)]
        );
        // Exactly the memory later the first one is forgotten, as in the table's memory.
        assert_eq!(
            read(&conn, &a, at(T0 + memory)).expect("read"),
            [departure(2, T0 + 10)]
        );
        assert_eq!(
            read(&conn, &b, at(T0 + memory)).expect("read"),
            [departure(1, T0 + 20)]
        );
        trim(&conn, &a, at(T0 + memory)).expect("trim");
        assert_eq!(rows(&conn), 2, "only a's expired row was deleted");
    }

    #[test]
    fn a_table_keeps_its_newest_departures_up_to_the_bound() {
        let count = i64::try_from(DEPARTURES_MAX).expect("small") + 2;
        let conn = database(count);
        let a = table("a");
        // Two departures share each second: ties go by account, as in the table's memory.
        for account in 1..=count {
            insert(&conn, &a, departure(account, T0 + account / 2));
        }
        let kept = read(&conn, &a, UnixTime::from_secs(T0 + count)).expect("read");
        assert_eq!(kept.len(), DEPARTURES_MAX);
        assert_eq!(rows(&conn), i64::try_from(DEPARTURES_MAX).expect("small"));
        assert_eq!(
            kept[0],
            departure(3, T0 + 1),
            "accounts 1 and 2 were oldest"
        );
        assert_eq!(kept[DEPARTURES_MAX - 1], departure(count, T0 + count / 2));
        // Leaving again replaces the earlier row instead of adding one.
        insert(&conn, &a, departure(count, T0 + count));
        assert_eq!(rows(&conn), i64::try_from(DEPARTURES_MAX).expect("small"));
    }

    #[tokio::test]
    async fn the_store_saves_forgets_and_forgives() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("db.sqlite3"))
            .await
            .expect("open");
        store
            .call(|conn| {
                conn.execute_batch(
                    "INSERT INTO accounts (id, username, password_hash, created_at)
                     VALUES (1, 'p1', 'x', 0), (2, 'p2', 'x', 0);",
                )
            })
            .await
            .expect("job")
            .expect("accounts");
        let a = table("a");
        let now = UnixTime::from_secs(T0 + 5);
        for account in [1, 2] {
            store
                .save_departure(a.clone(), departure(account, T0 + account))
                .await
                .expect("save");
        }
        let saved = store.departures(a.clone(), now).await.expect("read");
        assert_eq!(saved, [departure(1, T0 + 1), departure(2, T0 + 2)]);

        store
            .forget_departure(a.clone(), AccountId::from_raw(1))
            .await
            .expect("forget");
        store
            .forgive_departed_blinds(a.clone())
            .await
            .expect("forgive");
        let forgiven = StoredDeparture {
            owes_small: false,
            owes_big: false,
            ..departure(2, T0 + 2)
        };
        assert_eq!(
            store.departures(a.clone(), now).await.expect("read"),
            [forgiven]
        );

        // Read after the memory has passed: forgotten, and deleted.
        let later = UnixTime::from_secs(T0 + 2).saturating_add(DEPARTURE_MEMORY);
        assert!(store.departures(a, later).await.expect("read").is_empty());
        let left = store.call(|conn| rows(conn)).await.expect("job");
        assert_eq!(left, 0);
        store.close().await.expect("close");
    }
}
