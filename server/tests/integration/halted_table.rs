//! A halted table is visible to clients that arrive after its `table_halted` event: the
//! table lists (REST and `list_tables`) and a new watcher's snapshot say it halted and why,
//! the admin status lists it, and `/metrics` counts it. The database is made to refuse hand
//! records (an SQLite trigger, standing in for a full or failing disk), so the first hand's
//! record cannot be stored.

use std::time::Duration;

use poker_server::config::ConfigLayer;
use poker_server::table::{PresenceRules, TableConfig};
use serde_json::json;

use crate::support::{config_in, holdem_table, TestServer};
use crate::table_errors::Conn;

const PASSWORD: &str = "correct horse battery";
const TABLE: &str = "t-nlhe";
const ADMIN: &str = "admin-token-for-halt-tests-0123456789abcdef";

/// A table whose hands play themselves on short clocks: seeds are server-generated after
/// the commit window and every action is a time-out.
fn fast_table() -> TableConfig {
    holdem_table(
        TABLE,
        (
            Duration::from_millis(150),
            Duration::from_millis(100),
            Duration::from_secs(5),
        ),
        PresenceRules::default(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_halted_table_is_listed_and_watched_as_halted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config_in(
        dir.path(),
        ConfigLayer {
            // The halted hand never ends; shutdown need not wait for it.
            drain_grace_secs: Some(0),
            admin_token: Some(ADMIN.parse().expect("a valid admin token")),
            ..ConfigLayer::default()
        },
    )
    .with_tables(vec![fast_table()])
    .expect("tables");
    let server = TestServer::start_with(config).await;
    let client = server.client();

    let status = client.get("/api/v1/admin/status", Some(ADMIN)).await;
    assert_eq!(status.body["halted"], json!([]), "{status:?}");
    let listed = client.get("/api/v1/tables", None).await;
    assert_eq!(listed.status, 200, "{listed:?}");
    assert_eq!(
        listed.body,
        json!({"tables": [{
            "table": TABLE, "game": "nlhe", "small_blind": 1, "big_blind": 2, "seats_max": 6,
            "buy_in_min": 40, "buy_in_max": 400, "number": 1, "sit_out_hands_max": 30,
            "action_clock_ms": 150, "commit_window_ms": 100, "reveal_window_ms": 5000,
            "hand_pause_ms": 0, "time_bank_secs": 0, "time_bank_refill_secs": 0,
            "disconnect_grace_secs": 30, "seat_keep_secs": 120, "disconnect_graces": 3,
            "disconnect_grace_window_hands": 50
        }]}),
        "a table that plays has no `halted`"
    );

    // From now on the database refuses every hand record.
    let database = dir.path().join(poker_server::data_dir::DATABASE_FILE);
    let sqlite = rusqlite::Connection::open(&database).expect("open the database");
    sqlite
        .execute_batch(
            "CREATE TRIGGER refuse_records BEFORE INSERT ON hand_records
             BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END;",
        )
        .expect("trigger");

    let mut players = Vec::new();
    for (name, seat) in [("alice", 0), ("bob", 3)] {
        let token = client.sign_up(name, PASSWORD).await;
        let mut conn = Conn::open(&client, Some(&token)).await;
        let answer = conn
            .code(json!({"type": "sit", "seat": seat, "buy_in": 100}))
            .await;
        assert_eq!(answer, "ack", "{name} sits");
        players.push(conn);
    }
    // The first hand plays itself out; its record cannot be stored.
    let announced = players[0].event("table_halted").await;
    let halt = json!({"reason": "store_failed", "hand": 1});
    assert_eq!(
        announced,
        json!({"kind": "table_halted", "hand": 1, "reason": "store_failed"})
    );

    // A client arriving now learns it from the snapshot, not from refusals.
    let mut late = Conn::open(&client, None).await;
    assert_eq!(late.code(json!({"type": "watch"})).await, "ack");
    let snapshot = late.event("snapshot").await;
    assert_eq!(snapshot["halted"], halt, "{snapshot}");

    // Both table lists say so too.
    late.send_text(json!({"v": 1, "id": 99, "type": "list_tables"}).to_string())
        .await;
    let tables = late.next(|m| m["id"] == 99).await;
    assert_eq!(tables["tables"][0]["halted"], halt, "{tables}");
    let listed = client.get("/api/v1/tables", None).await;
    assert_eq!(listed.body["tables"][0]["halted"], halt, "{listed:?}");
    assert_eq!(listed.body["tables"][0]["table"], TABLE);
    // And the operator's status.
    let status = client.get("/api/v1/admin/status", Some(ADMIN)).await;
    assert_eq!(
        status.body["halted"],
        json!([{"table": TABLE, "reason": "store_failed", "hand": 1}]),
        "{status:?}"
    );

    drop((players, late));
    server.stop().await;
    drop(sqlite);
}
