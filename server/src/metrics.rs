//! Counters and gauges for operators, kept in atomics and rendered in the Prometheus text
//! exposition format (version 0.0.4) at `GET /metrics`.
//!
//! What is counted here is what only the code paths know (connections, settled hands,
//! action latency, refusals); what can be read off the live structures (tables, queue depths)
//! is passed in as [`Gauges`] when a scrape renders the page.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::histogram::Histogram;
use crate::limiter::MessageLimit;
use crate::websockets::WebSocketRefusal;
use crate::ws::messages::RejectCode;

/// The server's counters. Cloning is cheap; clones share the counters.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    http_connections: AtomicU64,
    ws_connections: AtomicU64,
    ws_connections_total: AtomicU64,
    hands_settled: AtomicU64,
    action_latency: Histogram,
    /// Refusals by code. A short list behind a lock: refusals are rare, and the codes have
    /// no index of their own.
    rejected: Mutex<Vec<(RejectCode, u64)>>,
    /// Messages refused as `rate_limited`, by the limit that refused them (in the order of
    /// [`MESSAGE_LIMITS`]).
    rate_limited: [AtomicU64; MESSAGE_LIMITS.len()],
    /// WebSocket upgrades refused: server full, account full.
    websockets_refused: [AtomicU64; 2],
}

/// The WebSocket message limits, in the order their refusals are counted.
const MESSAGE_LIMITS: [MessageLimit; 3] = [
    MessageLimit::Connection,
    MessageLimit::Address,
    MessageLimit::Account,
];

/// Values read from live structures at scrape time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Gauges {
    /// Tables open now.
    pub tables: u64,
    /// Commands waiting in all table inboxes together.
    pub table_inbox_depth: u64,
    /// Commands waiting in the fullest table inbox.
    pub table_inbox_depth_max: u64,
    /// Jobs waiting for the database thread.
    pub store_queue_depth: u64,
    /// Whether new hands are held back for maintenance.
    pub draining: bool,
    /// The most WebSockets open at once (`max_websockets`).
    pub ws_connections_max: u64,
    /// Tables that halted after a server-side failure.
    pub tables_halted: u64,
}

/// Counts one open connection until dropped.
#[derive(Debug)]
pub struct ConnectionGuard {
    metrics: Metrics,
    websocket: bool,
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        let gauge = if self.websocket {
            &self.metrics.inner.ws_connections
        } else {
            &self.metrics.inner.http_connections
        };
        gauge.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Metrics {
    /// Counts a WebSocket connection as open until the returned guard is dropped.
    pub fn connection_opened(&self) -> ConnectionGuard {
        self.inner.ws_connections.fetch_add(1, Ordering::Relaxed);
        self.inner
            .ws_connections_total
            .fetch_add(1, Ordering::Relaxed);
        ConnectionGuard {
            metrics: self.clone(),
            websocket: true,
        }
    }

    /// Counts an accepted HTTP connection as served until the returned guard is dropped
    /// (the accept loop drops it when hyper hands an upgraded connection over).
    pub fn http_connection_opened(&self) -> ConnectionGuard {
        self.inner.http_connections.fetch_add(1, Ordering::Relaxed);
        ConnectionGuard {
            metrics: self.clone(),
            websocket: false,
        }
    }

    /// WebSocket connections open now.
    pub fn ws_connections(&self) -> u64 {
        self.inner.ws_connections.load(Ordering::Relaxed)
    }

    /// A hand's record and settlement were stored.
    pub fn hand_settled(&self) {
        self.inner.hands_settled.fetch_add(1, Ordering::Relaxed);
    }

    /// A valid `act` took `elapsed` from reaching its table task to its event being queued
    /// to the watchers.
    pub fn observe_action_latency(&self, elapsed: Duration) {
        self.inner.action_latency.observe(elapsed);
    }

    /// A client message was refused with `code`.
    pub fn rejected(&self, code: RejectCode) {
        let Ok(mut counts) = self.inner.rejected.lock() else {
            return;
        };
        match counts.iter_mut().find(|(c, _)| *c == code) {
            Some((_, n)) => *n += 1,
            None => counts.push((code, 1)),
        }
    }

    /// A client message was refused as `rate_limited` by `limit` (also counted by
    /// [`Metrics::rejected`]).
    pub fn rate_limited(&self, limit: MessageLimit) {
        if let Some(at) = MESSAGE_LIMITS.iter().position(|l| *l == limit) {
            self.inner.rate_limited[at].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A WebSocket upgrade was refused.
    pub fn websocket_refused(&self, refusal: WebSocketRefusal) {
        let at = match refusal {
            WebSocketRefusal::ServerFull(_) => 0,
            WebSocketRefusal::AccountFull(_) => 1,
        };
        self.inner.websockets_refused[at].fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text: these counters, `gauges`, and `store_flushes` (the durations of
    /// the database's disk flushes, recorded by the store).
    pub fn render(&self, gauges: Gauges, store_flushes: &Histogram) -> String {
        let inner = &self.inner;
        let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, value: u64| {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
            let _ = writeln!(out, "{name} {value}");
        };
        metric(
            "poker_http_connections",
            "gauge",
            "HTTP connections being served now (an upgraded WebSocket leaves this count for poker_ws_connections).",
            load(&inner.http_connections),
        );
        metric(
            "poker_ws_connections",
            "gauge",
            "WebSocket connections open now.",
            load(&inner.ws_connections),
        );
        metric(
            "poker_ws_connections_total",
            "counter",
            "WebSocket connections opened since start.",
            load(&inner.ws_connections_total),
        );
        metric(
            "poker_ws_connections_max",
            "gauge",
            "The most WebSocket connections open at once (max_websockets); upgrades beyond it get 503.",
            gauges.ws_connections_max,
        );
        metric("poker_tables", "gauge", "Tables open now.", gauges.tables);
        metric(
            "poker_tables_halted",
            "gauge",
            "Tables that stopped dealing after a server-side failure (they deal again after a restart).",
            gauges.tables_halted,
        );
        metric(
            "poker_hands_settled_total",
            "counter",
            "Hands whose signed record and chip settlement were stored (rate() gives hands per second).",
            load(&inner.hands_settled),
        );
        metric(
            "poker_store_queue_depth",
            "gauge",
            "Jobs waiting for the database thread.",
            gauges.store_queue_depth,
        );
        metric(
            "poker_table_inbox_depth",
            "gauge",
            "Commands waiting in all table inboxes together.",
            gauges.table_inbox_depth,
        );
        metric(
            "poker_table_inbox_depth_max",
            "gauge",
            "Commands waiting in the fullest table inbox.",
            gauges.table_inbox_depth_max,
        );
        metric(
            "poker_draining",
            "gauge",
            "1 while new hands are held back for maintenance.",
            u64::from(gauges.draining),
        );

        inner.action_latency.render(
            &mut out,
            "poker_action_broadcast_seconds",
            "Time from a valid act reaching its table task to its event being queued to the watchers.",
        );
        store_flushes.render(
            &mut out,
            "poker_store_flush_seconds",
            "Time each flush of the database's write-ahead log to the disk took (fdatasync); the count is the flushes since start. Hands wait for these, actions do not.",
        );

        let name = "poker_rejected_messages_total";
        let _ = writeln!(
            out,
            "# HELP {name} Client messages refused, by the code sent back."
        );
        let _ = writeln!(out, "# TYPE {name} counter");
        let counts = inner
            .rejected
            .lock()
            .map(|counts| counts.clone())
            .unwrap_or_default();
        for (code, n) in counts {
            let _ = writeln!(out, "{name}{{reason=\"{}\"}} {n}", code_name(code));
        }

        let name = "poker_rate_limited_messages_total";
        let _ = writeln!(
            out,
            "# HELP {name} Client messages refused as rate_limited, by the limit that refused them."
        );
        let _ = writeln!(out, "# TYPE {name} counter");
        for (limit, counter) in MESSAGE_LIMITS.iter().zip(&inner.rate_limited) {
            let _ = writeln!(
                out,
                "{name}{{limit=\"{}\"}} {}",
                limit.as_str(),
                load(counter)
            );
        }
        let name = "poker_ws_refused_total";
        let _ = writeln!(
            out,
            "# HELP {name} WebSocket upgrades refused, by the code sent back."
        );
        let _ = writeln!(out, "# TYPE {name} counter");
        for (reason, counter) in ["server_full", "too_many_websockets"]
            .iter()
            .zip(&inner.websockets_refused)
        {
            let _ = writeln!(out, "{name}{{reason=\"{reason}\"}} {}", load(counter));
        }
        out
    }
}

/// The code's wire name (`not_your_turn`, …).
fn code_name(code: RejectCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(page: &str, series: &str) -> f64 {
        page.lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{series} missing in\n{page}"))
    }

    #[test]
    fn counters_render_in_the_text_format() {
        let metrics = Metrics::default();
        let guard = metrics.connection_opened();
        let http = metrics.http_connection_opened();
        metrics.hand_settled();
        metrics.observe_action_latency(Duration::from_micros(700));
        metrics.observe_action_latency(Duration::from_secs(10));
        metrics.rejected(RejectCode::NotYourTurn);
        metrics.rejected(RejectCode::NotYourTurn);
        metrics.rate_limited(MessageLimit::Account);
        metrics.websocket_refused(WebSocketRefusal::ServerFull(3));
        let flushes = Histogram::default();
        flushes.observe(Duration::from_millis(3));
        let page = metrics.render(
            Gauges {
                tables: 2,
                draining: true,
                ws_connections_max: 868,
                tables_halted: 1,
                ..Gauges::default()
            },
            &flushes,
        );
        assert_eq!(value(&page, "poker_store_flush_seconds_count"), 1.0);
        assert_eq!(
            value(&page, "poker_store_flush_seconds_bucket{le=\"0.0025\"}"),
            0.0
        );
        assert_eq!(
            value(&page, "poker_store_flush_seconds_bucket{le=\"0.005\"}"),
            1.0
        );
        assert_eq!(value(&page, "poker_ws_connections_max"), 868.0);
        assert_eq!(value(&page, "poker_tables_halted"), 1.0);
        assert_eq!(
            value(
                &page,
                "poker_rate_limited_messages_total{limit=\"account\"}"
            ),
            1.0
        );
        assert_eq!(
            value(
                &page,
                "poker_rate_limited_messages_total{limit=\"connection\"}"
            ),
            0.0
        );
        assert_eq!(
            value(&page, "poker_ws_refused_total{reason=\"server_full\"}"),
            1.0
        );
        assert_eq!(value(&page, "poker_ws_connections"), 1.0);
        assert_eq!(value(&page, "poker_http_connections"), 1.0);
        assert_eq!(value(&page, "poker_tables"), 2.0);
        assert_eq!(value(&page, "poker_draining"), 1.0);
        assert_eq!(value(&page, "poker_hands_settled_total"), 1.0);
        assert_eq!(
            value(
                &page,
                "poker_action_broadcast_seconds_bucket{le=\"0.0005\"}"
            ),
            0.0
        );
        assert_eq!(
            value(&page, "poker_action_broadcast_seconds_bucket{le=\"0.001\"}"),
            1.0
        );
        assert_eq!(
            value(&page, "poker_action_broadcast_seconds_bucket{le=\"2.5\"}"),
            1.0
        );
        assert_eq!(
            value(&page, "poker_action_broadcast_seconds_bucket{le=\"+Inf\"}"),
            2.0
        );
        assert!((value(&page, "poker_action_broadcast_seconds_sum") - 10.0007).abs() < 1e-9);
        assert_eq!(
            value(
                &page,
                "poker_rejected_messages_total{reason=\"not_your_turn\"}"
            ),
            2.0
        );
        drop((guard, http));
        assert_eq!(metrics.ws_connections(), 0);
        let page = metrics.render(Gauges::default(), &Histogram::default());
        assert_eq!(value(&page, "poker_http_connections"), 0.0);
    }
}
