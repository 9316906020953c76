//! Authentication: Argon2id password hashing off the async runtime, opaque bearer tokens stored
//! only as hashes, and the warp filter that turns an `Authorization: Bearer` header into a
//! session.

use std::fmt;
use std::sync::Arc;

use argon2::password_hash::phc;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Argon2, Params};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use warp::{Filter, Rejection};

use crate::accounts::{AccountId, Password};
use crate::clock::UnixTime;
use crate::error::ApiError;
use crate::limits::{PASSWORD_BYTES_MAX, TOKEN_BYTES};
use crate::state::AppState;

/// An Argon2id password hash in PHC string form (`$argon2id$v=19$m=...`).
#[derive(Clone)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a hash read from the database.
    pub(crate) fn from_stored(phc: String) -> PasswordHash {
        PasswordHash(phc)
    }

    /// The PHC string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not secret, but an offline-crackable verifier has no business in logs.
        f.write_str("PasswordHash(<redacted>)")
    }
}

/// Why hashing or checking a password failed (never "wrong password", which is `Ok(false)`).
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Argon2 refused the input or the stored hash.
    #[error("password hashing failed: {0}")]
    Argon2(argon2::password_hash::Error),
    /// The hashing task did not finish (it panicked or the runtime is shutting down).
    #[error("password hashing task failed")]
    TaskFailed,
    /// The operating system's random source failed.
    #[error(transparent)]
    Random(#[from] RandomSourceError),
}

/// How much work hashing a new password costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PasswordCost {
    /// Argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane): the OWASP recommendation.
    #[default]
    Standard,
    /// Argon2id with the smallest parameters Argon2 allows (8 KiB, 1 pass, 1 lane), for load
    /// tests that register thousands of accounts. **Insecure**: a stolen database gives up these
    /// passwords quickly, and accounts registered this way keep their weak hashes after the
    /// setting is turned off. Never the default; the server warns when it is on.
    InsecureFast,
}

impl PasswordCost {
    /// The Argon2id parameters new hashes are made with.
    fn params(self) -> Params {
        match self {
            PasswordCost::Standard => Params::default(),
            PasswordCost::InsecureFast => {
                Params::new(Params::MIN_M_COST, Params::MIN_T_COST, 1, None).unwrap_or_default()
            }
        }
    }
}

/// Hashes and verifies passwords with Argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane,
/// the OWASP recommendation) on the blocking thread pool, at most a configured number at once,
/// so logins can neither stall the async runtime nor exhaust memory.
#[derive(Clone, Debug)]
pub struct PasswordHasher {
    /// One permit per hash allowed to run at the same time.
    permits: Arc<Semaphore>,
    /// A real hash of a random password, verified against when a login names an unknown user so
    /// that such a login takes as long as a wrong password.
    decoy: PasswordHash,
    /// Parameters for new hashes (verification reads them from the stored hash).
    params: Params,
}

impl PasswordHasher {
    /// A hasher running at most `concurrency` hashes at once, at [`PasswordCost::Standard`].
    pub async fn new(concurrency: usize) -> Result<PasswordHasher, HashError> {
        PasswordHasher::with_cost(concurrency, PasswordCost::Standard).await
    }

    /// A hasher running at most `concurrency` hashes at once, making new hashes at `cost`.
    pub async fn with_cost(
        concurrency: usize,
        cost: PasswordCost,
    ) -> Result<PasswordHasher, HashError> {
        let permits = Arc::new(Semaphore::new(concurrency));
        let params = cost.params();
        let mut random = [0u8; 16];
        getrandom::fill(&mut random).map_err(|_| RandomSourceError)?;
        let decoy_params = params.clone();
        let decoy = run_blocking(&permits, move || {
            hash_now(&hex::encode(random), decoy_params)
        })
        .await?;
        Ok(PasswordHasher {
            permits,
            decoy,
            params,
        })
    }

    /// Hashes a new password with a fresh random salt.
    pub async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError> {
        let password = password.clone();
        let params = self.params.clone();
        run_blocking(&self.permits, move || hash_now(password.as_str(), params)).await
    }

    /// Whether `password` matches `stored`. With no stored hash (unknown user) a decoy hash is
    /// checked instead and the answer is `false`, so both cases cost the same. Passwords longer
    /// than any accepted at registration are refused without hashing.
    pub async fn verify(
        &self,
        password: String,
        stored: Option<PasswordHash>,
    ) -> Result<bool, HashError> {
        if password.len() > PASSWORD_BYTES_MAX {
            return Ok(false);
        }
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| self.decoy.clone());
        let matches = run_blocking(&self.permits, move || {
            let parsed = phc::PasswordHash::new(hash.as_str())
                .map_err(|err| HashError::Argon2(err.into()))?;
            match Argon2::default().verify_password(password.as_bytes(), &parsed) {
                Ok(()) => Ok(true),
                Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
                Err(err) => Err(HashError::Argon2(err)),
            }
        })
        .await?;
        Ok(known && matches)
    }
}

/// Hashes on the current thread (call only from the blocking pool).
fn hash_now(password: &str, params: Params) -> Result<PasswordHash, HashError> {
    Argon2::from(params)
        .hash_password(password.as_bytes())
        .map(|hash| PasswordHash(hash.to_string()))
        .map_err(HashError::Argon2)
}

/// Runs `work` on the blocking pool once a permit is free.
async fn run_blocking<T, F>(permits: &Semaphore, work: F) -> Result<T, HashError>
where
    F: FnOnce() -> Result<T, HashError> + Send + 'static,
    T: Send + 'static,
{
    let _permit = permits.acquire().await.map_err(|_| HashError::TaskFailed)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| HashError::TaskFailed)?
}

/// A bearer token: [`TOKEN_BYTES`] random bytes, sent to the client once as lowercase hex and
/// never stored (the server keeps only its [`TokenHash`]). `Debug` does not show it.
pub struct SessionToken([u8; TOKEN_BYTES]);

/// The token could not be drawn from the operating system's random source.
#[derive(Debug, thiserror::Error)]
#[error("the operating system's random source failed")]
pub struct RandomSourceError;

impl SessionToken {
    /// A fresh token from the operating system's random source.
    pub fn generate() -> Result<SessionToken, RandomSourceError> {
        let mut bytes = [0u8; TOKEN_BYTES];
        getrandom::fill(&mut bytes).map_err(|_| RandomSourceError)?;
        Ok(SessionToken(bytes))
    }

    /// Reads a token sent by a client: exactly `2 * TOKEN_BYTES` hex digits.
    pub fn parse(text: &str) -> Option<SessionToken> {
        let mut bytes = [0u8; TOKEN_BYTES];
        hex::decode_to_slice(text, &mut bytes).ok()?;
        Some(SessionToken(bytes))
    }

    /// The token as sent to the client.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The hash under which the session is stored.
    pub fn hash(&self) -> TokenHash {
        TokenHash(Sha256::digest(self.0).into())
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

/// SHA-256 of a [`SessionToken`]: what the database keeps. A plain hash suffices because the
/// token is 256 random bits, so there is nothing to guess that a slow hash would protect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// The hash's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// An authenticated request's session.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    /// The account the session belongs to.
    pub account: AccountId,
    /// The session's token hash (to end it on logout).
    pub token: TokenHash,
}

/// Reads the token from an `Authorization` header value: `Bearer <hex>` (scheme in any case).
fn bearer_token(header: &str) -> Result<SessionToken, ApiError> {
    let (scheme, token) = header.split_once(' ').ok_or(ApiError::InvalidToken)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(ApiError::InvalidToken);
    }
    SessionToken::parse(token.trim()).ok_or(ApiError::InvalidToken)
}

/// A filter that admits only requests carrying a live session's bearer token and extracts the
/// session; otherwise it rejects with [`ApiError::MissingToken`] or [`ApiError::InvalidToken`].
/// Put it after the path and method filters, so unrelated routes are not asked for a token; it
/// will also guard the WebSocket upgrade.
pub fn authenticated(
    state: AppState,
) -> impl Filter<Extract = (Session,), Error = Rejection> + Clone {
    warp::header::optional::<String>("authorization")
        .and(crate::peer::peer_ip())
        .and_then(
            move |header: Option<String>, address: Option<std::net::IpAddr>| {
                let state = state.clone();
                async move {
                    if address.is_some_and(|ip| state.admin().bans().address_banned(ip)) {
                        return Err(Rejection::from(ApiError::Banned));
                    }
                    let header = header.ok_or(ApiError::MissingToken)?;
                    let token = bearer_token(&header)?.hash();
                    let account = state
                        .store()
                        .session_account(token, UnixTime::now())
                        .await
                        .map_err(ApiError::from)?
                        .ok_or(ApiError::InvalidToken)?;
                    if state.admin().bans().account_banned(account) {
                        return Err(Rejection::from(ApiError::Banned));
                    }
                    state
                        .limiter()
                        .admit_account_request(account, std::time::Instant::now())
                        .map_err(crate::limiter::rate_limited)?;
                    Ok::<_, Rejection>(Session { account, token })
                }
            },
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_headers_are_parsed_strictly() {
        let token = SessionToken::generate().expect("random");
        let hex = token.to_hex();
        assert_eq!(hex.len(), 2 * TOKEN_BYTES);
        let parsed = bearer_token(&format!("Bearer {hex}")).expect("valid");
        assert_eq!(parsed.hash(), token.hash());
        assert!(bearer_token(&format!("bearer {}", hex.to_uppercase())).is_ok());
        assert!(bearer_token(&format!("Basic {hex}")).is_err());
        assert!(bearer_token(&format!("Bearer {}", &hex[1..])).is_err());
        assert!(bearer_token(&hex).is_err());
        assert_eq!(format!("{token:?}"), "SessionToken(<redacted>)");
    }

    #[tokio::test]
    async fn fast_hashes_verify_and_name_their_cheap_parameters() {
        let hasher = PasswordHasher::with_cost(1, PasswordCost::InsecureFast)
            .await
            .expect("hasher");
        let password = Password::parse("correct horse battery").expect("valid");
        let hash = hasher.hash(&password).await.expect("hash");
        assert!(hash.as_str().contains("m=8,t=1,p=1"), "{}", hash.as_str());
        let standard = PasswordHasher::new(1).await.expect("hasher");
        // Verification reads the parameters from the stored hash, whatever the hasher's cost.
        assert!(standard
            .verify("correct horse battery".to_owned(), Some(hash.clone()))
            .await
            .expect("verify"));
        assert!(!standard
            .verify("wrong horse battery".to_owned(), Some(hash))
            .await
            .expect("verify"));
    }

    #[test]
    fn token_hash_is_sha256_of_the_raw_bytes() {
        let token = SessionToken([7; TOKEN_BYTES]);
        let expected: [u8; 32] = Sha256::digest([7u8; TOKEN_BYTES]).into();
        assert_eq!(token.hash().as_bytes(), &expected);
    }
}
