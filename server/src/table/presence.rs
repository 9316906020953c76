//! Who in a seat is connected, since when a seat has been without a connection, each seat's
//! time bank, the clock extensions of the turn in play, and the limit on disconnect graces.
//!
//! A seat outlives its player's socket: a disconnected player keeps the seat (and the chips
//! at the table) for [`PresenceRules::seat_keep`], is not dealt into new hands meanwhile, and
//! is stood up between hands once that passes. The rules are per table ([`PresenceRules`]).

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use tokio::time::Instant;

use super::clock_bank::{Expiry, TimeBank, TurnClock};
use crate::accounts::AccountId;
use crate::limits::{
    DISCONNECT_GRACES_DEFAULT, DISCONNECT_GRACES_MAX, DISCONNECT_GRACE_DEFAULT,
    DISCONNECT_GRACE_MAX, DISCONNECT_GRACE_WINDOW_HANDS_DEFAULT, DISCONNECT_GRACE_WINDOW_HANDS_MAX,
    SEAT_KEEP_DEFAULT, SEAT_KEEP_MAX, TIME_BANK_DEFAULT, TIME_BANK_MAX, TIME_BANK_REFILL_DEFAULT,
};

/// A table's rules for time banks and disconnections. Built with [`PresenceRules::new`],
/// which checks every value against its limit; [`Default`] uses the `*_DEFAULT` limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresenceRules {
    time_bank: Duration,
    time_bank_refill: Duration,
    disconnect_grace: Duration,
    seat_keep: Duration,
    graces_per_window: u32,
    grace_window_hands: u64,
}

/// Why presence rules were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PresenceRulesError {
    /// A duration is above its limit.
    #[error("{setting} must be at most {max:?}")]
    TooLong {
        /// The setting.
        setting: &'static str,
        /// Its limit.
        max: Duration,
    },
    /// The grace count is above [`DISCONNECT_GRACES_MAX`].
    #[error("at most {DISCONNECT_GRACES_MAX} disconnect graces per window")]
    TooManyGraces,
    /// The window is not `1..=DISCONNECT_GRACE_WINDOW_HANDS_MAX` hands.
    #[error("the disconnect grace window is 1..={DISCONNECT_GRACE_WINDOW_HANDS_MAX} hands")]
    Window,
}

impl Default for PresenceRules {
    fn default() -> PresenceRules {
        PresenceRules {
            time_bank: TIME_BANK_DEFAULT,
            time_bank_refill: TIME_BANK_REFILL_DEFAULT,
            disconnect_grace: DISCONNECT_GRACE_DEFAULT,
            seat_keep: SEAT_KEEP_DEFAULT,
            graces_per_window: DISCONNECT_GRACES_DEFAULT,
            grace_window_hands: DISCONNECT_GRACE_WINDOW_HANDS_DEFAULT,
        }
    }
}

impl PresenceRules {
    /// Checked rules:
    /// * `time_bank`: each seat's bank, full when the player sits down (zero: no bank);
    /// * `time_bank_refill`: added back after each hand the seat was dealt in, up to the size;
    /// * `disconnect_grace`: extra time after the action clock for a disconnected player to
    ///   act (zero: none);
    /// * `seat_keep`: how long a disconnected player keeps the seat;
    /// * `graces_per_window` graces at most in any `grace_window_hands` consecutive hands.
    ///
    /// ```
    /// use std::time::Duration;
    /// use poker_server::table::PresenceRules;
    /// let rules = PresenceRules::new(Duration::from_secs(30), Duration::from_secs(5),
    ///     Duration::from_secs(20), Duration::from_secs(120), 3, 50)?;
    /// assert_eq!(rules.disconnect_grace(), Duration::from_secs(20));
    /// # Ok::<(), poker_server::table::PresenceRulesError>(())
    /// ```
    pub fn new(
        time_bank: Duration,
        time_bank_refill: Duration,
        disconnect_grace: Duration,
        seat_keep: Duration,
        graces_per_window: u32,
        grace_window_hands: u64,
    ) -> Result<PresenceRules, PresenceRulesError> {
        for (setting, value, max) in [
            ("time_bank", time_bank, TIME_BANK_MAX),
            ("time_bank_refill", time_bank_refill, TIME_BANK_MAX),
            ("disconnect_grace", disconnect_grace, DISCONNECT_GRACE_MAX),
            ("seat_keep", seat_keep, SEAT_KEEP_MAX),
        ] {
            if value > max {
                return Err(PresenceRulesError::TooLong { setting, max });
            }
        }
        if graces_per_window > DISCONNECT_GRACES_MAX {
            return Err(PresenceRulesError::TooManyGraces);
        }
        if !(1..=DISCONNECT_GRACE_WINDOW_HANDS_MAX).contains(&grace_window_hands) {
            return Err(PresenceRulesError::Window);
        }
        Ok(PresenceRules {
            time_bank,
            time_bank_refill,
            disconnect_grace,
            seat_keep,
            graces_per_window,
            grace_window_hands,
        })
    }

    /// The same rules with another time bank `size` and per-hand `refill`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use poker_server::table::PresenceRules;
    /// let no_bank = PresenceRules::default().with_time_bank(Duration::ZERO, Duration::ZERO)?;
    /// assert_eq!(no_bank.time_bank(), Duration::ZERO);
    /// # Ok::<(), poker_server::table::PresenceRulesError>(())
    /// ```
    pub fn with_time_bank(
        self,
        size: Duration,
        refill: Duration,
    ) -> Result<PresenceRules, PresenceRulesError> {
        PresenceRules::new(
            size,
            refill,
            self.disconnect_grace,
            self.seat_keep,
            self.graces_per_window,
            self.grace_window_hands,
        )
    }

    /// Each seat's time bank when the player sits down.
    pub fn time_bank(&self) -> Duration {
        self.time_bank
    }
    /// Added back to a seat's bank after each hand it was dealt in, up to the bank's size.
    pub fn time_bank_refill(&self) -> Duration {
        self.time_bank_refill
    }
    /// Extra time a disconnected player to act gets once the action clock runs out.
    pub fn disconnect_grace(&self) -> Duration {
        self.disconnect_grace
    }
    /// How long a disconnected player keeps the seat before being stood up between hands.
    pub fn seat_keep(&self) -> Duration {
        self.seat_keep
    }
    /// Most disconnect graces one player gets in any [`Self::grace_window_hands`] hands.
    pub fn graces_per_window(&self) -> u32 {
        self.graces_per_window
    }
    /// The window, in consecutive hands, over which graces are counted.
    pub fn grace_window_hands(&self) -> u64 {
        self.grace_window_hands
    }
}

/// The hands in which each player got a disconnect grace, within the window.
///
/// Kept per account rather than per seat, so standing up and sitting down again does not
/// reset it. Accounts whose graces all left the window are forgotten, which bounds the map by
/// the players who got a grace in the last window of hands.
#[derive(Debug, Default)]
struct GraceLimiter {
    granted: BTreeMap<AccountId, VecDeque<u64>>,
}

impl GraceLimiter {
    /// Graces `account` may still get in hand `hand`.
    fn left(&self, account: AccountId, hand: u64, rules: &PresenceRules) -> u32 {
        let recent = self.granted.get(&account).map_or(0, |hands| {
            hands
                .iter()
                .filter(|&&h| h.saturating_add(rules.grace_window_hands) > hand)
                .count()
        });
        rules
            .graces_per_window
            .saturating_sub(u32::try_from(recent).unwrap_or(u32::MAX))
    }

    /// Records a grace for `account` in `hand` and forgets graces out of the window.
    fn record(&mut self, account: AccountId, hand: u64, rules: &PresenceRules) {
        self.granted.entry(account).or_default().push_back(hand);
        self.granted.retain(|_, hands| {
            while hands
                .front()
                .is_some_and(|&h| h.saturating_add(rules.grace_window_hands) <= hand)
            {
                hands.pop_front();
            }
            !hands.is_empty()
        });
    }
}

/// One occupied seat's connection state and bank.
#[derive(Debug, Clone, Copy)]
struct SeatPresence {
    account: AccountId,
    /// When the player's last connection went; `None` while connected.
    disconnected_at: Option<Instant>,
    bank: TimeBank,
}

/// A change of a seat's connection, for the `player_status` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StatusChange {
    /// The seat.
    pub(crate) seat: u8,
    /// Connected now.
    pub(crate) connected: bool,
}

/// What was decided when the deadline of the seat to act passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extension {
    /// A disconnect grace of this length; `graces_left` more in the window.
    Grace {
        /// The seat.
        seat: u8,
        /// How long.
        length: Duration,
        /// Graces the player has left in the window after this one.
        graces_left: u32,
    },
    /// The seat's bank runs, this long.
    Bank {
        /// The seat.
        seat: u8,
        /// How long.
        length: Duration,
    },
    /// Apply the time-out action.
    TimeOut,
}

/// Every seat's presence and bank at one table, and the turn in play.
#[derive(Debug)]
pub(crate) struct Presence {
    rules: PresenceRules,
    seats: Vec<Option<SeatPresence>>,
    graces: GraceLimiter,
    turn: Option<TurnClock>,
}

impl Presence {
    /// Nobody seated at a table of `seats` seats.
    pub(crate) fn new(seats: u8, rules: PresenceRules) -> Presence {
        Presence {
            rules,
            seats: (0..seats).map(|_| None).collect(),
            graces: GraceLimiter::default(),
            turn: None,
        }
    }

    /// The table's rules.
    pub(crate) fn rules(&self) -> &PresenceRules {
        &self.rules
    }

    /// `account` sat down in `seat` (connected, with a full bank).
    pub(crate) fn seated(&mut self, seat: u8, account: AccountId) {
        if let Some(slot) = self.seats.get_mut(usize::from(seat)) {
            *slot = Some(SeatPresence {
                account,
                disconnected_at: None,
                bank: TimeBank::full(self.rules.time_bank),
            });
        }
    }

    /// `seat` is free again.
    pub(crate) fn vacated(&mut self, seat: u8) {
        if let Some(slot) = self.seats.get_mut(usize::from(seat)) {
            *slot = None;
        }
    }

    /// Brings every seat's connection state up to date with `connected` (whether an account
    /// has a watching connection now) and returns the seats that changed.
    pub(crate) fn sync(
        &mut self,
        now: Instant,
        connected: impl Fn(AccountId) -> bool,
    ) -> Vec<StatusChange> {
        let mut changes = Vec::new();
        for (seat, slot) in (0u8..).zip(self.seats.iter_mut()) {
            let Some(presence) = slot.as_mut() else {
                continue;
            };
            let is_connected = connected(presence.account);
            match (presence.disconnected_at, is_connected) {
                (None, false) => presence.disconnected_at = Some(now),
                (Some(_), true) => presence.disconnected_at = None,
                _ => continue,
            }
            changes.push(StatusChange {
                seat,
                connected: is_connected,
            });
        }
        changes
    }

    /// Seats whose player is disconnected now, ascending.
    pub(crate) fn disconnected(&self) -> Vec<u8> {
        (0u8..)
            .zip(&self.seats)
            .filter(|(_, slot)| slot.is_some_and(|p| p.disconnected_at.is_some()))
            .map(|(seat, _)| seat)
            .collect()
    }

    /// Seats whose player has been disconnected for [`PresenceRules::seat_keep`] or longer.
    pub(crate) fn expired(&self, now: Instant) -> Vec<u8> {
        (0u8..)
            .zip(&self.seats)
            .filter(|(_, slot)| {
                slot.and_then(|p| p.disconnected_at)
                    .is_some_and(|at| now.saturating_duration_since(at) >= self.rules.seat_keep)
            })
            .map(|(seat, _)| seat)
            .collect()
    }

    /// When the next disconnected seat's keep runs out.
    pub(crate) fn next_expiry(&self) -> Option<Instant> {
        self.seats
            .iter()
            .filter_map(|slot| slot.and_then(|p| p.disconnected_at))
            .min()
            .map(|at| at + self.rules.seat_keep)
    }

    /// Time left in `seat`'s bank.
    pub(crate) fn bank_left(&self, seat: u8) -> Duration {
        self.slot(seat).map_or(Duration::ZERO, |p| p.bank.left())
    }

    /// `seat` is to act, with a fresh action clock. Ends the previous turn (see
    /// [`Presence::turn_ended`]) if it was not ended.
    pub(crate) fn turn_started(&mut self, seat: u8, now: Instant) {
        self.turn_ended(now);
        self.turn = Some(TurnClock::start(seat));
    }

    /// The turn in play ended at `now` (an action, or the time-out): the bank pays for the
    /// time it ran.
    pub(crate) fn turn_ended(&mut self, now: Instant) {
        let Some(turn) = self.turn.take() else {
            return;
        };
        let spent = turn.bank_spent(now);
        if let Some(presence) = self.slot_mut(turn.seat()) {
            presence.bank.spend(spent);
        }
    }

    /// The deadline of the seat to act passed at `now` in hand `hand`: grants and records a
    /// grace or starts the bank, or says to time out.
    /// `seat` is the seat the engine has to act; a turn clock of another seat (which would be
    /// a bug) gives no extension.
    pub(crate) fn on_expiry(&mut self, seat: u8, hand: u64, now: Instant) -> Extension {
        let Some(turn) = self.turn.as_mut().filter(|turn| turn.seat() == seat) else {
            return Extension::TimeOut;
        };
        let Some(presence) = self.seats.get(usize::from(seat)).copied().flatten() else {
            return Extension::TimeOut;
        };
        let graces_left = self.graces.left(presence.account, hand, &self.rules);
        match turn.decide(
            presence.disconnected_at.is_none(),
            graces_left > 0,
            self.rules.disconnect_grace,
            presence.bank.left(),
        ) {
            Expiry::Grace(length) => {
                turn.grant_grace();
                self.graces.record(presence.account, hand, &self.rules);
                Extension::Grace {
                    seat,
                    length,
                    graces_left: graces_left.saturating_sub(1),
                }
            }
            Expiry::Bank(length) => {
                turn.start_bank(now, length);
                Extension::Bank { seat, length }
            }
            Expiry::TimeOut => Extension::TimeOut,
        }
    }

    /// After a hand: the seats dealt in get [`PresenceRules::time_bank_refill`] back.
    pub(crate) fn refill(&mut self, seats: impl IntoIterator<Item = u8>) {
        let amount = self.rules.time_bank_refill;
        for seat in seats {
            if let Some(presence) = self.slot_mut(seat) {
                presence.bank.refill(amount);
            }
        }
    }

    fn slot(&self, seat: u8) -> Option<&SeatPresence> {
        self.seats.get(usize::from(seat)).and_then(Option::as_ref)
    }

    fn slot_mut(&mut self, seat: u8) -> Option<&mut SeatPresence> {
        self.seats
            .get_mut(usize::from(seat))
            .and_then(Option::as_mut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    fn rules(graces: u32, window: u64) -> PresenceRules {
        PresenceRules::new(
            10 * SECOND,
            2 * SECOND,
            5 * SECOND,
            60 * SECOND,
            graces,
            window,
        )
        .expect("valid")
    }

    fn account(n: i64) -> AccountId {
        AccountId::from_raw(n)
    }

    #[test]
    fn rules_are_checked_against_their_limits() {
        assert!(PresenceRules::new(TIME_BANK_MAX + SECOND, SECOND, SECOND, SECOND, 1, 1).is_err());
        assert!(PresenceRules::new(SECOND, SECOND, SECOND, SEAT_KEEP_MAX + SECOND, 1, 1).is_err());
        assert_eq!(
            PresenceRules::new(SECOND, SECOND, SECOND, SECOND, 1, 0),
            Err(PresenceRulesError::Window)
        );
        assert_eq!(
            PresenceRules::new(SECOND, SECOND, SECOND, SECOND, DISCONNECT_GRACES_MAX + 1, 1),
            Err(PresenceRulesError::TooManyGraces)
        );
        let zero = PresenceRules::new(
            Duration::ZERO,
            Duration::ZERO,
            Duration::ZERO,
            Duration::ZERO,
            0,
            1,
        );
        assert!(
            zero.is_ok(),
            "no bank, no grace, no seat keep is a valid table"
        );
    }

    #[test]
    fn connection_changes_are_reported_once_and_seats_expire_after_the_keep() {
        let start = Instant::now();
        let mut presence = Presence::new(3, rules(3, 10));
        presence.seated(0, account(1));
        presence.seated(2, account(2));
        assert!(presence.sync(start, |_| true).is_empty());
        let changes = presence.sync(start, |a| a != account(2));
        assert_eq!(
            changes,
            [StatusChange {
                seat: 2,
                connected: false
            }]
        );
        assert!(presence
            .sync(start + SECOND, |a| a != account(2))
            .is_empty());
        assert_eq!(presence.disconnected(), [2]);
        assert_eq!(presence.next_expiry(), Some(start + 60 * SECOND));
        assert!(presence.expired(start + 59 * SECOND).is_empty());
        assert_eq!(presence.expired(start + 60 * SECOND), [2]);
        let back = presence.sync(start + 2 * SECOND, |_| true);
        assert_eq!(
            back,
            [StatusChange {
                seat: 2,
                connected: true
            }]
        );
        assert_eq!(presence.next_expiry(), None);
        presence.vacated(2);
        assert!(
            presence.sync(start, |_| false).len() == 1,
            "only seat 0 is left"
        );
    }

    #[test]
    fn graces_are_limited_per_window_of_hands_and_per_account() {
        let now = Instant::now();
        let mut presence = Presence::new(2, rules(2, 10));
        presence.seated(1, account(5));
        presence.sync(now, |_| false);
        let mut granted = Vec::new();
        for hand in 1..=25 {
            presence.turn_started(1, now);
            let first = presence.on_expiry(1, hand, now);
            if let Extension::Grace { graces_left, .. } = first {
                granted.push((hand, graces_left));
                assert_eq!(
                    presence.on_expiry(1, hand, now),
                    Extension::TimeOut,
                    "once a turn"
                );
            } else {
                assert_eq!(first, Extension::TimeOut);
            }
        }
        assert_eq!(
            granted,
            [(1, 1), (2, 0), (11, 0), (12, 0), (21, 0), (22, 0)]
        );
        // Standing up and sitting again does not reset the count.
        presence.vacated(1);
        presence.seated(1, account(5));
        presence.sync(now, |_| false);
        presence.turn_started(1, now);
        assert_eq!(presence.on_expiry(1, 23, now), Extension::TimeOut);
        // Another player has their own count.
        presence.vacated(1);
        presence.seated(1, account(6));
        presence.sync(now, |_| false);
        presence.turn_started(1, now);
        assert!(matches!(
            presence.on_expiry(1, 23, now),
            Extension::Grace { .. }
        ));
    }

    #[test]
    fn the_bank_pays_for_the_time_it_ran_and_refills_after_hands() {
        let now = Instant::now();
        let mut presence = Presence::new(2, rules(1, 1));
        presence.seated(0, account(1));
        presence.turn_started(0, now);
        assert_eq!(
            presence.on_expiry(0, 1, now),
            Extension::Bank {
                seat: 0,
                length: 10 * SECOND
            }
        );
        presence.turn_ended(now + 4 * SECOND);
        assert_eq!(presence.bank_left(0), 6 * SECOND);
        // A turn that ends on the action clock costs nothing.
        presence.turn_started(0, now);
        presence.turn_started(1, now);
        assert_eq!(presence.bank_left(0), 6 * SECOND);
        presence.refill([0, 1]);
        assert_eq!(presence.bank_left(0), 8 * SECOND);
        presence.refill([0, 0, 0]);
        assert_eq!(presence.bank_left(0), 10 * SECOND, "never above the size");
        // Running the whole bank out empties it.
        presence.turn_started(0, now);
        presence.on_expiry(0, 2, now);
        presence.turn_ended(now + 60 * SECOND);
        assert_eq!(presence.bank_left(0), Duration::ZERO);
        presence.turn_started(0, now);
        assert_eq!(presence.on_expiry(0, 3, now), Extension::TimeOut);
    }
}
