//! The operator's side on a real server: the admin API (access, tables, kicks, bans,
//! broadcast, maintenance drain), the audit log after play and after tampering, and
//! `/metrics`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use hyper::Method;
use poker_server::config::ConfigLayer;
use poker_server::table::PresenceRules;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

use crate::support::{config_in, holdem_table, Client, TestServer};

const PASSWORD: &str = "correct horse battery";
const ADMIN: &str = "admin-token-for-tests-0123456789abcdef";
/// Clocks of the test table: the bots act at once, so these only bound a stuck test.
const CLOCK: Duration = Duration::from_secs(10);
/// Any single wait for a server message.
const RECEIVE_TIMEOUT: Duration = Duration::from_secs(15);
const TABLE: &str = "t-admin";

fn admin_layer() -> ConfigLayer {
    ConfigLayer {
        admin_token: Some(ADMIN.parse().expect("a valid admin token")),
        ..ConfigLayer::default()
    }
}

/// A server with the admin API and one fast hold'em table.
async fn start(dir: &Path) -> TestServer {
    // No time bank: a silent player's turn ends with the action clock, well inside
    // RECEIVE_TIMEOUT.
    let table = holdem_table(TABLE, (CLOCK, CLOCK, CLOCK), PresenceRules::default());
    let config = config_in(dir, admin_layer())
        .with_tables(vec![table])
        .expect("tables");
    TestServer::start_with(config).await
}

async fn admin_get(client: &Client, path: &str) -> crate::support::Reply {
    client
        .get(&format!("/api/v1/admin/{path}"), Some(ADMIN))
        .await
}

async fn admin_post(client: &Client, path: &str, body: Value) -> crate::support::Reply {
    client
        .post_json(&format!("/api/v1/admin/{path}"), Some(ADMIN), &body)
        .await
}

async fn admin_send(client: &Client, method: Method, path: &str) -> crate::support::Reply {
    client
        .send(method, &format!("/api/v1/admin/{path}"), Some(ADMIN), None)
        .await
}

async fn balance(client: &Client, token: &str) -> u64 {
    let me = client.get("/api/v1/me", Some(token)).await;
    assert_eq!(me.status, 200, "{me:?}");
    me.body["balance"].as_u64().expect("balance")
}

/// `GET /metrics` as text: status and body.
async fn metrics_text(client: &Client, token: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect(client.addr).await.expect("connect");
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let request = format!("GET /metrics HTTP/1.1\r\nHost: test\r\n{auth}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    let text = String::from_utf8(response).expect("utf-8");
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Checks every line of a Prometheus text page and returns the value of `series`.
fn metric(page: &str, series: &str) -> f64 {
    for line in page.lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, value) = line.rsplit_once(' ').expect("`series value`");
        assert!(
            name.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_'),
            "{line}"
        );
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("{line}"));
        if name == series {
            return value;
        }
    }
    0.0
}

/// A WebSocket client in its own task: it answers the seed exchange (server seeds) and acts
/// (check, else call) for `seat`, and passes every message on.
struct Bot {
    requests: mpsc::Sender<Value>,
    messages: mpsc::Receiver<Value>,
    /// Messages read while waiting for an answer, not yet looked at.
    unread: std::collections::VecDeque<Value>,
    next_id: u64,
}

/// Opens `/api/v1/ws`; the HTTP status when the upgrade is refused.
async fn open_socket(
    client: &Client,
    token: Option<&str>,
) -> Result<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>,
    Option<u16>,
> {
    match tokio_tungstenite::connect_async(client.ws_request(token)).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(Some(response.status().as_u16()))
        }
        Err(_) => Err(None),
    }
}

impl Bot {
    async fn connect(client: &Client, token: Option<&str>, seat: Option<u8>) -> Bot {
        let mut socket = open_socket(client, token).await.expect("upgrade");
        let (requests, mut to_send) = mpsc::channel::<Value>(16);
        let (forward, messages) = mpsc::channel::<Value>(4096);
        tokio::spawn(async move {
            let mut own_id = 1_000_000u64;
            loop {
                let incoming = tokio::select! {
                    request = to_send.recv() => match request {
                        Some(request) => {
                            if socket.send(Message::text(request.to_string())).await.is_err() {
                                return;
                            }
                            continue;
                        }
                        None => return,
                    },
                    incoming = socket.next() => incoming,
                };
                let message: Value = match incoming {
                    Some(Ok(Message::Text(text))) => serde_json::from_str(&text).expect("JSON"),
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                    Some(Ok(_)) => continue,
                };
                let event = &message["event"];
                let table = message["table"].clone();
                let mine = |field: &Value| seat.is_some() && field.as_u64() == seat.map(u64::from);
                let reply = match event["kind"].as_str() {
                    Some("hand_announced")
                        if event["seats"]
                            .as_array()
                            .is_some_and(|s| s.iter().any(&mine)) =>
                    {
                        Some(json!({"type": "server_seed", "hand": event["hand"]}))
                    }
                    Some("to_act") if mine(&event["seat"]) => {
                        let action = if event["legal"]["can_check"] == json!(true) {
                            "check"
                        } else {
                            "call"
                        };
                        Some(json!({"type": "act", "hand": event["hand"], "action": action}))
                    }
                    _ => None,
                };
                if let Some(mut reply) = reply {
                    reply["v"] = json!(1);
                    reply["id"] = json!(own_id);
                    reply["table"] = table;
                    own_id += 1;
                    if socket.send(Message::text(reply.to_string())).await.is_err() {
                        return;
                    }
                }
                if forward.send(message).await.is_err() {
                    return;
                }
            }
        });
        Bot {
            requests,
            messages,
            unread: std::collections::VecDeque::new(),
            next_id: 1,
        }
    }

    /// The next message; `None` if the server closed the socket.
    async fn next_message(&mut self) -> Option<Value> {
        if let Some(message) = self.unread.pop_front() {
            return Some(message);
        }
        tokio::time::timeout(RECEIVE_TIMEOUT, self.messages.recv())
            .await
            .expect("the server answers in time")
    }

    /// The next message matching `wanted`, skipping others; `None` if the server closed the
    /// socket first.
    async fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Option<Value> {
        loop {
            let message = self.next_message().await?;
            if wanted(&message) {
                return Some(message);
            }
        }
    }

    async fn event(&mut self, kind: &str) -> Value {
        self.wait_for(|m| m["event"]["kind"] == kind)
            .await
            .unwrap_or_else(|| panic!("closed before a {kind} event"))
    }

    /// Sends a request (to [`TABLE`] unless it names a table) and returns its answer.
    async fn ask(&mut self, body: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut body = body;
        body["v"] = json!(1);
        body["id"] = json!(id);
        if body.get("table").is_none() && body["type"] != "list_tables" {
            body["table"] = json!(TABLE);
        }
        self.requests.send(body).await.expect("bot alive");
        // Events that arrive before the answer stay unread for later waits.
        let mut skipped = Vec::new();
        loop {
            let message = self.next_message().await.expect("an answer");
            if message["id"] == json!(id) && message["type"] != "event" {
                for earlier in skipped.into_iter().rev() {
                    self.unread.push_front(earlier);
                }
                return message;
            }
            skipped.push(message);
        }
    }

    /// Plays for `seat` by hand (server seed, check or call) until the hand in play ends;
    /// returns the `hand_ended` event.
    async fn play_hand(&mut self, seat: u8) -> Value {
        loop {
            let message = self
                .wait_for(|m| m["type"] == "event")
                .await
                .expect("the hand ends");
            let event = &message["event"];
            match event["kind"].as_str() {
                Some("hand_announced") => {
                    let hand = event["hand"].clone();
                    assert_eq!(
                        self.code(json!({"type": "server_seed", "hand": hand}))
                            .await,
                        "ack"
                    );
                }
                Some("to_act") if event["seat"] == seat => {
                    let action = if event["legal"]["can_check"] == json!(true) {
                        "check"
                    } else {
                        "call"
                    };
                    let hand = event["hand"].clone();
                    let body = json!({"type": "act", "hand": hand, "action": action});
                    assert_eq!(self.code(body).await, "ack");
                }
                Some("hand_ended") => return message,
                _ => {}
            }
        }
    }

    /// The refusal code of the answer, or its type (`ack`).
    async fn code(&mut self, body: Value) -> String {
        let answer = self.ask(body).await;
        answer["code"]
            .as_str()
            .or(answer["type"].as_str())
            .expect("code or type")
            .to_owned()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_api_needs_the_admin_token_and_is_absent_without_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plain = TestServer::start(dir.path()).await;
    let client = plain.client();
    let absent = client.get("/api/v1/admin/status", Some(ADMIN)).await;
    assert_eq!((absent.status, absent.code()), (404, "not_found"));
    assert_eq!(metrics_text(&client, Some(ADMIN)).await.0, 404);
    plain.stop().await;

    let dir = tempfile::tempdir().expect("temp dir");
    let server = start(dir.path()).await;
    let client = server.client();
    let player = client.sign_up("alice", PASSWORD).await;
    let missing = client.get("/api/v1/admin/status", None).await;
    assert_eq!((missing.status, missing.code()), (401, "missing_token"));
    for token in [player.as_str(), "admin-token-for-tests-0123456789abcdeX"] {
        let refused = client.get("/api/v1/admin/status", Some(token)).await;
        assert_eq!((refused.status, refused.code()), (403, "forbidden"));
        let refused = client
            .post_json(
                "/api/v1/admin/broadcast",
                Some(token),
                &json!({"message": "hi"}),
            )
            .await;
        assert_eq!(refused.status, 403);
        assert_eq!(metrics_text(&client, Some(token)).await.0, 403);
    }
    assert_eq!(metrics_text(&client, None).await.0, 401);
    let status = admin_get(&client, "status").await;
    assert_eq!(status.status, 200, "{status:?}");
    assert_eq!(status.body["tables"], json!([TABLE]));
    assert_eq!(status.body["draining"], json!(false));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_are_created_kicked_from_and_closed_with_every_chip_returned() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start(dir.path()).await;
    let client = server.client();
    let alice = client.sign_up("alice", PASSWORD).await;
    let bob = client.sign_up("bob", PASSWORD).await;
    let carol = client.sign_up("carol", PASSWORD).await;

    // Create: valid, invalid, and clashing settings.
    let spec = json!({"name": "t-new", "number": 7, "game": "plo", "blinds": [1, 2],
        "seats": 6, "buy_in": [40, 400]});
    let created = admin_post(&client, "tables", spec.clone()).await;
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created.body["game"], "plo");
    let again = admin_post(&client, "tables", spec).await;
    assert_eq!((again.status, again.code()), (409, "conflict"));
    let clash = admin_post(
        &client,
        "tables",
        json!({"name": TABLE, "number": 9, "game": "nlhe", "blinds": [1, 2], "seats": 6,
            "buy_in": [40, 400]}),
    )
    .await;
    assert_eq!(clash.status, 409);
    let invalid = admin_post(
        &client,
        "tables",
        json!({"name": "t-bad", "number": 9, "game": "nlhe", "blinds": [1, 2], "seats": 12,
            "buy_in": [40, 400]}),
    )
    .await;
    assert_eq!((invalid.status, invalid.code()), (400, "invalid_request"));

    // The new table is listed and playable; a kick stands its only player up.
    let mut a = Bot::connect(&client, Some(&alice), Some(0)).await;
    let listed = a.ask(json!({"type": "list_tables"})).await;
    let names: Vec<&str> = listed["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .filter_map(|t| t["table"].as_str())
        .collect();
    assert_eq!(names, vec![TABLE, "t-new"]);
    assert_eq!(
        a.code(json!({"type": "sit", "table": "t-new", "seat": 0, "buy_in": 100}))
            .await,
        "ack"
    );
    assert_eq!(balance(&client, &alice).await, 9_900);
    let kicked = admin_post(&client, "tables/t-new/kick", json!({"username": "alice"})).await;
    assert_eq!(kicked.status, 200, "{kicked:?}");
    assert_eq!(kicked.body["outcome"], "stood_up");
    let left = a.event("left").await;
    assert_eq!(left["event"]["cashed_out"], 100);
    assert_eq!(balance(&client, &alice).await, 10_000);
    let not_seated = admin_post(&client, "tables/t-new/kick", json!({"username": "alice"})).await;
    assert_eq!(not_seated.status, 409);
    let nobody = admin_post(&client, "tables/t-new/kick", json!({"username": "nobody"})).await;
    assert_eq!(nobody.status, 404);

    // Closing a table with nobody in a hand: watchers hear it, the name and number stay used.
    let closed = admin_send(&client, Method::DELETE, "tables/t-new").await;
    assert_eq!(closed.status, 202, "{closed:?}");
    a.event("table_closed").await;
    let reused = admin_post(
        &client,
        "tables",
        json!({"name": "t-other", "number": 7, "game": "nlhe", "blinds": [1, 2], "seats": 6,
            "buy_in": [40, 400]}),
    )
    .await;
    assert_eq!(reused.status, 409, "{reused:?}");
    let unknown = admin_send(&client, Method::DELETE, "tables/t-new").await;
    assert_eq!(unknown.status, 404);

    // Closing a table during a hand: the hand finishes, then everyone stands up. Bob plays
    // by hand, so the hand waits for him while the close order arrives.
    let mut b = Bot::connect(&client, Some(&bob), None).await;
    assert_eq!(
        a.code(json!({"type": "sit", "seat": 0, "buy_in": 200}))
            .await,
        "ack"
    );
    assert_eq!(
        b.code(json!({"type": "sit", "seat": 1, "buy_in": 200}))
            .await,
        "ack"
    );
    let announced = a.event("hand_announced").await;
    let closing = admin_send(&client, Method::DELETE, &format!("tables/{TABLE}")).await;
    assert_eq!(closing.status, 202, "{closing:?}");
    let mut c = Bot::connect(&client, Some(&carol), None).await;
    assert_eq!(
        c.code(json!({"type": "sit", "seat": 2, "buy_in": 200}))
            .await,
        "table_closing"
    );
    let ended = b.play_hand(1).await;
    assert_eq!(ended["event"]["hand"], announced["event"]["hand"]);
    assert_eq!(ended["event"]["status"], "completed");
    a.event("table_closed").await;
    b.event("table_closed").await;
    assert_eq!(
        balance(&client, &alice).await + balance(&client, &bob).await,
        20_000
    );
    assert_eq!(
        c.code(json!({"type": "watch"})).await,
        "unknown_table",
        "a closed table is gone"
    );
    let status = admin_get(&client, "status").await;
    assert_eq!(status.body["tables"], json!([]));

    // A created table that was not closed opens again after a restart.
    let kept = admin_post(
        &client,
        "tables",
        json!({"name": "t-kept", "number": 8, "game": "nlhe", "blinds": [5, 10], "seats": 9,
            "buy_in": [200, 2000]}),
    )
    .await;
    assert_eq!(kept.status, 201, "{kept:?}");
    server.stop().await;
    let server = start(dir.path()).await;
    let client = server.client();
    let status = admin_get(&client, "status").await;
    assert_eq!(status.body["tables"], json!([TABLE, "t-kept"]));

    // Every action is in the audit log (a kick is recorded before the table says whether
    // the player sat there).
    let audit = admin_get(&client, "audit").await;
    let kinds: Vec<&str> = audit.body["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .filter(|k| k.starts_with("admin_"))
        .collect();
    assert_eq!(
        kinds,
        vec![
            "admin_create_table",
            "admin_kick",
            "admin_kick",
            "admin_close_table",
            "admin_close_table",
            "admin_create_table"
        ]
    );
    server.stop().await;
}

/// Whether the server drops a new connection at accept (no HTTP answer at all).
async fn dropped_at_accept(client: &Client) -> bool {
    let Ok(mut stream) = TcpStream::connect(client.addr).await else {
        return true;
    };
    let request = "GET /api/v1/health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).await.is_err() {
        return true;
    }
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    response.is_empty()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bans_close_connections_refuse_logins_and_expire() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start(dir.path()).await;
    let client = server.client();
    let alice = client.sign_up("alice", PASSWORD).await;
    let mut open = Bot::connect(&client, Some(&alice), None).await;
    assert_eq!(open.code(json!({"type": "watch"})).await, "ack");

    let refused = admin_post(
        &client,
        "bans",
        json!({"username": "alice", "address": "10.0.0.1", "expires_in_secs": 5}),
    )
    .await;
    assert_eq!(refused.status, 400, "one target only");
    let refused = admin_post(
        &client,
        "bans",
        json!({"username": "alice", "expires_in_secs": 0}),
    )
    .await;
    assert_eq!(refused.status, 400);
    let ban = admin_post(
        &client,
        "bans",
        json!({"username": "alice", "expires_in_secs": 3, "reason": "collusion review"}),
    )
    .await;
    assert_eq!(ban.status, 201, "{ban:?}");

    // The open connection closes; token, login and upgrade are refused.
    assert!(
        open.wait_for(|_| false).await.is_none(),
        "the socket is closed"
    );
    let me = client.get("/api/v1/me", Some(&alice)).await;
    assert_eq!((me.status, me.code()), (403, "banned"));
    let login = client.login("alice", PASSWORD).await;
    assert_eq!((login.status, login.code()), (403, "banned"));
    let wrong = client.login("alice", "wrong password!").await;
    assert_eq!(
        wrong.status, 401,
        "the ban is told only to the password holder"
    );
    assert_eq!(
        open_socket(&client, Some(&alice)).await.err(),
        Some(Some(403))
    );
    let listed = admin_get(&client, "bans").await;
    assert_eq!(listed.body["bans"][0]["reason"], "collusion review");

    // It expires by itself.
    let mut waited = Duration::ZERO;
    while client.get("/api/v1/me", Some(&alice)).await.status != 200 {
        assert!(waited < Duration::from_secs(20), "the ban never expired");
        tokio::time::sleep(Duration::from_millis(250)).await;
        waited += Duration::from_millis(250);
    }
    assert_eq!(client.login("alice", PASSWORD).await.status, 200);

    // An address ban: lifted by id, or dropped at accept until it expires.
    let other = admin_post(
        &client,
        "bans",
        json!({"address": "10.0.0.1", "expires_in_secs": 600}),
    )
    .await;
    assert_eq!(other.status, 201);
    let id = other.body["id"].as_i64().expect("id");
    assert_eq!(
        admin_send(&client, Method::DELETE, &format!("bans/{id}"))
            .await
            .status,
        204
    );
    assert_eq!(
        admin_send(&client, Method::DELETE, &format!("bans/{id}"))
            .await
            .status,
        404
    );
    let local = admin_post(
        &client,
        "bans",
        json!({"address": "127.0.0.1", "expires_in_secs": 2}),
    )
    .await;
    assert_eq!(local.status, 201);
    assert!(dropped_at_accept(&client).await);
    let mut waited = Duration::ZERO;
    while dropped_at_accept(&client).await {
        assert!(
            waited < Duration::from_secs(20),
            "the address ban never expired"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
        waited += Duration::from_millis(250);
    }
    assert_eq!(client.get("/api/v1/me", Some(&alice)).await.status, 200);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drain_broadcast_metrics_and_an_audit_chain_that_catches_tampering() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start(dir.path()).await;
    let client = server.client();
    let alice = client.sign_up("alice", PASSWORD).await;
    let bob = client.sign_up("bob", PASSWORD).await;
    let (_, before) = metrics_text(&client, Some(ADMIN)).await;

    let mut observer = Bot::connect(&client, None, None).await;
    let mut a = Bot::connect(&client, Some(&alice), Some(0)).await;
    // Bob plays by hand, so a hand waits for him where the test needs it to.
    let mut b = Bot::connect(&client, Some(&bob), None).await;
    assert_eq!(
        observer
            .code(json!({"type": "sit", "table": "nope", "seat": 0, "buy_in": 1}))
            .await,
        "unknown_table"
    );
    assert_eq!(
        observer.code(json!({"type": "no_such_request"})).await,
        "malformed"
    );

    // Broadcast reaches every connection.
    let sent = admin_post(
        &client,
        "broadcast",
        json!({"message": "restart at 03:00 UTC"}),
    )
    .await;
    assert_eq!(sent.status, 202, "{sent:?}");
    assert!(sent.body["recipients"].as_u64().expect("recipients") >= 3);
    for bot in [&mut observer, &mut a, &mut b] {
        let notice = bot
            .wait_for(|m| m["type"] == "broadcast")
            .await
            .expect("broadcast");
        assert_eq!(notice["message"], "restart at 03:00 UTC");
    }
    let empty = admin_post(&client, "broadcast", json!({"message": ""})).await;
    assert_eq!(empty.status, 400);

    // Play one hand, drain during the next (while it waits for Bob): it finishes, and no
    // other starts until undrain.
    assert_eq!(
        a.code(json!({"type": "sit", "seat": 0, "buy_in": 200}))
            .await,
        "ack"
    );
    assert_eq!(
        b.code(json!({"type": "sit", "seat": 1, "buy_in": 200}))
            .await,
        "ack"
    );
    b.play_hand(1).await;
    let announced = b.event("hand_announced").await;
    let drained = admin_send(&client, Method::POST, "drain").await;
    assert_eq!(
        (drained.status, &drained.body["draining"]),
        (200, &json!(true))
    );
    let hand = announced["event"]["hand"].clone();
    assert_eq!(
        b.code(json!({"type": "server_seed", "hand": hand})).await,
        "ack"
    );
    let last = b.play_hand(1).await;
    assert_eq!(last["event"]["hand"], announced["event"]["hand"]);
    let quiet = tokio::time::timeout(
        Duration::from_secs(3),
        b.wait_for(|m| m["event"]["kind"] == "hand_announced"),
    )
    .await;
    assert!(quiet.is_err(), "a hand started while drained: {quiet:?}");
    // Health says so (still 200: the server is alive), for load balancers.
    let health = client.get("/api/v1/health", None).await;
    assert_eq!(
        (health.status, &health.body["draining"]),
        (200, &json!(true))
    );
    let undrained = admin_send(&client, Method::POST, "undrain").await;
    assert_eq!(undrained.body["draining"], json!(false));
    let health = client.get("/api/v1/health", None).await;
    assert_eq!(health.body["draining"], json!(false));
    let next = b.play_hand(1).await;
    assert_eq!(
        next["event"]["hand"].as_u64(),
        last["event"]["hand"].as_u64().map(|h| h + 1)
    );
    assert_eq!(a.code(json!({"type": "leave"})).await, "ack");
    assert_eq!(b.code(json!({"type": "leave"})).await, "ack");
    a.event("left").await;
    b.wait_for(|m| m["event"]["kind"] == "left" && m["event"]["player"] == "bob")
        .await
        .expect("bob left");

    // Counters moved.
    let (status, after) = metrics_text(&client, Some(ADMIN)).await;
    assert_eq!(status, 200);
    assert!(
        metric(&after, "poker_hands_settled_total") >= 3.0,
        "{after}"
    );
    assert_eq!(metric(&before, "poker_hands_settled_total"), 0.0);
    assert_eq!(metric(&after, "poker_ws_connections"), 3.0, "{after}");
    assert_eq!(metric(&after, "poker_tables"), 1.0);
    // The scrape's own connection; upgraded WebSocket connections leave this gauge.
    assert!(metric(&after, "poker_http_connections") >= 1.0, "{after}");
    assert!(metric(&after, "poker_action_broadcast_seconds_count") >= 3.0);
    assert_eq!(
        metric(&after, "poker_action_broadcast_seconds_bucket{le=\"+Inf\"}"),
        metric(&after, "poker_action_broadcast_seconds_count")
    );
    // Three settled hands waited for flushes of the database's log; each was timed.
    assert!(
        metric(&after, "poker_store_flush_seconds_count") >= 1.0,
        "{after}"
    );
    assert!(
        metric(&after, "poker_store_flush_seconds_count")
            > metric(&before, "poker_store_flush_seconds_count")
    );
    for reason in ["unknown_table", "malformed"] {
        let series = format!("poker_rejected_messages_total{{reason=\"{reason}\"}}");
        assert_eq!(metric(&after, &series), 1.0, "{after}");
    }

    // The chain is intact and records every chip movement.
    let check = admin_get(&client, "audit/check").await;
    assert_eq!(check.body["valid"], json!(true), "{check:?}");
    let audit = admin_get(&client, "audit?from=1&limit=500").await;
    let ledger_kinds: Vec<&str> = audit.body["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["kind"] == "ledger_transaction")
        .filter_map(|e| e["fields"][1]["value"].as_str())
        .collect();
    for kind in ["signup_credit", "buy_in", "hand_settlement", "cash_out"] {
        assert!(ledger_kinds.contains(&kind), "{kind}: {ledger_kinds:?}");
    }
    let entries = check.body["valid_entries"].as_u64().expect("count");
    let page = admin_get(&client, "audit?from=2&limit=1").await;
    assert_eq!(page.body["entries"][0]["seq"], 2);
    assert_eq!(page.body["next"], 3);
    drop((observer, a, b));
    server.stop().await;

    // Offline: the subcommand agrees, then finds an edit and a deletion.
    let database = dir.path().join(poker_server::data_dir::DATABASE_FILE);
    let run_check = || {
        Command::new(env!("CARGO_BIN_EXE_poker-server"))
            .args(["audit-check", "--data-dir"])
            .arg(dir.path())
            .output()
            .expect("run poker-server audit-check")
    };
    let intact = run_check();
    assert_eq!(intact.status.code(), Some(0), "{intact:?}");
    assert!(String::from_utf8_lossy(&intact.stdout).contains(&format!("{entries} entries")));

    let conn = rusqlite::Connection::open(&database).expect("open database");
    assert!(
        conn.execute("UPDATE audit_log SET at = at + 1 WHERE seq = 3", [])
            .is_err(),
        "the table refuses edits"
    );
    conn.execute_batch(
        "DROP TRIGGER audit_log_append_only_u; DROP TRIGGER audit_log_append_only_d;",
    )
    .expect("an attacker drops the triggers");
    conn.execute("UPDATE audit_log SET at = at + 1 WHERE seq = 3", [])
        .expect("tamper");
    let report = poker_server::audit::check_database(&database).expect("check");
    let fault = report.first_bad.expect("tampering found");
    assert_eq!((fault.seq, report.valid_entries), (3, 2));
    let broken = run_check();
    assert_eq!(broken.status.code(), Some(1), "{broken:?}");
    assert!(String::from_utf8_lossy(&broken.stdout).contains("BROKEN at entry 3"));
    conn.execute("UPDATE audit_log SET at = at - 1 WHERE seq = 3", [])
        .expect("undo");
    assert!(poker_server::audit::check_database(&database)
        .expect("check")
        .is_valid());
    conn.execute("DELETE FROM audit_log WHERE seq = 4", [])
        .expect("delete a middle row");
    let report = poker_server::audit::check_database(&database).expect("check");
    let fault = report.first_bad.expect("deletion found");
    assert_eq!(fault.seq, 5);
    assert_eq!(
        fault.problem,
        poker_server::audit::AuditProblem::Gap { expected: 4 }
    );
}
