//! Open WebSockets, counted overall (`max_websockets`) and per account
//! (`max_websockets_per_account`), and the accept loop's connection slot that an upgraded
//! WebSocket takes over.
//!
//! hyper hands an upgraded connection over and finishes serving it as HTTP, so without
//! [`ConnectionSlot`] the accept loop would give back the connection's place under
//! `max_connections` (and its address's under `max_connections_per_address`) while the
//! WebSocket lives on. The WebSocket takes the slot and holds it until it closes; the caps
//! here come on top, so a server full of players still has room for HTTP requests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OwnedSemaphorePermit;

use crate::accounts::AccountId;
use crate::limiter::AddressPermit;

/// Why a WebSocket was not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WebSocketRefusal {
    /// `max_websockets` are open.
    #[error("the server holds its most WebSocket connections ({0}); try again later")]
    ServerFull(usize),
    /// The account holds `max_websockets_per_account`.
    #[error("this account has {0} WebSocket connections open, the most allowed; close one first")]
    AccountFull(usize),
}

/// The open-WebSocket counters; shared by cloning the limiter that holds them.
#[derive(Debug)]
pub(crate) struct OpenWebSockets {
    counts: Arc<Mutex<Counts>>,
    most: usize,
    most_per_account: usize,
}

/// Open WebSockets overall and per account (an account appears only while it has one open,
/// so the map is bounded by `max_websockets`).
#[derive(Debug, Default)]
struct Counts {
    open: usize,
    by_account: HashMap<AccountId, usize>,
}

impl OpenWebSockets {
    /// No WebSocket open; at most `most` at once, `most_per_account` for one account.
    pub(crate) fn new(most: usize, most_per_account: usize) -> OpenWebSockets {
        OpenWebSockets {
            counts: Arc::new(Mutex::new(Counts::default())),
            most,
            most_per_account,
        }
    }

    /// Counts one more WebSocket of `account` (`None`: an observer, counted only overall).
    pub(crate) fn admit(
        &self,
        account: Option<AccountId>,
    ) -> Result<WebSocketPermit, WebSocketRefusal> {
        // A poisoned lock means a panic mid-update elsewhere; refusing is the safe answer.
        let mut counts = self
            .counts
            .lock()
            .map_err(|_| WebSocketRefusal::ServerFull(self.most))?;
        if counts.open >= self.most {
            return Err(WebSocketRefusal::ServerFull(self.most));
        }
        if let Some(account) = account {
            let held = counts.by_account.entry(account).or_insert(0);
            if *held >= self.most_per_account {
                return Err(WebSocketRefusal::AccountFull(self.most_per_account));
            }
            *held += 1;
        }
        counts.open += 1;
        Ok(WebSocketPermit {
            counts: Arc::clone(&self.counts),
            account,
        })
    }

    /// WebSockets counted open now.
    pub(crate) fn open(&self) -> usize {
        self.counts.lock().map_or(0, |counts| counts.open)
    }
}

/// One open WebSocket; dropping it gives the place back.
#[derive(Debug)]
pub struct WebSocketPermit {
    counts: Arc<Mutex<Counts>>,
    account: Option<AccountId>,
}

impl Drop for WebSocketPermit {
    fn drop(&mut self) {
        let Ok(mut counts) = self.counts.lock() else {
            return;
        };
        counts.open = counts.open.saturating_sub(1);
        if let Some(account) = self.account {
            if let Some(held) = counts.by_account.get_mut(&account) {
                *held = held.saturating_sub(1);
                if *held == 0 {
                    counts.by_account.remove(&account);
                }
            }
        }
    }
}

/// A connection's places under `max_connections` and `max_connections_per_address`, put
/// in every request's extensions by the accept loop. The accept loop gives them back when
/// hyper is done with the connection, unless a WebSocket upgrade took them first.
#[derive(Debug, Clone)]
pub struct ConnectionSlot {
    held: Arc<Mutex<Option<HeldSlot>>>,
}

/// The places themselves; dropping this gives them back.
#[derive(Debug)]
pub struct HeldSlot {
    _connection: OwnedSemaphorePermit,
    _address: AddressPermit,
}

impl ConnectionSlot {
    /// The slot of a connection admitted with these permits.
    pub fn new(connection: OwnedSemaphorePermit, address: AddressPermit) -> ConnectionSlot {
        ConnectionSlot {
            held: Arc::new(Mutex::new(Some(HeldSlot {
                _connection: connection,
                _address: address,
            }))),
        }
    }

    /// The places, if nobody took them yet; whoever holds them keeps them until dropped.
    pub fn take(&self) -> Option<HeldSlot> {
        self.held.lock().ok()?.take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websockets_are_capped_overall_and_per_account() {
        let open = OpenWebSockets::new(3, 2);
        let alice = AccountId::from_raw(1);
        let bob = AccountId::from_raw(2);
        let first = open.admit(Some(alice)).expect("first");
        let second = open.admit(Some(alice)).expect("second");
        assert_eq!(
            open.admit(Some(alice)).map(drop),
            Err(WebSocketRefusal::AccountFull(2))
        );
        let observer = open.admit(None).expect("an observer");
        assert_eq!(
            open.admit(Some(bob)).map(drop),
            Err(WebSocketRefusal::ServerFull(3))
        );
        assert_eq!(open.open(), 3);
        drop(first);
        let bobs = open.admit(Some(bob)).expect("a place came back");
        assert_eq!(
            open.admit(None).map(drop),
            Err(WebSocketRefusal::ServerFull(3))
        );
        drop((second, observer, bobs));
        assert_eq!(open.open(), 0);
        let counts = open.counts.lock().expect("lock");
        assert!(counts.by_account.is_empty(), "accounts are forgotten");
    }

    #[test]
    fn a_connection_slot_is_taken_once() {
        let semaphore = Arc::new(tokio::sync::Semaphore::new(1));
        let limiter = crate::limiter::Limiter::new(
            crate::config::Config::from_layer(crate::config::ConfigLayer::default())
                .expect("defaults")
                .connection_limits()
                .clone(),
        );
        let peer = crate::limiter::PeerAddr("192.0.2.1:1000".parse().expect("address"));
        let slot = ConnectionSlot::new(
            Arc::clone(&semaphore).try_acquire_owned().expect("permit"),
            limiter.admit_connection(peer).expect("address permit"),
        );
        let copy = slot.clone();
        let held = copy.take().expect("the first taker gets it");
        assert!(slot.take().is_none(), "and nobody else");
        drop((slot, copy));
        assert_eq!(semaphore.available_permits(), 0, "held until dropped");
        drop(held);
        assert_eq!(semaphore.available_permits(), 1);
    }
}
