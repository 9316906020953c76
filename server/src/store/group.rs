//! Group commit: write jobs that arrive while the database thread is busy share one
//! transaction, and so one disk flush, while each keeps its own result.
//!
//! Each table saves its hand after every step and settles it at the end, so committing each
//! write on its own would cap the whole server at one write per disk flush. Instead the
//! database thread takes the first queued grouped job, opens a transaction, and runs it and
//! every grouped job already waiting behind it (up to [`GROUP_COMMIT_JOBS_MAX`]) each inside
//! its own savepoint, then commits once.
//!
//! - **Isolation:** a job that fails rolls back to its savepoint, so its writes vanish and the
//!   others' stay; it gets its own error.
//! - **Durability:** nobody hears of success before the commit returned. If the commit fails,
//!   every job of the group gets [`StoreError::GroupCommit`], since none of their writes
//!   survived.
//! - **Order:** jobs still run one after another in arrival order; a job that is not grouped
//!   (reads, or writes that open their own transaction) ends the group before it runs.
//! - **Two levels:** groups commit with `synchronous=NORMAL`, into the write-ahead log
//!   without waiting for the disk. A [`Durability::Written`] job (a hand's actions) is
//!   answered right after the commit; a [`Durability::Flushed`] job goes to the flusher
//!   (`store/syncer.rs`), which answers it after the log's next flush. So a written job
//!   never waits behind a flush, and one flush serves every group committed while the
//!   previous one ran.

use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use rusqlite::{Connection, Transaction, TransactionBehavior};
use tokio::sync::{mpsc, oneshot};

use super::syncer::Syncer;
use super::{Message, StoreError};

/// Most jobs committed in one transaction. Bounds how long the first job of a group waits
/// for the ones behind it; the queue itself is bounded by `STORE_QUEUE_MAX`.
pub(super) const GROUP_COMMIT_JOBS_MAX: usize = 256;

/// How far a grouped write has reached when its caller hears back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// Committed and flushed to the disk: it survives a power cut.
    Flushed,
    /// Committed to the write-ahead log without waiting for the disk (`synchronous=NORMAL`):
    /// it survives a crash of the server process (the operating system holds the write), and
    /// the next flush makes it durable too, since flushing the log flushes every frame
    /// before it. A power cut may lose the last written commits, never a flushed one and
    /// never part of a commit: the log's checksums end recovery at the last whole commit.
    Written,
}

/// Why a grouped job's writes are not (known to be) kept.
#[derive(Clone, Debug)]
pub(super) enum GroupFailure {
    /// The shared transaction did not commit.
    Commit(Arc<rusqlite::Error>),
    /// It committed, but flushing the write-ahead log failed.
    Flush(Arc<io::Error>),
}

impl From<GroupFailure> for StoreError {
    fn from(failure: GroupFailure) -> StoreError {
        match failure {
            GroupFailure::Commit(err) => StoreError::GroupCommit(err),
            GroupFailure::Flush(err) => StoreError::Flush(err),
        }
    }
}

/// A write that runs inside a shared transaction and answers after it commits.
pub(super) trait GroupJob: Send {
    /// How far the write must reach before its caller hears back.
    fn durability(&self) -> Durability;
    /// Runs the work inside its own savepoint of `tx`: kept on success, rolled back on failure.
    fn run(&mut self, tx: &mut Transaction<'_>);
    /// Sends the job's answer once the group's fate is known: its own result if the group
    /// committed (and, for a flushed job, the flush is done), the failure otherwise.
    fn answer(self: Box<Self>, outcome: Result<(), GroupFailure>);
}

/// A [`GroupJob`] made from a closure and the channel its caller waits on.
pub(super) struct Grouped<T, E, F> {
    /// The work, until it has run.
    work: Option<F>,
    /// Its result, once it has run (still `None` if it panicked).
    result: Option<Result<T, E>>,
    /// Where the caller waits.
    reply: oneshot::Sender<Result<T, E>>,
    /// How far the write must reach before the caller hears back.
    durability: Durability,
}

impl<T, E, F> Grouped<T, E, F> {
    /// A job that will run `work` and send its result on `reply` once its commit reached
    /// `durability`.
    pub(super) fn new(
        work: F,
        reply: oneshot::Sender<Result<T, E>>,
        durability: Durability,
    ) -> Grouped<T, E, F> {
        Grouped {
            work: Some(work),
            result: None,
            reply,
            durability,
        }
    }
}

impl<T, E, F> GroupJob for Grouped<T, E, F>
where
    F: FnOnce(&Connection) -> Result<T, E> + Send,
    T: Send,
    E: From<StoreError> + Send,
{
    fn durability(&self) -> Durability {
        self.durability
    }

    fn run(&mut self, tx: &mut Transaction<'_>) {
        let Some(work) = self.work.take() else {
            return;
        };
        let savepoint = match JobSavepoint::begin(tx) {
            Ok(savepoint) => savepoint,
            Err(err) => {
                self.result = Some(Err(E::from(StoreError::Sqlite(err))));
                return;
            }
        };
        // A panic unwinds through `savepoint`, whose drop rolls the job's writes back.
        let result = match work(tx) {
            Ok(value) => savepoint
                .release()
                .map(|()| value)
                .map_err(|err| E::from(StoreError::Sqlite(err))),
            Err(err) => {
                // If even the rollback fails the transaction is broken, and its commit will
                // fail for everyone.
                savepoint.roll_back();
                Err(err)
            }
        };
        self.result = Some(result);
    }

    fn answer(self: Box<Self>, outcome: Result<(), GroupFailure>) {
        let Some(result) = self.result else {
            // The job panicked: dropping the sender tells its caller the store failed.
            return;
        };
        let answer = match (result, outcome) {
            (Ok(value), Ok(())) => Ok(value),
            (Ok(_), Err(failure)) => Err(E::from(StoreError::from(failure))),
            (Err(err), _) => Err(err),
        };
        let _ = self.reply.send(answer);
    }
}

/// One job's savepoint inside the group's transaction, through cached statements: rusqlite's
/// own savepoints parse their SQL anew each time, and every job takes one.
struct JobSavepoint<'c> {
    conn: &'c Connection,
    open: bool,
}

impl<'c> JobSavepoint<'c> {
    fn begin(conn: &'c Connection) -> Result<JobSavepoint<'c>, rusqlite::Error> {
        conn.prepare_cached("SAVEPOINT grouped_job")?.execute([])?;
        Ok(JobSavepoint { conn, open: true })
    }

    /// Keeps the job's writes in the group's transaction.
    fn release(mut self) -> Result<(), rusqlite::Error> {
        self.open = false;
        self.conn
            .prepare_cached("RELEASE grouped_job")?
            .execute([])?;
        Ok(())
    }

    /// Undoes the job's writes.
    fn roll_back(mut self) {
        self.open = false;
        self.undo();
    }

    fn undo(&self) {
        for sql in ["ROLLBACK TO grouped_job", "RELEASE grouped_job"] {
            let done = self
                .conn
                .prepare_cached(sql)
                .and_then(|mut statement| statement.execute([]));
            if let Err(err) = done {
                tracing::error!(%err, sql, "undoing a failed job's writes");
                return;
            }
        }
    }
}

impl Drop for JobSavepoint<'_> {
    fn drop(&mut self) {
        // Reached with the savepoint open only when the job panicked.
        if self.open {
            self.undo();
        }
    }
}

/// The `synchronous` level the connection is set to, so it changes only when a group needs
/// another one.
#[derive(Debug)]
pub(super) struct SyncLevel(Durability);

impl SyncLevel {
    /// The level `open_connection` sets: every commit flushed.
    pub(super) fn flushed() -> SyncLevel {
        SyncLevel(Durability::Flushed)
    }

    /// Sets the connection's commits to reach `wanted`, outside any transaction.
    pub(super) fn ensure(
        &mut self,
        conn: &Connection,
        wanted: Durability,
    ) -> Result<(), rusqlite::Error> {
        if self.0 != wanted {
            let pragma = match wanted {
                Durability::Flushed => "FULL",
                Durability::Written => "NORMAL",
            };
            conn.pragma_update(None, "synchronous", pragma)?;
            self.0 = wanted;
        }
        Ok(())
    }
}

/// Runs `first` and the grouped jobs queued right behind it in one transaction, commits, and
/// answers them: written jobs at once, flushed ones through `syncer` after the next flush.
/// Returns the message that ended the group, if it was not a grouped job, for the caller to
/// handle next.
pub(super) fn run_group(
    conn: &mut Connection,
    level: &mut SyncLevel,
    first: Box<dyn GroupJob>,
    inbox: &mut mpsc::Receiver<Message>,
    syncer: &Syncer,
) -> Option<Message> {
    // The commit itself does not flush; the flusher does, after it.
    let flushes_itself = match level.ensure(conn, Durability::Written) {
        Ok(()) => false,
        Err(err) => {
            // Flushing in the commit too is stronger than asked, never weaker.
            tracing::warn!(%err, "could not skip the flush in the commit; committing flushed");
            true
        }
    };
    let mut tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(err) => {
            first.answer(Err(GroupFailure::Commit(Arc::new(err))));
            return None;
        }
    };
    let mut jobs = Vec::new();
    let mut next = Some(first);
    let mut ended_by = None;
    while let Some(mut job) = next.take() {
        if panic::catch_unwind(AssertUnwindSafe(|| job.run(&mut tx))).is_err() {
            tracing::error!("a database job panicked; its caller gets an error");
        }
        jobs.push(job);
        // SQLite rolls the whole transaction back on some errors (a full disk, say). Later
        // jobs must not run outside it; the commit below then fails for the whole group.
        if tx.is_autocommit() || jobs.len() >= GROUP_COMMIT_JOBS_MAX {
            break;
        }
        match inbox.try_recv() {
            Ok(Message::Grouped(job)) => next = Some(job),
            Ok(other) => ended_by = Some(other),
            Err(_) => {} // nothing waiting: commit now
        }
    }
    if let Err(err) = tx.commit() {
        tracing::error!(%err, jobs = jobs.len(), "a group commit failed");
        let failure = GroupFailure::Commit(Arc::new(err));
        for job in jobs {
            job.answer(Err(failure.clone()));
        }
        return ended_by;
    }
    let mut to_flush = Vec::new();
    for job in jobs {
        if job.durability() == Durability::Flushed && !flushes_itself {
            to_flush.push(job);
        } else {
            job.answer(Ok(()));
        }
    }
    syncer.flush_then_answer(to_flush);
    ended_by
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// A grouped job inserting `value` into `t` (whose values are unique), answering on a channel.
    fn insert(
        value: i64,
        durability: Durability,
    ) -> (
        Box<dyn GroupJob>,
        oneshot::Receiver<Result<bool, StoreError>>,
    ) {
        let (reply, answer) = oneshot::channel();
        let job = Grouped::new(
            move |conn: &Connection| {
                conn.execute("INSERT INTO t (x) VALUES (?1)", [value])?;
                // Inside the shared transaction, never committing on its own.
                Ok::<_, StoreError>(conn.is_autocommit())
            },
            reply,
            durability,
        );
        (Box::new(job), answer)
    }

    /// Runs one group on a fresh connection state, with a flusher whose flush does nothing
    /// (in-memory databases have no log file).
    fn run_alone(
        conn: &mut Connection,
        first: Box<dyn GroupJob>,
        inbox: &mut mpsc::Receiver<Message>,
    ) -> Option<Message> {
        let flusher = Syncer::start(Box::new(|| Ok(())), Duration::ZERO).expect("flusher");
        run_group(conn, &mut SyncLevel::flushed(), first, inbox, &flusher)
    }

    fn values(conn: &Connection) -> Vec<i64> {
        let mut statement = conn.prepare("SELECT x FROM t ORDER BY x").expect("prepare");
        statement
            .query_map([], |row| row.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    }

    #[test]
    fn queued_jobs_share_one_commit_and_a_failure_stays_its_own() {
        let mut conn = Connection::open_in_memory().expect("db");
        conn.execute_batch("CREATE TABLE t (x INTEGER UNIQUE)")
            .expect("schema");
        let (queue, mut inbox) = mpsc::channel(16);
        let (first, first_answer) = insert(1, Durability::Flushed);
        let mut answers = Vec::new();
        // 2 is inserted twice: the second attempt fails alone.
        for value in [2, 2, 3] {
            let (job, answer) = insert(value, Durability::Flushed);
            queue.try_send(Message::Grouped(job)).expect("queued");
            answers.push(answer);
        }
        let (reader, _) = oneshot::channel();
        queue.try_send(Message::Close(reader)).expect("queued");
        let ended_by = run_alone(&mut conn, first, &mut inbox);
        assert!(
            matches!(ended_by, Some(Message::Close(_))),
            "a non-grouped message ends the group"
        );
        assert!(matches!(first_answer.blocking_recv(), Ok(Ok(false))));
        let results: Vec<_> = answers
            .into_iter()
            .map(|answer| answer.blocking_recv().expect("answered"))
            .collect();
        assert!(matches!(results[0], Ok(false)));
        assert!(
            matches!(results[1], Err(StoreError::Sqlite(_))),
            "the duplicate fails"
        );
        assert!(
            matches!(results[2], Ok(false)),
            "and the job after it still commits"
        );
        assert!(conn.is_autocommit(), "the group's transaction is closed");
        assert_eq!(values(&conn), vec![1, 2, 3]);
    }

    fn synchronous(conn: &Connection) -> i64 {
        conn.query_row("PRAGMA synchronous", [], |row| row.get(0))
            .expect("pragma")
    }

    #[test]
    fn written_jobs_are_answered_at_the_commit_and_flushed_ones_after_the_flush() {
        let dir = tempfile::tempdir().expect("dir");
        let mut conn = Connection::open(dir.path().join("t.sqlite3")).expect("db");
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE t (x INTEGER UNIQUE)")
            .expect("schema");
        // The flush waits until the test lets it go.
        let (release, gate) = std::sync::mpsc::channel::<()>();
        let syncer = Syncer::start(
            Box::new(move || gate.recv().map_err(|_| io::Error::other("test over"))),
            Duration::ZERO,
        )
        .expect("flusher");
        let mut level = SyncLevel::flushed();
        let (queue, mut inbox) = mpsc::channel(16);
        let (first, mut first_answer) = insert(1, Durability::Written);
        let (flushed, mut flushed_answer) = insert(2, Durability::Flushed);
        let (after, mut after_answer) = insert(3, Durability::Written);
        for job in [flushed, after] {
            queue.try_send(Message::Grouped(job)).expect("queued");
        }
        assert!(run_group(&mut conn, &mut level, first, &mut inbox, &syncer).is_none());
        assert_eq!(values(&conn), vec![1, 2, 3], "one commit for the three");
        assert_eq!(synchronous(&conn), 1, "committed with synchronous=NORMAL");
        assert!(matches!(first_answer.try_recv(), Ok(Ok(false))));
        assert!(
            matches!(after_answer.try_recv(), Ok(Ok(false))),
            "a written job does not wait for the flush"
        );
        assert!(
            flushed_answer.try_recv().is_err(),
            "a flushed job waits for the flush"
        );
        release.send(()).expect("flush");
        assert!(matches!(flushed_answer.blocking_recv(), Ok(Ok(false))));
        syncer.finish();
    }

    #[test]
    fn a_job_that_panics_loses_its_writes_and_the_others_keep_theirs() {
        let mut conn = Connection::open_in_memory().expect("db");
        conn.execute_batch("CREATE TABLE t (x INTEGER UNIQUE)")
            .expect("schema");
        let (queue, mut inbox) = mpsc::channel(4);
        let (first, first_answer) = insert(1, Durability::Written);
        let (reply, panicked_answer) = oneshot::channel::<Result<(), StoreError>>();
        let panicking = Grouped::new(
            |conn: &Connection| {
                conn.execute("INSERT INTO t (x) VALUES (2)", [])?;
                panic!("a bug in a job");
            },
            reply,
            Durability::Written,
        );
        let (last, last_answer) = insert(3, Durability::Written);
        queue
            .try_send(Message::Grouped(Box::new(panicking)))
            .expect("queued");
        queue.try_send(Message::Grouped(last)).expect("queued");
        assert!(run_alone(&mut conn, first, &mut inbox).is_none());
        assert!(matches!(first_answer.blocking_recv(), Ok(Ok(false))));
        assert!(
            panicked_answer.blocking_recv().is_err(),
            "the panicked job's caller hears the store failed"
        );
        assert!(matches!(last_answer.blocking_recv(), Ok(Ok(false))));
        assert_eq!(values(&conn), vec![1, 3]);
    }

    #[test]
    fn a_failed_commit_fails_every_job_of_the_group() {
        let mut conn = Connection::open_in_memory().expect("db");
        conn.execute_batch(
            "CREATE TABLE t (x INTEGER UNIQUE);
             CREATE TABLE parent (id INTEGER PRIMARY KEY);
             CREATE TABLE child (p INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
             PRAGMA foreign_keys = ON;",
        )
        .expect("schema");
        let (queue, mut inbox) = mpsc::channel(4);
        let (first, first_answer) = insert(1, Durability::Flushed);
        // A deferred foreign key is checked only at commit, so this job "succeeds" but the
        // commit then fails for the whole group.
        let (reply, dangling_answer) = oneshot::channel();
        let dangling = Grouped::new(
            |conn: &Connection| {
                conn.execute("INSERT INTO child (p) VALUES (99)", [])?;
                Ok::<_, StoreError>(())
            },
            reply,
            Durability::Flushed,
        );
        queue
            .try_send(Message::Grouped(Box::new(dangling)))
            .expect("queued");
        assert!(run_alone(&mut conn, first, &mut inbox).is_none());
        assert!(matches!(
            first_answer.blocking_recv(),
            Ok(Err(StoreError::GroupCommit(_)))
        ));
        assert!(matches!(
            dangling_answer.blocking_recv(),
            Ok(Err(StoreError::GroupCommit(_)))
        ));
        assert!(values(&conn).is_empty(), "nothing of the group was kept");
    }
}

#[cfg(test)]
mod store_tests {
    use crate::accounts::Username;
    use crate::auth::PasswordHash;
    use crate::clock::UnixTime;
    use crate::store::{CreateAccountError, Store};

    /// Many registrations at once, one of them a duplicate: through the real `Store`, each gets
    /// its own answer and the ledger stays consistent.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_grouped_writes_each_get_their_own_result() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&dir.path().join("poker.sqlite3"))
            .await
            .expect("store");
        let names: Vec<String> = (0..64)
            .map(|i| format!("user{i}"))
            .chain(["USER7".to_owned()])
            .collect();
        let attempts = names.into_iter().map(|name| {
            let store = store.clone();
            tokio::spawn(async move {
                let username = Username::parse(&name).expect("valid name");
                let hash = PasswordHash::from_stored("not-a-real-hash".to_owned());
                store
                    .create_account(username, hash, 100, UnixTime::now())
                    .await
            })
        });
        let mut created = 0;
        let mut taken = 0;
        for attempt in attempts.collect::<Vec<_>>() {
            match attempt.await.expect("task") {
                Ok(_) => created += 1,
                Err(CreateAccountError::UsernameTaken) => taken += 1,
                Err(err) => panic!("unexpected {err}"),
            }
        }
        assert_eq!((created, taken), (64, 1));
        // Registrations are flushed writes: the flusher timed at least one flush, and never
        // more than one per write.
        let flushes = store.flush_seconds().count();
        assert!((1..=65).contains(&flushes), "{flushes} flushes");
        let report = store.check_ledger().await.expect("ledger consistent");
        assert_eq!(
            report.issued,
            64 * 100,
            "the refused account credited nothing"
        );
        store.close().await.expect("close");
    }
}
