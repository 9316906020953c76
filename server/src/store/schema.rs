//! The database schema as an ordered list of migrations, each applied once, in its own
//! transaction, and recorded in `schema_migrations`.
//!
//! Migrations are append-only: a released migration is never edited, a change is a new one.
//! A database whose version is newer than the last migration here is refused rather than
//! guessed at.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use super::StoreError;
use crate::clock::UnixTime;

/// The migrations in order; `MIGRATIONS[i]` brings the schema to version `i + 1`.
const MIGRATIONS: &[&str] = &[
    // Version 1: accounts, sessions, the double-entry ledger and hand records.
    r#"
    CREATE TABLE accounts (
        id            INTEGER PRIMARY KEY,
        -- ASCII-only usernames, so NOCASE makes uniqueness case-insensitive.
        username      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
        -- Argon2id in PHC string form.
        password_hash TEXT    NOT NULL,
        created_at    INTEGER NOT NULL
    ) STRICT;

    -- Only the SHA-256 of a bearer token is kept: a copy of the database grants no sessions.
    CREATE TABLE sessions (
        token_hash BLOB    PRIMARY KEY CHECK (length(token_hash) = 32),
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX sessions_by_account ON sessions(account_id, created_at);

    CREATE TABLE ledger_accounts (
        id         INTEGER PRIMARY KEY,
        kind       TEXT    NOT NULL CHECK (kind IN ('issuance', 'player', 'table_session')),
        account_id INTEGER REFERENCES accounts(id),
        table_id   TEXT,
        -- Cached sum of this account's entries; the ledger check recomputes it.
        balance    INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        CHECK (kind = 'issuance' OR balance >= 0),
        CHECK ((kind = 'issuance'      AND account_id IS NULL     AND table_id IS NULL)
            OR (kind = 'player'        AND account_id IS NOT NULL AND table_id IS NULL)
            OR (kind = 'table_session' AND account_id IS NOT NULL AND table_id IS NOT NULL))
    ) STRICT;
    CREATE UNIQUE INDEX one_issuance_account ON ledger_accounts(kind) WHERE kind = 'issuance';
    CREATE UNIQUE INDEX one_player_account ON ledger_accounts(account_id) WHERE kind = 'player';
    CREATE UNIQUE INDEX one_session_per_table ON ledger_accounts(table_id, account_id)
        WHERE kind = 'table_session';
    INSERT INTO ledger_accounts (kind, balance, created_at) VALUES ('issuance', 0, 0);

    CREATE TABLE ledger_transactions (
        id              INTEGER PRIMARY KEY,
        idempotency_key TEXT    NOT NULL UNIQUE,
        kind            TEXT    NOT NULL CHECK (kind IN
                            ('signup_credit', 'buy_in', 'cash_out', 'settle', 'hand_settlement')),
        -- Digest of what the transaction does; a reused key with another digest is refused.
        fingerprint     BLOB    NOT NULL CHECK (length(fingerprint) = 32),
        created_at      INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE ledger_entries (
        id             INTEGER PRIMARY KEY,
        transaction_id INTEGER NOT NULL REFERENCES ledger_transactions(id),
        account_id     INTEGER NOT NULL REFERENCES ledger_accounts(id),
        delta          INTEGER NOT NULL CHECK (delta <> 0),
        UNIQUE (transaction_id, account_id)
    ) STRICT;
    CREATE INDEX ledger_entries_by_account ON ledger_entries(account_id);

    -- One signed record per settled hand, chained per table by the previous record's hash,
    -- written in the same transaction as the hand's ledger settlement.
    CREATE TABLE hand_records (
        id             INTEGER PRIMARY KEY,
        table_id       TEXT    NOT NULL,
        hand_no        INTEGER NOT NULL CHECK (hand_no >= 1),
        record         BLOB    NOT NULL,
        record_hash    BLOB    NOT NULL CHECK (length(record_hash) = 32),
        prev_hash      BLOB    CHECK (prev_hash IS NULL OR length(prev_hash) = 32),
        transaction_id INTEGER NOT NULL UNIQUE REFERENCES ledger_transactions(id),
        created_at     INTEGER NOT NULL,
        UNIQUE (table_id, hand_no)
    ) STRICT;

    -- The journal is append-only: history is corrected by new transactions, never rewritten.
    CREATE TRIGGER ledger_transactions_append_only_u BEFORE UPDATE ON ledger_transactions
        BEGIN SELECT RAISE(ABORT, 'ledger_transactions is append-only'); END;
    CREATE TRIGGER ledger_transactions_append_only_d BEFORE DELETE ON ledger_transactions
        BEGIN SELECT RAISE(ABORT, 'ledger_transactions is append-only'); END;
    CREATE TRIGGER ledger_entries_append_only_u BEFORE UPDATE ON ledger_entries
        BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;
    CREATE TRIGGER ledger_entries_append_only_d BEFORE DELETE ON ledger_entries
        BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;
    CREATE TRIGGER hand_records_append_only_u BEFORE UPDATE ON hand_records
        BEGIN SELECT RAISE(ABORT, 'hand_records is append-only'); END;
    CREATE TRIGGER hand_records_append_only_d BEFORE DELETE ON hand_records
        BEGIN SELECT RAISE(ABORT, 'hand_records is append-only'); END;
    "#,
    // Version 2: the hand in play at each table, so a restart after a crash can void it with
    // a signed record. Holds the server seed, so the file's privacy matters (it is 0600).
    r#"
    CREATE TABLE open_hands (
        table_id    TEXT    PRIMARY KEY,
        hand_no     INTEGER NOT NULL CHECK (hand_no >= 1),
        server_seed BLOB    NOT NULL CHECK (length(server_seed) = 32),
        -- The signed announcement, canonical bytes.
        announcement BLOB   NOT NULL,
        -- The signed commit list once closed, canonical bytes.
        commitments BLOB,
        -- Revealed seeds: (seat u8, seed 32 bytes) repeated.
        reveals     BLOB    NOT NULL,
        -- Actions: (seat u8, code u8, amount u64 big-endian) repeated.
        actions     BLOB    NOT NULL
    ) STRICT;
    "#,
    // Version 3: the operator's side. The hash-chained audit log (`audit.rs`,
    // docs/audit-log.md), bans with an expiry, and the tables opened through the admin API
    // (reopened on start until closed; their names and numbers are never reused).
    r#"
    CREATE TABLE audit_log (
        seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
        at        INTEGER NOT NULL,
        kind      TEXT    NOT NULL,
        -- The canonical field encoding, exactly the bytes that are hashed.
        fields    BLOB    NOT NULL,
        prev_hash BLOB    NOT NULL CHECK (length(prev_hash) = 32),
        hash      BLOB    NOT NULL CHECK (length(hash) = 32)
    ) STRICT;
    CREATE TRIGGER audit_log_append_only_u BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TRIGGER audit_log_append_only_d BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

    CREATE TABLE bans (
        id         INTEGER PRIMARY KEY,
        account_id INTEGER REFERENCES accounts(id),
        -- An IP address in its canonical text form.
        address    TEXT,
        reason     TEXT    NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        lifted_at  INTEGER,
        CHECK ((account_id IS NULL) <> (address IS NULL))
    ) STRICT;

    CREATE TABLE created_tables (
        name        TEXT    PRIMARY KEY,
        number      INTEGER NOT NULL UNIQUE,
        game        TEXT    NOT NULL,
        small_blind INTEGER NOT NULL,
        big_blind   INTEGER NOT NULL,
        seats       INTEGER NOT NULL,
        buy_in_min  INTEGER NOT NULL,
        buy_in_max  INTEGER NOT NULL,
        created_at  INTEGER NOT NULL,
        closed_at   INTEGER
    ) STRICT;
    "#,
    // Version 4: the rest of a created table's settings, as given (NULL: not given, so the
    // default or the server-wide setting applies), so a restart reopens it exactly.
    r#"
    ALTER TABLE created_tables ADD COLUMN sit_out_hands_max INTEGER CHECK (sit_out_hands_max >= 0);
    ALTER TABLE created_tables ADD COLUMN commit_window_ms INTEGER CHECK (commit_window_ms >= 0);
    ALTER TABLE created_tables ADD COLUMN reveal_window_ms INTEGER CHECK (reveal_window_ms >= 0);
    ALTER TABLE created_tables ADD COLUMN hand_pause_ms INTEGER CHECK (hand_pause_ms >= 0);
    ALTER TABLE created_tables ADD COLUMN time_bank_secs INTEGER CHECK (time_bank_secs >= 0);
    ALTER TABLE created_tables ADD COLUMN time_bank_refill_secs INTEGER
        CHECK (time_bank_refill_secs >= 0);
    ALTER TABLE created_tables ADD COLUMN disconnect_grace_secs INTEGER
        CHECK (disconnect_grace_secs >= 0);
    ALTER TABLE created_tables ADD COLUMN seat_keep_secs INTEGER CHECK (seat_keep_secs >= 0);
    ALTER TABLE created_tables ADD COLUMN disconnect_graces INTEGER
        CHECK (disconnect_graces >= 0);
    ALTER TABLE created_tables ADD COLUMN disconnect_grace_window_hands INTEGER
        CHECK (disconnect_grace_window_hands >= 0);
    "#,
    // Version 5: the hand in play as an append-only journal of its steps (`open_hands.rs`)
    // instead of one row rewritten after every step. A hand left in play by version 4 moves
    // over as one step per part, in the order the journal reads them.
    r#"
    CREATE TABLE hand_steps (
        step_id  INTEGER PRIMARY KEY,
        table_id TEXT    NOT NULL,
        hand_no  INTEGER NOT NULL CHECK (hand_no >= 1),
        -- 1 server seed, 2 announcement, 3 commit list, 4 reveals, 5 actions, 6 closed.
        kind     INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 6),
        body     BLOB    NOT NULL
    ) STRICT;
    -- Where each table's hands start, to find its hand in play without a scan.
    CREATE INDEX hand_steps_openings ON hand_steps(table_id, step_id) WHERE kind = 1;
    INSERT INTO hand_steps (table_id, hand_no, kind, body)
        SELECT table_id, hand_no, 1, server_seed FROM open_hands;
    INSERT INTO hand_steps (table_id, hand_no, kind, body)
        SELECT table_id, hand_no, 2, announcement FROM open_hands;
    INSERT INTO hand_steps (table_id, hand_no, kind, body)
        SELECT table_id, hand_no, 3, commitments FROM open_hands WHERE commitments IS NOT NULL;
    INSERT INTO hand_steps (table_id, hand_no, kind, body)
        SELECT table_id, hand_no, 4, reveals FROM open_hands WHERE length(reveals) > 0;
    INSERT INTO hand_steps (table_id, hand_no, kind, body)
        SELECT table_id, hand_no, 5, actions FROM open_hands WHERE length(actions) > 0;
    DROP TABLE open_hands;
    "#,
    // Version 6: what each table remembers of players who left (`departures.rs`): blinds
    // still owed and chips left with, so a restart does not forget them. At most
    // `DEPARTURES_MAX` rows per table; rows older than `DEPARTURE_MEMORY` are deleted.
    r#"
    CREATE TABLE departures (
        table_id   TEXT    NOT NULL,
        account_id INTEGER NOT NULL REFERENCES accounts(id),
        owes_small INTEGER NOT NULL CHECK (owes_small IN (0, 1)),
        owes_big   INTEGER NOT NULL CHECK (owes_big IN (0, 1)),
        stack      INTEGER NOT NULL CHECK (stack >= 0),
        -- Wall-clock seconds: the monotonic clock does not survive a restart.
        left_at    INTEGER NOT NULL,
        PRIMARY KEY (table_id, account_id)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX departures_by_age ON departures(table_id, left_at, account_id);
    "#,
];

/// Brings the schema up to the newest version this server knows.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             applied_at INTEGER NOT NULL
         ) STRICT;",
    )?;
    let supported = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
    let current: i64 = conn
        .query_row("SELECT max(version) FROM schema_migrations", [], |row| {
            row.get::<_, Option<i64>>(0)
        })
        .optional()?
        .flatten()
        .unwrap_or(0);
    if current > supported {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported,
        });
    }
    for (version, sql) in (1i64..).zip(MIGRATIONS.iter()) {
        if version <= current {
            continue;
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            (version, UnixTime::now().as_secs()),
        )?;
        tx.commit()?;
        tracing::info!(version, "applied database migration");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrating_twice_is_a_no_op_and_newer_schemas_are_refused() {
        let mut conn = Connection::open_in_memory().expect("in-memory database");
        migrate(&mut conn).expect("first migration");
        migrate(&mut conn).expect("second run changes nothing");
        let versions: i64 = conn
            .query_row("SELECT count(*) FROM schema_migrations", [], |row| {
                row.get(0)
            })
            .expect("count");
        assert_eq!(versions, i64::try_from(MIGRATIONS.len()).expect("small"));

        conn.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)",
            [],
        )
        .expect("insert");
        assert!(matches!(
            migrate(&mut conn),
            Err(StoreError::SchemaTooNew { found: 999, .. })
        ));
    }

    #[test]
    fn a_hand_left_in_play_by_version_4_moves_to_the_step_journal() {
        let mut conn = Connection::open_in_memory().expect("in-memory database");
        conn.execute_batch(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT;",
        )
        .expect("versions");
        for (version, sql) in (1i64..).zip(&MIGRATIONS[..4]) {
            conn.execute_batch(sql).expect("old migration");
            conn.execute("INSERT INTO schema_migrations VALUES (?1, 0)", [version])
                .expect("version");
        }
        conn.execute(
            "INSERT INTO open_hands (table_id, hand_no, server_seed, announcement, commitments, reveals, actions)
             VALUES ('t', 12, ?1, x'0a0b', x'0c', ?2, ?3)",
            ([7u8; 32].as_slice(), [1u8; 66].as_slice(), [2u8; 20].as_slice()),
        )
        .expect("old hand in play");
        conn.execute(
            "INSERT INTO open_hands (table_id, hand_no, server_seed, announcement, commitments, reveals, actions)
             VALUES ('u', 3, ?1, x'0d', NULL, x'', x'')",
            [[8u8; 32].as_slice()],
        )
        .expect("old hand in play");
        migrate(&mut conn).expect("migrate to the journal");
        let table = |name| crate::ledger::TableId::parse(name).expect("table id");
        let t = super::super::open_hands::read_open_hand(&conn, &table("t"))
            .expect("read")
            .expect("in play");
        assert_eq!(
            (
                t.hand_no,
                t.server_seed,
                t.announcement,
                t.commitments,
                t.reveals,
                t.actions
            ),
            (
                12,
                [7; 32],
                vec![10, 11],
                Some(vec![12]),
                vec![1; 66],
                vec![2; 20]
            )
        );
        let u = super::super::open_hands::read_open_hand(&conn, &table("u"))
            .expect("read")
            .expect("in play");
        assert_eq!((u.hand_no, u.commitments, u.reveals.len()), (3, None, 0));
    }
}
