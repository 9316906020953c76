//! Posting the forced bets (blinds, straddle, button blind, antes) and opening the
//! first betting round from them.

use super::betting::Round;
use super::chips::Chips;
use super::config::{AnteKind, BettingStructure};
use super::event::{Blind, Event};
use super::hand::Hand;
use super::posts::ExtraPost;
use super::seat::Seat;

impl Hand {
    /// The blinds of the positions, in posting order: (index in position order, blind,
    /// nominal amount).
    fn positional_blinds(&self) -> Vec<(usize, Blind, Chips)> {
        let n = self.players.len();
        let forced = self.config.forced;
        let (small, big) = Self::blind_indices(n);
        let mut blinds = Vec::new();
        if !forced.small_blind.is_zero() {
            blinds.push((small, Blind::Small, forced.small_blind));
        }
        if !forced.big_blind.is_zero() {
            blinds.push((big, Blind::Big, forced.big_blind));
        }
        if let Some(straddle) = forced.straddle {
            blinds.push((2, Blind::Straddle, straddle));
        }
        if let Some(button_blind) = forced.button_blind {
            blinds.push((n - 1, Blind::Button, button_blind));
        }
        blinds
    }

    /// Indices in position order of the small and big blind with `n` players: heads-up
    /// the button (last in position order) posts the small blind.
    fn blind_indices(n: usize) -> (usize, usize) {
        if n == 2 {
            (1, 0)
        } else {
            (0, 1)
        }
    }

    /// The seats that post a blind of their position.
    pub(super) fn positional_blind_seats(&self) -> Vec<Seat> {
        self.positional_blinds()
            .into_iter()
            .map(|(i, _, _)| self.players[i].seat)
            .collect()
    }

    /// Posts every forced bet in the documented order (see [`Hand::start`] and
    /// [`Hand::start_with_posts`]), opens the first betting round and returns where the
    /// search for its first actor starts: the player after the last blind, or the first
    /// left of the button.
    pub(super) fn post_forced_bets(&mut self, posts: &[ExtraPost]) -> usize {
        let n = self.players.len();
        let forced = self.config.forced;
        let (_, big) = Self::blind_indices(n);
        let blinds = self.positional_blinds();
        let mut level = Chips::ZERO;
        for &(i, blind, nominal) in &blinds {
            self.post_blind(i, blind, nominal);
            level = level.max(nominal);
        }
        // For the fixed-limit cap the largest blind is the opening bet and a
        // straddle is a raise over it.
        let bet_blinds = u8::from(!level.is_zero()) + u8::from(forced.straddle.is_some());
        // Extra posts are at most the big blind, so they never raise the level.
        self.post_extra(posts);
        match forced.ante_kind {
            AnteKind::None => {}
            AnteKind::Uniform => (0..n).for_each(|i| self.post_ante(i, forced.ante)),
            AnteKind::BigBlind => self.post_ante(big, forced.ante),
        }
        let full_raise = match self.config.game.betting {
            BettingStructure::FixedLimit { small_bet, .. } => small_bet,
            BettingStructure::NoLimit | BettingStructure::PotLimit => forced.min_bet.max(level),
        };
        self.round = Round {
            current_bet: level,
            bets: bet_blinds,
            ..Round::opening(full_raise)
        };
        blinds.last().map_or(0, |&(i, _, _)| (i + 1) % n)
    }

    /// Posts a blind of `nominal` chips for player `i`, or their whole stack if less.
    fn post_blind(&mut self, i: usize, blind: Blind, nominal: Chips) {
        let p = &mut self.players[i];
        let amount = nominal.min(p.stack);
        p.put_in(amount);
        self.events.push(Event::BlindPosted {
            seat: p.seat,
            blind,
            amount,
            all_in: p.stack.is_zero(),
        });
    }

    /// Posts an ante of `nominal` chips for player `i` (whatever is left if less)
    /// straight into the pot as dead money.
    fn post_ante(&mut self, i: usize, nominal: Chips) {
        let p = &mut self.players[i];
        let amount = nominal.min(p.stack);
        if amount.is_zero() {
            return;
        }
        p.stack = p.stack.minus(amount);
        p.ante_paid = p.ante_paid.plus(amount);
        self.pot = self.pot.plus(amount);
        self.events.push(Event::AntePosted {
            seat: p.seat,
            amount,
            all_in: p.stack.is_zero(),
        });
    }
}
