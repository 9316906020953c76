//! `poker-verify fetch`: download a hand record and the server key over HTTP, then
//! verify the record exactly as `poker-verify hand` does.
//!
//! The REST contract (docs/protocol.md): `GET {server}/api/v1/server-key` returns
//! `{"algorithm": "ed25519", "public_key": HEX, "key_id": HEX}`, and
//! `GET {server}/api/v1/hands/{id}/record` returns the record's JSON form, to the bearer
//! of a token of one of the table's players (`--token` or `POKER_TOKEN`).

use fairness::{KeyRing, Predecessor, PublicKey};
use serde_json::json;

use crate::cli::FetchArgs;
use crate::hand;
use crate::input::{parse_key, parse_record, read_key_file, MAX_RECORD_FILE_BYTES};
use crate::outcome::{InputError, Verdict};

/// Largest response body accepted: a record's JSON form is at most this big.
pub(crate) const MAX_DOWNLOAD_BYTES: usize = MAX_RECORD_FILE_BYTES;
/// Whole-request timeout (connect, send, receive), in seconds.
pub(crate) const REQUEST_TIMEOUT_SECS: u64 = 20;
/// Redirects followed at most.
pub(crate) const MAX_REDIRECTS: usize = 3;
/// Longest bearer token accepted (poker-server's are 64 hex digits).
pub(crate) const MAX_TOKEN_LEN: usize = 256;
/// Longest hand id accepted.
pub(crate) const MAX_HAND_ID_LEN: usize = 64;

pub(crate) fn run(args: &FetchArgs) -> Result<Verdict, InputError> {
    let base = base_url(&args.server)?;
    let id = hand_id(&args.hand)?;
    let pinned = match (&args.key, &args.key_file) {
        (Some(hex_key), _) => Some(parse_key(hex_key)?),
        (None, Some(path)) => Some(read_key_file(path)?),
        (None, None) => None,
    };

    let key_text = get(&format!("{base}/api/v1/server-key"), None)?;
    let served = served_key(&key_text)?;
    if let Some(pinned) = pinned {
        if pinned != served {
            let message = format!(
                "the server's key {} (id {}) is not the pinned key {} (id {})",
                served.to_hex(),
                served.key_id(),
                pinned.to_hex(),
                pinned.key_id()
            );
            if args.json {
                println!(
                    "{}",
                    json!({ "verdict": "invalid", "failed_check": "pinned-key", "error": message })
                );
            } else {
                println!("INVALID [pinned-key]: {message}");
            }
            return Ok(Verdict::Invalid);
        }
    } else if !args.json {
        println!(
            "note: no --key given; trusting the key the server itself serves ({}). \
             Pin the key published out of band to detect a substituted key.",
            served.key_id()
        );
    }
    let record_url = format!("{base}/api/v1/hands/{id}/record");
    let record_text = get(&record_url, args.token.as_deref())?;
    let record = parse_record(&record_text, &record_url)?;
    if !args.json {
        println!("downloaded {record_url} ({} bytes)", record_text.len());
    }
    Ok(hand::report(
        record,
        &KeyRing::new(served),
        Predecessor::Unknown,
        args.explain,
        args.json,
    ))
}

/// The server URL without a trailing slash: `https://` (rustls, with the Mozilla root
/// certificates built in) or plain `http://` for a server on this machine or a trusted network.
fn base_url(server: &str) -> Result<String, InputError> {
    let trimmed = server.trim().trim_end_matches('/');
    let host = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match host {
        Some(host) if !host.is_empty() => Ok(trimmed.to_owned()),
        _ => Err(InputError::new(format!(
            "--server {server}: expected a URL like https://poker.example or http://localhost:8080"
        ))),
    }
}

/// A hand id is a short run of letters, digits, `-` and `_` (it goes into a URL path).
fn hand_id(id: &str) -> Result<&str, InputError> {
    let ok = !id.is_empty()
        && id.len() <= MAX_HAND_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(id)
    } else {
        Err(InputError::new(format!(
            "--hand {id:?}: expected up to {MAX_HAND_ID_LEN} letters, digits, '-' or '_'"
        )))
    }
}

/// The key in the server's `/api/v1/server-key` reply, checked against its stated id.
fn served_key(text: &str) -> Result<PublicKey, InputError> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| InputError::new(format!("server key reply is not valid JSON: {e}")))?;
    if value["algorithm"] != "ed25519" {
        return Err(InputError::new(format!(
            "server key reply: algorithm {} is not ed25519",
            value["algorithm"]
        )));
    }
    let key = parse_key(value["public_key"].as_str().unwrap_or_default())?;
    if value["key_id"].as_str() != Some(key.key_id().to_hex().as_str()) {
        return Err(InputError::new(format!(
            "server key reply: key_id {} is not the id of its public key ({})",
            value["key_id"],
            key.key_id()
        )));
    }
    Ok(key)
}

/// `GET url`: the body of a 200 reply, at most [`MAX_DOWNLOAD_BYTES`] bytes of UTF-8.
fn get(url: &str, token: Option<&str>) -> Result<String, InputError> {
    let mut request = minreq::get(url)
        .with_timeout(REQUEST_TIMEOUT_SECS)
        .with_max_redirects(MAX_REDIRECTS);
    if let Some(token) = token {
        if !token.bytes().all(|b| b.is_ascii_graphic()) || token.len() > MAX_TOKEN_LEN {
            return Err(InputError::new(format!(
                "--token: expected up to {MAX_TOKEN_LEN} printable ASCII characters"
            )));
        }
        request = request.with_header("Authorization", format!("Bearer {token}"));
    }
    let response = request
        .send_lazy()
        .map_err(|e| InputError::new(format!("GET {url}: {e}")))?;
    let status = response.status_code;
    let mut body = Vec::new();
    for byte in response {
        let (byte, _) = byte.map_err(|e| InputError::new(format!("GET {url}: {e}")))?;
        if body.len() >= MAX_DOWNLOAD_BYTES {
            return Err(InputError::new(format!(
                "GET {url}: reply larger than {MAX_DOWNLOAD_BYTES} bytes"
            )));
        }
        body.push(byte);
    }
    if status != 200 {
        return Err(InputError::new(format!("GET {url}: HTTP status {status}")));
    }
    String::from_utf8(body).map_err(|_| InputError::new(format!("GET {url}: reply is not UTF-8")))
}
