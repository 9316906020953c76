//! The clock of the seat to act beyond its action clock: a per-seat time bank, and the
//! decision, each time the seat's deadline passes, between a disconnect grace, the time bank
//! and the engine's time-out action.
//!
//! The order is fixed so the outcome never depends on timing accidents: a disconnected seat
//! first gets its disconnect grace (once per turn, if the abuse limit allows); a connected
//! seat then gets its whole remaining bank (once per turn); otherwise the time-out action
//! (check if free, else fold) is applied. The bank is never spent while disconnected: it is
//! thinking time, and the grace is what covers a lost connection.

use std::time::Duration;

use tokio::time::Instant;

/// A seat's reserve of extra thinking time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimeBank {
    left: Duration,
    size: Duration,
}

impl TimeBank {
    /// A full bank of `size`.
    pub(crate) fn full(size: Duration) -> TimeBank {
        TimeBank { left: size, size }
    }

    /// Time left in the bank.
    pub(crate) fn left(self) -> Duration {
        self.left
    }

    /// Takes `used` out of the bank (all of it if `used` is more).
    pub(crate) fn spend(&mut self, used: Duration) {
        self.left = self.left.saturating_sub(used);
    }

    /// Adds `amount` back, up to the bank's size.
    pub(crate) fn refill(&mut self, amount: Duration) {
        self.left = self.left.saturating_add(amount).min(self.size);
    }
}

/// What to do when the deadline of the seat to act has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expiry {
    /// Wait this much longer for a disconnected player.
    Grace(Duration),
    /// Run the seat's bank, this long.
    Bank(Duration),
    /// Apply the engine's time-out action.
    TimeOut,
}

/// One turn's extensions: which were used, and when the bank started running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TurnClock {
    seat: u8,
    grace_used: bool,
    bank_run: Option<(Instant, Duration)>,
}

impl TurnClock {
    /// A turn of `seat` that has used no extension yet.
    pub(crate) fn start(seat: u8) -> TurnClock {
        TurnClock {
            seat,
            grace_used: false,
            bank_run: None,
        }
    }

    /// The seat whose turn this is.
    pub(crate) fn seat(self) -> u8 {
        self.seat
    }

    /// The extension due now, given whether the player is `connected`, whether the abuse
    /// limit still allows a grace, the configured `grace` and what is left in the bank.
    /// Nothing is changed: the caller records what it grants.
    pub(crate) fn decide(
        self,
        connected: bool,
        grace_allowed: bool,
        grace: Duration,
        bank_left: Duration,
    ) -> Expiry {
        if !connected {
            if !self.grace_used && grace_allowed && !grace.is_zero() {
                return Expiry::Grace(grace);
            }
            return Expiry::TimeOut;
        }
        if self.bank_run.is_none() && !bank_left.is_zero() {
            return Expiry::Bank(bank_left);
        }
        Expiry::TimeOut
    }

    /// Records that the grace was granted.
    pub(crate) fn grant_grace(&mut self) {
        self.grace_used = true;
    }

    /// Records that the bank started running at `now` for `length`.
    pub(crate) fn start_bank(&mut self, now: Instant, length: Duration) {
        self.bank_run = Some((now, length));
    }

    /// What the turn took from the bank if it ends at `now`: nothing unless the bank ran.
    pub(crate) fn bank_spent(self, now: Instant) -> Duration {
        match self.bank_run {
            Some((started, length)) => now.saturating_duration_since(started).min(length),
            None => Duration::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRACE: Duration = Duration::from_secs(10);
    const BANK: Duration = Duration::from_secs(20);

    #[test]
    fn banks_spend_and_refill_within_their_size() {
        let mut bank = TimeBank::full(BANK);
        bank.spend(Duration::from_secs(15));
        assert_eq!(bank.left(), Duration::from_secs(5));
        bank.refill(Duration::from_secs(4));
        assert_eq!(bank.left(), Duration::from_secs(9));
        bank.refill(Duration::from_secs(400));
        assert_eq!(bank.left(), BANK);
        bank.spend(Duration::MAX);
        assert_eq!(bank.left(), Duration::ZERO);
    }

    #[test]
    fn a_disconnected_seat_gets_one_grace_and_never_the_bank() {
        let mut turn = TurnClock::start(3);
        assert_eq!(turn.decide(false, true, GRACE, BANK), Expiry::Grace(GRACE));
        assert_eq!(turn.decide(false, false, GRACE, BANK), Expiry::TimeOut);
        assert_eq!(
            turn.decide(false, true, Duration::ZERO, BANK),
            Expiry::TimeOut
        );
        turn.grant_grace();
        assert_eq!(turn.decide(false, true, GRACE, BANK), Expiry::TimeOut);
        // Back in time during the grace: the bank is still there.
        assert_eq!(turn.decide(true, true, GRACE, BANK), Expiry::Bank(BANK));
    }

    #[test]
    fn a_connected_seat_runs_its_bank_once_and_pays_for_what_it_used() {
        let now = Instant::now();
        let mut turn = TurnClock::start(0);
        assert_eq!(turn.bank_spent(now), Duration::ZERO);
        assert_eq!(
            turn.decide(true, true, GRACE, Duration::ZERO),
            Expiry::TimeOut
        );
        assert_eq!(turn.decide(true, true, GRACE, BANK), Expiry::Bank(BANK));
        turn.start_bank(now, BANK);
        assert_eq!(turn.decide(true, true, GRACE, BANK), Expiry::TimeOut);
        assert_eq!(
            turn.bank_spent(now + Duration::from_secs(3)),
            Duration::from_secs(3)
        );
        assert_eq!(turn.bank_spent(now + Duration::from_secs(300)), BANK);
        // Lost the connection while the bank ran: the grace still comes.
        assert_eq!(turn.decide(false, true, GRACE, BANK), Expiry::Grace(GRACE));
    }
}
