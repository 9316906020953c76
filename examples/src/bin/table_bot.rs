//! A bot that plays at a running `poker-server` over the table protocol: it registers (or
//! logs in), sits down, takes part in the seed exchange with its own seeds, and checks, calls,
//! bets or folds at random until it has seen the hands it was asked to play.
//!
//! ```sh
//! cargo run --release -p poker-server &
//! cargo run -p fairdeal-examples --bin table_bot -- 127.0.0.1:8080 alice 'correct horse battery' nlhe-1-2 0 20 &
//! cargo run -p fairdeal-examples --bin table_bot -- 127.0.0.1:8080 bob 'correct horse battery' nlhe-1-2 3 20
//! ```
//!
//! Arguments: server address, username, password, table, seat, number of hands.

use std::error::Error;
use std::time::Duration;

use fairness::{ClientSeed, ServerCommitment};
use futures_util::{SinkExt, StreamExt};
use rand_core::{OsRng, RngCore, TryRngCore};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// Largest HTTP reply read when logging in.
const HTTP_REPLY_BYTES_MAX: u64 = 64 * 1024;
/// How long the bot waits for any server message before giving up.
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
/// Chips the bot brings to the table.
const BUY_IN: u64 = 200;

type BoxError = Box<dyn Error + Send + Sync>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [addr, user, password, table, seat, hands] = args.as_slice() else {
        return Err("usage: table_bot ADDR USER PASSWORD TABLE SEAT HANDS".into());
    };
    let seat: u8 = seat.parse()?;
    let hands: u64 = hands.parse()?;
    let credentials = json!({"username": user, "password": password});
    // Registering twice is refused with `username_taken`; logging in is what counts.
    post(addr, "/api/v1/register", &credentials).await?;
    let login = post(addr, "/api/v1/login", &credentials).await?;
    let token = login["token"].as_str().ok_or("login failed")?.to_owned();

    let mut request = format!("ws://{addr}/api/v1/ws").into_client_request()?;
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    let mut os = OsRng.unwrap_err();
    let mut next_id = 0u64;
    let mut send = |body: Value| {
        next_id += 1;
        let mut body = body;
        body["v"] = json!(1);
        body["id"] = json!(next_id);
        body["table"] = json!(table);
        Message::text(body.to_string())
    };
    socket
        .send(send(json!({"type": "sit", "seat": seat, "buy_in": BUY_IN})))
        .await?;
    let mut seed: Option<ClientSeed> = None;
    let mut played = 0;
    while let Some(message) = tokio::time::timeout(IDLE_TIMEOUT, socket.next()).await? {
        let Message::Text(text) = message? else {
            continue;
        };
        let message: Value = serde_json::from_str(&text)?;
        if message["type"] == "rejected" {
            println!("refused: {}", message["message"]);
            continue;
        }
        let event = &message["event"];
        let mine = event["seat"].as_u64() == Some(u64::from(seat));
        match event["kind"].as_str().unwrap_or_default() {
            "hand_announced" => {
                let dealt = event["seats"].as_array().into_iter().flatten();
                if !dealt
                    .into_iter()
                    .any(|s| s.as_u64() == Some(u64::from(seat)))
                {
                    continue;
                }
                let hand = event["hand"].as_u64().ok_or("hand")?;
                let server =
                    ServerCommitment::from_hex(event["server_commitment"].as_str().ok_or("C_s")?)?;
                let table_number = event["table_number"].as_u64().ok_or("table number")?;
                let own = ClientSeed::generate(&mut os);
                let commitment = own.commitment(table_number, hand, seat, &server);
                seed = Some(own);
                socket
                    .send(send(json!({"type": "commit_seed", "hand": hand,
                        "commitment": commitment.to_hex()})))
                    .await?;
            }
            "commitments_closed" => {
                if let Some(own) = seed.take() {
                    let hand = event["hand"].as_u64().ok_or("hand")?;
                    socket
                        .send(send(json!({"type": "reveal_seed", "hand": hand,
                            "seed": hex::encode(own.expose())})))
                        .await?;
                }
            }
            "hole_cards" if mine => println!("my cards: {}", event["cards"]),
            "to_act" if mine => {
                let hand = event["hand"].as_u64().ok_or("hand")?;
                let legal = &event["legal"];
                let roll = os.next_u32() % 10;
                let action = match (legal["min_bet_to"].as_u64(), roll) {
                    (Some(min), 0..=1) => json!({"action": "bet", "amount": min}),
                    _ if legal["can_check"] == true => json!({"action": "check"}),
                    (_, 0..=7) => json!({"action": "call"}),
                    _ => json!({"action": "fold"}),
                };
                let mut body = action;
                body["type"] = json!("act");
                body["hand"] = json!(hand);
                socket.send(send(body)).await?;
            }
            "hand_ended" => {
                played += 1;
                println!("hand {} ended: {}", event["hand"], event["stacks"]);
                if played == hands {
                    socket.send(send(json!({"type": "leave"}))).await?;
                }
            }
            "left" if mine => break,
            _ => {}
        }
    }
    socket.close(None).await?;
    Ok(())
}

/// POSTs a JSON body over plain HTTP/1.1 and returns the JSON reply (or `null`).
async fn post(addr: &str, path: &str, body: &Value) -> Result<Value, BoxError> {
    let body = body.to_string();
    let mut stream = TcpStream::connect(addr).await?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut reply = Vec::new();
    stream
        .take(HTTP_REPLY_BYTES_MAX)
        .read_to_end(&mut reply)
        .await?;
    let reply = String::from_utf8_lossy(&reply);
    let json = reply.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    Ok(serde_json::from_str(json).unwrap_or(Value::Null))
}
