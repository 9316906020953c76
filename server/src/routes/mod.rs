//! The HTTP routes, one file per area, joined under `/api/v1` and finished by the rejection
//! handler so every answer, error or not, is JSON.
//!
//! Handlers return an [`ApiError`] instead of rejecting: a rejection makes warp try the
//! remaining routes, which is wasted work and can turn a precise error into a vaguer one.
//! Only filters (path, method, body, token) reject.

mod accounts;
mod admin;
mod hands;
mod history;
mod meta;
mod query;
mod tables;

use std::convert::Infallible;
use std::future::Future;

use serde::de::DeserializeOwned;
use warp::reply::{Reply, Response};
use warp::{Filter, Rejection};

use crate::error::{handle_rejection, ApiError};
use crate::limits::JSON_BODY_MAX_BYTES;
use crate::state::AppState;
use crate::table::Tables;
use query::query;

/// Every route of the server.
pub fn routes(
    state: AppState,
    tables: Tables,
) -> impl Filter<Extract = (Response,), Error = Infallible> + Clone + Send + Sync + 'static {
    crate::limiter::http_rate_limit(state.limiter().clone())
        .and(warp::path("api"))
        .and(warp::path("v1"))
        .and(
            accounts::routes(&state)
                .or(meta::routes(&state))
                .unify()
                .or(hands::routes(&state))
                .unify()
                .or(history::routes(&state))
                .unify()
                .or(tables::routes(&tables))
                .unify()
                .or(crate::ws::route(&state, &tables))
                .unify()
                .or(admin::routes(&state, &tables))
                .unify(),
        )
        .or(admin::metrics(&state, &tables))
        .unify()
        .recover(handle_rejection)
        .unify()
}

/// A JSON body of at most [`JSON_BODY_MAX_BYTES`], with a `Content-Length` (so an oversized
/// body is refused before it is read).
fn json_body<T: DeserializeOwned + Send>() -> impl Filter<Extract = (T,), Error = Rejection> + Clone
{
    warp::body::content_length_limit(JSON_BODY_MAX_BYTES).and(warp::body::json())
}

/// Refuses a request that declares a body on a route that takes none; such a body is never
/// read, and saying so beats silently ignoring it.
fn no_body() -> impl Filter<Extract = (), Error = Rejection> + Clone {
    warp::header::optional::<u64>("content-length")
        .and_then(|length: Option<u64>| async move {
            match length {
                None | Some(0) => Ok(()),
                Some(_) => Err(Rejection::from(ApiError::BodyTooLarge)),
            }
        })
        .untuple_one()
}

/// Turns a handler's result into a response without rejecting.
async fn respond<F, R>(handler: F) -> Response
where
    F: Future<Output = Result<R, ApiError>>,
    R: Reply,
{
    match handler.await {
        Ok(reply) => reply.into_response(),
        Err(err) => err.into_response(),
    }
}
