//! A latency histogram in atomics, rendered in the Prometheus text format: shared by the
//! action-to-broadcast latency (`metrics.rs`) and the database's disk flushes
//! (`store/syncer.rs`), which records into it from its own thread.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Upper bounds of every histogram's buckets, in seconds (from half a millisecond, an
/// action on an idle server, to seconds, a disk in trouble).
pub const LATENCY_BUCKETS_SECONDS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// Counts of durations by bucket. Cloning is cheap; clones share the counts.
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    inner: Arc<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    /// Observations at most each bound (cumulative, as Prometheus reports them).
    buckets: [AtomicU64; LATENCY_BUCKETS_SECONDS.len()],
    count: AtomicU64,
    sum_nanos: AtomicU64,
}

impl Histogram {
    /// Counts one duration.
    pub fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        for (bound, bucket) in LATENCY_BUCKETS_SECONDS.iter().zip(&self.inner.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.inner.count.fetch_add(1, Ordering::Relaxed);
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.inner.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// Durations counted so far.
    pub fn count(&self) -> u64 {
        self.inner.count.load(Ordering::Relaxed)
    }

    /// Appends the histogram to `out` as the metric `name`, described by `help`.
    pub fn render(&self, out: &mut String, name: &str, help: &str) {
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} histogram");
        for (bound, bucket) in LATENCY_BUCKETS_SECONDS.iter().zip(&self.inner.buckets) {
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {}", load(bucket));
        }
        let count = load(&self.inner.count);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let sum = load(&self.inner.sum_nanos) as f64 / 1e9;
        let _ = writeln!(out, "{name}_sum {sum}");
        let _ = writeln!(out, "{name}_count {count}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_the_sum_is_in_seconds() {
        let histogram = Histogram::default();
        let shared = histogram.clone();
        shared.observe(Duration::from_micros(700));
        shared.observe(Duration::from_millis(30));
        shared.observe(Duration::from_secs(3));
        let mut out = String::new();
        histogram.render(&mut out, "t_seconds", "A test.");
        for line in [
            "# TYPE t_seconds histogram",
            "t_seconds_bucket{le=\"0.0005\"} 0",
            "t_seconds_bucket{le=\"0.001\"} 1",
            "t_seconds_bucket{le=\"0.05\"} 2",
            "t_seconds_bucket{le=\"2.5\"} 2",
            "t_seconds_bucket{le=\"+Inf\"} 3",
            "t_seconds_sum 3.0307",
            "t_seconds_count 3",
        ] {
            assert!(out.lines().any(|l| l == line), "{line} in\n{out}");
        }
        assert_eq!(histogram.count(), 3);
    }
}
