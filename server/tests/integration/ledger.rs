//! The chip ledger through the store's API: idempotency, refusals that change nothing, hand
//! settlement with its record, and a seeded random workload checked against a model.

use std::collections::BTreeMap;

use poker_server::accounts::{Account, AccountId, Password, Username};
use poker_server::auth::{PasswordHash, PasswordHasher};
use poker_server::clock::UnixTime;
use poker_server::ledger::{
    IdempotencyKey, LedgerAccountId, LedgerError, Movement, Receipt, TableId,
};
use poker_server::store::{HandSettlement, Store};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

/// A fresh store in a temporary directory.
struct Fixture {
    _dir: TempDir,
    store: Store,
    password_hash: PasswordHash,
}

impl Fixture {
    async fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("poker.sqlite3"))
            .await
            .expect("open store");
        let hasher = PasswordHasher::new(1).await.expect("hasher");
        let password_hash = hasher
            .hash(&Password::parse("a fine password").expect("valid"))
            .await
            .expect("hash");
        Fixture {
            _dir: dir,
            store,
            password_hash,
        }
    }

    async fn player(&self, name: &str, balance: u64) -> Account {
        self.store
            .create_account(
                Username::parse(name).expect("valid name"),
                self.password_hash.clone(),
                balance,
                UnixTime::now(),
            )
            .await
            .expect("create account")
    }

    async fn balance(&self, account: LedgerAccountId) -> i64 {
        self.store.ledger_balance(account).await.expect("balance")
    }

    async fn session(&self, table: &TableId, account: AccountId) -> LedgerAccountId {
        self.store
            .table_session_account(table.clone(), account)
            .await
            .expect("query")
            .expect("session exists")
    }
}

fn key(text: &str) -> IdempotencyKey {
    IdempotencyKey::parse(text).expect("valid key")
}

fn table(text: &str) -> TableId {
    TableId::parse(text).expect("valid table id")
}

fn movement(from: LedgerAccountId, to: LedgerAccountId, amount: u64) -> Movement {
    Movement::new(from, to, amount).expect("valid movement")
}

fn hand(
    table_id: &TableId,
    hand_no: u64,
    prev_hash: Option<[u8; 32]>,
    movements: Vec<Movement>,
) -> HandSettlement {
    let record = format!("record of hand {hand_no} at {table_id}").into_bytes();
    HandSettlement {
        key: key(&format!("hand:{table_id}:{hand_no}")),
        table: table_id.clone(),
        hand_no,
        record_hash: Sha256::digest(&record).into(),
        record,
        prev_hash,
        movements,
    }
}

#[tokio::test]
async fn buy_in_and_cash_out_happen_once_per_key() {
    let f = Fixture::new().await;
    let alice = f.player("alice", 1_000).await;
    let t1 = table("t1");

    let first = f
        .store
        .buy_in(key("buy:1"), alice.id, t1.clone(), 300)
        .await
        .expect("buy-in");
    assert!(!first.replayed);
    let again = f
        .store
        .buy_in(key("buy:1"), alice.id, t1.clone(), 300)
        .await
        .expect("replay");
    assert!(again.replayed);
    assert_eq!(
        (again.transaction, &again.entries),
        (first.transaction, &first.entries)
    );
    let session = f.session(&t1, alice.id).await;
    assert_eq!(f.balance(alice.ledger_account).await, 700, "moved once");
    assert_eq!(f.balance(session).await, 300);

    // The same key for another request is refused, whatever the request.
    for attempt in [
        f.store
            .buy_in(key("buy:1"), alice.id, t1.clone(), 301)
            .await,
        f.store
            .buy_in(key("buy:1"), alice.id, table("t2"), 300)
            .await,
        f.store
            .cash_out(key("buy:1"), alice.id, t1.clone(), 300)
            .await,
    ] {
        assert!(
            matches!(attempt, Err(LedgerError::IdempotencyConflict { .. })),
            "{attempt:?}"
        );
    }
    // The refused buy-in at t2 left no session behind.
    assert_eq!(
        f.store
            .table_session_account(table("t2"), alice.id)
            .await
            .expect("query"),
        None
    );

    let out = f
        .store
        .cash_out(key("out:1"), alice.id, t1.clone(), 120)
        .await
        .expect("cash-out");
    let out_again = f
        .store
        .cash_out(key("out:1"), alice.id, t1.clone(), 120)
        .await
        .expect("replay");
    assert_eq!(out.transaction, out_again.transaction);
    assert_eq!(f.balance(alice.ledger_account).await, 820);
    assert_eq!(f.balance(session).await, 180);
    assert_eq!(
        f.store.check_ledger().await.expect("consistent").issued,
        1_000
    );
}

#[tokio::test]
async fn refused_operations_move_nothing() {
    let f = Fixture::new().await;
    let alice = f.player("alice", 500).await;
    let bob = f.player("bob", 0).await;
    let t1 = table("t1");

    let short = f
        .store
        .buy_in(key("buy:a"), alice.id, t1.clone(), 501)
        .await;
    assert!(
        matches!(
            short,
            Err(LedgerError::InsufficientChips {
                balance: 500,
                needed: 501,
                ..
            })
        ),
        "{short:?}"
    );
    let broke = f.store.buy_in(key("buy:b"), bob.id, t1.clone(), 1).await;
    assert!(
        matches!(
            broke,
            Err(LedgerError::InsufficientChips { balance: 0, .. })
        ),
        "{broke:?}"
    );
    let no_session = f
        .store
        .cash_out(key("out:a"), alice.id, t1.clone(), 1)
        .await;
    assert!(
        matches!(no_session, Err(LedgerError::NoTableSession { .. })),
        "{no_session:?}"
    );

    f.store
        .buy_in(key("buy:a2"), alice.id, t1.clone(), 200)
        .await
        .expect("buy-in");
    let over = f
        .store
        .cash_out(key("out:a2"), alice.id, t1.clone(), 201)
        .await;
    assert!(
        matches!(
            over,
            Err(LedgerError::InsufficientChips { balance: 200, .. })
        ),
        "{over:?}"
    );
    // A settle where one movement fails applies none of them.
    let session = f.session(&t1, alice.id).await;
    let partial = f
        .store
        .settle(
            key("settle:1"),
            vec![
                movement(session, bob.ledger_account, 150),
                movement(alice.ledger_account, bob.ledger_account, 301),
            ],
        )
        .await;
    assert!(
        matches!(partial, Err(LedgerError::InsufficientChips { .. })),
        "{partial:?}"
    );
    // A refused key stays unused: the same key with a valid request goes through.
    f.store
        .settle(
            key("settle:1"),
            vec![movement(session, bob.ledger_account, 150)],
        )
        .await
        .expect("settle");

    assert_eq!(f.balance(alice.ledger_account).await, 300);
    assert_eq!(f.balance(session).await, 50);
    assert_eq!(f.balance(bob.ledger_account).await, 150);
    let report = f.store.check_ledger().await.expect("consistent");
    assert_eq!(report.issued, 500);
}

#[tokio::test]
async fn hands_settle_with_their_records_in_order() {
    let f = Fixture::new().await;
    let alice = f.player("alice", 1_000).await;
    let bob = f.player("bob", 1_000).await;
    let t1 = table("t1");
    f.store
        .buy_in(key("buy:a"), alice.id, t1.clone(), 400)
        .await
        .expect("buy-in");
    f.store
        .buy_in(key("buy:b"), bob.id, t1.clone(), 400)
        .await
        .expect("buy-in");
    let (sa, sb) = (f.session(&t1, alice.id).await, f.session(&t1, bob.id).await);

    let hand1 = hand(&t1, 1, None, vec![movement(sa, sb, 60)]);
    let receipt: Receipt = f.store.settle_hand(hand1.clone()).await.expect("hand 1");
    assert!(!receipt.replayed);
    let replay = f.store.settle_hand(hand1.clone()).await.expect("replay");
    assert!(replay.replayed);
    assert_eq!(replay.transaction, receipt.transaction);
    assert_eq!((f.balance(sa).await, f.balance(sb).await), (340, 460));

    // Out of order, broken chain, foreign accounts, too few chips: refused, nothing stored.
    let skip = hand(&t1, 3, Some(hand1.record_hash), vec![movement(sb, sa, 10)]);
    assert!(matches!(
        f.store.settle_hand(skip).await,
        Err(LedgerError::HandOutOfOrder {
            expected: 2,
            got: 3,
            ..
        })
    ));
    let unchained = hand(&t1, 2, Some([9; 32]), vec![movement(sb, sa, 10)]);
    assert!(matches!(
        f.store.settle_hand(unchained).await,
        Err(LedgerError::HandChainBroken { hand_no: 2, .. })
    ));
    let unlinked = hand(&t1, 2, None, vec![movement(sb, sa, 10)]);
    assert!(matches!(
        f.store.settle_hand(unlinked).await,
        Err(LedgerError::HandChainBroken { .. })
    ));
    let foreign = hand(
        &t1,
        2,
        Some(hand1.record_hash),
        vec![movement(alice.ledger_account, sa, 10)],
    );
    assert!(matches!(
        f.store.settle_hand(foreign).await,
        Err(LedgerError::NotAtTable { .. })
    ));
    let other_table = hand(
        &table("t2"),
        2,
        Some(hand1.record_hash),
        vec![movement(sb, sa, 10)],
    );
    assert!(matches!(
        f.store.settle_hand(other_table).await,
        Err(LedgerError::NotAtTable { .. })
    ));
    let broke = hand(&t1, 2, Some(hand1.record_hash), vec![movement(sa, sb, 341)]);
    assert!(matches!(
        f.store.settle_hand(broke).await,
        Err(LedgerError::InsufficientChips {
            balance: 340,
            needed: 341,
            ..
        })
    ));
    assert_eq!(
        f.store.hand_record(t1.clone(), 2).await.expect("query"),
        None
    );
    assert_eq!((f.balance(sa).await, f.balance(sb).await), (340, 460));

    // A chopped pot nets to nothing but the record is still stored.
    let hand2 = hand(
        &t1,
        2,
        Some(hand1.record_hash),
        vec![movement(sa, sb, 25), movement(sb, sa, 25)],
    );
    let chopped = f.store.settle_hand(hand2.clone()).await.expect("hand 2");
    assert!(chopped.entries.is_empty());
    let stored = f
        .store
        .hand_record(t1.clone(), 2)
        .await
        .expect("query")
        .expect("stored");
    assert_eq!(stored.record, hand2.record);
    assert_eq!(stored.prev_hash, Some(hand1.record_hash));
    assert_eq!(
        f.store.check_ledger().await.expect("consistent").issued,
        2_000
    );
}

/// splitmix64: a small deterministic generator for test workloads (not for anything dealt).
struct TestRng(u64);

impl TestRng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Expected balances, kept by the test independently of the store.
struct Model(BTreeMap<LedgerAccountId, i64>);

impl Model {
    fn balance(&self, account: LedgerAccountId) -> i64 {
        self.0.get(&account).copied().unwrap_or(0)
    }

    /// Whether `movements` leave every account non-negative, and the net change per account.
    fn apply_check(&self, movements: &[Movement]) -> (bool, BTreeMap<LedgerAccountId, i64>) {
        let mut net: BTreeMap<LedgerAccountId, i64> = BTreeMap::new();
        for m in movements {
            let amount = i64::try_from(m.amount()).expect("small");
            *net.entry(m.from()).or_default() -= amount;
            *net.entry(m.to()).or_default() += amount;
        }
        let fits = net
            .iter()
            .all(|(&account, &delta)| self.balance(account) + delta >= 0);
        (fits, net)
    }

    fn apply(&mut self, net: &BTreeMap<LedgerAccountId, i64>) {
        for (&account, &delta) in net {
            *self.0.entry(account).or_default() += delta;
        }
    }
}

#[tokio::test]
async fn random_operations_keep_every_invariant() {
    const OPERATIONS: usize = 300;
    let seed = std::env::var("POKER_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut rng = TestRng(seed);
    let f = Fixture::new().await;
    let tables = [table("t1"), table("t2")];
    let mut players = Vec::new();
    let mut model = Model(BTreeMap::new());
    for (i, name) in ["player0", "player1", "player2", "player3"]
        .iter()
        .enumerate()
    {
        let starting = 500 * (i as u64 + 1);
        let account = f.player(name, starting).await;
        model.0.insert(
            account.ledger_account,
            i64::try_from(starting).expect("small"),
        );
        players.push(account);
    }
    let mut sessions: BTreeMap<(usize, usize), LedgerAccountId> = BTreeMap::new();
    let mut chain: Vec<(u64, Option<[u8; 32]>)> = vec![(1, None); tables.len()];
    let mut done: Vec<(IdempotencyKey, Receipt)> = Vec::new();
    let (mut applied, mut refused, mut replayed) = (0, 0, 0);

    for op in 0..OPERATIONS {
        let context = format!("seed {seed}, operation {op}");
        let p = usize::try_from(rng.below(players.len() as u64)).expect("small");
        let t = usize::try_from(rng.below(tables.len() as u64)).expect("small");
        let player = &players[p];
        match rng.below(10) {
            // Retry an earlier request under its key: it must replay.
            0 if !done.is_empty() => {
                let (old_key, old) =
                    &done[usize::try_from(rng.below(done.len() as u64)).expect("small")];
                // A receipt says which kind it was; only buy-ins are re-sent here, since
                // they are rebuilt from the receipt exactly.
                if old.kind != poker_server::ledger::TransactionKind::BuyIn {
                    continue;
                }
                let (to, amount) = old
                    .entries
                    .iter()
                    .find(|e| e.delta > 0)
                    .map(|e| (e.account, e.delta.unsigned_abs()))
                    .expect("credit entry");
                let (&(owner, at), _) = sessions.iter().find(|(_, &s)| s == to).expect("session");
                let again = f
                    .store
                    .buy_in(
                        old_key.clone(),
                        players[owner].id,
                        tables[at].clone(),
                        amount,
                    )
                    .await
                    .unwrap_or_else(|err| panic!("{context}: replay failed: {err}"));
                assert!(again.replayed, "{context}");
                assert_eq!(
                    &again,
                    &Receipt {
                        replayed: true,
                        ..old.clone()
                    },
                    "{context}"
                );
                replayed += 1;
            }
            // Buy in, sometimes for more than the player has.
            0..=3 => {
                let have = model.balance(player.ledger_account).unsigned_abs();
                let amount = 1 + rng.below(have + have / 5 + 1);
                let k = key(&format!("buy:{op}"));
                let result = f
                    .store
                    .buy_in(k.clone(), player.id, tables[t].clone(), amount)
                    .await;
                if amount <= have {
                    let receipt = result.unwrap_or_else(|err| panic!("{context}: {err}"));
                    let session = f.session(&tables[t], player.id).await;
                    sessions.insert((p, t), session);
                    let net = BTreeMap::from([
                        (
                            player.ledger_account,
                            -i64::try_from(amount).expect("small"),
                        ),
                        (session, i64::try_from(amount).expect("small")),
                    ]);
                    model.apply(&net);
                    done.push((k, receipt));
                    applied += 1;
                } else {
                    assert!(
                        matches!(result, Err(LedgerError::InsufficientChips { .. })),
                        "{context}: {result:?}"
                    );
                    refused += 1;
                }
            }
            // Cash out, sometimes more than the session holds or from no session.
            4..=5 => {
                let k = key(&format!("out:{op}"));
                match sessions.get(&(p, t)) {
                    None => {
                        let result = f.store.cash_out(k, player.id, tables[t].clone(), 1).await;
                        assert!(
                            matches!(result, Err(LedgerError::NoTableSession { .. })),
                            "{context}: {result:?}"
                        );
                        refused += 1;
                    }
                    Some(&session) => {
                        let have = model.balance(session).unsigned_abs();
                        let amount = 1 + rng.below(have + 10);
                        let result = f
                            .store
                            .cash_out(k, player.id, tables[t].clone(), amount)
                            .await;
                        let (fits, net) =
                            model.apply_check(&[movement(session, player.ledger_account, amount)]);
                        if fits {
                            result.unwrap_or_else(|err| panic!("{context}: {err}"));
                            model.apply(&net);
                            applied += 1;
                        } else {
                            assert!(
                                matches!(result, Err(LedgerError::InsufficientChips { .. })),
                                "{context}: {result:?}"
                            );
                            refused += 1;
                        }
                    }
                }
            }
            // Settle a hand among the sessions at one table.
            _ => {
                let seated: Vec<LedgerAccountId> = sessions
                    .iter()
                    .filter(|((_, at), _)| *at == t)
                    .map(|(_, &s)| s)
                    .collect();
                if seated.len() < 2 {
                    continue;
                }
                let mut movements = Vec::new();
                for _ in 0..1 + rng.below(4) {
                    let from =
                        seated[usize::try_from(rng.below(seated.len() as u64)).expect("small")];
                    let to =
                        seated[usize::try_from(rng.below(seated.len() as u64)).expect("small")];
                    if from != to {
                        movements.push(movement(from, to, 1 + rng.below(200)));
                    }
                }
                let (hand_no, prev) = chain[t];
                let settlement = hand(&tables[t], hand_no, prev, movements.clone());
                let record_hash = settlement.record_hash;
                let result = f.store.settle_hand(settlement).await;
                let (fits, net) = model.apply_check(&movements);
                if fits {
                    result.unwrap_or_else(|err| panic!("{context}: {err}"));
                    model.apply(&net);
                    chain[t] = (hand_no + 1, Some(record_hash));
                    applied += 1;
                } else {
                    assert!(
                        matches!(result, Err(LedgerError::InsufficientChips { .. })),
                        "{context}: {result:?}"
                    );
                    refused += 1;
                }
            }
        }
    }

    let report = f
        .store
        .check_ledger()
        .await
        .unwrap_or_else(|err| panic!("seed {seed}: {err}"));
    assert_eq!(report.issued, 500 + 1_000 + 1_500 + 2_000);
    for (&account, &expected) in &model.0 {
        assert_eq!(
            f.balance(account).await,
            expected,
            "seed {seed}: account {account}"
        );
    }
    assert_eq!(
        model.0.values().sum::<i64>(),
        5_000,
        "the model conserves chips too"
    );
    // The workload exercised every path.
    assert!(
        applied > 50 && refused > 10 && replayed > 5,
        "{applied} {refused} {replayed}"
    );
}

#[tokio::test]
async fn a_tampered_ledger_is_detected_and_the_server_refuses_to_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join(poker_server::data_dir::DATABASE_FILE);
    let store = Store::open(&db).await.expect("open");
    let hasher = PasswordHasher::new(1).await.expect("hasher");
    let hash = hasher
        .hash(&Password::parse("a fine password").expect("valid"))
        .await
        .expect("hash");
    store
        .create_account(
            Username::parse("mallory").expect("valid"),
            hash,
            100,
            UnixTime::now(),
        )
        .await
        .expect("account");
    store.close().await.expect("close");

    let conn = rusqlite::Connection::open(&db).expect("raw connection");
    // The journal refuses rewrites outright.
    assert!(conn
        .execute("UPDATE ledger_entries SET delta = delta + 1", [])
        .is_err());
    assert!(conn.execute("DELETE FROM ledger_transactions", []).is_err());
    // Cached balances and one-sided entries can still be forged by hand; the check sees them.
    conn.execute(
        "UPDATE ledger_accounts SET balance = balance + 5 WHERE kind = 'player'",
        [],
    )
    .expect("forge balance");
    conn.execute(
        "INSERT INTO ledger_transactions (idempotency_key, kind, fingerprint, created_at)
         VALUES ('forged', 'settle', zeroblob(32), 0)",
        [],
    )
    .expect("forge transaction");
    let forged = conn.last_insert_rowid();
    conn.execute(
        "INSERT INTO ledger_entries (transaction_id, account_id, delta)
         SELECT ?1, id, 7 FROM ledger_accounts WHERE kind = 'player'",
        [forged],
    )
    .expect("forge entry");
    drop(conn);

    let store = Store::open(&db).await.expect("open");
    let Err(LedgerError::Inconsistent(found)) = store.check_ledger().await else {
        panic!("tampering not detected");
    };
    use poker_server::ledger::Inconsistency;
    assert!(
        found
            .iter()
            .any(|i| matches!(i, Inconsistency::UnbalancedTransaction { sum: 7, .. })),
        "{found:?}"
    );
    assert!(
        found.iter().any(|i| matches!(
            i,
            Inconsistency::BalanceMismatch {
                cached: 105,
                from_entries: 107,
                ..
            }
        )),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|i| matches!(i, Inconsistency::NonZeroTotal { total: 5 })),
        "{found:?}"
    );
    store.close().await.expect("close");

    let config =
        crate::support::config_in(dir.path(), poker_server::config::ConfigLayer::default());
    let open = poker_server::App::open(config).await;
    assert!(
        matches!(open, Err(poker_server::StartError::Ledger(_))),
        "{open:?}"
    );
}
