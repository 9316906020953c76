//! The few REST calls the harness makes (register, log in, fetch a record), as plain
//! HTTP/1.1 over one short-lived connection each.

use std::net::SocketAddr;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::proc::BoxError;

/// Largest reply read (a hand record is a few KiB).
const REPLY_BYTES_MAX: u64 = 1024 * 1024;

/// A reply's status code and body.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: String,
}

/// Sends one request and reads the whole reply (the server closes after it).
async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> Result<Reply, BoxError> {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(token) = token {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    if let Some(body) = body {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    head.push_str(body.unwrap_or_default());
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(head.as_bytes()).await?;
    let mut reply = Vec::new();
    stream.take(REPLY_BYTES_MAX).read_to_end(&mut reply).await?;
    parse_reply(&String::from_utf8_lossy(&reply))
}

/// Splits an HTTP/1.1 reply into its status code and body.
fn parse_reply(text: &str) -> Result<Reply, BoxError> {
    let (head, body) = text.split_once("\r\n\r\n").ok_or("truncated HTTP reply")?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or("no HTTP status")?;
    Ok(Reply {
        status,
        body: body.to_owned(),
    })
}

/// Registers `username` (a `409 username_taken` counts as done) and logs in; returns the token.
pub(crate) async fn register_and_login(
    addr: SocketAddr,
    username: &str,
    password: &str,
) -> Result<String, BoxError> {
    let credentials = json!({"username": username, "password": password}).to_string();
    let registered = request(addr, "POST", "/api/v1/register", None, Some(&credentials)).await?;
    if registered.status != 201 && registered.status != 409 {
        return Err(format!(
            "register {username}: {} {}",
            registered.status, registered.body
        )
        .into());
    }
    let login = request(addr, "POST", "/api/v1/login", None, Some(&credentials)).await?;
    let reply: Value = serde_json::from_str(&login.body)?;
    reply["token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("login {username}: {} {}", login.status, login.body).into())
}

/// Whether the server has hand `hand` of `table` stored (its record route answers 200).
pub(crate) async fn record_stored(
    addr: SocketAddr,
    token: &str,
    table: &str,
    hand: u64,
) -> Result<bool, BoxError> {
    let path = format!("/api/v1/hands/{table}-{hand}/record");
    let reply = request(addr, "GET", &path, Some(token), None).await?;
    match reply.status {
        200 => Ok(true),
        404 => Ok(false),
        other => Err(format!("GET {path}: {other} {}", reply.body).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_split_into_status_and_body() {
        let reply = parse_reply("HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}").expect("ok");
        assert_eq!((reply.status, reply.body.as_str()), (201, "{}"));
        assert!(parse_reply("HTTP/1.1 200 OK\r\n").is_err());
    }
}
