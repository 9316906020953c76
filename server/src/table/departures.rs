//! What a table remembers of players who left: the missed blinds they still owed and the
//! chips they left with, so standing up and sitting straight back down can neither wipe a
//! debt nor take chips off the table.
//!
//! Card rooms hold both against the player, not the seat: a newcomer at a running game owes
//! only a big blind, so without this a player who sat out through both blinds could leave
//! and return owing less; and a player who leaves a cash game with a big stack may not come
//! back within the hour with a small one ("ratholing"): they buy in for at least what they
//! left with (up to the table's maximum). A departure is kept for [`DEPARTURE_MEMORY`],
//! for at most [`DEPARTURES_MAX`] players (the oldest is forgotten first). When the game
//! stops, debts are forgotten (as seated players' are), stacks are not.
//!
//! The store keeps a copy (`store/departures.rs`), so a restart forgets neither; times are
//! wall-clock seconds for that reason. A restart is not the game stopping: the debts of
//! players who left are kept until a game that ran at the table stops.

use std::collections::BTreeMap;

use crate::accounts::AccountId;
use crate::clock::UnixTime;
use crate::limits::{DEPARTURES_MAX, DEPARTURE_MEMORY};
use crate::store::StoredDeparture;
use crate::table::missed_blinds::Owed;

/// What a player left the table with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Departure {
    /// Blinds still owed.
    pub(crate) owed: Owed,
    /// Chips cashed out on leaving.
    pub(crate) stack: u64,
}

/// Recent departures from one table.
#[derive(Debug, Default)]
pub(crate) struct Departures {
    left: BTreeMap<AccountId, (Departure, UnixTime)>,
}

impl Departure {
    /// The row the store keeps for `account`, who left at `at`.
    pub(crate) fn stored(self, account: AccountId, at: UnixTime) -> StoredDeparture {
        StoredDeparture {
            account,
            owes_small: self.owed.small,
            owes_big: self.owed.big,
            stack: self.stack,
            left_at: at,
        }
    }
}

impl Departures {
    /// The departures the store kept (see [`crate::store::Store::departures`]), as of `now`.
    pub(crate) fn restored(stored: Vec<StoredDeparture>, now: UnixTime) -> Departures {
        let mut departures = Departures::default();
        for row in stored {
            let owed = Owed {
                small: row.owes_small,
                big: row.owes_big,
            };
            let departure = Departure {
                owed,
                stack: row.stack,
            };
            departures.remember(row.account, departure, row.left_at);
        }
        departures.forget_expired(now);
        departures
    }

    /// Remembers that `account` left at `now` with `departure`.
    pub(crate) fn remember(&mut self, account: AccountId, departure: Departure, now: UnixTime) {
        self.forget_expired(now);
        if self.left.len() >= DEPARTURES_MAX && !self.left.contains_key(&account) {
            // Ties in time go by account, as the store orders them.
            let oldest = self
                .left
                .iter()
                .min_by_key(|(account, (_, at))| (*at, **account))
                .map(|(account, _)| *account);
            if let Some(oldest) = oldest {
                self.left.remove(&oldest);
            }
        }
        self.left.insert(account, (departure, now));
        debug_assert!(self.left.len() <= DEPARTURES_MAX);
    }

    /// How `account` left, if within the memory (kept until [`Departures::returned`]).
    pub(crate) fn of(&mut self, account: AccountId, now: UnixTime) -> Departure {
        self.forget_expired(now);
        self.left
            .get(&account)
            .map_or(Departure::default(), |(departure, _)| *departure)
    }

    /// `account` sat down again: what it brought back is settled. Returns whether a
    /// departure of theirs was remembered.
    pub(crate) fn returned(&mut self, account: AccountId) -> bool {
        self.left.remove(&account).is_some()
    }

    /// The game stopped: nobody owes blinds any more. Returns whether anybody did.
    pub(crate) fn game_stopped(&mut self) -> bool {
        let mut forgiven = false;
        for (departure, _) in self.left.values_mut() {
            forgiven |= departure.owed.any();
            departure.owed = Owed::default();
        }
        forgiven
    }

    /// Forgets departures [`DEPARTURE_MEMORY`] or more before `now`. One whose time is
    /// after `now` (the wall clock was set back) is kept until that long after its time.
    fn forget_expired(&mut self, now: UnixTime) {
        let memory = i64::try_from(DEPARTURE_MEMORY.as_secs()).unwrap_or(i64::MAX);
        self.left
            .retain(|_, (_, at)| now.as_secs().saturating_sub(at.as_secs()) < memory);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(n: i64) -> AccountId {
        AccountId::from_raw(n)
    }

    const OWING: Departure = Departure {
        owed: Owed {
            small: true,
            big: true,
        },
        stack: 300,
    };

    /// Some time, well after the epoch.
    fn t0() -> UnixTime {
        UnixTime::from_secs(1_800_000_000)
    }

    fn later(at: UnixTime, duration: std::time::Duration) -> UnixTime {
        at.saturating_add(duration)
    }

    #[test]
    fn a_departure_is_kept_until_the_player_returns() {
        let mut departures = Departures::default();
        let t0 = t0();
        departures.remember(account(1), OWING, t0);
        assert_eq!(departures.of(account(2), t0), Departure::default());
        assert_eq!(departures.of(account(1), t0), OWING);
        assert_eq!(
            departures.of(account(1), t0),
            OWING,
            "looking is not returning"
        );
        assert!(departures.returned(account(1)));
        assert_eq!(departures.of(account(1), t0), Departure::default());
        assert!(!departures.returned(account(1)), "nothing left to settle");
    }

    #[test]
    fn a_departure_expires_and_a_stopped_game_forgives_only_the_blinds() {
        let mut departures = Departures::default();
        let t0 = t0();
        departures.remember(account(1), OWING, t0);
        let almost = DEPARTURE_MEMORY - std::time::Duration::from_secs(1);
        assert_eq!(departures.of(account(1), later(t0, almost)), OWING);
        assert_eq!(
            departures.of(account(1), later(t0, DEPARTURE_MEMORY)),
            Departure::default()
        );
        departures.remember(account(2), OWING, t0);
        assert!(departures.game_stopped(), "a debt was forgiven");
        assert!(!departures.game_stopped(), "nothing left to forgive");
        assert_eq!(
            departures.of(account(2), t0),
            Departure {
                owed: Owed::default(),
                stack: 300
            }
        );
    }

    #[test]
    fn the_memory_is_bounded_and_forgets_the_oldest_first() {
        let mut departures = Departures::default();
        let t0 = t0();
        let count = i64::try_from(DEPARTURES_MAX).expect("small") + 1;
        for n in 0..count {
            // Two departures a second: ties go by account.
            let at = UnixTime::from_secs(t0.as_secs() + n / 2);
            departures.remember(account(n), OWING, at);
        }
        assert_eq!(departures.left.len(), DEPARTURES_MAX);
        assert_eq!(
            departures.of(account(0), t0),
            Departure::default(),
            "oldest forgotten"
        );
        assert_eq!(departures.of(account(1), t0), OWING, "its tie stays");
        assert_eq!(departures.of(account(count - 1), t0), OWING);
    }

    #[test]
    fn restored_departures_are_the_stored_ones_still_remembered() {
        let owing = OWING.stored(account(1), t0());
        let mut older = Departure {
            owed: Owed::default(),
            stack: 50,
        }
        .stored(account(2), UnixTime::from_secs(t0().as_secs() - 10));
        let now = later(older.left_at, DEPARTURE_MEMORY);
        let mut departures = Departures::restored(vec![older, owing], now);
        assert_eq!(departures.of(account(1), now), OWING);
        assert_eq!(departures.of(account(2), now), Departure::default());
        older.left_at = t0();
        let mut departures = Departures::restored(vec![older], now);
        assert_eq!(departures.of(account(2), now).stack, 50);
    }
}
