//! A seated player's status between hands: sitting out, a pending sit-out, the blinds
//! owed from sitting out, and how many hands they have sat out; and what the `sit_out`,
//! `sit_out_next_hand` and `sit_in` requests do to it. The table task (`actor.rs`) owns one
//! per occupant and asks it who may be dealt in; `missed_blinds.rs` decides the posts.

use super::missed_blinds::{missed, BlindSeats, Candidate, Owed};
use crate::ws::messages::{RejectCode, WireSeatStatus};

/// What a request did, for the table to announce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SeatingChange {
    /// The player sits out now (`sat_out`).
    SatOut,
    /// The flag changed (`sit_out_next_hand`).
    Flag(bool),
    /// The player came back (`sat_in`).
    SatIn,
}

/// What [`SeatState::hand_announced`] changed, kept until the hand is dealt so a hand
/// voided before the deal can be undone ([`SeatState::undo_announcement`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AnnouncedChange {
    owed_before: Owed,
    counted_sat_out: bool,
}

/// One occupant's status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SeatState {
    sitting_out: bool,
    sit_out_next_hand: bool,
    wait_for_big_blind: bool,
    owed: Owed,
    /// Hands dealt at the table while this player sat out.
    hands_sat_out: u32,
}

impl SeatState {
    /// A player who just sat down. At a running game they owe a big blind (post it to be
    /// dealt in at once, or wait for it).
    pub(crate) fn new_player(game_running: bool, wait_for_big_blind: bool) -> SeatState {
        SeatState {
            owed: Owed {
                small: false,
                big: game_running,
            },
            wait_for_big_blind,
            ..SeatState::default()
        }
    }

    /// What the player owes now.
    pub(crate) fn owed(&self) -> Owed {
        self.owed
    }

    /// Adds blinds the player still owed from an earlier stay at the table.
    pub(crate) fn owe_also(&mut self, earlier: Owed) {
        self.owed.small |= earlier.small;
        self.owed.big |= earlier.big;
    }

    /// Whether the player sits out.
    pub(crate) fn sitting_out(&self) -> bool {
        self.sitting_out
    }

    /// What the wire shows of it.
    pub(crate) fn wire(&self) -> WireSeatStatus {
        WireSeatStatus {
            sitting_out: self.sitting_out,
            sit_out_next_hand: self.sit_out_next_hand,
            owes: self.owed.as_str(),
            wait_for_big_blind: self.wait_for_big_blind,
        }
    }

    /// The seat as a candidate for the next hand.
    pub(crate) fn candidate(&self, seat: u8) -> Candidate {
        Candidate {
            seat,
            owed: self.owed,
            wait_for_big_blind: self.wait_for_big_blind,
        }
    }

    /// The blinds owed, by wire name.
    pub(crate) fn owes(&self) -> &'static str {
        self.owed.as_str()
    }

    /// Whether the player waits for the big blind.
    pub(crate) fn waits_for_big_blind(&self) -> bool {
        self.wait_for_big_blind
    }

    /// `sit_out`: sits out now unless `in_hand`, in which case the flag is set and the
    /// player sits out when the hand ends.
    pub(crate) fn sit_out(&mut self, in_hand: bool) -> Result<SeatingChange, RejectCode> {
        if self.sitting_out {
            return Err(RejectCode::AlreadySittingOut);
        }
        if in_hand {
            self.sit_out_next_hand = true;
            Ok(SeatingChange::Flag(true))
        } else {
            self.begin_sitting_out();
            Ok(SeatingChange::SatOut)
        }
    }

    /// `sit_out_next_hand`: sets or clears the flag. A player sitting out already has
    /// nothing to flag.
    pub(crate) fn set_sit_out_next_hand(&mut self, on: bool) -> Result<SeatingChange, RejectCode> {
        if self.sitting_out {
            return Err(RejectCode::AlreadySittingOut);
        }
        self.sit_out_next_hand = on;
        Ok(SeatingChange::Flag(on))
    }

    /// `sit_in`: comes back (owing what was missed), or clears a pending sit-out.
    pub(crate) fn sit_in(&mut self, wait_for_big_blind: bool) -> Result<SeatingChange, RejectCode> {
        if self.sitting_out {
            self.sitting_out = false;
            self.hands_sat_out = 0;
            self.wait_for_big_blind = wait_for_big_blind;
            Ok(SeatingChange::SatIn)
        } else if self.sit_out_next_hand {
            self.sit_out_next_hand = false;
            Ok(SeatingChange::Flag(false))
        } else {
            Err(RejectCode::NotSittingOut)
        }
    }

    /// Between hands: a pending sit-out takes effect. Returns whether it did.
    pub(crate) fn apply_pending(&mut self) -> bool {
        if self.sit_out_next_hand && !self.sitting_out {
            self.begin_sitting_out();
            true
        } else {
            false
        }
    }

    fn begin_sitting_out(&mut self) {
        self.sitting_out = true;
        self.sit_out_next_hand = false;
        self.hands_sat_out = 0;
    }

    /// A hand was announced. A seat dealt in has paid (or, in the big blind, no longer
    /// owes) what it owed; a seat left out owes the blinds that passed it and, if sitting
    /// out, has sat out one more hand. `fresh_game` forgives every debt. Returns what it
    /// changed, for [`SeatState::undo_announcement`].
    pub(crate) fn hand_announced(
        &mut self,
        seat: u8,
        dealt: bool,
        previous: Option<BlindSeats>,
        now: BlindSeats,
        fresh_game: bool,
    ) -> AnnouncedChange {
        let mut change = AnnouncedChange {
            owed_before: self.owed,
            counted_sat_out: false,
        };
        if dealt || fresh_game {
            self.owed = Owed::default();
        }
        if !dealt {
            self.owed = missed(self.owed, seat, previous.filter(|_| !fresh_game), now);
            if self.sitting_out {
                self.hands_sat_out = self.hands_sat_out.saturating_add(1);
                change.counted_sat_out = true;
            }
        }
        change
    }

    /// The hand announced with `change` was voided before the deal (a missing seed
    /// reveal): nobody posted anything and no blind passed anyone, so the debts are what
    /// they were and the hand does not count as one sat out. (Requests between the
    /// announcement and the void change only the sit-out flags, which are kept.)
    pub(crate) fn undo_announcement(&mut self, change: AnnouncedChange) {
        self.owed = change.owed_before;
        if change.counted_sat_out && self.sitting_out {
            self.hands_sat_out = self.hands_sat_out.saturating_sub(1);
        }
    }

    /// The game stopped (fewer than two players could be dealt): nobody owes anything.
    pub(crate) fn game_stopped(&mut self) {
        self.owed = Owed::default();
    }

    /// Whether the player has sat out more hands than `limit` allows.
    pub(crate) fn sat_out_too_long(&self, limit: u32) -> bool {
        self.sitting_out && self.hands_sat_out >= limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sit_out_during_a_hand_waits_for_its_end() {
        let mut state = SeatState::new_player(false, false);
        assert_eq!(state.sit_out(true), Ok(SeatingChange::Flag(true)));
        assert!(!state.sitting_out());
        assert!(state.apply_pending());
        assert!(state.sitting_out());
        assert_eq!(state.sit_out(false), Err(RejectCode::AlreadySittingOut));
        assert_eq!(state.sit_in(true), Ok(SeatingChange::SatIn));
        assert!(state.waits_for_big_blind());
        assert_eq!(state.sit_in(false), Err(RejectCode::NotSittingOut));
    }

    #[test]
    fn a_pending_sit_out_can_be_cleared() {
        let mut state = SeatState::default();
        assert_eq!(
            state.set_sit_out_next_hand(true),
            Ok(SeatingChange::Flag(true))
        );
        assert_eq!(state.sit_in(false), Ok(SeatingChange::Flag(false)));
        assert!(!state.apply_pending());
        assert!(!state.sitting_out());
    }

    #[test]
    fn sitting_out_accrues_missed_blinds_and_hands() {
        let mut state = SeatState::default();
        assert_eq!(state.sit_out(false), Ok(SeatingChange::SatOut));
        let first = BlindSeats { small: 1, big: 2 };
        let second = BlindSeats { small: 2, big: 4 };
        let third = BlindSeats { small: 4, big: 0 };
        state.hand_announced(3, false, Some(first), second, false);
        assert_eq!(state.owes(), "big");
        state.hand_announced(3, false, Some(second), third, false);
        assert_eq!(state.owes(), "both");
        assert!(state.sat_out_too_long(2));
        assert!(!state.sat_out_too_long(3));
        assert_eq!(state.sit_in(false), Ok(SeatingChange::SatIn));
        assert!(!state.sat_out_too_long(0));
        state.hand_announced(3, true, Some(third), first, false);
        assert_eq!(state.owes(), "none");
    }

    #[test]
    fn a_hand_voided_before_the_deal_leaves_debts_and_counts_as_they_were() {
        let first = BlindSeats { small: 1, big: 2 };
        let second = BlindSeats { small: 2, big: 4 };
        // Dealt in owing both: the announcement settles the debt, the void restores it.
        let mut back = SeatState::new_player(true, false);
        back.owed = Owed {
            small: true,
            big: true,
        };
        let before = back;
        let change = back.hand_announced(3, true, Some(first), second, false);
        assert_eq!(back.owes(), "none");
        back.undo_announcement(change);
        assert_eq!(back, before);
        // Left out while sitting out: the blind that passed and the hand counted go away.
        let mut away = SeatState::default();
        assert_eq!(away.sit_out(false), Ok(SeatingChange::SatOut));
        let before = away;
        let change = away.hand_announced(3, false, Some(first), second, false);
        assert_eq!((away.owes(), away.hands_sat_out), ("big", 1));
        away.undo_announcement(change);
        assert_eq!(away, before);
        // A fresh game's forgiveness is undone too.
        let mut owing = SeatState::new_player(true, false);
        let change = owing.hand_announced(3, false, None, first, true);
        assert_eq!(owing.owes(), "none");
        owing.undo_announcement(change);
        assert_eq!(owing.owes(), "big");
        // Coming back in between keeps the player in.
        let mut comes_back = SeatState::default();
        assert_eq!(comes_back.sit_out(false), Ok(SeatingChange::SatOut));
        let change = comes_back.hand_announced(3, false, Some(first), second, false);
        assert_eq!(comes_back.sit_in(false), Ok(SeatingChange::SatIn));
        comes_back.undo_announcement(change);
        assert!(!comes_back.sitting_out());
        assert_eq!((comes_back.owes(), comes_back.hands_sat_out), ("none", 0));
    }

    #[test]
    fn a_new_player_owes_a_big_blind_only_at_a_running_game() {
        assert_eq!(SeatState::new_player(true, false).owes(), "big");
        assert_eq!(SeatState::new_player(false, false).owes(), "none");
        let mut state = SeatState::new_player(true, true);
        state.game_stopped();
        assert_eq!(state.owes(), "none");
        let mut state = SeatState::new_player(true, true);
        state.hand_announced(5, false, None, BlindSeats { small: 1, big: 2 }, true);
        assert_eq!(state.owes(), "none", "a fresh game forgives");
    }
}
