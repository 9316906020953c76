//! Test helpers: start and stop a real server in a temporary data directory, and a minimal
//! HTTP/1.1 client (hyper, already in the dependency tree through warp).

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use poker_server::config::{Config, ConfigLayer};
use poker_server::ledger::TableId;
use poker_server::limits::RATE_MAX;
use poker_server::store::StoreError;
use poker_server::table::{PresenceRules, TableConfig, TableGame};
use poker_server::App;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// The tests' usual table: 1/2 no-limit hold'em named `name` (table number 1), six seats,
/// buy-in 40..=400, with these clocks `(action, seed commit, seed reveal)`, no pause between
/// hands, and `presence` without its time bank, so a silent player's turn ends with the
/// action clock.
pub(crate) fn holdem_table(
    name: &str,
    (action, commit, reveal): (Duration, Duration, Duration),
    presence: PresenceRules,
) -> TableConfig {
    TableConfig::new(
        TableId::parse(name).expect("name"),
        1,
        TableGame::NoLimitHoldem,
        (1, 2),
        6,
        (40, 400),
    )
    .expect("table")
    .with_clocks(action, commit, reveal, Duration::ZERO)
    .expect("clocks")
    .with_presence(
        presence
            .with_time_bank(Duration::ZERO, Duration::ZERO)
            .expect("no bank"),
    )
}

/// A server running in this process.
pub(crate) struct TestServer {
    pub(crate) addr: SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), StoreError>>,
}

/// Settings for a test server in `dir`, listening on an ephemeral port. Every test client
/// comes from 127.0.0.1 and many send as fast as they can, so the rate limits are lifted
/// unless `layer` sets them (the limit tests do).
pub(crate) fn config_in(dir: &Path, layer: ConfigLayer) -> Config {
    let unlimited = ConfigLayer {
        ws_messages_per_sec: Some(RATE_MAX),
        ws_message_burst: Some(RATE_MAX),
        ws_messages_per_sec_per_address: Some(RATE_MAX),
        ws_message_burst_per_address: Some(RATE_MAX),
        http_requests_per_sec_per_address: Some(RATE_MAX),
        http_request_burst_per_address: Some(RATE_MAX),
        http_requests_per_sec_per_account: Some(RATE_MAX),
        http_request_burst_per_account: Some(RATE_MAX),
        ws_messages_per_sec_per_account: Some(RATE_MAX),
        ws_message_burst_per_account: Some(RATE_MAX),
        ..ConfigLayer::default()
    };
    Config::from_layer(
        ConfigLayer {
            addr: Some("127.0.0.1:0".parse().expect("address")),
            data_dir: Some(dir.to_owned()),
            ..ConfigLayer::default()
        }
        .or(layer)
        .or(unlimited),
    )
    .expect("valid test config")
}

impl TestServer {
    /// Starts a server with default settings in `dir`.
    pub(crate) async fn start(dir: &Path) -> TestServer {
        TestServer::start_with(config_in(dir, ConfigLayer::default())).await
    }

    /// Starts a server with `config`.
    pub(crate) async fn start_with(config: Config) -> TestServer {
        let app = App::open(config).await.expect("server starts");
        let listener = app.bind().await.expect("bind");
        let addr = listener.local_addr().expect("local address");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(poker_server::run(listener, app, async move {
            let _ = stopped.await;
        }));
        TestServer { addr, stop, task }
    }

    /// Stops the server the way a signal would and waits until its store is closed.
    pub(crate) async fn stop(self) {
        let _ = self.stop.send(());
        self.task
            .await
            .expect("server task")
            .expect("clean shutdown");
    }

    /// Checks a limit of two connections (in all, or from one address: the tests connect
    /// from one): two idle connections take both slots, a third is closed at once with no
    /// answer, and once one of the two closes, the server answers again within `patience`.
    pub(crate) async fn check_a_limit_of_two_connections(&self, patience: Duration) {
        let first = TcpStream::connect(self.addr).await.expect("connect");
        let _second = TcpStream::connect(self.addr).await.expect("connect");
        let mut third = TcpStream::connect(self.addr)
            .await
            .expect("the kernel accepts");
        let mut buf = [0u8; 16];
        let read = tokio::time::timeout(Duration::from_secs(2), third.read(&mut buf))
            .await
            .expect("the server closes it at once");
        assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
        drop(first);
        self.client().until_a_slot_frees(patience).await;
    }

    pub(crate) fn client(&self) -> Client {
        Client { addr: self.addr }
    }
}

/// An HTTP response with its JSON body (`Value::Null` when empty).
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Value,
}

impl Reply {
    /// The error code of an error body.
    pub(crate) fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("<no code>")
    }
}

/// Talks to one server, one connection per request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Client {
    pub(crate) addr: SocketAddr,
}

impl Client {
    /// Sends a request; `body` goes out as-is with `content_type`.
    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
    ) -> Reply {
        let stream = TcpStream::connect(self.addr).await.expect("connect");
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .expect("handshake");
        tokio::spawn(connection);
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, self.addr.to_string());
        if let Some(token) = token {
            request = request.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        let bytes = match body {
            Some((content_type, bytes)) => {
                request = request.header(CONTENT_TYPE, content_type);
                bytes
            }
            None => Vec::new(),
        };
        let response = sender
            .send_request(
                request
                    .body(Full::new(Bytes::from(bytes)))
                    .expect("request"),
            )
            .await
            .expect("response");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("every response body is JSON")
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub(crate) async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(Method::GET, path, token, None).await
    }

    pub(crate) async fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> Reply {
        let bytes = serde_json::to_vec(body).expect("json");
        self.send(Method::POST, path, token, Some(("application/json", bytes)))
            .await
    }

    pub(crate) async fn register(&self, username: &str, password: &str) -> Reply {
        self.post_json(
            "/api/v1/register",
            None,
            &json!({"username": username, "password": password}),
        )
        .await
    }

    pub(crate) async fn login(&self, username: &str, password: &str) -> Reply {
        self.post_json(
            "/api/v1/login",
            None,
            &json!({"username": username, "password": password}),
        )
        .await
    }

    /// Registers and logs in; returns the token.
    pub(crate) async fn sign_up(&self, username: &str, password: &str) -> String {
        let registered = self.register(username, password).await;
        assert_eq!(registered.status, 201, "{registered:?}");
        let login = self.login(username, password).await;
        assert_eq!(login.status, 200, "{login:?}");
        login.body["token"].as_str().expect("token").to_owned()
    }

    /// The WebSocket upgrade request for `/api/v1/ws`, carrying `token` as a bearer token
    /// when there is one (an observer's request otherwise).
    pub(crate) fn ws_request(
        &self,
        token: Option<&str>,
    ) -> tokio_tungstenite::tungstenite::handshake::client::Request {
        let mut request = format!("ws://{}/api/v1/ws", self.addr)
            .into_client_request()
            .expect("request");
        if let Some(token) = token {
            request.headers_mut().insert(
                "authorization",
                format!("Bearer {token}").parse().expect("header"),
            );
        }
        request
    }

    /// Asks for the health check on fresh connections until one answers 200, for at most
    /// `patience`: a connection slot freed by a close is usable again once the server
    /// notices the close. A refused attempt panics inside its task (no status line), which
    /// counts as "not yet".
    pub(crate) async fn until_a_slot_frees(&self, patience: Duration) {
        let client = *self;
        let deadline = std::time::Instant::now() + patience;
        loop {
            let attempt = tokio::spawn(async move {
                client
                    .raw_status(
                        "GET /api/v1/health HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n",
                    )
                    .await
            })
            .await;
            if let Ok(200) = attempt {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "slot never freed");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Writes `request` verbatim and returns the response's status code, for requests the
    /// HTTP client will not produce.
    pub(crate) async fn raw_status(&self, request: &str) -> u16 {
        let mut stream = TcpStream::connect(self.addr).await.expect("connect");
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await.expect("read");
        let text = String::from_utf8_lossy(&response);
        text.split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {text:?}"))
    }
}
