//! The connection layer's limits, shared by the accept loop, the REST routes and the
//! WebSocket connections: connections per client address, HTTP requests per address and per
//! account, and WebSocket messages per connection and per address.
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

    /// A gate for the messages of one WebSocket connection from `peer` (`None` when the
    /// request did not come through the accept loop, e.g. in-process tests: then only the
    /// per-connection limit applies).
    pub fn message_gate(&self, peer: Option<PeerAddr>, now: Instant) -> MessageGate {
        MessageGate {
            limiter: self.clone(),
            address: peer.map(PeerAddr::key),
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
    /// Refuse it with `rate_limited`.
    Limited,
    /// Refuse it and close the connection: it kept sending over its limit.
    Abusive,
}

/// The rate limits of one WebSocket connection: its own bucket, its address's shared bucket,
/// and an allowance of refused messages beyond which the connection is closed.
#[derive(Debug)]
pub struct MessageGate {
    limiter: Limiter,
    address: Option<AddressKey>,
    own: Bucket,
    strikes: Bucket,
}

impl MessageGate {
    /// Counts one message arriving at `now`.
    pub fn admit(&mut self, now: Instant) -> Admission {
        let allowed = self.own.take(now).is_ok()
            && self
                .address
                .is_none_or(|key| self.limiter.inner.ws_messages.take(key, now).is_ok());
        if allowed {
            Admission::Allowed
        } else if self.strikes.take(now).is_ok() {
            Admission::Limited
        } else {
            Admission::Abusive
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
        let mut gate = limiter.message_gate(a, now);
        let verdicts: Vec<_> = (0..4).map(|_| gate.admit(now)).collect();
        assert_eq!(
            verdicts,
            [
                Admission::Allowed,
                Admission::Allowed,
                Admission::Allowed,
                Admission::Limited
            ]
        );
        // A second connection from the same address gets the address's last two tokens.
        let mut other = limiter.message_gate(a, now);
        assert_eq!(other.admit(now), Admission::Allowed);
        assert_eq!(other.admit(now), Admission::Allowed);
        assert_eq!(other.admit(now), Admission::Limited, "address bucket empty");
        // The first keeps sending over its limit: after its strikes it is abusive.
        let strikes = (0..RATE_LIMIT_STRIKES_MAX)
            .map(|_| gate.admit(now))
            .take_while(|v| *v == Admission::Limited)
            .count();
        assert_eq!(strikes as u32, RATE_LIMIT_STRIKES_MAX - 1);
        assert_eq!(gate.admit(now), Admission::Abusive);
    }
}
