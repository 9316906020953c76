//! A WebSocket bot that sits at a table and plays random legal actions, including its part
//! of the seed exchange, and reports what it saw: hands, its own hole cards, anyone else's
//! hole cards (a leak), gaps in the event sequence, refusals, all-ins and side pots.

use std::time::Duration;

use fairness::{ClientSeed, ServerCommitment};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::http::Client;

/// Any single wait for a server message.
pub const RECEIVE_TIMEOUT: Duration = Duration::from_secs(60);

/// An open table socket.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Opens `/api/v1/ws`, with a bearer token when given.
pub async fn connect(client: &Client, token: Option<&str>) -> Socket {
    let mut request = format!("ws://{}/api/v1/ws", client.addr)
        .into_client_request()
        .expect("request");
    if let Some(token) = token {
        request.headers_mut().insert(
            "authorization",
            format!("Bearer {token}").parse().expect("header"),
        );
    }
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket upgrade");
    socket
}

/// Sends one JSON message.
pub async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("send");
}

/// The next JSON message, or `None` when the server closed the socket.
pub async fn receive(socket: &mut Socket) -> Option<Value> {
    loop {
        let message = tokio::time::timeout(RECEIVE_TIMEOUT, socket.next())
            .await
            .expect("the server answers in time");
        match message {
            Some(Ok(Message::Text(text))) => {
                return Some(serde_json::from_str(&text).expect("server messages are JSON"))
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return None,
            Some(Ok(_)) => {}
        }
    }
}

/// A small deterministic generator for the bots' choices (xorshift64*).
#[derive(Debug, Clone)]
pub struct Dice(u64);

impl Dice {
    /// A generator from a non-zero seed.
    pub fn new(seed: u64) -> Dice {
        Dice(seed | 1)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

/// What a bot does.
#[derive(Debug, Clone)]
pub struct BotPlan {
    /// The account's username (also salts its seeds).
    pub name: String,
    /// Its bearer token.
    pub token: String,
    /// The table.
    pub table: String,
    /// The seat.
    pub seat: u8,
    /// Buy-ins, used in turn at each (re)buy: short ones make all-ins and side pots common.
    pub buy_ins: Vec<u64>,
    /// Leave once a hand numbered this high has ended.
    pub hands: u64,
    /// Ask the server to generate its seeds instead of committing its own.
    pub server_seeds: bool,
    /// Percent of decisions that move all-in (or call all-in).
    pub all_in_percent: u64,
}

/// What a bot saw.
#[derive(Debug, Default, Clone)]
pub struct BotReport {
    /// `hand_ended` events seen.
    pub hands_ended: u64,
    /// The last hand number that ended.
    pub last_hand: u64,
    /// Its own hole cards received.
    pub own_hole_cards: u64,
    /// Times it bought in again after going broke.
    pub rebuys: u64,
    /// Refusals it received (there should be none).
    pub rejections: Vec<Value>,
    /// Hole-card events that carried cards it should not see, or lacked its own.
    pub leaks: Vec<Value>,
    /// Jumps in the event sequence (previous, next).
    pub seq_gaps: Vec<(u64, u64)>,
    /// Events with `all_in: true` (anyone's).
    pub all_ins: u64,
    /// `pot_awarded` events of a side pot (pot index 1 or above).
    pub side_pots: u64,
    /// Cards shown at showdown (`shown` events).
    pub shown: u64,
}

/// Plays `plan` until the planned hand has ended, then leaves and returns once the server
/// confirms it stood up.
pub async fn play(client: Client, plan: BotPlan) -> BotReport {
    let mut socket = connect(&client, Some(&plan.token)).await;
    let seed_salt = Sha256::digest(format!("{}/{}", plan.name, plan.table));
    let mut dice = Dice::new(u64::from_be_bytes(
        seed_salt[..8].try_into().expect("eight bytes"),
    ));
    let mut report = BotReport::default();
    let mut next_id = 1u64;
    let table = plan.table.clone();
    let mut request = |body: Value| {
        let mut body = body;
        body["v"] = json!(1);
        body["id"] = json!(next_id);
        body["table"] = json!(table);
        next_id += 1;
        body
    };
    let mut buy_ins = plan.buy_ins.iter().copied().cycle();
    let first = buy_ins.next().expect("at least one buy-in");
    send(
        &mut socket,
        request(json!({"type": "sit", "seat": plan.seat, "buy_in": first})),
    )
    .await;
    let mine = |event: &Value| event["seat"].as_u64() == Some(u64::from(plan.seat));
    let mut last_seq: Option<u64> = None;
    let mut leaving = false;
    let mut my_seed: Option<(u64, ClientSeed)> = None;
    while let Some(message) = receive(&mut socket).await {
        match message["type"].as_str() {
            Some("rejected") => report.rejections.push(message.clone()),
            Some("event") => {
                let seq = message["seq"].as_u64().expect("seq");
                let event = &message["event"];
                let kind = event["kind"].as_str().expect("kind");
                if kind != "snapshot" {
                    if let Some(last) = last_seq {
                        if seq != last + 1 {
                            report.seq_gaps.push((last, seq));
                        }
                    }
                }
                last_seq = Some(seq);
                if event["all_in"].as_bool() == Some(true) {
                    report.all_ins += 1;
                }
                match kind {
                    "hand_announced" => {
                        let hand = event["hand"].as_u64().expect("hand");
                        let dealt = event["seats"]
                            .as_array()
                            .expect("seats")
                            .iter()
                            .any(|s| s.as_u64() == Some(u64::from(plan.seat)));
                        if !dealt {
                            continue;
                        }
                        if plan.server_seeds {
                            send(
                                &mut socket,
                                request(json!({"type": "server_seed", "hand": hand})),
                            )
                            .await;
                        } else {
                            let bytes: [u8; 32] =
                                Sha256::digest(format!("{}/{}/{hand}", plan.name, plan.table))
                                    .into();
                            let seed = ClientSeed::from_bytes(bytes);
                            let server = ServerCommitment::from_hex(
                                event["server_commitment"].as_str().expect("C_s"),
                            )
                            .expect("hex");
                            let table_number = event["table_number"].as_u64().expect("number");
                            let commitment =
                                seed.commitment(table_number, hand, plan.seat, &server);
                            send(
                                &mut socket,
                                request(json!({"type": "commit_seed", "hand": hand,
                                    "commitment": commitment.to_hex()})),
                            )
                            .await;
                            my_seed = Some((hand, seed));
                        }
                    }
                    "commitments_closed" => {
                        let hand = event["hand"].as_u64().expect("hand");
                        if let Some((seed_hand, seed)) = my_seed.take() {
                            if seed_hand == hand {
                                send(
                                    &mut socket,
                                    request(json!({"type": "reveal_seed", "hand": hand,
                                        "seed": hex::encode(seed.expose())})),
                                )
                                .await;
                            }
                        }
                    }
                    "hole_cards" => {
                        let has_cards = event.get("cards").is_some();
                        if mine(event) && has_cards {
                            report.own_hole_cards += 1;
                        } else if mine(event) || has_cards {
                            report.leaks.push(event.clone());
                        }
                    }
                    "shown" => report.shown += 1,
                    "pot_awarded" if event["pot"].as_u64().unwrap_or(0) >= 1 => {
                        report.side_pots += 1;
                    }
                    "to_act" if mine(event) => {
                        let hand = event["hand"].as_u64().expect("hand");
                        let action = choose(&mut dice, &event["legal"], plan.all_in_percent);
                        let mut body = json!({"type": "act", "hand": hand});
                        body["action"] = json!(action.0);
                        if let Some(amount) = action.1 {
                            body["amount"] = json!(amount);
                        }
                        send(&mut socket, request(body)).await;
                    }
                    "hand_ended" => {
                        report.hands_ended += 1;
                        report.last_hand = event["hand"].as_u64().expect("hand");
                        if report.last_hand >= plan.hands && !leaving {
                            leaving = true;
                            send(&mut socket, request(json!({"type": "leave"}))).await;
                        }
                    }
                    "left" if mine(event) => {
                        if leaving {
                            break;
                        }
                        // Went broke and was stood up: buy in again.
                        report.rebuys += 1;
                        let buy_in = buy_ins.next().expect("cycle");
                        send(
                            &mut socket,
                            request(json!({"type": "sit", "seat": plan.seat, "buy_in": buy_in})),
                        )
                        .await;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let _ = socket.close(None).await;
    report
}

/// A random legal action from a `to_act` event's `legal` object: all-in with
/// `all_in_percent`, otherwise mostly small bets, checks and calls, sometimes a fold.
fn choose(dice: &mut Dice, legal: &Value, all_in_percent: u64) -> (&'static str, Option<u64>) {
    let roll = dice.below(100);
    let (min, max) = (legal["min_bet_to"].as_u64(), legal["max_bet_to"].as_u64());
    let can_check = legal["can_check"].as_bool() == Some(true);
    if roll < all_in_percent {
        return match max {
            Some(max) => ("bet", Some(max)),
            None if can_check => ("check", None),
            None => ("call", None), // a call for less is all-in too
        };
    }
    if let (Some(min), Some(max), true) = (min, max, roll < all_in_percent + 20) {
        let to = min + dice.below(max - min + 1).min(dice.below(20));
        return ("bet", Some(to));
    }
    if can_check {
        ("check", None)
    } else if roll < 85 {
        ("call", None)
    } else {
        ("fold", None)
    }
}
