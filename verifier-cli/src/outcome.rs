//! What a command concludes, and the exit codes it maps to.

use thiserror::Error;

/// Exit code: everything checked is valid.
pub(crate) const EXIT_VALID: u8 = 0;
/// Exit code: a check failed (invalid or tampered input).
pub(crate) const EXIT_INVALID: u8 = 1;
/// Exit code: usage error or unreadable input (clap also uses 2 for usage errors).
pub(crate) const EXIT_UNUSABLE: u8 = 2;

/// The conclusion of a command that could read its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Every check passed.
    Valid,
    /// At least one check failed.
    Invalid,
}

impl Verdict {
    /// `Valid` when `ok`.
    pub(crate) fn from_ok(ok: bool) -> Verdict {
        if ok {
            Verdict::Valid
        } else {
            Verdict::Invalid
        }
    }

    /// The word used in JSON output.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Invalid => "invalid",
        }
    }
}

/// The input could not be used at all (exit code 2): a one-line explanation.
#[derive(Debug, Error)]
#[error("{0}")]
pub(crate) struct InputError(String);

impl InputError {
    pub(crate) fn new(message: impl Into<String>) -> InputError {
        InputError(message.into())
    }
}
