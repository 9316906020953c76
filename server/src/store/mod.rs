//! The database: one SQLite connection owned by a dedicated thread, reached through a bounded
//! queue of jobs.
//!
//! SQLite allows one writer at a time, and every chip movement must be serialised anyway, so a
//! single connection on its own thread is both the simplest and the safest shape: async callers
//! never block the runtime, and jobs run one after another in arrival order. The queue is
//! bounded by [`STORE_QUEUE_MAX`]; when it is full, callers wait.
//!
//! The database runs in WAL mode with foreign keys enforced, and a write is reported done only
//! once it survives a power cut, with one exception: a hand's actions and most of its reveals
//! are reported once committed to the log, before the flush (see [`Durability`]), so they
//! survive a crash of the process, not a power cut. Jobs that are not grouped commit with
//! `synchronous=FULL`; grouped writes commit without the flush and the flusher thread
//! (`syncer.rs`) flushes the log for those that need it before they are answered. Each area's
//! queries live in its own file (`accounts.rs`, `ledger.rs`, `hands.rs`, `open_hands.rs`,
//! `history.rs`, `check.rs`), each adding its async methods to [`Store`].

mod accounts;
mod backup;
mod check;
mod checkpointer;
mod departures;
mod group;
mod hands;
mod history;
mod ledger;
mod open_hands;
mod schema;
mod syncer;

pub use accounts::{CreateAccountError, Credentials};
pub use backup::{copy_database, CopiedDatabase};
pub(crate) use departures::StoredDeparture;
pub use group::Durability;
pub use hands::{HandSettlement, StoredHand};
pub use history::StoredRecord;
pub use open_hands::{HandSteps, HandsInPlay, OpenHand, SavedSteps, HAND_STEPS_PRUNE_EVERY};

use std::fs::OpenOptions;
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::thread;

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use crate::histogram::Histogram;
use crate::limits::STORE_QUEUE_MAX;

/// How long a statement waits for a lock held by another connection (an operator's `sqlite3`
/// shell, say) before failing.
const BUSY_TIMEOUT_MS: u32 = 5_000;

/// Prepared statements the connection keeps for reuse.
const STATEMENT_CACHE_CAPACITY: usize = 64;

/// A unit of work for the database thread.
type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// What the database thread receives.
enum Message {
    /// Run this job.
    Job(Job),
    /// Run this write with the grouped writes queued behind it, in one transaction.
    Grouped(Box<dyn group::GroupJob>),
    /// Checkpoint the WAL, close the connection, report, and stop.
    Close(oneshot::Sender<Result<(), StoreError>>),
}

/// A handle to the database thread. Cloning it is cheap; all clones share the one connection.
#[derive(Clone, Debug)]
pub struct Store {
    /// Jobs for the database thread, bounded by [`STORE_QUEUE_MAX`].
    queue: mpsc::Sender<Message>,
    /// Hands closed so far, to prune the hand-step journal now and then (`open_hands.rs`).
    closed_hands: open_hands::PruneCounter,
    /// How long each flush of the write-ahead log took (for `/metrics`).
    flush_seconds: Histogram,
}

/// Why the database could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The store was closed (or its thread stopped) before the job could run.
    #[error("the store is closed")]
    Closed,
    /// The database was written by a newer server than this one.
    #[error("database schema version {found} is newer than this server supports ({supported})")]
    SchemaTooNew {
        /// The version found in the database.
        found: i64,
        /// The newest version this server knows.
        supported: i64,
    },
    /// SQLite did not switch to write-ahead logging.
    #[error("database journal mode is {0:?}, expected \"wal\"")]
    NotWal(String),
    /// The database file could not be created.
    #[error("could not create the database file: {0}")]
    Create(#[source] std::io::Error),
    /// The database thread could not be started.
    #[error("could not start the database thread: {0}")]
    Thread(#[source] std::io::Error),
    /// The database holds a value no version of this server writes.
    #[error("database holds an unexpected value: {0}")]
    Corrupt(String),
    /// The shared transaction of a group commit failed to commit, so this job's writes were
    /// not kept (see `store/group.rs`).
    #[error("database commit failed: {0}")]
    GroupCommit(#[source] std::sync::Arc<rusqlite::Error>),
    /// The write committed but the write-ahead log could not be flushed to the disk, so it
    /// may not survive a power cut (see `store/syncer.rs`).
    #[error("flushing the database log failed: {0}")]
    Flush(#[source] std::sync::Arc<std::io::Error>),
}

impl Store {
    /// Opens (creating if needed) the database at `path`, applies pending schema migrations and
    /// starts the database thread.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = tempfile::tempdir()?;
    /// let store = poker_server::store::Store::open(&dir.path().join("poker.sqlite3")).await?;
    /// let report = store.check_ledger().await?;
    /// assert_eq!(report.issued, 0);
    /// store.close().await?;
    /// # Ok(()) }
    /// ```
    pub async fn open(path: &Path) -> Result<Store, StoreError> {
        let path = file_name_for_sqlite(path)?;
        let flush_seconds = Histogram::default();
        let flush_timer = flush_seconds.clone();
        let (queue, mut inbox) = mpsc::channel::<Message>(STORE_QUEUE_MAX);
        let (opened_tx, opened_rx) = oneshot::channel();
        thread::Builder::new()
            .name("poker-store".to_owned())
            .spawn(move || {
                let opened = open_connection(&path).and_then(|conn| {
                    let syncer = syncer::Syncer::start(timed(flush_log(&path)?, flush_timer), syncer::FLUSH_INTERVAL_MIN).map_err(StoreError::Thread)?;
                    let checkpointer = checkpointer::Checkpointer::start(&path)?;
                    Ok((conn, syncer, checkpointer))
                });
                let (mut conn, syncer, checkpointer) = match opened {
                    Ok(opened) => {
                        let _ = opened_tx.send(Ok(()));
                        opened
                    }
                    Err(err) => {
                        let _ = opened_tx.send(Err(err));
                        return;
                    }
                };
                let mut pending = None;
                let mut level = group::SyncLevel::flushed();
                while let Some(message) = pending.take().or_else(|| inbox.blocking_recv()) {
                    match message {
                        Message::Job(job) => match level.ensure(&conn, Durability::Flushed) {
                            Ok(()) => run_job(&mut conn, job),
                            // Dropping the job tells its caller the store failed.
                            Err(err) => tracing::error!(%err, "could not make commits flush; a job is refused"),
                        },
                        Message::Grouped(job) => {
                            pending = group::run_group(&mut conn, &mut level, job, &mut inbox, &syncer);
                        }
                        Message::Close(reply) => {
                            checkpointer.finish();
                            syncer.finish();
                            let _ = level.ensure(&conn, Durability::Flushed);
                            let _ = reply.send(close_connection(conn));
                            return;
                        }
                    }
                }
                // Every handle is gone without an explicit close: still leave a tidy file.
                checkpointer.finish();
                syncer.finish();
                if let Err(err) = close_connection(conn) {
                    tracing::warn!(%err, "closing the database");
                }
            })
            .map_err(StoreError::Thread)?;
        opened_rx.await.map_err(|_| StoreError::Closed)??;
        Ok(Store {
            queue,
            closed_hands: open_hands::PruneCounter::default(),
            flush_seconds,
        })
    }

    /// Runs `job` on the database thread and returns its result.
    pub(crate) async fn call<T, F>(&self, job: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut Connection) -> T + Send + 'static,
        T: Send + 'static,
    {
        let (reply_tx, reply_rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let _ = reply_tx.send(job(conn));
        });
        self.queue
            .send(Message::Job(job))
            .await
            .map_err(|_| StoreError::Closed)?;
        // A job that panicked drops its reply sender; the caller then sees `Closed`.
        reply_rx.await.map_err(|_| StoreError::Closed)
    }

    /// Runs a fallible `job` on the database thread, folding store failures into its error type.
    pub(crate) async fn run<T, E, F>(&self, job: F) -> Result<T, E>
    where
        F: FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        self.call(job).await.map_err(E::from)?
    }

    /// Jobs waiting for the database thread (for `/metrics`).
    pub fn queue_depth(&self) -> usize {
        STORE_QUEUE_MAX.saturating_sub(self.queue.capacity())
    }

    /// How long each flush of the write-ahead log to the disk took (for `/metrics`): where a
    /// slow or failing disk shows first.
    pub fn flush_seconds(&self) -> &Histogram {
        &self.flush_seconds
    }

    /// Runs a write `job` on the database thread inside a transaction it may share with other
    /// grouped writes queued at the same time (one commit, one disk flush for all; see
    /// `store/group.rs`). The job must not open a transaction of its own: it runs inside a
    /// savepoint, its writes are kept only if it returns `Ok`, and its caller hears back only
    /// after the shared commit.
    pub(crate) async fn run_grouped<T, E, F>(&self, job: F) -> Result<T, E>
    where
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        self.run_grouped_to(Durability::Flushed, job).await
    }

    /// [`Store::run_grouped`] for a write whose caller may hear back once it reached
    /// `durability` (see [`Durability`]).
    pub(crate) async fn run_grouped_to<T, E, F>(
        &self,
        durability: Durability,
        job: F,
    ) -> Result<T, E>
    where
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let (reply_tx, reply_rx) = oneshot::channel();
        self.queue
            .send(Message::Grouped(Box::new(group::Grouped::new(
                job, reply_tx, durability,
            ))))
            .await
            .map_err(|_| E::from(StoreError::Closed))?;
        // A job that panicked drops its reply sender; the caller then sees `Closed`.
        reply_rx.await.map_err(|_| E::from(StoreError::Closed))?
    }

    /// Checks the database answers (for the health endpoint).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.run(|conn| {
            conn.query_row("SELECT 1", [], |_| Ok(()))
                .map_err(StoreError::from)
        })
        .await
    }

    /// Finishes the jobs queued before this call, checkpoints the write-ahead log into the main
    /// database file and closes the connection. Later calls on any clone fail with
    /// [`StoreError::Closed`].
    pub async fn close(&self) -> Result<(), StoreError> {
        let (reply_tx, reply_rx) = oneshot::channel();
        self.queue
            .send(Message::Close(reply_tx))
            .await
            .map_err(|_| StoreError::Closed)?;
        reply_rx.await.map_err(|_| StoreError::Closed)?
    }
}

/// Runs one job, containing a panic so one bug cannot take the database thread down. An open
/// transaction is rolled back when the panic unwinds through it.
fn run_job(conn: &mut Connection, job: Job) {
    if panic::catch_unwind(AssertUnwindSafe(|| job(conn))).is_err() {
        tracing::error!("a database job panicked; its caller gets an error");
    }
}

/// Creates an empty database file readable only by its owner, unless one exists. SQLite gives
/// its `-wal` and `-shm` files the database file's permissions, so they stay private too.
fn create_private_file(path: &Path) -> Result<(), StoreError> {
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => Err(StoreError::Create(err)),
    }
}

/// Opens the connection, sets the durability pragmas and migrates the schema.
fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    create_private_file(path)?;
    let mut conn = Connection::open(path)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::NotWal(mode));
    }
    // FULL: a transaction reported committed survives power loss, not only a process crash.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "busy_timeout", BUSY_TIMEOUT_MS)?;
    // Each grouped job runs in a savepoint, whose journal of the pages it changes would
    // otherwise spill to a temporary file past 64 KiB: one `pwrite` per page per group,
    // most of the server's writes under load. In memory it is bounded by the group's size.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // The checkpointer thread copies the log into the database file (`checkpointer.rs`);
    // commits checkpoint by themselves only if it falls far behind.
    conn.pragma_update(
        None,
        "wal_autocheckpoint",
        checkpointer::AUTOCHECKPOINT_BACKSTOP_PAGES,
    )?;
    // Hot statements are prepared once and reused (`prepare_cached`), not parsed per call.
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE_CAPACITY);
    schema::migrate(&mut conn)?;
    open_hands::prune_on_open(&conn)?;
    Ok(conn)
}

/// The flush of the database's write-ahead log (`<database>-wal`), for the flusher thread.
///
/// Flushing the file through a descriptor of our own flushes every page written to it
/// through SQLite's. SQLite keeps that file while its connection is open (it deletes it only
/// when the last connection closes), so the descriptor stays on the live log.
fn flush_log(database: &Path) -> Result<syncer::FlushFn, StoreError> {
    let mut name = database.as_os_str().to_owned();
    name.push("-wal");
    let log = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&name)
        .map_err(StoreError::Create)?;
    Ok(Box::new(move || log.sync_data()))
}

/// `path` as every connection should be given it: absolute, because the bundled SQLite is
/// built with URI names on and would read a relative name starting with `file:` (say
/// `file:backup?mode=memory`) as a URI instead of a file.
pub(crate) fn file_name_for_sqlite(path: &Path) -> Result<PathBuf, StoreError> {
    std::path::absolute(path).map_err(StoreError::Create)
}

/// `flush`, timing each call into `histogram`.
fn timed(mut flush: syncer::FlushFn, histogram: Histogram) -> syncer::FlushFn {
    Box::new(move || {
        let started = std::time::Instant::now();
        let flushed = flush();
        histogram.observe(started.elapsed());
        flushed
    })
}

/// Migrates an in-memory test database.
#[cfg(test)]
pub(crate) fn migrate_for_tests(conn: &mut Connection) {
    schema::migrate(conn).expect("migrate");
}

/// Folds the write-ahead log into the database file and closes the connection.
fn close_connection(conn: Connection) -> Result<(), StoreError> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    conn.close().map_err(|(_, err)| StoreError::Sqlite(err))
}
