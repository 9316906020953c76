//! What a player can do on their turn, and what they may do right now.

use super::chips::Chips;
use super::seat::Seat;

/// A player's decision on their turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Give up the hand.
    Fold,
    /// Pass without betting; only when there is nothing to call.
    Check,
    /// Match the current bet, or put in the whole stack when it does not cover
    /// the call (calling all-in for less).
    Call,
    /// Bet or raise so that the player's bet on this street totals the amount given
    /// (PHH `cbr`). The whole stack is allowed even when it is below the minimum.
    BetTo(Chips),
    /// The player's clock ran out: checks when checking is free, otherwise folds.
    TimeOut,
}

/// What the player to act may do, with exact amounts.
///
/// Every bet-to amount from `min_bet_to` to `max_bet_to` inclusive is accepted by
/// [`Hand::apply`](super::Hand::apply); a fold and a timeout are always accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LegalActions {
    /// The player to act.
    pub seat: Seat,
    /// Whether [`Action::Check`] is legal (nothing to call).
    pub can_check: bool,
    /// The chips [`Action::Call`] adds, or `None` when there is nothing to call.
    /// Below the amount to call when the stack does not cover it (all-in).
    pub call_amount: Option<Chips>,
    /// The smallest legal [`Action::BetTo`] total, or `None` when no bet or raise
    /// is allowed (then `raise_blocked` says why).
    pub min_bet_to: Option<Chips>,
    /// The largest legal [`Action::BetTo`] total.
    pub max_bet_to: Option<Chips>,
    /// Whether a `BetTo` would raise an existing bet (as opposed to opening).
    pub facing_bet: bool,
    /// Why no bet or raise is allowed, when `min_bet_to` is `None`.
    pub raise_blocked: Option<RaiseBlocked>,
    /// The player's stack before acting.
    pub stack: Chips,
    /// The player's bet so far on this street.
    pub street_bet: Chips,
}

impl LegalActions {
    /// Whether `action` is among the legal ones.
    pub fn allows(&self, action: Action) -> bool {
        match action {
            Action::Fold | Action::TimeOut => true,
            Action::Check => self.can_check,
            Action::Call => self.call_amount.is_some(),
            Action::BetTo(to) => match (self.min_bet_to, self.max_bet_to) {
                (Some(min), Some(max)) => min <= to && to <= max,
                _ => false,
            },
        }
    }
}

/// Why a player may not bet or raise right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RaiseBlocked {
    /// The player already acted and has since faced only all-ins that add up to
    /// less than a full raise (WSOP Rules 96 and 96a: several short all-ins adding
    /// up to a full raise do reopen): call or fold only. In fixed limit an all-in of
    /// at least half a bet counts as a full bet.
    NotReopened,
    /// The fixed-limit cap, or the engine's safety limit
    /// [`RAISES_PER_STREET_MAX`](super::RAISES_PER_STREET_MAX), is reached.
    CapReached,
    /// Every other player still in the hand is all-in, so nobody could call.
    NoOpponentCanCall,
    /// The stack does not exceed the amount to call.
    StackCoversOnlyACall,
}
