//! `poker-verify fetch` against a real HTTP server started in the test (a plain
//! `TcpListener` serving fixed replies from the fairness test vectors). The end to
//! end test against `poker-server` waits for the server to serve hand records.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::thread;

use support::*;

/// Serves `routes` (path, status, body) on a free local port; returns the base URL.
fn serve(routes: Vec<(String, u16, String)>) -> String {
    serve_requiring(routes, None)
}

/// Like `serve`, but hand records need `Authorization: Bearer <token>` (401 otherwise),
/// as poker-server's access rule does.
fn serve_requiring(routes: Vec<(String, u16, String)>, token: Option<&str>) -> String {
    let expected = token.map(|t| format!("authorization: bearer {}", t.to_lowercase()));
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request_line = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            let mut authorized = expected.is_none();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                    break;
                }
                if Some(header.trim().to_lowercase()) == expected {
                    authorized = true;
                }
            }
            let path = request_line
                .split_whitespace()
                .nth(1)
                .unwrap_or("")
                .to_owned();
            let (status, body) = if path.starts_with("/api/v1/hands/") && !authorized {
                (
                    401,
                    r#"{"code":"missing_token","message":"a bearer token is required"}"#.to_owned(),
                )
            } else {
                routes
                    .iter()
                    .find(|(p, _, _)| *p == path)
                    .map_or((404, "not found".to_owned()), |(_, s, b)| (*s, b.clone()))
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    base
}

fn server_key_reply(public_hex: &str, key_id: &str) -> String {
    serde_json::json!({ "algorithm": "ed25519", "public_key": public_hex, "key_id": key_id })
        .to_string()
}

fn vector_routes(record_index: usize) -> Vec<(String, u16, String)> {
    let doc = record_vectors();
    vec![
        (
            "/api/v1/server-key".into(),
            200,
            server_key_reply(
                doc["server_public_key"].as_str().unwrap(),
                doc["server_key_id"].as_str().unwrap(),
            ),
        ),
        (
            "/api/v1/hands/7/record".into(),
            200,
            doc["records"][record_index]["json"].to_string(),
        ),
    ]
}

#[test]
fn a_fetched_valid_record_verifies_with_and_without_a_pinned_key() {
    let base = serve(vector_routes(0));
    let out = run(&["fetch", "--server", &base, "--hand", "7"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("no --key given"));
    assert!(out.stdout.contains("VALID"));
    let out = run(&[
        "fetch",
        "--server",
        &base,
        "--hand",
        "7",
        "--key",
        &vector_key(),
        "--json",
    ]);
    assert_eq!(out.code, 0);
    assert_eq!(out.json()["verdict"], "valid");
}

#[test]
fn a_pinned_key_mismatch_and_a_tampered_record_exit_1() {
    let base = serve(vector_routes(0));
    let other = test_key_other();
    let out = run(&[
        "fetch", "--server", &base, "--hand", "7", "--key", &other, "--json",
    ]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(out.json()["failed_check"], "pinned-key");

    let base = serve(vector_routes(9)); // re-signed with a changed final stack
    let out = run(&["fetch", "--server", &base, "--hand", "7", "--json"]);
    assert_eq!(out.code, 1);
    assert_eq!(out.json()["failed_check"], "payout");
}

fn test_key_other() -> String {
    fairness::ServerKey::from_secret_bytes([7; 32])
        .public()
        .to_hex()
}

#[test]
fn bad_replies_and_arguments_exit_2() {
    let doc = record_vectors();
    let public = doc["server_public_key"].as_str().unwrap();
    // Missing record (404), a key reply whose id does not match its key, a reply
    // over the size limit, a key reply that is not JSON.
    let mut routes = vector_routes(0);
    routes.retain(|(p, _, _)| p != "/api/v1/hands/7/record");
    run(&["fetch", "--server", &serve(routes), "--hand", "7"]).assert_unusable();
    let mut routes = vector_routes(0);
    routes[0].2 = server_key_reply(public, "0000000000000000");
    run(&["fetch", "--server", &serve(routes), "--hand", "7"]).assert_unusable();
    let mut routes = vector_routes(0);
    routes[1].2 = " ".repeat(2 * 1024 * 1024);
    run(&["fetch", "--server", &serve(routes), "--hand", "7"]).assert_unusable();
    let mut routes = vector_routes(0);
    routes[0].2 = "<html>".into();
    run(&["fetch", "--server", &serve(routes), "--hand", "7"]).assert_unusable();
    // Nothing listening; a path-injecting hand id; TLS to a plain server; not a URL.
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    run(&["fetch", "--server", &closed, "--hand", "7"]).assert_unusable();
    let base = serve(vector_routes(0));
    run(&["fetch", "--server", &base, "--hand", "../../x"]).assert_unusable();
    // https:// is spoken with TLS: a plain-HTTP server on the other end fails the handshake.
    let plain = serve(vector_routes(0)).replacen("http://", "https://", 1);
    let tls_failure = run(&["fetch", "--server", &plain, "--hand", "7"]);
    tls_failure.assert_unusable();
    assert!(
        tls_failure.stderr.contains("GET https://"),
        "the TLS connection was attempted: {}",
        tls_failure.stderr
    );
    run(&["fetch", "--server", "localhost:8080", "--hand", "7"]).assert_unusable();
}

#[test]
fn the_token_is_sent_when_records_need_one() {
    let token = "4f1c0ffee";
    let base = serve_requiring(vector_routes(0), Some(token));
    let without = run(&["fetch", "--server", &base, "--hand", "7"]);
    without.assert_unusable();
    assert!(without.stderr.contains("401"), "{}", without.stderr);
    let with = run(&["fetch", "--server", &base, "--hand", "7", "--token", token]);
    assert_eq!(
        with.code, 0,
        "stdout: {}\nstderr: {}",
        with.stdout, with.stderr
    );
    run(&[
        "fetch",
        "--server",
        &base,
        "--hand",
        "7",
        "--token",
        "bad token",
    ])
    .assert_unusable();
}
