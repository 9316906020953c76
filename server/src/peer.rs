//! The peer address of each HTTP request, as a warp filter: the accept loop puts the
//! connection's address in every request (see `limiter::PeerAddr`), for address bans.

use std::net::IpAddr;

use warp::Filter;

use crate::limiter::PeerAddr;

/// The request's peer IP address, when the server's accept loop recorded it (always, except
/// for requests made through `warp::test`).
pub fn peer_ip(
) -> impl Filter<Extract = (Option<IpAddr>,), Error = std::convert::Infallible> + Clone {
    warp::ext::optional::<PeerAddr>().map(|peer: Option<PeerAddr>| peer.map(|p| p.0.ip()))
}
