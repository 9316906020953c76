//! The poker side: the server's generated configuration, and the bot that plays one seat over
//! the table protocol (`docs/protocol.md`): it sits, commits to and reveals its own seed each
//! hand, and acts at random among the legal actions as soon as it is its turn.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use fairness::{ClientSeed, ServerCommitment};
use futures_util::{SinkExt, StreamExt};
use rand_core::{OsRng, RngCore, TryRngCore};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;

use crate::client::Socket;
use crate::pace::Pacer;
use crate::proc::BoxError;
use crate::stats::{Counters, Latencies, Window};

/// Blinds of every load table.
const BLINDS: (u64, u64) = (1, 2);
/// Buy-in range of every load table; bots buy in for the most.
const BUY_IN: (u64, u64) = (40, 400);
/// Chips each account starts with: enough to buy in again after every bust of a run.
pub(crate) const STARTING_BALANCE: u64 = 1_000_000_000;
/// Seed windows of the load tables: short, so a stuck bot costs little, and long enough
/// that a loaded server's bots still make them.
const SEED_WINDOW_MS: u64 = 5_000;
/// Action clock of the load tables (the server's smallest).
const ACTION_CLOCK_SECS: u64 = 1;
/// Connections the server allows beyond the players (the harness's REST calls).
const SPARE_CONNECTIONS: usize = 256;
/// Refusals printed to stderr before the harness only counts them.
const REFUSALS_PRINTED_MAX: u64 = 10;

/// The name of load table `index` (numbered from 0).
pub(crate) fn table_name(index: usize) -> String {
    format!("load-{index}")
}

/// The server's configuration file: `tables` no-limit tables of `seats` seats with short
/// clocks and no pause between hands, fast password hashing if asked, loopback on a free port.
pub(crate) fn server_config(
    data_dir: &Path,
    tables: usize,
    seats: u8,
    players: usize,
    fast_hashing: bool,
) -> String {
    let mut text = format!(
        "addr = \"127.0.0.1:0\"\ndata_dir = {data_dir:?}\nstarting_balance = {STARTING_BALANCE}\n\
         max_connections = {0}\nmax_connections_per_address = {0}\n\
         action_clock_secs = {ACTION_CLOCK_SECS}\npassword_hash_concurrency = 2\n",
        players + SPARE_CONNECTIONS,
        data_dir = data_dir.display().to_string(),
    );
    // Every bot connects from 127.0.0.1: lift the per-address and per-connection rate limits
    // (they guard against one abusive client, which a load test is by design).
    text.push_str(
        "ws_messages_per_sec = 1000000\nws_message_burst = 1000000\n\
         ws_messages_per_sec_per_address = 1000000\nws_message_burst_per_address = 1000000\n\
         http_requests_per_sec_per_address = 1000000\nhttp_request_burst_per_address = 1000000\n\
         http_requests_per_sec_per_account = 1000000\nhttp_request_burst_per_account = 1000000\n\
         ws_messages_per_sec_per_account = 1000000\nws_message_burst_per_account = 1000000\n",
    );
    if fast_hashing {
        text.push_str("insecure_fast_password_hashing = true\n");
    }
    for index in 0..tables {
        let _ = write!(
            text,
            "[[tables]]\nname = \"{}\"\nnumber = {}\ngame = \"nlhe\"\nblinds = [{}, {}]\n\
             seats = {seats}\nbuy_in = [{}, {}]\ncommit_window_ms = {SEED_WINDOW_MS}\n\
             reveal_window_ms = {SEED_WINDOW_MS}\nhand_pause_ms = 0\n",
            table_name(index),
            index + 1,
            BLINDS.0,
            BLINDS.1,
            BUY_IN.0,
            BUY_IN.1,
        );
    }
    text
}

/// One seat a bot plays.
#[derive(Debug, Clone)]
pub(crate) struct SeatPlan {
    /// The account's name.
    pub(crate) username: String,
    /// The table's index.
    pub(crate) table: usize,
    /// The seat.
    pub(crate) seat: u8,
}

/// What every bot of a run shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) counters: Counters,
    pub(crate) window: Window,
    pub(crate) pacer: Pacer,
}

/// What one bot reports at the end.
#[derive(Debug, Default)]
pub(crate) struct BotReport {
    /// Its action-to-broadcast latencies inside the window.
    pub(crate) latencies: Latencies,
    /// For the bot at seat 0: the last hand of its table that ended inside the window.
    pub(crate) last_hand: Option<u64>,
}

/// The bot's state between messages.
struct Bot {
    plan: SeatPlan,
    table: String,
    next_id: u64,
    /// The seed committed to for the hand in play.
    seed: Option<(u64, ClientSeed)>,
    /// When the bot sent its action, until the broadcast of it comes back.
    acted_at: Option<Instant>,
    /// Command ids of the last seed commitment and the last action sent.
    commit_id: Option<u64>,
    act_id: Option<u64>,
    report: BotReport,
    os: rand_core::UnwrapErr<OsRng>,
}

/// The kinds of event that report a seat's action (`docs/protocol.md`, "Events").
const ACTION_KINDS: [&str; 4] = ["folded", "checked", "called", "bet"];

/// The kind of the event in `text` (the first `"kind"` of a server message is its event's),
/// or `None` for a message that is not an event. Found by a scan, so that the many events a
/// bot needs nothing from are never parsed.
fn event_kind(text: &str) -> Option<&str> {
    const KEY: &str = "\"kind\":\"";
    let start = text.find(KEY)? + KEY.len();
    let len = text[start..].find('"')?;
    Some(&text[start..start + len])
}

/// The number after the first `"seat":` in `text`: in a `to_act` event, the seat whose turn
/// it is (the event's own field comes before its `legal` object). Read by a scan so that the
/// other bots at a table skip a turn that is not theirs without parsing it.
fn first_seat(text: &str) -> Option<u64> {
    const KEY: &str = "\"seat\":";
    let start = text.find(KEY)? + KEY.len();
    let digits = text[start..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(&text[start..], |end| &text[start..start + end]);
    digits.parse().ok()
}

/// A server message that carries an event, with only the fields a handler reads: the
/// rest (the signed announcement, the players' list) is skipped without being built.
#[derive(Deserialize)]
struct Envelope<E> {
    event: E,
}

/// `folded`, `checked`, `called`, `bet`.
#[derive(Deserialize)]
struct ActionEvent {
    seat: u8,
    #[serde(default)]
    timed_out: bool,
}

/// `hand_announced`.
#[derive(Deserialize)]
struct Announced<'a> {
    hand: u64,
    table_number: u64,
    #[serde(borrow)]
    server_commitment: Cow<'a, str>,
    seats: Vec<u8>,
}

/// `commitments_closed`.
#[derive(Deserialize)]
struct CommitmentsClosed<'a> {
    hand: u64,
    #[serde(borrow)]
    commit_list: CommitList<'a>,
}

#[derive(Deserialize)]
struct CommitList<'a> {
    #[serde(borrow)]
    body: CommitListBody<'a>,
}

#[derive(Deserialize)]
struct CommitListBody<'a> {
    #[serde(borrow)]
    entries: Vec<CommitEntry<'a>>,
}

#[derive(Deserialize)]
struct CommitEntry<'a> {
    seat: u8,
    #[serde(borrow)]
    origin: Cow<'a, str>,
}

/// `to_act`.
#[derive(Deserialize)]
struct ToAct {
    hand: u64,
    seat: u8,
    legal: Legal,
}

/// The legal actions of a `to_act` that a bot's choice depends on.
#[derive(Deserialize)]
struct Legal {
    can_check: bool,
    min_bet_to: Option<u64>,
}

/// `hand_ended`.
#[derive(Deserialize)]
struct HandEnded<'a> {
    hand: u64,
    #[serde(borrow)]
    status: Cow<'a, str>,
}

/// `left`.
#[derive(Deserialize)]
struct Left<'a> {
    #[serde(borrow)]
    player: Cow<'a, str>,
}

/// A `rejected` answer.
#[derive(Deserialize)]
struct Rejected<'a> {
    id: Option<u64>,
    #[serde(borrow)]
    code: Cow<'a, str>,
}

/// Parses the event of `text` as `E`; `None` if it is not one.
fn event<'a, E: Deserialize<'a>>(text: &'a str) -> Option<E> {
    serde_json::from_str::<Envelope<E>>(text)
        .ok()
        .map(|envelope| envelope.event)
}

/// Plays `plan`'s seat on `socket` until the window ends.
pub(crate) async fn play(
    mut socket: Socket,
    plan: SeatPlan,
    shared: Arc<Shared>,
) -> Result<BotReport, BoxError> {
    let mut bot = Bot::new(plan);
    let sit = bot.request(json!({"type": "sit", "seat": bot.plan.seat, "buy_in": BUY_IN.1}));
    socket.send(sit).await?;
    let end = tokio::time::sleep_until(shared.window.end.into());
    tokio::pin!(end);
    loop {
        let message = tokio::select! {
            message = socket.next() => message,
            () = &mut end => break,
        };
        let Some(message) = message else {
            Counters::bump(&shared.counters.dropped);
            break;
        };
        let Message::Text(text) = message? else {
            continue;
        };
        for reply in bot.on_message(text.as_str(), &shared) {
            if reply.is_act {
                shared.pacer.wait().await;
                bot.acted_at = Some(Instant::now());
            }
            socket.send(reply.message).await?;
        }
    }
    let _ = socket.close(None).await;
    Ok(bot.report)
}

/// A message to send, and whether it is an action (paced, and timed).
struct Reply {
    message: Message,
    is_act: bool,
}

impl Bot {
    /// A bot for `plan`'s seat that has sent nothing yet.
    fn new(plan: SeatPlan) -> Bot {
        Bot {
            table: table_name(plan.table),
            plan,
            next_id: 0,
            seed: None,
            acted_at: None,
            commit_id: None,
            act_id: None,
            report: BotReport::default(),
            os: OsRng.unwrap_err(),
        }
    }

    /// A request to this bot's table with the next command id.
    fn request(&mut self, mut body: Value) -> Message {
        self.next_id += 1;
        body["v"] = json!(1);
        body["id"] = json!(self.next_id);
        body["table"] = json!(self.table);
        Message::text(body.to_string())
    }

    /// Handles one server message; returns what to send back.
    fn on_message(&mut self, text: &str, shared: &Shared) -> Vec<Reply> {
        let now = Instant::now();
        let seat = self.plan.seat;
        let mut replies = Vec::new();
        let Some(kind) = event_kind(text) else {
            if text.contains("\"type\":\"rejected\"") {
                if let Ok(refusal) = serde_json::from_str::<Rejected>(text) {
                    self.on_refusal(&refusal, shared);
                }
            }
            return replies;
        };
        match kind {
            kind if ACTION_KINDS.contains(&kind) => {
                // Time-outs are counted once per table, by its seat 0.
                let count_timeout = seat == 0 && text.contains("\"timed_out\":true");
                if self.acted_at.is_none() && !count_timeout {
                    return replies;
                }
                let Some(action) = event::<ActionEvent>(text) else {
                    return replies;
                };
                if count_timeout && action.timed_out && shared.window.contains(now) {
                    Counters::bump(&shared.counters.timeouts);
                }
                // An action the server took for us (our clock ran out) is not our broadcast.
                if action.seat == seat && !action.timed_out {
                    if let Some(sent) = self.acted_at.take() {
                        if shared.window.contains(now) {
                            self.report.latencies.record(now - sent);
                            Counters::bump(&shared.counters.actions);
                        }
                    }
                }
            }
            "hand_announced" => {
                let Some(announced) = event::<Announced>(text) else {
                    return replies;
                };
                let server = ServerCommitment::from_hex(&announced.server_commitment).ok();
                if let (true, Some(server)) = (announced.seats.contains(&seat), server) {
                    let hand = announced.hand;
                    let own = ClientSeed::generate(&mut self.os);
                    let commitment = own.commitment(announced.table_number, hand, seat, &server);
                    self.seed = Some((hand, own));
                    let body = json!({"type": "commit_seed", "hand": hand,
                        "commitment": commitment.to_hex()});
                    let message = self.request(body);
                    self.commit_id = Some(self.next_id);
                    replies.push(Reply {
                        message,
                        is_act: false,
                    });
                }
            }
            "commitments_closed" => {
                let Some(closed) = event::<CommitmentsClosed>(text) else {
                    return replies;
                };
                // Our commitment may have come after the window closed: then the list says
                // the server made our seed, and there is nothing of ours to reveal.
                let ours = closed
                    .commit_list
                    .body
                    .entries
                    .iter()
                    .any(|e| e.seat == seat && e.origin == "client");
                if let Some((hand, own)) = self.seed.take() {
                    if ours && closed.hand == hand {
                        let body = json!({"type": "reveal_seed", "hand": hand,
                            "seed": hex::encode(own.expose())});
                        replies.push(Reply {
                            message: self.request(body),
                            is_act: false,
                        });
                    }
                }
            }
            "to_act" => {
                if first_seat(text) != Some(u64::from(seat)) {
                    return replies;
                }
                let Some(to_act) = event::<ToAct>(text).filter(|t| t.seat == seat) else {
                    return replies;
                };
                let mut body = self.choose(&to_act.legal);
                body["type"] = json!("act");
                body["hand"] = json!(to_act.hand);
                let message = self.request(body);
                self.act_id = Some(self.next_id);
                replies.push(Reply {
                    message,
                    is_act: true,
                });
            }
            // Counted once per table, by its seat 0.
            "hand_ended" if seat == 0 && shared.window.contains(now) => {
                let Some(ended) = event::<HandEnded>(text) else {
                    return replies;
                };
                Counters::bump(&shared.counters.hands);
                if ended.status != "completed" {
                    Counters::bump(&shared.counters.voided);
                }
                self.report.last_hand = Some(ended.hand);
            }
            "left" => {
                let mine =
                    event::<Left>(text).is_some_and(|left| left.player == self.plan.username);
                if mine {
                    // Stood up (broke): buy in again.
                    let body = json!({"type": "sit", "seat": seat, "buy_in": BUY_IN.1});
                    replies.push(Reply {
                        message: self.request(body),
                        is_act: false,
                    });
                }
            }
            _ => {}
        }
        replies
    }

    /// A request of ours was refused.
    fn on_refusal(&mut self, refusal: &Rejected, shared: &Shared) {
        if refusal.id.is_some() && refusal.id == self.act_id {
            // No broadcast of a refused action will come.
            self.acted_at = None;
        }
        if refusal.id.is_some() && refusal.id == self.commit_id {
            // A commitment refused (late: the server made our seed) is not revealed.
            self.seed = None;
        }
        let refused = shared.counters.refused(&refusal.code);
        if refused < REFUSALS_PRINTED_MAX {
            eprintln!("refused ({}): {}", self.plan.username, refusal.code);
        }
    }

    /// A random legal action: mostly checks and calls, some folds, some minimum raises.
    fn choose(&mut self, legal: &Legal) -> Value {
        let roll = self.os.next_u32() % 100;
        let min_bet = legal.min_bet_to;
        if legal.can_check {
            return match (roll, min_bet) {
                (0..=19, Some(to)) => json!({"action": "bet", "amount": to}),
                _ => json!({"action": "check"}),
            };
        }
        match (roll, min_bet) {
            (0..=39, _) => json!({"action": "fold"}),
            (40..=89, _) => json!({"action": "call"}),
            (_, Some(to)) => json!({"action": "bet", "amount": to}),
            _ => json!({"action": "call"}),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn texts(replies: Vec<Reply>) -> Vec<Value> {
        replies
            .into_iter()
            .map(|r| serde_json::from_str(r.message.to_text().expect("text")).expect("json"))
            .collect()
    }

    fn event(seq: u64, event: Value) -> String {
        json!({"type": "event", "v": 1, "table": "load-0", "seq": seq, "event": event}).to_string()
    }

    #[test]
    fn the_bot_commits_reveals_acts_and_times_its_own_action() {
        let shared = Shared {
            counters: Counters::default(),
            window: Window::after(Duration::ZERO, Duration::from_secs(60)),
            pacer: Pacer::new(0),
        };
        let plan = SeatPlan {
            username: "bot0".into(),
            table: 0,
            seat: 0,
        };
        let mut bot = Bot::new(plan);
        let commitment = "00".repeat(32);
        let announced = event(
            1,
            json!({"kind": "hand_announced", "hand": 1, "table_number": 1,
                "server_commitment": commitment, "seats": [0, 1], "commit_window_ms": 5000}),
        );
        let sent = texts(bot.on_message(&announced, &shared));
        assert_eq!(sent[0]["type"], "commit_seed");
        assert_eq!(sent[0]["commitment"].as_str().map(str::len), Some(64));
        let list = |origin: &str| {
            json!({"body": {"entries": [{"seat": 0, "origin": origin, "commitment": commitment},
                {"seat": 1, "origin": "client", "commitment": commitment}]}, "signature": ""})
        };
        let closed = event(
            2,
            json!({"kind": "commitments_closed", "hand": 1, "commit_list": list("client")}),
        );
        let sent = texts(bot.on_message(&closed, &shared));
        assert_eq!(sent[0]["type"], "reveal_seed");

        // A commitment that missed the window (the server made the seed): nothing to reveal.
        let sent = texts(bot.on_message(&announced, &shared));
        assert_eq!(sent[0]["type"], "commit_seed");
        let late = closed.replace(
            "\"origin\":\"client\",\"seat\":0",
            "\"origin\":\"server_generated\",\"seat\":0",
        );
        assert_ne!(late, closed);
        assert!(bot.on_message(&late, &shared).is_empty());

        // A refused commitment (it came late) is never followed by a reveal.
        let announced = announced.replace("\"hand\":1", "\"hand\":2");
        let sent = texts(bot.on_message(&announced, &shared));
        let refusal = json!({"type": "rejected", "v": 1, "id": sent[0]["id"],
            "code": "wrong_phase", "message": "commitments are closed"});
        assert!(bot.on_message(&refusal.to_string(), &shared).is_empty());
        let closed = event(
            3,
            json!({"kind": "commitments_closed", "hand": 2, "commit_list": list("client")}),
        );
        assert!(bot.on_message(&closed, &shared).is_empty());
        assert_eq!(shared.counters.refusal_summary(), "wrong_phase 1");

        let legal =
            json!({"can_check": false, "call_amount": 2, "min_bet_to": 4, "max_bet_to": 400});
        let to_act = event(
            4,
            json!({"kind": "to_act", "hand": 2, "seat": 0, "clock_ms": 1000, "legal": legal}),
        );
        let sent = bot.on_message(&to_act, &shared);
        assert!(sent[0].is_act);
        let action = texts(sent);
        assert_eq!(action[0]["type"], "act");
        assert!(["fold", "call", "bet"].contains(&action[0]["action"].as_str().unwrap_or("")));
        bot.acted_at = Some(Instant::now());
        let other_seat = event(
            5,
            json!({"kind": "called", "seat": 1, "amount": 2, "all_in": false}),
        );
        assert!(bot.on_message(&other_seat, &shared).is_empty());
        assert_eq!(
            bot.report.latencies.len(),
            0,
            "another seat's action is not ours"
        );
        let own = event(6, json!({"kind": "folded", "seat": 0, "timed_out": false}));
        assert!(bot.on_message(&own, &shared).is_empty());
        assert_eq!(bot.report.latencies.len(), 1);
        assert_eq!(Counters::get(&shared.counters.actions), 1);

        let ended = event(
            7,
            json!({"kind": "hand_ended", "hand": 2, "status": "completed",
            "flagged": [], "record_hash": "ab", "stacks": []}),
        );
        assert!(bot.on_message(&ended, &shared).is_empty());
        assert_eq!(Counters::get(&shared.counters.hands), 1);
        assert_eq!(bot.report.last_hand, Some(2));
    }
    #[test]
    fn only_events_have_a_kind_and_another_seats_turn_is_not_ours() {
        assert_eq!(
            event_kind(&event(1, json!({"kind": "to_act", "seat": 1}))),
            Some("to_act")
        );
        assert_eq!(event_kind(r#"{"type":"ack","v":1,"id":3}"#), None);
        assert_eq!(
            first_seat(r#"{"kind":"to_act","hand":1,"seat":12,"x":{"seat":3}}"#),
            Some(12)
        );
        assert_eq!(first_seat(r#"{"kind":"to_act","hand":1}"#), None);
        let shared = Shared {
            counters: Counters::default(),
            window: Window::after(Duration::ZERO, Duration::from_secs(60)),
            pacer: Pacer::new(0),
        };
        let mut bot = Bot::new(SeatPlan {
            username: "bot0".into(),
            table: 0,
            seat: 0,
        });
        let legal = json!({"can_check": true, "call_amount": null, "min_bet_to": 2});
        let theirs = event(
            1,
            json!({"kind": "to_act", "hand": 1, "seat": 1, "legal": legal}),
        );
        assert!(bot.on_message(&theirs, &shared).is_empty());
        let ours = theirs.replace("\"seat\":1", "\"seat\":0");
        let sent = texts(bot.on_message(&ours, &shared));
        assert!(["check", "bet"].contains(&sent[0]["action"].as_str().unwrap_or("")));
    }

    use poker_server::config::{Config, ConfigLayer};

    #[test]
    fn the_generated_config_is_what_the_server_reads() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("load.toml");
        std::fs::write(&file, server_config(dir.path(), 1000, 10, 10_000, true)).expect("write");
        let config = Config::resolve(ConfigLayer::default(), Some(&file)).expect("valid config");
        assert_eq!(config.tables().len(), 1000);
        assert_eq!(config.max_connections(), 10_000 + SPARE_CONNECTIONS);
        let table = &config.tables()[999];
        assert_eq!(table.name().as_str(), "load-999");
        assert_eq!(
            (table.seats(), table.hand_pause()),
            (10, std::time::Duration::ZERO)
        );
        assert_eq!(
            config.password_cost(),
            poker_server::auth::PasswordCost::InsecureFast
        );
    }
}
