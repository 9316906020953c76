//! The API's error vocabulary and the one place where failures become HTTP responses.
//!
//! Every failure a client can cause or see is an [`ApiError`] with a stable `code` and an HTTP
//! status. Handlers turn domain errors into `ApiError`s; filters reject with them; and
//! [`handle_rejection`] maps those and warp's own rejections to a JSON body
//! `{"code": ..., "message": ...}`. Internal failures are logged in full and reported to the
//! client without detail.

use std::convert::Infallible;

use warp::http::StatusCode;
use warp::reject::Reject;
use warp::reply::{self, Reply, Response};
use warp::Rejection;

use crate::accounts::{PasswordError, UsernameError};
use crate::auth::{HashError, RandomSourceError};
use crate::limits::{JSON_BODY_MAX_BYTES, SERVER_FULL_RETRY_AFTER_SECS};
use crate::store::{CreateAccountError, StoreError};
use crate::websockets::WebSocketRefusal;
use crate::wire::ErrorBody;

/// A failure as the client sees it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// The username failed validation.
    #[error("{0}")]
    InvalidUsername(#[from] UsernameError),
    /// The password failed validation.
    #[error("{0}")]
    InvalidPassword(#[from] PasswordError),
    /// Another account has this username.
    #[error("username is taken")]
    UsernameTaken,
    /// Unknown username or wrong password (deliberately not told apart).
    #[error("wrong username or password")]
    InvalidCredentials,
    /// The route needs an `Authorization: Bearer` header.
    #[error("missing bearer token")]
    MissingToken,
    /// The bearer token is malformed, unknown, expired or logged out.
    #[error("invalid or expired bearer token")]
    InvalidToken,
    /// The body is not the JSON this route expects.
    #[error("malformed request body: {0}")]
    MalformedBody(String),
    /// The body is larger than the route accepts.
    #[error("request body too large (at most {JSON_BODY_MAX_BYTES} bytes)")]
    BodyTooLarge,
    /// The body has no `Content-Length`.
    #[error("a content-length header is required")]
    LengthRequired,
    /// The body is not `application/json`.
    #[error("content-type must be application/json")]
    UnsupportedMediaType,
    /// A header is malformed.
    #[error("malformed header {0}")]
    BadHeader(String),
    /// A query parameter is malformed, unknown or out of range.
    #[error("{0}")]
    BadQuery(String),
    /// The hand was void: it has a signed record but no hand history.
    #[error("this hand was void: it has a signed record but no hand history")]
    NoHistory,
    /// No route has this path.
    #[error("no such endpoint")]
    NotFound,
    /// The caller may not read this resource (e.g. a record of a table they never sat at).
    #[error("{0}")]
    Forbidden(&'static str),
    /// The path exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The account or the address is banned.
    #[error("banned")]
    Banned,
    /// A well-formed request asks for something invalid (admin API).
    #[error("{0}")]
    InvalidRequest(String),
    /// The request clashes with the server's state (admin API, e.g. a table name in use).
    #[error("{0}")]
    Conflict(String),
    /// The database is closed (the server is shutting down).
    #[error("service unavailable")]
    Unavailable,
    /// Something failed that the client cannot fix; details are in the server log.
    #[error("internal error")]
    Internal,
    /// The server holds its most WebSockets (`max_websockets`).
    #[error("{0}")]
    ServerFull(String),
    /// The account holds its most WebSockets (`max_websockets_per_account`).
    #[error("{0}")]
    TooManyWebSockets(String),
    /// The client's address sent more requests than its rate limit allows.
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited {
        /// Seconds until the next request is allowed (sent as `Retry-After`).
        retry_after_secs: u64,
    },
}

impl Reject for ApiError {}

impl ApiError {
    /// The stable, machine-readable error code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidUsername(_) => "invalid_username",
            ApiError::InvalidPassword(_) => "invalid_password",
            ApiError::UsernameTaken => "username_taken",
            ApiError::InvalidCredentials => "invalid_credentials",
            ApiError::MissingToken => "missing_token",
            ApiError::InvalidToken => "invalid_token",
            ApiError::MalformedBody(_) => "malformed_body",
            ApiError::BodyTooLarge => "body_too_large",
            ApiError::LengthRequired => "length_required",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::BadHeader(_) => "bad_header",
            ApiError::BadQuery(_) => "bad_query",
            ApiError::NoHistory => "no_history",
            ApiError::NotFound => "not_found",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Banned => "banned",
            ApiError::InvalidRequest(_) => "invalid_request",
            ApiError::Conflict(_) => "conflict",
            ApiError::Unavailable => "unavailable",
            ApiError::Internal => "internal",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::ServerFull(_) => "server_full",
            ApiError::TooManyWebSockets(_) => "too_many_websockets",
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidUsername(_)
            | ApiError::InvalidPassword(_)
            | ApiError::MalformedBody(_)
            | ApiError::BadHeader(_)
            | ApiError::InvalidRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Banned => StatusCode::FORBIDDEN,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::BadQuery(_) => StatusCode::BAD_REQUEST,
            ApiError::NoHistory => StatusCode::NOT_FOUND,
            ApiError::UsernameTaken => StatusCode::CONFLICT,
            ApiError::InvalidCredentials | ApiError::MissingToken | ApiError::InvalidToken => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::LengthRequired => StatusCode::LENGTH_REQUIRED,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::ServerFull(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::TooManyWebSockets(_) => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    /// The JSON error response.
    pub fn into_response(self) -> Response {
        let mut response = reply::json(&ErrorBody {
            code: self.code(),
            message: self.to_string(),
        })
        .into_response();
        if matches!(self, ApiError::MissingToken | ApiError::InvalidToken) {
            response.headers_mut().insert(
                warp::http::header::WWW_AUTHENTICATE,
                warp::http::HeaderValue::from_static("Bearer"),
            );
        }
        if let ApiError::RateLimited { retry_after_secs } = self {
            let headers = response.headers_mut();
            headers.insert(
                warp::http::header::RETRY_AFTER,
                warp::http::HeaderValue::from(retry_after_secs),
            );
            // A client over its rate gets a new connection per attempt, which the
            // per-address connection limit also counts.
            headers.insert(
                warp::http::header::CONNECTION,
                warp::http::HeaderValue::from_static("close"),
            );
        }
        if let ApiError::ServerFull(_) = self {
            response.headers_mut().insert(
                warp::http::header::RETRY_AFTER,
                warp::http::HeaderValue::from(SERVER_FULL_RETRY_AFTER_SECS),
            );
        }
        *response.status_mut() = self.status();
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> ApiError {
        match err {
            StoreError::Closed => ApiError::Unavailable,
            other => {
                tracing::error!(error = %other, "store failure");
                ApiError::Internal
            }
        }
    }
}

impl From<WebSocketRefusal> for ApiError {
    fn from(refusal: WebSocketRefusal) -> ApiError {
        match refusal {
            WebSocketRefusal::ServerFull(_) => ApiError::ServerFull(refusal.to_string()),
            WebSocketRefusal::AccountFull(_) => ApiError::TooManyWebSockets(refusal.to_string()),
        }
    }
}

impl From<CreateAccountError> for ApiError {
    fn from(err: CreateAccountError) -> ApiError {
        match err {
            CreateAccountError::UsernameTaken => ApiError::UsernameTaken,
            CreateAccountError::Ledger(crate::ledger::LedgerError::Store(store)) => store.into(),
            CreateAccountError::Ledger(ledger) => {
                tracing::error!(error = %ledger, "starting credit failed");
                ApiError::Internal
            }
        }
    }
}

impl From<HashError> for ApiError {
    fn from(err: HashError) -> ApiError {
        tracing::error!(error = %err, "password hashing failure");
        ApiError::Internal
    }
}

impl From<RandomSourceError> for ApiError {
    fn from(err: RandomSourceError) -> ApiError {
        tracing::error!(error = %err, "random source failure");
        ApiError::Internal
    }
}

/// Maps a rejection to a JSON error response. Every route goes through it (`.recover`), so no
/// request ever gets warp's plain-text defaults.
pub async fn handle_rejection(rejection: Rejection) -> Result<Response, Infallible> {
    Ok(api_error(&rejection).into_response())
}

/// The [`ApiError`] a rejection stands for. Ours come first; then warp's body and header
/// rejections; "method not allowed" before "not found", because a path that matched with
/// another method is the more useful answer.
fn api_error(rejection: &Rejection) -> ApiError {
    use warp::filters::body::BodyDeserializeError;
    use warp::reject::{
        InvalidHeader, InvalidQuery, LengthRequired, MethodNotAllowed, MissingHeader,
        PayloadTooLarge, UnsupportedMediaType,
    };

    if let Some(err) = rejection.find::<ApiError>() {
        return err.clone();
    }
    if rejection.find::<PayloadTooLarge>().is_some() {
        return ApiError::BodyTooLarge;
    }
    if rejection.find::<LengthRequired>().is_some() {
        return ApiError::LengthRequired;
    }
    if rejection.find::<UnsupportedMediaType>().is_some() {
        return ApiError::UnsupportedMediaType;
    }
    if let Some(err) = rejection.find::<BodyDeserializeError>() {
        return ApiError::MalformedBody(
            std::error::Error::source(err)
                .map_or_else(|| err.to_string(), |cause| cause.to_string()),
        );
    }
    if let Some(err) = rejection.find::<InvalidHeader>() {
        return ApiError::BadHeader(err.name().to_owned());
    }
    if let Some(err) = rejection.find::<MissingHeader>() {
        return ApiError::BadHeader(err.name().to_owned());
    }
    // Routes parse queries with `routes::query`, which says why; this catches any that use
    // warp's own filter, whose rejection carries no reason.
    if rejection.find::<InvalidQuery>().is_some() {
        return ApiError::BadQuery("malformed query string".into());
    }
    if rejection.find::<MethodNotAllowed>().is_some() {
        return ApiError::MethodNotAllowed;
    }
    if rejection.is_not_found() {
        return ApiError::NotFound;
    }
    tracing::error!(?rejection, "unhandled rejection");
    ApiError::Internal
}
