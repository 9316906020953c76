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

use std::collections::BTreeMap;

use tokio::time::Instant;

use crate::accounts::AccountId;
use crate::limits::{DEPARTURES_MAX, DEPARTURE_MEMORY};
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
    left: BTreeMap<AccountId, (Departure, Instant)>,
}

impl Departures {
    /// Remembers that `account` left at `now` with `departure`.
    pub(crate) fn remember(&mut self, account: AccountId, departure: Departure, now: Instant) {
        self.forget_expired(now);
        if self.left.len() >= DEPARTURES_MAX && !self.left.contains_key(&account) {
            let oldest = self
                .left
                .iter()
                .min_by_key(|(_, (_, at))| *at)
                .map(|(account, _)| *account);
            if let Some(oldest) = oldest {
                self.left.remove(&oldest);
            }
        }
        self.left.insert(account, (departure, now));
        debug_assert!(self.left.len() <= DEPARTURES_MAX);
    }

    /// How `account` left, if within the memory (kept until [`Departures::returned`]).
    pub(crate) fn of(&mut self, account: AccountId, now: Instant) -> Departure {
        self.forget_expired(now);
        self.left
            .get(&account)
            .map_or(Departure::default(), |(departure, _)| *departure)
    }

    /// `account` sat down again: what it brought back is settled.
    pub(crate) fn returned(&mut self, account: AccountId) {
        self.left.remove(&account);
    }

    /// The game stopped: nobody owes blinds any more.
    pub(crate) fn game_stopped(&mut self) {
        for (departure, _) in self.left.values_mut() {
            departure.owed = Owed::default();
        }
    }

    fn forget_expired(&mut self, now: Instant) {
        self.left
            .retain(|_, (_, at)| now.saturating_duration_since(*at) < DEPARTURE_MEMORY);
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

    #[test]
    fn a_departure_is_kept_until_the_player_returns() {
        let mut departures = Departures::default();
        let t0 = Instant::now();
        departures.remember(account(1), OWING, t0);
        assert_eq!(departures.of(account(2), t0), Departure::default());
        assert_eq!(departures.of(account(1), t0), OWING);
        assert_eq!(
            departures.of(account(1), t0),
            OWING,
            "looking is not returning"
        );
        departures.returned(account(1));
        assert_eq!(departures.of(account(1), t0), Departure::default());
    }

    #[test]
    fn a_departure_expires_and_a_stopped_game_forgives_only_the_blinds() {
        let mut departures = Departures::default();
        let t0 = Instant::now();
        departures.remember(account(1), OWING, t0);
        assert_eq!(
            departures.of(account(1), t0 + DEPARTURE_MEMORY),
            Departure::default()
        );
        departures.remember(account(2), OWING, t0);
        departures.game_stopped();
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
        let t0 = Instant::now();
        let count = i64::try_from(DEPARTURES_MAX).expect("small") + 1;
        for n in 0..count {
            let at = t0 + std::time::Duration::from_millis(u64::try_from(n).expect("small"));
            departures.remember(account(n), OWING, at);
        }
        assert_eq!(departures.left.len(), DEPARTURES_MAX);
        assert_eq!(
            departures.of(account(0), t0),
            Departure::default(),
            "oldest forgotten"
        );
        assert_eq!(departures.of(account(count - 1), t0), OWING);
    }
}
