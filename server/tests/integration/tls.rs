//! Built-in TLS on a certificate made in the test: HTTPS and WSS work, and plain HTTP on the
//! TLS port fails cleanly (no HTTP answer, the connection closed, the server unharmed).

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::Request;
use hyper_util::rt::TokioIo;
use poker_server::config::ConfigLayer;
use rustls::crypto::ring;
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, RootCertStore};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;
use tokio_tungstenite::tungstenite::Message;

use crate::support::{config_in, TestServer};

const PATIENCE: Duration = Duration::from_secs(20);

/// A server with a fresh self-signed certificate for `localhost`, and a connector that
/// trusts exactly that certificate.
async fn tls_server(dir: &std::path::Path) -> (TestServer, TlsConnector) {
    let generated =
        rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("certificate");
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    std::fs::write(&cert, generated.cert.pem()).expect("write cert");
    std::fs::write(&key, generated.signing_key.serialize_pem()).expect("write key");
    let server = TestServer::start_with(config_in(
        &dir.join("data"),
        ConfigLayer {
            tls_cert: Some(cert),
            tls_key: Some(key),
            ..ConfigLayer::default()
        },
    ))
    .await;
    let mut roots = RootCertStore::empty();
    roots.add(generated.cert.der().clone()).expect("trust");
    let config = ClientConfig::builder_with_provider(Arc::new(ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    (server, TlsConnector::from(Arc::new(config)))
}

async fn tls_connect(server: &TestServer, connector: &TlsConnector) -> TlsStream<TcpStream> {
    let tcp = TcpStream::connect(server.addr).await.expect("connect");
    let name = ServerName::try_from("localhost").expect("name");
    connector.connect(name, tcp).await.expect("TLS handshake")
}

/// `GET /api/v1/health` over HTTPS on a fresh connection: it answers 200; returns the body.
async fn https_health(server: &TestServer, connector: &TlsConnector) -> Value {
    let stream = tls_connect(server, connector).await;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("http handshake");
    tokio::spawn(connection);
    let response = sender
        .send_request(
            Request::get("/api/v1/health")
                .header("host", "localhost")
                .body(Empty::<Bytes>::new())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), 200);
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    serde_json::from_slice(&body).expect("json")
}

#[tokio::test]
async fn https_and_wss_work_and_plain_http_is_refused_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (server, connector) = tls_server(dir.path()).await;

    // HTTPS: the health check.
    assert_eq!(https_health(&server, &connector).await["status"], "ok");

    // WSS: the table protocol.
    let stream = tls_connect(&server, &connector).await;
    let url = format!("wss://localhost:{}/api/v1/ws", server.addr.port());
    let (mut socket, _) = tokio_tungstenite::client_async(url, stream)
        .await
        .expect("websocket upgrade over TLS");
    socket
        .send(Message::text(
            json!({"v": 1, "id": 7, "type": "list_tables"}).to_string(),
        ))
        .await
        .expect("send");
    let answer = loop {
        match tokio::time::timeout(PATIENCE, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => break text,
            Ok(Some(Ok(_))) => {}
            other => panic!("no answer over WSS: {other:?}"),
        }
    };
    let answer: Value = serde_json::from_str(&answer).expect("json");
    assert_eq!(
        (answer["type"].clone(), answer["id"].clone()),
        (json!("tables"), json!(7))
    );

    // Plain HTTP on the TLS port: no HTTP answer, and the server closes the connection.
    let mut plain = TcpStream::connect(server.addr).await.expect("connect");
    plain
        .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .expect("write");
    let mut reply = Vec::new();
    let read = tokio::time::timeout(PATIENCE, plain.read_to_end(&mut reply))
        .await
        .expect("the server closes the connection");
    assert!(read.is_ok() || reply.is_empty(), "{read:?}");
    assert!(
        !reply.starts_with(b"HTTP/"),
        "{:?}",
        String::from_utf8_lossy(&reply)
    );

    // The server is unharmed.
    assert_eq!(https_health(&server, &connector).await["status"], "ok");
    server.stop().await;
}

#[tokio::test]
async fn a_certificate_without_its_key_stops_the_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let generated =
        rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("certificate");
    let cert = dir.path().join("cert.pem");
    std::fs::write(&cert, generated.cert.pem()).expect("write cert");
    let layer = ConfigLayer {
        tls_cert: Some(cert.clone()),
        ..ConfigLayer::default()
    };
    assert!(matches!(
        poker_server::config::Config::from_layer(layer),
        Err(poker_server::config::ConfigError::TlsIncomplete)
    ));
    // A key file that is not a key: the server refuses to start, before opening anything.
    let config = config_in(
        &dir.path().join("data"),
        ConfigLayer {
            tls_cert: Some(cert.clone()),
            tls_key: Some(cert),
            ..ConfigLayer::default()
        },
    );
    assert!(matches!(
        poker_server::App::open(config).await,
        Err(poker_server::StartError::Tls(_))
    ));
    assert!(!dir.path().join("data").exists(), "nothing was created");
}
