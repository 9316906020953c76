//! Tables: one tokio task per table owns its seats, the hand in play (`poker-core`) and the
//! hand's fairness session, and reads a bounded inbox of commands from WebSocket connections.
//!
//! * [`config`]: what a table is ([`TableConfig`]) and the defaults opened at start.
//! * `actor`: the task: seats and buy-ins through the ledger, the per-hand fairness protocol,
//!   the engine, the action clock, per-recipient event views, and settlement.
//! * [`settlement`]: stack changes to ledger movements.
//! * [`presence`]: seats that outlive their sockets: connection state, time banks, the
//!   disconnect grace and its abuse limit ([`PresenceRules`]); `clock_bank`: the decision
//!   between grace, bank and time-out when a turn's deadline passes; `replay_buffer`: the
//!   recent events a resuming client gets back in its own view.
//! * `seating`: sitting out, sitting in and the blinds a seat owes; `missed_blinds`: who is
//!   dealt the next hand and who posts what (the cash-game missed-blind rule).

mod actor;
mod clock_bank;
pub mod config;
mod departures;
mod dynamic;
pub mod halt;
mod missed_blinds;
pub mod presence;
mod public_settings;
mod replay_buffer;
mod seating;
pub mod settlement;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use tokio::sync::{mpsc, watch, Notify};
use tokio::task::{AbortHandle, JoinError, JoinHandle, JoinSet};

pub use config::{TableConfig, TableConfigError, TableGame};
pub use dynamic::{AdminOrder, CloseTableError, CreateTableError, KickOutcome};
pub use presence::{PresenceRules, PresenceRulesError};
pub use public_settings::TableSettings;

use crate::accounts::AccountId;
use crate::ledger::LedgerError;
use crate::limits::{TABLES_MAX, TABLES_OPENING_AT_ONCE, TABLE_DRAIN_GRACE, TABLE_INBOX_MAX};
use crate::state::AppState;
use crate::ws::messages::ClientRequest;

/// Identifies one WebSocket connection for the lifetime of the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConnId(u64);

impl ConnId {
    /// A fresh id.
    pub fn next() -> ConnId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        ConnId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// Where a table writes a connection's messages: a bounded queue of JSON texts, and a signal
/// raised when the queue overflowed (the connection then closes: its view is incomplete).
#[derive(Debug, Clone)]
pub struct Outbox {
    /// Messages to write.
    pub queue: mpsc::Sender<Arc<str>>,
    /// Raised when a message could not be queued.
    pub overflowed: Arc<Notify>,
}

impl Outbox {
    /// Queues `text`; on a full or closed queue, raises the overflow signal and returns false.
    pub fn send(&self, text: Arc<str>) -> bool {
        if self.queue.try_send(text).is_ok() {
            true
        } else {
            self.overflowed.notify_one();
            false
        }
    }
}

/// The logged-in player behind a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Player {
    /// The account.
    pub account: AccountId,
    /// The username, used as the player id in hand records.
    pub name: String,
}

/// What a connection asks of a table.
#[derive(Debug)]
pub enum TableCommand {
    /// A request from the client, answered through `outbox` with an ack, a reply or a
    /// rejection carrying `id`.
    Request {
        /// The connection.
        conn: ConnId,
        /// Who is asking (`None` for an observer).
        player: Option<Player>,
        /// The client's command id.
        id: u64,
        /// The request.
        request: ClientRequest,
        /// Where to answer (and, after `watch` or `sit`, where to send events).
        outbox: Outbox,
    },
    /// The connection closed: stop sending it events.
    Disconnected {
        /// The connection.
        conn: ConnId,
    },
    /// An order from the admin API.
    Admin(AdminOrder),
}

/// A table's inbox is full or the table stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the table is busy or stopped")]
pub struct TableUnavailable;

/// A running table: its settings and its inbox.
#[derive(Debug, Clone)]
pub struct TableHandle {
    config: TableConfig,
    inbox: mpsc::Sender<TableCommand>,
    halt: halt::HaltFlag,
}

impl TableHandle {
    /// The table's settings.
    pub fn config(&self) -> &TableConfig {
        &self.config
    }

    /// Why and when the table halted after a server-side failure, if it did.
    pub fn halted(&self) -> Option<crate::ws::messages::WireHalt> {
        self.halt.get()
    }

    /// Queues `command` without waiting; fails if the inbox is full or the table stopped.
    pub fn try_send(&self, command: TableCommand) -> Result<(), TableUnavailable> {
        self.inbox.try_send(command).map_err(|_| TableUnavailable)
    }
}

/// Every table of the server, by name. Tables come and go while the server runs (the admin
/// API opens and closes them), at most [`crate::limits::TABLES_MAX`].
#[derive(Debug, Clone, Default)]
pub struct Tables {
    by_name: Arc<RwLock<BTreeMap<String, TableHandle>>>,
    drain: Arc<Drain>,
    /// Held while a table is created, so two creations cannot claim one name or number.
    creating: Arc<tokio::sync::Mutex<()>>,
}

/// How shutdown reaches the table tasks: a flag they watch, and their join handles.
#[derive(Debug)]
struct Drain {
    signal: watch::Sender<bool>,
    /// How long [`Tables::drain`] waits (the configured `drain_grace`).
    grace: std::time::Duration,
    tasks: std::sync::Mutex<Vec<JoinHandle<()>>>,
}

impl Default for Drain {
    fn default() -> Drain {
        Drain {
            signal: watch::channel(false).0,
            grace: TABLE_DRAIN_GRACE,
            tasks: std::sync::Mutex::new(Vec::new()),
        }
    }
}

impl Tables {
    /// Opens every configured table — voiding a hand an earlier run left unfinished and
    /// giving back chips left in its sessions — and then starts one task per table. Returns
    /// once all are open, so no client sees a table before its recovery. A table that cannot
    /// open is logged and left out.
    ///
    /// Up to [`TABLES_OPENING_AT_ONCE`] tables open at once: after a crash each voids its
    /// hand with a flushed write, and opened one by one they would wait for one disk flush
    /// each instead of sharing them.
    pub async fn start(state: &AppState) -> Tables {
        let tables = Tables {
            drain: Arc::new(Drain {
                grace: state.config().drain_grace(),
                ..Drain::default()
            }),
            ..Tables::default()
        };
        // One pass over the hand-step journal for every table, not one per table.
        let mut in_play = match state.store().hands_in_play().await {
            Ok(in_play) => Some(in_play),
            Err(err) => {
                tracing::error!(%err, "reading the hands in play; each table reads its own");
                None
            }
        };
        if let Some(hands) = in_play.as_ref().filter(|hands| !hands.is_empty()) {
            tracing::warn!(
                tables = hands.len(),
                "hands left in play by the previous run; voiding them"
            );
        }
        let configs = state.config().tables();
        for config in configs.iter().skip(TABLES_MAX) {
            tracing::error!(table = %config.name(), max = TABLES_MAX, "too many tables; not opened");
        }
        let mut opening = JoinSet::new();
        for config in configs.iter().take(TABLES_MAX) {
            if opening.len() >= TABLES_OPENING_AT_ONCE {
                if let Some(opened) = opening.join_next().await {
                    tables.opened(opened);
                }
            }
            let hand = in_play.as_mut().map(|all| all.take(config.name()));
            let (config, state) = (config.clone(), state.clone());
            opening.spawn(async move {
                // Boxed: the opening future (recovery and a void record's settlement
                // included) is large, and a worker thread's stack is smaller than main's.
                let table = Box::pin(actor::open(config.clone(), state, hand)).await;
                (config, table)
            });
        }
        while let Some(opened) = opening.join_next().await {
            tables.opened(opened);
        }
        tables.open_created(state, in_play.as_mut()).await;
        tables
    }

    /// Starts a table [`Tables::start`] opened, or logs why it could not open.
    fn opened(&self, opened: Result<(TableConfig, Result<actor::Table, LedgerError>), JoinError>) {
        match opened {
            Ok((config, Ok(table))) => self.spawn(table, config),
            Ok((config, Err(err))) => {
                tracing::error!(table = %config.name(), %err, "table could not open");
            }
            Err(err) => tracing::error!(%err, "opening a table failed"),
        }
    }

    /// Starts the task of an opened table and lists it; the task unlists it when it ends.
    fn spawn(&self, table: actor::Table, config: TableConfig) {
        let (inbox, commands) = mpsc::channel(TABLE_INBOX_MAX);
        let name = config.name().as_str().to_owned();
        let halt = table.halt_flag();
        if let Ok(mut by_name) = self.by_name.write() {
            by_name.insert(
                name.clone(),
                TableHandle {
                    config,
                    inbox,
                    halt,
                },
            );
        }
        let registry = Arc::clone(&self.by_name);
        let draining = self.drain.signal.subscribe();
        let task = tokio::spawn(async move {
            actor::run(table, commands, draining).await;
            if let Ok(mut by_name) = registry.write() {
                by_name.remove(&name);
            }
        });
        if let Ok(mut held) = self.drain.tasks.lock() {
            held.retain(|task| !task.is_finished());
            held.push(task);
        }
    }

    /// Shutdown: no table starts another hand; each task ends once its hand in play is
    /// over. A table whose hand is still in play after the configured drain grace (default
    /// [`TABLE_DRAIN_GRACE`]) is stopped where it is, as a crash would stop it: its hand stays
    /// saved, and the next start voids it with a signed record and refunds it. (Left running,
    /// it would go on dealing into a store about to close, and a hand could settle after
    /// the log said it would be voided.)
    pub async fn drain(&self) {
        self.drain.signal.send_replace(true);
        let tasks = match self.drain.tasks.lock() {
            Ok(mut held) => std::mem::take(&mut *held),
            Err(_) => Vec::new(),
        };
        let stoppers: Vec<AbortHandle> = tasks.iter().map(JoinHandle::abort_handle).collect();
        let all_stopped = async {
            for task in tasks {
                let _ = task.await;
            }
        };
        if tokio::time::timeout(self.drain.grace, all_stopped)
            .await
            .is_err()
        {
            let still_playing = stoppers.iter().filter(|task| !task.is_finished()).count();
            for task in &stoppers {
                task.abort();
            }
            tracing::warn!(
                grace = ?self.drain.grace,
                tables = still_playing,
                "hands still in play at shutdown; those tables are stopped, and the next start voids and refunds their hands"
            );
        }
    }

    /// The table called `name`.
    pub fn get(&self, name: &str) -> Option<TableHandle> {
        self.by_name.read().ok()?.get(name).cloned()
    }

    /// Every table, by name (a snapshot: tables may open or close meanwhile).
    pub fn iter(&self) -> impl Iterator<Item = TableHandle> {
        let tables: Vec<TableHandle> = self
            .by_name
            .read()
            .map(|by_name| by_name.values().cloned().collect())
            .unwrap_or_default();
        tables.into_iter()
    }

    /// Up to `limit` tables by name, starting after `after` (from the first if `None`), and
    /// whether more follow.
    pub fn page(&self, after: Option<&str>, limit: usize) -> (Vec<TableHandle>, bool) {
        use std::ops::Bound;
        let Ok(by_name) = self.by_name.read() else {
            return (Vec::new(), false);
        };
        let start = match after {
            Some(name) => Bound::Excluded(name),
            None => Bound::Unbounded,
        };
        let mut rest = by_name
            .range::<str, _>((start, Bound::Unbounded))
            .map(|(_, table)| table);
        let page: Vec<TableHandle> = rest.by_ref().take(limit).cloned().collect();
        let more = rest.next().is_some();
        (page, more)
    }

    /// How many open tables halted after a server-side failure.
    pub fn halted(&self) -> usize {
        self.iter().filter(|t| t.halted().is_some()).count()
    }

    /// How many tables are open.
    pub fn len(&self) -> usize {
        self.by_name.read().map_or(0, |by_name| by_name.len())
    }

    /// Whether no table is open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
