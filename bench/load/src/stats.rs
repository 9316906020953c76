//! What the bots measure: latency samples, counters, and the measurement window they count in.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The span of time whose events count: after the warm-up, before the end.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    /// When counting starts.
    pub(crate) start: Instant,
    /// When counting stops.
    pub(crate) end: Instant,
}

impl Window {
    /// A window opening `warmup` from now and lasting `duration`.
    pub(crate) fn after(warmup: Duration, duration: Duration) -> Window {
        let start = Instant::now() + warmup;
        Window {
            start,
            end: start + duration,
        }
    }

    /// Whether `at` falls inside the window.
    pub(crate) fn contains(&self, at: Instant) -> bool {
        at >= self.start && at < self.end
    }

    /// The window's length in seconds.
    pub(crate) fn secs(&self) -> f64 {
        (self.end - self.start).as_secs_f64()
    }
}

/// Counters shared by every bot of a run (only events inside the window are counted).
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Actions whose broadcast came back.
    pub(crate) actions: AtomicU64,
    /// Hands that ended with a stored record (`hand_ended` carries its hash).
    pub(crate) hands: AtomicU64,
    /// Of those, hands voided (a seed was not revealed in time).
    pub(crate) voided: AtomicU64,
    /// Actions the server took for a seat whose clock ran out.
    pub(crate) timeouts: AtomicU64,
    /// Requests the server refused.
    pub(crate) rejected: AtomicU64,
    /// Connections that ended before the run did.
    pub(crate) dropped: AtomicU64,
    /// Refusals by their `code`.
    pub(crate) refusal_codes: Mutex<BTreeMap<String, u64>>,
}

impl Counters {
    /// Adds one to `counter`.
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Reads `counter`.
    pub(crate) fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }

    /// Counts a refusal with `code`; returns how many refusals came before it.
    pub(crate) fn refused(&self, code: &str) -> u64 {
        let mut codes = self
            .refusal_codes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *codes.entry(code.to_owned()).or_default() += 1;
        self.rejected.fetch_add(1, Ordering::Relaxed)
    }

    /// The refusals by code, e.g. `wrong_phase 12, stale 1`.
    pub(crate) fn refusal_summary(&self) -> String {
        let codes = self
            .refusal_codes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        codes
            .iter()
            .map(|(code, count)| format!("{code} {count}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Latency samples in microseconds, summarised as percentiles.
#[derive(Debug, Default, Clone)]
pub(crate) struct Latencies {
    micros: Vec<u32>,
}

impl Latencies {
    /// Records one sample (saturating at about 71 minutes).
    pub(crate) fn record(&mut self, latency: Duration) {
        self.micros
            .push(u32::try_from(latency.as_micros()).unwrap_or(u32::MAX));
    }

    /// Adds another set of samples.
    pub(crate) fn merge(&mut self, other: Latencies) {
        self.micros.extend(other.micros);
    }

    /// Number of samples.
    pub(crate) fn len(&self) -> usize {
        self.micros.len()
    }

    /// The `q`-quantile (`0 < q <= 1`) by the nearest-rank method, in milliseconds; `None`
    /// without samples.
    pub(crate) fn quantile_ms(&mut self, q: f64) -> Option<f64> {
        if self.micros.is_empty() {
            return None;
        }
        self.micros.sort_unstable();
        let rank = (q * self.micros.len() as f64).ceil() as usize;
        let index = rank.clamp(1, self.micros.len()) - 1;
        Some(f64::from(self.micros[index]) / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_use_the_nearest_rank() {
        let mut latencies = Latencies::default();
        assert_eq!(latencies.quantile_ms(0.5), None);
        for micros in (1..=1000).rev() {
            latencies.record(Duration::from_micros(micros));
        }
        assert_eq!(latencies.quantile_ms(0.5), Some(0.5));
        assert_eq!(latencies.quantile_ms(0.99), Some(0.99));
        assert_eq!(latencies.quantile_ms(0.999), Some(0.999));
        assert_eq!(latencies.quantile_ms(1.0), Some(1.0));
        let mut other = Latencies::default();
        other.record(Duration::from_secs(1));
        latencies.merge(other);
        assert_eq!(latencies.len(), 1001);
        assert_eq!(latencies.quantile_ms(1.0), Some(1000.0));
    }

    #[test]
    fn refusals_are_counted_by_code() {
        let counters = Counters::default();
        assert_eq!(counters.refused("wrong_phase"), 0);
        assert_eq!(counters.refused("stale"), 1);
        assert_eq!(counters.refused("wrong_phase"), 2);
        assert_eq!(counters.refusal_summary(), "stale 1, wrong_phase 2");
    }

    #[test]
    fn the_window_counts_only_its_own_span() {
        let window = Window::after(Duration::from_secs(1), Duration::from_secs(2));
        assert!(!window.contains(Instant::now()));
        assert!(window.contains(window.start));
        assert!(!window.contains(window.end));
        assert_eq!(window.secs(), 2.0);
    }
}
