//! The table protocol over WebSockets at `/api/v1/ws`: the upgrade (token checked first;
//! no token means a read-only observer), one task per connection that parses requests, routes
//! them to table inboxes, and writes what the tables queue for it.

pub mod close;
pub mod keepalive;
pub mod messages;
pub mod shutdown;
pub mod socket;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use futures_util::{Sink, SinkExt, StreamExt};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{mpsc, Notify};
use warp::reply::Response;
use warp::{Filter, Rejection};

use crate::admin::Notice;
use crate::auth::Session;
use crate::error::ApiError;
use crate::limiter::{Admission, ConnectionLimits, MessageGate};
use crate::limits::{
    LIST_TABLES_PAGE_MAX, OUTGOING_QUEUE_MAX, WATCHED_TABLES_PER_CONNECTION_MAX,
    WS_CLOSE_SEND_TIMEOUT,
};
use crate::metrics::Metrics;
use crate::state::AppState;
use crate::table::{ConnId, Outbox, Player, TableCommand, Tables};
use close::CloseReason;
use keepalive::{Keepalive, KeepaliveStep};
use messages::{parse_request, ClientRequest, RejectCode, ServerMessage, WireTable, WIRE_VERSION};
use shutdown::ShutdownWatch;
use socket::{Message, Socket, Upgrade};

/// `GET /ws` with an upgrade. A request with an `Authorization` header must carry a live
/// token (else `401` before any upgrade); one without is an observer. Beyond
/// `max_websockets` the upgrade is refused with `503 server_full`, beyond
/// `max_websockets_per_account` with `429 too_many_websockets`.
pub fn route(
    state: &AppState,
    tables: &Tables,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let state = state.clone();
    let tables = tables.clone();
    let auth_state = state.clone();
    warp::path!("ws")
        .and(warp::get())
        .and(crate::peer::peer_ip())
        .and(optional_session(auth_state))
        .and(socket::upgrade())
        .then(
            move |address: Option<std::net::IpAddr>, session: Option<Session>, upgrade: Upgrade| {
                let state = state.clone();
                let tables = tables.clone();
                async move {
                    if address.is_some_and(|ip| state.admin().bans().address_banned(ip)) {
                        return ApiError::Banned.into_response();
                    }
                    let player = match session {
                        None => None,
                        Some(session) => match state.store().account(session.account).await {
                            Ok(Some(account)) => Some(Player {
                                account: account.id,
                                name: account.username.as_str().to_owned(),
                            }),
                            Ok(None) => return ApiError::InvalidToken.into_response(),
                            Err(err) => return ApiError::from(err).into_response(),
                        },
                    };
                    let limiter = state.limiter();
                    let account = player.as_ref().map(|p| p.account);
                    let open = match limiter.admit_websocket(account) {
                        Ok(open) => open,
                        Err(refusal) => {
                            state.metrics().websocket_refused(refusal);
                            return ApiError::from(refusal).into_response();
                        }
                    };
                    let gate = limiter.message_gate(upgrade.peer(), account, Instant::now());
                    let limits = limiter.limits().clone();
                    // Taken before the upgrade, so `run` waits for this connection even if
                    // it shuts down before the socket is handed over.
                    let server_shutdown = state.websocket_shutdown().watch();
                    let caller = Caller { player, address };
                    upgrade.on_upgrade(move |socket| async move {
                        // Counted under `max_websockets` until the connection ends.
                        let _open = open;
                        connection(socket, caller, tables, gate, limits, state, server_shutdown)
                            .await
                    })
                }
            },
        )
}

/// The session if an `Authorization` header is sent (rejecting a bad one), `None` if not.
fn optional_session(
    state: AppState,
) -> impl Filter<Extract = (Option<Session>,), Error = Rejection> + Clone {
    let authenticated = crate::auth::authenticated(state).map(Some);
    warp::header::optional::<String>("authorization")
        .and_then(|header: Option<String>| async move {
            match header {
                // No header: fall through to the observer branch below.
                None => Ok(()),
                Some(_) => Err(warp::reject::not_found()),
            }
        })
        .untuple_one()
        .map(|| None)
        .or(authenticated)
        .unify()
}

/// Who is on the other end of a connection.
struct Caller {
    /// The signed-in player; `None` for an observer.
    player: Option<Player>,
    /// The client's address, when known.
    address: Option<std::net::IpAddr>,
}

/// Serves one connection until either side closes it or the server shuts down (`server_shutdown`
/// is raised), and says why it ended.
async fn connection(
    socket: Socket,
    caller: Caller,
    tables: Tables,
    mut gate: MessageGate,
    limits: ConnectionLimits,
    state: AppState,
    mut server_shutdown: ShutdownWatch,
) -> CloseReason {
    let Caller { player, address } = caller;
    let conn = ConnId::next();
    let mut keepalive = Keepalive::new(
        limits.ping_interval(),
        limits.dead_peer_timeout(),
        Instant::now(),
    );
    let write_timeout = limits.write_timeout();
    let metrics = state.metrics().clone();
    let _counted = metrics.connection_opened();
    let mut notices = state.admin().subscribe();
    let mut notices_open = true;
    let account = player.as_ref().map(|p| p.account);
    let (mut sink, mut stream) = socket.split();
    let (queue, mut outgoing) = mpsc::channel::<Arc<str>>(OUTGOING_QUEUE_MAX);
    let overflowed = Arc::new(Notify::new());
    let outbox = Outbox {
        queue,
        overflowed: Arc::clone(&overflowed),
    };
    let mut watched = BTreeSet::new();
    // One future for the whole loop: made anew each pass it would register with the notice
    // (a lock shared by every connection) for every message.
    let shutdown = server_shutdown.raised();
    tokio::pin!(shutdown);
    let mut reason = loop {
        tokio::select! {
            incoming = stream.next() => {
                let now = Instant::now();
                keepalive.heard(now);
                match incoming {
                    Some(Ok(message)) if message.is_close() => break CloseReason::ClientClosed,
                    // A pong only proves the client is alive; it is not rate limited.
                    Some(Ok(Message::Pong(_))) => {}
                    Some(Ok(message)) => match gate.admit(now) {
                        Admission::Allowed if message.is_text() => {
                            let text = message.to_text().unwrap_or_default();
                            route_request(conn, &player, text, &tables, &outbox, &mut watched, &metrics);
                        }
                        Admission::Allowed if message.is_binary() => {
                            metrics.rejected(RejectCode::Malformed);
                            let refusal = ServerMessage::rejected(None, RejectCode::Malformed, "send text messages");
                            outbox.send(Arc::from(refusal.to_text()));
                        }
                        Admission::Allowed => {} // a ping: the WebSocket layer answers it
                        Admission::Limited(limit) => {
                            metrics.rejected(RejectCode::RateLimited);
                            metrics.rate_limited(limit);
                            let id = message.to_text().ok().and_then(messages::request_id);
                            let refusal = ServerMessage::rejected(id, RejectCode::RateLimited, "too many messages; slow down");
                            outbox.send(Arc::from(refusal.to_text()));
                        }
                        Admission::Abusive => break CloseReason::RateLimited,
                    },
                    Some(Err(socket::Error::Capacity(_))) => break CloseReason::MessageTooLarge,
                    Some(Err(err)) => {
                        tracing::debug!(%err, "websocket read failed");
                        break CloseReason::ReadFailed;
                    }
                    None => break CloseReason::ClientClosed,
                }
            },
            Some(text) = outgoing.recv() => {
                if let Err(reason) = write_queued(&mut sink, Some(text), &mut outgoing, write_timeout).await {
                    break reason;
                }
            }
            () = tokio::time::sleep_until(keepalive.deadline().into()) => {
                match keepalive.due(Instant::now()) {
                    KeepaliveStep::Ping => {
                        if let Err(reason) = send_within(&mut sink, Message::Ping(Default::default()), write_timeout).await {
                            break reason;
                        }
                    }
                    KeepaliveStep::Dead => break CloseReason::DeadPeer,
                    KeepaliveStep::Wait => {}
                }
            }
            notice = notices.recv(), if notices_open => match notice {
                Ok(Notice::Broadcast(text)) => {
                    outbox.send(text);
                }
                Ok(notice) if notice.closes(account, address) => break CloseReason::Banned,
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => notices_open = false,
            },
            () = overflowed.notified() => break CloseReason::TooSlow,
            // Ready at once when the notice came before this loop started (a connection
            // upgraded during the drain).
            () = &mut shutdown => break CloseReason::ServerShutdown,
        }
    };
    if reason == CloseReason::ServerShutdown {
        // The drained hands' last events may still be queued: they go out before the close.
        reason = shutdown::say_goodbye(&mut sink, &mut outgoing, write_timeout).await;
    } else if reason.sends_close_frame() {
        let _ = tokio::time::timeout(WS_CLOSE_SEND_TIMEOUT, async {
            // A client closed for its rate still gets the answers queued before the close,
            // so it can tell which requests were handled.
            if reason == CloseReason::RateLimited {
                while let Ok(text) = outgoing.try_recv() {
                    if sink.send(socket::text(&text)).await.is_err() {
                        return;
                    }
                }
            }
            let _ = sink.send(socket::close(reason)).await;
        })
        .await;
    }
    tracing::debug!(?conn, reason = reason.as_str(), "websocket closed");
    for name in watched {
        if let Some(table) = tables.get(&name) {
            // A full inbox only delays the clean-up: the table drops us when our queue closes.
            let _ = table.try_send(TableCommand::Disconnected { conn });
        }
    }
    reason
}

/// Writes `first` and everything else already queued with one flush (one write to the
/// socket), not one each: a table sends several events per action. The queue bounds the
/// batch; `timeout` bounds how long a client that stopped reading holds it. Says why the
/// connection ends if the batch cannot be written.
async fn write_queued<S>(
    sink: &mut S,
    first: Option<Arc<str>>,
    outgoing: &mut mpsc::Receiver<Arc<str>>,
    timeout: std::time::Duration,
) -> Result<(), CloseReason>
where
    S: Sink<Message> + Unpin,
{
    let batch = async {
        if let Some(text) = first {
            sink.feed(socket::text(&text)).await?;
        }
        while let Ok(text) = outgoing.try_recv() {
            sink.feed(socket::text(&text)).await?;
        }
        sink.flush().await
    };
    match tokio::time::timeout(timeout, batch).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(CloseReason::ClientClosed),
        Err(_) => Err(CloseReason::WriteTimeout),
    }
}

/// Sends `message`, giving up after `timeout`: a client that stopped reading fills the TCP
/// buffers, and then a send would wait forever while the connection holds its resources.
async fn send_within<S>(
    sink: &mut S,
    message: Message,
    timeout: std::time::Duration,
) -> Result<(), CloseReason>
where
    S: Sink<Message> + Unpin,
{
    match tokio::time::timeout(timeout, sink.send(message)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => Err(CloseReason::ClientClosed),
        Err(_) => Err(CloseReason::WriteTimeout),
    }
}

/// One page of the table list: one message may not exceed the socket's write buffer, so the
/// list comes [`LIST_TABLES_PAGE_MAX`] tables at a time.
fn list_tables(id: u64, request: &ClientRequest, tables: &Tables) -> ServerMessage {
    let (after, limit) = match request {
        ClientRequest::ListTables { after, limit } => (after.as_deref(), *limit),
        _ => (None, None),
    };
    let limit = limit
        .unwrap_or(LIST_TABLES_PAGE_MAX)
        .clamp(1, LIST_TABLES_PAGE_MAX);
    let (page, more) = tables.page(after, limit);
    let next = page
        .last()
        .filter(|_| more)
        .map(|table| table.config().name().as_str().to_owned());
    ServerMessage::Tables {
        v: WIRE_VERSION,
        id,
        tables: page.iter().map(WireTable::of).collect(),
        next,
    }
}

/// Parses one text message and hands it to its table, or answers it here.
fn route_request(
    conn: ConnId,
    player: &Option<Player>,
    text: &str,
    tables: &Tables,
    outbox: &Outbox,
    watched: &mut BTreeSet<String>,
    metrics: &Metrics,
) {
    let answer = |message: ServerMessage| {
        if let ServerMessage::Rejected { code, .. } = &message {
            metrics.rejected(*code);
        }
        outbox.send(Arc::from(message.to_text()));
    };
    let request = match parse_request(text) {
        Ok(request) => request,
        Err(refusal) => return answer(refusal.into_message()),
    };
    let id = request.id;
    let Some(name) = request.body.table().map(str::to_owned) else {
        return answer(list_tables(id, &request.body, tables));
    };
    let Some(table) = tables.get(&name) else {
        return answer(ServerMessage::rejected(
            Some(id),
            RejectCode::UnknownTable,
            format!("no table {name:?}"),
        ));
    };
    let watches = matches!(
        request.body,
        ClientRequest::Watch { .. } | ClientRequest::Sit { .. } | ClientRequest::Resume { .. }
    );
    if watches && !watched.contains(&name) {
        if watched.len() >= WATCHED_TABLES_PER_CONNECTION_MAX {
            return answer(ServerMessage::rejected(
                Some(id),
                RejectCode::TooManyTables,
                format!("watch at most {WATCHED_TABLES_PER_CONNECTION_MAX} tables"),
            ));
        }
        watched.insert(name.clone());
    }
    if matches!(request.body, ClientRequest::Unwatch { .. }) {
        watched.remove(&name);
    }
    let command = TableCommand::Request {
        conn,
        player: player.clone(),
        id,
        request: request.body,
        outbox: outbox.clone(),
    };
    if table.try_send(command).is_err() {
        answer(ServerMessage::rejected(
            Some(id),
            RejectCode::TableBusy,
            "the table is busy; try again",
        ));
    }
}
