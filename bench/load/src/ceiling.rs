//! The ceiling: a bare warp WebSocket server that does no poker work at all (each text a
//! client sends goes to every member of its group, nothing else), and the bots that drive it
//! in the poker run's shape: groups the size of a table, one message in flight per group,
//! passed seat to seat like the turn to act.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures_util::{SinkExt, StreamExt};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as ClientMessage;
use warp::filters::ws::{Message, WebSocket, Ws};
use warp::Filter;

use crate::client::Socket;
use crate::poker::{BotReport, Shared};
use crate::proc::BoxError;
use crate::stats::Counters;

/// Messages waiting for one slow member before it is dropped (as poker-server's
/// `OUTGOING_QUEUE_MAX`).
const OUTGOING_QUEUE_MAX: usize = 1024;
/// Largest client message (as poker-server's `WS_MESSAGE_BYTES_MAX`).
const MESSAGE_BYTES_MAX: usize = 4 * 1024;

/// One group's members: connection number and outgoing queue.
type Members = Vec<(u64, mpsc::Sender<Message>)>;
/// Every group's members.
type Groups = Arc<Mutex<HashMap<u64, Members>>>;

/// Serves `GET /ws/{group}` on a free loopback port until killed (or an accept fails); prints
/// `ceiling listening on http://ADDR` once bound.
pub(crate) async fn serve() -> Result<(), BoxError> {
    let groups: Groups = Arc::default();
    let route = warp::path!("ws" / u64)
        .and(warp::ws())
        .map(move |group: u64, ws: Ws| {
            let groups = Arc::clone(&groups);
            ws.max_message_size(MESSAGE_BYTES_MAX)
                .on_upgrade(move |socket| member(socket, group, groups))
        });
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    println!("ceiling listening on http://{}", listener.local_addr()?);
    // The same serve loop as poker-server's (`server/src/server.rs`): hyper-util around
    // `warp::service`, Nagle off on every accepted socket.
    let service = warp::service(route);
    loop {
        let (stream, _) = listener.accept().await?;
        stream.set_nodelay(true)?;
        let service = TowerToHyperService::new(service.clone());
        tokio::spawn(async move {
            let builder = auto::Builder::new(TokioExecutor::new());
            let _ = builder
                .serve_connection_with_upgrades(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// One member: everything it sends goes to its whole group (itself included).
async fn member(socket: WebSocket, group: u64, groups: Groups) {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    let (queue, mut outgoing) = mpsc::channel(OUTGOING_QUEUE_MAX);
    lock(&groups).entry(group).or_default().push((id, queue));
    let (mut sink, mut stream) = socket.split();
    loop {
        tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(message)) if message.is_text() => {
                    let members: Vec<_> = lock(&groups)
                        .get(&group)
                        .map(|m| m.iter().map(|(_, q)| q.clone()).collect())
                        .unwrap_or_default();
                    for member in members {
                        let _ = member.try_send(message.clone());
                    }
                }
                Some(Ok(message)) if message.is_close() => break,
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            Some(message) = outgoing.recv() => {
                if sink.send(message).await.is_err() {
                    break;
                }
            }
        }
    }
    if let Some(members) = lock(&groups).get_mut(&group) {
        members.retain(|(member, _)| *member != id);
    }
}

/// Locks the groups, shrugging off a poisoned lock (a member task that panicked).
fn lock(groups: &Groups) -> std::sync::MutexGuard<'_, HashMap<u64, Members>> {
    groups
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A message: the sender's seat and a running count, e.g. `3 1041`.
fn turn_message(seat: u8, count: u64) -> String {
    format!("{seat} {count}")
}

/// Reads a message back.
fn parse_turn(text: &str) -> Option<(u8, u64)> {
    let (seat, count) = text.split_once(' ')?;
    Some((seat.parse().ok()?, count.parse().ok()?))
}

/// Plays `seat` of a group of `size` on `socket` until the window ends: when the seat before
/// it has sent, it sends (paced like the poker bots' actions) and times its own echo.
pub(crate) async fn play(
    mut socket: Socket,
    seat: u8,
    size: u8,
    shared: Arc<Shared>,
) -> Result<BotReport, BoxError> {
    let mut report = BotReport::default();
    let mut sent_at: Option<Instant> = None;
    if seat == 0 && size > 1 {
        shared.pacer.wait().await;
        sent_at = Some(Instant::now());
        socket.send(ClientMessage::text(turn_message(0, 0))).await?;
    }
    let end = tokio::time::sleep_until(shared.window.end.into());
    tokio::pin!(end);
    loop {
        let message = tokio::select! {
            message = socket.next() => message,
            () = &mut end => break,
        };
        let Some(message) = message else {
            Counters::bump(&shared.counters.dropped);
            break;
        };
        let ClientMessage::Text(text) = message? else {
            continue;
        };
        let Some((from, count)) = parse_turn(text.as_str()) else {
            continue;
        };
        let now = Instant::now();
        if from == seat {
            if let Some(sent) = sent_at.take() {
                if shared.window.contains(now) {
                    report.latencies.record(now - sent);
                    Counters::bump(&shared.counters.actions);
                }
            }
        }
        if (from + 1) % size == seat {
            shared.pacer.wait().await;
            sent_at = Some(Instant::now());
            socket
                .send(ClientMessage::text(turn_message(seat, count + 1)))
                .await?;
        }
    }
    let _ = socket.close(None).await;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turn_messages_read_back() {
        assert_eq!(parse_turn(&turn_message(7, 1041)), Some((7, 1041)));
        assert_eq!(parse_turn("x 1"), None);
        assert_eq!(parse_turn("3"), None);
    }
}
