//! The peer address of each HTTP request: the accept loop wraps warp's service so every
//! request carries the address of the connection it came on, for address bans.

use std::net::{IpAddr, SocketAddr};
use std::task::{Context, Poll};

use tower_service::Service;
use warp::Filter;

/// The remote address of the connection a request came on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub SocketAddr);

/// A service that adds [`PeerAddr`] to every request before passing it on.
#[derive(Debug, Clone)]
pub struct WithPeer<S> {
    inner: S,
    peer: SocketAddr,
}

impl<S> WithPeer<S> {
    /// Wraps `inner` for a connection from `peer`.
    pub fn new(inner: S, peer: SocketAddr) -> WithPeer<S> {
        WithPeer { inner, peer }
    }
}

impl<S, B> Service<warp::http::Request<B>> for WithPeer<S>
where
    S: Service<warp::http::Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: warp::http::Request<B>) -> Self::Future {
        request.extensions_mut().insert(PeerAddr(self.peer));
        self.inner.call(request)
    }
}

/// The request's peer IP address, when the server's accept loop recorded it (always, except
/// for requests made through `warp::test`).
pub fn peer_ip(
) -> impl Filter<Extract = (Option<IpAddr>,), Error = std::convert::Infallible> + Clone {
    warp::ext::optional::<PeerAddr>().map(|peer: Option<PeerAddr>| peer.map(|p| p.0.ip()))
}
