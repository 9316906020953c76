//! One player's state inside a hand.

use super::chips::Chips;
use super::seat::Seat;
use crate::card::Card;

/// A player dealt into the hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Player {
    pub(super) seat: Seat,
    pub(super) starting_stack: Chips,
    /// Chips behind (not yet bet).
    pub(super) stack: Chips,
    /// Chips bet on the current street, still in front of the player.
    pub(super) street_bet: Chips,
    /// Antes posted (dead money).
    pub(super) ante_paid: Chips,
    /// Blinds, bets and calls over the whole hand, this street's included, after
    /// uncalled bets were returned.
    pub(super) bet_paid: Chips,
    pub(super) folded: bool,
    /// The current bet right after this player's last voluntary action on this
    /// street, or `None` if they have not acted on it yet. Decides whether later
    /// raises reopened the betting for them (WSOP Rule 96).
    pub(super) acted_at: Option<Chips>,
    pub(super) hole: Vec<Card>,
    /// Chips won from pots.
    pub(super) won: Chips,
}

impl Player {
    pub(super) fn new(seat: Seat, stack: Chips) -> Player {
        Player {
            seat,
            starting_stack: stack,
            stack,
            street_bet: Chips::ZERO,
            ante_paid: Chips::ZERO,
            bet_paid: Chips::ZERO,
            folded: false,
            acted_at: None,
            hole: Vec::new(),
            won: Chips::ZERO,
        }
    }

    /// Still holding cards.
    pub(super) fn is_live(&self) -> bool {
        !self.folded
    }

    /// Still holding cards with chips behind, so able to act.
    pub(super) fn can_act(&self) -> bool {
        !self.folded && !self.stack.is_zero()
    }

    /// Still holding cards with no chips behind.
    pub(super) fn is_all_in(&self) -> bool {
        !self.folded && self.stack.is_zero()
    }

    /// Moves `amount` from the stack into the street bet.
    pub(super) fn put_in(&mut self, amount: Chips) {
        self.stack = self.stack.minus(amount);
        self.street_bet = self.street_bet.plus(amount);
        self.bet_paid = self.bet_paid.plus(amount);
    }

    /// Everything the player has put into the pot.
    pub(super) fn contributed(&self) -> Chips {
        self.ante_paid.plus(self.bet_paid)
    }
}
