//! The table task's side of sitting out: the `sit_out`, `sit_out_next_hand` and `sit_in`
//! requests, pending sit-outs and the sit-out limit between hands, and the blinds each
//! seat comes to owe when a hand is announced. The rules themselves are in
//! `table/seating.rs` and `table/missed_blinds.rs`; this is where the table applies them.

use super::{refuse, Player, Refusal, Table};
use crate::table::missed_blinds::HandPlan;
use crate::table::seating::{SeatState, SeatingChange};
use crate::ws::messages::{RejectCode, WireEvent};

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

    /// A hand was announced under `plan`: seats dealt in have paid what they owed, seats
    /// left out owe the blinds that passed them.
    pub(super) fn record_blinds(&mut self, plan: &HandPlan) {
        let previous = self.last_blinds;
        for (seat, slot) in (0u8..).zip(self.seats.iter_mut()) {
            if let Some(occupant) = slot.as_mut() {
                let dealt = plan.dealt.contains(&seat);
                occupant.seating.hand_announced(
                    seat,
                    dealt,
                    previous,
                    plan.blinds,
                    plan.fresh_game,
                );
            }
        }
        self.last_blinds = Some(plan.blinds);
    }

    /// Fewer than two players can be dealt: the game stops and every debt is forgiven.
    pub(super) fn game_stopped(&mut self) {
        self.last_blinds = None;
        for occupant in self.seats.iter_mut().flatten() {
            occupant.seating.game_stopped();
        }
    }
}
