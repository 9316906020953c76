//! Wall-clock time as whole seconds since the Unix epoch, the only time the store keeps.
//!
//! Store functions take the current time as an argument instead of reading the clock, so tests
//! can expire sessions without sleeping.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UnixTime(i64);

impl UnixTime {
    /// The current wall-clock time. A clock set before 1970 reads as the epoch itself.
    pub fn now() -> UnixTime {
        let since_epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or(Duration::ZERO);
        UnixTime(i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX))
    }

    /// The time `seconds` after the epoch.
    pub fn from_secs(seconds: i64) -> UnixTime {
        UnixTime(seconds)
    }

    /// Seconds since the epoch.
    pub fn as_secs(self) -> i64 {
        self.0
    }

    /// This time plus `duration`, saturating at the far future instead of wrapping.
    pub fn saturating_add(self, duration: Duration) -> UnixTime {
        let seconds = i64::try_from(duration.as_secs()).unwrap_or(i64::MAX);
        UnixTime(self.0.saturating_add(seconds))
    }
}
