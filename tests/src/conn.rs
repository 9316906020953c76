//! A table connection driven step by step: requests answered by their command id, and
//! events awaited by kind while everything else read meanwhile is kept for later.

use std::collections::VecDeque;

use futures_util::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::bot::{connect, send, Socket, RECEIVE_TIMEOUT};
use crate::http::Client;

/// A socket, the table it talks to, and the messages read but not yet asked for.
#[derive(Debug)]
pub struct Conn {
    socket: Socket,
    table: String,
    unread: VecDeque<Value>,
    next_id: u64,
    /// The close frame's code, once the server sent one.
    close_code: Option<u16>,
}

impl Conn {
    /// Opens a connection for `token` that talks to `table`.
    pub async fn open(client: &Client, token: &str, table: &str) -> Conn {
        Conn {
            socket: connect(client, Some(token)).await,
            table: table.to_owned(),
            unread: VecDeque::new(),
            next_id: 1,
            close_code: None,
        }
    }

    /// Sends `body` (given `v`, `id` and `table`) and returns the answer's type, or the
    /// refusal's code.
    pub async fn ask(&mut self, body: Value) -> String {
        let id = self.next_id;
        self.next_id += 1;
        let mut body = body;
        body["v"] = json!(1);
        body["id"] = json!(id);
        body["table"] = json!(self.table);
        send(&mut self.socket, body).await;
        let answer = self
            .next(|m| m["id"] == json!(id))
            .await
            .expect("an answer before the socket closes");
        match answer["type"].as_str() {
            Some("rejected") => answer["code"].as_str().unwrap_or("?").to_owned(),
            Some(other) => other.to_owned(),
            None => panic!("{answer}"),
        }
    }

    /// The next event of `kind` about hand `hand`, or `None` if the socket closes first.
    pub async fn hand_event(&mut self, kind: &str, hand: u64) -> Option<Value> {
        self.next(|m| {
            m["type"] == "event" && m["event"]["kind"] == kind && m["event"]["hand"] == hand
        })
        .await
        .map(|m| m["event"].clone())
    }

    /// The next event of any of `kinds` about hand `hand`, or `None` if the socket closes
    /// first.
    pub async fn hand_event_of(&mut self, kinds: &[&str], hand: u64) -> Option<Value> {
        self.next(|m| {
            m["type"] == "event"
                && kinds.iter().any(|kind| m["event"]["kind"] == *kind)
                && m["event"]["hand"] == hand
        })
        .await
        .map(|m| m["event"].clone())
    }

    /// The next event of `kind`, or `None` if the socket closes first.
    pub async fn event(&mut self, kind: &str) -> Option<Value> {
        self.next(|m| m["type"] == "event" && m["event"]["kind"] == kind)
            .await
            .map(|m| m["event"].clone())
    }

    /// Every message read so far and not asked for, then everything until the socket
    /// closes.
    pub async fn rest(&mut self) -> Vec<Value> {
        let mut all: Vec<Value> = self.unread.drain(..).collect();
        while let Some(message) = self.read().await {
            all.push(message);
        }
        all
    }

    /// The code of the close frame the server sent, once [`Conn::rest`] (or a read) met it.
    pub fn close_code(&self) -> Option<u16> {
        self.close_code
    }

    async fn next(&mut self, wanted: impl Fn(&Value) -> bool) -> Option<Value> {
        if let Some(at) = self.unread.iter().position(&wanted) {
            return self.unread.remove(at);
        }
        loop {
            let message = self.read().await?;
            if wanted(&message) {
                return Some(message);
            }
            self.unread.push_back(message);
        }
    }

    async fn read(&mut self) -> Option<Value> {
        loop {
            match tokio::time::timeout(RECEIVE_TIMEOUT, self.socket.next())
                .await
                .expect("the server answers in time")
            {
                Some(Ok(Message::Text(text))) => {
                    return Some(serde_json::from_str(&text).expect("JSON"))
                }
                Some(Ok(Message::Close(frame))) => {
                    self.close_code = frame.map(|frame| u16::from(frame.code));
                    return None;
                }
                None | Some(Err(_)) => return None,
                Some(Ok(_)) => {}
            }
        }
    }
}
