//! Betting rounds: legal actions with exact amounts, the min-raise and reopening
//! rules, and how an action changes the round.

use super::action::{Action, LegalActions, RaiseBlocked};
use super::chips::{sum_chips, Chips};
use super::config::{BettingStructure, LimitBetSize};
use super::error::ActionError;
use super::event::Event;
use super::hand::{Hand, RAISES_PER_STREET_MAX};

/// The state of the betting round on the current street.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Round {
    /// The bet every player must match to stay in (nominal when a blind was
    /// posted short).
    pub(super) current_bet: Chips,
    /// No-limit and pot-limit: the size of the last full bet or raise, which is the
    /// smallest raise increment. Fixed limit: the street's bet size.
    pub(super) full_raise: Chips,
    /// Full bets and raises so far, for the fixed-limit cap (pre-flop the big
    /// blind counts as the opening bet).
    pub(super) bets: u8,
    /// Every bet and raise so far, for [`RAISES_PER_STREET_MAX`].
    pub(super) raises: u32,
    /// The last player who bet or raised on this street.
    pub(super) last_aggressor: Option<usize>,
}

impl Round {
    /// A round with no bets yet and the given minimum bet.
    pub(super) fn opening(full_raise: Chips) -> Round {
        Round {
            current_bet: Chips::ZERO,
            full_raise,
            bets: 0,
            raises: 0,
            last_aggressor: None,
        }
    }

    /// The placeholder used before the forced bets are posted.
    pub(super) fn idle() -> Round {
        Round::opening(Chips::ZERO)
    }
}

/// An action after validation, with everything needed to carry it out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Move {
    Fold { timed_out: bool },
    Check { timed_out: bool },
    Call { amount: Chips },
    BetTo { to: Chips },
}

impl Hand {
    /// The fixed-limit bet size of the current street, or `None` in big-bet games.
    pub(super) fn limit_bet(&self) -> Option<Chips> {
        match self.config.game.betting {
            BettingStructure::FixedLimit {
                small_bet, big_bet, ..
            } => Some(match self.streets[self.street].limit_bet {
                LimitBetSize::Small => small_bet,
                LimitBetSize::Big => big_bet,
            }),
            BettingStructure::NoLimit | BettingStructure::PotLimit => None,
        }
    }

    /// Whether a raise by `increment` over the current bet is a full raise.
    ///
    /// Fixed limit follows the card-room rule that an all-in of at least half a
    /// bet counts as a full bet; big-bet games need the whole last raise size.
    fn is_full_raise(&self, increment: Chips) -> bool {
        match self.limit_bet() {
            Some(size) => increment.plus(increment) >= size,
            None => increment >= self.round.full_raise,
        }
    }

    /// The smallest total of raises since a player acted that reopens the betting
    /// for them (WSOP Rules 96 and 96a: several short all-ins adding up to a full
    /// raise count as one).
    fn reopen_threshold(&self) -> Chips {
        match self.limit_bet() {
            Some(size) => Chips::new(size.get().div_ceil(2)),
            None => self.round.full_raise,
        }
    }

    /// Opens a street after the first: no bets, first actor left of the button.
    /// Returns where the search for the first actor starts.
    pub(super) fn open_later_round(&mut self) -> usize {
        let full_raise = self.limit_bet().unwrap_or(self.config.forced.min_bet);
        self.round = Round::opening(full_raise);
        for p in &mut self.players {
            p.acted_at = None;
        }
        0
    }

    /// Whether player `i` still has to act in this round, given how many players
    /// can act and the largest bet of a live player on this street.
    fn needs_to_act(&self, i: usize, actors: usize, most: Chips) -> bool {
        let p = &self.players[i];
        if !p.can_act() || (p.acted_at.is_some() && p.street_bet >= self.round.current_bet) {
            return false;
        }
        // A lone player with chips who already matches every other live player has
        // nobody left to bet against.
        actors > 1 || p.street_bet < most
    }

    /// The first player from `start` on (clockwise, `start` included) who has to act.
    pub(super) fn next_to_act(&self, start: usize) -> Option<usize> {
        let n = self.players.len();
        let actors = self.actor_count();
        let most = self
            .players
            .iter()
            .filter(|q| q.is_live())
            .map(|q| q.street_bet)
            .max()
            .unwrap_or(Chips::ZERO);
        (0..n)
            .map(|k| (start + k) % n)
            .find(|&i| self.needs_to_act(i, actors, most))
    }

    /// The range of legal bet-to totals for player `i`, or why there is none.
    fn raise_range(&self, i: usize) -> Result<(Chips, Chips), RaiseBlocked> {
        let p = &self.players[i];
        let round = &self.round;
        let all_in_to = p.street_bet.plus(p.stack);
        if all_in_to <= round.current_bet {
            return Err(RaiseBlocked::StackCoversOnlyACall);
        }
        let opponent_can_call = self
            .players
            .iter()
            .enumerate()
            .any(|(j, q)| j != i && q.can_act());
        if !opponent_can_call {
            return Err(RaiseBlocked::NoOpponentCanCall);
        }
        if let Some(level) = p.acted_at {
            if round.current_bet.saturating_sub(level) < self.reopen_threshold() {
                return Err(RaiseBlocked::NotReopened);
            }
        }
        if round.raises >= RAISES_PER_STREET_MAX {
            return Err(RaiseBlocked::CapReached);
        }
        if let BettingStructure::FixedLimit {
            raise_cap: Some(cap),
            ..
        } = self.config.game.betting
        {
            if round.bets >= cap {
                return Err(RaiseBlocked::CapReached);
            }
        }
        let full_to = round.current_bet.plus(round.full_raise);
        if all_in_to < full_to {
            // Only the whole stack, an all-in below a full raise.
            return Ok((all_in_to, all_in_to));
        }
        let max = match self.config.game.betting {
            BettingStructure::NoLimit => all_in_to,
            BettingStructure::FixedLimit { .. } => full_to,
            BettingStructure::PotLimit => {
                // Pot-sized raise: call first, then raise by the whole pot.
                let to_call = round.current_bet.saturating_sub(p.street_bet);
                let bets = sum_chips(self.players.iter().map(|q| q.street_bet));
                let pot_after_call = self.pot.plus(bets).plus(to_call);
                all_in_to
                    .min(round.current_bet.plus(pot_after_call))
                    .max(full_to)
            }
        };
        Ok((full_to, max))
    }

    /// What player `i` may do now.
    pub(super) fn legal_for(&self, i: usize) -> LegalActions {
        let p = &self.players[i];
        let to_call = self.round.current_bet.saturating_sub(p.street_bet);
        let range = self.raise_range(i);
        LegalActions {
            seat: p.seat,
            can_check: to_call.is_zero(),
            call_amount: (!to_call.is_zero()).then(|| to_call.min(p.stack)),
            min_bet_to: range.ok().map(|(min, _)| min),
            max_bet_to: range.ok().map(|(_, max)| max),
            facing_bet: !self.round.current_bet.is_zero(),
            raise_blocked: range.err(),
            stack: p.stack,
            street_bet: p.street_bet,
        }
    }

    /// Checks `action` for player `i` without changing anything.
    pub(super) fn resolve(&self, i: usize, action: Action) -> Result<Move, ActionError> {
        let p = &self.players[i];
        let to_call = self.round.current_bet.saturating_sub(p.street_bet);
        match action {
            Action::Fold => Ok(Move::Fold { timed_out: false }),
            Action::TimeOut if to_call.is_zero() => Ok(Move::Check { timed_out: true }),
            Action::TimeOut => Ok(Move::Fold { timed_out: true }),
            Action::Check if to_call.is_zero() => Ok(Move::Check { timed_out: false }),
            Action::Check => Err(ActionError::CannotCheck { to_call }),
            Action::Call if to_call.is_zero() => Err(ActionError::NothingToCall),
            Action::Call => Ok(Move::Call {
                amount: to_call.min(p.stack),
            }),
            Action::BetTo(to) => {
                let (min, max) = self.raise_range(i).map_err(ActionError::RaiseNotAllowed)?;
                let all_in_to = p.street_bet.plus(p.stack);
                if to <= self.round.current_bet {
                    Err(ActionError::BetNotAboveCurrent {
                        current: self.round.current_bet,
                        got: to,
                    })
                } else if to > all_in_to {
                    Err(ActionError::BetExceedsStack { all_in_to, got: to })
                } else if to < min {
                    Err(ActionError::BetBelowMinimum { min, got: to })
                } else if to > max {
                    Err(ActionError::BetAboveMaximum { max, got: to })
                } else {
                    Ok(Move::BetTo { to })
                }
            }
        }
    }

    /// Carries out a validated move of player `i` and logs it.
    pub(super) fn perform(&mut self, i: usize, mv: Move) {
        let seat = self.players[i].seat;
        let current_bet = self.round.current_bet;
        let event = match mv {
            Move::Fold { timed_out } => {
                self.players[i].folded = true;
                Event::Folded { seat, timed_out }
            }
            Move::Check { timed_out } => {
                self.players[i].acted_at = Some(current_bet);
                Event::Checked { seat, timed_out }
            }
            Move::Call { amount } => {
                let p = &mut self.players[i];
                p.put_in(amount);
                p.acted_at = Some(current_bet);
                Event::Called {
                    seat,
                    amount,
                    all_in: p.stack.is_zero(),
                }
            }
            Move::BetTo { to } => {
                let increment = to.minus(current_bet);
                let full = self.is_full_raise(increment);
                if full {
                    if self.limit_bet().is_none() {
                        self.round.full_raise = increment;
                    }
                    self.round.bets = self.round.bets.saturating_add(1);
                }
                self.round.raises += 1;
                self.round.current_bet = to;
                self.round.last_aggressor = Some(i);
                let p = &mut self.players[i];
                let amount = to.minus(p.street_bet);
                p.put_in(amount);
                p.acted_at = Some(to);
                Event::BetOrRaised {
                    seat,
                    to,
                    amount,
                    raise: !current_bet.is_zero(),
                    full,
                    all_in: p.stack.is_zero(),
                }
            }
        };
        self.events.push(event);
    }

    /// Ends the betting round: returns the part of the largest bet nobody matched
    /// and moves every bet into the pot.
    pub(super) fn end_round(&mut self) {
        let top = self
            .players
            .iter()
            .map(|p| p.street_bet)
            .max()
            .unwrap_or(Chips::ZERO);
        let leaders: Vec<usize> = (0..self.players.len())
            .filter(|&i| self.players[i].street_bet == top)
            .collect();
        if let [leader] = leaders[..] {
            let second = self
                .players
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != leader)
                .map(|(_, q)| q.street_bet)
                .max()
                .unwrap_or(Chips::ZERO);
            let uncalled = top.minus(second);
            if !uncalled.is_zero() {
                let p = &mut self.players[leader];
                p.street_bet = p.street_bet.minus(uncalled);
                p.bet_paid = p.bet_paid.minus(uncalled);
                p.stack = p.stack.plus(uncalled);
                self.events.push(Event::UncalledBetReturned {
                    seat: p.seat,
                    amount: uncalled,
                });
            }
        }
        for p in &mut self.players {
            self.pot = self.pot.plus(p.street_bet);
            p.street_bet = Chips::ZERO;
        }
        self.events.push(Event::BettingRoundEnded {
            street: self.street as u8,
            pot: self.pot,
        });
    }
}
