//! Tables: one tokio task per table owns its seats, the hand in play (`poker-core`) and the
//! hand's fairness session, and reads a bounded inbox of commands from WebSocket connections.
//!
//! * [`config`]: what a table is ([`TableConfig`]) and the defaults opened at start.
//! * `actor`: the task: seats and buy-ins through the ledger, the per-hand fairness protocol,
//!   the engine, the action clock, per-recipient event views, and settlement.
//! * [`settlement`]: stack changes to ledger movements.

mod actor;
pub mod config;
pub mod settlement;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::{mpsc, watch, Notify};
use tokio::task::JoinHandle;

pub use config::{TableConfig, TableConfigError, TableGame};

use crate::accounts::AccountId;
use crate::limits::{TABLE_DRAIN_GRACE, TABLE_INBOX_MAX};
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
}

impl TableHandle {
    /// The table's settings.
    pub fn config(&self) -> &TableConfig {
        &self.config
    }

    /// Queues `command` without waiting; fails if the inbox is full or the table stopped.
    pub fn try_send(&self, command: TableCommand) -> Result<(), TableUnavailable> {
        self.inbox.try_send(command).map_err(|_| TableUnavailable)
    }
}

/// Every table of the server, by name.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    by_name: Arc<BTreeMap<String, TableHandle>>,
    drain: Arc<Drain>,
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
    pub async fn start(state: &AppState) -> Tables {
        let mut by_name = BTreeMap::new();
        let drain = Drain {
            grace: state.config().drain_grace(),
            ..Drain::default()
        };
        let mut tasks = Vec::new();
        for config in state.config().tables() {
            let table = match actor::open(config.clone(), state.clone()).await {
                Ok(table) => table,
                Err(err) => {
                    tracing::error!(table = %config.name(), %err, "table could not open");
                    continue;
                }
            };
            let (inbox, commands) = mpsc::channel(TABLE_INBOX_MAX);
            tasks.push(tokio::spawn(actor::run(
                table,
                commands,
                drain.signal.subscribe(),
            )));
            by_name.insert(
                config.name().as_str().to_owned(),
                TableHandle {
                    config: config.clone(),
                    inbox,
                },
            );
        }
        if let Ok(mut held) = drain.tasks.lock() {
            *held = tasks;
        }
        Tables {
            by_name: Arc::new(by_name),
            drain: Arc::new(drain),
        }
    }

    /// Shutdown: no table starts another hand; each task ends once its hand in play is
    /// over. A hand still in play after the configured drain grace (default
    /// [`TABLE_DRAIN_GRACE`]) stays saved, and the next
    /// start voids it with a signed record and refunds it, as after a crash.
    pub async fn drain(&self) {
        self.drain.signal.send_replace(true);
        let tasks = match self.drain.tasks.lock() {
            Ok(mut held) => std::mem::take(&mut *held),
            Err(_) => Vec::new(),
        };
        let all_stopped = async {
            for task in tasks {
                let _ = task.await;
            }
        };
        if tokio::time::timeout(self.drain.grace, all_stopped)
            .await
            .is_err()
        {
            tracing::warn!(
                grace = ?self.drain.grace,
                "hands still in play at shutdown; the next start voids and refunds them"
            );
        }
    }

    /// The table called `name`.
    pub fn get(&self, name: &str) -> Option<&TableHandle> {
        self.by_name.get(name)
    }

    /// Every table, by name.
    pub fn iter(&self) -> impl Iterator<Item = &TableHandle> {
        self.by_name.values()
    }
}
