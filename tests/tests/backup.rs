//! `poker-server backup` on the real binary while two players are mid-game: the backup
//! reports a sound copy, and a second server started on it has the same key, the hand
//! records up to the moment of the copy (the first server's, verifying and chaining, with
//! the hand then in play voided as after a crash), the players' logins, and every chip (the
//! stacks at the table given back).

use std::process::Command;
use std::time::{Duration, Instant};

use fairdeal_tests::bot::{self, BotPlan};
use fairdeal_tests::http::Client;
use fairdeal_tests::process::{server_binary, write_config, ServerProcess, TableSpec};
use fairness::{
    verify_chain, HandStatus, KeyRing, Predecessor, PublicKey, SignatureMode, SignedHandRecord,
};

const TABLE: &str = "t-nlhe";
const BALANCE: u64 = 10_000;
const HANDS: u64 = 40;
/// Hands that must have ended before the backup is taken.
const HANDS_BEFORE_BACKUP: usize = 5;
const WAIT_LIMIT: Duration = Duration::from_secs(60);

/// Every record of the table so far, in order (none before alice's first hand).
async fn records(client: &Client, token: &str) -> Vec<SignedHandRecord> {
    client.table_records(token, TABLE).await.unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_mid_game_restores_records_logins_and_every_chip() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let copy = dir.path().join("backup");
    let config = write_config(
        dir.path(),
        &format!("starting_balance = {BALANCE}"),
        &[TableSpec {
            name: TABLE,
            number: 1,
            game: "nlhe",
        }],
    );
    let mut server = ServerProcess::start(&data, &config);
    let client = Client { addr: server.addr };
    let names = ["alice", "bob"];
    let mut tokens = Vec::new();
    for name in names {
        tokens.push(client.sign_up(name).await);
    }
    let bots: Vec<_> = names
        .iter()
        .zip(&tokens)
        .enumerate()
        .map(|(i, (name, token))| {
            tokio::spawn(bot::play(
                client,
                BotPlan {
                    name: (*name).to_owned(),
                    token: token.clone(),
                    table: TABLE.to_owned(),
                    seat: u8::try_from(i * 3).expect("seat"),
                    buy_ins: vec![100, 60],
                    hands: HANDS,
                    server_seeds: i == 1,
                    all_in_percent: 10,
                },
            ))
        })
        .collect();

    let waited = Instant::now();
    while records(&client, &tokens[0]).await.len() < HANDS_BEFORE_BACKUP {
        assert!(waited.elapsed() < WAIT_LIMIT, "no hands played");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Taken while the bots play on.
    let (from, to) = (data.clone(), copy.clone());
    let output = tokio::task::spawn_blocking(move || {
        Command::new(server_binary())
            .arg("backup")
            .arg("--data-dir")
            .arg(from)
            .arg("--to")
            .arg(to)
            .output()
            .expect("run poker-server backup")
    })
    .await
    .expect("task");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("ledger consistent"), "{stdout}");
    assert!(stdout.contains("audit log intact"), "{stdout}");

    for bot in bots {
        let report = bot.await.expect("bot");
        assert!(report.rejections.is_empty(), "{report:?}");
    }
    let original = records(&client, &tokens[0]).await;
    server.terminate();
    let exit = server.wait_exit(WAIT_LIMIT).await;
    assert!(exit.success(), "exit {exit:?}\n{}", server.log());

    let mut restored = ServerProcess::start(&copy, &config);
    assert_eq!(
        restored.public_key, server.public_key,
        "the same signing key"
    );
    let client = Client {
        addr: restored.addr,
    };
    let kept = records(&client, &tokens[0]).await;
    assert!(
        kept.len() >= HANDS_BEFORE_BACKUP && kept.len() < original.len(),
        "{} of {} records",
        kept.len(),
        original.len()
    );
    // The hands that ended before the snapshot, exactly; a hand in play at the snapshot is
    // voided by the restored server as after a crash: the same announcement and commit list,
    // no chips moved.
    let (last, before) = kept.split_last().expect("records");
    for (kept, first) in before.iter().zip(&original) {
        assert_eq!(
            kept.to_json(),
            first.to_json(),
            "the same records, in order"
        );
    }
    let first = &original[before.len()];
    if last.to_json() != first.to_json() {
        assert_ne!(last.body().outcome().status, HandStatus::Completed);
        assert_eq!(
            last.body().announcement().to_json(),
            first.body().announcement().to_json()
        );
        for (after, before) in last.body().outcome().final_stacks.iter().zip(last.seats()) {
            assert_eq!((after.seat, after.stack), (before.seat, before.stack));
        }
    }
    let key = PublicKey::from_hex(&restored.public_key).expect("key");
    verify_chain(
        &kept,
        &KeyRing::new(key),
        Predecessor::Genesis,
        SignatureMode::Strict,
    )
    .expect("the chain verifies");

    // The logins were copied, and the stacks left at the table come back to the players.
    let mut total = 0;
    for token in &tokens {
        total += client.balance(token).await;
    }
    assert_eq!(total, BALANCE * 2, "no chip created or lost");
    restored.terminate();
    let exit = restored.wait_exit(WAIT_LIMIT).await;
    assert!(exit.success(), "exit {exit:?}\n{}", restored.log());
}

/// Relative `--data-dir` and `--to` paths that SQLite, which reads `file:` names as URIs,
/// would otherwise take for URIs (the second for an in-memory database): the copy is made
/// from the one directory into the other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_path_that_looks_like_a_sqlite_uri_is_still_a_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("file:data");
    let database = data.join(poker_server::data_dir::DATABASE_FILE);
    std::fs::create_dir(&data).expect("data dir");
    poker_server::keys::load_or_create(&data.join(poker_server::data_dir::KEY_FILE)).expect("key");
    let store = poker_server::store::Store::open(&database)
        .await
        .expect("store");
    store.close().await.expect("close");
    let target = "file:copy?mode=memory";
    let output = Command::new(server_binary())
        .current_dir(dir.path())
        .args(["backup", "--data-dir", "file:data", "--to", target])
        .output()
        .expect("run poker-server backup");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let copy = dir
        .path()
        .join(target)
        .join(poker_server::data_dir::DATABASE_FILE);
    assert!(copy.is_file(), "the copy is a file in the new directory");
}
