//! A shared pacer that spreads the bots' actions evenly to a target rate.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Hands out send times `1 / rate` apart to whoever asks, in order of asking. With no rate
/// every caller may send at once.
#[derive(Debug)]
pub(crate) struct Pacer {
    /// Time between two sends; `None`: unlimited.
    interval: Option<Duration>,
    /// The next free send time.
    next: Mutex<Instant>,
}

impl Pacer {
    /// A pacer for `per_second` sends a second in total (0: unlimited).
    pub(crate) fn new(per_second: u64) -> Pacer {
        Pacer {
            interval: (per_second > 0).then(|| Duration::from_secs(1) / per_second as u32),
            next: Mutex::new(Instant::now()),
        }
    }

    /// The time the caller may send at: the next free slot, never in the past (an idle
    /// pacer does not save up a burst).
    pub(crate) fn slot(&self, now: Instant) -> Instant {
        let Some(interval) = self.interval else {
            return now;
        };
        let mut next = self
            .next
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let slot = (*next).max(now);
        *next = slot + interval;
        slot
    }

    /// Waits for the caller's slot.
    pub(crate) async fn wait(&self) {
        let slot = self.slot(Instant::now());
        if slot > Instant::now() {
            tokio::time::sleep_until(slot.into()).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_spaced_by_the_rate_and_never_saved_up() {
        let pacer = Pacer::new(1000);
        let now = Instant::now();
        let first = pacer.slot(now);
        assert!(first >= now);
        let second = pacer.slot(now);
        assert_eq!(second - first, Duration::from_millis(1));
        let later = now + Duration::from_secs(5);
        assert_eq!(pacer.slot(later), later, "an idle pacer grants no burst");
        let unlimited = Pacer::new(0);
        assert_eq!(unlimited.slot(now), now);
        assert_eq!(unlimited.slot(now), now);
    }
}
