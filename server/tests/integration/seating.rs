//! Sitting out and missed blinds end to end: real clients on a real server whose hands play
//! themselves on short clocks (server-generated seeds, time-outs check or fold). A player
//! who sits out is not dealt in and comes to owe the blinds that pass; back in, they post
//! them (big blind live, small blind dead) or wait for the big blind; a pending sit-out
//! takes effect between hands; too long sitting out stands a player up. Every record
//! verifies, and every chip is back in the accounts at the end.

use std::time::Duration;

use fairness::{
    verify_chain, KeyRing, Predecessor, PublicKey, SignatureMode, SignedHandRecord, VerifiedHand,
};
use poker_server::config::ConfigLayer;
use poker_server::table::PresenceRules;
use serde_json::{json, Value};

use crate::support::{config_in, holdem_table, Client, TestServer};
use crate::table_errors::Conn;

const PASSWORD: &str = "correct horse battery";
const TABLE: &str = "t-nlhe";
const BUY_IN: u64 = 200;
/// Every account's balance on signing up.
const STARTING_BALANCE: u64 = 10_000;
/// Most hands any single wait in these tests lets go by.
const HANDS_WAITED_MAX: usize = 16;

/// A 1/2 hold'em table whose hands run on their own: nobody commits, so seeds are
/// server-generated after the commit window, and every action is a time-out.
pub(crate) async fn start_server(dir: &std::path::Path, sit_out_hands_max: u32) -> TestServer {
    start_table(
        dir,
        sit_out_hands_max,
        Duration::from_millis(100),
        Duration::from_secs(5),
        PresenceRules::default(),
    )
    .await
}

/// The test table with these seed windows and `presence` rules, less the time bank.
async fn start_table(
    dir: &std::path::Path,
    sit_out_hands_max: u32,
    commit_window: Duration,
    reveal_window: Duration,
    presence: PresenceRules,
) -> TestServer {
    let table = holdem_table(
        TABLE,
        (Duration::from_millis(150), commit_window, reveal_window),
        presence,
    )
    .with_sit_out_hands_max(sit_out_hands_max);
    let config = config_in(dir, ConfigLayer::default())
        .with_tables(vec![table])
        .expect("tables");
    TestServer::start_with(config).await
}

pub(crate) struct Seated {
    pub(crate) token: String,
    pub(crate) conn: Conn,
}

/// Signs up `name` and sits at `seat`.
pub(crate) async fn sit(client: &Client, name: &str, seat: u8) -> Seated {
    let token = client.sign_up(name, PASSWORD).await;
    let mut conn = Conn::open(client, Some(&token)).await;
    let answer = conn
        .code(json!({"type": "sit", "seat": seat, "buy_in": BUY_IN}))
        .await;
    assert_eq!(answer, "ack", "{name} sits");
    Seated { token, conn }
}

/// The next event of `kind` with a sequence number above `after`, and that number.
pub(crate) async fn event_after(conn: &mut Conn, kind: &str, after: u64) -> (u64, Value) {
    let message = conn
        .next(|m| {
            m["type"] == "event" && m["event"]["kind"] == kind && m["seq"].as_u64() > Some(after)
        })
        .await;
    (
        message["seq"].as_u64().expect("seq"),
        message["event"].clone(),
    )
}

/// Hand announcements after `after`, until one satisfies `wanted`; every one before it must
/// satisfy `meanwhile`.
pub(crate) async fn announcement_where(
    conn: &mut Conn,
    mut after: u64,
    wanted: impl Fn(&Value) -> bool,
    meanwhile: impl Fn(&Value) -> bool,
) -> (u64, Value) {
    for _ in 0..HANDS_WAITED_MAX {
        let (seq, event) = event_after(conn, "hand_announced", after).await;
        if wanted(&event) {
            return (seq, event);
        }
        assert!(meanwhile(&event), "{event}");
        after = seq;
    }
    panic!("no such hand within {HANDS_WAITED_MAX} hands");
}

pub(crate) fn dealt(event: &Value) -> Vec<u64> {
    event["seats"]
        .as_array()
        .expect("seats")
        .iter()
        .map(|s| s.as_u64().expect("seat"))
        .collect()
}

fn posts(event: &Value) -> Vec<Value> {
    event["announcement"]["body"]["setup"]["posts"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn button(event: &Value) -> u64 {
    event["announcement"]["body"]["setup"]["button"]
        .as_u64()
        .expect("button")
}

/// The seat after `from` among `seats` (ascending), wrapping.
fn next_after(seats: &[u64], from: u64) -> u64 {
    seats
        .iter()
        .copied()
        .find(|&s| s > from)
        .unwrap_or(seats[0])
}

/// (small blind, big blind) of a hand dealt to `seats` with `button`.
fn blinds(seats: &[u64], button: u64) -> (u64, u64) {
    if seats.len() == 2 {
        (button, next_after(seats, button))
    } else {
        let small = next_after(seats, button);
        (small, next_after(seats, small))
    }
}

/// A fresh snapshot of the table (sent at or after event `after`).
async fn snapshot(conn: &mut Conn, after: u64) -> Value {
    assert_eq!(conn.code(json!({"type": "watch"})).await, "ack");
    conn.next(|m| m["event"]["kind"] == "snapshot" && m["seq"].as_u64() >= Some(after))
        .await["event"]
        .clone()
}

/// The status of `seat` in a fresh snapshot.
async fn status_of(conn: &mut Conn, seat: u64, after: u64) -> Value {
    snapshot(conn, after).await["seats"]
        .as_array()
        .expect("seats")
        .iter()
        .find(|s| s["seat"] == seat)
        .cloned()
        .expect("the seat is in the snapshot")
}

/// Hand announcements after `after` until `seat` owes both blinds (at most
/// `HANDS_WAITED_MAX`); `each` checks every announcement and the seat's status after it.
/// Returns the last announcement's sequence number.
pub(crate) async fn until_owing_both(
    conn: &mut Conn,
    seat: u64,
    mut after: u64,
    each: impl Fn(&Value, &Value),
) -> u64 {
    for _ in 0..HANDS_WAITED_MAX {
        let (seq, event) = event_after(conn, "hand_announced", after).await;
        after = seq;
        let status = status_of(conn, seat, seq).await;
        each(&event, &status);
        if status["owes"] == "both" {
            break;
        }
    }
    assert_eq!(status_of(conn, seat, after).await["owes"], "both");
    after
}

/// Hand announcements after `after` (at most `HANDS_WAITED_MAX`) until one after which
/// `seat`, dealt back in, would be neither the small nor the big blind; returns the last
/// announcement's sequence number. Only a hand still in play counts: the client may read
/// announcements late.
async fn until_back_in_spares_the_blinds(conn: &mut Conn, seat: u64, after: u64) -> u64 {
    let mut announced = after;
    for _ in 0..HANDS_WAITED_MAX {
        let (seq, event) = event_after(conn, "hand_announced", announced).await;
        announced = seq;
        if snapshot(conn, seq).await["hand"] != event["hand"] {
            continue;
        }
        let mut next_seats = dealt(&event);
        next_seats.push(seat);
        next_seats.sort_unstable();
        let next_button = next_after(&next_seats, button(&event));
        let (small, big) = blinds(&next_seats, next_button);
        if small != seat && big != seat {
            break;
        }
    }
    announced
}

/// Every record of the test table verifies as one chain; returns them.
async fn verified_records(client: &Client, token: &str) -> Vec<SignedHandRecord> {
    verified_chain(client, token, TABLE).await.0
}

/// Every record of `table`, fetched page by page, verifies as one chain under the server's
/// published key, from genesis; returns the records and what each verified to.
async fn verified_chain(
    client: &Client,
    token: &str,
    table: &str,
) -> (Vec<SignedHandRecord>, Vec<VerifiedHand>) {
    let key = client.get("/api/v1/server-key", None).await;
    let public = PublicKey::from_hex(key.body["public_key"].as_str().expect("hex")).expect("key");
    let records = table_records(client, token, table).await;
    let verified = verify_chain(
        &records,
        &KeyRing::new(public),
        Predecessor::Genesis,
        SignatureMode::Strict,
    )
    .unwrap_or_else(|err| panic!("{err:?}"));
    assert_eq!(verified.len(), records.len());
    (records, verified)
}

/// Everyone in `players` leaves; returns once the table confirmed each.
pub(crate) async fn everyone_leaves(players: &mut [&mut Seated], seats: &[u64]) {
    for player in players.iter_mut() {
        assert_eq!(player.conn.code(json!({"type": "leave"})).await, "ack");
    }
    let watcher = &mut players[0].conn;
    for &seat in seats {
        watcher
            .next(|m| m["event"]["kind"] == "left" && m["event"]["seat"] == seat)
            .await;
    }
}

/// The accounts of `tokens` hold this many chips between them.
pub(crate) async fn balances(client: &Client, tokens: &[impl AsRef<str>]) -> u64 {
    let mut total = 0;
    for token in tokens {
        let me = client.get("/api/v1/me", Some(token.as_ref())).await;
        total += me.body["balance"].as_u64().expect("balance");
    }
    total
}

/// Every chip is back: the accounts of `tokens` hold their starting balances (10,000
/// each) between them.
async fn every_chip_back(client: &Client, tokens: &[impl AsRef<str>]) {
    assert_eq!(
        balances(client, tokens).await,
        STARTING_BALANCE * tokens.len() as u64
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missed_blinds_are_posted_or_waited_for_and_every_record_verifies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start_server(dir.path(), 1000).await;
    let client = server.client();
    let mut alice = sit(&client, "alice", 0).await;
    let mut bob = sit(&client, "bob", 2).await;
    let mut carol = sit(&client, "carol", 4).await;
    let mut dave = sit(&client, "dave", 5).await;

    // Everyone is dealt in sooner or later (the late comers owed a big blind).
    let all = |e: &Value| dealt(e) == [0, 2, 4, 5];
    let (seq, _) = announcement_where(&mut carol.conn, 0, all, |_| true).await;

    // Carol sits out (at once, or when her hand ends) and is dealt no more.
    assert_eq!(carol.conn.code(json!({"type": "sit_out"})).await, "ack");
    let (seq, event) = event_after(&mut carol.conn, "sat_out", seq).await;
    assert_eq!(
        event,
        json!({"kind": "sat_out", "seat": 4, "player": "carol"})
    );
    let without_carol = |e: &Value| !dealt(e).contains(&4);
    // The blinds pass her seat: she comes to owe both.
    let after = until_owing_both(&mut carol.conn, 4, seq, |event, status| {
        assert!(without_carol(event), "{event}");
        assert_eq!(status["sitting_out"], true);
    })
    .await;
    // She comes back when the next hand would put her neither in the small nor in the
    // big blind, so she posts: 2 live, 1 dead.
    let announced = until_back_in_spares_the_blinds(&mut carol.conn, 4, after).await;
    assert_eq!(carol.conn.code(json!({"type": "sit_in"})).await, "ack");
    let (seq, back) = event_after(&mut carol.conn, "sat_in", announced).await;
    assert_eq!(
        back,
        json!({"kind": "sat_in", "seat": 4, "player": "carol", "owes": "both", "wait_for_big_blind": false})
    );
    let (seq, hand) = event_after(&mut carol.conn, "hand_announced", seq).await;
    assert!(dealt(&hand).contains(&4), "{hand}");
    assert_eq!(posts(&hand), [json!({"seat": 4, "live": 2, "dead": 1})]);
    let (seq, posted) = event_after(&mut carol.conn, "posted", seq).await;
    assert_eq!(
        posted,
        json!({"kind": "posted", "seat": 4, "live": 2, "dead": 1, "all_in": false})
    );
    assert_eq!(status_of(&mut carol.conn, 4, seq).await["owes"], "none");

    // Dave sits out, then comes back waiting for the big blind: he is dealt in only as the
    // big blind, and posts nothing.
    assert_eq!(dave.conn.code(json!({"type": "sit_out"})).await, "ack");
    let out = dave
        .conn
        .next(|m| m["event"]["kind"] == "sat_out" && m["event"]["seat"] == 5)
        .await;
    let mut seq = out["seq"].as_u64().expect("seq");
    for _ in 0..HANDS_WAITED_MAX {
        let (next, event) = event_after(&mut dave.conn, "hand_announced", seq).await;
        assert!(!dealt(&event).contains(&5), "{event}");
        seq = next;
        if status_of(&mut dave.conn, 5, seq).await["owes"] != "none" {
            break;
        }
    }
    assert_ne!(status_of(&mut dave.conn, 5, seq).await["owes"], "none");
    assert_eq!(
        dave.conn
            .code(json!({"type": "sit_in", "wait_for_big_blind": true}))
            .await,
        "ack"
    );
    let (seq, back) = event_after(&mut dave.conn, "sat_in", seq).await;
    assert_eq!(back["wait_for_big_blind"], true);
    let (_, hand) = announcement_where(
        &mut dave.conn,
        seq,
        |e| dealt(e).contains(&5),
        |e| !dealt(e).contains(&5),
    )
    .await;
    assert_eq!(blinds(&dealt(&hand), button(&hand)).1, 5, "{hand}");
    assert!(posts(&hand).iter().all(|p| p["seat"] != 5), "{hand}");

    // Leaving returns every chip; every record verifies, the posts included.
    everyone_leaves(
        &mut [&mut alice, &mut bob, &mut carol, &mut dave],
        &[0, 2, 4, 5],
    )
    .await;
    every_chip_back(
        &client,
        &[&alice.token, &bob.token, &carol.token, &dave.token],
    )
    .await;
    let records = verified_records(&client, &alice.token).await;
    assert!(records.iter().any(|r| r
        .body()
        .announcement()
        .body()
        .setup()
        .posts()
        .iter()
        .any(|p| p.seat == 4 && p.live == 2 && p.dead == 1)));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sit_out_next_hand_waits_for_the_hand_and_sitting_out_too_long_stands_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start_server(dir.path(), 2).await;
    let client = server.client();

    // Refusals are typed.
    let mut observer = Conn::open(&client, None).await;
    assert_eq!(
        observer.code(json!({"type": "sit_out"})).await,
        "not_authenticated"
    );
    let erin = client.sign_up("erin", PASSWORD).await;
    let mut erin = Conn::open(&client, Some(&erin)).await;
    assert_eq!(erin.code(json!({"type": "sit_in"})).await, "not_seated");
    assert_eq!(
        erin.code(json!({"type": "sit_out_next_hand", "on": "yes"}))
            .await,
        "malformed"
    );

    let mut alice = sit(&client, "alice", 0).await;
    let mut bob = sit(&client, "bob", 2).await;
    let mut carol = sit(&client, "carol", 4).await;
    assert_eq!(
        alice.conn.code(json!({"type": "sit_in"})).await,
        "not_sitting_out"
    );
    let all = |e: &Value| dealt(e) == [0, 2, 4];
    let (seq, _) = announcement_where(&mut alice.conn, 0, all, |_| true).await;

    // Alice flags "sit out next hand" during a hand she is in: the flag is announced, and
    // she sits out when it ends.
    assert_eq!(
        alice.conn.code(json!({"type": "sit_out_next_hand"})).await,
        "ack"
    );
    let (flag_seq, flag) = event_after(&mut alice.conn, "sit_out_next_hand", seq).await;
    assert_eq!(
        flag,
        json!({"kind": "sit_out_next_hand", "seat": 0, "on": true})
    );
    let (ended, _) = event_after(&mut alice.conn, "hand_ended", flag_seq).await;
    let (out_seq, _) = event_after(&mut alice.conn, "sat_out", flag_seq).await;
    assert!(out_seq > ended, "she sat out after her hand ended");
    assert_eq!(
        alice.conn.code(json!({"type": "sit_out"})).await,
        "already_sitting_out"
    );

    // Bob flags and unflags: he keeps playing. (Should a hand end between his two
    // requests, he sits out for a moment and `sit_in` brings him back.)
    assert_eq!(
        bob.conn.code(json!({"type": "sit_out_next_hand"})).await,
        "ack"
    );
    assert_eq!(bob.conn.code(json!({"type": "sit_in"})).await, "ack");
    let (seq, flag) = event_after(&mut bob.conn, "sit_out_next_hand", out_seq).await;
    assert_eq!(
        flag,
        json!({"kind": "sit_out_next_hand", "seat": 2, "on": true})
    );
    let back = bob
        .conn
        .next(|m| {
            m["seq"].as_u64() > Some(seq)
                && ((m["event"]["kind"] == "sit_out_next_hand" && m["event"]["on"] == false)
                    || (m["event"]["kind"] == "sat_in" && m["event"]["seat"] == 2))
        })
        .await;
    let seq = back["seq"].as_u64().expect("seq");

    // Two hands dealt without alice, then she is stood up with her chips.
    let (seq, first) = event_after(&mut bob.conn, "hand_announced", seq).await;
    assert_eq!(dealt(&first), [2, 4]);
    let (_, second) = event_after(&mut bob.conn, "hand_announced", seq).await;
    assert_eq!(dealt(&second), [2, 4]);
    let left = alice
        .conn
        .next(|m| m["event"]["kind"] == "left" && m["event"]["seat"] == 0)
        .await["event"]
        .clone();
    let cashed_out = left["cashed_out"].as_u64().expect("chips");
    let me = client.get("/api/v1/me", Some(&alice.token)).await;
    assert_eq!(
        me.body["balance"].as_u64(),
        Some(STARTING_BALANCE - BUY_IN + cashed_out)
    );

    everyone_leaves(&mut [&mut bob, &mut carol], &[2, 4]).await;
    every_chip_back(&client, &[&alice.token, &bob.token, &carol.token]).await;
    verified_records(&client, &bob.token).await;
    server.stop().await;
}

/// The real binary with its default tables: a hand in which a late comer posted a big
/// blind is cut short by SIGKILL; on restart its void record carries the post, verifies,
/// and every chip is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hand_with_posts_cut_short_by_sigkill_is_voided_and_verifies_on_restart() {
    use crate::persistence::spawn_server;
    use fairness::HandStatus;

    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let (mut first, addr) = spawn_server(&data);
    let client = Client { addr };
    let table = "nlhe-1-2";
    let mut players = Vec::new();
    for (name, seat) in [("alice", 0u8), ("bob", 3), ("carol", 5)] {
        let token = client.sign_up(name, PASSWORD).await;
        let conn = Conn::open(&client, Some(&token)).await;
        players.push((seat, token, conn));
    }
    async fn sit_at(conn: &mut Conn, table: &str, seat: u8) {
        let body = json!({"type": "sit", "table": table, "seat": seat, "buy_in": 100});
        assert_eq!(conn.code(body).await, "ack");
    }
    for (seat, _, conn) in &mut players[..2] {
        sit_at(conn, table, *seat).await;
    }
    // Carol sits down once the game runs: she owes a big blind, and posts it when she is
    // dealt in anywhere but in the blinds.
    let first_hand = players[0]
        .2
        .next(|m| m["event"]["kind"] == "hand_announced")
        .await;
    let (seat, _, conn) = &mut players[2];
    sit_at(conn, table, *seat).await;
    let mut pending = Some(first_hand);
    let mut seen = 0;
    let mut posted_hand = None;
    for _ in 0..HANDS_WAITED_MAX {
        let (seq, announced) = match pending.take() {
            Some(message) => (
                message["seq"].as_u64().expect("seq"),
                message["event"].clone(),
            ),
            None => event_after(&mut players[0].2, "hand_announced", seen).await,
        };
        let hand = announced["hand"].as_u64().expect("hand");
        for (seat, _, conn) in &mut players {
            if dealt(&announced).contains(&u64::from(*seat)) {
                let seed = json!({"type": "server_seed", "table": table, "hand": hand});
                assert_eq!(conn.code(seed).await, "ack");
            }
        }
        if !posts(&announced).is_empty() {
            assert_eq!(
                posts(&announced),
                [json!({"seat": 5, "live": 2, "dead": 0})]
            );
            event_after(&mut players[0].2, "posted", seq).await;
            posted_hand = Some(hand);
            break;
        }
        // Everyone folds to the last player standing.
        loop {
            let next = players[0]
                .2
                .next(|m| {
                    (m["event"]["kind"] == "to_act" || m["event"]["kind"] == "hand_ended")
                        && m["event"]["hand"] == hand
                })
                .await;
            if next["event"]["kind"] == "hand_ended" {
                seen = next["seq"].as_u64().expect("seq");
                break;
            }
            let actor = next["event"]["seat"].as_u64().expect("seat");
            let (_, _, conn) = players
                .iter_mut()
                .find(|(seat, _, _)| u64::from(*seat) == actor)
                .expect("a player");
            let fold = json!({"type": "act", "table": table, "hand": hand, "action": "fold"});
            assert_eq!(conn.code(fold).await, "ack");
        }
    }
    let posted_hand = posted_hand.expect("carol posted within the hands waited");

    // SIGKILL: no shutdown code runs.
    first.0.kill().expect("SIGKILL");
    first.0.wait().expect("reaped");
    let tokens: Vec<String> = players.into_iter().map(|(_, token, _)| token).collect();

    let (_second, addr) = spawn_server(&data);
    let client = Client { addr };
    every_chip_back(&client, &tokens).await;
    let (records, verified) = verified_chain(&client, &tokens[0], table).await;
    let last = verified.last().expect("records");
    assert_eq!(last.hand_no, posted_hand);
    assert_eq!(last.status, HandStatus::VoidAborted);
    let setup = records
        .last()
        .expect("records")
        .body()
        .announcement()
        .body()
        .setup();
    assert_eq!(setup.posts().len(), 1);
    assert!(last.final_stacks.iter().all(|f| f.stack
        == setup
            .seats()
            .iter()
            .find(|s| s.seat == f.seat)
            .expect("seat")
            .stack));
}

/// Fetches every record of `table` in order, through the paged REST endpoint.
async fn table_records(client: &Client, token: &str, table: &str) -> Vec<SignedHandRecord> {
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
async fn a_debt_survives_a_hand_voided_before_the_deal_and_the_same_button_deals_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A commit window long enough for alice to commit in, a short reveal window.
    let server = start_table(
        dir.path(),
        1000,
        Duration::from_millis(1500),
        Duration::from_millis(300),
        PresenceRules::default(),
    )
    .await;
    let client = server.client();
    let mut alice = sit(&client, "alice", 0).await;
    let mut bob = sit(&client, "bob", 2).await;
    let (seq, _) = announcement_where(&mut alice.conn, 0, |e| dealt(e) == [0, 2], |_| true).await;

    // Carol sits down at the running game and owes a big blind; she posts it in the first
    // hand she is dealt (never in the big blind first: see `missed_blinds.rs`).
    let mut carol = sit(&client, "carol", 4).await;
    assert_eq!(status_of(&mut carol.conn, 4, 0).await["owes"], "big");
    let (seq, voided) = announcement_where(
        &mut alice.conn,
        seq,
        |e| dealt(e).contains(&4),
        |e| !dealt(e).contains(&4),
    )
    .await;
    assert_eq!(posts(&voided), [json!({"seat": 4, "live": 2, "dead": 0})]);
    let hand = voided["hand"].as_u64().expect("hand");

    // Alice commits to a seed she never reveals: the hand is voided before the deal.
    assert_eq!(
        alice
            .conn
            .code(json!({"type": "commit_seed", "hand": hand, "commitment": "11".repeat(32)}))
            .await,
        "ack"
    );
    let (seq, ended) = event_after(&mut alice.conn, "hand_ended", seq).await;
    assert_eq!(
        (ended["hand"].as_u64(), ended["status"].as_str()),
        (Some(hand), Some("void_missing_reveal")),
        "{ended}"
    );
    // Nothing was posted, so carol still owes her big blind, and the next hand is the same
    // deal again: same button, same seats, same post. (No snapshot in between: with no
    // pause the next hand may be announced before it is taken.)
    let (seq, again) = event_after(&mut alice.conn, "hand_announced", seq).await;
    assert_eq!(again["hand"].as_u64(), Some(hand + 1));
    assert_eq!(button(&again), button(&voided), "{again}");
    assert_eq!(dealt(&again), dealt(&voided));
    assert_eq!(posts(&again), posts(&voided));
    let (seq, ended) = event_after(&mut alice.conn, "hand_ended", seq).await;
    assert_eq!(ended["status"], "completed", "{ended}");
    assert_eq!(status_of(&mut carol.conn, 4, seq).await["owes"], "none");

    everyone_leaves(&mut [&mut alice, &mut bob, &mut carol], &[0, 2, 4]).await;
    every_chip_back(&client, &[&alice.token, &bob.token, &carol.token]).await;
    let records = verified_records(&client, &alice.token).await;
    let posted_twice = records
        .iter()
        .filter(|r| {
            r.body()
                .announcement()
                .body()
                .setup()
                .posts()
                .iter()
                .any(|p| p.seat == 4 && p.live == 2)
        })
        .count();
    assert_eq!(
        posted_twice, 2,
        "the voided hand and its replay both carry the post"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_player_away_while_the_blinds_pass_owes_them_on_coming_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    // No disconnect grace, so the hand the player leaves in does not wait for them.
    let rules = PresenceRules::new(
        Duration::ZERO,
        Duration::ZERO,
        Duration::ZERO,
        Duration::from_secs(120),
        3,
        50,
    )
    .expect("rules");
    let server = start_table(
        dir.path(),
        1000,
        Duration::from_millis(100),
        Duration::from_secs(5),
        rules,
    )
    .await;
    let client = server.client();
    let mut alice = sit(&client, "alice", 0).await;
    let mut bob = sit(&client, "bob", 2).await;
    let mut carol = sit(&client, "carol", 4).await;
    let dave = sit(&client, "dave", 5).await;
    let all = |e: &Value| dealt(e) == [0, 2, 4, 5];
    let (seq, _) = announcement_where(&mut alice.conn, 0, all, |_| true).await;

    // Dave's connection goes; he is not dealt in while away, and the blinds that pass his
    // seat are his to pay, as if he sat out.
    drop(dave.conn);
    let away = alice
        .conn
        .next(|m| m["event"]["kind"] == "player_status" && m["event"]["seat"] == 5)
        .await;
    assert_eq!(away["event"]["connected"], false);
    let away_since = away["seq"].as_u64().expect("seq").max(seq);
    let after = until_owing_both(&mut alice.conn, 5, away_since, |event, status| {
        assert!(!dealt(event).contains(&5), "{event}");
        assert_eq!(status["sitting_out"], false, "away is not sitting out");
    })
    .await;

    // He comes back when the next hand would put him neither in the small nor in the big
    // blind, and is dealt in by posting both: 2 live, 1 dead.
    let announced = until_back_in_spares_the_blinds(&mut alice.conn, 5, after).await;
    let mut dave = Seated {
        conn: Conn::open(&client, Some(&dave.token)).await,
        token: dave.token,
    };
    assert_eq!(dave.conn.code(json!({"type": "watch"})).await, "ack");
    let (_, hand) = event_after(&mut dave.conn, "hand_announced", announced).await;
    assert!(dealt(&hand).contains(&5), "{hand}");
    assert_eq!(posts(&hand), [json!({"seat": 5, "live": 2, "dead": 1})]);

    everyone_leaves(
        &mut [&mut alice, &mut bob, &mut carol, &mut dave],
        &[0, 2, 4, 5],
    )
    .await;
    every_chip_back(
        &client,
        &[&alice.token, &bob.token, &carol.token, &dave.token],
    )
    .await;
    verified_records(&client, &alice.token).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_and_sitting_down_again_keeps_the_blinds_owed_and_the_stack_left_with() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start_server(dir.path(), 1000).await;
    let client = server.client();
    let mut alice = sit(&client, "alice", 0).await;
    let mut bob = sit(&client, "bob", 2).await;
    let mut carol = sit(&client, "carol", 4).await;
    let all = |e: &Value| dealt(e) == [0, 2, 4];
    let (seq, _) = announcement_where(&mut alice.conn, 0, all, |_| true).await;

    // Carol sits out until the blinds have passed her seat: she owes both.
    assert_eq!(carol.conn.code(json!({"type": "sit_out"})).await, "ack");
    let (sat_out, _) = event_after(&mut carol.conn, "sat_out", seq).await;
    let after = until_owing_both(&mut alice.conn, 4, sat_out, |_, _| {}).await;

    // She leaves and sits straight back down (another seat): a newcomer would owe only a
    // big blind, but her debt follows her; and she buys in for at least what she left
    // with (a newcomer's minimum is 40).
    assert_eq!(carol.conn.code(json!({"type": "leave"})).await, "ack");
    let left = alice
        .conn
        .next(|m| m["event"]["kind"] == "left" && m["event"]["seat"] == 4)
        .await;
    let cashed_out = left["event"]["cashed_out"].as_u64().expect("chips");
    assert!(
        cashed_out > 40,
        "sitting out cost her at most 3 chips: {left}"
    );
    let short = carol
        .conn
        .code(json!({"type": "sit", "seat": 5, "buy_in": cashed_out - 1}))
        .await;
    assert_eq!(short, "buy_in_out_of_range");
    let answer = carol
        .conn
        .code(json!({"type": "sit", "seat": 5, "buy_in": cashed_out.min(400)}))
        .await;
    assert_eq!(answer, "ack");
    let (seated, event) = event_after(&mut alice.conn, "seated", after).await;
    assert_eq!(event["seat"], 5);
    assert_eq!(event["owes"], "both", "{event}");

    // A newcomer at the same running game owes only the big blind.
    let mut dave = sit(&client, "dave", 1).await;
    let (_, event) = event_after(&mut alice.conn, "seated", seated).await;
    assert_eq!(event["seat"], 1);
    assert_eq!(event["owes"], "big", "{event}");

    everyone_leaves(
        &mut [&mut alice, &mut bob, &mut carol, &mut dave],
        &[0, 2, 5, 1],
    )
    .await;
    every_chip_back(
        &client,
        &[&alice.token, &bob.token, &carol.token, &dave.token],
    )
    .await;
    server.stop().await;
}
