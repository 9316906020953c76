//! A table whose hand record cannot be stored halts, and tells its clients first: the real
//! binary's database is made to refuse the record (an SQLite trigger, standing in for a full
//! or failing disk); the players get `table_halted`, further play is refused, and the next
//! start voids the hand with a verified record and refunds every chip.

use std::time::Duration;

use fairdeal_tests::conn::Conn;
use fairdeal_tests::http::Client;
use fairdeal_tests::process::{write_config, ServerProcess, TableSpec};
use fairness::{verify, HandStatus, KeyRing, Predecessor, PublicKey, SignedHandRecord};
use serde_json::json;

const TABLE: &str = "t-nlhe";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_that_cannot_store_a_record_says_so_and_halts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let config = write_config(
        dir.path(),
        "",
        &[TableSpec {
            name: TABLE,
            number: 1,
            game: "nlhe",
        }],
    );
    let mut server = ServerProcess::start(&data, &config);
    let client = Client { addr: server.addr };
    let tokens = [client.sign_up("alice").await, client.sign_up("bob").await];
    let mut conns = Vec::new();
    for (token, seat) in tokens.iter().zip([0, 3]) {
        let mut conn = Conn::open(&client, token, TABLE).await;
        assert_eq!(
            conn.ask(json!({"type": "sit", "seat": seat, "buy_in": 100}))
                .await,
            "ack"
        );
        conns.push(conn);
    }
    for conn in &mut conns {
        conn.hand_event("hand_announced", 1).await.expect("hand 1");
        assert_eq!(
            conn.ask(json!({"type": "server_seed", "hand": 1})).await,
            "ack"
        );
    }
    let to_act = conns[0].hand_event("to_act", 1).await.expect("dealt");

    // From now on the database refuses every hand record.
    let database = data.join(poker_server::data_dir::DATABASE_FILE);
    let sqlite = rusqlite::Connection::open(&database).expect("open the database");
    sqlite
        .execute_batch(
            "CREATE TRIGGER refuse_records BEFORE INSERT ON hand_records
             BEGIN SELECT RAISE(ABORT, 'disk full (test)'); END;",
        )
        .expect("trigger");

    // The players fold: the hand ends, its record cannot be stored.
    let actor = usize::from(to_act["seat"] != 0);
    assert_eq!(
        conns[actor]
            .ask(json!({"type": "act", "hand": 1, "action": "fold"}))
            .await,
        "ack"
    );
    for conn in &mut conns {
        let halted = conn.event("table_halted").await.expect("told");
        assert_eq!(
            halted,
            json!({"kind": "table_halted", "hand": 1, "reason": "store_failed"})
        );
    }
    // Play is refused from now on; watching still works.
    let bob = &mut conns[1];
    assert_eq!(
        bob.ask(json!({"type": "act", "hand": 1, "action": "check"}))
            .await,
        "table_halted"
    );
    assert_eq!(bob.ask(json!({"type": "watch"})).await, "ack");
    assert!(server.log().contains("table halted"), "{}", server.log());

    server.terminate();
    // The hand never ended: no `hand_ended` (nor a new hand) before the socket closed.
    let rest = conns[0].rest().await;
    assert!(
        rest.iter()
            .all(|m| m["event"]["kind"] != "hand_ended" && m["event"]["kind"] != "hand_announced"),
        "{rest:?}"
    );
    let exit = server.wait_exit(Duration::from_secs(60)).await;
    assert!(exit.success(), "exit {exit:?}\n{}", server.log());
    drop(conns);

    // Repaired: the next start voids the hand and refunds it.
    sqlite
        .execute_batch("DROP TRIGGER refuse_records;")
        .expect("drop trigger");
    drop(sqlite);
    let server = ServerProcess::start(&data, &config);
    let client = Client { addr: server.addr };
    let reply = client
        .get(&format!("/api/v1/hands/{TABLE}-1/record"), Some(&tokens[0]))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let record = SignedHandRecord::from_json(&reply.text()).expect("record");
    let key = client.get("/api/v1/server-key", None).await.json();
    let keys =
        KeyRing::new(PublicKey::from_hex(key["public_key"].as_str().expect("hex")).expect("key"));
    let verified = verify(&record, &keys, Predecessor::Genesis).expect("verifies");
    assert_eq!(verified.status, HandStatus::VoidAborted);
    for token in &tokens {
        assert_eq!(client.balance(token).await, 10_000);
    }
}
