//! The public table list: what `list_tables` answers over the WebSocket, for clients (and
//! lobby pages) that have no socket open yet, halted tables marked as such.

use serde::Serialize;
use warp::reply::{self, Response};
use warp::Filter;

use super::{no_body, respond};
use crate::error::ApiError;
use crate::table::Tables;
use crate::ws::messages::WireTable;

/// The body of `GET /tables`.
#[derive(Debug, Serialize)]
struct TablesBody {
    tables: Vec<WireTable>,
}

/// `GET /tables`: every open table, by name; no token needed.
pub(super) fn routes(
    tables: &Tables,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    let tables = tables.clone();
    warp::path!("tables")
        .and(warp::get())
        .and(no_body())
        .then(move || respond(list(tables.clone())))
}

async fn list(tables: Tables) -> Result<reply::Json, ApiError> {
    Ok(reply::json(&TablesBody {
        tables: tables.iter().map(|t| WireTable::of(&t)).collect(),
    }))
}
