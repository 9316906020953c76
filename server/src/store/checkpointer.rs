//! The checkpointer: a thread with a connection of its own that copies the write-ahead log
//! into the database file every [`CHECKPOINT_INTERVAL`], so no commit pays for it.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that
//! commit, and every write queued behind it on the database thread, waits while about a
//! thousand pages are copied and both files are flushed. A passive checkpoint from another
//! connection runs beside the writer instead (WAL mode allows it) and never blocks it; the
//! writer starts the log over from its beginning once a checkpoint has copied all of it.
//! The database connection keeps a much higher automatic threshold
//! ([`AUTOCHECKPOINT_BACKSTOP_PAGES`]) only so the log stays bounded if this thread fails.

use std::path::Path;
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use rusqlite::Connection;

use super::StoreError;

/// How often the log is copied into the database file.
pub(super) const CHECKPOINT_INTERVAL: Duration = Duration::from_millis(250);

/// Log pages after which a commit on the database connection checkpoints by itself (SQLite's
/// default is 1,000); reached only if the checkpointer falls behind or stops.
pub(super) const AUTOCHECKPOINT_BACKSTOP_PAGES: u32 = 20_000;

/// The handle the database thread keeps; dropping it stops the thread.
pub(super) struct Checkpointer {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Opens a second connection to the database at `path` and starts checkpointing.
    pub(super) fn start(path: &Path) -> Result<Checkpointer, StoreError> {
        let conn = Connection::open(path)?;
        // Copying into the database file flushes both files, as SQLite's own checkpoint does.
        conn.pragma_update(None, "synchronous", "FULL")?;
        let (stop, stopped) = channel::<()>();
        let thread = thread::Builder::new()
            .name("poker-checkpoint".to_owned())
            .spawn(move || loop {
                match stopped.recv_timeout(CHECKPOINT_INTERVAL) {
                    Err(RecvTimeoutError::Timeout) => {
                        if let Err(err) = checkpoint(&conn) {
                            tracing::warn!(%err, "checkpointing the write-ahead log");
                        }
                    }
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                }
            })
            .map_err(StoreError::Thread)?;
        Ok(Checkpointer {
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Stops the thread (after the checkpoint in progress, if any).
    pub(super) fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("the checkpointer thread panicked");
            }
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs one passive checkpoint; returns the log's frames and how many of them are now in the
/// database file.
pub(super) fn checkpoint(conn: &Connection) -> Result<(i64, i64), rusqlite::Error> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        Ok((row.get(1)?, row.get(2)?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_is_copied_into_the_database_file_beside_the_writer() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("t.sqlite3");
        let writer = Connection::open(&path).expect("db");
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
                 CREATE TABLE t (x BLOB);",
            )
            .expect("schema");
        for _ in 0..50 {
            writer
                .execute("INSERT INTO t (x) VALUES (zeroblob(2000))", [])
                .expect("insert");
        }
        let before = checkpoint(&Connection::open(&path).expect("db")).expect("checkpoint");
        assert_eq!(before.0, before.1, "a manual checkpoint copies it all");

        for _ in 0..50 {
            writer
                .execute("INSERT INTO t (x) VALUES (zeroblob(2000))", [])
                .expect("insert");
        }
        let checkpointer = Checkpointer::start(&path).expect("start");
        std::thread::sleep(CHECKPOINT_INTERVAL * 3);
        checkpointer.finish();
        // The thread copied the 50 inserts' pages, so the writer's next commit starts the log
        // over: it holds only that commit's pages now, not the 50 inserts' as well.
        writer
            .execute("INSERT INTO t (x) VALUES (zeroblob(2000))", [])
            .expect("insert");
        let reader = Connection::open(&path).expect("db");
        let (frames, _) = checkpoint(&reader).expect("checkpoint");
        assert!(frames < 10, "the log was started over: {frames} frames");
        let rows: i64 = reader
            .query_row("SELECT count(*) FROM t", [], |row| row.get(0))
            .expect("count");
        assert_eq!(rows, 101);
    }
}
