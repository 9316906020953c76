//! Memory per idle WebSocket connection, measured on the real binary: the server's resident
//! memory (VmRSS) before and after opening many idle connections to it from this process.
//!
//! Ignored by default (it opens thousands of sockets and takes a few seconds); run it with
//!
//! ```sh
//! cargo test -p poker-server --test integration idle_memory -- --ignored --nocapture
//! ```
//!
//! `POKER_IDLE_CONNECTIONS` sets how many connections it opens (default 2000).

use std::process::{Command, Stdio};
use std::time::Duration;

use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::persistence::{read_banner, ChildGuard};

/// Connections opened before the first reading, so one-off allocations (thread stacks,
/// allocator arenas, the first buffers) land in the baseline rather than in the per-connection cost.
const WARM_UP_CONNECTIONS: usize = 100;
/// Connections measured when `POKER_IDLE_CONNECTIONS` is not set.
const MEASURED_CONNECTIONS_DEFAULT: usize = 2000;
/// The target of issue #7: at most this much server memory per idle connection.
const TARGET_KIB_PER_CONNECTION: f64 = 16.0;

/// The server's resident memory in KiB, from `/proc/<pid>/status`.
fn resident_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS line")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "measurement: opens thousands of sockets; run with --ignored --nocapture"]
async fn idle_websocket_connections_cost_at_most_16_kib_each() {
    let measured: usize = std::env::var("POKER_IDLE_CONNECTIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(MEASURED_CONNECTIONS_DEFAULT);
    let total = WARM_UP_CONNECTIONS + measured;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_poker-server"))
        .env("POKER_ADDR", "127.0.0.1:0")
        .env("POKER_DATA_DIR", dir.path().join("data"))
        .env("POKER_LOG", "warn")
        .env("POKER_MAX_CONNECTIONS", (total + 10).to_string())
        .env(
            "POKER_MAX_CONNECTIONS_PER_ADDRESS",
            (total + 10).to_string(),
        )
        .env("POKER_MAX_WEBSOCKETS", (total + 10).to_string())
        // Every upgrade is an HTTP request from 127.0.0.1.
        .env("POKER_HTTP_REQUESTS_PER_SEC_PER_ADDRESS", "1000000")
        .env("POKER_HTTP_REQUEST_BURST_PER_ADDRESS", "1000000")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn poker-server");
    let (addr, _) = read_banner(child.stdout.take().expect("stdout"));
    let server = ChildGuard(child);
    let pid = server.0.id();
    let url = format!("ws://{addr}/api/v1/ws");
    // The client side keeps small buffers too, though only the server is measured.
    let client_config = WebSocketConfig::default().read_buffer_size(4096);
    let mut sockets = Vec::with_capacity(total);
    let open = |count: usize| {
        let url = url.clone();
        async move {
            let mut opened = Vec::with_capacity(count);
            for _ in 0..count {
                let (socket, _) = tokio_tungstenite::connect_async_with_config(
                    url.as_str(),
                    Some(client_config),
                    false,
                )
                .await
                .expect("websocket upgrade");
                opened.push(socket);
            }
            opened
        }
    };
    sockets.extend(open(WARM_UP_CONNECTIONS).await);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = resident_kib(pid);
    sockets.extend(open(measured).await);
    // Let every connection task reach its idle state.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = resident_kib(pid);
    let per_connection = after.saturating_sub(before) as f64 / measured as f64;
    println!(
        "idle websocket connections: {measured} measured (after {WARM_UP_CONNECTIONS} warm-up); \
         server VmRSS {before} KiB -> {after} KiB; {per_connection:.1} KiB per connection"
    );
    assert_eq!(sockets.len(), total);
    assert!(
        per_connection <= TARGET_KIB_PER_CONNECTION,
        "{per_connection:.1} KiB per idle connection, target {TARGET_KIB_PER_CONNECTION}"
    );
    drop(sockets);
    drop(server);
}
