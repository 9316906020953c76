//! Tables end to end: real WebSocket clients play hands with random legal actions on a real
//! server; every stored record verifies and chains, no chip is created or lost, and no client
//! ever sees another player's hole cards before showdown.

use std::time::Duration;

use fairness::{
    verify_chain, ClientSeed, KeyRing, Predecessor, PublicKey, ServerCommitment, SignatureMode,
    SignedHandRecord,
};
use futures_util::{SinkExt, StreamExt};
use poker_server::config::ConfigLayer;
use poker_server::ledger::TableId;
use poker_server::table::{TableConfig, TableGame};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::support::{config_in, Client, TestServer};

const PASSWORD: &str = "correct horse battery";
/// Long enough that a live client never times out on a loaded test machine.
const CLOCK: Duration = Duration::from_secs(20);
/// Any single wait for a server message in these tests.
const RECEIVE_TIMEOUT: Duration = Duration::from_secs(60);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Two fast tables: no-limit hold'em and pot-limit Omaha, 1/2, six seats, no pause.
fn test_tables() -> Vec<TableConfig> {
    [
        ("t-nlhe", 1, TableGame::NoLimitHoldem),
        ("t-plo", 2, TableGame::PotLimitOmaha),
    ]
    .into_iter()
    .map(|(name, number, game)| {
        TableConfig::new(
            TableId::parse(name).expect("name"),
            number,
            game,
            (1, 2),
            6,
            (40, 400),
        )
        .expect("table")
        .with_clocks(CLOCK, CLOCK, CLOCK, Duration::ZERO)
        .expect("clocks")
    })
    .collect()
}

async fn start_server(dir: &std::path::Path) -> TestServer {
    let config = config_in(dir, ConfigLayer::default())
        .with_tables(test_tables())
        .expect("unique tables");
    TestServer::start_with(config).await
}

/// Opens `/api/v1/ws`, with a bearer token when given.
async fn connect(client: &Client, token: Option<&str>) -> Socket {
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

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::text(message.to_string()))
        .await
        .expect("send");
}

/// The next JSON message, or `None` when the server closed the socket.
async fn receive(socket: &mut Socket) -> Option<Value> {
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
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

/// What one bot saw.
#[derive(Debug, Default)]
struct BotReport {
    hands_ended: u64,
    last_hand: u64,
    own_hole_cards: u64,
    rebuys: u64,
    rejections: Vec<Value>,
    leaks: Vec<Value>,
    seq_gaps: Vec<(u64, u64)>,
}

/// Sits at `table` in `seat`, plays until hand number `hands` has ended, then leaves and returns
/// once the server confirms it stood up. Seeds: its own (commit and reveal) unless
/// `server_seeds`, in which case it asks the server to generate them.
async fn bot(
    client: Client,
    token: String,
    name: String,
    table: &'static str,
    seat: u8,
    hands: u64,
    server_seeds: bool,
) -> BotReport {
    let mut socket = connect(&client, Some(&token)).await;
    let mut dice = Dice(u64::from(seat) * 7919 + 17 + u64::from(server_seeds));
    let mut report = BotReport::default();
    let mut next_id = 1u64;
    let mut request = |body: Value| {
        let mut body = body;
        body["v"] = json!(1);
        body["id"] = json!(next_id);
        body["table"] = json!(table);
        next_id += 1;
        body
    };
    send(
        &mut socket,
        request(json!({"type": "sit", "seat": seat, "buy_in": 200})),
    )
    .await;
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
                match kind {
                    "hand_announced" => {
                        let hand = event["hand"].as_u64().expect("hand");
                        let dealt = event["seats"]
                            .as_array()
                            .expect("seats")
                            .iter()
                            .any(|s| s.as_u64() == Some(u64::from(seat)));
                        if !dealt {
                            continue;
                        }
                        if server_seeds {
                            send(
                                &mut socket,
                                request(json!({"type": "server_seed", "hand": hand})),
                            )
                            .await;
                        } else {
                            let bytes: [u8; 32] =
                                Sha256::digest(format!("{name}/{table}/{hand}")).into();
                            let seed = ClientSeed::from_bytes(bytes);
                            let server = ServerCommitment::from_hex(
                                event["server_commitment"].as_str().expect("C_s"),
                            )
                            .expect("hex");
                            let table_number = event["table_number"].as_u64().expect("number");
                            let commitment = seed.commitment(table_number, hand, seat, &server);
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
                        let owner = event["seat"].as_u64() == Some(u64::from(seat));
                        let has_cards = event.get("cards").is_some();
                        if owner && has_cards {
                            report.own_hole_cards += 1;
                        } else if owner || has_cards {
                            report.leaks.push(event.clone());
                        }
                    }
                    "to_act" if event["seat"].as_u64() == Some(u64::from(seat)) => {
                        let hand = event["hand"].as_u64().expect("hand");
                        let legal = &event["legal"];
                        let roll = dice.below(10);
                        let action = if let (Some(min), Some(max), true) = (
                            legal["min_bet_to"].as_u64(),
                            legal["max_bet_to"].as_u64(),
                            roll < 3,
                        ) {
                            let to = min + dice.below(max - min + 1).min(dice.below(40));
                            json!({"type": "act", "hand": hand, "action": "bet", "amount": to})
                        } else if legal["can_check"].as_bool() == Some(true) {
                            json!({"type": "act", "hand": hand, "action": "check"})
                        } else if roll < 8 {
                            json!({"type": "act", "hand": hand, "action": "call"})
                        } else {
                            json!({"type": "act", "hand": hand, "action": "fold"})
                        };
                        send(&mut socket, request(action)).await;
                    }
                    "hand_ended" => {
                        report.hands_ended += 1;
                        report.last_hand = event["hand"].as_u64().expect("hand");
                        if report.last_hand >= hands && !leaving {
                            leaving = true;
                            send(&mut socket, request(json!({"type": "leave"}))).await;
                        }
                    }
                    "left" if event["seat"].as_u64() == Some(u64::from(seat)) => {
                        if leaving {
                            break;
                        }
                        // Went broke and was stood up: buy in again.
                        report.rebuys += 1;
                        send(
                            &mut socket,
                            request(json!({"type": "sit", "seat": seat, "buy_in": 200})),
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

/// Fetches every record of `table` in order, through the paged REST endpoint.
pub(crate) async fn table_records(
    client: &Client,
    token: &str,
    table: &str,
) -> Vec<SignedHandRecord> {
    let mut records = Vec::new();
    let mut from = 1;
    loop {
        let page = client
            .get(
                &format!("/api/v1/tables/{table}/records?from={from}"),
                Some(token),
            )
            .await;
        assert_eq!(page.status, 200, "{page:?}");
        for record in page.body["records"].as_array().expect("records") {
            records.push(
                SignedHandRecord::from_json(&record.to_string()).expect("a well-formed record"),
            );
        }
        match page.body["next"].as_u64() {
            Some(next) => from = next,
            None => return records,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn six_clients_play_verified_hands_at_two_tables() {
    const HANDS: u64 = 100;
    const PLAYERS: usize = 6;
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start_server(dir.path()).await;
    let client = server.client();

    let mut tokens = Vec::new();
    for i in 0..PLAYERS {
        tokens.push(client.sign_up(&format!("bot{i}"), PASSWORD).await);
    }
    // An observer without a token watches the hold'em table: it must never see hole cards.
    let mut observer = connect(&client, None).await;
    send(
        &mut observer,
        json!({"v": 1, "id": 1, "type": "watch", "table": "t-nlhe"}),
    )
    .await;
    let (stop_observer, mut observer_stopped) = tokio::sync::oneshot::channel::<()>();
    let observer = tokio::spawn(async move {
        let (mut hole_cards, mut leaks) = (0, Vec::new());
        loop {
            let message = tokio::select! {
                message = receive(&mut observer) => message,
                _ = &mut observer_stopped => None,
            };
            let Some(message) = message else { break };
            let event = &message["event"];
            if event["kind"] == "hole_cards" {
                hole_cards += 1;
                if event.get("cards").is_some() {
                    leaks.push(event.clone());
                }
            }
        }
        (hole_cards, leaks)
    });

    let mut bots = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let table = if i < 3 { "t-nlhe" } else { "t-plo" };
        let seat = u8::try_from(i % 3 * 2).expect("small");
        bots.push(tokio::spawn(bot(
            client,
            token.clone(),
            format!("bot{i}"),
            table,
            seat,
            HANDS,
            i % 3 == 2,
        )));
    }
    let mut reports = Vec::new();
    for bot in bots {
        reports.push(bot.await.expect("bot task"));
    }

    let _ = stop_observer.send(());
    let (observer_hole_cards, observer_leaks) = observer.await.expect("observer task");

    for (i, report) in reports.iter().enumerate() {
        assert!(report.last_hand >= HANDS, "bot{i}: {report:?}");
        assert!(report.hands_ended > 0, "bot{i}: {report:?}");
        assert!(report.rejections.is_empty(), "bot{i}: {report:?}");
        assert!(report.leaks.is_empty(), "bot{i}: {report:?}");
        assert!(report.seq_gaps.is_empty(), "bot{i}: {report:?}");
        assert!(report.own_hole_cards > 0, "bot{i}: {report:?}");
    }
    assert!(observer_hole_cards > 0, "the observer saw the deals");
    assert!(observer_leaks.is_empty(), "{observer_leaks:?}");

    // Every record verifies and the records of each table form one chain.
    let key = client.get("/api/v1/server-key", None).await;
    let public = PublicKey::from_hex(key.body["public_key"].as_str().expect("hex")).expect("key");
    assert_eq!(key.body["key_id"], public.key_id().to_hex());
    let keys = KeyRing::new(public);
    for (table, token) in [("t-nlhe", &tokens[0]), ("t-plo", &tokens[3])] {
        let records = table_records(&client, token, table).await;
        assert!(records.len() as u64 >= HANDS, "{table}: {}", records.len());
        let verified = verify_chain(&records, &keys, Predecessor::Genesis, SignatureMode::Strict)
            .unwrap_or_else(|err| panic!("{table}: {err:?}"));
        assert_eq!(verified.len(), records.len());
        // Seats 0 and 2 sent their own seeds; seat 4 asked the server, and the records say so.
        for hand in &verified {
            for seat in [0, 2] {
                assert!(!hand.server_generated_seats.contains(&seat), "{hand:?}");
            }
            assert!(!hand.independent_seats.contains(&4), "{hand:?}");
        }
        assert!(verified
            .iter()
            .any(|hand| hand.server_generated_seats.contains(&4)));
        assert!(verified
            .iter()
            .any(|hand| hand.independent_seats.contains(&0)));

        // One record by its id, as `poker-verify fetch` asks for it.
        let one = client
            .get(&format!("/api/v1/hands/{table}-1/record"), Some(token))
            .await;
        assert_eq!(one.status, 200, "{one:?}");
        let record = SignedHandRecord::from_json(&one.body.to_string()).expect("record");
        assert_eq!(record, records[0]);
    }

    // Access rule: no token -> 401; a player of the other table only -> 403.
    let anonymous = client.get("/api/v1/hands/t-nlhe-1/record", None).await;
    assert_eq!(anonymous.status, 401);
    let stranger = client
        .get("/api/v1/hands/t-nlhe-1/record", Some(&tokens[3]))
        .await;
    assert_eq!((stranger.status, stranger.code()), (403, "forbidden"));
    let missing = client
        .get("/api/v1/hands/t-nlhe-999999/record", Some(&tokens[0]))
        .await;
    assert_eq!(missing.status, 404);

    // Everyone left: every chip is back in a player account, none created or lost.
    let mut total = 0;
    for token in &tokens {
        let me = client.get("/api/v1/me", Some(token)).await;
        total += me.body["balance"].as_u64().expect("balance");
    }
    assert_eq!(total, 10_000 * PLAYERS as u64);
    server.stop().await;
}
