//! The admin token: read from the configuration, validated, and kept only as its SHA-256
//! hash; a presented token is hashed and compared in constant time.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

/// Shortest accepted admin token, in bytes: 32 random characters are beyond guessing.
pub const ADMIN_TOKEN_LEN_MIN: usize = 32;
/// Longest accepted admin token, in bytes.
pub const ADMIN_TOKEN_LEN_MAX: usize = 256;

/// The admin token as configured (flag, variable or file). `Debug` does not show it.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct AdminSecret(String);

/// Why a configured admin token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the admin token must be {ADMIN_TOKEN_LEN_MIN} to {ADMIN_TOKEN_LEN_MAX} printable ASCII characters without spaces"
)]
pub struct InvalidAdminToken;

impl TryFrom<String> for AdminSecret {
    type Error = InvalidAdminToken;

    fn try_from(text: String) -> Result<AdminSecret, InvalidAdminToken> {
        let fits = (ADMIN_TOKEN_LEN_MIN..=ADMIN_TOKEN_LEN_MAX).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_graphic());
        if fits {
            Ok(AdminSecret(text))
        } else {
            Err(InvalidAdminToken)
        }
    }
}

impl FromStr for AdminSecret {
    type Err = InvalidAdminToken;

    fn from_str(text: &str) -> Result<AdminSecret, InvalidAdminToken> {
        AdminSecret::try_from(text.to_owned())
    }
}

impl fmt::Debug for AdminSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminSecret(<redacted>)")
    }
}

impl AdminSecret {
    /// The hash the server keeps.
    pub fn hash(&self) -> AdminTokenHash {
        AdminTokenHash(Sha256::digest(self.0.as_bytes()).into())
    }
}

/// SHA-256 of the admin token.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminTokenHash([u8; 32]);

impl fmt::Debug for AdminTokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminTokenHash(<redacted>)")
    }
}

impl AdminTokenHash {
    /// Whether `presented` is the admin token. Both sides are hashed to 32 bytes first, so
    /// the comparison takes the same time whatever the input's length or content.
    pub fn matches(&self, presented: &str) -> bool {
        let presented: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        bool::from(self.0.ct_eq(&presented))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_checked_hashed_and_compared() {
        let secret: AdminSecret = "a".repeat(32).parse().expect("valid");
        let hash = secret.hash();
        assert!(hash.matches(&"a".repeat(32)));
        assert!(!hash.matches(&"a".repeat(33)));
        assert!(!hash.matches(""));
        assert!("short".parse::<AdminSecret>().is_err());
        assert!(format!("{} {}", "a".repeat(20), "b".repeat(20))
            .parse::<AdminSecret>()
            .is_err());
        assert!("x"
            .repeat(ADMIN_TOKEN_LEN_MAX + 1)
            .parse::<AdminSecret>()
            .is_err());
        assert_eq!(format!("{secret:?}"), "AdminSecret(<redacted>)");
        assert_eq!(format!("{hash:?}"), "AdminTokenHash(<redacted>)");
    }
}
