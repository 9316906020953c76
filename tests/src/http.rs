//! A minimal HTTP/1.1 client for the tests (hyper, already in the tree through warp): one
//! connection per request, JSON or text bodies.

use std::net::SocketAddr;

use fairness::SignedHandRecord;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpStream;

/// Every test account's password.
pub const PASSWORD: &str = "correct horse battery";

/// A response.
#[derive(Debug)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// The body as received.
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON (`Null` when empty).
    pub fn json(&self) -> Value {
        if self.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&self.body).expect("a JSON body")
        }
    }

    /// The body as UTF-8 text.
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a UTF-8 body")
    }

    /// The `code` of an error body.
    pub fn code(&self) -> String {
        self.json()["code"]
            .as_str()
            .unwrap_or("<no code>")
            .to_owned()
    }
}

/// Talks to one server.
#[derive(Debug, Clone, Copy)]
pub struct Client {
    /// The server's address.
    pub addr: SocketAddr,
}

impl Client {
    /// Sends `method path` with an optional bearer token and JSON body.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
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
            Some(body) => {
                request = request.header(CONTENT_TYPE, "application/json");
                serde_json::to_vec(body).expect("json")
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
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(Method::GET, path, token, None).await
    }

    /// Registers `username` and logs in; returns the bearer token.
    pub async fn sign_up(&self, username: &str) -> String {
        let credentials = json!({"username": username, "password": PASSWORD});
        let registered = self
            .send(Method::POST, "/api/v1/register", None, Some(&credentials))
            .await;
        assert_eq!(registered.status, 201, "{}", registered.text());
        let login = self
            .send(Method::POST, "/api/v1/login", None, Some(&credentials))
            .await;
        assert_eq!(login.status, 200, "{}", login.text());
        login.json()["token"].as_str().expect("token").to_owned()
    }

    /// The player account balance of `token`'s account.
    pub async fn balance(&self, token: &str) -> u64 {
        self.get("/api/v1/me", Some(token)).await.json()["balance"]
            .as_u64()
            .expect("balance")
    }

    /// Every signed record of `table` so far, in order, through the paged endpoint; `None`
    /// while `token`'s player has been dealt no hand there (only its players may read them).
    pub async fn table_records(&self, token: &str, table: &str) -> Option<Vec<SignedHandRecord>> {
        let mut records = Vec::new();
        let mut from = 1;
        loop {
            let path = format!("/api/v1/tables/{table}/records?from={from}");
            let page = self.get(&path, Some(token)).await;
            if page.status == 403 && records.is_empty() {
                return None;
            }
            assert_eq!(page.status, 200, "{}", page.text());
            let body = page.json();
            for record in body["records"].as_array().expect("records") {
                let text = record.to_string();
                records.push(SignedHandRecord::from_json(&text).expect("a well-formed record"));
            }
            match body["next"].as_u64() {
                Some(next) => from = next,
                None => return Some(records),
            }
        }
    }
}
