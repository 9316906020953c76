//! The client side shared by both servers under test: opening many WebSocket connections.

use std::net::SocketAddr;
use std::sync::Arc;

use futures_util::{stream, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::proc::BoxError;

/// A client WebSocket.
pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Connections opened at once while ramping up.
const CONNECTS_IN_FLIGHT: usize = 128;
/// The client's read buffer per socket (tungstenite allocates 128 KiB by default, which for
/// ten thousand sockets would only waste the client's memory). tungstenite zeroes this much
/// before every read, so it is kept to about the largest batch of events a bot receives.
const CLIENT_READ_BUFFER_BYTES: usize = 4 * 1024;

/// Opens one WebSocket to `url`, sending `token` as a bearer token if given.
pub(crate) async fn connect(url: &str, token: Option<&str>) -> Result<Socket, BoxError> {
    let mut request = url.into_client_request()?;
    if let Some(token) = token {
        request
            .headers_mut()
            .insert("authorization", format!("Bearer {token}").parse()?);
    }
    let config = WebSocketConfig::default().read_buffer_size(CLIENT_READ_BUFFER_BYTES);
    // Nagle off: the bots send small messages and measure how fast they come back.
    let (socket, _) =
        tokio_tungstenite::connect_async_with_config(request, Some(config), true).await?;
    Ok(socket)
}

/// Opens one socket per entry of `urls` (with its token), [`CONNECTS_IN_FLIGHT`] at a time,
/// in order.
pub(crate) async fn connect_all(
    urls: Vec<(String, Option<Arc<str>>)>,
) -> Result<Vec<Socket>, BoxError> {
    stream::iter(urls)
        .map(|(url, token)| async move { connect(&url, token.as_deref()).await })
        .buffered(CONNECTS_IN_FLIGHT)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect()
}

/// The WebSocket URL of a server at `addr`.
pub(crate) fn ws_url(addr: SocketAddr, path: &str) -> String {
    format!("ws://{addr}{path}")
}
