//! Server-sent pings and the dead-peer timeout of one WebSocket connection, as a small state
//! machine over instants the caller passes in (the connection loop sleeps until
//! [`Keepalive::deadline`] and then asks [`Keepalive::due`] what to do).
//!
//! warp has no automatic pings, and a client that vanished without closing (a dropped phone
//! connection, a crashed browser) would otherwise hold its socket and its seat until the
//! kernel gave up on TCP, which can take hours.

use std::time::{Duration, Instant};

/// What the connection loop should do at [`Keepalive::deadline`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeepaliveStep {
    /// Send a ping.
    Ping,
    /// Nothing arrived for the whole dead-peer timeout: close the connection.
    Dead,
    /// Nothing to do yet (woken early); sleep until the new deadline.
    Wait,
}

/// When the last frame arrived and when the next ping is due.
#[derive(Debug, Clone)]
pub struct Keepalive {
    interval: Duration,
    timeout: Duration,
    last_heard: Instant,
    next_ping: Instant,
}

impl Keepalive {
    /// Starts at `now`: the first ping goes out one `interval` later; the client counts as
    /// dead after `timeout` without any frame (`timeout` should exceed `interval`).
    pub fn new(interval: Duration, timeout: Duration, now: Instant) -> Keepalive {
        Keepalive {
            interval,
            timeout,
            last_heard: now,
            next_ping: now + interval,
        }
    }

    /// Any frame from the client (a message, a ping or a pong) shows it is alive.
    pub fn heard(&mut self, now: Instant) {
        self.last_heard = now;
    }

    /// The next instant something may be due: a ping, or the dead-peer timeout.
    pub fn deadline(&self) -> Instant {
        self.next_ping.min(self.last_heard + self.timeout)
    }

    /// What is due at `now`; after [`KeepaliveStep::Ping`] the next ping is scheduled.
    pub fn due(&mut self, now: Instant) -> KeepaliveStep {
        if now >= self.last_heard + self.timeout {
            KeepaliveStep::Dead
        } else if now >= self.next_ping {
            self.next_ping = now + self.interval;
            KeepaliveStep::Ping
        } else {
            KeepaliveStep::Wait
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    #[test]
    fn a_silent_client_is_pinged_then_declared_dead_at_the_timeout() {
        let start = Instant::now();
        let mut keepalive = Keepalive::new(SECOND, 3 * SECOND, start);
        assert_eq!(keepalive.deadline(), start + SECOND);
        assert_eq!(keepalive.due(start + SECOND / 2), KeepaliveStep::Wait);
        assert_eq!(keepalive.due(start + SECOND), KeepaliveStep::Ping);
        assert_eq!(keepalive.due(start + 2 * SECOND), KeepaliveStep::Ping);
        assert_eq!(keepalive.deadline(), start + 3 * SECOND);
        assert_eq!(keepalive.due(start + 3 * SECOND), KeepaliveStep::Dead);
    }

    #[test]
    fn any_frame_from_the_client_moves_the_timeout() {
        let start = Instant::now();
        let mut keepalive = Keepalive::new(SECOND, 3 * SECOND, start);
        assert_eq!(keepalive.due(start + SECOND), KeepaliveStep::Ping);
        keepalive.heard(start + SECOND + SECOND / 10);
        assert_eq!(keepalive.due(start + 2 * SECOND), KeepaliveStep::Ping);
        assert_eq!(keepalive.due(start + 3 * SECOND), KeepaliveStep::Ping);
        assert_eq!(
            keepalive.due(start + 4 * SECOND + SECOND / 10),
            KeepaliveStep::Dead
        );
    }
}
