//! The admin API under `/api/v1/admin/` and the Prometheus page at `/metrics`, both for the
//! holder of the admin token only. Without a configured token neither exists (`404`).
//!
//! Every action is written to the audit log before (or, for closing, as) it takes effect.

use std::net::IpAddr;
use std::sync::Arc;

use serde::Deserialize;
use warp::http::StatusCode;
use warp::reply::{self, Reply, Response};
use warp::{Filter, Rejection};

use super::{json_body, no_body, respond};
use crate::accounts::Username;
use crate::admin::bans::{BanError, BAN_DURATION_MAX_SECS, BAN_REASON_BYTES_MAX};
use crate::admin::wire::{
    AuditCheckBody, AuditEntryBody, AuditPageBody, BanBody, BanRequestBody, BansBody,
    BroadcastBody, BroadcastSentBody, DrainBody, HaltedTableBody, KickBody, KickedBody, StatusBody,
    TableBody, TablesBody,
};
use crate::admin::{BanTarget, Notice, BROADCAST_MESSAGE_BYTES_MAX};
use crate::audit::{AuditError, AuditFields, AuditKind, AUDIT_PAGE_MAX};
use crate::clock::UnixTime;
use crate::config::TableSpec;
use crate::error::ApiError;
use crate::metrics::Gauges;
use crate::state::AppState;
use crate::table::{CloseTableError, CreateTableError, KickOutcome, Tables};
use crate::ws::messages::{ServerMessage, WIRE_VERSION};

/// Admits only requests with `Authorization: Bearer <admin token>`: none gets `401
/// missing_token`, any other token `403 forbidden`. With no admin token configured, every
/// request gets `404` as if the routes did not exist.
fn admin_only(state: &AppState) -> impl Filter<Extract = (), Error = Rejection> + Clone {
    let state = state.clone();
    warp::header::optional::<String>("authorization")
        .and_then(move |header: Option<String>| {
            let state = state.clone();
            async move {
                let Some(token) = state.admin().token() else {
                    return Err(warp::reject::not_found());
                };
                let header = header.ok_or(ApiError::MissingToken)?;
                let presented = header
                    .split_once(' ')
                    .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
                    .map(|(_, token)| token.trim())
                    .unwrap_or("");
                if token.matches(presented) {
                    Ok(())
                } else {
                    Err(Rejection::from(ApiError::Forbidden("not the admin token")))
                }
            }
        })
        .untuple_one()
}

/// `GET /metrics`, in the Prometheus text format.
pub(super) fn metrics(
    state: &AppState,
    tables: &Tables,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let state = state.clone();
    let tables = tables.clone();
    warp::path!("metrics")
        .and(warp::get())
        .and(admin_only(&state))
        .and(no_body())
        .map(move || {
            let (inbox, inbox_max) = tables.inbox_depths();
            let gauges = Gauges {
                tables: tables.len() as u64,
                table_inbox_depth: inbox,
                table_inbox_depth_max: inbox_max,
                store_queue_depth: state.store().queue_depth() as u64,
                draining: state.admin().draining(),
                ws_connections_max: state.limiter().limits().websockets() as u64,
                tables_halted: tables.halted() as u64,
            };
            let page = state
                .metrics()
                .render(gauges, state.store().flush_seconds());
            reply::with_header(page, "content-type", "text/plain; version=0.0.4").into_response()
        })
}

/// Query of `GET /admin/audit`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    #[serde(default = "first_entry")]
    from: u64,
    #[serde(default = "page_max")]
    limit: u64,
}

fn first_entry() -> u64 {
    1
}

fn page_max() -> u64 {
    AUDIT_PAGE_MAX
}

/// Every `/admin/...` route.
pub(super) fn routes(
    state: &AppState,
    tables: &Tables,
) -> impl Filter<Extract = (Response,), Error = Rejection> + Clone {
    let with = {
        let state = state.clone();
        let tables = tables.clone();
        warp::any().map(move || (state.clone(), tables.clone()))
    };
    let admin = warp::path("admin").and(admin_only(state));
    let status = warp::path!("status")
        .and(warp::get())
        .and(no_body())
        .and(with.clone())
        .then(|(state, tables)| respond(status(state, tables)));
    let create = warp::path!("tables")
        .and(warp::post())
        .and(with.clone())
        .and(json_body())
        .then(|(state, tables), spec| respond(create_table(state, tables, spec)));
    let list_tables = warp::path!("tables")
        .and(warp::get())
        .and(no_body())
        .and(with.clone())
        .then(|(_, tables)| respond(list_tables(tables)));
    let close = warp::path!("tables" / String)
        .and(warp::delete())
        .and(no_body())
        .and(with.clone())
        .then(|name, (state, tables)| respond(close_table(state, tables, name)));
    let kick = warp::path!("tables" / String / "kick")
        .and(warp::post())
        .and(with.clone())
        .and(json_body())
        .then(|name, (state, tables), body| respond(kick(state, tables, name, body)));
    let list_bans = warp::path!("bans")
        .and(warp::get())
        .and(no_body())
        .and(with.clone())
        .then(|(state, _)| respond(list_bans(state)));
    let ban = warp::path!("bans")
        .and(warp::post())
        .and(with.clone())
        .and(json_body())
        .then(|(state, _), body| respond(ban(state, body)));
    let unban = warp::path!("bans" / i64)
        .and(warp::delete())
        .and(no_body())
        .and(with.clone())
        .then(|id, (state, _)| respond(unban(state, id)));
    let broadcast = warp::path!("broadcast")
        .and(warp::post())
        .and(with.clone())
        .and(json_body())
        .then(|(state, _), body| respond(broadcast(state, body)));
    let drain = warp::path!("drain")
        .and(warp::post())
        .and(no_body())
        .and(with.clone())
        .then(|(state, tables)| respond(set_draining(state, tables, true)));
    let undrain = warp::path!("undrain")
        .and(warp::post())
        .and(no_body())
        .and(with.clone())
        .then(|(state, tables)| respond(set_draining(state, tables, false)));
    let audit = warp::path!("audit")
        .and(warp::get())
        .and(no_body())
        .and(super::query::<AuditQuery>())
        .and(with.clone())
        .then(|query, (state, _)| respond(audit_page(state, query)));
    let check = warp::path!("audit" / "check")
        .and(warp::get())
        .and(no_body())
        .and(with)
        .then(|(state, _)| respond(audit_check(state)));
    admin.and(
        status
            .or(create)
            .unify()
            .or(list_tables)
            .unify()
            .or(close)
            .unify()
            .or(kick)
            .unify()
            .or(list_bans)
            .unify()
            .or(ban)
            .unify()
            .or(unban)
            .unify()
            .or(broadcast)
            .unify()
            .or(drain)
            .unify()
            .or(undrain)
            .unify()
            .or(audit)
            .unify()
            .or(check)
            .unify(),
    )
}

impl From<AuditError> for ApiError {
    fn from(err: AuditError) -> ApiError {
        match err {
            AuditError::Store(store) => store.into(),
            other => {
                tracing::error!(error = %other, "audit log failure");
                ApiError::Internal
            }
        }
    }
}

async fn status(state: AppState, tables: Tables) -> Result<reply::Json, ApiError> {
    Ok(reply::json(&StatusBody {
        draining: state.admin().draining(),
        tables: tables
            .iter()
            .map(|t| t.config().name().as_str().to_owned())
            .collect(),
        ws_connections: state.metrics().ws_connections(),
        halted: tables
            .iter()
            .filter_map(|t| {
                t.halted().map(|halt| HaltedTableBody {
                    table: t.config().name().as_str().to_owned(),
                    halt,
                })
            })
            .collect(),
    }))
}

async fn list_tables(tables: Tables) -> Result<reply::Json, ApiError> {
    Ok(reply::json(&TablesBody {
        tables: tables.iter().map(|t| TableBody::from(t.config())).collect(),
    }))
}

async fn create_table(
    state: AppState,
    tables: Tables,
    spec: TableSpec,
) -> Result<Response, ApiError> {
    let config = tables.create(&state, spec).await.map_err(|err| match err {
        CreateTableError::Invalid(err) => ApiError::InvalidRequest(err.to_string()),
        CreateTableError::TooMany | CreateTableError::Exists(_) => {
            ApiError::Conflict(err.to_string())
        }
        CreateTableError::Store(crate::admin::tables::CreatedTableError::Reused(_)) => {
            ApiError::Conflict(err.to_string())
        }
        other => {
            tracing::error!(error = %other, "creating a table");
            ApiError::Internal
        }
    })?;
    tracing::info!(table = %config.name(), number = config.number(), "admin: table created");
    Ok(
        reply::with_status(reply::json(&TableBody::from(&config)), StatusCode::CREATED)
            .into_response(),
    )
}

async fn close_table(state: AppState, tables: Tables, name: String) -> Result<Response, ApiError> {
    if tables.get(&name).is_none() {
        return Err(ApiError::NotFound);
    }
    state.store().record_closed_table(name.clone()).await?;
    tables.close(&name).await.map_err(|err| match err {
        CloseTableError::Unknown => ApiError::NotFound,
        CloseTableError::Busy => ApiError::Unavailable,
    })?;
    tracing::info!(table = name, "admin: table closing");
    Ok(reply::with_status(
        reply::json(&serde_json::json!({"table": name, "closing": true})),
        StatusCode::ACCEPTED,
    )
    .into_response())
}

async fn kick(
    state: AppState,
    tables: Tables,
    name: String,
    body: KickBody,
) -> Result<reply::Json, ApiError> {
    let username = Username::parse(&body.username).map_err(|_| ApiError::NotFound)?;
    let account = state
        .store()
        .credentials(username)
        .await?
        .ok_or(ApiError::NotFound)?
        .account;
    if tables.get(&name).is_none() {
        return Err(ApiError::NotFound);
    }
    state
        .store()
        .append_audit(
            AuditKind::Kick,
            AuditFields::new()
                .text("table", &name)
                .i64("account", account.get()),
        )
        .await?;
    let outcome = tables.kick(&name, account).await.map_err(|err| match err {
        CloseTableError::Unknown => ApiError::NotFound,
        CloseTableError::Busy => ApiError::Unavailable,
    })?;
    let outcome = match outcome {
        KickOutcome::NotSeated => {
            return Err(ApiError::Conflict(format!(
                "{} does not sit at {name}",
                body.username
            )))
        }
        KickOutcome::StoodUp => "stood_up",
        KickOutcome::AfterHand => "after_hand",
        KickOutcome::Failed => return Err(ApiError::Internal),
    };
    tracing::info!(
        table = name,
        account = account.get(),
        outcome,
        "admin: kick"
    );
    Ok(reply::json(&KickedBody { outcome }))
}

async fn list_bans(state: AppState) -> Result<reply::Json, ApiError> {
    let bans = state.store().active_bans(UnixTime::now()).await?;
    Ok(reply::json(&BansBody {
        bans: bans.iter().map(BanBody::from).collect(),
    }))
}

async fn ban(state: AppState, body: BanRequestBody) -> Result<Response, ApiError> {
    if !(1..=BAN_DURATION_MAX_SECS).contains(&body.expires_in_secs) {
        return Err(ApiError::InvalidRequest(format!(
            "expires_in_secs must be 1..={BAN_DURATION_MAX_SECS}"
        )));
    }
    if body.reason.len() > BAN_REASON_BYTES_MAX || body.reason.chars().any(char::is_control) {
        return Err(ApiError::InvalidRequest(format!(
            "reason: at most {BAN_REASON_BYTES_MAX} bytes, no control characters"
        )));
    }
    let target = match (&body.username, &body.address) {
        (Some(username), None) => {
            let username = Username::parse(username).map_err(|_| ApiError::NotFound)?;
            let credentials = state
                .store()
                .credentials(username)
                .await?
                .ok_or(ApiError::NotFound)?;
            BanTarget::Account(credentials.account)
        }
        (None, Some(address)) => {
            BanTarget::Address(address.parse::<IpAddr>().map_err(|_| {
                ApiError::InvalidRequest(format!("{address:?} is not an IP address"))
            })?)
        }
        _ => {
            return Err(ApiError::InvalidRequest(
                "give exactly one of username and address".into(),
            ))
        }
    };
    let expires_at =
        UnixTime::now().saturating_add(std::time::Duration::from_secs(body.expires_in_secs));
    let ban = state
        .admin()
        .bans()
        .add(state.store(), target, body.reason, expires_at)
        .await
        .map_err(|err| match err {
            BanError::TooMany => ApiError::Conflict(err.to_string()),
            BanError::Audit(err) => ApiError::from(err),
        })?;
    // Connections already open for the target close now.
    state.admin().notify(Notice::Banned(target));
    tracing::info!(
        ban = ban.id,
        ?target,
        expires_at = expires_at.as_secs(),
        "admin: ban"
    );
    Ok(reply::with_status(reply::json(&BanBody::from(&ban)), StatusCode::CREATED).into_response())
}

async fn unban(state: AppState, id: i64) -> Result<StatusCode, ApiError> {
    let lifted = state
        .admin()
        .bans()
        .lift(state.store(), id)
        .await
        .map_err(|err| match err {
            BanError::TooMany => ApiError::Internal,
            BanError::Audit(err) => ApiError::from(err),
        })?;
    match lifted {
        Some(_) => {
            tracing::info!(ban = id, "admin: ban lifted");
            Ok(StatusCode::NO_CONTENT)
        }
        None => Err(ApiError::NotFound),
    }
}

async fn broadcast(state: AppState, body: BroadcastBody) -> Result<Response, ApiError> {
    let message = body.message;
    if message.is_empty()
        || message.len() > BROADCAST_MESSAGE_BYTES_MAX
        || message.chars().any(|c| c.is_control() && c != '\n')
    {
        return Err(ApiError::InvalidRequest(format!(
            "message: 1 to {BROADCAST_MESSAGE_BYTES_MAX} bytes, no control characters but newlines"
        )));
    }
    state
        .store()
        .append_audit(
            AuditKind::Broadcast,
            AuditFields::new().text("message", &message),
        )
        .await?;
    let text = ServerMessage::Broadcast {
        v: WIRE_VERSION,
        message,
        sent_at: UnixTime::now().as_secs(),
    }
    .to_text();
    let recipients = state.admin().notify(Notice::Broadcast(Arc::from(text)));
    tracing::info!(recipients, "admin: broadcast");
    Ok(reply::with_status(
        reply::json(&BroadcastSentBody { recipients }),
        StatusCode::ACCEPTED,
    )
    .into_response())
}

async fn set_draining(
    state: AppState,
    tables: Tables,
    draining: bool,
) -> Result<reply::Json, ApiError> {
    let kind = if draining {
        AuditKind::Drain
    } else {
        AuditKind::Undrain
    };
    state.store().append_audit(kind, AuditFields::new()).await?;
    state.admin().set_draining(draining);
    if !draining {
        tables.wake_all();
    }
    tracing::info!(draining, "admin: maintenance");
    Ok(reply::json(&DrainBody { draining }))
}

async fn audit_page(state: AppState, query: AuditQuery) -> Result<reply::Json, ApiError> {
    let limit = query.limit.clamp(1, AUDIT_PAGE_MAX);
    let entries = state.store().audit_entries(query.from, limit).await?;
    let next = match entries.last() {
        Some(last) if entries.len() as u64 == limit => Some(last.seq.saturating_add(1)),
        _ => None,
    };
    Ok(reply::json(&AuditPageBody {
        entries: entries.iter().map(AuditEntryBody::from).collect(),
        next,
    }))
}

async fn audit_check(state: AppState) -> Result<reply::Json, ApiError> {
    let report = state.store().check_audit().await?;
    Ok(reply::json(&AuditCheckBody::from(&report)))
}
