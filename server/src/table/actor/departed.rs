//! The table task's side of departures (`table/departures.rs`): what a player who left
//! still owed and the chips they left with are remembered in memory and saved in the store,
//! loaded again when the table opens, forgotten when the player sits down again, and their
//! blinds forgiven when a game that ran stops.
//!
//! A failed save does not stop the table: the chips have moved already and the table's
//! memory is right; only a restart before the next save would forget that departure. So it
//! is logged, not refused.

use super::Table;
use crate::accounts::AccountId;
use crate::clock::UnixTime;
use crate::store::StoreError;
use crate::table::departures::{Departure, Departures};

impl Table {
    /// Loads the departures the store kept for this table (when it opens).
    pub(super) async fn restore_departures(&mut self) -> Result<(), StoreError> {
        let now = UnixTime::now();
        let stored = self
            .state
            .store()
            .departures(self.config.name().clone(), now)
            .await?;
        self.departures = Departures::restored(stored, now);
        Ok(())
    }

    /// `account` left with `departure`. Leaving with nothing owed and no chips is nothing
    /// to remember.
    pub(super) async fn departed(&mut self, account: AccountId, departure: Departure) {
        if departure == Departure::default() {
            return;
        }
        let now = UnixTime::now();
        self.departures.remember(account, departure, now);
        let table = self.config.name().clone();
        let saved = self
            .state
            .store()
            .save_departure(table, departure.stored(account, now))
            .await;
        if let Err(err) = saved {
            tracing::error!(%err, table = %self.config.name(), account = account.get(), "saving a departure; a restart would forget it");
        }
    }

    /// `account` sat down again: what it brought back is settled.
    pub(super) async fn returned(&mut self, account: AccountId) {
        // The store holds no departure the memory does not (it is loaded when the table
        // opens), so a player without one costs no write.
        if !self.departures.returned(account) {
            return;
        }
        let table = self.config.name().clone();
        let forgotten = self.state.store().forget_departure(table, account).await;
        if let Err(err) = forgotten {
            tracing::error!(%err, table = %self.config.name(), account = account.get(), "forgetting a departure; a restart would bring it back");
        }
    }

    /// A game that ran has stopped: players who left owe no blinds any more.
    pub(super) async fn forgive_departed_blinds(&mut self) {
        if !self.departures.game_stopped() {
            return;
        }
        let table = self.config.name().clone();
        let forgiven = self.state.store().forgive_departed_blinds(table).await;
        if let Err(err) = forgiven {
            tracing::error!(%err, table = %self.config.name(), "forgiving departed players' blinds; a restart would bring them back");
        }
    }
}
