//! Stopping the real `poker-server` binary: SIGTERM waits for the hand in play while its
//! players keep acting, and the next start finds its record and a consistent ledger; a hand
//! still unfinished when the drain grace runs out is voided (refunded) by the next start; a
//! stop or crash during the seed exchange voids the hand without flagging any seat.

use std::path::Path;
use std::time::{Duration, Instant};

use fairdeal_tests::conn::Conn;
use fairdeal_tests::http::Client;
use fairdeal_tests::process::{write_config, ServerProcess, TableSpec};
use fairness::{
    verify, verify_chain, ClientSeed, HandStatus, KeyRing, Predecessor, PublicKey,
    ServerCommitment, SignatureMode, SignedHandRecord, VerifiedHand,
};
use serde_json::json;

const TABLE: &str = "t-nlhe";
const BUY_IN: u64 = 100;
const BALANCE: u64 = 10_000;
/// Longest a stopped server may take to exit (drain grace plus connection grace).
const EXIT_TIMEOUT: Duration = Duration::from_secs(60);

fn config(dir: &Path, extra: &str) -> std::path::PathBuf {
    write_config(
        dir,
        extra,
        &[TableSpec {
            name: TABLE,
            number: 1,
            game: "nlhe",
        }],
    )
}

/// Alice (seat 0) and Bob (seat 3) sit with `BUY_IN` chips each.
async fn seat_two(client: &Client, tokens: &[String; 2]) -> [Conn; 2] {
    let mut conns = Vec::new();
    for (token, seat) in tokens.iter().zip([0, 3]) {
        let mut conn = Conn::open(client, token, TABLE).await;
        let sit = json!({"type": "sit", "seat": seat, "buy_in": BUY_IN});
        assert_eq!(conn.ask(sit).await, "ack");
        conns.push(conn);
    }
    conns.try_into().expect("two connections")
}

/// Both ask the server for seeds for `hand`, which is then dealt; returns the first
/// `to_act` event.
async fn deal_with_server_seeds(conns: &mut [Conn; 2], hand: u64) -> serde_json::Value {
    for conn in conns.iter_mut() {
        conn.hand_event("hand_announced", hand)
            .await
            .expect("announced");
        let seed = json!({"type": "server_seed", "hand": hand});
        assert_eq!(conn.ask(seed).await, "ack");
    }
    conns[0].hand_event("to_act", hand).await.expect("dealt")
}

/// The stored record of `hand`, checked against the server's key.
async fn record(
    client: &Client,
    token: &str,
    hand: u64,
    predecessor: Predecessor,
) -> (SignedHandRecord, VerifiedHand) {
    let reply = client
        .get(&format!("/api/v1/hands/{TABLE}-{hand}/record"), Some(token))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let record = SignedHandRecord::from_json(&reply.text()).expect("record");
    let verified = verify(&record, &keys(client).await, predecessor).expect("the record verifies");
    (record, verified)
}

async fn keys(client: &Client) -> KeyRing {
    let key = client.get("/api/v1/server-key", None).await.json();
    KeyRing::new(PublicKey::from_hex(key["public_key"].as_str().expect("hex")).expect("key"))
}

/// Stops `server` with SIGTERM, checks it exits cleanly, and checks the ledger offline.
async fn stop_and_check_ledger(mut server: ServerProcess, data: &Path, issued: u64) {
    server.terminate();
    let exit = server.wait_exit(EXIT_TIMEOUT).await;
    assert!(exit.success(), "exit {exit:?}\n{}", server.log());
    let store = poker_server::store::Store::open(&data.join(poker_server::data_dir::DATABASE_FILE))
        .await
        .expect("reopen");
    let report = store.check_ledger().await.expect("the ledger checks out");
    assert_eq!(report.issued, issued);
    store.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_waits_for_the_hand_in_play_while_its_players_act() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let config = config(dir.path(), "");
    let mut server = ServerProcess::start(&data, &config);
    let client = Client { addr: server.addr };
    let tokens = [client.sign_up("alice").await, client.sign_up("bob").await];
    let mut conns = seat_two(&client, &tokens).await;
    let mut to_act = deal_with_server_seeds(&mut conns, 1).await;

    server.terminate();
    let terminated = Instant::now();
    // The players take their time; the server keeps the hand going meanwhile.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut actions = 0;
    let ended = loop {
        assert!(server.running(), "the server exited with a hand in play");
        let actor = usize::from(to_act["seat"] != 0);
        let action = if to_act["legal"]["can_check"] == true {
            "check"
        } else {
            "call"
        };
        let act = json!({"type": "act", "hand": 1, "action": action});
        assert_eq!(conns[actor].ask(act).await, "ack");
        actions += 1;
        let next = conns[0]
            .hand_event_of(&["to_act", "hand_ended"], 1)
            .await
            .expect("the hand goes on");
        if next["kind"] == "hand_ended" {
            break next;
        }
        to_act = next;
    };
    assert_eq!(ended["status"], "completed", "{ended}");
    assert!(
        actions >= 4,
        "check or call to the river: {actions} actions"
    );
    // No new hand after the signal: the connection closes without another announcement.
    let rest = conns[0].rest().await;
    assert!(
        rest.iter().all(|m| m["event"]["kind"] != "hand_announced"),
        "{rest:?}"
    );
    assert_eq!(
        conns[0].close_code(),
        Some(1001),
        "closed with 1001 `server shutting down`"
    );
    let exit = server.wait_exit(EXIT_TIMEOUT).await;
    assert!(exit.success(), "exit {exit:?}\n{}", server.log());
    println!(
        "drained and exited {:?} after SIGTERM",
        terminated.elapsed()
    );

    // The next start: the hand's record is there and verifies, nothing was voided, the
    // chips left at the table went back to the accounts, and the ledger adds up.
    let server = ServerProcess::start(&data, &config);
    let client = Client { addr: server.addr };
    let (_, verified) = record(&client, &tokens[0], 1, Predecessor::Genesis).await;
    assert_eq!(verified.status, HandStatus::Completed);
    let none = client
        .get(&format!("/api/v1/hands/{TABLE}-2/record"), Some(&tokens[0]))
        .await;
    assert_eq!(none.status, 404, "no hand 2: nothing to void");
    let stacks: u64 = verified.final_stacks.iter().map(|f| f.stack).sum();
    assert_eq!(stacks, 2 * BUY_IN);
    let mut total = 0;
    for (token, seat) in tokens.iter().zip([0u8, 3]) {
        let balance = client.balance(token).await;
        let stack = verified
            .final_stacks
            .iter()
            .find(|f| f.seat == seat)
            .expect("seat")
            .stack;
        assert_eq!(balance, BALANCE - BUY_IN + stack, "seat {seat}");
        total += balance;
    }
    assert_eq!(total, 2 * BALANCE);
    stop_and_check_ledger(server, &data, 2 * BALANCE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hand_unfinished_when_the_drain_grace_runs_out_is_voided_at_the_next_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let config = config(dir.path(), "drain_grace_secs = 1");
    let mut server = ServerProcess::start(&data, &config);
    let client = Client { addr: server.addr };
    let tokens = [client.sign_up("alice").await, client.sign_up("bob").await];
    let mut conns = seat_two(&client, &tokens).await;
    let to_act = deal_with_server_seeds(&mut conns, 1).await;
    let actor = usize::from(to_act["seat"] != 0);
    let raise = json!({"type": "act", "hand": 1, "action": "bet",
        "amount": to_act["legal"]["min_bet_to"]});
    assert_eq!(conns[actor].ask(raise).await, "ack");

    // Nobody acts again: the 30 s action clock outlasts the 1 s grace.
    server.terminate();
    let terminated = Instant::now();
    let exit = server.wait_exit(EXIT_TIMEOUT).await;
    assert!(exit.success(), "exit {exit:?}\n{}", server.log());
    println!("exited {:?} after SIGTERM", terminated.elapsed());
    let log = server.log();
    assert!(
        log.contains("those tables are stopped") && log.contains("tables=1"),
        "the table still in play was stopped at the grace:\n{log}"
    );
    drop(conns);

    let server = ServerProcess::start(&data, &config);
    let client = Client { addr: server.addr };
    let (record, verified) = record(&client, &tokens[0], 1, Predecessor::Genesis).await;
    assert_eq!(verified.status, HandStatus::VoidAborted);
    assert_eq!(
        record.body().outcome().actions.len(),
        1,
        "the raise is logged"
    );
    assert!(verified.final_stacks.iter().all(|f| f.stack == BUY_IN));
    for token in &tokens {
        assert_eq!(client.balance(token).await, BALANCE, "refunded");
    }
    stop_and_check_ledger(server, &data, 2 * BALANCE).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_or_crash_during_the_seed_exchange_voids_the_hand_and_flags_nobody() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let config = config(dir.path(), "drain_grace_secs = 1");
    let mut server = ServerProcess::start(&data, &config);
    let client = Client { addr: server.addr };
    let tokens = [client.sign_up("alice").await, client.sign_up("bob").await];
    let mut conns = seat_two(&client, &tokens).await;

    // Hand 1: both commit their own seeds; SIGTERM before anyone reveals.
    for (conn, seat) in conns.iter_mut().zip([0u8, 3]) {
        let announced = conn
            .hand_event("hand_announced", 1)
            .await
            .expect("announced");
        let server_commitment =
            ServerCommitment::from_hex(announced["server_commitment"].as_str().expect("hex"))
                .expect("C_s");
        let seed = ClientSeed::from_bytes([seat + 1; 32]);
        let commitment = seed.commitment(1, 1, seat, &server_commitment);
        let commit = json!({"type": "commit_seed", "hand": 1, "commitment": commitment.to_hex()});
        assert_eq!(conn.ask(commit).await, "ack");
    }
    conns[0]
        .hand_event("commitments_closed", 1)
        .await
        .expect("commit list");
    server.terminate();
    let exit = server.wait_exit(EXIT_TIMEOUT).await;
    assert!(exit.success(), "exit {exit:?}\n{}", server.log());
    drop(conns);

    let mut server = ServerProcess::start(&data, &config);
    let client = Client { addr: server.addr };
    let (first, verified) = record(&client, &tokens[0], 1, Predecessor::Genesis).await;
    assert_eq!(verified.status, HandStatus::VoidInterruptedBeforeDeal);
    assert!(verified.flagged.is_empty(), "nobody did anything wrong");
    assert!(verified.deck.is_none() && first.body().outcome().actions.is_empty());
    assert_eq!(verified.independent_seats, vec![0, 3]);
    // A void has a record but no hand history; the player's list shows it as void.
    let history = client
        .get(
            &format!("/api/v1/hands/{TABLE}-1/history"),
            Some(&tokens[0]),
        )
        .await;
    assert_eq!(
        (history.status, history.code().as_str()),
        (404, "no_history")
    );
    let listed = client
        .get("/api/v1/me/hands", Some(&tokens[0]))
        .await
        .json();
    assert_eq!(listed["hands"][0]["status"], "void_interrupted_before_deal");
    assert_eq!(listed["hands"][0]["final_stack"], 100);

    // Hand 2: SIGKILL right after the announcement, before any commitment.
    let mut conns = seat_two(&client, &tokens).await;
    conns[0]
        .hand_event("hand_announced", 2)
        .await
        .expect("announced");
    server.kill();
    drop(conns);

    let server = ServerProcess::start(&data, &config);
    let client = Client { addr: server.addr };
    let (second, verified) = record(&client, &tokens[0], 2, Predecessor::Unknown).await;
    assert_eq!(verified.status, HandStatus::VoidInterruptedBeforeDeal);
    assert!(verified.flagged.is_empty());
    assert_eq!(verified.server_generated_seats, vec![0, 3]);
    verify_chain(
        &[first, second],
        &keys(&client).await,
        Predecessor::Genesis,
        SignatureMode::Strict,
    )
    .expect("the voids chain");
    for token in &tokens {
        assert_eq!(client.balance(token).await, BALANCE, "nothing moved");
    }
    stop_and_check_ledger(server, &data, 2 * BALANCE).await;
}
