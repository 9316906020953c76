//! Tables opened and closed while the server runs: the admin API's create, close and kick,
//! the tables created in earlier runs, and what `/metrics` reads off the inboxes.

use tokio::sync::oneshot;

use super::{actor, TableCommand, TableConfig, TableHandle, Tables};
use crate::accounts::AccountId;
use crate::admin::tables::CreatedTableError;
use crate::config::{ConfigError, TableSpec};
use crate::limits::{TABLES_MAX, TABLE_INBOX_MAX};
use crate::state::AppState;
use crate::store::HandsInPlay;

/// What the admin API asks of a table task.
#[derive(Debug)]
pub enum AdminOrder {
    /// Deal no more hands; once the hand in play (if any) is over, stand everyone up (their
    /// chips go back to their accounts), tell the watchers and stop.
    Close,
    /// Stand this player up: now, or after the hand they are in.
    Kick {
        /// The player.
        account: AccountId,
        /// What happened.
        outcome: oneshot::Sender<KickOutcome>,
    },
    /// Look again at whether a hand can start (after maintenance ends).
    Wake,
}

/// What a kick did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KickOutcome {
    /// The player does not sit at the table.
    NotSeated,
    /// The player was stood up and their chips returned.
    StoodUp,
    /// The player is in the hand in play; they are stood up when it ends.
    AfterHand,
    /// Their chips could not be returned; they still sit (details in the server log).
    Failed,
}

/// Why a table could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateTableError {
    /// [`TABLES_MAX`] tables are open already.
    #[error("{TABLES_MAX} tables are open already")]
    TooMany,
    /// The settings are invalid.
    #[error(transparent)]
    Invalid(#[from] ConfigError),
    /// A table with this name or number is open or configured.
    #[error("a table named {0:?} or with its number exists")]
    Exists(String),
    /// The name or number was used before, or the database failed.
    #[error(transparent)]
    Store(#[from] CreatedTableError),
    /// The table could not open.
    #[error("the table could not open: {0}")]
    Open(String),
}

/// Why a table could not be closed or kicked from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CloseTableError {
    /// No open table has this name.
    #[error("no such table")]
    Unknown,
    /// The table's inbox is full or it stopped; try again.
    #[error("the table is busy")]
    Busy,
}

impl TableHandle {
    /// Commands waiting in the table's inbox.
    pub fn queued(&self) -> usize {
        TABLE_INBOX_MAX.saturating_sub(self.inbox.capacity())
    }
}

impl Tables {
    /// Opens the tables created through the admin API in earlier runs and not closed.
    pub(super) async fn open_created(
        &self,
        state: &AppState,
        mut in_play: Option<&mut HandsInPlay>,
    ) {
        let specs = match state.store().created_tables().await {
            Ok(specs) => specs,
            Err(err) => {
                tracing::error!(%err, "reading the created tables");
                return;
            }
        };
        for spec in specs {
            if self.len() >= TABLES_MAX {
                tracing::error!(
                    table = spec.name,
                    max = TABLES_MAX,
                    "too many tables; not opened"
                );
                continue;
            }
            let config = match spec.build(state.config().action_clock(), state.config().presence())
            {
                Ok(config) => config,
                Err(err) => {
                    tracing::error!(table = spec.name, %err, "a created table is invalid");
                    continue;
                }
            };
            if let Some(clash) = self.clash(&config) {
                tracing::error!(
                    table = spec.name,
                    clash,
                    "a created table clashes with a configured one; not opened"
                );
                continue;
            }
            let hand = in_play.as_deref_mut().map(|all| all.take(config.name()));
            match actor::open(config.clone(), state.clone(), hand).await {
                Ok(table) => self.spawn(table, config),
                Err(err) => tracing::error!(table = spec.name, %err, "table could not open"),
            }
        }
    }

    /// The name of an open or configured table sharing `config`'s name or number.
    fn clash(&self, config: &TableConfig) -> Option<String> {
        let same = |other: &TableConfig| {
            other.name() == config.name() || other.number() == config.number()
        };
        self.iter()
            .map(|handle| handle.config().clone())
            .find(|other| same(other))
            .map(|other| other.name().as_str().to_owned())
    }

    /// Creates, records (with an audit entry) and opens a table with `spec`'s settings, the
    /// server's action clock, and the server's time bank and disconnection rules where
    /// `spec` does not override them.
    pub async fn create(
        &self,
        state: &AppState,
        spec: TableSpec,
    ) -> Result<TableConfig, CreateTableError> {
        let config = spec.build(state.config().action_clock(), state.config().presence())?;
        let _creating = self.creating.lock().await;
        if self.len() >= TABLES_MAX {
            return Err(CreateTableError::TooMany);
        }
        let configured = state
            .config()
            .tables()
            .iter()
            .any(|t| t.name() == config.name() || t.number() == config.number());
        if configured || self.clash(&config).is_some() {
            return Err(CreateTableError::Exists(spec.name));
        }
        state.store().record_created_table(spec).await?;
        // Boxed: the opening future is large, and this runs deep inside a route's filters
        // on a worker thread's stack.
        let table = Box::pin(actor::open(config.clone(), state.clone(), None))
            .await
            .map_err(|err| CreateTableError::Open(err.to_string()))?;
        self.spawn(table, config.clone());
        Ok(config)
    }

    /// Orders table `name` to close after its hand in play.
    pub async fn close(&self, name: &str) -> Result<(), CloseTableError> {
        self.order(name, AdminOrder::Close).await
    }

    /// Stands `account` up at table `name` (after the hand they are in).
    pub async fn kick(
        &self,
        name: &str,
        account: AccountId,
    ) -> Result<KickOutcome, CloseTableError> {
        let (outcome, done) = oneshot::channel();
        self.order(name, AdminOrder::Kick { account, outcome })
            .await?;
        done.await.map_err(|_| CloseTableError::Busy)
    }

    /// Has every table look again at whether a hand can start.
    pub fn wake_all(&self) {
        for table in self.iter() {
            // A full inbox wakes the table anyway.
            let _ = table.try_send(TableCommand::Admin(AdminOrder::Wake));
        }
    }

    /// Queues `order`, waiting for room in the inbox (an operator's order is not refused
    /// for a busy table); fails only if the table is gone.
    async fn order(&self, name: &str, order: AdminOrder) -> Result<(), CloseTableError> {
        let table = self.get(name).ok_or(CloseTableError::Unknown)?;
        table
            .inbox
            .send(TableCommand::Admin(order))
            .await
            .map_err(|_| CloseTableError::Busy)
    }

    /// Commands waiting in all inboxes together, and in the fullest one.
    pub fn inbox_depths(&self) -> (u64, u64) {
        self.iter().fold((0, 0), |(sum, max), table| {
            let queued = table.queued() as u64;
            (sum + queued, max.max(queued))
        })
    }
}
