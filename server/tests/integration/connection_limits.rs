//! The connection layer's limits on a real server: WebSocket and HTTP rate limits, the
//! per-address connection limit, a client that stops reading, and a client that stops
//! answering pings.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use poker_server::config::ConfigLayer;
use poker_server::ledger::TableId;
use poker_server::limits::{OUTGOING_QUEUE_MAX, RATE_LIMIT_STRIKES_MAX, RATE_MAX};
use poker_server::table::{TableConfig, TableGame};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::support::{config_in, TestServer};

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Any single wait for the server in these tests.
const PATIENCE: Duration = Duration::from_secs(20);

async fn start(layer: ConfigLayer) -> (TestServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start_with(config_in(dir.path(), layer)).await;
    (server, dir)
}

/// Splits unmasked frames from a server into (opcode, payload); payloads here are short.
fn server_frames(mut bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut frames = Vec::new();
    while bytes.len() >= 2 {
        let length = usize::from(bytes[1] & 0x7f);
        assert!(length < 126, "short frames only");
        frames.push((bytes[0] & 0x0f, bytes[2..2 + length].to_vec()));
        bytes = &bytes[2 + length..];
    }
    assert!(bytes.is_empty(), "a partial frame");
    frames
}

async fn connect(server: &TestServer) -> Socket {
    let (socket, _) = tokio_tungstenite::connect_async(format!("ws://{}/api/v1/ws", server.addr))
        .await
        .expect("websocket upgrade");
    socket
}

fn list_tables(id: u64) -> Message {
    Message::text(json!({"v": 1, "id": id, "type": "list_tables"}).to_string())
}

/// The next text message as JSON, or the close frame's code; pings are skipped.
async fn next(socket: &mut Socket) -> Result<Value, Option<CloseCode>> {
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("the server answers in time");
        match message {
            Some(Ok(Message::Text(text))) => {
                return Ok(serde_json::from_str(&text).expect("server sends JSON"))
            }
            Some(Ok(Message::Close(frame))) => return Err(frame.map(|f| f.code)),
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return Err(None),
        }
    }
}

#[tokio::test]
async fn websocket_messages_over_the_rate_are_refused_then_the_connection_is_closed() {
    let (server, _dir) = start(ConfigLayer {
        ws_messages_per_sec: Some(1),
        ws_message_burst: Some(3),
        ..ConfigLayer::default()
    })
    .await;
    let mut socket = connect(&server).await;
    for id in 1..=5 {
        socket.send(list_tables(id)).await.expect("send");
    }
    let mut answers = Vec::new();
    for _ in 1..=5 {
        let answer = next(&mut socket).await.expect("an answer");
        answers.push((
            answer["id"].clone(),
            answer["type"].clone(),
            answer["code"].clone(),
        ));
    }
    assert_eq!(
        answers,
        [
            (json!(1), json!("tables"), Value::Null),
            (json!(2), json!("tables"), Value::Null),
            (json!(3), json!("tables"), Value::Null),
            (json!(4), json!("rejected"), json!("rate_limited")),
            (json!(5), json!("rejected"), json!("rate_limited")),
        ]
    );
    // Keep going: after its allowance of refusals the connection is closed with 1008.
    let extra = RATE_LIMIT_STRIKES_MAX + 10;
    for id in 6..6 + u64::from(extra) {
        if socket.send(list_tables(id)).await.is_err() {
            break;
        }
    }
    let mut refused = 2u32;
    let close = loop {
        match next(&mut socket).await {
            Ok(answer) if answer["code"] == "rate_limited" => refused += 1,
            Ok(answer) => assert_eq!(answer["type"], "tables", "{answer}"),
            Err(close) => break close,
        }
    };
    assert_eq!(close, Some(CloseCode::Policy));
    // Exactly the allowance of refusals (more only if the slow test machine let a token
    // refill meanwhile); the message beyond it is not answered.
    assert!(
        (RATE_LIMIT_STRIKES_MAX..RATE_LIMIT_STRIKES_MAX + 5).contains(&refused),
        "{refused} refusals before the close"
    );
    server.stop().await;
}

#[tokio::test]
async fn connections_from_one_address_share_its_message_rate() {
    let (server, _dir) = start(ConfigLayer {
        ws_messages_per_sec_per_address: Some(1),
        ws_message_burst_per_address: Some(4),
        ..ConfigLayer::default()
    })
    .await;
    let mut first = connect(&server).await;
    let mut second = connect(&server).await;
    for id in 1..=3 {
        first.send(list_tables(id)).await.expect("send");
        assert_eq!(next(&mut first).await.expect("answer")["type"], "tables");
    }
    second.send(list_tables(1)).await.expect("send");
    assert_eq!(next(&mut second).await.expect("answer")["type"], "tables");
    second.send(list_tables(2)).await.expect("send");
    let refused = next(&mut second).await.expect("answer");
    assert_eq!(
        (refused["id"].clone(), refused["code"].clone()),
        (json!(2), json!("rate_limited")),
        "the address's burst of 4 is used up"
    );
    server.stop().await;
}

#[tokio::test]
async fn http_requests_over_the_rate_get_429_and_the_connection_closes() {
    let (server, _dir) = start(ConfigLayer {
        http_requests_per_sec_per_address: Some(1),
        http_request_burst_per_address: Some(3),
        ..ConfigLayer::default()
    })
    .await;
    let client = server.client();
    for _ in 0..3 {
        assert_eq!(client.get("/api/v1/health", None).await.status, 200);
    }
    let limited = client.get("/api/v1/health", None).await;
    assert_eq!((limited.status, limited.code()), (429, "rate_limited"));
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    assert_eq!(limited.headers["connection"], "close");
    // A token comes back after a second.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(client.get("/api/v1/health", None).await.status, 200);
    server.stop().await;
}

#[tokio::test]
async fn connections_beyond_the_per_address_limit_are_closed_on_accept() {
    let (server, _dir) = start(ConfigLayer {
        max_connections_per_address: Some(2),
        ..ConfigLayer::default()
    })
    .await;
    server.check_a_limit_of_two_connections(PATIENCE).await;
    server.stop().await;
}

/// Tables open on the slow-consumer test's server: enough that one `tables` reply is over
/// 10 KB, so fewer requests than the outgoing queue holds overfill the socket buffers.
const MANY_TABLES: u64 = 100;
/// Requests the slow consumer sends: below `OUTGOING_QUEUE_MAX`, so only the write timeout
/// can end its connection.
const SLOW_CONSUMER_REQUESTS: u64 = 1000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_disconnected_not_buffered_for() {
    assert!(SLOW_CONSUMER_REQUESTS < OUTGOING_QUEUE_MAX as u64);
    let write_timeout = Duration::from_millis(500);
    let dir = tempfile::tempdir().expect("temp dir");
    let tables = (1..=MANY_TABLES)
        .map(|number| {
            TableConfig::new(
                TableId::parse(&format!("table-with-a-rather-long-name-{number}")).expect("name"),
                number,
                TableGame::NoLimitHoldem,
                (1, 2),
                6,
                (40, 400),
            )
            .expect("table")
        })
        .collect();
    let config = config_in(
        dir.path(),
        ConfigLayer {
            ws_messages_per_sec: Some(RATE_MAX),
            ws_message_burst: Some(RATE_MAX),
            ws_messages_per_sec_per_address: Some(RATE_MAX),
            ws_message_burst_per_address: Some(RATE_MAX),
            ws_write_timeout_ms: Some(write_timeout.as_millis() as u64),
            // Long enough that the dead-peer timeout plays no part here.
            ws_ping_interval_ms: Some(60_000),
            ws_dead_peer_timeout_ms: Some(120_000),
            ..ConfigLayer::default()
        },
    )
    .with_tables(tables)
    .expect("unique tables");
    let server = TestServer::start_with(config).await;
    // A small receive buffer, so the replies back up quickly.
    let tcp = TcpSocket::new_v4().expect("socket");
    tcp.set_recv_buffer_size(4096).expect("buffer size");
    let stream = tcp.connect(server.addr).await.expect("connect");
    let (socket, _) = tokio_tungstenite::client_async(
        format!("ws://{}/api/v1/ws", server.addr),
        MaybeTlsStream::Plain(stream),
    )
    .await
    .expect("websocket upgrade");
    let (mut sink, mut stream) = socket.split();
    // Ask for far more reply bytes (over 10 MB) than the socket buffers hold, and read none.
    let mut sent = 0u64;
    while sent < SLOW_CONSUMER_REQUESTS {
        match tokio::time::timeout(Duration::from_secs(2), sink.send(list_tables(sent))).await {
            Ok(Ok(())) => sent += 1,
            Ok(Err(_)) | Err(_) => break,
        }
    }
    assert_eq!(sent, SLOW_CONSUMER_REQUESTS);
    // Give the server several write timeouts to give up on us.
    tokio::time::sleep(write_timeout * 6).await;
    // Now read: what was buffered arrives, then the connection ends. Had the server kept
    // the connection, reading would let it write again and the stream would never end.
    let ended = tokio::time::timeout(PATIENCE, async {
        let mut received = 0u64;
        while let Some(Ok(message)) = stream.next().await {
            if message.is_text() {
                received += 1;
            }
        }
        received
    })
    .await;
    let received = ended.expect("the server closed the connection");
    assert!(received < sent, "{received} of {sent} replies arrived");
    // The server itself is fine.
    let mut fresh = connect(&server).await;
    fresh.send(list_tables(1)).await.expect("send");
    assert_eq!(next(&mut fresh).await.expect("answer")["type"], "tables");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_answers_no_pings_is_closed_and_a_live_one_is_kept() {
    let (server, _dir) = start(ConfigLayer {
        ws_ping_interval_ms: Some(200),
        ws_dead_peer_timeout_ms: Some(700),
        ..ConfigLayer::default()
    })
    .await;
    // The silent client does the handshake by hand and then reads nothing, so it answers no
    // pings; the raw bytes show what the server sent it.
    let mut silent = TcpStream::connect(server.addr).await.expect("connect");
    silent
        .write_all(
            b"GET /api/v1/ws HTTP/1.1\r\nHost: test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
              Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
        )
        .await
        .expect("handshake");
    let mut live = connect(&server).await;
    // The live client keeps reading (tungstenite answers pings while it reads); the silent
    // one reads nothing, so its pongs never go out.
    let live_task = tokio::spawn(async move {
        let mut pings = 0;
        let quiet = tokio::time::sleep(Duration::from_millis(2000));
        tokio::pin!(quiet);
        loop {
            tokio::select! {
                message = live.next() => match message {
                    Some(Ok(Message::Ping(_))) => pings += 1,
                    other => panic!("live client got {other:?}"),
                },
                () = &mut quiet => break,
            }
        }
        (live, pings)
    });
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let (mut live, pings) = live_task.await.expect("live client");
    assert!(pings >= 3, "{pings} pings in 2 s at a 200 ms interval");
    live.send(list_tables(1))
        .await
        .expect("live client can send");
    assert_eq!(next(&mut live).await.expect("answer")["type"], "tables");
    // The silent client finds the upgrade, pings, and the server's close (1001, going away),
    // after which the server ended the connection.
    let mut bytes = Vec::new();
    tokio::time::timeout(PATIENCE, silent.read_to_end(&mut bytes))
        .await
        .expect("the server ended the connection")
        .expect("read");
    let head_end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response head")
        + 4;
    assert!(bytes.starts_with(b"HTTP/1.1 101"), "{bytes:?}");
    let frames = server_frames(&bytes[head_end..]);
    let (last, pings) = frames.split_last().expect("frames");
    assert!(
        !pings.is_empty() && pings.iter().all(|(opcode, _)| *opcode == 0x9),
        "{frames:?}"
    );
    assert_eq!(last.0, 0x8, "a close frame last");
    assert_eq!(last.1[..2], 1001u16.to_be_bytes(), "code 1001");
    server.stop().await;
}

#[tokio::test]
async fn a_request_without_the_websocket_handshake_gets_bad_header() {
    let (server, _dir) = start(ConfigLayer::default()).await;
    let reply = server.client().get("/api/v1/ws", None).await;
    assert_eq!((reply.status, reply.code()), (400, "bad_header"));
    assert!(
        reply.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("upgrade")),
        "{reply:?}"
    );
    server.stop().await;
}

#[tokio::test]
async fn authenticated_requests_are_limited_per_account() {
    let (server, _dir) = start(ConfigLayer {
        http_requests_per_sec_per_account: Some(1),
        http_request_burst_per_account: Some(2),
        ..ConfigLayer::default()
    })
    .await;
    let client = server.client();
    let alice = client.sign_up("alice", "correct horse battery").await;
    let bob = client.sign_up("bob", "correct horse battery").await;
    for _ in 0..2 {
        assert_eq!(client.get("/api/v1/me", Some(&alice)).await.status, 200);
    }
    let limited = client.get("/api/v1/me", Some(&alice)).await;
    assert_eq!((limited.status, limited.code()), (429, "rate_limited"));
    // Another account from the same address has its own allowance.
    assert_eq!(client.get("/api/v1/me", Some(&bob)).await.status, 200);
    server.stop().await;
}

#[tokio::test]
async fn a_message_near_the_size_limit_is_read_whole_across_the_small_read_buffer() {
    use poker_server::limits::{WS_MESSAGE_BYTES_MAX, WS_READ_BUFFER_BYTES};
    let (server, _dir) = start(ConfigLayer::default()).await;
    let mut socket = connect(&server).await;
    // A table list after a long name: valid, and nearly the largest message allowed, so the
    // server reads it in several pieces of its read buffer.
    let after = "z".repeat(WS_MESSAGE_BYTES_MAX - 100);
    let message = json!({"v": 1, "id": 7, "type": "list_tables", "after": after}).to_string();
    assert!(message.len() > 3 * WS_READ_BUFFER_BYTES && message.len() <= WS_MESSAGE_BYTES_MAX);
    socket.send(Message::text(message)).await.expect("send");
    let answer = next(&mut socket).await.expect("an answer");
    assert_eq!(
        (&answer["type"], &answer["id"]),
        (&json!("tables"), &json!(7))
    );
    assert_eq!(answer["tables"], json!([]), "no table sorts after it");
    server.stop().await;
}

#[tokio::test]
async fn a_message_over_the_size_limit_closes_with_1009() {
    let (server, _dir) = start(ConfigLayer::default()).await;
    let mut socket = connect(&server).await;
    let padding = "x".repeat(poker_server::limits::WS_MESSAGE_BYTES_MAX);
    let message = json!({"v": 1, "id": 1, "type": "list_tables", "padding": padding});
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("send");
    assert_eq!(next(&mut socket).await, Err(Some(CloseCode::Size)));
    server.stop().await;
}
