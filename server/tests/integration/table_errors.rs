//! Bad and badly timed input over the table socket: every refusal is typed and changes
//! nothing; a missing reveal voids the hand; a silent player is timed out by the clock.

use std::collections::VecDeque;
use std::time::Duration;

use fairness::{verify, HandStatus, KeyRing, Predecessor, PublicKey, SignedHandRecord};
use futures_util::{SinkExt, StreamExt};
use poker_server::config::ConfigLayer;
use poker_server::table::PresenceRules;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::support::{config_in, holdem_table, Client, TestServer};

const PASSWORD: &str = "correct horse battery";
const RECEIVE_TIMEOUT: Duration = Duration::from_secs(30);
const TABLE: &str = "t-nlhe";

/// A socket and the messages read but not yet asked for.
pub(crate) struct Conn {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    unread: VecDeque<Value>,
    next_id: u64,
}

impl Conn {
    pub(crate) async fn open(client: &Client, token: Option<&str>) -> Conn {
        let (socket, _) = tokio_tungstenite::connect_async(client.ws_request(token))
            .await
            .expect("upgrade");
        Conn {
            socket,
            unread: VecDeque::new(),
            next_id: 1,
        }
    }

    pub(crate) async fn send_text(&mut self, text: String) {
        self.socket.send(Message::text(text)).await.expect("send");
    }

    /// Sends a request to the test table and returns its answer (`ack` or `rejected`).
    pub(crate) async fn ask(&mut self, body: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut body = body;
        body["v"] = json!(1);
        body["id"] = json!(id);
        if body.get("table").is_none() {
            body["table"] = json!(TABLE);
        }
        self.send_text(body.to_string()).await;
        self.next(|m| m["id"] == json!(id)).await
    }

    /// The code of a refusal, or `"ack"`.
    pub(crate) async fn code(&mut self, body: Value) -> String {
        let answer = self.ask(body).await;
        match answer["type"].as_str() {
            Some("rejected") => answer["code"].as_str().expect("code").to_owned(),
            Some(other) => other.to_owned(),
            None => panic!("{answer}"),
        }
    }

    /// The next event of this kind about hand `hand`.
    pub(crate) async fn hand_event(&mut self, kind: &str, hand: u64) -> Value {
        self.next(|m| {
            m["type"] == "event" && m["event"]["kind"] == kind && m["event"]["hand"] == hand
        })
        .await["event"]
            .clone()
    }

    /// The next event of this kind (earlier unread messages are kept).
    pub(crate) async fn event(&mut self, kind: &str) -> Value {
        self.next(|m| m["type"] == "event" && m["event"]["kind"] == kind)
            .await["event"]
            .clone()
    }

    pub(crate) async fn next(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.unread.iter().position(&wanted) {
            return self.unread.remove(at).expect("present");
        }
        loop {
            let message = self.read().await.expect("socket open");
            if wanted(&message) {
                return message;
            }
            self.unread.push_back(message);
        }
    }

    async fn read(&mut self) -> Option<Value> {
        loop {
            match tokio::time::timeout(RECEIVE_TIMEOUT, self.socket.next())
                .await
                .expect("the server answers in time")
            {
                Some(Ok(Message::Text(text))) => {
                    return Some(serde_json::from_str(&text).expect("JSON"))
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
                Some(Ok(_)) => {}
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_typed_errors_and_timeouts_void_or_fold() {
    let dir = tempfile::tempdir().expect("temp dir");
    // No time bank: the action clock alone times players out here.
    let table = holdem_table(
        TABLE,
        (
            Duration::from_secs(3),
            Duration::from_secs(20),
            Duration::from_secs(2),
        ),
        PresenceRules::default(),
    );
    let config = config_in(
        dir.path(),
        ConfigLayer {
            starting_balance: Some(300),
            ..ConfigLayer::default()
        },
    )
    .with_tables(vec![table])
    .expect("tables");
    let server = TestServer::start_with(config).await;
    let client = server.client();
    let alice_token = client.sign_up("alice", PASSWORD).await;
    let bob_token = client.sign_up("bob", PASSWORD).await;

    // A bad token is refused before the upgrade.
    let bad_token = "0".repeat(64);
    match tokio_tungstenite::connect_async(client.ws_request(Some(&bad_token))).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401)
        }
        other => panic!("expected a 401, got {:?}", other.map(|_| ())),
    }

    // Observers and malformed messages.
    let mut observer = Conn::open(&client, None).await;
    observer.send_text("nope".into()).await;
    let refusal = observer.next(|m| m["type"] == "rejected").await;
    assert_eq!(
        (refusal["id"].clone(), refusal["code"].clone()),
        (Value::Null, json!("malformed"))
    );
    observer
        .send_text(json!({"v": 2, "id": 5, "type": "list_tables"}).to_string())
        .await;
    let refusal = observer.next(|m| m["id"] == 5).await;
    assert_eq!(refusal["code"], "unsupported_version");
    for (body, code) in [
        (
            json!({"type": "sit", "seat": 0, "buy_in": 100}),
            "not_authenticated",
        ),
        (json!({"type": "watch", "table": "nope"}), "unknown_table"),
        (json!({"type": "watch", "extra": 1}), "malformed"),
        (json!({"type": "watch"}), "ack"),
    ] {
        assert_eq!(observer.code(body.clone()).await, code, "{body}");
    }
    observer
        .socket
        .send(Message::binary(vec![1u8, 2, 3]))
        .await
        .expect("send");
    assert_eq!(
        observer.next(|m| m["type"] == "rejected").await["code"],
        "malformed"
    );

    // Seating rules.
    let mut alice = Conn::open(&client, Some(&alice_token)).await;
    let mut bob = Conn::open(&client, Some(&bob_token)).await;
    for (body, code) in [
        (
            json!({"type": "sit", "seat": 9, "buy_in": 100}),
            "seat_out_of_range",
        ),
        (
            json!({"type": "sit", "seat": 255, "buy_in": 100}),
            "seat_out_of_range",
        ),
        (
            json!({"type": "sit", "seat": 0, "buy_in": 5}),
            "buy_in_out_of_range",
        ),
        (
            json!({"type": "sit", "seat": 0, "buy_in": u64::MAX}),
            "buy_in_out_of_range",
        ),
        (
            json!({"type": "sit", "seat": -1, "buy_in": 100}),
            "malformed",
        ),
        (json!({"type": "sit", "seat": 0, "buy_in": 100}), "ack"),
        (
            json!({"type": "sit", "seat": 1, "buy_in": 100}),
            "already_seated",
        ),
        (
            json!({"type": "act", "hand": 999, "action": "check"}),
            "stale",
        ),
        (json!({"type": "leave", "table": "nope"}), "unknown_table"),
    ] {
        assert_eq!(alice.code(body.clone()).await, code, "{body}");
    }
    assert_eq!(
        bob.code(json!({"type": "sit", "seat": 0, "buy_in": 100}))
            .await,
        "seat_taken"
    );
    assert_eq!(
        bob.code(json!({"type": "sit", "seat": 3, "buy_in": 400}))
            .await,
        "insufficient_chips",
        "bob holds 300 chips"
    );
    assert_eq!(
        bob.code(json!({"type": "sit", "seat": 3, "buy_in": 100}))
            .await,
        "ack"
    );

    // Hand 1: the seed exchange, out of order and wrong; bob never reveals -> void.
    let announced = alice.event("hand_announced").await;
    assert_eq!(announced["hand"], 1);
    for (body, code) in [
        (
            json!({"type": "act", "hand": 1, "action": "check"}),
            "wrong_phase",
        ),
        (
            json!({"type": "reveal_seed", "hand": 1, "seed": "00".repeat(32)}),
            "wrong_phase",
        ),
        (
            json!({"type": "commit_seed", "hand": 1, "commitment": "zz"}),
            "bad_seed",
        ),
        (
            json!({"type": "commit_seed", "hand": 2, "commitment": "00".repeat(32)}),
            "stale",
        ),
        (
            json!({"type": "commit_seed", "hand": 1, "commitment": "00".repeat(32)}),
            "ack",
        ),
        (
            json!({"type": "commit_seed", "hand": 1, "commitment": "00".repeat(32)}),
            "duplicate",
        ),
    ] {
        assert_eq!(alice.code(body.clone()).await, code, "{body}");
    }
    assert_eq!(
        bob.code(json!({"type": "commit_seed", "hand": 1, "commitment": "11".repeat(32)}))
            .await,
        "ack"
    );
    alice.event("commitments_closed").await;
    assert_eq!(
        alice
            .code(json!({"type": "reveal_seed", "hand": 1, "seed": "22".repeat(32)}))
            .await,
        "seed_mismatch",
        "nobody knows a seed for an all-zero commitment"
    );
    let ended = alice.event("hand_ended").await;
    assert_eq!(ended["hand"], 1);
    assert_eq!(ended["status"], "void_missing_reveal");
    assert_eq!(ended["flagged"], json!([0, 3]));

    // Hand 2: server seeds; turn, amount and action rules; then the clock folds alice.
    alice.hand_event("hand_announced", 2).await;
    for conn in [&mut alice, &mut bob] {
        assert_eq!(
            conn.code(json!({"type": "server_seed", "hand": 2})).await,
            "ack"
        );
    }
    let to_act = alice.event("to_act").await;
    let actor_seat = to_act["seat"].as_u64().expect("seat");
    let (actor, other) = if actor_seat == 0 {
        (&mut alice, &mut bob)
    } else {
        (&mut bob, &mut alice)
    };
    assert_eq!(
        other
            .code(json!({"type": "act", "hand": 2, "action": "fold"}))
            .await,
        "not_your_turn"
    );
    for (body, code) in [
        (
            json!({"type": "act", "hand": 2, "action": "bet"}),
            "illegal_amount",
        ),
        (
            json!({"type": "act", "hand": 2, "action": "bet", "amount": 1}),
            "illegal_amount",
        ),
        (
            json!({"type": "act", "hand": 2, "action": "bet", "amount": u64::MAX}),
            "illegal_amount",
        ),
        (
            json!({"type": "act", "hand": 2, "action": "call", "amount": 1}),
            "illegal_amount",
        ),
        (
            json!({"type": "act", "hand": 2, "action": "check"}),
            "illegal_action",
        ),
        (
            json!({"type": "act", "hand": 2, "action": "shove"}),
            "malformed",
        ),
    ] {
        assert_eq!(actor.code(body.clone()).await, code, "{body}");
    }
    // A second connection of the player to act (a reconnect) gets its cards in the
    // snapshot; an observer's snapshot never has any.
    let actor_token = if actor_seat == 0 {
        &alice_token
    } else {
        &bob_token
    };
    let mut again = Conn::open(&client, Some(actor_token)).await;
    assert_eq!(again.code(json!({"type": "watch"})).await, "ack");
    let snapshot = again.event("snapshot").await;
    assert_eq!(snapshot["hand"], 2);
    assert_eq!(
        snapshot["your_cards"].as_array().map(Vec::len),
        Some(2),
        "{snapshot}"
    );
    assert!(observer.event("snapshot").await.get("your_cards").is_none());
    let folded = actor.event("folded").await;
    assert_eq!(folded["timed_out"], true, "the action clock acted");
    actor.hand_event("hand_ended", 2).await;

    // Both records verify: the void and the timed-out hand.
    let key = client.get("/api/v1/server-key", None).await;
    let keys = KeyRing::new(
        PublicKey::from_hex(key.body["public_key"].as_str().expect("hex")).expect("key"),
    );
    let mut predecessor = Predecessor::Genesis;
    for (hand, status) in [
        (1, HandStatus::VoidMissingReveal),
        (2, HandStatus::Completed),
    ] {
        let reply = client
            .get(
                &format!("/api/v1/hands/{TABLE}-{hand}/record"),
                Some(&alice_token),
            )
            .await;
        assert_eq!(reply.status, 200, "{reply:?}");
        let record = SignedHandRecord::from_json(&reply.body.to_string()).expect("record");
        let verified = verify(&record, &keys, predecessor).expect("verifies");
        assert_eq!(verified.status, status);
        predecessor = Predecessor::Record {
            hash: verified.record_hash,
            table_id: 1,
            hand_no: hand,
            key_generation: 0,
        };
    }

    // An oversized message closes the connection.
    observer.send_text("x".repeat(5000)).await;
    while observer.read().await.is_some() {}

    // Leaving during a hand takes effect when it ends: hand 3 is dealt with server seeds,
    // the clock folds the first to act, and both are stood up with their chips.
    alice.hand_event("hand_announced", 3).await;
    for conn in [&mut alice, &mut bob] {
        assert_eq!(conn.code(json!({"type": "leave"})).await, "ack");
        assert_eq!(
            conn.code(json!({"type": "server_seed", "hand": 3})).await,
            "ack"
        );
    }
    alice.hand_event("hand_ended", 3).await;
    let mut cashed_out = 0;
    for _ in 0..2 {
        cashed_out += alice.event("left").await["cashed_out"]
            .as_u64()
            .expect("chips");
    }
    assert_eq!(
        cashed_out, 200,
        "the void moved nothing; the other hands moved chips only between the two"
    );
    let mut total = 0;
    for token in [&alice_token, &bob_token] {
        total += client.get("/api/v1/me", Some(token)).await.body["balance"]
            .as_u64()
            .expect("balance");
    }
    assert_eq!(total, 600);
    server.stop().await;
}
