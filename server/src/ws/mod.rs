//! The table protocol over WebSockets at `/api/v1/ws`: the upgrade (token checked first;
//! no token means a read-only observer), one task per connection that parses requests, routes
//! them to table inboxes, and writes what the tables queue for it.

pub mod messages;

use std::collections::BTreeSet;
use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, Notify};
use warp::filters::ws::{Message, WebSocket, Ws};
use warp::reply::{Reply, Response};
use warp::{Filter, Rejection};

use crate::auth::Session;
use crate::error::ApiError;
use crate::limits::{OUTGOING_QUEUE_MAX, WATCHED_TABLES_PER_CONNECTION_MAX, WS_MESSAGE_BYTES_MAX};
use crate::state::AppState;
use crate::table::{ConnId, Outbox, Player, TableCommand, Tables};
use messages::{parse_request, ClientRequest, RejectCode, ServerMessage, WireTable, WIRE_VERSION};

/// WebSocket close code for a client that could not keep up (policy violation).
const CLOSE_TOO_SLOW: u16 = 1008;

/// `GET /ws` with an upgrade. A request with an `Authorization` header must carry a live
/// token (else `401` before any upgrade); one without is an observer.
pub fn route(
    state: &AppState,
    tables: &Tables,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let state = state.clone();
    let tables = tables.clone();
    let auth_state = state.clone();
    warp::path!("ws")
        .and(warp::get())
        .and(optional_session(auth_state))
        .and(warp::ws())
        .then(move |session: Option<Session>, ws: Ws| {
            let state = state.clone();
            let tables = tables.clone();
            async move {
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
                ws.max_message_size(WS_MESSAGE_BYTES_MAX)
                    .max_frame_size(WS_MESSAGE_BYTES_MAX)
                    .on_upgrade(move |socket| connection(socket, player, tables))
                    .into_response()
            }
        })
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

/// Serves one connection until either side closes it.
async fn connection(socket: WebSocket, player: Option<Player>, tables: Tables) {
    let conn = ConnId::next();
    let (mut sink, mut stream) = socket.split();
    let (queue, mut outgoing) = mpsc::channel::<Arc<str>>(OUTGOING_QUEUE_MAX);
    let overflowed = Arc::new(Notify::new());
    let outbox = Outbox {
        queue,
        overflowed: Arc::clone(&overflowed),
    };
    let mut watched = BTreeSet::new();
    loop {
        tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(message)) if message.is_text() => {
                    let text = message.to_str().unwrap_or_default();
                    route_request(conn, &player, text, &tables, &outbox, &mut watched);
                }
                Some(Ok(message)) if message.is_close() => break,
                Some(Ok(message)) if message.is_binary() => {
                    let refusal = ServerMessage::rejected(None, RejectCode::Malformed, "send text messages");
                    outbox.send(Arc::from(refusal.to_text()));
                }
                Some(Ok(_)) => {} // ping and pong are answered by the WebSocket layer
                Some(Err(err)) => {
                    tracing::debug!(%err, "websocket read failed");
                    break;
                }
                None => break,
            },
            Some(text) = outgoing.recv() => {
                // Everything already queued goes out with one flush (one write to the socket),
                // not one each: a table sends several events per action.
                let mut written = sink.feed(Message::text(text.as_ref())).await.is_ok();
                while written {
                    let Ok(text) = outgoing.try_recv() else { break };
                    written = sink.feed(Message::text(text.as_ref())).await.is_ok();
                }
                if !written || sink.flush().await.is_err() {
                    break;
                }
            }
            () = overflowed.notified() => {
                let _ = sink
                    .send(Message::close_with(CLOSE_TOO_SLOW, "too slow: messages were dropped"))
                    .await;
                break;
            }
        }
    }
    for name in watched {
        if let Some(table) = tables.get(&name) {
            // A full inbox only delays the clean-up: the table drops us when our queue closes.
            let _ = table.try_send(TableCommand::Disconnected { conn });
        }
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
) {
    let answer = |message: ServerMessage| {
        outbox.send(Arc::from(message.to_text()));
    };
    let request = match parse_request(text) {
        Ok(request) => request,
        Err(refusal) => return answer(refusal.into_message()),
    };
    let id = request.id;
    let Some(name) = request.body.table().map(str::to_owned) else {
        let tables = tables
            .iter()
            .map(|t| {
                let c = t.config();
                WireTable {
                    table: c.name().as_str().to_owned(),
                    game: c.game().as_str(),
                    small_blind: c.small_blind(),
                    big_blind: c.big_blind(),
                    seats_max: c.seats(),
                    buy_in_min: c.buy_in_min(),
                    buy_in_max: c.buy_in_max(),
                }
            })
            .collect();
        return answer(ServerMessage::Tables {
            v: WIRE_VERSION,
            id,
            tables,
        });
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
        ClientRequest::Watch { .. } | ClientRequest::Sit { .. }
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
