//! Hand-history downloads: a player's hands (a paged list), one hand, and a range of a
//! table's hands, as PHH or PokerStars text rendered for the caller.
//!
//! Access rule: a player gets only the hands they were dealt in (their username is a
//! player id of the record's setup); every hole card they did not see stays hidden. The
//! PHH form carries the signed record, which does list every dealt card (as the record
//! route already serves it to the table's players), so hiding is about what the readable
//! history shows, not a secret.

use std::collections::HashMap;

use warp::http::StatusCode;
use warp::reply::{self, Reply, Response};
use warp::Filter;

use super::hands::{check_player, parse_hand_id};
use super::{no_body, query, respond};
use crate::auth::{authenticated, Session};
use crate::error::ApiError;
use crate::history::{HistoryFormat, PlayerHand, RenderError};
use crate::ledger::TableId;
use crate::limits::{
    HISTORY_DOWNLOAD_HANDS_MAX, HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX, HISTORY_SCAN_MAX,
};
use crate::state::AppState;
use crate::store::StoredRecord;

type Query = HashMap<String, String>;

/// `GET /me/hands`, `GET /hands/{id}/history` and `GET /tables/{table}/history`.
pub(super) fn routes(
    state: &AppState,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    let list = {
        let state = state.clone();
        warp::path!("me" / "hands")
            .and(warp::get())
            .and(no_body())
            .and(query::<Query>())
            .and(authenticated(state.clone()))
            .then(move |query: Query, session: Session| {
                respond(my_hands(state.clone(), query, session))
            })
    };
    let one = {
        let state = state.clone();
        warp::path!("hands" / String / "history")
            .and(warp::get())
            .and(no_body())
            .and(query::<Query>())
            .and(authenticated(state.clone()))
            .then(move |id: String, query: Query, session: Session| {
                respond(one_hand(state.clone(), id, query, session))
            })
    };
    let range = {
        let state = state.clone();
        warp::path!("tables" / String / "history")
            .and(warp::get())
            .and(no_body())
            .and(query::<Query>())
            .and(authenticated(state.clone()))
            .then(move |table: String, query: Query, session: Session| {
                respond(table_hands(state.clone(), table, query, session))
            })
    };
    list.or(one).unify().or(range).unify()
}

/// Refuses parameters other than `allowed`.
fn only(query: &Query, allowed: &[&str]) -> Result<(), ApiError> {
    match query.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => Err(ApiError::BadQuery(format!(
            "unknown query parameter {key:?} (expected: {})",
            allowed.join(", ")
        ))),
        None => Ok(()),
    }
}

/// A non-negative integer parameter, or `default` when absent.
fn number(query: &Query, name: &str, default: u64) -> Result<u64, ApiError> {
    match query.get(name) {
        None => Ok(default),
        Some(text) => text
            .parse()
            .map_err(|_| ApiError::BadQuery(format!("{name} must be a non-negative integer"))),
    }
}

/// The `format` parameter (default `phh`).
fn format(query: &Query) -> Result<HistoryFormat, ApiError> {
    match query.get("format") {
        None => Ok(HistoryFormat::Phh),
        Some(text) => HistoryFormat::parse(text)
            .ok_or_else(|| ApiError::BadQuery("format must be phh or pokerstars".into())),
    }
}

/// The caller's username: the player id their hands carry.
async fn username(state: &AppState, session: &Session) -> Result<String, ApiError> {
    let account = state
        .store()
        .account(session.account)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    Ok(account.username.as_str().to_owned())
}

fn decode(stored: &StoredRecord) -> Result<fairness::SignedHandRecord, ApiError> {
    fairness::SignedHandRecord::from_bytes(&stored.record).map_err(|err| {
        tracing::error!(%err, table = %stored.table, hand = stored.hand_no, "a stored record does not decode");
        ApiError::Internal
    })
}

fn status_word(status: fairness::HandStatus) -> &'static str {
    match status {
        fairness::HandStatus::Completed => "completed",
        fairness::HandStatus::VoidMissingReveal => "void_missing_reveal",
        fairness::HandStatus::VoidAborted => "void_aborted",
        fairness::HandStatus::VoidInterruptedBeforeDeal => "void_interrupted_before_deal",
    }
}

async fn my_hands(state: AppState, query: Query, session: Session) -> Result<Response, ApiError> {
    only(&query, &["from", "limit"])?;
    let from = number(&query, "from", 0)?;
    let limit = number(&query, "limit", HISTORY_PAGE_DEFAULT)?;
    if !(1..=HISTORY_PAGE_MAX).contains(&limit) {
        return Err(ApiError::BadQuery(format!(
            "limit must be 1..={HISTORY_PAGE_MAX}"
        )));
    }
    let me = username(&state, &session).await?;
    let rows = state
        .store()
        .records_at_tables_of(session.account, from, HISTORY_SCAN_MAX)
        .await?;
    let mut hands = Vec::new();
    // Where the next page starts: after the last hand listed when the page is full,
    // after the last record looked at when the scan bound stopped the search.
    let mut next = (rows.len() as u64 == HISTORY_SCAN_MAX)
        .then(|| rows.last().map(|last| last.cursor.saturating_add(1)))
        .flatten();
    for stored in &rows {
        let record = decode(stored)?;
        let Some(seat) = fairness::seat_of_player(&record, &me) else {
            continue;
        };
        let setup = record.body().announcement().body().setup();
        let start = setup
            .seats()
            .iter()
            .find(|s| s.seat == seat)
            .map(|s| s.stack);
        let end = record
            .body()
            .outcome()
            .final_stacks
            .iter()
            .find(|f| f.seat == seat)
            .map(|f| f.stack);
        hands.push(serde_json::json!({
            "hand": format!("{}-{}", stored.table.as_str(), stored.hand_no),
            "table": stored.table.as_str(),
            "hand_no": stored.hand_no,
            "seat": seat,
            "status": status_word(record.body().outcome().status),
            "played_at": stored.played_at.as_secs(),
            "starting_stack": start,
            "final_stack": end,
        }));
        if hands.len() as u64 == limit {
            next = Some(stored.cursor.saturating_add(1));
            break;
        }
    }
    Ok(reply::json(&serde_json::json!({ "hands": hands, "next": next })).into_response())
}

/// The seats a table has, for the PokerStars header (the record's highest seat + 1 if the
/// table is no longer configured).
fn table_seats(state: &AppState, table: &TableId, record: &fairness::SignedHandRecord) -> u8 {
    state
        .config()
        .tables()
        .iter()
        .find(|t| t.name() == table)
        .map(|t| t.seats())
        .unwrap_or_else(|| {
            record
                .seats()
                .iter()
                .map(|s| s.seat.saturating_add(1))
                .max()
                .unwrap_or(2)
        })
}

/// `stored` rendered for `seat` in `format`.
fn render(
    state: &AppState,
    stored: &StoredRecord,
    record: &fairness::SignedHandRecord,
    seat: u8,
    format: HistoryFormat,
) -> Result<Rendered, ApiError> {
    let hand = PlayerHand {
        record,
        seat,
        table: stored.table.as_str(),
        table_seats: table_seats(state, &stored.table, record),
        played_at: stored.played_at,
    };
    let result = match format {
        HistoryFormat::Phh => hand.phh().map(|history| Rendered::Phh(Box::new(history))),
        HistoryFormat::PokerStars => hand.pokerstars().map(Rendered::Text),
    };
    result.map_err(|err| match err {
        RenderError::History(fairness::HistoryError::NotPlayed(_)) => ApiError::NoHistory,
        other => {
            tracing::error!(err = %other, table = %stored.table, hand = stored.hand_no, "rendering a hand history");
            ApiError::Internal
        }
    })
}

/// A rendered hand: PHH stays structured so several hands can form one `.phhs` file.
enum Rendered {
    Phh(Box<poker_core::phh::HandHistory>),
    Text(String),
}

/// A text download named `name.extension`.
fn download(text: String, name: &str, format: HistoryFormat, several: bool) -> Response {
    let disposition = format!(
        "attachment; filename=\"{name}.{}\"",
        format.extension(several)
    );
    let response = reply::with_header(text, "content-type", "text/plain; charset=utf-8");
    let mut response =
        reply::with_header(response, "content-disposition", disposition).into_response();
    *response.status_mut() = StatusCode::OK;
    response
}

async fn one_hand(
    state: AppState,
    id: String,
    query: Query,
    session: Session,
) -> Result<Response, ApiError> {
    only(&query, &["format"])?;
    let format = format(&query)?;
    let (table, hand_no) = parse_hand_id(&id)?;
    check_player(&state, &table, session).await?;
    let stored = state
        .store()
        .stored_record(table, hand_no)
        .await?
        .ok_or(ApiError::NotFound)?;
    let record = decode(&stored)?;
    let me = username(&state, &session).await?;
    let seat = fairness::seat_of_player(&record, &me)
        .ok_or(ApiError::Forbidden("you were not dealt in this hand"))?;
    let text = match render(&state, &stored, &record, seat, format)? {
        Rendered::Phh(history) => history.to_phh(),
        Rendered::Text(text) => text,
    };
    Ok(download(text, &id, format, false))
}

async fn table_hands(
    state: AppState,
    table: String,
    query: Query,
    session: Session,
) -> Result<Response, ApiError> {
    only(&query, &["format", "from", "to"])?;
    let format = format(&query)?;
    let table = TableId::parse(&table).map_err(|_| ApiError::NotFound)?;
    let from = number(&query, "from", 1)?.max(1);
    let to = number(
        &query,
        "to",
        from.saturating_add(HISTORY_DOWNLOAD_HANDS_MAX - 1),
    )?;
    if to < from || to - from >= HISTORY_DOWNLOAD_HANDS_MAX {
        return Err(ApiError::BadQuery(format!(
            "from..=to must name 1 to {HISTORY_DOWNLOAD_HANDS_MAX} hands"
        )));
    }
    check_player(&state, &table, session).await?;
    let me = username(&state, &session).await?;
    let rows = state
        .store()
        .table_records_between(table.clone(), from, to)
        .await?;
    let (mut histories, mut texts) = (Vec::new(), Vec::new());
    for stored in &rows {
        let record = decode(stored)?;
        let Some(seat) = fairness::seat_of_player(&record, &me) else {
            continue;
        };
        if record.body().outcome().status != fairness::HandStatus::Completed {
            continue; // voids have records but no hand history
        }
        match render(&state, stored, &record, seat, format)? {
            Rendered::Phh(history) => histories.push(*history),
            Rendered::Text(text) => texts.push(text),
        }
    }
    let text = match format {
        HistoryFormat::Phh => poker_core::phh::write_phhs(&histories),
        // PokerStars files separate hands with blank lines.
        HistoryFormat::PokerStars => texts.join("\n\n"),
    };
    let name = format!("{}-{from}-{to}", table.as_str());
    Ok(download(text, &name, format, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Query {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn query_parameters_are_checked() {
        assert!(only(&query(&[("from", "1")]), &["from"]).is_ok());
        assert!(matches!(
            only(&query(&[("form", "1")]), &["from"]),
            Err(ApiError::BadQuery(_))
        ));
        assert_eq!(number(&query(&[]), "from", 7).ok(), Some(7));
        assert!(number(&query(&[("from", "-1")]), "from", 0).is_err());
        assert!(number(&query(&[("from", "99999999999999999999")]), "from", 0).is_err());
        assert_eq!(
            format(&query(&[("format", "pokerstars")])).ok(),
            Some(HistoryFormat::PokerStars)
        );
        assert!(format(&query(&[("format", "PHH")])).is_err());
    }
}
