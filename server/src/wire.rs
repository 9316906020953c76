//! JSON bodies of the REST API (`/api/v1`), kept apart from domain types so the wire format
//! changes only on purpose. `docs/protocol.md` shows each one in an example.

use serde::{Deserialize, Serialize};

use crate::accounts::Account;

/// Body of `POST /api/v1/register` and `POST /api/v1/login`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialsBody {
    /// The username.
    pub username: String,
    /// The password.
    pub password: String,
}

/// An account as shown to its owner (`register`, `me`).
#[derive(Debug, Serialize)]
pub struct AccountBody {
    /// The account id.
    pub id: i64,
    /// The username as registered.
    pub username: String,
    /// Chips in the player's account (not at tables).
    pub balance: u64,
    /// Creation time, in seconds since the Unix epoch.
    pub created_at: i64,
}

impl From<&Account> for AccountBody {
    fn from(account: &Account) -> AccountBody {
        AccountBody {
            id: account.id.get(),
            username: account.username.as_str().to_owned(),
            balance: account.balance,
            created_at: account.created_at.as_secs(),
        }
    }
}

/// Reply to `POST /api/v1/login`.
#[derive(Debug, Serialize)]
pub struct LoginBody {
    /// The bearer token, 64 hex digits; send it as `Authorization: Bearer <token>`.
    pub token: String,
    /// When the session ends, in seconds since the Unix epoch.
    pub expires_at: i64,
}

/// Reply to `GET /api/v1/health`.
#[derive(Debug, Serialize)]
pub struct HealthBody {
    /// Always `"ok"`; an unhealthy server answers with an error instead.
    pub status: &'static str,
    /// The server's version.
    pub version: &'static str,
    /// True while an operator has drained the server for maintenance: it is alive and
    /// serves, but starts no new hands (a load balancer may send new players elsewhere).
    pub draining: bool,
}

/// Reply to `GET /api/v1/server-key`.
#[derive(Debug, Serialize)]
pub struct ServerKeyBody {
    /// Always `"ed25519"`.
    pub algorithm: &'static str,
    /// The 32-byte public key as 64 hex digits.
    pub public_key: String,
    /// The fairness protocol's key id of the public key (§9), as 16 hex digits.
    pub key_id: String,
}

/// Body of every error response.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `"username_taken"`.
    pub code: &'static str,
    /// Human-readable explanation.
    pub message: String,
}
