//! The table task's side of the admin API: closing, kicking, holding back hands during
//! maintenance.

use super::{refuse, Refusal, Table};
use crate::table::{AdminOrder, KickOutcome};
use crate::ws::messages::{RejectCode, WireEvent};

impl Table {
    /// Carries out an order from the admin API.
    pub(super) async fn admin(&mut self, order: AdminOrder) {
        match order {
            AdminOrder::Close => {
                tracing::info!(table = %self.config.name(), "closing after the hand in play");
                self.closing = true;
            }
            AdminOrder::Kick { account, outcome } => {
                let result = match self.seat_of_account(account) {
                    None => KickOutcome::NotSeated,
                    Some(seat) if self.in_hand(seat) => {
                        if let Some(occupant) = self.seats[usize::from(seat)].as_mut() {
                            occupant.leaving = true;
                        }
                        KickOutcome::AfterHand
                    }
                    Some(seat) => match self.stand_up(seat).await {
                        Ok(()) => KickOutcome::StoodUp,
                        Err(err) => {
                            tracing::error!(%err, seat, "standing up a kicked player");
                            KickOutcome::Failed
                        }
                    },
                };
                let _ = outcome.send(result);
            }
            AdminOrder::Wake => {}
        }
    }

    /// Whether no new hand may start: the table is closing, or the server is drained for
    /// maintenance.
    pub(super) fn holds_hands(&self) -> bool {
        self.closing || self.state.admin().draining()
    }

    /// Refuses a new seat at a closing table.
    pub(super) fn refuse_if_closing(&self) -> Result<(), Refusal> {
        if self.closing {
            return Err(refuse(RejectCode::TableClosing, "the table is closing"));
        }
        Ok(())
    }

    /// The last step of closing, with no hand in play: everyone stands up with their chips
    /// returned, and the watchers hear that the table closed.
    pub(super) async fn close_now(&mut self) {
        for seat in 0..self.config.seats() {
            if let Err(err) = self.stand_up(seat).await {
                // The chips stay in the table session; the next start of a table of this
                // name would give them back, and the ledger still balances.
                tracing::error!(%err, seat, "standing a player up at a closing table");
            }
        }
        self.emit(WireEvent::TableClosed {}, None);
        tracing::info!(table = %self.config.name(), "table closed");
    }
}
