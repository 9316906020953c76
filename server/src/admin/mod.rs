//! The operator's side of the server: the admin token, the maintenance flag, messages to
//! every connection, bans, and the tables opened through the admin API.
//!
//! * [`token`]: the admin token from the configuration, kept only as a SHA-256 hash and
//!   compared in constant time.
//! * [`bans`]: account and address bans with an expiry, stored in SQLite and cached in memory
//!   for the checks at accept, login, token check and WebSocket upgrade.
//! * [`tables`]: tables created through the admin API, stored so they reopen on restart.
//!
//! The HTTP routes are in `routes/admin.rs`; every action is written to the audit log
//! ([`crate::audit`]).

pub mod bans;
pub mod tables;
pub mod token;
pub mod wire;

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::broadcast;

use crate::accounts::AccountId;
pub use bans::{Ban, BanTarget, Bans};
pub use token::{AdminSecret, AdminTokenHash};

/// Notices that may wait for a slow connection to pick them up; one that falls further
/// behind misses the oldest ones (and is told nothing: they are operator messages).
pub const NOTICE_QUEUE_MAX: usize = 64;
/// Longest broadcast message, in bytes.
pub const BROADCAST_MESSAGE_BYTES_MAX: usize = 1024;

/// What the admin API tells every open connection.
#[derive(Debug, Clone)]
pub enum Notice {
    /// A message to show: the `broadcast` server message, already rendered as JSON text.
    Broadcast(Arc<str>),
    /// A ban took effect: connections of this account or from this address close.
    Banned(BanTarget),
}

impl Notice {
    /// Whether a connection of `account` from `address` must close because of this notice.
    pub fn closes(&self, account: Option<AccountId>, address: Option<IpAddr>) -> bool {
        match self {
            Notice::Broadcast(_) => false,
            Notice::Banned(BanTarget::Account(banned)) => account == Some(*banned),
            Notice::Banned(BanTarget::Address(banned)) => address == Some(*banned),
        }
    }
}

/// Operator state shared by the routes, the connections and the tables.
#[derive(Debug)]
pub struct AdminState {
    token: Option<AdminTokenHash>,
    draining: AtomicBool,
    notices: broadcast::Sender<Notice>,
    bans: Bans,
}

impl AdminState {
    /// State for a server whose admin token hashes to `token` (`None`: no admin API).
    pub fn new(token: Option<AdminTokenHash>) -> AdminState {
        AdminState {
            token,
            draining: AtomicBool::new(false),
            notices: broadcast::channel(NOTICE_QUEUE_MAX).0,
            bans: Bans::default(),
        }
    }

    /// The admin token's hash, if the admin API is enabled.
    pub fn token(&self) -> Option<&AdminTokenHash> {
        self.token.as_ref()
    }

    /// Whether new hands are held back (maintenance drain).
    pub fn draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }

    /// Holds back (`true`) or allows (`false`) new hands; returns the previous setting.
    pub fn set_draining(&self, draining: bool) -> bool {
        self.draining.swap(draining, Ordering::Relaxed)
    }

    /// Sends `notice` to every open connection; returns how many receive it.
    pub fn notify(&self, notice: Notice) -> usize {
        self.notices.send(notice).unwrap_or(0)
    }

    /// A receiver of the notices sent from now on (one per connection).
    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.notices.subscribe()
    }

    /// The ban list.
    pub fn bans(&self) -> &Bans {
        &self.bans
    }
}
