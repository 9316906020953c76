//! Routes about the server itself: health and the public signing key.

use warp::reply::{self, Response};
use warp::Filter;

use super::{no_body, respond};
use crate::error::ApiError;
use crate::state::AppState;
use crate::wire::{HealthBody, ServerKeyBody};

/// `GET /health` and `GET /server-key`.
pub(super) fn routes(
    state: &AppState,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    let health = {
        let state = state.clone();
        warp::path!("health")
            .and(warp::get())
            .and(no_body())
            .then(move || respond(health(state.clone())))
    };
    let server_key = {
        let state = state.clone();
        warp::path!("server-key")
            .and(warp::get())
            .and(no_body())
            .then(move || respond(server_key(state.clone())))
    };
    health.or(server_key).unify()
}

/// Healthy means the database answers; the body also says whether the server is drained.
async fn health(state: AppState) -> Result<reply::Json, ApiError> {
    state.store().ping().await?;
    Ok(reply::json(&HealthBody {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        draining: state.admin().draining(),
    }))
}

/// The key that signs hand records, for clients to verify them with.
async fn server_key(state: AppState) -> Result<reply::Json, ApiError> {
    Ok(reply::json(&ServerKeyBody {
        algorithm: "ed25519",
        public_key: state.key().public().to_hex(),
        key_id: state.key().key_id().to_hex(),
    }))
}
