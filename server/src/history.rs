//! Hand histories for players: a stored record rendered for one of its players as PHH
//! (through `fairness::hand_history`, fairness fields included) or as PokerStars text
//! (through `poker_core::export::to_pokerstars`), with the times PokerStars prints.
//!
//! The core reads no clock, so this module turns the settlement time into the two
//! civil times a PokerStars header shows: UTC and US Eastern time.

use fairness::{HistoryError, SignedHandRecord};
use poker_core::export::{to_pokerstars, CivilTime, StarsHeader};
use poker_core::Seat;

use crate::clock::UnixTime;

/// The download formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryFormat {
    /// PHH (TOML); several hands form a `.phhs` file.
    Phh,
    /// PokerStars hand-history text, as tracking tools import it.
    PokerStars,
}

impl HistoryFormat {
    /// Reads the `format` query value (`phh` or `pokerstars`).
    pub fn parse(text: &str) -> Option<HistoryFormat> {
        match text {
            "phh" => Some(HistoryFormat::Phh),
            "pokerstars" => Some(HistoryFormat::PokerStars),
            _ => None,
        }
    }

    /// The file extension of one hand (`phh`, `txt`) and of several (`phhs`, `txt`).
    pub fn extension(self, several: bool) -> &'static str {
        match (self, several) {
            (HistoryFormat::Phh, false) => "phh",
            (HistoryFormat::Phh, true) => "phhs",
            (HistoryFormat::PokerStars, _) => "txt",
        }
    }
}

/// A stored hand as its player sees it.
#[derive(Debug)]
pub struct PlayerHand<'a> {
    /// The signed record (it should have been verified when stored).
    pub record: &'a SignedHandRecord,
    /// The viewer's seat in it.
    pub seat: u8,
    /// The table's name.
    pub table: &'a str,
    /// Seats at the table.
    pub table_seats: u8,
    /// When the hand was settled.
    pub played_at: UnixTime,
}

/// Why a hand cannot be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The record has no hand history (a void) or does not replay.
    #[error(transparent)]
    History(#[from] HistoryError),
    /// The PokerStars export refused the hand.
    #[error("PokerStars export: {0}")]
    Export(poker_core::export::ExportError),
}

impl PlayerHand<'_> {
    /// The hand as PHH for its player (without a trailing table header).
    pub fn phh(&self) -> Result<poker_core::phh::HandHistory, RenderError> {
        Ok(fairness::hand_history(
            self.record,
            Some(self.seat),
            Some(self.table),
        )?)
    }

    /// The hand as PokerStars text for its player: their own hole cards in `Dealt to`,
    /// other players' cards only where shown at showdown.
    pub fn pokerstars(&self) -> Result<String, RenderError> {
        let hand = fairness::replayed_hand(self.record)?;
        let header = self.record.header();
        let names: Vec<(Seat, String)> = self
            .record
            .seats()
            .iter()
            .filter_map(|s| Seat::new(s.seat).map(|seat| (seat, s.player.clone())))
            .collect();
        let stars = StarsHeader {
            hand_id: stars_hand_id(header.table_id, header.hand_no),
            table_name: self.table,
            max_seats: self.table_seats,
            local_time: civil_time(self.played_at.as_secs()),
            time_zone: "UTC",
            eastern_time: eastern_time(self.played_at.as_secs()),
        };
        to_pokerstars(&hand, &stars, &names, Seat::new(self.seat)).map_err(RenderError::Export)
    }
}

/// PokerStars hand numbers are digits only and unique per site: table number × 10^9 +
/// hand number (the hand number alone if that does not fit).
pub fn stars_hand_id(table_id: u64, hand_no: u64) -> u64 {
    table_id
        .checked_mul(1_000_000_000)
        .and_then(|base| base.checked_add(hand_no))
        .unwrap_or(hand_no)
}

const SECONDS_PER_DAY: i64 = 86_400;

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    // Shift the epoch to 0000-03-01 so leap days fall at the end of a 400-year era.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153; // 0 = March
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (
        year,
        u8::try_from(month).unwrap_or(1),
        u8::try_from(day).unwrap_or(1),
    )
}

/// (year, month, day) → days since 1970-01-01; the inverse of [`civil_from_days`].
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The UTC civil time of `seconds` since the epoch (years beyond 0..=9999 are clamped).
fn civil_time(seconds: i64) -> CivilTime {
    let (year, month, day) = civil_from_days(seconds.div_euclid(SECONDS_PER_DAY));
    let second_of_day = seconds.rem_euclid(SECONDS_PER_DAY);
    let part = |value: i64| u8::try_from(value).unwrap_or(0);
    CivilTime {
        year: u16::try_from(year.clamp(0, 9999)).unwrap_or(0),
        month,
        day,
        hour: part(second_of_day / 3600),
        minute: part(second_of_day % 3600 / 60),
        second: part(second_of_day % 60),
    }
}

/// Day of the week of a day count, 0 = Sunday (1970-01-01 was a Thursday).
fn weekday(days: i64) -> i64 {
    (days + 4).rem_euclid(7)
}

/// The `n`-th (1-based) Sunday of `month` in `year`, as days since the epoch.
fn nth_sunday(year: i64, month: u8, n: i64) -> i64 {
    let first = days_from_civil(year, month, 1);
    first + (7 - weekday(first)) % 7 + 7 * (n - 1)
}

/// US Eastern time: UTC−4 from 02:00 local on the second Sunday of March to 02:00 local
/// on the first Sunday of November (the rules since 2007), UTC−5 otherwise.
fn eastern_time(seconds: i64) -> CivilTime {
    let (year, _, _) = civil_from_days(seconds.div_euclid(SECONDS_PER_DAY));
    // 02:00 EST is 07:00 UTC; 02:00 EDT is 06:00 UTC.
    let starts = nth_sunday(year, 3, 2) * SECONDS_PER_DAY + 7 * 3600;
    let ends = nth_sunday(year, 11, 1) * SECONDS_PER_DAY + 6 * 3600;
    let offset = if (starts..ends).contains(&seconds) {
        4
    } else {
        5
    };
    civil_time(seconds - offset * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(time: CivilTime) -> String {
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            time.year, time.month, time.day, time.hour, time.minute, time.second
        )
    }

    #[test]
    fn civil_times_match_known_dates() {
        // Checked against `date -u -d @N`.
        for (seconds, utc) in [
            (0, "1970-01-01 00:00:00"),
            (951_782_400, "2000-02-29 00:00:00"),
            (1_709_164_799, "2024-02-28 23:59:59"),
            (1_795_518_392, "2026-11-24 11:06:32"),
            (4_102_444_800, "2100-01-01 00:00:00"),
        ] {
            assert_eq!(text(civil_time(seconds)), utc, "{seconds}");
        }
        for days in [-1000, 0, 59, 11_016, 20_000, 47_482] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn eastern_time_follows_us_daylight_saving() {
        // 2026: daylight time from 8 March 07:00 UTC to 1 November 06:00 UTC.
        for (seconds, eastern) in [
            (1_772_953_199, "2026-03-08 01:59:59"), // 06:59:59 UTC, still EST
            (1_772_953_200, "2026-03-08 03:00:00"), // 07:00 UTC, EDT
            (1_793_512_799, "2026-11-01 01:59:59"), // 05:59:59 UTC, EDT
            (1_793_512_800, "2026-11-01 01:00:00"), // 06:00 UTC, EST again
            (1_795_518_392, "2026-11-24 06:06:32"),
        ] {
            assert_eq!(text(eastern_time(seconds)), eastern, "{seconds}");
        }
    }

    #[test]
    fn stars_ids_are_digits_unique_per_table() {
        assert_eq!(stars_hand_id(2, 17), 2_000_000_017);
        assert_eq!(stars_hand_id(u64::MAX, 17), 17);
    }
}
