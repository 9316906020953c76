//! Account routes: register, log in, log out, and the caller's own account.

use warp::http::StatusCode;
use warp::reply::{self, Reply, Response};
use warp::Filter;

use super::{json_body, no_body, respond};
use crate::accounts::{Password, Username};
use crate::auth::{authenticated, Session, SessionToken};
use crate::clock::UnixTime;
use crate::error::ApiError;
use crate::state::AppState;
use crate::wire::{AccountBody, CredentialsBody, LoginBody};

/// `POST /register`, `POST /login`, `POST /logout` and `GET /me`.
pub(super) fn routes(
    state: &AppState,
) -> impl Filter<Extract = (Response,), Error = warp::Rejection> + Clone {
    let with_state = {
        let state = state.clone();
        warp::any().map(move || state.clone())
    };
    // The token check comes after the path and method filters, so a request for another
    // route is never asked for a token.
    let register = warp::path!("register")
        .and(warp::post())
        .and(with_state.clone())
        .and(json_body())
        .then(|state, body| respond(register(state, body)));
    let login = warp::path!("login")
        .and(warp::post())
        .and(with_state.clone())
        .and(json_body())
        .and(crate::peer::peer_ip())
        .then(|state, body, address| respond(login(state, body, address)));
    let logout = warp::path!("logout")
        .and(warp::post())
        .and(no_body())
        .and(with_state.clone())
        .and(authenticated(state.clone()))
        .then(|state, session| respond(logout(state, session)));
    let me = warp::path!("me")
        .and(warp::get())
        .and(no_body())
        .and(with_state)
        .and(authenticated(state.clone()))
        .then(|state, session| respond(me(state, session)));
    register.or(login).unify().or(logout).unify().or(me).unify()
}

/// Creates an account with the configured starting balance.
async fn register(state: AppState, body: CredentialsBody) -> Result<Response, ApiError> {
    let username = Username::parse(&body.username)?;
    let password = Password::parse(&body.password)?;
    let hash = state.hasher().hash(&password).await?;
    let account = state
        .store()
        .create_account(
            username,
            hash,
            state.config().starting_balance(),
            UnixTime::now(),
        )
        .await?;
    tracing::info!(account = %account.id, username = account.username.as_str(), "registered");
    Ok(reply::with_status(
        reply::json(&AccountBody::from(&account)),
        StatusCode::CREATED,
    )
    .into_response())
}

/// Checks the password and opens a session. Unknown users and wrong passwords get the same
/// answer after the same amount of work.
async fn login(
    state: AppState,
    body: CredentialsBody,
    address: Option<std::net::IpAddr>,
) -> Result<reply::Json, ApiError> {
    if address.is_some_and(|ip| state.admin().bans().address_banned(ip)) {
        return Err(ApiError::Banned);
    }
    let credentials = match Username::parse(&body.username) {
        Ok(username) => state.store().credentials(username).await?,
        // No such account can exist; still hash, so timing says nothing about validity rules.
        Err(_) => None,
    };
    let matches = state
        .hasher()
        .verify(
            body.password,
            credentials.as_ref().map(|c| c.password_hash.clone()),
        )
        .await?;
    let Some(credentials) = credentials.filter(|_| matches) else {
        return Err(ApiError::InvalidCredentials);
    };
    // Told only to someone who knows the password.
    if state.admin().bans().account_banned(credentials.account) {
        return Err(ApiError::Banned);
    }
    let token = SessionToken::generate()?;
    let now = UnixTime::now();
    let expires_at = now.saturating_add(state.config().session_ttl());
    state
        .store()
        .create_session(credentials.account, token.hash(), now, expires_at)
        .await?;
    Ok(reply::json(&LoginBody {
        token: token.to_hex(),
        expires_at: expires_at.as_secs(),
    }))
}

/// Ends the session whose token authenticated this request.
async fn logout(state: AppState, session: Session) -> Result<StatusCode, ApiError> {
    state.store().delete_session(session.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's account and balance.
async fn me(state: AppState, session: Session) -> Result<reply::Json, ApiError> {
    let account = state
        .store()
        .account(session.account)
        .await?
        .ok_or(ApiError::InvalidToken)?;
    Ok(reply::json(&AccountBody::from(&account)))
}
