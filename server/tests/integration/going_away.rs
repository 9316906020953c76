//! Shutting down with WebSockets open: once the tables have drained, every socket gets what
//! was queued for it (the last events of the hand that finished during the drain), then a
//! close frame with code 1001, and `run` returns without waiting out its grace.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use poker_server::config::ConfigLayer;
use poker_server::limits::SHUTDOWN_GRACE;
use poker_server::table::PresenceRules;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::support::{config_in, holdem_table, Client, TestServer};

const PASSWORD: &str = "correct horse battery";
const TABLE: &str = "t-nlhe";
const BUY_IN: u64 = 200;
/// Longest wait for any one message.
const RECEIVE_TIMEOUT: Duration = Duration::from_secs(30);
/// How soon after the stop signal `run` must have returned: far below [`SHUTDOWN_GRACE`],
/// so a shutdown that waited the grace out fails.
const PROMPT: Duration = Duration::from_secs(5);
const _: () = assert!(PROMPT.as_secs() * 2 <= SHUTDOWN_GRACE.as_secs());

/// A server whose one table plays its hands on its own: nobody commits, so seeds are
/// server-generated after a short commit window, and every turn ends with a short clock.
async fn start(dir: &std::path::Path) -> TestServer {
    let table = holdem_table(
        TABLE,
        (
            Duration::from_millis(150),
            Duration::from_millis(100),
            Duration::from_secs(5),
        ),
        PresenceRules::default(),
    );
    let config = config_in(dir, ConfigLayer::default())
        .with_tables(vec![table])
        .expect("tables");
    TestServer::start_with(config).await
}

/// A client socket that keeps the close frame (the shared test connection hides it).
struct Socket {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_id: u64,
}

/// What a socket saw until the server closed it.
struct Ending {
    /// Every message before the close frame, in order.
    before: Vec<Value>,
    /// The close frame (`None` if the connection ended without one).
    close: Option<CloseFrame>,
}

impl Socket {
    async fn open(client: &Client, token: Option<&str>) -> Socket {
        let (socket, _) = tokio_tungstenite::connect_async(client.ws_request(token))
            .await
            .expect("upgrade");
        Socket { socket, next_id: 1 }
    }

    /// Sends a request to the test table and reads until its answer, which must be an ack.
    async fn ack(&mut self, body: Value) {
        let id = self.next_id;
        self.next_id += 1;
        let mut body = body;
        body["v"] = json!(1);
        body["id"] = json!(id);
        body["table"] = json!(TABLE);
        self.socket
            .send(Message::text(body.to_string()))
            .await
            .expect("send");
        loop {
            let message = self.next().await.expect("an answer");
            if message["id"] == json!(id) {
                assert_eq!(message["type"], "ack", "{message}");
                return;
            }
        }
    }

    /// The next text message as JSON; `Err` with the close frame when the server closes.
    async fn next(&mut self) -> Result<Value, Option<CloseFrame>> {
        // One deadline for the whole wait: the server's pings must not extend it.
        let deadline = tokio::time::Instant::now() + RECEIVE_TIMEOUT;
        loop {
            let read = tokio::time::timeout_at(deadline, self.socket.next())
                .await
                .expect("a message or a close in time");
            match read {
                Some(Ok(Message::Text(text))) => {
                    return Ok(serde_json::from_str(&text).expect("JSON"))
                }
                Some(Ok(Message::Close(frame))) => return Err(frame),
                Some(Ok(_)) => {}
                None | Some(Err(_)) => return Err(None),
            }
        }
    }

    /// Reads until `wanted` is seen.
    async fn until(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self.next().await.expect("socket open");
            if wanted(&message) {
                return message;
            }
        }
    }

    /// Reads everything up to the server's close.
    async fn until_closed(&mut self) -> Ending {
        let mut before = Vec::new();
        let read = async {
            loop {
                match self.next().await {
                    Ok(message) => before.push(message),
                    Err(close) => return close,
                }
            }
        };
        let close = tokio::time::timeout(RECEIVE_TIMEOUT, read)
            .await
            .expect("the server closes the socket in time");
        Ending { before, close }
    }
}

fn event_kind(message: &Value) -> Option<&str> {
    (message["type"] == "event")
        .then(|| message["event"]["kind"].as_str())
        .flatten()
}

/// Asserts the server said goodbye with 1001 and its reason.
fn assert_going_away(ending: &Ending) {
    let close = ending
        .close
        .as_ref()
        .expect("a close frame, not a dropped connection");
    assert_eq!(close.code, CloseCode::Away, "{close:?}");
    assert_eq!(close.reason.as_str(), "server shutting down");
}

/// Sends the stop signal in a task of its own (a stopping server keeps serving sockets) and
/// returns a future that checks `run` ended cleanly within [`PROMPT`] of the signal.
fn stop(server: TestServer) -> impl std::future::Future<Output = ()> {
    let stopping = tokio::spawn(server.stop());
    async move {
        tokio::time::timeout(PROMPT, stopping)
            .await
            .expect("run returns well within SHUTDOWN_GRACE")
            .expect("server stopped cleanly");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watching_client_gets_close_1001_and_the_server_stops_promptly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start(dir.path()).await;
    let client = server.client();
    let mut watcher = Socket::open(&client, None).await;
    watcher.ack(json!({"type": "watch"})).await;

    let stopped = stop(server);
    let ending = watcher.until_closed().await;
    assert_going_away(&ending);
    stopped.await;
    // The close frame was the last thing on the connection.
    let after = tokio::time::timeout(RECEIVE_TIMEOUT, watcher.socket.next())
        .await
        .expect("the connection ends");
    assert!(
        matches!(after, None | Some(Err(_))),
        "nothing after the close frame: {after:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hand_that_finishes_during_the_drain_reaches_its_players_before_the_close() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start(dir.path()).await;
    let client = server.client();
    let mut players = Vec::new();
    for (seat, name) in ["alice", "bob"].into_iter().enumerate() {
        let token = client.sign_up(name, PASSWORD).await;
        let mut socket = Socket::open(&client, Some(&token)).await;
        socket
            .ack(json!({"type": "sit", "seat": seat, "buy_in": BUY_IN}))
            .await;
        players.push(socket);
    }
    // A hand is in play: the drain lets it finish (the clock plays for both players).
    let announced = players[0]
        .until(|m| event_kind(m) == Some("hand_announced"))
        .await;
    let first_hand = announced["event"]["hand"].as_u64().expect("hand");

    let stopped = stop(server);
    for player in &mut players {
        let ending = player.until_closed().await;
        assert_going_away(&ending);
        // Whatever hand was last announced (the announced one, or a later one if it ended
        // before the signal), its end came before the close: no hand starts in the drain
        // and the one in play finishes, and the events it queued were written out first.
        let hand_of = |kind: &str| {
            ending
                .before
                .iter()
                .filter(|m| event_kind(m) == Some(kind))
                .filter_map(|m| m["event"]["hand"].as_u64())
                .max()
        };
        let last_announced = hand_of("hand_announced").unwrap_or(first_hand);
        assert_eq!(
            hand_of("hand_ended"),
            Some(last_announced),
            "the last hand's end arrives before the close"
        );
    }
    stopped.await;
}

/// A client that never reads: its close frame goes into the connection's buffers and the
/// server does not wait for an answer, so it holds nothing up. (One whose buffers are full
/// is given up after the write timeout: `ws::shutdown`'s unit tests; filling a loopback
/// connection's buffers here would take megabytes and depend on the kernel's tuning.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_does_not_hold_the_shutdown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start(dir.path()).await;
    let client = server.client();
    let mut silent = Socket::open(&client, None).await;
    // Asks to watch and reads nothing, not even the answer.
    silent
        .socket
        .send(Message::text(
            json!({"v": 1, "id": 1, "type": "watch", "table": TABLE}).to_string(),
        ))
        .await
        .expect("send");
    let mut watcher = Socket::open(&client, None).await;
    watcher.ack(json!({"type": "watch"})).await;

    let stopped = stop(server);
    assert_going_away(&watcher.until_closed().await);
    stopped.await;
    // What the server wrote before closing is all there, the close frame last.
    let ending = silent.until_closed().await;
    assert!(
        ending
            .before
            .iter()
            .any(|m| m["type"] == "ack" && m["id"] == 1),
        "the watch was answered: {:?}",
        ending.before
    );
    assert_going_away(&ending);
}
