//! Rate limiting: a token bucket (as GCRA, one timestamp per bucket), the key a client
//! address is counted under, and a bounded map of buckets by key (address or account).
//!
//! Nothing here reads a clock: callers pass `now`, so tests step time by hand.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::limits::ADDRESSES_TRACKED_MAX;

/// A sustained rate with a burst: `burst` events at once, then `per_second` per second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    per_second: u32,
    burst: u32,
}

impl Rate {
    /// `per_second` events per second on average, up to `burst` at once; both at least 1.
    pub fn new(per_second: u32, burst: u32) -> Rate {
        Rate {
            per_second: per_second.max(1),
            burst: burst.max(1),
        }
    }

    /// Events per second, sustained.
    pub fn per_second(self) -> u32 {
        self.per_second
    }

    /// Events allowed at once after a quiet period.
    pub fn burst(self) -> u32 {
        self.burst
    }

    /// Time between events at the sustained rate.
    fn interval(self) -> Duration {
        Duration::from_secs(1) / self.per_second
    }
}

/// One token bucket, kept as the generic cell rate algorithm: the theoretical arrival time of
/// the next event. A full bucket is a time in the past.
#[derive(Debug, Clone, Copy)]
pub struct Bucket {
    rate: Rate,
    next_free: Instant,
}

impl Bucket {
    /// A full bucket.
    pub fn new(rate: Rate, now: Instant) -> Bucket {
        Bucket {
            rate,
            next_free: now,
        }
    }

    /// Takes one token if there is one. `Err` carries how long until one is available.
    pub fn take(&mut self, now: Instant) -> Result<(), Duration> {
        let interval = self.rate.interval();
        let tolerance = interval * (self.rate.burst - 1);
        let start = self.next_free.max(now);
        let ahead = start - now;
        if ahead > tolerance {
            return Err(ahead - tolerance);
        }
        self.next_free = start + interval;
        Ok(())
    }

    /// Whether the bucket has refilled completely (so forgetting it changes nothing).
    pub fn is_full(&self, now: Instant) -> bool {
        self.next_free <= now
    }
}

/// The unit a client address is limited by: an IPv4 address, or an IPv6 /64 network (one
/// subscriber usually holds a whole /64, so counting single IPv6 addresses limits nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressKey {
    /// An IPv4 address (also for IPv4-mapped IPv6 addresses).
    V4([u8; 4]),
    /// The first 64 bits of an IPv6 address.
    V6Network([u8; 8]),
}

impl From<IpAddr> for AddressKey {
    fn from(ip: IpAddr) -> AddressKey {
        match ip {
            IpAddr::V4(v4) => AddressKey::V4(v4.octets()),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => AddressKey::V4(v4.octets()),
                None => {
                    let octets = v6.octets();
                    let mut network = [0; 8];
                    network.copy_from_slice(&octets[..8]);
                    AddressKey::V6Network(network)
                }
            },
        }
    }
}

/// A bucket per key, at most [`ADDRESSES_TRACKED_MAX`] of them. When the map is full,
/// buckets that have refilled are forgotten; if none has, new keys are refused (fail closed)
/// until some do, which takes at most `burst / per_second` seconds. Keys are client
/// addresses, or accounts (only after their token was checked, so a client cannot make up
/// keys to fill the map).
#[derive(Debug)]
pub struct KeyedBuckets<K> {
    rate: Rate,
    buckets: Mutex<HashMap<K, Bucket>>,
}

/// A bucket per client address.
pub type AddressBuckets = KeyedBuckets<AddressKey>;

impl<K: Eq + Hash + Copy> KeyedBuckets<K> {
    /// An empty map whose buckets all have `rate`.
    pub fn new(rate: Rate) -> KeyedBuckets<K> {
        KeyedBuckets {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token from `key`'s bucket. `Err` carries how long until one is available.
    pub fn take(&self, key: K, now: Instant) -> Result<(), Duration> {
        let Ok(mut buckets) = self.buckets.lock() else {
            // A panic while holding the lock cannot leave a bucket half-updated (the update
            // is one assignment), but refusing is the safe answer either way.
            return Err(self.rate.interval());
        };
        if !buckets.contains_key(&key) && buckets.len() >= ADDRESSES_TRACKED_MAX {
            buckets.retain(|_, bucket| !bucket.is_full(now));
            if buckets.len() >= ADDRESSES_TRACKED_MAX {
                return Err(self.rate.interval());
            }
        }
        buckets
            .entry(key)
            .or_insert_with(|| Bucket::new(self.rate, now))
            .take(now)
    }

    /// Keys currently tracked.
    pub fn tracked(&self) -> usize {
        self.buckets.lock().map_or(0, |buckets| buckets.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn a_bucket_allows_its_burst_then_its_rate() {
        let start = Instant::now();
        let mut bucket = Bucket::new(Rate::new(10, 5), start);
        for _ in 0..5 {
            assert_eq!(bucket.take(start), Ok(()));
        }
        let wait = bucket.take(start).expect_err("burst used up");
        assert_eq!(wait, Duration::from_millis(100));
        assert!(bucket.take(start + Duration::from_millis(99)).is_err());
        assert_eq!(bucket.take(start + Duration::from_millis(100)), Ok(()));
        // However long the quiet, a bucket holds its burst and no more.
        let later = start + Duration::from_secs(60);
        assert!(bucket.is_full(later));
        let allowed = (0..20).filter(|_| bucket.take(later).is_ok()).count();
        assert_eq!(allowed, 5);
        assert!(!bucket.is_full(later));
        // Emptied, it refills at the sustained rate: full again after burst / rate.
        assert!(!bucket.is_full(later + Duration::from_millis(499)));
        assert!(bucket.is_full(later + Duration::from_millis(500)));
    }

    #[test]
    fn ipv6_addresses_of_one_network_share_a_key() {
        let a: Ipv6Addr = "2001:db8:1:2::1".parse().expect("ip");
        let b: Ipv6Addr = "2001:db8:1:2:ffff::9".parse().expect("ip");
        let c: Ipv6Addr = "2001:db8:1:3::1".parse().expect("ip");
        assert_eq!(
            AddressKey::from(IpAddr::V6(a)),
            AddressKey::from(IpAddr::V6(b))
        );
        assert_ne!(
            AddressKey::from(IpAddr::V6(a)),
            AddressKey::from(IpAddr::V6(c))
        );
        let v4 = Ipv4Addr::new(192, 0, 2, 7);
        assert_eq!(
            AddressKey::from(IpAddr::V6(v4.to_ipv6_mapped())),
            AddressKey::from(IpAddr::V4(v4))
        );
    }

    #[test]
    fn addresses_are_limited_separately_and_the_map_stays_bounded() {
        let start = Instant::now();
        let buckets = AddressBuckets::new(Rate::new(1, 2));
        let a = AddressKey::V4([192, 0, 2, 1]);
        let b = AddressKey::V4([192, 0, 2, 2]);
        assert!(buckets.take(a, start).is_ok());
        assert!(buckets.take(a, start).is_ok());
        assert!(buckets.take(a, start).is_err());
        assert!(buckets.take(b, start).is_ok(), "b has its own bucket");
        // Fill the map with busy addresses: a new one is refused until some refill.
        let mut n: u32 = 0;
        while buckets.tracked() < ADDRESSES_TRACKED_MAX {
            let key = AddressKey::V4(n.to_be_bytes());
            assert!(buckets.take(key, start).is_ok());
            n += 1;
        }
        let newcomer = AddressKey::V6Network([0x20, 1, 0xd, 0xb8, 0, 0, 0, 1]);
        assert!(buckets.take(newcomer, start).is_err());
        // Two seconds later every bucket is full again, so they are forgotten.
        let later = start + Duration::from_secs(2);
        assert!(buckets.take(newcomer, later).is_ok());
        assert_eq!(buckets.tracked(), 1);
    }
}
