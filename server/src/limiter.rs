//! The connection layer's limits, shared by the accept loop, the REST routes and the
//! WebSocket connections: connections per client address, HTTP requests per address and per
//! account, WebSocket messages per connection, per address and per account, and open
//! WebSockets overall and per account (`websockets.rs`).
//!
//! The client address is the TCP peer's ([`PeerAddr`], set by the accept loop on every
//! request). Behind a reverse proxy that is the proxy's address; `docs/deployment.md` says how
//! to set the limits there.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use warp::{Filter, Rejection};

use crate::accounts::AccountId;
use crate::error::ApiError;
use crate::limits::{RATE_LIMIT_STRIKES_MAX, RATE_LIMIT_STRIKES_PER_SECOND};
use crate::rate::{AddressBuckets, AddressKey, Bucket, KeyedBuckets, Rate};
use crate::websockets::OpenWebSockets;
pub use crate::websockets::{WebSocketPermit, WebSocketRefusal};

/// The TCP peer of a request, put in the request's extensions by the accept loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

impl PeerAddr {
    /// The unit the per-address limits count this peer under.
    pub fn key(self) -> AddressKey {
        AddressKey::from(self.0.ip())
    }
}

/// The configured limits of the connection layer (see `Config::connection_limits`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub(crate) connections_per_address: usize,
    pub(crate) ws_messages: Rate,
    pub(crate) ws_messages_per_address: Rate,
    pub(crate) ws_messages_per_account: Rate,
    pub(crate) websockets: usize,
    pub(crate) websockets_per_account: usize,
    pub(crate) http_requests_per_address: Rate,
    pub(crate) http_requests_per_account: Rate,
    pub(crate) ping_interval: Duration,
    pub(crate) dead_peer_timeout: Duration,
    pub(crate) write_timeout: Duration,
}

impl ConnectionLimits {
    /// Connections one address may hold at once.
    pub fn connections_per_address(&self) -> usize {
        self.connections_per_address
    }

    /// WebSocket messages one connection may send.
    pub fn ws_messages(&self) -> Rate {
        self.ws_messages
    }

    /// WebSocket messages all connections of one address may send together.
    pub fn ws_messages_per_address(&self) -> Rate {
        self.ws_messages_per_address
    }

    /// WebSocket messages all connections of one account may send together.
    pub fn ws_messages_per_account(&self) -> Rate {
        self.ws_messages_per_account
    }

    /// WebSockets open at once (`max_websockets`).
    pub fn websockets(&self) -> usize {
        self.websockets
    }

    /// WebSockets one account may hold open at once.
    pub fn websockets_per_account(&self) -> usize {
        self.websockets_per_account
    }

    /// HTTP requests one address may send.
    pub fn http_requests_per_address(&self) -> Rate {
        self.http_requests_per_address
    }

    /// Authenticated HTTP requests one account may send (all its sessions together).
    pub fn http_requests_per_account(&self) -> Rate {
        self.http_requests_per_account
    }

    /// Time between server pings on a WebSocket.
    pub fn ping_interval(&self) -> Duration {
        self.ping_interval
    }

    /// Silence after which a WebSocket client counts as dead (always above the ping interval).
    pub fn dead_peer_timeout(&self) -> Duration {
        self.dead_peer_timeout
    }

    /// Longest time one write to a WebSocket client may take.
    pub fn write_timeout(&self) -> Duration {
        self.write_timeout
    }
}

/// The shared counters behind the limits; cloning is cheap.
#[derive(Debug, Clone)]
pub struct Limiter {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    limits: ConnectionLimits,
    connections: Mutex<HashMap<AddressKey, usize>>,
    http: AddressBuckets,
    http_accounts: KeyedBuckets<AccountId>,
    ws_messages: AddressBuckets,
    ws_accounts: KeyedBuckets<AccountId>,
    websockets: OpenWebSockets,
}

/// One connection counted against its address; dropping it gives the slot back.
#[derive(Debug)]
pub struct AddressPermit {
    limiter: Limiter,
    key: AddressKey,
}

impl Drop for AddressPermit {
    fn drop(&mut self) {
        if let Ok(mut connections) = self.limiter.inner.connections.lock() {
            if let Some(count) = connections.get_mut(&self.key) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    connections.remove(&self.key);
                }
            }
        }
    }
}

impl Limiter {
    /// Counters for `limits`, all empty.
    pub fn new(limits: ConnectionLimits) -> Limiter {
        Limiter {
            inner: Arc::new(Inner {
                http: AddressBuckets::new(limits.http_requests_per_address),
                http_accounts: KeyedBuckets::new(limits.http_requests_per_account),
                ws_messages: AddressBuckets::new(limits.ws_messages_per_address),
                ws_accounts: KeyedBuckets::new(limits.ws_messages_per_account),
                websockets: OpenWebSockets::new(limits.websockets, limits.websockets_per_account),
                connections: Mutex::new(HashMap::new()),
                limits,
            }),
        }
    }

    /// The configured limits.
    pub fn limits(&self) -> &ConnectionLimits {
        &self.inner.limits
    }

    /// Counts a new connection from `peer`, or `None` when its address holds the most
    /// connections allowed. (The map has an entry only per address with a live connection,
    /// so it is bounded by the global connection limit.)
    pub fn admit_connection(&self, peer: PeerAddr) -> Option<AddressPermit> {
        let key = peer.key();
        let mut connections = self.inner.connections.lock().ok()?;
        let count = connections.entry(key).or_insert(0);
        if *count >= self.inner.limits.connections_per_address {
            return None;
        }
        *count += 1;
        Some(AddressPermit {
            limiter: self.clone(),
            key,
        })
    }

    /// Counts one HTTP request from `peer`; `Err` carries how long until the next is allowed.
    pub fn admit_request(&self, peer: PeerAddr, now: Instant) -> Result<(), Duration> {
        self.inner.http.take(peer.key(), now)
    }

    /// Counts one authenticated HTTP request of `account` (checked after its token, so only
    /// real accounts get buckets); `Err` carries how long until the next is allowed.
    pub fn admit_account_request(&self, account: AccountId, now: Instant) -> Result<(), Duration> {
        self.inner.http_accounts.take(account, now)
    }

    /// Counts a WebSocket about to be opened for `account` (`None` for an observer) against
    /// `max_websockets` and `max_websockets_per_account`; the slot is given back when the
    /// returned permit is dropped.
    pub fn admit_websocket(
        &self,
        account: Option<AccountId>,
    ) -> Result<WebSocketPermit, WebSocketRefusal> {
        self.inner.websockets.admit(account)
    }

    /// WebSockets counted open now.
    pub fn websockets_open(&self) -> usize {
        self.inner.websockets.open()
    }

    /// A gate for the messages of one WebSocket connection from `peer` (`None` when the
    /// request did not come through the accept loop, e.g. in-process tests: then the
    /// per-address limit does not apply) of `account` (`None` for an observer: then the
    /// per-account limit does not apply).
    pub fn message_gate(
        &self,
        peer: Option<PeerAddr>,
        account: Option<AccountId>,
        now: Instant,
    ) -> MessageGate {
        MessageGate {
            limiter: self.clone(),
            address: peer.map(PeerAddr::key),
            account,
            own: Bucket::new(self.inner.limits.ws_messages, now),
            strikes: Bucket::new(
                Rate::new(RATE_LIMIT_STRIKES_PER_SECOND, RATE_LIMIT_STRIKES_MAX),
                now,
            ),
        }
    }
}

/// What to do with one incoming WebSocket message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Handle it.
    Allowed,
    /// Refuse it with `rate_limited`: the named limit is used up.
    Limited(MessageLimit),
    /// Refuse it and close the connection: it kept sending over its limit.
    Abusive,
}

/// Which WebSocket message limit refused a message (a label of the metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageLimit {
    /// The connection's own rate (`ws_messages_per_sec`).
    Connection,
    /// The rate of all connections of its address (`ws_messages_per_sec_per_address`).
    Address,
    /// The rate of all connections of its account (`ws_messages_per_sec_per_account`).
    Account,
}

impl MessageLimit {
    /// A stable snake_case label (metrics).
    pub fn as_str(self) -> &'static str {
        match self {
            MessageLimit::Connection => "connection",
            MessageLimit::Address => "address",
            MessageLimit::Account => "account",
        }
    }
}

/// The rate limits of one WebSocket connection: its own bucket, its address's and its
/// account's shared buckets, and an allowance of refused messages beyond which the
/// connection is closed.
#[derive(Debug)]
pub struct MessageGate {
    limiter: Limiter,
    address: Option<AddressKey>,
    account: Option<AccountId>,
    own: Bucket,
    strikes: Bucket,
}

impl MessageGate {
    /// Counts one message arriving at `now`. The limits are checked from the narrowest
    /// out, and a message refused by one takes nothing from the wider ones.
    pub fn admit(&mut self, now: Instant) -> Admission {
        let inner = &self.limiter.inner;
        let refused_by = if self.own.take(now).is_err() {
            Some(MessageLimit::Connection)
        } else if self
            .address
            .is_some_and(|key| inner.ws_messages.take(key, now).is_err())
        {
            Some(MessageLimit::Address)
        } else if self
            .account
            .is_some_and(|account| inner.ws_accounts.take(account, now).is_err())
        {
            Some(MessageLimit::Account)
        } else {
            None
        };
        match refused_by {
            None => Admission::Allowed,
            Some(limit) if self.strikes.take(now).is_ok() => Admission::Limited(limit),
            Some(_) => Admission::Abusive,
        }
    }
}

/// The `429 rate_limited` refusal for a client that must wait `wait`.
pub fn rate_limited(wait: Duration) -> ApiError {
    ApiError::RateLimited {
        retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
    }
}

/// Refuses a request with `429 rate_limited` when its address is over its HTTP rate.
/// Requests without a [`PeerAddr`] (not from the accept loop) pass.
pub fn http_rate_limit(limiter: Limiter) -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::ext::optional::<PeerAddr>()
        .and_then(move |peer: Option<PeerAddr>| {
            let verdict = match peer {
                Some(peer) => limiter.admit_request(peer, Instant::now()),
                None => Ok(()),
            };
            async move { verdict.map_err(|wait| warp::reject::custom(rate_limited(wait))) }
        })
        .untuple_one()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> ConnectionLimits {
        ConnectionLimits {
            connections_per_address: 2,
            ws_messages: Rate::new(1, 3),
            ws_messages_per_address: Rate::new(1, 5),
            ws_messages_per_account: Rate::new(1, 6),
            websockets: 3,
            websockets_per_account: 2,
            http_requests_per_address: Rate::new(1, 1),
            http_requests_per_account: Rate::new(1, 1),
            ping_interval: Duration::from_secs(1),
            dead_peer_timeout: Duration::from_secs(2),
            write_timeout: Duration::from_secs(1),
        }
    }

    fn peer(text: &str) -> PeerAddr {
        PeerAddr(text.parse().expect("address"))
    }

    #[test]
    fn connections_are_counted_per_address_and_given_back_on_drop() {
        let limiter = Limiter::new(limits());
        let a = peer("192.0.2.1:1000");
        let first = limiter.admit_connection(a).expect("first");
        let second = limiter
            .admit_connection(peer("192.0.2.1:1001"))
            .expect("second");
        assert!(limiter.admit_connection(a).is_none(), "third from a");
        assert!(limiter.admit_connection(peer("192.0.2.2:1000")).is_some());
        drop(first);
        let third = limiter.admit_connection(a).expect("a slot was freed");
        drop((second, third));
        assert!(limiter.inner.connections.lock().expect("lock").is_empty());
    }

    #[test]
    fn a_gate_limits_then_closes_and_the_address_is_shared() {
        let limiter = Limiter::new(limits());
        let now = Instant::now();
        let a = Some(peer("192.0.2.1:1000"));
        let mut gate = limiter.message_gate(a, None, now);
        let verdicts: Vec<_> = (0..4).map(|_| gate.admit(now)).collect();
        assert_eq!(
            verdicts,
            [
                Admission::Allowed,
                Admission::Allowed,
                Admission::Allowed,
                Admission::Limited(MessageLimit::Connection)
            ]
        );
        // A second connection from the same address gets the address's last two tokens.
        let mut other = limiter.message_gate(a, None, now);
        assert_eq!(other.admit(now), Admission::Allowed);
        assert_eq!(other.admit(now), Admission::Allowed);
        assert_eq!(
            other.admit(now),
            Admission::Limited(MessageLimit::Address),
            "address bucket empty"
        );
        // The first keeps sending over its limit: after its strikes it is abusive.
        let strikes = (0..RATE_LIMIT_STRIKES_MAX)
            .map(|_| gate.admit(now))
            .take_while(|v| matches!(v, Admission::Limited(_)))
            .count();
        assert_eq!(strikes as u32, RATE_LIMIT_STRIKES_MAX - 1);
        assert_eq!(gate.admit(now), Admission::Abusive);
    }

    #[test]
    fn connections_of_one_account_share_its_message_rate() {
        let limiter = Limiter::new(limits());
        let now = Instant::now();
        let alice = AccountId::from_raw(1);
        let bob = AccountId::from_raw(2);
        // Two addresses, so only the account's bucket (burst 6) is shared.
        let mut first = limiter.message_gate(Some(peer("192.0.2.1:1000")), Some(alice), now);
        let mut second = limiter.message_gate(Some(peer("192.0.2.2:1000")), Some(alice), now);
        let mut allowed = 0;
        for gate in [&mut first, &mut second] {
            for _ in 0..3 {
                assert_eq!(gate.admit(now), Admission::Allowed);
                allowed += 1;
            }
        }
        assert_eq!(allowed, 6);
        let mut third = limiter.message_gate(Some(peer("192.0.2.3:1000")), Some(alice), now);
        assert_eq!(third.admit(now), Admission::Limited(MessageLimit::Account));
        // Another account, and an observer, are not held back by alice's bucket.
        let mut other = limiter.message_gate(Some(peer("192.0.2.3:1001")), Some(bob), now);
        assert_eq!(other.admit(now), Admission::Allowed);
        let mut observer = limiter.message_gate(Some(peer("192.0.2.4:1000")), None, now);
        assert_eq!(observer.admit(now), Admission::Allowed);
        // A second later alice has one more.
        let later = now + Duration::from_secs(1);
        assert_eq!(third.admit(later), Admission::Allowed);
        assert_eq!(
            third.admit(later),
            Admission::Limited(MessageLimit::Account)
        );
    }
}
