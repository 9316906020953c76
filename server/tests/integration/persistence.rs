//! What survives a restart (database, signing key), file permissions, session expiry, and the
//! real binary: configuration precedence and a clean exit on SIGTERM.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use poker_server::accounts::{Password, Username};
use poker_server::auth::{PasswordHasher, SessionToken};
use poker_server::clock::UnixTime;
use poker_server::config::ConfigLayer;
use poker_server::data_dir::{DATABASE_FILE, KEY_FILE};
use poker_server::keys::KeyError;
use poker_server::limits::SESSIONS_PER_ACCOUNT_MAX;
use poker_server::store::Store;
use poker_server::{App, StartError};

use crate::support::{config_in, Client, TestServer};

const PASSWORD: &str = "correct horse battery";

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
async fn key_and_database_survive_a_restart() {
    let parent = tempfile::tempdir().expect("temp dir");
    let dir = parent.path().join("data");
    let server = TestServer::start(&dir).await;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join(KEY_FILE)), 0o600);
    assert_eq!(mode(&dir.join(DATABASE_FILE)), 0o600);
    let client = server.client();
    let key_before = client.get("/api/v1/server-key", None).await.body;
    let token = client.sign_up("erin", PASSWORD).await;
    server.stop().await;

    let server = TestServer::start(&dir).await;
    let client = server.client();
    assert_eq!(
        client.get("/api/v1/server-key", None).await.body,
        key_before
    );
    // The session, the account and its balance are all still there.
    let me = client.get("/api/v1/me", Some(&token)).await;
    assert_eq!(
        (me.status, &me.body["username"]),
        (200, &serde_json::json!("erin"))
    );
    assert_eq!(client.login("erin", PASSWORD).await.status, 200);
    assert_eq!(client.register("erin", PASSWORD).await.status, 409);
    server.stop().await;
}

#[tokio::test]
async fn unsafe_or_damaged_key_files_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let key_file = dir.path().join(KEY_FILE);
    std::fs::write(&key_file, format!("{}\n", "ab".repeat(32))).expect("write");

    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let open = App::open(config_in(dir.path(), ConfigLayer::default())).await;
    assert!(
        matches!(
            open,
            Err(StartError::Key(KeyError::Permissions { mode: 0o644, .. }))
        ),
        "{open:?}"
    );

    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let app = App::open(config_in(dir.path(), ConfigLayer::default()))
        .await
        .expect("valid key");
    assert_eq!(
        app.state().key().public(),
        fairness::ServerKey::from_secret_bytes([0xab; 32]).public(),
        "the stored secret is used as is"
    );
    app.state().store().close().await.expect("close");

    std::fs::write(&key_file, "not hex\n").expect("write");
    let open = App::open(config_in(dir.path(), ConfigLayer::default())).await;
    assert!(
        matches!(open, Err(StartError::Key(KeyError::Malformed(_)))),
        "{open:?}"
    );
}

#[tokio::test]
async fn sessions_expire_and_are_capped_per_account() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join(DATABASE_FILE))
        .await
        .expect("open");
    let hasher = PasswordHasher::new(1).await.expect("hasher");
    let hash = hasher
        .hash(&Password::parse(PASSWORD).expect("valid"))
        .await
        .expect("hash");
    let account = store
        .create_account(
            Username::parse("frank").expect("valid"),
            hash,
            0,
            UnixTime::now(),
        )
        .await
        .expect("account");

    let t0 = UnixTime::from_secs(1_000_000);
    let token = SessionToken::generate().expect("token");
    store
        .create_session(account.id, token.hash(), t0, UnixTime::from_secs(1_000_060))
        .await
        .expect("session");
    let at = |s| UnixTime::from_secs(s);
    assert_eq!(
        store
            .session_account(token.hash(), at(1_000_059))
            .await
            .expect("q"),
        Some(account.id)
    );
    assert_eq!(
        store
            .session_account(token.hash(), at(1_000_060))
            .await
            .expect("q"),
        None
    );

    // Beyond the cap, each new session ends the oldest one.
    let tokens: Vec<SessionToken> = (0..=SESSIONS_PER_ACCOUNT_MAX)
        .map(|_| SessionToken::generate().expect("token"))
        .collect();
    for (i, token) in tokens.iter().enumerate() {
        let now = at(2_000_000 + i64::try_from(i).expect("small"));
        store
            .create_session(account.id, token.hash(), now, at(3_000_000))
            .await
            .expect("session");
    }
    let live = |t: &SessionToken| store.session_account(t.hash(), at(2_500_000));
    assert_eq!(live(&tokens[0]).await.expect("q"), None, "oldest dropped");
    for token in &tokens[1..] {
        assert_eq!(live(token).await.expect("q"), Some(account.id));
    }
    store.close().await.expect("close");
    assert!(matches!(
        store.ping().await,
        Err(poker_server::store::StoreError::Closed)
    ));
}

/// Reads the child's banner: (address, public key hex). A thread keeps draining stdout, so
/// the server never writes into a closed pipe.
pub(crate) fn read_banner(stdout: impl Read + Send + 'static) -> (std::net::SocketAddr, String) {
    let (lines_tx, lines_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines_tx.send(line);
        }
    });
    let (mut addr, mut key) = (None, None);
    while addr.is_none() || key.is_none() {
        let line = lines_rx
            .recv_timeout(Duration::from_secs(30))
            .expect("banner line");
        if let Some(rest) = line.strip_prefix("poker-server listening on http://") {
            addr = Some(rest.parse().expect("address"));
        }
        if let Some(rest) = line.strip_prefix("server public key (ed25519): ") {
            key = Some(rest.to_owned());
        }
    }
    (addr.expect("address"), key.expect("key"))
}

/// The server process, killed if the test fails before it exits on its own.
pub(crate) struct ChildGuard(pub(crate) std::process::Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

#[tokio::test]
async fn the_binary_resolves_settings_and_exits_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config_file = dir.path().join("poker.toml");
    std::fs::write(
        &config_file,
        "addr = \"127.0.0.1:0\"\nstarting_balance = 5\nsession_ttl_secs = 3600\n",
    )
    .expect("write config");
    let child = Command::new(env!("CARGO_BIN_EXE_poker-server"))
        .arg("--starting-balance")
        .arg("77")
        .env("POKER_CONFIG", &config_file)
        .env("POKER_DATA_DIR", dir.path().join("data"))
        .env("POKER_STARTING_BALANCE", "50")
        .env("POKER_SESSION_TTL_SECS", "120")
        .env("POKER_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn poker-server");
    let mut guard = ChildGuard(child);
    let child = &mut guard.0;
    let (addr, public_key) = read_banner(child.stdout.take().expect("stdout"));
    assert_ne!(addr.port(), 8080, "the file's address beats the default");

    let client = Client { addr };
    assert_eq!(
        client.get("/api/v1/server-key", None).await.body["public_key"],
        public_key
    );
    let token = client.sign_up("grace", PASSWORD).await;
    let me = client.get("/api/v1/me", Some(&token)).await;
    assert_eq!(
        me.body["balance"], 77,
        "the flag beats the variable and the file"
    );
    let login = client.login("grace", PASSWORD).await;
    let ttl = login.body["expires_at"].as_i64().expect("expiry") - UnixTime::now().as_secs();
    assert!(
        (110..=120).contains(&ttl),
        "the variable beats the file: ttl {ttl}"
    );

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        assert!(Instant::now() < deadline, "no exit after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    assert!(exit.success(), "exit {exit:?}, stderr: {stderr}");

    // The data it wrote is all there for the next start.
    let data = dir.path().join("data");
    assert_eq!(mode(&data.join(KEY_FILE)), 0o600);
    let store = Store::open(&data.join(DATABASE_FILE))
        .await
        .expect("reopen");
    assert_eq!(store.check_ledger().await.expect("consistent").issued, 77);
    store.close().await.expect("close");
}

/// Starts the real binary on `data`, with its output drained; returns it and its address.
pub(crate) fn spawn_server(data: &std::path::Path) -> (ChildGuard, std::net::SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_poker-server"))
        .env("POKER_ADDR", "127.0.0.1:0")
        .env("POKER_DATA_DIR", data)
        .env("POKER_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn poker-server");
    let (addr, _) = read_banner(child.stdout.take().expect("stdout"));
    (ChildGuard(child), addr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hand_cut_short_by_sigkill_is_voided_with_a_verified_record_on_restart() {
    use crate::table_errors::Conn;
    use fairness::{verify, HandStatus, KeyRing, Predecessor, PublicKey, SignedHandRecord};
    use serde_json::json;

    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let (mut first, addr) = spawn_server(&data);
    let client = Client { addr };
    let alice = client.sign_up("alice", PASSWORD).await;
    let bob = client.sign_up("bob", PASSWORD).await;
    let table = json!("nlhe-1-2");
    let mut conns = Vec::new();
    for (token, seat) in [(&alice, 0), (&bob, 3)] {
        let mut conn = Conn::open(&client, Some(token)).await;
        let sit = json!({"type": "sit", "table": table, "seat": seat, "buy_in": 100});
        assert_eq!(conn.code(sit).await, "ack");
        conns.push(conn);
    }
    for conn in &mut conns {
        conn.hand_event("hand_announced", 1).await;
        let seed = json!({"type": "server_seed", "table": table, "hand": 1});
        assert_eq!(conn.code(seed).await, "ack");
    }
    let to_act = conns[0].hand_event("to_act", 1).await;
    let actor = usize::from(to_act["seat"] != 0);
    let raise = json!({"type": "act", "table": table, "hand": 1, "action": "bet",
        "amount": to_act["legal"]["min_bet_to"]});
    assert_eq!(conns[actor].code(raise).await, "ack");
    conns[0].event("bet").await;

    // SIGKILL: no shutdown code runs.
    first.0.kill().expect("SIGKILL");
    first.0.wait().expect("reaped");
    drop(conns);

    let (_second, addr) = spawn_server(&data);
    let client = Client { addr };
    for token in [&alice, &bob] {
        let me = client.get("/api/v1/me", Some(token)).await;
        assert_eq!(me.body["balance"], 10_000, "every chip is back: {me:?}");
    }
    let reply = client
        .get("/api/v1/hands/nlhe-1-2-1/record", Some(&alice))
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    let record = SignedHandRecord::from_json(&reply.body.to_string()).expect("record");
    let key = client.get("/api/v1/server-key", None).await;
    let keys = KeyRing::new(
        PublicKey::from_hex(key.body["public_key"].as_str().expect("hex")).expect("key"),
    );
    let verified = verify(&record, &keys, Predecessor::Genesis).expect("the void verifies");
    assert_eq!(verified.status, HandStatus::VoidAborted);
    assert_eq!(
        record.body().outcome().actions.len(),
        1,
        "the raise is logged"
    );
    assert!(verified.final_stacks.iter().all(|stack| stack.stack == 100));
}
