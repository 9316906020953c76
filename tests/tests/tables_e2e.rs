//! End to end on the real `poker-server` binary: six WebSocket clients register, sit at two
//! tables (no-limit hold'em and pot-limit Omaha) with short buy-ins and play at least 200
//! hands of random legal actions, seed commit and reveal included. Then: all-ins and side
//! pots happened; every record verifies and the records of each table chain; no chip was
//! created or lost (balances and the ledger check after a SIGTERM); no client ever received
//! another player's hole cards; and each player's hand histories (PHH and PokerStars text)
//! show only what that player saw, carry records that verify, and replay to their stacks.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use fairdeal_tests::bot::{self, BotPlan, BotReport};
use fairdeal_tests::http::Client;
use fairdeal_tests::process::{write_config, ServerProcess, TableSpec};
use fairness::{
    verify, verify_chain, HandStatus, KeyRing, Predecessor, PublicKey, SignatureMode,
    SignedHandRecord,
};
use poker_core::phh::{
    parse_hands, replay, ActionLine, HandHistory, PhhAction, PhhCard, ReplayError,
};
use poker_core::OddChipRule;
use serde_json::json;

/// Hands each table plays (two tables: twice as many in all).
const HANDS_PER_TABLE: u64 = 110;
const PLAYERS: usize = 6;
const STARTING_BALANCE: u64 = 10_000;
const TABLES: [TableSpec; 2] = [
    TableSpec {
        name: "t-nlhe",
        number: 1,
        game: "nlhe",
    },
    TableSpec {
        name: "t-plo",
        number: 2,
        game: "plo",
    },
];

/// Seats that showed their cards at showdown in `record`.
fn shown_seats(record: &SignedHandRecord) -> Vec<u8> {
    fairness::replayed_hand(record)
        .expect("a completed record replays")
        .events()
        .iter()
        .filter_map(|event| match event {
            poker_core::Event::HandShown { seat, .. } => Some(seat.index()),
            _ => None,
        })
        .collect()
}

/// The 0-based seat of each PHH player.
fn phh_seats(history: &HandHistory) -> Vec<u8> {
    history
        .fields()
        .seats
        .as_ref()
        .expect("seats")
        .iter()
        .map(|&n| u8::try_from(n - 1).expect("seat"))
        .collect()
}

/// Final stacks by seat after replaying `history` with poker-core.
fn replayed_stacks(history: &HandHistory) -> Result<Vec<(u8, u64)>, ReplayError> {
    let played = replay(history, OddChipRule::ChipByChipLeftOfButton)?;
    let mut stacks: Vec<(u8, u64)> = phh_seats(history)
        .into_iter()
        .zip(played.final_stacks())
        .map(|(seat, amount)| (seat, amount.as_integer().expect("whole chips")))
        .collect();
    stacks.sort_unstable();
    Ok(stacks)
}

/// `history` with each `??` hole card replaced by the card `record` dealt.
fn with_dealt_cards(history: &HandHistory, record: &SignedHandRecord) -> HandHistory {
    let seats = phh_seats(history);
    let mut fields = history.clone().into_fields();
    for line in &mut fields.actions {
        if let Some(PhhAction::DealHole { player, .. }) = line.action() {
            let seat = seats[player.index()];
            let dealt = record
                .body()
                .outcome()
                .hole_cards
                .iter()
                .find(|h| h.seat == seat)
                .expect("dealt");
            *line = ActionLine::action_only(PhhAction::DealHole {
                player: *player,
                cards: dealt.cards.iter().map(|&c| PhhCard::Known(c)).collect(),
            });
        }
    }
    HandHistory::new(fields).expect("same shape")
}

/// What one player's history downloads contained.
#[derive(Debug, Default)]
struct HistoryTally {
    listed: usize,
    phh_hands: usize,
    replayed_with_hidden_cards: usize,
    refused_for_a_muck: usize,
    /// PHH files of hands with missed-blind posts (the `_posts` field), replayed like
    /// every other file.
    with_posts: usize,
    stars_hands: usize,
    /// Missed-blind posts found in PokerStars' words in the PokerStars text.
    stars_posts: usize,
}

/// Checks everything `name` can download about `table` against its verified records.
async fn check_histories(
    client: &Client,
    token: &str,
    name: &str,
    table: &str,
    records: &[SignedHandRecord],
    keys: &KeyRing,
) -> HistoryTally {
    let mut tally = HistoryTally::default();
    let mine: Vec<&SignedHandRecord> = records
        .iter()
        .filter(|r| fairness::seat_of_player(r, name).is_some())
        .collect();
    let completed: Vec<&SignedHandRecord> = mine
        .iter()
        .copied()
        .filter(|r| r.body().outcome().status == HandStatus::Completed)
        .collect();

    // The paged list names exactly the hands this player was dealt in.
    let mut listed = BTreeSet::new();
    let mut from = 0;
    loop {
        let page = client
            .get(
                &format!("/api/v1/me/hands?from={from}&limit=37"),
                Some(token),
            )
            .await;
        assert_eq!(page.status, 200, "{}", page.text());
        let body = page.json();
        for hand in body["hands"].as_array().expect("hands") {
            assert_eq!(hand["table"], json!(table));
            listed.insert(hand["hand_no"].as_u64().expect("hand_no"));
        }
        match body["next"].as_u64() {
            Some(next) => from = next,
            None => break,
        }
    }
    let expected: BTreeSet<u64> = mine.iter().map(|r| r.header().hand_no).collect();
    assert_eq!(listed, expected, "{name}");
    tally.listed = listed.len();

    let last = records.last().map_or(0, |r| r.header().hand_no);
    let mut from = 1;
    while from <= last {
        let to = from + 99;
        // PHH: one file per 100 hands, each hand with its record.
        let phhs = client
            .get(
                &format!("/api/v1/tables/{table}/history?format=phh&from={from}&to={to}"),
                Some(token),
            )
            .await;
        assert_eq!(phhs.status, 200, "{}", phhs.text());
        for named in parse_hands(&phhs.text()).expect("a .phhs file poker-core reads") {
            let history = named.hand;
            let record = fairness::record_of_history(&history).expect("the record is carried");
            verify(&record, keys, Predecessor::Unknown).expect("the carried record verifies");
            assert!(records.contains(&record));
            fairness::check_history(&history, &record).expect("the file says what the record says");
            let seat = fairness::seat_of_player(&record, name).expect("dealt in");
            let shown = shown_seats(&record);
            let seats = phh_seats(&history);
            for action in history.fields().actions.iter().filter_map(|l| l.action()) {
                if let PhhAction::DealHole { player, cards } = action {
                    let owner = seats[player.index()];
                    let hidden = cards.iter().all(|c| *c == PhhCard::Unknown);
                    assert_eq!(
                        hidden,
                        owner != seat && !shown.contains(&owner),
                        "{name} hand {}: seat {owner}",
                        record.header().hand_no
                    );
                }
            }
            let mut expected: Vec<(u8, u64)> = record
                .body()
                .outcome()
                .final_stacks
                .iter()
                .map(|f| (f.seat, f.stack))
                .collect();
            expected.sort_unstable();
            if !record
                .body()
                .announcement()
                .body()
                .setup()
                .posts()
                .is_empty()
            {
                assert!(
                    !history.fields().posts.is_empty(),
                    "the file states the posts"
                );
                tally.with_posts += 1;
            }
            match replayed_stacks(&history) {
                Ok(stacks) => {
                    assert_eq!(stacks, expected);
                    tally.replayed_with_hidden_cards += 1;
                }
                Err(ReplayError::UnknownCardsAtShowdown { .. }) => {
                    // A hidden hand was mucked at showdown: `??` cannot settle it, and
                    // the replay says so. With the dealt cards back it settles exactly.
                    tally.refused_for_a_muck += 1;
                }
                Err(other) => panic!("{other}"),
            }
            assert_eq!(
                replayed_stacks(&with_dealt_cards(&history, &record)).expect("replays"),
                expected
            );
            tally.phh_hands += 1;
        }

        // PokerStars text: "Dealt to <me>" with my cards; nobody else's unshown cards.
        let stars = client
            .get(
                &format!("/api/v1/tables/{table}/history?format=pokerstars&from={from}&to={to}"),
                Some(token),
            )
            .await;
        assert_eq!(stars.status, 200, "{}", stars.text());
        let text = stars.text();
        for hand_text in text.split("PokerStars Hand #").skip(1) {
            let hand_id: u64 = hand_text
                .split(':')
                .next()
                .and_then(|id| id.parse().ok())
                .expect("hand id");
            let hand_no = hand_id % 1_000_000_000;
            let record = completed
                .iter()
                .find(|r| r.header().hand_no == hand_no)
                .expect("only my completed hands");
            let seat = fairness::seat_of_player(record, name).expect("dealt in");
            let shown = shown_seats(record);
            let bracketed: Vec<&str> = hand_text
                .split('[')
                .skip(1)
                .filter_map(|rest| rest.split(']').next())
                .flat_map(str::split_whitespace)
                .collect();
            for hole in &record.body().outcome().hole_cards {
                let visible = hole.seat == seat || shown.contains(&hole.seat);
                for card in &hole.cards {
                    assert_eq!(
                        bracketed.contains(&card.to_string().as_str()),
                        visible,
                        "{name} hand {hand_no}: seat {} card {card}\n{hand_text}",
                        hole.seat
                    );
                }
                if hole.seat == seat {
                    let cards: Vec<String> = hole.cards.iter().map(ToString::to_string).collect();
                    let dealt = format!("Dealt to {name} [{}]", cards.join(" "));
                    assert!(hand_text.contains(&dealt), "{dealt}\n{hand_text}");
                }
            }
            // Missed-blind posts in PokerStars' words (for what was posted: a short
            // stack posts less than it owes).
            let setup = record.body().announcement().body().setup();
            let played = fairness::replayed_hand(record).expect("a completed record replays");
            for event in played.events() {
                let poker_core::Event::ExtraPosted {
                    seat: poster,
                    live,
                    dead,
                    ..
                } = event
                else {
                    continue;
                };
                let player = &setup
                    .seats()
                    .iter()
                    .find(|s| s.seat == poster.index())
                    .expect("the poster is dealt in")
                    .player;
                let what = match (live.is_zero(), dead.is_zero()) {
                    (false, false) => "small & big blinds",
                    (false, true) => "big blind",
                    _ => "small blind",
                };
                let line = format!("{player}: posts {what} ");
                assert!(hand_text.contains(&line), "{line}\n{hand_text}");
                tally.stars_posts += 1;
            }
            tally.stars_hands += 1;
        }
        from = to + 1;
    }
    assert_eq!(tally.phh_hands, completed.len(), "{name}");
    assert_eq!(tally.stars_hands, completed.len(), "{name}");
    assert!(tally.stars_posts >= tally.with_posts, "{name}: {tally:?}");

    // One hand in both formats, by its id.
    if let Some(record) = completed.first() {
        let id = format!("{table}-{}", record.header().hand_no);
        for format in ["phh", "pokerstars"] {
            let one = client
                .get(
                    &format!("/api/v1/hands/{id}/history?format={format}"),
                    Some(token),
                )
                .await;
            assert_eq!(one.status, 200, "{}", one.text());
            assert!(one.headers["content-disposition"]
                .to_str()
                .expect("ascii")
                .contains(&id));
        }
        let one = client
            .get(&format!("/api/v1/hands/{id}/history"), Some(token))
            .await;
        let history = HandHistory::parse(&one.text()).expect("PHH by default");
        assert_eq!(
            &fairness::record_of_history(&history).expect("record"),
            *record
        );
    }
    tally
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn six_clients_play_two_hundred_verified_hands_on_the_real_binary() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let config = write_config(
        dir.path(),
        &format!("starting_balance = {STARTING_BALANCE}"),
        &TABLES,
    );
    let mut server = ServerProcess::start(&data, &config);
    let client = Client { addr: server.addr };

    let names: Vec<String> = (0..PLAYERS).map(|i| format!("bot{i}")).collect();
    let mut tokens = Vec::new();
    for name in &names {
        tokens.push(client.sign_up(name).await);
    }
    // An observer without a token watches the hold'em table: it must never see hole cards.
    let mut observer = bot::connect(&client, None).await;
    bot::send(
        &mut observer,
        json!({"v": 1, "id": 1, "type": "watch", "table": "t-nlhe"}),
    )
    .await;
    let (stop_observer, mut observer_stopped) = tokio::sync::oneshot::channel::<()>();
    let observer = tokio::spawn(async move {
        let (mut hole_cards, mut leaks) = (0, Vec::new());
        loop {
            let message = tokio::select! {
                message = bot::receive(&mut observer) => message,
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

    // Three players per table with different short stacks, a quarter of their decisions
    // all-in: all-ins and side pots come up every few hands.
    let mut bots = Vec::new();
    for (i, (name, token)) in names.iter().zip(&tokens).enumerate() {
        let plan = BotPlan {
            name: name.clone(),
            token: token.clone(),
            table: TABLES[i / 3].name.to_owned(),
            seat: u8::try_from(i % 3 * 2).expect("small"),
            buy_ins: [vec![40, 120, 60], vec![90, 40], vec![200, 70, 40]][i % 3].clone(),
            hands: HANDS_PER_TABLE,
            server_seeds: i % 3 == 2,
            all_in_percent: 25,
        };
        bots.push(tokio::spawn(bot::play(client, plan)));
    }
    let mut reports: Vec<BotReport> = Vec::new();
    for bot in bots {
        reports.push(bot.await.expect("bot task"));
    }
    let played = started.elapsed();
    let _ = stop_observer.send(());
    let (observer_hole_cards, observer_leaks) = observer.await.expect("observer task");

    for (name, report) in names.iter().zip(&reports) {
        assert!(report.last_hand >= HANDS_PER_TABLE, "{name}: {report:?}");
        assert!(report.rejections.is_empty(), "{name}: {report:?}");
        assert!(report.leaks.is_empty(), "{name}: {report:?}");
        assert!(report.seq_gaps.is_empty(), "{name}: {report:?}");
        assert!(report.own_hole_cards > 0, "{name}: {report:?}");
    }
    assert!(observer_hole_cards > 0, "the observer saw the deals");
    assert!(observer_leaks.is_empty(), "{observer_leaks:?}");
    for (t, table) in TABLES.iter().enumerate() {
        let seen = &reports[t * 3..t * 3 + 3];
        let all_ins = seen.iter().map(|r| r.all_ins).max().unwrap_or(0);
        let side_pots = seen.iter().map(|r| r.side_pots).max().unwrap_or(0);
        let shown = seen.iter().map(|r| r.shown).max().unwrap_or(0);
        println!(
            "{}: all-in events {all_ins}, side pots {side_pots}, hands shown {shown}, rebuys {}",
            table.name,
            seen.iter().map(|r| r.rebuys).sum::<u64>()
        );
        assert!(all_ins >= 10, "{}: {all_ins} all-ins", table.name);
        assert!(side_pots >= 3, "{}: {side_pots} side pots", table.name);
    }

    // Every record verifies and the records of each table form one chain.
    let key = client.get("/api/v1/server-key", None).await.json();
    assert_eq!(key["public_key"], json!(server.public_key));
    let public = PublicKey::from_hex(key["public_key"].as_str().expect("hex")).expect("key");
    let keys = KeyRing::new(public);
    let mut total_hands = 0;
    let mut records_by_table = Vec::new();
    for (t, table) in TABLES.iter().enumerate() {
        let records = client
            .table_records(&tokens[t * 3], table.name)
            .await
            .expect("a player of the table");
        assert!(records.len() as u64 >= HANDS_PER_TABLE);
        let verified = verify_chain(&records, &keys, Predecessor::Genesis, SignatureMode::Strict)
            .unwrap_or_else(|err| panic!("{}: {err:?}", table.name));
        assert_eq!(verified.len(), records.len());
        // Seats 0 and 2 sent their own seeds; seat 4 asked the server, and the records say so.
        for hand in &verified {
            for seat in [0, 2] {
                assert!(!hand.server_generated_seats.contains(&seat), "{hand:?}");
            }
            assert!(!hand.independent_seats.contains(&4), "{hand:?}");
        }
        total_hands += records.len();
        records_by_table.push(records);
    }
    assert!(total_hands >= 200, "{total_hands} hands");

    // Hand histories, for every player.
    let mut tallies = Vec::new();
    for (i, (name, token)) in names.iter().zip(&tokens).enumerate() {
        let table = TABLES[i / 3].name;
        let tally =
            check_histories(&client, token, name, table, &records_by_table[i / 3], &keys).await;
        tallies.push(tally);
    }
    println!("histories: {tallies:?}");
    assert!(tallies.iter().all(|t| t.phh_hands > 0));
    // Hands with missed-blind posts are among them, and replayed as PHH like the rest.
    assert!(tallies.iter().any(|t| t.with_posts > 0), "{tallies:?}");

    // Access: no token -> 401; a player of the other table -> 403; a player of this table
    // who was dealt in no hand -> 403 for a hand, and nothing listed; unknown hand -> 404.
    let anonymous = client.get("/api/v1/hands/t-nlhe-1/history", None).await;
    assert_eq!(anonymous.status, 401);
    let stranger = client
        .get("/api/v1/hands/t-nlhe-1/history", Some(&tokens[3]))
        .await;
    assert_eq!(
        (stranger.status, stranger.code().as_str()),
        (403, "forbidden")
    );
    let late = client.sign_up("latecomer").await;
    let mut socket = bot::connect(&client, Some(&late)).await;
    for (id, request) in [
        (1, json!({"type": "sit", "seat": 1, "buy_in": 40})),
        (2, json!({"type": "leave"})),
    ] {
        let mut request = request;
        request["v"] = json!(1);
        request["id"] = json!(id);
        request["table"] = json!("t-nlhe");
        bot::send(&mut socket, request).await;
        loop {
            let message = bot::receive(&mut socket).await.expect("answer");
            if message["id"] == json!(id) {
                assert_eq!(message["type"], json!("ack"), "{message}");
                break;
            }
        }
    }
    let not_dealt = client
        .get("/api/v1/hands/t-nlhe-1/history", Some(&late))
        .await;
    assert_eq!(
        (not_dealt.status, not_dealt.code().as_str()),
        (403, "forbidden")
    );
    let listed = client.get("/api/v1/me/hands", Some(&late)).await.json();
    assert_eq!(listed, json!({"hands": [], "next": null}));
    let none = client
        .get(
            "/api/v1/tables/t-nlhe/history?format=pokerstars",
            Some(&late),
        )
        .await;
    assert_eq!((none.status, none.text().as_str()), (200, ""));
    let missing = client
        .get("/api/v1/hands/t-nlhe-999999/history", Some(&tokens[0]))
        .await;
    assert_eq!(missing.status, 404);
    for bad in [
        "/api/v1/hands/t-nlhe-1/history?format=xml",
        "/api/v1/tables/t-nlhe/history?from=1&to=101",
        "/api/v1/me/hands?limit=0",
        "/api/v1/me/hands?color=red",
    ] {
        let reply = client.get(bad, Some(&tokens[0])).await;
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (400, "bad_query"),
            "{bad}"
        );
    }

    // Everyone left: every chip is back in a player account, none created or lost.
    let mut total = 0;
    for token in tokens.iter().chain([&late]) {
        total += client.balance(token).await;
    }
    assert_eq!(total, STARTING_BALANCE * (PLAYERS as u64 + 1));

    server.terminate();
    let exit = server.wait_exit(Duration::from_secs(30)).await;
    assert!(exit.success(), "exit {exit:?}\n{}", server.log());
    let store = poker_server::store::Store::open(&data.join(poker_server::data_dir::DATABASE_FILE))
        .await
        .expect("reopen the database");
    let report = store.check_ledger().await.expect("the ledger checks out");
    assert_eq!(report.issued, STARTING_BALANCE * (PLAYERS as u64 + 1));
    store.close().await.expect("close");
    println!(
        "{total_hands} hands at {} tables played in {played:?}; whole test {:?}",
        TABLES.len(),
        started.elapsed()
    );
}
