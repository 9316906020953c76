//! Limits on WebSockets as such, on a real server: an upgraded WebSocket keeps its place
//! under `max_connections`; `max_websockets` and `max_websockets_per_account` refuse an
//! upgrade with a JSON error before it happens; the message rate of one account is shared by
//! all its sockets; and `/metrics` counts each.

use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use poker_server::config::ConfigLayer;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::support::{config_in, Client, TestServer};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

const PASSWORD: &str = "correct horse battery";
const ADMIN: &str = "admin-token-for-tests-0123456789abcdef";
/// Any single wait for the server in these tests.
const PATIENCE: Duration = Duration::from_secs(20);

async fn start(layer: ConfigLayer) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let layer = ConfigLayer {
        admin_token: Some(ADMIN.parse().expect("a valid admin token")),
        ..layer
    };
    let server = TestServer::start_with(config_in(dir.path(), layer)).await;
    (server, dir)
}

/// Opens a WebSocket (with `token`, or as an observer), or returns the refusal's status and
/// JSON body and its `Retry-After`.
async fn try_open(
    client: &Client,
    token: Option<&str>,
) -> Result<Socket, (u16, Value, Option<String>)> {
    match tokio_tungstenite::connect_async(client.ws_request(token)).await {
        Ok((socket, _)) => Ok(socket),
        Err(WsError::Http(response)) => {
            let body = response
                .body()
                .as_deref()
                .map(|bytes| serde_json::from_slice(bytes).expect("a JSON error body"))
                .unwrap_or(Value::Null);
            let retry_after = response
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().expect("ascii").to_owned());
            Err((response.status().as_u16(), body, retry_after))
        }
        Err(other) => panic!("upgrade failed: {other}"),
    }
}

async fn open(client: &Client, token: Option<&str>) -> Socket {
    match try_open(client, token).await {
        Ok(socket) => socket,
        Err(refusal) => panic!("upgrade refused: {refusal:?}"),
    }
}

/// Opens a WebSocket, retrying while the server still counts one that was just closed.
async fn open_eventually(client: &Client, token: Option<&str>) -> Socket {
    let deadline = Instant::now() + PATIENCE;
    loop {
        match try_open(client, token).await {
            Ok(socket) => return socket,
            Err(refusal) => assert!(Instant::now() < deadline, "still refused: {refusal:?}"),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Sends `list_tables` with `id` and returns the answer's type and code.
async fn ask(socket: &mut Socket, id: u64) -> (String, Value) {
    let request = json!({"v": 1, "id": id, "type": "list_tables"});
    socket
        .send(Message::text(request.to_string()))
        .await
        .expect("send");
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("an answer in time");
        if let Some(Ok(Message::Text(text))) = message {
            let answer: Value = serde_json::from_str(&text).expect("JSON");
            assert_eq!(answer["id"], id, "{answer}");
            return (
                answer["type"].as_str().expect("type").to_owned(),
                answer["code"].clone(),
            );
        }
        assert!(matches!(message, Some(Ok(_))), "socket ended: {message:?}");
    }
}

/// The value of one series of `GET /metrics`.
async fn metric(client: &Client, series: &str) -> f64 {
    let mut stream = TcpStream::connect(client.addr).await.expect("connect");
    let request = format!(
        "GET /metrics HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {ADMIN}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("read");
    response
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("{series} missing in\n{response}"))
}

/// Whether the server closes a fresh TCP connection at once (its connection limit is
/// reached) rather than serving it.
async fn closed_on_accept(server: &TestServer) -> bool {
    let mut stream = TcpStream::connect(server.addr)
        .await
        .expect("the kernel accepts");
    let _ = stream
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .await;
    let mut response = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut response))
        .await
        .expect("the server answers or closes");
    read.is_err() || response.is_empty()
}

#[tokio::test]
async fn an_upgraded_websocket_keeps_its_place_under_max_connections() {
    let (server, _dir) = start(ConfigLayer {
        max_connections: Some(3),
        max_websockets: Some(3),
        ..ConfigLayer::default()
    })
    .await;
    let client = server.client();
    let mut sockets = Vec::new();
    for _ in 0..3 {
        sockets.push(open(&client, None).await);
    }
    // hyper is done with the three upgraded connections, but they are still open: a fourth
    // connection finds no place.
    assert!(
        closed_on_accept(&server).await,
        "a fourth connection served"
    );
    // Closing a WebSocket gives its place back.
    let mut first = sockets.remove(0);
    first.close(None).await.expect("close");
    drop(first);
    let deadline = Instant::now() + PATIENCE;
    while closed_on_accept(&server).await {
        assert!(Instant::now() < deadline, "the place never came back");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (kind, _) = ask(&mut sockets[0], 1).await;
    assert_eq!(kind, "tables", "the other sockets are unaffected");
    server.stop().await;
}

#[tokio::test]
async fn websockets_beyond_max_websockets_get_503_while_http_still_works() {
    let (server, _dir) = start(ConfigLayer {
        max_connections: Some(10),
        max_websockets: Some(2),
        ..ConfigLayer::default()
    })
    .await;
    let client = server.client();
    let first = open(&client, None).await;
    let _second = open(&client, None).await;
    let (status, body, retry_after) = try_open(&client, None)
        .await
        .map(drop)
        .expect_err("a third is refused");
    assert_eq!(
        (status, &body["code"]),
        (503, &json!("server_full")),
        "{body}"
    );
    assert!(
        body["message"].as_str().is_some_and(|m| m.contains('2')),
        "{body}"
    );
    assert_eq!(retry_after.as_deref(), Some("5"));
    // The connections kept for HTTP still serve requests.
    assert_eq!(client.get("/api/v1/health", None).await.status, 200);
    assert_eq!(
        metric(&client, "poker_ws_refused_total{reason=\"server_full\"}").await,
        1.0
    );
    assert_eq!(metric(&client, "poker_ws_connections_max").await, 2.0);
    drop(first);
    let mut again = open_eventually(&client, None).await;
    assert_eq!(ask(&mut again, 1).await.0, "tables");
    server.stop().await;
}

#[tokio::test]
async fn an_account_has_a_cap_on_websockets_and_one_message_rate_for_all_of_them() {
    let (server, _dir) = start(ConfigLayer {
        max_websockets_per_account: Some(2),
        ws_messages_per_sec_per_account: Some(1),
        ws_message_burst_per_account: Some(4),
        ..ConfigLayer::default()
    })
    .await;
    let client = server.client();
    let alice = client.sign_up("alice", PASSWORD).await;
    let bob = client.sign_up("bob", PASSWORD).await;
    let mut first = open(&client, Some(&alice)).await;
    let mut second = open(&client, Some(&alice)).await;
    let (status, body, _) = try_open(&client, Some(&alice))
        .await
        .map(drop)
        .expect_err("a third socket of alice is refused");
    assert_eq!(
        (status, &body["code"]),
        (429, &json!("too_many_websockets")),
        "{body}"
    );
    // Other accounts and observers are not held back by alice's sockets.
    let mut bobs = open(&client, Some(&bob)).await;
    let mut observer = open(&client, None).await;

    // Alice's two sockets share a burst of 4 (each socket alone could send 40 at once).
    let mut answers = Vec::new();
    for id in 1..=3 {
        answers.push(ask(&mut first, id).await);
    }
    answers.push(ask(&mut second, 4).await);
    answers.push(ask(&mut second, 5).await);
    let tables = ("tables".to_owned(), Value::Null);
    let limited = ("rejected".to_owned(), json!("rate_limited"));
    assert_eq!(
        answers,
        [
            tables.clone(),
            tables.clone(),
            tables.clone(),
            tables.clone(),
            limited
        ]
    );
    assert_eq!(ask(&mut bobs, 1).await, tables);
    assert_eq!(ask(&mut observer, 1).await, tables);
    assert_eq!(
        metric(
            &client,
            "poker_rate_limited_messages_total{limit=\"account\"}"
        )
        .await,
        1.0
    );
    assert_eq!(
        metric(
            &client,
            "poker_rejected_messages_total{reason=\"rate_limited\"}"
        )
        .await,
        1.0
    );
    assert_eq!(
        metric(
            &client,
            "poker_ws_refused_total{reason=\"too_many_websockets\"}"
        )
        .await,
        1.0
    );
    // A closed socket gives its place back to the account.
    drop(first);
    let _third = open_eventually(&client, Some(&alice)).await;
    server.stop().await;
}
