//! Missed blinds remembered for players who leave while owing them, so standing up and
//! sitting down again cannot wipe a debt.
//!
//! A newcomer at a running game owes only a big blind. Without this memory a player who sat
//! out through both blinds could leave and sit straight back down owing less; card rooms
//! hold the debt against the player, not the seat. It is kept for
//! [`DEPARTED_DEBT_MEMORY`] after leaving (then the player counts as new), for at most
//! [`DEPARTED_DEBTS_MAX`] players (the oldest is forgotten first), and forgotten by
//! everyone when the game stops, as seated players' debts are.

use std::collections::BTreeMap;
use tokio::time::Instant;

use crate::accounts::AccountId;
use crate::limits::{DEPARTED_DEBTS_MAX, DEPARTED_DEBT_MEMORY};
use crate::table::missed_blinds::Owed;

/// What players who left the table still owed, and when they left.
#[derive(Debug, Default)]
pub(crate) struct DepartedDebts {
    owed: BTreeMap<AccountId, (Owed, Instant)>,
}

impl DepartedDebts {
    /// Remembers what `account` owed on leaving at `now` (nothing, if it owed nothing).
    pub(crate) fn remember(&mut self, account: AccountId, owed: Owed, now: Instant) {
        self.forget_expired(now);
        if !owed.any() {
            self.owed.remove(&account);
            return;
        }
        if self.owed.len() >= DEPARTED_DEBTS_MAX && !self.owed.contains_key(&account) {
            let oldest = self
                .owed
                .iter()
                .min_by_key(|(_, (_, left))| *left)
                .map(|(account, _)| *account);
            if let Some(oldest) = oldest {
                self.owed.remove(&oldest);
            }
        }
        self.owed.insert(account, (owed, now));
        debug_assert!(self.owed.len() <= DEPARTED_DEBTS_MAX);
    }

    /// What `account` still owes from its last stay, if it left within the memory; the debt
    /// is handed over (and forgotten here).
    pub(crate) fn take(&mut self, account: AccountId, now: Instant) -> Owed {
        self.forget_expired(now);
        self.owed
            .remove(&account)
            .map_or(Owed::default(), |(owed, _)| owed)
    }

    /// The game stopped: nobody owes anything any more.
    pub(crate) fn clear(&mut self) {
        self.owed.clear();
    }

    fn forget_expired(&mut self, now: Instant) {
        self.owed
            .retain(|_, (_, left)| now.saturating_duration_since(*left) < DEPARTED_DEBT_MEMORY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(n: i64) -> AccountId {
        AccountId::from_raw(n)
    }

    const BOTH: Owed = Owed {
        small: true,
        big: true,
    };

    #[test]
    fn a_debt_is_handed_back_once_within_the_memory() {
        let mut debts = DepartedDebts::default();
        let t0 = Instant::now();
        debts.remember(account(1), BOTH, t0);
        debts.remember(account(2), Owed::default(), t0);
        assert_eq!(debts.take(account(2), t0), Owed::default());
        assert_eq!(debts.take(account(1), t0), BOTH);
        assert_eq!(
            debts.take(account(1), t0),
            Owed::default(),
            "handed over once"
        );
    }

    #[test]
    fn a_debt_expires_and_the_game_stopping_clears_all() {
        let mut debts = DepartedDebts::default();
        let t0 = Instant::now();
        debts.remember(account(1), BOTH, t0);
        assert_eq!(
            debts.take(account(1), t0 + DEPARTED_DEBT_MEMORY),
            Owed::default()
        );
        debts.remember(account(2), BOTH, t0);
        debts.clear();
        assert_eq!(debts.take(account(2), t0), Owed::default());
    }

    #[test]
    fn the_memory_is_bounded_and_forgets_the_oldest_first() {
        let mut debts = DepartedDebts::default();
        let t0 = Instant::now();
        let count = i64::try_from(DEPARTED_DEBTS_MAX).expect("small") + 1;
        for n in 0..count {
            let at = t0 + std::time::Duration::from_millis(u64::try_from(n).expect("small"));
            debts.remember(account(n), BOTH, at);
        }
        assert_eq!(debts.owed.len(), DEPARTED_DEBTS_MAX);
        assert_eq!(
            debts.take(account(0), t0),
            Owed::default(),
            "oldest forgotten"
        );
        assert_eq!(debts.take(account(count - 1), t0), BOTH);
    }
}
