//! Seats that outlive their sockets: a player whose connection drops mid-hand resumes with the
//! last sequence number seen and gets exactly the missed events in their own view (or a
//! snapshot with their own cards when too far behind); the time bank is spent and announced;
//! a disconnected player to act gets a disconnect grace, limited per window of hands, then the
//! time-out action; and a seat is kept only for the configured time.

use std::time::Duration;

use poker_server::config::ConfigLayer;
use poker_server::ledger::TableId;
use poker_server::limits::REPLAY_BUFFER_EVENTS_MAX;
use poker_server::table::{PresenceRules, TableConfig, TableGame};
use serde_json::{json, Value};
use tokio::time::Instant;

use crate::support::{config_in, Client, TestServer};
use crate::table_errors::Conn;

const PASSWORD: &str = "correct horse battery";
const TABLE: &str = "t-nlhe";
const BUY_IN: u64 = 100;
const STARTING_BALANCE: u64 = 10_000;
/// Long enough that nobody times out unless a test waits on purpose.
const LONG: Duration = Duration::from_secs(20);

fn rules(
    bank: Duration,
    refill: Duration,
    grace: Duration,
    seat_keep: Duration,
    graces: u32,
) -> PresenceRules {
    PresenceRules::new(bank, refill, grace, seat_keep, graces, 10).expect("valid rules")
}

/// A server with one heads-up-friendly hold'em table, 1/2, with `clock` and `rules`.
async fn start(dir: &std::path::Path, clock: Duration, rules: PresenceRules) -> TestServer {
    let table = TableConfig::new(
        TableId::parse(TABLE).expect("name"),
        1,
        TableGame::NoLimitHoldem,
        (1, 2),
        6,
        (40, 400),
    )
    .expect("table")
    .with_clocks(clock, LONG, LONG, Duration::ZERO)
    .expect("clocks")
    .with_presence(rules);
    let config = config_in(dir, ConfigLayer::default())
        .with_tables(vec![table])
        .expect("tables");
    TestServer::start_with(config).await
}

/// Signs `name` up, opens a socket and sits in `seat`.
async fn seated(client: &Client, name: &str, seat: u8) -> (String, Conn) {
    let token = client.sign_up(name, PASSWORD).await;
    let mut conn = Conn::open(client, Some(&token)).await;
    assert_eq!(
        conn.code(json!({"type": "sit", "seat": seat, "buy_in": BUY_IN}))
            .await,
        "ack"
    );
    (token, conn)
}

async fn observer(client: &Client) -> Conn {
    let mut conn = Conn::open(client, None).await;
    assert_eq!(conn.code(json!({"type": "watch"})).await, "ack");
    conn
}

/// Reads `conn`'s messages in order until one satisfies `stop` (returned), appending every
/// sequenced event (snapshots are not sequenced) to `log`.
async fn read_until(conn: &mut Conn, log: &mut Vec<Value>, stop: impl Fn(&Value) -> bool) -> Value {
    loop {
        let message = conn.next(|_| true).await;
        if message["type"] == "event" && message["event"]["kind"] != "snapshot" {
            log.push(message.clone());
        }
        if stop(&message) {
            return message;
        }
    }
}

fn kind_is<'a>(kind: &'a str) -> impl Fn(&Value) -> bool + 'a {
    move |m: &Value| m["type"] == "event" && m["event"]["kind"] == kind
}

fn seq(message: &Value) -> u64 {
    message["seq"].as_u64().expect("seq")
}

/// Sends `resume` from `last_seq` and returns what came before its answer, in order.
async fn resume(conn: &mut Conn, last_seq: u64) -> Vec<Value> {
    const ID: u64 = 9_000;
    conn.send_text(
        json!({"v": 1, "id": ID, "type": "resume", "table": TABLE, "last_seq": last_seq})
            .to_string(),
    )
    .await;
    let mut before = Vec::new();
    loop {
        let message = conn.next(|_| true).await;
        if message["id"] == ID {
            assert_eq!(message["type"], "ack", "{message}");
            return before;
        }
        before.push(message);
    }
}

/// Asserts `seqs` run without gaps or repeats.
fn assert_contiguous(seqs: &[u64]) {
    for pair in seqs.windows(2) {
        assert_eq!(pair[1], pair[0] + 1, "gap or repeat in {seqs:?}");
    }
}

/// Plays hand `hand` to its end as seen by `watcher`: the seat to act checks if it may,
/// otherwise calls. `players` maps seats to their connections.
async fn check_down(watcher: &mut Conn, hand: u64, players: &mut [(u8, &mut Conn)]) -> Vec<Value> {
    let mut log = Vec::new();
    loop {
        let message = read_until(watcher, &mut log, |m| {
            m["type"] == "event"
                && (m["event"]["kind"] == "to_act" || m["event"]["kind"] == "hand_ended")
        })
        .await;
        let event = &message["event"];
        if event["kind"] == "hand_ended" {
            assert_eq!(event["hand"], hand);
            return log;
        }
        let seat = event["seat"].as_u64().expect("seat");
        let action = if event["legal"]["can_check"] == true {
            "check"
        } else {
            "call"
        };
        let (_, conn) = players
            .iter_mut()
            .find(|(s, _)| u64::from(*s) == seat)
            .expect("a player in that seat");
        assert_eq!(
            conn.code(json!({"type": "act", "hand": hand, "action": action}))
                .await,
            "ack"
        );
    }
}

/// Both players ask for server-generated seeds for `hand` once it is announced.
async fn server_seeds(hand: u64, players: [&mut Conn; 2]) {
    for conn in players {
        conn.hand_event("hand_announced", hand).await;
        assert_eq!(
            conn.code(json!({"type": "server_seed", "hand": hand}))
                .await,
            "ack"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_socket_resumes_with_exactly_the_missed_events_and_only_its_own_cards() {
    let dir = tempfile::tempdir().expect("temp dir");
    let no_bank = rules(Duration::ZERO, Duration::ZERO, LONG, LONG, 3);
    let server = start(dir.path(), LONG, no_bank).await;
    let client = server.client();
    let mut watcher = observer(&client).await;
    let (alice_token, mut alice) = seated(&client, "alice", 0).await;
    let (bob_token, mut bob) = seated(&client, "bob", 3).await;

    // Alice asks for her seed, then her socket drops before the deal.
    let mut alice_log = Vec::new();
    read_until(&mut alice, &mut alice_log, kind_is("hand_announced")).await;
    assert_eq!(
        alice.code(json!({"type": "server_seed", "hand": 1})).await,
        "ack"
    );
    let last_seen = seq(alice_log.last().expect("events"));
    drop(alice);
    let gone = bob.event("player_status").await;
    assert_eq!(
        (gone["seat"].clone(), gone["connected"].clone()),
        (json!(0), json!(false))
    );
    assert_eq!(gone["seat_kept_ms"], json!(LONG.as_millis() as u64));

    // The hand is dealt while she is away.
    bob.hand_event("hand_announced", 1).await;
    assert_eq!(
        bob.code(json!({"type": "server_seed", "hand": 1})).await,
        "ack"
    );
    bob.event("to_act").await;

    // A new socket with the same token resumes: exactly the missed events, in order, with her
    // own hole cards and not bob's; the seat was kept.
    let mut alice = Conn::open(&client, Some(&alice_token)).await;
    let replayed = resume(&mut alice, last_seen).await;
    assert!(replayed.len() >= 8, "{replayed:?}");
    let seqs: Vec<u64> = replayed.iter().map(seq).collect();
    assert_eq!(seqs[0], last_seen + 1);
    assert_contiguous(&seqs);
    let hole_cards: Vec<&Value> = replayed
        .iter()
        .map(|m| &m["event"])
        .filter(|e| e["kind"] == "hole_cards")
        .collect();
    assert_eq!(hole_cards.len(), 2, "{replayed:?}");
    for event in &hole_cards {
        let own = event["seat"] == 0;
        assert_eq!(event.get("cards").is_some(), own, "{event}");
    }
    let own_cards = hole_cards
        .iter()
        .find(|e| e["seat"] == 0)
        .map(|e| e["cards"].clone())
        .expect("own cards");
    assert_eq!(own_cards.as_array().map(Vec::len), Some(2));
    alice_log.extend(replayed.iter().cloned());

    // Both leave after this hand (so no next hand keeps the shutdown waiting).
    for conn in [&mut alice, &mut bob] {
        assert_eq!(conn.code(json!({"type": "leave"})).await, "ack");
    }

    // The hand plays out. The observer saw every event from seq 1 on; alice's copy of each
    // event she got is the observer's except for her own cards, and hers run without a gap
    // or a repeat across the drop.
    let observed = check_down(&mut watcher, 1, &mut [(0, &mut alice), (3, &mut bob)]).await;
    read_until(&mut alice, &mut alice_log, kind_is("hand_ended")).await;
    assert_contiguous(&alice_log.iter().map(seq).collect::<Vec<_>>());
    assert!(alice_log
        .iter()
        .any(|m| m["event"]["kind"] == "player_status" && m["event"]["connected"] == true));
    for message in &alice_log {
        let public = observed
            .iter()
            .find(|m| seq(m) == seq(message))
            .unwrap_or_else(|| panic!("the observer never saw {message}"));
        let mut own = message.clone();
        if own["event"]["kind"] == "hole_cards" && own["event"]["seat"] == 0 {
            own["event"]
                .as_object_mut()
                .expect("object")
                .remove("cards");
        }
        assert_eq!(&own, public, "alice's copy differs beyond her own cards");
    }
    assert_chips_conserved(&client, &[&alice_token, &bob_token]).await;
    server.stop().await;
}

/// Waits until every player of `tokens` stood up, then checks no chip was made or lost.
async fn assert_chips_conserved(client: &Client, tokens: &[&str]) {
    let expected = STARTING_BALANCE * tokens.len() as u64;
    let deadline = Instant::now() + LONG;
    loop {
        let mut total = 0;
        for token in tokens {
            total += client.get("/api/v1/me", Some(token)).await.body["balance"]
                .as_u64()
                .expect("balance");
        }
        if total == expected {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{total} chips in accounts, not {expected}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_too_far_behind_gets_a_snapshot_with_its_own_cards() {
    let dir = tempfile::tempdir().expect("temp dir");
    let no_bank = rules(Duration::ZERO, Duration::ZERO, LONG, LONG, 3);
    let server = start(dir.path(), LONG, no_bank).await;
    let client = server.client();
    let (alice_token, mut alice) = seated(&client, "alice", 0).await;
    let (bob_token, mut bob) = seated(&client, "bob", 3).await;
    server_seeds(1, [&mut alice, &mut bob]).await;

    // Alice sees her cards, then her socket drops.
    let mut alice_log = Vec::new();
    let own = read_until(&mut alice, &mut alice_log, |m| {
        kind_is("hole_cards")(m) && m["event"]["seat"] == 0
    })
    .await;
    let own_cards = own["event"]["cards"].clone();
    assert_eq!(own_cards.as_array().map(Vec::len), Some(2));
    let last_seen = seq(alice_log.last().expect("events"));
    drop(alice);

    // More events than the table keeps happen meanwhile: carol, seated for the next hand,
    // flaps her connection (each flap is two `player_status` events).
    let (carol_token, mut carol) = seated(&client, "carol", 5).await;
    // Sent in batches without waiting for each answer, so small writes do not each wait
    // for a delayed TCP acknowledgement.
    const BATCH: u64 = 32;
    let flaps = REPLAY_BUFFER_EVENTS_MAX as u64 / 2 + 1;
    let mut id = 10_000;
    for batch in 0..flaps.div_ceil(BATCH) {
        let first = id;
        for _ in 0..BATCH.min(flaps - batch * BATCH) {
            for kind in ["unwatch", "watch"] {
                let request = json!({"v": 1, "id": id, "type": kind, "table": TABLE});
                carol.send_text(request.to_string()).await;
                id += 1;
            }
        }
        for answered in first..id {
            let answer = carol.next(|m| m["id"] == answered).await;
            assert_eq!(answer["type"], "ack", "{answer}");
        }
    }

    // Resuming now gets a snapshot of the hand in play with her own cards, then live events.
    let mut alice = Conn::open(&client, Some(&alice_token)).await;
    let before = resume(&mut alice, last_seen).await;
    assert_eq!(before.len(), 1, "{before:?}");
    let snapshot = &before[0];
    assert_eq!(snapshot["event"]["kind"], "snapshot");
    assert!(seq(snapshot) > last_seen + REPLAY_BUFFER_EVENTS_MAX as u64);
    assert_eq!(snapshot["event"]["hand"], 1);
    assert_eq!(snapshot["event"]["your_cards"], own_cards);
    let play = &snapshot["event"]["play"];
    assert_eq!((&play["street"], &play["board"]), (&json!(0), &json!([])));
    assert_eq!(
        play["pot"], 0,
        "the blinds are still in front of the players"
    );
    let bets: Vec<u64> = play["players"]
        .as_array()
        .expect("players")
        .iter()
        .map(|p| p["street_bet"].as_u64().expect("bet") + p["stack"].as_u64().expect("stack"))
        .collect();
    assert_eq!(bets, [BUY_IN, BUY_IN], "{play}");
    let to_act = play["to_act"]["seat"].as_u64().expect("a seat to act");
    assert!(to_act == 0 || to_act == 3);
    // An observer's snapshot has no cards.
    let mut watcher = Conn::open(&client, None).await;
    let seen = resume(&mut watcher, 0).await;
    assert_eq!(seen[0]["event"]["kind"], "snapshot");
    assert!(seen[0]["event"].get("your_cards").is_none());

    // Live events follow the snapshot without a gap; the hand plays out.
    for conn in [&mut alice, &mut bob, &mut carol] {
        assert_eq!(conn.code(json!({"type": "leave"})).await, "ack");
    }
    // The turn in the snapshot is acted on from the snapshot alone.
    let legal = &play["to_act"]["legal"];
    let action = if legal["can_check"] == true {
        "check"
    } else {
        "call"
    };
    let actor = if to_act == 0 { &mut alice } else { &mut bob };
    assert_eq!(
        actor
            .code(json!({"type": "act", "hand": 1, "action": action}))
            .await,
        "ack"
    );
    let mut after = Vec::new();
    let mut players = [(0, &mut alice), (3, &mut bob)];
    check_down(&mut watcher, 1, &mut players).await;
    read_until(&mut alice, &mut after, kind_is("hand_ended")).await;
    assert_eq!(seq(&after[0]), seq(snapshot) + 1, "{after:?}");
    assert_contiguous(&after.iter().map(seq).collect::<Vec<_>>());
    assert_chips_conserved(&client, &[&alice_token, &bob_token, &carol_token]).await;
    server.stop().await;
}

/// The next sequenced event `conn` receives.
async fn next_event(conn: &mut Conn) -> Value {
    read_until(conn, &mut Vec::new(), |m| {
        m["type"] == "event" && m["event"]["kind"] != "snapshot"
    })
    .await["event"]
        .clone()
}

/// Checks the seat to act if it may, otherwise calls.
async fn check_or_call(conn: &mut Conn, hand: u64, to_act: &Value) {
    let action = if to_act["legal"]["can_check"] == true {
        "check"
    } else {
        "call"
    };
    assert_eq!(
        conn.code(json!({"type": "act", "hand": hand, "action": action}))
            .await,
        "ack"
    );
}

fn timed_out(event: &Value, seat: u64) -> bool {
    (event["kind"] == "checked" || event["kind"] == "folded")
        && event["seat"] == seat
        && event["timed_out"] == true
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_time_bank_runs_after_the_clock_is_announced_spent_and_refilled() {
    // Long enough that Q, answering at once, never reaches its bank on a loaded machine.
    const CLOCK: Duration = Duration::from_millis(1_000);
    const BANK: u64 = 2_000;
    const REFILL: u64 = 500;
    let dir = tempfile::tempdir().expect("temp dir");
    let bank = rules(
        Duration::from_millis(BANK),
        Duration::from_millis(REFILL),
        LONG,
        LONG,
        3,
    );
    let server = start(dir.path(), CLOCK, bank).await;
    let client = server.client();
    let mut watcher = observer(&client).await;
    let (alice_token, mut alice) = seated(&client, "alice", 0).await;
    let (bob_token, mut bob) = seated(&client, "bob", 3).await;
    server_seeds(1, [&mut alice, &mut bob]).await;

    // P is the first to act; Q, the other, always acts at once.
    let mut p: Option<u64> = None;
    let mut p_turns = 0;
    loop {
        let event = next_event(&mut watcher).await;
        if event["kind"] == "hand_ended" {
            break;
        }
        if event["kind"] != "to_act" {
            continue;
        }
        let seat = event["seat"].as_u64().expect("seat");
        let p_seat = *p.get_or_insert(seat);
        let conn = if seat == 0 { &mut alice } else { &mut bob };
        if seat != p_seat {
            assert_eq!(event["time_bank_ms"], BANK, "Q never used its bank");
            check_or_call(conn, 1, &event).await;
            continue;
        }
        p_turns += 1;
        let left = event["time_bank_ms"].as_u64().expect("bank");
        match p_turns {
            1 => {
                // The clock runs out; the whole bank starts and is announced; P acts in it.
                assert_eq!(left, BANK);
                let extended = next_event(&mut watcher).await;
                assert_eq!(extended["kind"], "time_extended", "{extended}");
                assert_eq!(
                    (&extended["seat"], &extended["reason"], &extended["ms"]),
                    (&json!(seat), &json!("time_bank"), &json!(BANK))
                );
                assert!(extended.get("graces_left").is_none());
                check_or_call(conn, 1, &event).await;
            }
            2 => {
                // What P used came out of the bank; the rest runs out, then the time-out.
                assert!(0 < left && left < BANK, "{event}");
                let extended = next_event(&mut watcher).await;
                assert_eq!(
                    (&extended["kind"], &extended["ms"]),
                    (&json!("time_extended"), &json!(left))
                );
                let after = next_event(&mut watcher).await;
                assert!(timed_out(&after, seat), "{after}");
            }
            3 => {
                // An empty bank: the time-out comes right after the clock.
                assert_eq!(left, 0, "{event}");
                let after = next_event(&mut watcher).await;
                assert!(timed_out(&after, seat), "{after}");
            }
            _ => check_or_call(conn, 1, &event).await,
        }
    }
    assert!(p_turns >= 3, "P acted on every street");

    // After the hand P's bank gets the refill; Q's stays full.
    server_seeds(2, [&mut alice, &mut bob]).await;
    for conn in [&mut alice, &mut bob] {
        assert_eq!(conn.code(json!({"type": "leave"})).await, "ack");
    }
    let p = p.expect("P");
    let log = check_down(&mut watcher, 2, &mut [(0, &mut alice), (3, &mut bob)]).await;
    let first_bank = |seat: u64| {
        log.iter()
            .map(|m| &m["event"])
            .find(|e| e["kind"] == "to_act" && e["seat"] == seat)
            .map(|e| e["time_bank_ms"].clone())
            .expect("a turn")
    };
    assert_eq!(first_bank(p), json!(REFILL));
    assert_eq!(first_bank(3 - p), json!(BANK));
    assert_chips_conserved(&client, &[&alice_token, &bob_token]).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disconnected_player_gets_a_limited_grace_then_the_time_out_and_loses_the_seat_later() {
    // Long enough that the connected player, answering at once, never reaches its bank.
    const CLOCK: Duration = Duration::from_millis(1_000);
    const GRACE: Duration = Duration::from_millis(800);
    const SEAT_KEEP: Duration = Duration::from_secs(5);
    let dir = tempfile::tempdir().expect("temp dir");
    // A big bank, to show it is not spent while disconnected; one grace per 10 hands.
    let grace = rules(Duration::from_secs(5), Duration::ZERO, GRACE, SEAT_KEEP, 1);
    let server = start(dir.path(), CLOCK, grace).await;
    let client = server.client();
    let mut watcher = observer(&client).await;
    let (alice_token, alice) = seated(&client, "alice", 0).await;
    let (bob_token, bob) = seated(&client, "bob", 3).await;
    let mut conns = [Some(alice), Some(bob)];
    let tokens = [alice_token, bob_token];
    let index = |seat: u64| usize::from(seat != 0);
    {
        let [Some(a), Some(b)] = &mut conns else {
            unreachable!()
        };
        server_seeds(1, [a, b]).await;
    }

    // Hand 1: X, the first to act, drops. After the clock comes the grace (not the bank),
    // then the time-out fold.
    let to_act =
        read_until(&mut watcher, &mut Vec::new(), kind_is("to_act")).await["event"].clone();
    let started = Instant::now();
    let x = to_act["seat"].as_u64().expect("seat");
    drop(conns[index(x)].take());
    let status = next_event(&mut watcher).await;
    assert_eq!(
        (&status["kind"], &status["seat"], &status["connected"]),
        (&json!("player_status"), &json!(x), &json!(false))
    );
    assert_eq!(status["seat_kept_ms"], json!(SEAT_KEEP.as_millis() as u64));
    let extended = next_event(&mut watcher).await;
    assert_eq!(extended["kind"], "time_extended", "{extended}");
    assert_eq!(
        (&extended["seat"], &extended["reason"], &extended["ms"]),
        (
            &json!(x),
            &json!("disconnect_grace"),
            &json!(GRACE.as_millis() as u64)
        )
    );
    assert_eq!(extended["graces_left"], 0);
    let folded = next_event(&mut watcher).await;
    assert!(timed_out(&folded, x), "{folded}");
    assert!(
        started.elapsed() + Duration::from_millis(100) >= CLOCK + GRACE,
        "{:?}",
        started.elapsed()
    );
    read_until(&mut watcher, &mut Vec::new(), kind_is("hand_ended")).await;

    // The seat is kept: X comes back on a new socket and is dealt into hand 2.
    let mut back = Conn::open(&client, Some(&tokens[index(x)])).await;
    assert_eq!(back.code(json!({"type": "watch"})).await, "ack");
    conns[index(x)] = Some(back);
    let announced = read_until(&mut watcher, &mut Vec::new(), kind_is("hand_announced")).await;
    assert_eq!(announced["event"]["hand"], 2);
    assert_eq!(announced["event"]["seats"], json!([0, 3]));
    {
        let [Some(a), Some(b)] = &mut conns else {
            unreachable!()
        };
        server_seeds(2, [a, b]).await;
    }

    // Hand 2: X drops again when to act. The grace is used up in this window of hands, so
    // the time-out (check if free, else fold) follows the clock directly, on every turn.
    let mut x_turns = 0;
    loop {
        let event = next_event(&mut watcher).await;
        match event["kind"].as_str() {
            Some("hand_ended") => break,
            Some("time_extended") => panic!("no extension is due: {event}"),
            Some("to_act") if event["seat"] == x => {
                x_turns += 1;
                drop(conns[index(x)].take());
            }
            Some("to_act") => {
                let seat = event["seat"].as_u64().expect("seat");
                let conn = conns[index(seat)].as_mut().expect("connected");
                check_or_call(conn, 2, &event).await;
            }
            _ => {}
        }
    }
    assert!(x_turns >= 1);

    // Not dealt in while away; stood up with the chips returned once the keep ends.
    let mut meanwhile = Vec::new();
    let left = read_until(&mut watcher, &mut meanwhile, kind_is("left")).await["event"].clone();
    assert_eq!(left["seat"], json!(x));
    assert!(
        meanwhile
            .iter()
            .all(|m| m["event"]["kind"] != "hand_announced"),
        "{meanwhile:?}"
    );
    let cashed_out = left["cashed_out"].as_u64().expect("chips");
    let balance = client.get("/api/v1/me", Some(&tokens[index(x)])).await.body["balance"]
        .as_u64()
        .expect("balance");
    assert_eq!(balance, STARTING_BALANCE - BUY_IN + cashed_out);
    let other = conns[index(3 - x)].as_mut().expect("connected");
    assert_eq!(other.code(json!({"type": "leave"})).await, "ack");
    assert_chips_conserved(&client, &[&tokens[0], &tokens[1]]).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_last_seq_from_before_a_restart_gets_a_snapshot_not_another_runs_events() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start(dir.path(), LONG, PresenceRules::default()).await;
    let client = server.client();
    let (token, mut alice) = seated(&client, "alice", 0).await;
    let seated_event = read_until(&mut alice, &mut Vec::new(), kind_is("seated")).await;
    let last_seen = seq(&seated_event);
    drop(alice);
    server.stop().await;

    // The session survives the restart; the seat does not (its chips went back).
    let server = start(dir.path(), LONG, PresenceRules::default()).await;
    let client = server.client();
    let mut alice = Conn::open(&client, Some(&token)).await;
    let before = resume(&mut alice, last_seen).await;
    assert_eq!(before.len(), 1, "{before:?}");
    assert_eq!(before[0]["event"]["kind"], "snapshot");
    assert!(seq(&before[0]) > last_seen, "{} {last_seen}", before[0]);
    assert_eq!(before[0]["event"]["seats"], json!([]));
    assert_chips_conserved(&client, &[&token]).await;
    server.stop().await;
}
