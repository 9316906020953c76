//! Hand records: one record by hand id, and a table's records in order for chain checks.
//!
//! Access rule: a record shows every dealt card, folded hands included, so only players of
//! the table may read it: the caller's token must belong to an account that has ever sat at
//! that table (has a table session there).

use warp::reply::{self, Reply, Response};
use warp::Filter;

use super::{no_body, query, respond};
use crate::auth::{authenticated, Session};
use crate::error::ApiError;
use crate::ledger::TableId;
use crate::limits::RECORDS_PAGE_MAX;
use crate::state::AppState;

/// `GET /hands/{id}/record` and `GET /tables/{table}/records?from=N`.
pub(super) fn routes(
    state: &AppState,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    let record = {
        let state = state.clone();
        warp::path!("hands" / String / "record")
            .and(warp::get())
            .and(no_body())
            .and(authenticated(state.clone()))
            .then(move |id: String, session: Session| respond(record(state.clone(), id, session)))
    };
    let chain = {
        let state = state.clone();
        warp::path!("tables" / String / "records")
            .and(warp::get())
            .and(no_body())
            .and(query::<RecordsQuery>())
            .and(authenticated(state.clone()))
            .then(
                move |table: String, query: RecordsQuery, session: Session| {
                    respond(records(state.clone(), table, query, session))
                },
            )
    };
    record.or(chain).unify()
}

/// The query of a table's records.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordsQuery {
    /// First hand number to return (default 1).
    from: Option<u64>,
}

/// Splits a hand id `<table>-<hand number>` at its last `-`.
pub(super) fn parse_hand_id(id: &str) -> Result<(TableId, u64), ApiError> {
    let (table, hand) = id.rsplit_once('-').ok_or(ApiError::NotFound)?;
    if hand.is_empty() || !hand.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::NotFound);
    }
    let hand = hand.parse().map_err(|_| ApiError::NotFound)?;
    let table = TableId::parse(table).map_err(|_| ApiError::NotFound)?;
    Ok((table, hand))
}

/// Refuses callers who never sat at `table`.
pub(super) async fn check_player(
    state: &AppState,
    table: &TableId,
    session: Session,
) -> Result<(), ApiError> {
    state
        .store()
        .table_session_account(table.clone(), session.account)
        .await?
        .map(|_| ())
        .ok_or(ApiError::Forbidden(
            "only players of this table may read its records",
        ))
}

/// A stored record in the fairness crate's JSON transport form.
fn record_json(bytes: &[u8]) -> Result<String, ApiError> {
    fairness::SignedHandRecord::from_bytes(bytes)
        .map(|record| record.to_json())
        .map_err(|err| {
            tracing::error!(%err, "a stored record does not decode");
            ApiError::Internal
        })
}

async fn record(state: AppState, id: String, session: Session) -> Result<Response, ApiError> {
    let (table, hand) = parse_hand_id(&id)?;
    check_player(&state, &table, session).await?;
    let stored = state
        .store()
        .hand_record(table, hand)
        .await?
        .ok_or(ApiError::NotFound)?;
    let json = record_json(&stored.record)?;
    Ok(reply::with_header(json, "content-type", "application/json").into_response())
}

async fn records(
    state: AppState,
    table: String,
    query: RecordsQuery,
    session: Session,
) -> Result<Response, ApiError> {
    let table = TableId::parse(&table).map_err(|_| ApiError::NotFound)?;
    check_player(&state, &table, session).await?;
    let from = query.from.unwrap_or(1);
    let rows = state
        .store()
        .hand_records_from(table.clone(), from, RECORDS_PAGE_MAX)
        .await?;
    let next = match rows.last() {
        Some((last, _)) if rows.len() as u64 == RECORDS_PAGE_MAX => Some(last.saturating_add(1)),
        _ => None,
    };
    let mut records = Vec::with_capacity(rows.len());
    for (_, bytes) in &rows {
        let json = record_json(bytes)?;
        records.push(
            serde_json::from_str::<serde_json::Value>(&json).map_err(|_| ApiError::Internal)?,
        );
    }
    Ok(reply::json(&serde_json::json!({
        "table": table.as_str(),
        "records": records,
        "next": next,
    }))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_ids_split_at_the_last_dash() {
        let (table, hand) = parse_hand_id("nlhe-1-2-17").expect("valid");
        assert_eq!((table.as_str(), hand), ("nlhe-1-2", 17));
        for bad in [
            "nlhe",
            "nlhe-",
            "-3",
            "t-1x",
            "t-99999999999999999999999",
            "a/b-1",
        ] {
            assert!(parse_hand_id(bad).is_err(), "{bad}");
        }
    }
}
