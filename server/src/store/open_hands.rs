//! The hand in play at each table, kept as an append-only journal of its steps so a restart
//! after a crash can void it.
//!
//! Every table saves after every step of a hand (announcement, commit list, reveals,
//! actions). Rewriting a whole row per step put one random database page (and its index
//! page) into the write-ahead log per save, about 40 page frames per heads-up hand. Here a
//! save appends only the new step to `hand_steps`, whose rowid key places every table's
//! appends on the same last page, so a group commit of many tables' steps writes one or two
//! pages. A hand ends with a `closed` step (in the settlement's own transaction), and
//! [`Store::prune_hand_steps`] deletes closed hands from time to time.
//!
//! A table's hand in play is the run of its steps from its last `server seed` step, unless a
//! `closed` step follows it. Within a hand, the bodies of one kind concatenate in step order:
//! reveals are `(seat, seed)` entries of 33 bytes, actions `(seat, code, amount)` of 10.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension};

use super::{Durability, Store, StoreError};
use crate::ledger::TableId;

/// Hands closed between two prunes of the journal (see [`Store::prune_hand_steps`]). Bounds
/// the journal to about this many hands' steps beyond the hands in play.
pub const HAND_STEPS_PRUNE_EVERY: u64 = 1024;

/// What a row of `hand_steps` holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum StepKind {
    /// The server seed behind the announced commitment: the first step of a hand.
    ServerSeed = 1,
    /// The signed announcement's canonical bytes.
    Announcement = 2,
    /// The signed commit list's canonical bytes.
    CommitList = 3,
    /// Revealed seeds, 33 bytes each.
    Reveals = 4,
    /// Actions, 10 bytes each.
    Actions = 5,
    /// The hand ended (settled, or voided without a record): nothing before it at its table
    /// is in play.
    Closed = 6,
}

impl StepKind {
    fn from_code(code: i64) -> Option<StepKind> {
        Some(match code {
            1 => StepKind::ServerSeed,
            2 => StepKind::Announcement,
            3 => StepKind::CommitList,
            4 => StepKind::Reveals,
            5 => StepKind::Actions,
            6 => StepKind::Closed,
            _ => return None,
        })
    }
}

/// The hand in play at a table, as saved step by step so a restart can void it.
#[derive(Clone, PartialEq, Eq)]
pub struct OpenHand {
    /// The hand number.
    pub hand_no: u64,
    /// The server seed (secret until the hand's record is published).
    pub server_seed: [u8; 32],
    /// The signed announcement's canonical bytes.
    pub announcement: Vec<u8>,
    /// The signed commit list's canonical bytes, once closed.
    pub commitments: Option<Vec<u8>>,
    /// Revealed seeds: `(seat, seed)` repeated, 33 bytes each.
    pub reveals: Vec<u8>,
    /// Actions so far: `(seat, code, amount big-endian)`, 10 bytes each.
    pub actions: Vec<u8>,
}

impl std::fmt::Debug for OpenHand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenHand")
            .field("hand_no", &self.hand_no)
            .finish_non_exhaustive()
    }
}

/// How much of an [`OpenHand`] has been handed to the store, so the next save appends only
/// the rest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SavedSteps {
    opened: bool,
    commitments: bool,
    reveals: usize,
    actions: usize,
}

/// New steps of one hand, in the order they are appended.
#[derive(Debug)]
pub struct HandSteps {
    hand_no: u64,
    steps: Vec<(StepKind, Vec<u8>)>,
}

impl HandSteps {
    /// Whether there is nothing new to save.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

impl OpenHand {
    /// The steps not yet in `saved`, which is moved past them.
    pub fn unsaved_steps(&self, saved: &mut SavedSteps) -> HandSteps {
        let mut steps = Vec::new();
        if !saved.opened {
            steps.push((StepKind::ServerSeed, self.server_seed.to_vec()));
            steps.push((StepKind::Announcement, self.announcement.clone()));
            saved.opened = true;
        }
        if let (false, Some(list)) = (saved.commitments, &self.commitments) {
            steps.push((StepKind::CommitList, list.clone()));
            saved.commitments = true;
        }
        if let Some(new) = self
            .reveals
            .get(saved.reveals..)
            .filter(|new| !new.is_empty())
        {
            steps.push((StepKind::Reveals, new.to_vec()));
            saved.reveals = self.reveals.len();
        }
        if let Some(new) = self
            .actions
            .get(saved.actions..)
            .filter(|new| !new.is_empty())
        {
            steps.push((StepKind::Actions, new.to_vec()));
            saved.actions = self.actions.len();
        }
        HandSteps {
            hand_no: self.hand_no,
            steps,
        }
    }
}

/// A hand number as stored.
fn stored_hand_no(hand_no: u64) -> i64 {
    i64::try_from(hand_no).unwrap_or(i64::MAX)
}

/// Appends one step inside the caller's transaction.
fn append(
    conn: &Connection,
    table: &TableId,
    hand_no: u64,
    kind: StepKind,
    body: &[u8],
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO hand_steps (table_id, hand_no, kind, body) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((table.as_str(), stored_hand_no(hand_no), kind as i64, body))?;
    Ok(())
}

/// Marks the hand in play at `table` (hand `hand_no`) as ended, inside the caller's
/// transaction.
pub(super) fn close(conn: &Connection, table: &TableId, hand_no: u64) -> Result<(), StoreError> {
    append(conn, table, hand_no, StepKind::Closed, &[])
}

/// Rebuilds one table's hand in play from its journal rows, fed in step order.
///
/// Only the rows from the table's last opening count: an opening starts over, a `closed`
/// step ends the hand, and anything else outside a hand (the tail of a hand whose opening
/// was pruned) is skipped. The first bad row fails the hand until the next opening.
#[derive(Debug, Default)]
enum HandReader {
    /// No hand in play so far.
    #[default]
    Idle,
    /// A hand in play, and whether its announcement was read.
    Open { hand: OpenHand, announced: bool },
    /// A bad row in the hand in play.
    Failed(StoreError),
}

impl HandReader {
    /// Reads one row: `hand_no`, the step kind's `code` and the `body`.
    fn feed(&mut self, hand_no: i64, code: i64, body: Vec<u8>) {
        let state = std::mem::take(self);
        *self = match HandReader::step(state, hand_no, code, body) {
            Ok(next) => next,
            Err(err) => HandReader::Failed(err),
        };
    }

    fn step(
        state: HandReader,
        hand_no: i64,
        code: i64,
        body: Vec<u8>,
    ) -> Result<HandReader, StoreError> {
        let kind = StepKind::from_code(code)
            .ok_or_else(|| StoreError::Corrupt(format!("hand step kind {code}")))?;
        let hand_no = u64::try_from(hand_no)
            .map_err(|_| StoreError::Corrupt(format!("hand number {hand_no}")))?;
        let corrupt = |what: &str| StoreError::Corrupt(format!("{what} in hand {hand_no}"));
        if kind == StepKind::ServerSeed {
            let seed = <[u8; 32]>::try_from(body.as_slice())
                .map_err(|_| corrupt("a server seed of the wrong length"))?;
            let hand = OpenHand {
                hand_no,
                server_seed: seed,
                announcement: Vec::new(),
                commitments: None,
                reveals: Vec::new(),
                actions: Vec::new(),
            };
            return Ok(HandReader::Open {
                hand,
                announced: false,
            });
        }
        let (mut open, mut announced) = match state {
            HandReader::Open { hand, announced } => (hand, announced),
            failed @ HandReader::Failed(_) => return Ok(failed),
            HandReader::Idle => return Ok(HandReader::Idle),
        };
        if kind == StepKind::Closed {
            return Ok(HandReader::Idle);
        }
        if hand_no != open.hand_no {
            return Err(corrupt("a step of another hand"));
        }
        match kind {
            StepKind::Announcement if !announced => {
                open.announcement = body;
                announced = true;
            }
            StepKind::CommitList if announced && open.commitments.is_none() => {
                open.commitments = Some(body);
            }
            StepKind::Reveals if announced => open.reveals.extend_from_slice(&body),
            StepKind::Actions if announced => open.actions.extend_from_slice(&body),
            _ => return Err(corrupt("a step out of order")),
        }
        Ok(HandReader::Open {
            hand: open,
            announced,
        })
    }

    /// The hand in play after the last row fed, if any.
    fn finish(self) -> Result<Option<OpenHand>, StoreError> {
        match self {
            HandReader::Idle => Ok(None),
            HandReader::Open {
                announced: false, ..
            } => Err(StoreError::Corrupt(
                "a hand in play without its announcement".into(),
            )),
            HandReader::Open { hand, .. } => Ok(Some(hand)),
            HandReader::Failed(err) => Err(err),
        }
    }
}

/// Reads the hand in play at `table` from the journal (a table opened while the server
/// runs; at start-up [`read_hands_in_play`] reads every table's at once).
pub(super) fn read_open_hand(
    conn: &Connection,
    table: &TableId,
) -> Result<Option<OpenHand>, StoreError> {
    let opening: Option<i64> = conn
        .prepare_cached("SELECT max(step_id) FROM hand_steps WHERE table_id = ?1 AND kind = 1")?
        .query_row([table.as_str()], |row| row.get(0))
        .optional()?
        .flatten();
    let Some(opening) = opening else {
        return Ok(None);
    };
    let mut statement = conn.prepare_cached(
        "SELECT hand_no, kind, body FROM hand_steps
         WHERE step_id >= ?1 AND table_id = ?2 ORDER BY step_id",
    )?;
    let mut rows = statement.query((opening, table.as_str()))?;
    let mut reader = HandReader::default();
    while let Some(row) = rows.next()? {
        reader.feed(row.get(0)?, row.get(1)?, row.get(2)?);
    }
    reader.finish()
}

/// Every table's hand in play, read in one pass over the journal.
///
/// Reading them table by table scans, for each, the journal from its hand's opening to the
/// end, through every other table's steps: after a crash under load (every table with a
/// hand in play) that is tables x journal rows, and it grows with the square of the tables.
fn read_hands_in_play(conn: &Connection) -> Result<HandsInPlay, StoreError> {
    let mut statement = conn
        .prepare_cached("SELECT table_id, hand_no, kind, body FROM hand_steps ORDER BY step_id")?;
    let mut rows = statement.query([])?;
    let mut readers: HashMap<String, HandReader> = HashMap::new();
    while let Some(row) = rows.next()? {
        let table: String = row.get(0)?;
        readers
            .entry(table)
            .or_default()
            .feed(row.get(1)?, row.get(2)?, row.get(3)?);
    }
    let by_table = readers
        .into_iter()
        .filter_map(|(table, reader)| match reader.finish() {
            Ok(None) => None,
            Ok(Some(hand)) => Some((table, Ok(hand))),
            Err(err) => Some((table, Err(err))),
        })
        .collect();
    Ok(HandsInPlay { by_table })
}

/// The hands a previous run left in play, by table, as [`Store::hands_in_play`] read them
/// when the server started.
#[derive(Debug, Default)]
pub struct HandsInPlay {
    by_table: HashMap<String, Result<OpenHand, StoreError>>,
}

impl HandsInPlay {
    /// Takes `table`'s hand in play, or the error its rows gave.
    pub fn take(&mut self, table: &TableId) -> Result<Option<OpenHand>, StoreError> {
        self.by_table.remove(table.as_str()).transpose()
    }

    /// How many tables have a hand in play (or a bad one).
    pub fn len(&self) -> usize {
        self.by_table.len()
    }

    /// Whether no table has one.
    pub fn is_empty(&self) -> bool {
        self.by_table.is_empty()
    }
}

/// Deletes the steps before the oldest hand still in play; returns how many rows went.
///
/// A table's hands follow one another, so everything before the first step of the oldest
/// hand in play, at any table, belongs to hands that have ended. One pass over the openings
/// and closes finds that step; the delete then takes a prefix of the journal, which frees
/// whole pages instead of touching every page that holds an ended hand.
fn prune(conn: &Connection) -> Result<usize, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT step_id, table_id, kind FROM hand_steps WHERE kind IN (1, 6) ORDER BY step_id",
    )?;
    let mut rows = statement.query([])?;
    // Per table: the first step of its hand in play, if it has one.
    let mut in_play: HashMap<String, Option<i64>> = HashMap::new();
    let mut last = 0;
    while let Some(row) = rows.next()? {
        let (step_id, table_id, kind): (i64, String, i64) = (row.get(0)?, row.get(1)?, row.get(2)?);
        last = step_id;
        in_play.insert(
            table_id,
            (kind == StepKind::ServerSeed as i64).then_some(step_id),
        );
    }
    let oldest = in_play.values().flatten().min().copied();
    let before = oldest.unwrap_or_else(|| last.saturating_add(1));
    Ok(conn
        .prepare_cached("DELETE FROM hand_steps WHERE step_id < ?1")?
        .execute([before])?)
}

/// Counts closed hands, to prune the journal every [`HAND_STEPS_PRUNE_EVERY`].
#[derive(Clone, Debug, Default)]
pub(super) struct PruneCounter(Arc<AtomicU64>);

impl PruneCounter {
    /// Counts one closed hand; true when it is time to prune.
    fn closed_one(&self) -> bool {
        let closed = self.0.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
        closed % HAND_STEPS_PRUNE_EVERY == 0
    }
}

impl Store {
    /// Appends the new `steps` of the hand in play at `table`; the caller hears back once
    /// they reached `durability`.
    pub async fn save_hand_steps(
        &self,
        table: TableId,
        steps: HandSteps,
        durability: Durability,
    ) -> Result<(), StoreError> {
        if steps.is_empty() {
            return Ok(());
        }
        // Grouped: every table saves after every step, so these share commits (and, being
        // appends, mostly share their pages too).
        self.run_grouped_to(durability, move |conn| {
            for (kind, body) in &steps.steps {
                append(conn, &table, steps.hand_no, *kind, body)?;
            }
            Ok(())
        })
        .await
    }

    /// The hand left in play at `table` by an earlier run, if any.
    pub async fn open_hand(&self, table: TableId) -> Result<Option<OpenHand>, StoreError> {
        self.run(move |conn| read_open_hand(conn, &table)).await
    }

    /// Every table's hand in play, in one pass over the journal (when the server starts).
    pub async fn hands_in_play(&self) -> Result<HandsInPlay, StoreError> {
        self.run(|conn| read_hands_in_play(conn)).await
    }

    /// Forgets hand `hand_no`, in play at `table` (after it was voided without a record).
    pub async fn clear_open_hand(&self, table: TableId, hand_no: u64) -> Result<(), StoreError> {
        self.run_grouped(move |conn| close(conn, &table, hand_no))
            .await?;
        self.hand_closed();
        Ok(())
    }

    /// Counts a hand closed; every [`HAND_STEPS_PRUNE_EVERY`] hands, prunes the journal in
    /// the background.
    pub(super) fn hand_closed(&self) {
        if self.closed_hands.closed_one() {
            let store = self.clone();
            tokio::spawn(async move {
                if let Err(err) = store.prune_hand_steps().await {
                    tracing::warn!(%err, "pruning the hand-step journal");
                }
            });
        }
    }

    /// Deletes the steps of hands that have ended; returns how many rows went. Runs on its
    /// own every [`HAND_STEPS_PRUNE_EVERY`] closed hands and when the store opens.
    pub async fn prune_hand_steps(&self) -> Result<usize, StoreError> {
        // Written, not flushed: losing a prune to a power cut only leaves rows to prune again.
        self.run_grouped_to(Durability::Written, prune).await
    }
}

/// Prunes the journal as the store opens, before any table reads it.
pub(super) fn prune_on_open(conn: &Connection) -> Result<(), StoreError> {
    let pruned = prune(conn)?;
    if pruned > 0 {
        tracing::debug!(pruned, "pruned ended hands from the hand-step journal");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let mut conn = Connection::open_in_memory().expect("db");
        super::super::migrate_for_tests(&mut conn);
        conn
    }

    fn table(name: &str) -> TableId {
        TableId::parse(name).expect("table id")
    }

    fn hand(hand_no: u64) -> OpenHand {
        OpenHand {
            hand_no,
            server_seed: [hand_no as u8; 32],
            announcement: vec![1, 2, 3],
            commitments: None,
            reveals: Vec::new(),
            actions: Vec::new(),
        }
    }

    fn save(conn: &Connection, table: &TableId, hand: &OpenHand, saved: &mut SavedSteps) {
        let steps = hand.unsaved_steps(saved);
        for (kind, body) in &steps.steps {
            append(conn, table, steps.hand_no, *kind, body).expect("append");
        }
    }

    /// `table`'s hand in play, read alone and with every table's in one pass: both must
    /// agree (the same hand, or both refusing bad rows).
    fn read(conn: &Connection, table: &TableId) -> Result<Option<OpenHand>, StoreError> {
        let alone = read_open_hand(conn, table);
        let together = read_hands_in_play(conn).expect("one pass").take(table);
        match (&alone, &together) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "both reads of {}", table.as_str()),
            (Err(_), Err(_)) => {}
            _ => panic!(
                "the reads of {} disagree: {alone:?} / {together:?}",
                table.as_str()
            ),
        }
        alone
    }

    fn rows(conn: &Connection) -> i64 {
        conn.query_row("SELECT count(*) FROM hand_steps", [], |row| row.get(0))
            .expect("count")
    }

    #[test]
    fn steps_saved_one_by_one_read_back_as_the_whole_hand() {
        let conn = db();
        let (a, b) = (table("a"), table("b"));
        let (mut hand_a, mut saved_a) = (hand(7), SavedSteps::default());
        let (mut hand_b, mut saved_b) = (hand(3), SavedSteps::default());
        save(&conn, &a, &hand_a, &mut saved_a);
        save(&conn, &b, &hand_b, &mut saved_b);
        hand_a.commitments = Some(vec![9; 40]);
        hand_a.reveals.extend_from_slice(&[0; 33]);
        save(&conn, &a, &hand_a, &mut saved_a);
        hand_b.reveals.extend_from_slice(&[1; 33]);
        save(&conn, &b, &hand_b, &mut saved_b);
        hand_a.reveals.extend_from_slice(&[2; 33]);
        hand_a.actions.extend_from_slice(&[3; 10]);
        save(&conn, &a, &hand_a, &mut saved_a);
        hand_a.actions.extend_from_slice(&[4; 10]);
        save(&conn, &a, &hand_a, &mut saved_a);
        assert!(hand_a.unsaved_steps(&mut saved_a).is_empty(), "all saved");

        assert_eq!(read(&conn, &a).expect("read"), Some(hand_a.clone()));
        assert_eq!(read(&conn, &b).expect("read"), Some(hand_b));
        assert_eq!(read(&conn, &table("c")).expect("read"), None);
        // Seven rows for a (seed, announcement, commit list, reveals, reveals, actions,
        // actions), three for b: each save appends only what is new.
        assert_eq!(rows(&conn), 7 + 3);
    }

    #[test]
    fn a_closed_hand_is_not_in_play_and_a_reannounced_number_is() {
        let conn = db();
        let t = table("t");
        let mut saved = SavedSteps::default();
        save(&conn, &t, &hand(4), &mut saved);
        close(&conn, &t, 4).expect("close");
        assert_eq!(read(&conn, &t).expect("read"), None);
        // Voided before its deal without a record: the same number is announced again.
        let mut again = hand(4);
        again.announcement = vec![5, 5];
        let mut saved = SavedSteps::default();
        save(&conn, &t, &again, &mut saved);
        assert_eq!(read(&conn, &t).expect("read"), Some(again.clone()));

        assert_eq!(
            prune(&conn).expect("prune"),
            3,
            "the closed hand and its mark go"
        );
        assert_eq!(read(&conn, &t).expect("read"), Some(again));
        close(&conn, &t, 4).expect("close");
        assert_eq!(prune(&conn).expect("prune"), 3);
        assert_eq!(rows(&conn), 0);
    }

    #[test]
    fn pruning_keeps_every_other_tables_hand_in_play() {
        let conn = db();
        let tables: Vec<TableId> = (0..5).map(|i| table(&format!("t{i}"))).collect();
        let mut hands: Vec<(OpenHand, SavedSteps)> = (1..=5)
            .map(|no| (hand(no), SavedSteps::default()))
            .collect();
        for round in 0..4u8 {
            for (table, (hand, saved)) in tables.iter().zip(hands.iter_mut()) {
                hand.actions.extend_from_slice(&[round; 10]);
                save(&conn, table, hand, saved);
            }
            // Tables 0 and 2 finish their hand in round 1.
            if round == 1 {
                close(&conn, &tables[0], hands[0].0.hand_no).expect("close");
                close(&conn, &tables[2], hands[2].0.hand_no).expect("close");
            }
        }
        // Only what precedes table 1's hand (the oldest in play) can go: table 0's first
        // save (seed, announcement, actions).
        assert_eq!(prune(&conn).expect("prune"), 3);
        for (i, (table, (hand, _))) in tables.iter().zip(&hands).enumerate() {
            let read = read(&conn, table).expect("read");
            if i == 0 || i == 2 {
                // Their later steps (written after the close) belong to no hand in play.
                assert_eq!(read, None);
            } else {
                assert_eq!(read.as_ref(), Some(hand));
            }
        }
    }

    #[test]
    fn one_pass_finds_each_tables_hand_among_all_the_others() {
        let conn = db();
        let tables: Vec<TableId> = (0..40).map(|i| table(&format!("t{i}"))).collect();
        let mut hands: Vec<(OpenHand, SavedSteps)> = (1..=40)
            .map(|no| (hand(no), SavedSteps::default()))
            .collect();
        // Interleaved steps; every third table ends its hand and starts the next, every
        // seventh is left with a bad row.
        for round in 0..6u8 {
            for (i, (table, (hand, saved))) in tables.iter().zip(hands.iter_mut()).enumerate() {
                hand.actions.extend_from_slice(&[round; 10]);
                save(&conn, table, hand, saved);
                if i % 3 == 0 && round == 2 {
                    close(&conn, table, hand.hand_no).expect("close");
                    *hand = super::tests::hand(hand.hand_no + 100);
                    *saved = SavedSteps::default();
                }
            }
        }
        for table in tables.iter().step_by(7) {
            append(&conn, table, 999, StepKind::Actions, &[0; 10]).expect("append");
        }
        let mut in_play = read_hands_in_play(&conn).expect("one pass");
        assert_eq!(in_play.len(), 40);
        for (i, (table, (hand, _))) in tables.iter().zip(&hands).enumerate() {
            let read = in_play.take(table);
            if i % 7 == 0 {
                assert!(matches!(read, Err(StoreError::Corrupt(_))), "table {i}");
            } else {
                assert_eq!(read.expect("read").as_ref(), Some(hand), "table {i}");
            }
            assert!(in_play.take(table).expect("taken").is_none(), "taken once");
        }
        assert!(in_play.is_empty());
    }

    #[test]
    fn bad_rows_are_reported_not_trusted() {
        let conn = db();
        let t = table("t");
        append(&conn, &t, 1, StepKind::ServerSeed, &[0; 31]).expect("append");
        append(&conn, &t, 1, StepKind::Announcement, &[1]).expect("append");
        assert!(matches!(read(&conn, &t), Err(StoreError::Corrupt(_))));
        append(&conn, &t, 2, StepKind::ServerSeed, &[0; 32]).expect("append");
        append(&conn, &t, 2, StepKind::CommitList, &[1]).expect("append");
        assert!(
            matches!(read(&conn, &t), Err(StoreError::Corrupt(_))),
            "a commit list before the announcement"
        );
        append(&conn, &t, 3, StepKind::ServerSeed, &[0; 32]).expect("append");
        append(&conn, &t, 4, StepKind::Announcement, &[1]).expect("append");
        assert!(
            matches!(read(&conn, &t), Err(StoreError::Corrupt(_))),
            "a step of another hand"
        );
    }
}
