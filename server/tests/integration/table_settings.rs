//! Per-table settings on a real server: a table created through the admin API keeps every
//! setting it was given across restarts (seed windows, pause, sit-out limit, time bank and
//! disconnection rules), bad values are refused by the same limits as the config file, and
//! one table's time bank and seat keep override the server-wide ones while another table
//! keeps them, in play.

use poker_server::config::{ConfigLayer, TableSpec};
use serde_json::{json, Value};

use crate::support::{config_in, Client, Reply, TestServer};
use crate::table_errors::Conn;

const PASSWORD: &str = "correct horse battery";
const ADMIN: &str = "admin-token-for-tests-0123456789abcdef";
/// The server-wide time bank and seat keep of these tests, in seconds.
const SERVER_BANK_SECS: u64 = 20;
const SERVER_KEEP_SECS: u64 = 100;

/// Settings with the admin API, server-wide presence rules of `time_bank_secs` and
/// [`SERVER_KEEP_SECS`], fast password hashing, no drain wait, and `tables` from the
/// "config file" (`None`: the defaults).
fn layer(time_bank_secs: u64, tables: Option<Vec<Value>>) -> ConfigLayer {
    ConfigLayer {
        admin_token: Some(ADMIN.parse().expect("a valid admin token")),
        time_bank_secs: Some(time_bank_secs),
        seat_keep_secs: Some(SERVER_KEEP_SECS),
        drain_grace_secs: Some(0),
        insecure_fast_password_hashing: Some(true),
        tables: tables.map(|specs| {
            specs
                .into_iter()
                .map(|spec| serde_json::from_value::<TableSpec>(spec).expect("a [[tables]] entry"))
                .collect()
        }),
        ..ConfigLayer::default()
    }
}

async fn start(dir: &std::path::Path, layer: ConfigLayer) -> TestServer {
    TestServer::start_with(config_in(dir, layer)).await
}

async fn admin_get(client: &Client, path: &str) -> Reply {
    client
        .get(&format!("/api/v1/admin/{path}"), Some(ADMIN))
        .await
}

async fn create(client: &Client, spec: &Value) -> Reply {
    client
        .post_json("/api/v1/admin/tables", Some(ADMIN), spec)
        .await
}

/// The open tables' settings as `GET /admin/tables` shows them.
async fn listed(client: &Client) -> Value {
    let reply = admin_get(client, "tables").await;
    assert_eq!(reply.status, 200, "{reply:?}");
    reply.body["tables"].clone()
}

/// The listed settings of table `name`.
fn settings_of<'a>(tables: &'a Value, name: &str) -> &'a Value {
    tables
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["table"] == name)
        .unwrap_or_else(|| panic!("{name} is not listed in {tables}"))
}

/// Every setting a table may be given, none at its default.
fn full_spec() -> Value {
    json!({"name": "t-full", "number": 10, "game": "plo", "blinds": [5, 10], "seats": 9,
        "buy_in": [200, 2000], "sit_out_hands_max": 7, "commit_window_ms": 1500,
        "reveal_window_ms": 2500, "hand_pause_ms": 500, "time_bank_secs": 45,
        "time_bank_refill_secs": 9, "disconnect_grace_secs": 11, "seat_keep_secs": 300,
        "disconnect_graces": 4, "disconnect_grace_window_hands": 25})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn created_tables_keep_every_setting_across_restarts_and_bad_values_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start(dir.path(), layer(SERVER_BANK_SECS, None)).await;
    let client = server.client();

    // Every setting given: the reply shows each one in force.
    let full = full_spec();
    let created = create(&client, &full).await;
    assert_eq!(created.status, 201, "{created:?}");
    for (key, value) in full.as_object().expect("object") {
        if key != "name" {
            assert_eq!(&created.body[key], value, "{key} in {}", created.body);
        }
    }
    // Nothing optional given: defaults, and the server-wide presence rules.
    let plain = json!({"name": "t-plain", "number": 11, "game": "nlhe", "blinds": [1, 2],
        "seats": 6, "buy_in": [40, 400]});
    let created = create(&client, &plain).await;
    assert_eq!(created.status, 201, "{created:?}");
    let expected_plain = json!({"sit_out_hands_max": 30, "commit_window_ms": 10000,
        "reveal_window_ms": 10000, "hand_pause_ms": 2000, "time_bank_secs": SERVER_BANK_SECS,
        "time_bank_refill_secs": 5, "disconnect_grace_secs": 30,
        "seat_keep_secs": SERVER_KEEP_SECS, "disconnect_graces": 3,
        "disconnect_grace_window_hands": 50});
    for (key, value) in expected_plain.as_object().expect("object") {
        assert_eq!(&created.body[key], value, "{key} in {}", created.body);
    }

    // Each value beyond its limit is refused, and takes neither the name nor the number.
    for (key, bad) in [
        ("sit_out_hands_max", json!(1001)),
        ("commit_window_ms", json!(0)),
        ("reveal_window_ms", json!(600_001)),
        ("hand_pause_ms", json!(60_001)),
        ("time_bank_secs", json!(601)),
        ("time_bank_refill_secs", json!(601)),
        ("disconnect_grace_secs", json!(601)),
        ("seat_keep_secs", json!(3601)),
        ("disconnect_graces", json!(101)),
        ("disconnect_grace_window_hands", json!(0)),
        ("disconnect_grace_window_hands", json!(10_001)),
        ("time_bank_secs", json!(-1)),
        ("time_bank_secs", json!("20")),
    ] {
        let mut spec = json!({"name": "t-bad", "number": 12, "game": "nlhe", "blinds": [1, 2],
            "seats": 6, "buy_in": [40, 400]});
        spec[key] = bad.clone();
        let refused = create(&client, &spec).await;
        assert_eq!(refused.status, 400, "{key} = {bad}: {refused:?}");
    }
    let refused = create(
        &client,
        &json!({"name": "t-bad", "number": 12, "game": "nlhe",
        "blinds": [1, 2], "seats": 6, "buy_in": [40, 400], "time_bank_secs": 601}),
    )
    .await;
    assert_eq!(refused.code(), "invalid_request", "{refused:?}");
    assert!(
        refused.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("t-bad") && m.contains("time_bank")),
        "{refused:?}"
    );

    // The audit entry records what was given.
    let audit = admin_get(&client, "audit").await;
    let entries = audit.body["entries"].as_array().expect("entries");
    let first = entries
        .iter()
        .find(|e| e["kind"] == "admin_create_table")
        .expect("the create is audited");
    let field = |name: &str| {
        first["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["name"] == name)
            .map(|f| f["value"].clone())
    };
    assert_eq!(field("time_bank_secs"), Some(json!(45)));
    assert_eq!(field("disconnect_grace_window_hands"), Some(json!(25)));

    let before = listed(&client).await;
    let names: Vec<&str> = before
        .as_array()
        .expect("tables")
        .iter()
        .filter_map(|t| t["table"].as_str())
        .collect();
    assert_eq!(names, ["nlhe-1-2", "plo-1-2", "t-full", "t-plain"]);
    server.stop().await;

    // A restart reopens both with exactly the same settings.
    let server = start(dir.path(), layer(SERVER_BANK_SECS, None)).await;
    let after = listed(&server.client()).await;
    assert_eq!(before, after);
    server.stop().await;

    // A new server-wide time bank reaches the table that did not override it only.
    let server = start(dir.path(), layer(50, None)).await;
    let after = listed(&server.client()).await;
    assert_eq!(
        settings_of(&after, "t-full"),
        settings_of(&before, "t-full")
    );
    assert_eq!(settings_of(&after, "t-plain")["time_bank_secs"], 50);
    assert_eq!(
        settings_of(&after, "t-plain")["seat_keep_secs"],
        SERVER_KEEP_SECS
    );
    server.stop().await;
}

/// A `[[tables]]` entry with fast seed windows and no pause, plus `extra` settings.
fn fast_table(name: &str, number: u64, extra: Value) -> Value {
    let mut spec = json!({"name": name, "number": number, "game": "nlhe", "blinds": [1, 2],
        "seats": 6, "buy_in": [40, 400], "commit_window_ms": 100, "hand_pause_ms": 0});
    for (key, value) in extra.as_object().expect("object") {
        spec[key] = value.clone();
    }
    spec
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_tables_presence_overrides_take_effect_while_another_keeps_the_server_wide_rules() {
    let dir = tempfile::tempdir().expect("temp dir");
    let tables = vec![
        fast_table(
            "t-over",
            1,
            json!({"time_bank_secs": 3, "seat_keep_secs": 7}),
        ),
        fast_table("t-server", 2, json!({})),
    ];
    let server = start(dir.path(), layer(SERVER_BANK_SECS, Some(tables))).await;
    let client = server.client();
    let made = create(
        &client,
        &fast_table(
            "t-made",
            3,
            json!({"time_bank_secs": 4, "seat_keep_secs": 9}),
        ),
    )
    .await;
    assert_eq!(made.status, 201, "{made:?}");

    for (i, (table, bank_ms, keep_ms)) in [
        ("t-over", 3_000, 7_000),
        ("t-server", SERVER_BANK_SECS * 1000, SERVER_KEEP_SECS * 1000),
        ("t-made", 4_000, 9_000),
    ]
    .into_iter()
    .enumerate()
    {
        let alice = client.sign_up(&format!("alice{i}"), PASSWORD).await;
        let bob = client.sign_up(&format!("bob{i}"), PASSWORD).await;
        let mut a = Conn::open(&client, Some(&alice)).await;
        let mut b = Conn::open(&client, Some(&bob)).await;
        for (conn, seat) in [(&mut a, 0), (&mut b, 1)] {
            let sat = conn
                .code(json!({"type": "sit", "table": table, "seat": seat, "buy_in": 100}))
                .await;
            assert_eq!(sat, "ack", "{table}");
        }
        // The first turn of the first hand shows the seat's full bank: this table's.
        let turn = a
            .next(|m| m["table"] == table && m["event"]["kind"] == "to_act")
            .await;
        assert_eq!(turn["event"]["time_bank_ms"], bank_ms, "{table}: {turn}");
        // Bob's connection goes: the table keeps his seat for its own seat keep.
        drop(b);
        let status = a
            .next(|m| {
                m["table"] == table
                    && m["event"]["kind"] == "player_status"
                    && m["event"]["seat"] == 1
            })
            .await;
        assert_eq!(status["event"]["connected"], false, "{status}");
        assert_eq!(
            status["event"]["seat_kept_ms"], keep_ms,
            "{table}: {status}"
        );
    }
    server.stop().await;
}

/// `list_tables` over a WebSocket: the `tables` reply's list.
async fn listed_over_the_socket(client: &Client) -> Value {
    let mut conn = Conn::open(client, None).await;
    conn.send_text(json!({"v": 1, "id": 1, "type": "list_tables"}).to_string())
        .await;
    let reply = conn.next(|m| m["id"] == 1).await;
    assert_eq!(reply["type"], "tables", "{reply}");
    reply["tables"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_lists_show_every_setting_the_admin_list_shows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start(dir.path(), layer(SERVER_BANK_SECS, None)).await;
    let client = server.client();
    let created = create(&client, &full_spec()).await;
    assert_eq!(created.status, 201, "{created:?}");

    // The socket and REST lists are one and the same.
    let public = listed_over_the_socket(&client).await;
    let rest = client.get("/api/v1/tables", None).await;
    assert_eq!(rest.status, 200, "{rest:?}");
    assert_eq!(public, rest.body["tables"]);

    // Each table (the default ones and the created one) shows every setting the admin API
    // does, with the same value; the stakes keep their older public names.
    let admin = listed(&client).await;
    let admin_tables = admin.as_array().expect("tables");
    assert!(admin_tables.len() >= 2, "{admin}");
    assert_eq!(public.as_array().expect("tables").len(), admin_tables.len());
    for admin_table in admin_tables {
        let name = admin_table["table"].as_str().expect("name");
        let listed = settings_of(&public, name);
        for (key, value) in admin_table.as_object().expect("object") {
            let public_value = match key.as_str() {
                "blinds" => json!([listed["small_blind"], listed["big_blind"]]),
                "buy_in" => json!([listed["buy_in_min"], listed["buy_in_max"]]),
                "seats" => listed["seats_max"].clone(),
                _ => listed[key].clone(),
            };
            assert_eq!(&public_value, value, "{key} of {name} in {listed}");
        }
    }
    // The created table's own values, which no default shares.
    let full = settings_of(&public, "t-full");
    for (key, value) in full_spec().as_object().expect("object") {
        if !["name", "blinds", "buy_in", "seats"].contains(&key.as_str()) {
            assert_eq!(&full[key], value, "{key} in {full}");
        }
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_tables_are_listed_as_the_protocol_document_shows() {
    let document =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/protocol.md"))
            .expect("docs/protocol.md");
    let example = document
        .lines()
        .find(|line| line.starts_with(r#"{"tables": [{"table": "nlhe-1-2""#))
        .expect("the GET /api/v1/tables example");
    let mut example: Value = serde_json::from_str(example).expect("the example is JSON");
    // The example shows a halted table; this server's tables play.
    for table in example["tables"].as_array_mut().expect("tables") {
        table.as_object_mut().expect("table").remove("halted");
    }

    let dir = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start(dir.path()).await;
    let client = server.client();
    let listed = client.get("/api/v1/tables", None).await;
    assert_eq!(listed.body, example);
    assert_eq!(listed_over_the_socket(&client).await, example["tables"]);
    server.stop().await;
}
