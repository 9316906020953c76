//! The flusher: a thread that makes committed writes durable (`fdatasync` of the write-ahead
//! log) and only then answers the jobs that asked for it, so the database thread never waits
//! on the disk.
//!
//! Grouped commits run with `synchronous=NORMAL`: the commit reaches the log in the operating
//! system's cache and the database thread goes on with the next group at once. A group's
//! [`Durability::Flushed`](super::Durability::Flushed) jobs come here; one flush covers every
//! commit made before it started (flushing a file flushes all of its written pages), so
//! while one flush runs the groups committed meanwhile gather and share the next. A written
//! job is never queued behind a flush in progress, as it was when each flushed commit
//! flushed on the database thread itself.
//!
//! Flushes start at most every [`FLUSH_INTERVAL_MIN`]: under load the jobs that arrive
//! in between wait for the next start and share it, instead of each flush covering the
//! one or two groups that happened to be committed while the last one ran. When the disk
//! is idle a job is flushed at once.
//!
//! A failed flush is final: the kernel may since have marked the lost pages clean, so a
//! later flush that succeeds proves nothing. Every job that asked for a flush from then on
//! gets [`StoreError::Flush`](super::StoreError::Flush), and the tables halt.

use std::io;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::group::{GroupFailure, GroupJob};
use crate::limits::{STORE_QUEUE_MAX, TABLES_MAX};

/// Committed groups waiting for a flush. Each holds at least one write whose caller waits for
/// its answer, and a caller (a table, or a request on the store's queue) has one write in
/// flight at a time, so this many never fills: the database thread goes on committing
/// actions however long a flush takes (this VM's flushes take a quarter of a millisecond
/// typically and have been seen to take 276 ms). Should it fill anyway, the database thread
/// waits for the flusher.
pub(super) const FLUSH_QUEUE_MAX: usize = TABLES_MAX + STORE_QUEUE_MAX;

/// The least time from the start of one flush to the start of the next. Each flush costs
/// this VM ~60 us of CPU and two context switches on top of the disk's own work; flushing
/// back to back under load took 2,200 flushes/s at 4,000 actions/s heads-up (each covering
/// ~0.4 hands), and a fifth of that with this pause, for about half the context switches
/// (`bench/load/scripts/syscalls-per-action.sh`) and a tenth to a fifth less server CPU per
/// action (`cpu-per-action.sh` at 3,000 actions/s, alternating builds: 315/306 -> 256/281
/// us). The
/// price: a flushed write (a hand's opening, its commit list, its last reveal, its
/// settlement) may wait up to this long more under load, which delays the end of a hand by
/// a few milliseconds and never an action's broadcast (actions are only written).
pub(super) const FLUSH_INTERVAL_MIN: Duration = Duration::from_millis(2);

/// Flushes the write-ahead log.
pub(super) type FlushFn = Box<dyn FnMut() -> io::Result<()> + Send>;

/// Jobs whose commit is done and whose answer waits for a flush.
type Batch = Vec<Box<dyn GroupJob>>;

/// The handle the database thread keeps.
pub(super) struct Syncer {
    queue: Option<SyncSender<Batch>>,
    thread: Option<JoinHandle<()>>,
}

impl Syncer {
    /// Starts the flusher thread, which calls `flush` for each round of waiting jobs,
    /// starting one at most every `interval_min`.
    pub(super) fn start(flush: FlushFn, interval_min: Duration) -> io::Result<Syncer> {
        let (queue, inbox) = sync_channel(FLUSH_QUEUE_MAX);
        let thread = thread::Builder::new()
            .name("poker-flush".to_owned())
            .spawn(move || run(inbox, flush, interval_min))?;
        Ok(Syncer {
            queue: Some(queue),
            thread: Some(thread),
        })
    }

    /// Answers `jobs` (committed already) once a flush that started after this call is done.
    pub(super) fn flush_then_answer(&self, jobs: Batch) {
        if jobs.is_empty() {
            return;
        }
        let Some(queue) = &self.queue else {
            fail_all(jobs, &stopped());
            return;
        };
        let jobs = match queue.try_send(jobs) {
            Ok(()) => return,
            Err(TrySendError::Full(jobs)) => jobs,
            Err(TrySendError::Disconnected(jobs)) => {
                fail_all(jobs, &stopped());
                return;
            }
        };
        // The flusher is behind: wait for room.
        if let Err(returned) = queue.send(jobs) {
            fail_all(returned.0, &stopped());
        }
    }

    /// Lets the flusher finish what it was given and stops it.
    pub(super) fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        drop(self.queue.take());
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("the flusher thread panicked");
            }
        }
    }
}

impl Drop for Syncer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The failure given when the flusher is gone.
fn stopped() -> GroupFailure {
    GroupFailure::Flush(Arc::new(io::Error::other("the flusher thread stopped")))
}

fn fail_all(jobs: Batch, failure: &GroupFailure) {
    for job in jobs {
        job.answer(Err(failure.clone()));
    }
}

/// The flusher's loop: wait for a job, let `interval_min` pass since the last flush started,
/// take everything waiting, flush once, answer it all.
fn run(inbox: Receiver<Batch>, mut flush: FlushFn, interval_min: Duration) {
    let mut failed: Option<GroupFailure> = None;
    let mut last_start: Option<Instant> = None;
    while let Ok(mut jobs) = inbox.recv() {
        if let Some(wait) = last_start.and_then(|start| interval_min.checked_sub(start.elapsed())) {
            thread::sleep(wait);
        }
        last_start = Some(Instant::now());
        while let Ok(more) = inbox.try_recv() {
            jobs.extend(more);
        }
        if failed.is_none() {
            if let Err(err) = flush() {
                tracing::error!(%err, "flushing the write-ahead log failed; durable writes are refused from now on");
                failed = Some(GroupFailure::Flush(Arc::new(err)));
            }
        }
        match &failed {
            None => {
                for job in jobs {
                    job.answer(Ok(()));
                }
            }
            Some(failure) => fail_all(jobs, failure),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc::channel;

    use rusqlite::Transaction;

    use super::*;
    use crate::store::{Durability, StoreError};

    /// A job that reports its answer on a channel, tagged.
    struct Probe {
        tag: usize,
        answers: std::sync::mpsc::Sender<(usize, Result<(), StoreError>)>,
    }

    impl GroupJob for Probe {
        fn durability(&self) -> Durability {
            Durability::Flushed
        }
        fn run(&mut self, _: &mut Transaction<'_>) {}
        fn answer(self: Box<Self>, result: Result<(), GroupFailure>) {
            let _ = self
                .answers
                .send((self.tag, result.map_err(StoreError::from)));
        }
    }

    #[test]
    fn jobs_are_answered_after_a_flush_and_a_failed_flush_fails_every_later_job() {
        let flushes = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&flushes);
        let syncer = Syncer::start(
            Box::new(move || {
                // The second flush fails.
                match counted.fetch_add(1, Ordering::SeqCst) {
                    1 => Err(io::Error::other("disk gone")),
                    _ => Ok(()),
                }
            }),
            Duration::ZERO,
        )
        .expect("start");
        let (answers, answered) = channel();
        let probe = |tag| -> Box<dyn GroupJob> {
            Box::new(Probe {
                tag,
                answers: answers.clone(),
            })
        };
        syncer.flush_then_answer(vec![probe(1), probe(2)]);
        let first: Vec<_> = (0..2).map(|_| answered.recv().expect("answer")).collect();
        assert!(first.iter().all(|(_, result)| result.is_ok()));
        assert_eq!(flushes.load(Ordering::SeqCst), 1, "one flush for the batch");

        syncer.flush_then_answer(vec![probe(3)]);
        let (tag, result) = answered.recv().expect("answer");
        assert_eq!(tag, 3);
        assert!(matches!(result, Err(StoreError::Flush(_))));

        syncer.flush_then_answer(vec![probe(4)]);
        let (_, result) = answered.recv().expect("answer");
        assert!(
            matches!(result, Err(StoreError::Flush(_))),
            "no flush is trusted after one failed"
        );
        assert_eq!(flushes.load(Ordering::SeqCst), 2, "and none is tried");
        syncer.finish();
    }

    #[test]
    fn flushes_start_at_most_every_interval_and_each_covers_what_waited() {
        let interval = Duration::from_millis(20);
        let starts = Arc::new(std::sync::Mutex::new(Vec::new()));
        let recorded = Arc::clone(&starts);
        let syncer = Syncer::start(
            Box::new(move || {
                recorded.lock().expect("starts").push(Instant::now());
                Ok(())
            }),
            interval,
        )
        .expect("start");
        let (answers, answered) = channel();
        // Forty jobs, one every millisecond: back to back they could take forty flushes.
        let began = Instant::now();
        for tag in 0..40 {
            syncer.flush_then_answer(vec![Box::new(Probe {
                tag,
                answers: answers.clone(),
            })]);
            thread::sleep(Duration::from_millis(1));
        }
        let mut tags: Vec<_> = (0..40)
            .map(|_| {
                let (tag, result) = answered.recv().expect("answer");
                assert!(result.is_ok());
                tag
            })
            .collect();
        let elapsed = began.elapsed();
        tags.sort_unstable();
        assert_eq!(tags, (0..40).collect::<Vec<_>>(), "every job answered once");
        let starts = starts.lock().expect("starts").clone();
        // The flusher's clock starts just before each flush is called, so the calls' own
        // spacing may fall short of the interval by that gap; back to back they would be
        // about a millisecond apart.
        for pair in starts.windows(2) {
            let apart = pair[1] - pair[0];
            assert!(apart >= interval / 2, "flushes {apart:?} apart");
        }
        // The first flush is at once; each later one waits out the interval.
        let most = 1 + (elapsed.as_millis() / interval.as_millis()) as usize;
        assert!(
            starts.len() <= most,
            "{} flushes in {elapsed:?}",
            starts.len()
        );
        syncer.finish();
    }
}
