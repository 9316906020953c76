//! The WebSocket upgrade and socket type, tuned for many idle connections.
//!
//! warp's own `ws()` filter builds every socket with tungstenite's default 128 KiB read
//! buffer and offers no setter for it, so each idle connection held about 131 KiB (measured
//! with the `idle_memory` test). This filter does the same handshake checks as warp's, takes
//! hyper's upgrade future from the request and builds the socket itself with
//! [`socket_config`]: a 1 KiB read buffer, writes batched until flushed, and the message
//! and frame limits of [`WS_MESSAGE_BYTES_MAX`].
//!
//! The rest of `ws` sees only [`Socket`], [`Message`] and the helpers here, so the transport
//! can change without touching the connection loop.

use std::future::Future;

use hyper::upgrade::{OnUpgrade, Upgraded};
use hyper_util::rt::TokioIo;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::WebSocketStream;
use warp::http::{header, HeaderMap, HeaderValue, StatusCode};
use warp::reply::Response;
use warp::{Filter, Rejection};

use crate::error::ApiError;
use crate::limiter::PeerAddr;
use crate::limits::{
    WS_MESSAGE_BYTES_MAX, WS_READ_BUFFER_BYTES, WS_WRITE_BATCH_BYTES, WS_WRITE_BUFFER_BYTES_MAX,
};
use crate::websockets::ConnectionSlot;
use crate::ws::close::CloseReason;

pub use tokio_tungstenite::tungstenite::{Error, Message};

/// One upgraded WebSocket connection, server side.
pub type Socket = WebSocketStream<TokioIo<Upgraded>>;

/// The only WebSocket version this server speaks (RFC 6455).
const WEBSOCKET_VERSION: &str = "13";

/// The tungstenite settings of every server socket.
pub fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(WS_READ_BUFFER_BYTES)
        // Messages queued together (an action's events) are fed one by one and flushed
        // once: they collect here and leave in one write, not one system call each. The
        // buffer grows only as far as a connection's largest batch.
        .write_buffer_size(WS_WRITE_BATCH_BYTES)
        .max_write_buffer_size(WS_WRITE_BUFFER_BYTES_MAX)
        .max_message_size(Some(WS_MESSAGE_BYTES_MAX))
        .max_frame_size(Some(WS_MESSAGE_BYTES_MAX))
}

/// A request that asked for a WebSocket and passed the handshake checks; finish it with
/// [`Upgrade::on_upgrade`].
#[derive(Debug)]
pub struct Upgrade {
    accept: HeaderValue,
    on_upgrade: Option<OnUpgrade>,
    peer: Option<PeerAddr>,
    slot: Option<ConnectionSlot>,
}

/// Why a request is not a valid WebSocket upgrade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HandshakeError {
    /// `Connection` lacks `upgrade`, or `Upgrade` is not `websocket`.
    #[error("not a websocket upgrade request")]
    NotUpgrade,
    /// `Sec-WebSocket-Version` is not 13.
    #[error("unsupported websocket version (expected 13)")]
    Version,
    /// `Sec-WebSocket-Key` is missing or not a 16-byte key in base64.
    #[error("missing or malformed sec-websocket-key")]
    Key,
}

impl HandshakeError {
    /// The header at fault, as the `bad_header` error names it.
    pub fn header(self) -> &'static str {
        match self {
            HandshakeError::NotUpgrade => "upgrade",
            HandshakeError::Version => "sec-websocket-version",
            HandshakeError::Key => "sec-websocket-key",
        }
    }
}

/// `GET` with the headers of a WebSocket handshake (what warp's `ws()` checks): `Connection`
/// contains `upgrade`, `Upgrade: websocket`, `Sec-WebSocket-Version: 13` and a
/// `Sec-WebSocket-Key`. Rejects with `bad_header` naming the [`HandshakeError`]'s header
/// otherwise.
pub fn upgrade() -> impl Filter<Extract = (Upgrade,), Error = Rejection> + Clone {
    warp::get()
        .and(warp::header::headers_cloned())
        .and(warp::ext::optional::<OnUpgrade>())
        .and(warp::ext::optional::<PeerAddr>())
        .and(warp::ext::optional::<ConnectionSlot>())
        .and_then(
            |headers: HeaderMap,
             on_upgrade: Option<OnUpgrade>,
             peer: Option<PeerAddr>,
             slot: Option<ConnectionSlot>| async move {
                let accept = check_handshake(&headers).map_err(|err| {
                    warp::reject::custom(ApiError::BadHeader(err.header().into()))
                })?;
                Ok::<_, Rejection>(Upgrade {
                    accept,
                    on_upgrade,
                    peer,
                    slot,
                })
            },
        )
}

/// The `Sec-WebSocket-Accept` value for a valid handshake.
fn check_handshake(headers: &HeaderMap) -> Result<HeaderValue, HandshakeError> {
    let has_token = |name: header::HeaderName, token: &str| {
        headers.get_all(name).iter().any(|value| {
            value.to_str().is_ok_and(|value| {
                value
                    .split(',')
                    .any(|part| part.trim().eq_ignore_ascii_case(token))
            })
        })
    };
    if !has_token(header::CONNECTION, "upgrade") || !has_token(header::UPGRADE, "websocket") {
        return Err(HandshakeError::NotUpgrade);
    }
    if headers
        .get(header::SEC_WEBSOCKET_VERSION)
        .is_none_or(|version| version.as_bytes() != WEBSOCKET_VERSION.as_bytes())
    {
        return Err(HandshakeError::Version);
    }
    let key = headers
        .get(header::SEC_WEBSOCKET_KEY)
        .ok_or(HandshakeError::Key)?;
    // A key is 16 random bytes in base64: 24 characters ending in "==".
    let bytes = key.as_bytes();
    if bytes.len() != 24 || !bytes.ends_with(b"==") {
        return Err(HandshakeError::Key);
    }
    HeaderValue::from_str(&derive_accept_key(bytes)).map_err(|_| HandshakeError::Key)
}

impl Upgrade {
    /// The client's address (`None` only for requests that did not come through the accept
    /// loop).
    pub fn peer(&self) -> Option<PeerAddr> {
        self.peer
    }

    /// Answers `101 Switching Protocols` and, once hyper hands over the connection, runs
    /// `serve` on the socket in a task of its own. The task holds the connection's places
    /// under the connection limits until `serve` ends.
    pub fn on_upgrade<F, U>(self, serve: F) -> Response
    where
        F: FnOnce(Socket) -> U + Send + 'static,
        U: Future + Send + 'static,
    {
        match self.on_upgrade {
            Some(on_upgrade) => {
                let slot = self.slot.as_ref().and_then(ConnectionSlot::take);
                tokio::spawn(async move {
                    let _slot = slot;
                    match on_upgrade.await {
                        Ok(upgraded) => {
                            let socket = WebSocketStream::from_raw_socket(
                                TokioIo::new(upgraded),
                                Role::Server,
                                Some(socket_config()),
                            )
                            .await;
                            serve(socket).await;
                        }
                        Err(err) => tracing::debug!(%err, "websocket upgrade failed"),
                    }
                });
            }
            // Only a request that did not come through hyper (none in this server) lacks it.
            None => tracing::warn!("websocket upgrade without an upgradable connection"),
        }
        let mut response = Response::default();
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let headers = response.headers_mut();
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, self.accept);
        response
    }
}

/// A text message.
pub fn text(text: &str) -> Message {
    Message::text(text)
}

/// The close message that tells the client why the server ends the connection.
pub fn close(reason: CloseReason) -> Message {
    Message::Close(Some(CloseFrame {
        code: CloseCode::from(reason.close_code()),
        reason: reason.message().into(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    const GOOD: [(&str, &str); 4] = [
        ("connection", "keep-alive, Upgrade"),
        ("upgrade", "websocket"),
        ("sec-websocket-version", "13"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
    ];

    #[test]
    fn a_valid_handshake_gets_the_rfc_accept_value() {
        // The example of RFC 6455 section 1.3.
        assert_eq!(
            check_handshake(&headers(&GOOD)).expect("valid"),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }

    #[test]
    fn each_missing_or_wrong_header_is_refused() {
        let without = |skip: &str| {
            let pairs: Vec<_> = GOOD.iter().copied().filter(|(n, _)| *n != skip).collect();
            check_handshake(&headers(&pairs))
        };
        assert_eq!(without("connection"), Err(HandshakeError::NotUpgrade));
        assert_eq!(without("upgrade"), Err(HandshakeError::NotUpgrade));
        assert_eq!(
            without("sec-websocket-version"),
            Err(HandshakeError::Version)
        );
        assert_eq!(without("sec-websocket-key"), Err(HandshakeError::Key));
        let mut wrong_version = GOOD;
        wrong_version[2].1 = "8";
        assert_eq!(
            check_handshake(&headers(&wrong_version)),
            Err(HandshakeError::Version)
        );
        let mut short_key = GOOD;
        short_key[3].1 = "c2hvcnQ=";
        assert_eq!(
            check_handshake(&headers(&short_key)),
            Err(HandshakeError::Key)
        );
    }
}
