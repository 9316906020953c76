//! Player accounts: validated usernames and passwords, and what the server tells a player about
//! their account.

use std::fmt;

use crate::clock::UnixTime;
use crate::ledger::LedgerAccountId;
use crate::limits::{PASSWORD_BYTES_MAX, PASSWORD_LEN_MIN, USERNAME_LEN_MAX, USERNAME_LEN_MIN};

/// The database id of a player account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountId(i64);

impl AccountId {
    /// Wraps an id read from the database.
    pub(crate) fn from_raw(raw: i64) -> AccountId {
        AccountId(raw)
    }

    /// The id as stored in the database.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A username that passed validation: `USERNAME_LEN_MIN..=USERNAME_LEN_MAX` characters from
/// ASCII letters, digits, `_` and `-`, starting with a letter or digit.
///
/// Usernames are unique without regard to ASCII case, so `Alice` and `alice` cannot both exist.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

/// Why a username was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    /// Fewer than [`USERNAME_LEN_MIN`] characters.
    #[error("username must have at least {USERNAME_LEN_MIN} characters")]
    TooShort,
    /// More than [`USERNAME_LEN_MAX`] characters.
    #[error("username must have at most {USERNAME_LEN_MAX} characters")]
    TooLong,
    /// A character outside ASCII letters, digits, `_` and `-`.
    #[error("username may contain only ASCII letters, digits, '_' and '-'")]
    BadCharacter,
    /// The first character is `_` or `-`.
    #[error("username must start with a letter or digit")]
    BadFirstCharacter,
}

impl Username {
    /// Validates `raw` as a username.
    ///
    /// ```
    /// use poker_server::accounts::{Username, UsernameError};
    /// assert_eq!(Username::parse("alice_01").map(|u| u.as_str().to_owned()), Ok("alice_01".to_owned()));
    /// assert_eq!(Username::parse("al"), Err(UsernameError::TooShort));
    /// assert_eq!(Username::parse("al ice"), Err(UsernameError::BadCharacter));
    /// ```
    pub fn parse(raw: &str) -> Result<Username, UsernameError> {
        // Checked before counting so a huge string is refused without a full scan.
        if raw.len() > USERNAME_LEN_MAX {
            return Err(UsernameError::TooLong);
        }
        if !raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(UsernameError::BadCharacter);
        }
        // Only ASCII remains, so bytes are characters.
        if raw.len() < USERNAME_LEN_MIN {
            return Err(UsernameError::TooShort);
        }
        if raw.starts_with(['_', '-']) {
            return Err(UsernameError::BadFirstCharacter);
        }
        Ok(Username(raw.to_owned()))
    }

    /// The username as registered (its case is kept).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that passed validation: at least [`PASSWORD_LEN_MIN`] characters and at most
/// [`PASSWORD_BYTES_MAX`] bytes. Its `Debug` output never shows the password.
#[derive(Clone)]
pub struct Password(String);

/// Why a password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`PASSWORD_LEN_MIN`] characters.
    #[error("password must have at least {PASSWORD_LEN_MIN} characters")]
    TooShort,
    /// More than [`PASSWORD_BYTES_MAX`] bytes.
    #[error("password must have at most {PASSWORD_BYTES_MAX} bytes")]
    TooLong,
    /// A control character (including newlines), which no keyboard entry needs.
    #[error("password must not contain control characters")]
    ControlCharacter,
}

impl Password {
    /// Validates `raw` as a new password.
    ///
    /// ```
    /// use poker_server::accounts::{Password, PasswordError};
    /// assert!(Password::parse("correct horse").is_ok());
    /// assert_eq!(Password::parse("short").err(), Some(PasswordError::TooShort));
    /// ```
    pub fn parse(raw: &str) -> Result<Password, PasswordError> {
        if raw.len() > PASSWORD_BYTES_MAX {
            return Err(PasswordError::TooLong);
        }
        if raw.chars().count() < PASSWORD_LEN_MIN {
            return Err(PasswordError::TooShort);
        }
        if raw.chars().any(char::is_control) {
            return Err(PasswordError::ControlCharacter);
        }
        Ok(Password(raw.to_owned()))
    }

    /// The password, for hashing.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// What the server knows about one account, as shown to its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The account's id.
    pub id: AccountId,
    /// The username as registered.
    pub username: Username,
    /// When the account was created.
    pub created_at: UnixTime,
    /// The ledger account holding the player's chips away from tables.
    pub ledger_account: LedgerAccountId,
    /// Chips in that ledger account.
    pub balance: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_checked_at_each_bound() {
        assert_eq!(Username::parse("abc").map(|u| u.0), Ok("abc".to_owned()));
        assert_eq!(Username::parse("ab"), Err(UsernameError::TooShort));
        let longest = "a".repeat(USERNAME_LEN_MAX);
        assert!(Username::parse(&longest).is_ok());
        assert_eq!(
            Username::parse(&format!("{longest}a")),
            Err(UsernameError::TooLong)
        );
        assert_eq!(
            Username::parse("-abc"),
            Err(UsernameError::BadFirstCharacter)
        );
        assert_eq!(Username::parse("abcé"), Err(UsernameError::BadCharacter));
        assert_eq!(Username::parse(""), Err(UsernameError::TooShort));
    }

    #[test]
    fn passwords_are_checked_at_each_bound() {
        assert!(Password::parse("12345678").is_ok());
        assert_eq!(
            Password::parse("1234567").err(),
            Some(PasswordError::TooShort)
        );
        // Eight characters but more bytes: length is counted in characters.
        assert!(Password::parse("éééééééé").is_ok());
        assert!(Password::parse(&"x".repeat(PASSWORD_BYTES_MAX)).is_ok());
        assert_eq!(
            Password::parse(&"x".repeat(PASSWORD_BYTES_MAX + 1)).err(),
            Some(PasswordError::TooLong)
        );
        assert_eq!(
            Password::parse("new\nline!").err(),
            Some(PasswordError::ControlCharacter)
        );
        assert_eq!(
            format!("{:?}", Password::parse("secret-pw").ok()),
            "Some(Password(<redacted>))"
        );
    }
}
