//! Departures across restarts: a player who left owing blinds still owes them, and still
//! buys in for at least the chips they left with, after the server restarts; an hour after
//! leaving (by the wall clock, which a restart does not reset) neither holds any more.

use serde_json::{json, Value};

use crate::seating::{
    announcement_where, balances, dealt, event_after, everyone_leaves, sit, start_server,
    until_owing_both, Seated,
};
use crate::support::Client;
use crate::table_errors::Conn;

/// The table's usual buy-in.
const BUY_IN: u64 = 200;

/// `token`'s player, known from before a restart, sits at `seat` for `buy_in`; returns the
/// answer's code and the connection.
async fn sit_again(client: &Client, token: &str, seat: u8, buy_in: u64) -> (String, Seated) {
    let mut conn = Conn::open(client, Some(token)).await;
    let answer = conn
        .code(json!({"type": "sit", "seat": seat, "buy_in": buy_in}))
        .await;
    let seated = Seated {
        token: token.to_owned(),
        conn,
    };
    (answer, seated)
}

/// After a restart, alice and bob (given their chips back by it) sit down again at seats 0
/// and 2, and a game runs; returns them and the announcement's sequence number.
async fn game_runs_again(client: &Client, tokens: [&str; 2]) -> (Seated, Seated, u64) {
    let (answer, mut alice) = sit_again(client, tokens[0], 0, BUY_IN).await;
    assert_eq!(answer, "ack", "alice sits again");
    let (answer, bob) = sit_again(client, tokens[1], 2, BUY_IN).await;
    assert_eq!(answer, "ack", "bob sits again");
    let both = |e: &Value| dealt(e) == [0, 2];
    let (seq, _) = announcement_where(&mut alice.conn, 0, both, |_| true).await;
    (alice, bob, seq)
}

/// `carol` leaves seat `seat`; returns the chips she cashed out, as `alice` saw it.
async fn leaves(carol: &mut Seated, alice: &mut Seated, seat: u64) -> u64 {
    assert_eq!(carol.conn.code(json!({"type": "leave"})).await, "ack");
    let left = alice
        .conn
        .next(|m| m["event"]["kind"] == "left" && m["event"]["seat"] == seat)
        .await;
    left["event"]["cashed_out"].as_u64().expect("chips")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_departure_outlives_a_restart_until_an_hour_has_passed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start_server(dir.path(), 1000).await;
    let client = server.client();
    let mut alice = sit(&client, "alice", 0).await;
    let bob = sit(&client, "bob", 2).await;
    let mut carol = sit(&client, "carol", 4).await;
    let all = |e: &Value| dealt(e) == [0, 2, 4];
    let (seq, _) = announcement_where(&mut alice.conn, 0, all, |_| true).await;

    // Carol sits out until she owes both blinds, then leaves with more than a newcomer's
    // minimum buy-in (40).
    assert_eq!(carol.conn.code(json!({"type": "sit_out"})).await, "ack");
    let (sat_out, _) = event_after(&mut carol.conn, "sat_out", seq).await;
    until_owing_both(&mut alice.conn, 4, sat_out, |_, _| {}).await;
    let cashed_out = leaves(&mut carol, &mut alice, 4).await;
    assert!(cashed_out > 40, "sitting out cost her at most 3 chips");
    let tokens = [alice.token.clone(), bob.token.clone(), carol.token.clone()];
    server.stop().await;

    // The server restarts; once a game runs again, carol's debt and stack are still held
    // against her.
    let server = start_server(dir.path(), 1000).await;
    let client = server.client();
    let (mut alice, bob, seq) = game_runs_again(&client, [&tokens[0], &tokens[1]]).await;
    let (short, mut carol) = sit_again(&client, &tokens[2], 4, cashed_out - 1).await;
    assert_eq!(short, "buy_in_out_of_range");
    let back = cashed_out.min(400);
    let answer = carol
        .conn
        .code(json!({"type": "sit", "seat": 4, "buy_in": back}))
        .await;
    assert_eq!(answer, "ack");
    let (_, event) = event_after(&mut alice.conn, "seated", seq).await;
    assert_eq!(
        (&event["seat"], &event["owes"]),
        (&json!(4), &json!("both"))
    );

    // She leaves again at once (not dealt in yet), still owing both, with her buy-in.
    assert_eq!(leaves(&mut carol, &mut alice, 4).await, back);
    // Stopped with everyone connected: the hand in play ends on the action clock, not
    // after a disconnect grace.
    server.stop().await;
    drop((alice, bob, carol));

    // An hour passes on the wall clock while the server is down: the departure's time is
    // moved back an hour, as if it had.
    let database = dir.path().join(poker_server::data_dir::DATABASE_FILE);
    let sqlite = rusqlite::Connection::open(&database).expect("open the database");
    let aged = sqlite
        .execute("UPDATE departures SET left_at = left_at - 3600", [])
        .expect("age the departure");
    assert_eq!(aged, 1, "one departure is remembered");
    drop(sqlite);

    // Carol sits down as a newcomer: the table's minimum buy-in, only a big blind owed.
    let server = start_server(dir.path(), 1000).await;
    let client = server.client();
    let (mut alice, mut bob, seq) = game_runs_again(&client, [&tokens[0], &tokens[1]]).await;
    let (answer, mut carol) = sit_again(&client, &tokens[2], 4, 40).await;
    assert_eq!(answer, "ack");
    let (_, event) = event_after(&mut alice.conn, "seated", seq).await;
    assert_eq!((&event["seat"], &event["owes"]), (&json!(4), &json!("big")));

    everyone_leaves(&mut [&mut alice, &mut bob, &mut carol], &[0, 2, 4]).await;
    let tokens = tokens.each_ref().map(String::as_str);
    assert_eq!(balances(&client, &tokens).await, 3 * 10_000);
    server.stop().await;
}
