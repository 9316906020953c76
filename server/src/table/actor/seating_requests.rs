//! The table task's side of sitting out: the `sit_out`, `sit_out_next_hand` and `sit_in`
//! requests, pending sit-outs and the sit-out limit between hands, the blinds each seat
//! comes to owe when a hand is announced, and taking that back when the hand is voided
//! before the deal. The rules themselves are in
//! `table/seating.rs` and `table/missed_blinds.rs`; this is where the table applies them.

use super::{refuse, Player, Refusal, Table};
use crate::accounts::AccountId;
use crate::table::missed_blinds::{BlindSeats, HandPlan};
use crate::table::seating::{AnnouncedChange, SeatState, SeatingChange};
use crate::ws::messages::{RejectCode, WireEvent};

/// Where the button, the blinds and each seat's debts stood before a hand's announcement,
/// so the hand can be taken back if it is voided before the deal (like a misdeal in a card
/// room: no blind was posted, so the same button deals again and every debt stands).
#[derive(Debug)]
pub(super) struct BlindsBefore {
    hand: u64,
    button: Option<u8>,
    last_blinds: Option<BlindSeats>,
    /// Each occupant's change, with the account, so a seat taken by someone else since is
    /// left alone.
    seats: Vec<(u8, AccountId, AnnouncedChange)>,
}

impl Table {
    /// `sit_out`, `sit_out_next_hand` and `sit_in`: applies `change` to the caller's seat and
    /// tells the table.
    pub(super) fn seating(
        &mut self,
        player: &Player,
        change: impl FnOnce(&mut SeatState) -> Result<SeatingChange, RejectCode>,
    ) -> Result<(), Refusal> {
        let seat = self
            .seat_of_account(player.account)
            .ok_or_else(|| refuse(RejectCode::NotSeated, "you do not sit here"))?;
        let occupant = self.seats[usize::from(seat)]
            .as_mut()
            .ok_or_else(|| refuse(RejectCode::NotSeated, "you do not sit here"))?;
        let done = change(&mut occupant.seating).map_err(|code| {
            let message = match code {
                RejectCode::NotSittingOut => "you are not sitting out",
                _ => "you are sitting out already",
            };
            refuse(code, message)
        })?;
        let event = match done {
            SeatingChange::SatOut => WireEvent::SatOut {
                seat,
                player: occupant.name.clone(),
            },
            SeatingChange::Flag(on) => WireEvent::SitOutNextHand { seat, on },
            SeatingChange::SatIn => WireEvent::SatIn {
                seat,
                player: occupant.name.clone(),
                owes: occupant.seating.owes(),
                wait_for_big_blind: occupant.seating.waits_for_big_blind(),
            },
        };
        self.emit(event, None);
        Ok(())
    }

    /// Between hands: pending sit-outs take effect, and players who sat out more hands
    /// than the table allows are stood up with their chips returned.
    pub(super) async fn between_hands(&mut self) {
        let limit = self.config.sit_out_hands_max();
        let mut sat_out = Vec::new();
        let mut too_long = Vec::new();
        for (seat, slot) in (0u8..).zip(self.seats.iter_mut()) {
            let Some(occupant) = slot.as_mut() else {
                continue;
            };
            if occupant.seating.apply_pending() {
                sat_out.push((seat, occupant.name.clone()));
            }
            if occupant.seating.sat_out_too_long(limit) {
                too_long.push(seat);
            }
        }
        for (seat, player) in sat_out {
            self.emit(WireEvent::SatOut { seat, player }, None);
        }
        for seat in too_long {
            if let Err(err) = self.stand_up(seat).await {
                tracing::error!(%err, seat, "standing up a player who sat out too long");
            }
        }
    }

    /// Hand `hand` was announced under `plan`: the button moves, seats dealt in have paid
    /// what they owed, seats left out owe the blinds that passed them. What was there
    /// before is kept for [`Table::restore_blinds`].
    pub(super) fn record_blinds(&mut self, hand: u64, plan: &HandPlan) {
        let previous = self.last_blinds;
        let mut changes = Vec::with_capacity(self.seats.len());
        for (seat, slot) in (0u8..).zip(self.seats.iter_mut()) {
            if let Some(occupant) = slot.as_mut() {
                let dealt = plan.dealt.contains(&seat);
                let change = occupant.seating.hand_announced(
                    seat,
                    dealt,
                    previous,
                    plan.blinds,
                    plan.fresh_game,
                );
                changes.push((seat, occupant.account, change));
            }
        }
        self.blinds_before = Some(BlindsBefore {
            hand,
            button: self.button,
            last_blinds: previous,
            seats: changes,
        });
        self.button = Some(plan.button);
        self.last_blinds = Some(plan.blinds);
    }

    /// Hand `hand` was voided before the deal: the button, the blinds and the debts go back
    /// to where they were before its announcement.
    pub(super) fn restore_blinds(&mut self, hand: u64) {
        let Some(before) = self.blinds_before.take().filter(|b| b.hand == hand) else {
            return;
        };
        self.button = before.button;
        self.last_blinds = before.last_blinds;
        for (seat, account, change) in before.seats {
            let slot = self
                .seats
                .get_mut(usize::from(seat))
                .and_then(Option::as_mut);
            if let Some(occupant) = slot.filter(|o| o.account == account) {
                occupant.seating.undo_announcement(change);
            }
        }
    }

    /// Fewer than two players can be dealt: the game stops and every debt is forgiven.
    /// Departed players' debts are forgiven only when a game that ran stops: after a restart
    /// no game runs yet, and their debts stand (`departed.rs`).
    pub(super) async fn game_stopped(&mut self) {
        if self.last_blinds.take().is_some() {
            self.forgive_departed_blinds().await;
        }
        for occupant in self.seats.iter_mut().flatten() {
            occupant.seating.game_stopped();
        }
    }
}
