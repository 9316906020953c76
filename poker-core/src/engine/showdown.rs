//! The end of a hand: who shows and who mucks, who wins each pot (high, low or
//! both), and how split pots and odd chips are paid.

use super::chips::Chips;
use super::config::{OddChipRule, Variant};
use super::event::{Event, HandValue, PotShare, WinningHand};
use super::hand::Hand;
use super::pots::{build_pots, Pot};
use crate::eval::{
    evaluate, evaluate_omaha, evaluate_omaha_low8, evaluate_short_deck, LowStrength,
};

/// What a player's cards make at showdown.
#[derive(Clone, Copy, Debug)]
struct Showing {
    high: HandValue,
    low: Option<LowStrength>,
}

impl Hand {
    /// Pays the whole pot to the only player left; nothing is shown.
    pub(super) fn settle_uncontested(&mut self) {
        let winner = self
            .players
            .iter()
            .position(|p| p.is_live())
            .expect("a hand settled uncontested has one live player");
        let amount = self.pot;
        self.pay(0, PotShare::Whole, amount, &[winner], &[winner], None);
        self.finish();
    }

    /// Shows or mucks every remaining hand in card-room order, then pays each pot.
    pub(super) fn showdown(&mut self) {
        let pots = build_pots(&self.players);
        let showings: Vec<Option<Showing>> = (0..self.players.len())
            .map(|i| self.players[i].is_live().then(|| self.showing(i)))
            .collect();
        let shown = self.show_or_muck(&pots, &showings);
        for (k, pot) in pots.iter().enumerate() {
            self.award(k, pot, &showings, &shown);
        }
        assert!(self.pot.is_zero(), "every chip in the pot is paid out");
        self.finish();
    }

    /// Evaluates player `i`'s hand with the board, in the variant's ranking.
    fn showing(&self, i: usize) -> Showing {
        const VALID: &str = "dealt cards are distinct and of the variant's deck";
        let hole = &self.players[i].hole;
        let board = &self.board;
        let all = || [hole.as_slice(), board.as_slice()].concat();
        match self.config.game.variant {
            Variant::Holdem => Showing {
                high: HandValue::Standard(evaluate(&all()).expect(VALID)),
                low: None,
            },
            Variant::ShortDeckHoldem => Showing {
                high: HandValue::ShortDeck(evaluate_short_deck(&all()).expect(VALID)),
                low: None,
            },
            Variant::Omaha { .. } => Showing {
                high: HandValue::Standard(evaluate_omaha(hole, board).expect(VALID)),
                low: None,
            },
            Variant::OmahaHiLo { .. } => Showing {
                high: HandValue::Standard(evaluate_omaha(hole, board).expect(VALID)),
                low: evaluate_omaha_low8(hole, board).expect(VALID),
            },
        }
    }

    /// Decides, in showdown order, who shows and who mucks, and logs it.
    ///
    /// The last player to bet or raise on the final street shows first; without a
    /// bet the first live player left of the button does. The others follow
    /// clockwise. When anyone is all-in every hand is shown (TDA: all hands are
    /// tabled in an all-in showdown). Otherwise a player shows only if their hand
    /// can still win or tie some pot they are in against the hands shown before
    /// them, and mucks otherwise; a mucked hand could not have won anything.
    fn show_or_muck(&mut self, pots: &[Pot], showings: &[Option<Showing>]) -> Vec<bool> {
        let n = self.players.len();
        let first = self
            .round
            .last_aggressor
            .filter(|&i| self.players[i].is_live())
            .or_else(|| self.players.iter().position(|p| p.is_live()))
            .unwrap_or(0);
        let everyone_shows = self.players.iter().any(|p| p.is_all_in());
        let mut best_high: Vec<Option<HandValue>> = vec![None; pots.len()];
        let mut best_low: Vec<Option<LowStrength>> = vec![None; pots.len()];
        let mut shown = vec![false; n];
        for i in (0..n).map(|k| (first + k) % n) {
            let Some(showing) = showings[i] else {
                continue;
            };
            let in_pots = || {
                pots.iter()
                    .enumerate()
                    .filter(|(_, p)| p.eligible.contains(&i))
            };
            let can_win = in_pots().any(|(k, _)| {
                best_high[k].is_none_or(|best| showing.high >= best)
                    || showing
                        .low
                        .is_some_and(|low| best_low[k].is_none_or(|best| low >= best))
            });
            let seat = self.players[i].seat;
            if everyone_shows || can_win {
                shown[i] = true;
                for (k, _) in in_pots() {
                    best_high[k] = best_high[k].max(Some(showing.high));
                    best_low[k] = best_low[k].max(showing.low);
                }
                self.events.push(Event::HandShown {
                    seat,
                    cards: self.players[i].hole.clone(),
                    high: showing.high,
                    low: showing.low,
                });
            } else {
                self.events.push(Event::HandMucked { seat });
            }
        }
        shown
    }

    /// Pays pot `k` to its best shown hands: split high/low in hi-lo games when a
    /// low qualifies (the high half takes the odd chip), whole otherwise.
    fn award(&mut self, k: usize, pot: &Pot, showings: &[Option<Showing>], shown: &[bool]) {
        let contenders: Vec<(usize, Showing)> = pot
            .eligible
            .iter()
            .filter(|&&i| shown[i])
            .filter_map(|&i| showings[i].map(|s| (i, s)))
            .collect();
        let best_high = contenders
            .iter()
            .map(|(_, s)| s.high)
            .max()
            .expect("the first eligible player in showdown order always shows");
        let high_winners: Vec<usize> = contenders
            .iter()
            .filter(|(_, s)| s.high == best_high)
            .map(|&(i, _)| i)
            .collect();
        let best_low = contenders.iter().filter_map(|(_, s)| s.low).max();
        match best_low {
            Some(low) => {
                let low_winners: Vec<usize> = contenders
                    .iter()
                    .filter(|(_, s)| s.low == Some(low))
                    .map(|&(i, _)| i)
                    .collect();
                let (low_half, _) = pot
                    .amount
                    .checked_div_rem(2)
                    .expect("dividing by two is defined");
                let high_half = pot.amount.minus(low_half);
                let high_hand = Some(WinningHand::High(best_high));
                self.pay(
                    k,
                    PotShare::High,
                    high_half,
                    &pot.eligible,
                    &high_winners,
                    high_hand,
                );
                let low_hand = Some(WinningHand::Low(low));
                self.pay(
                    k,
                    PotShare::Low,
                    low_half,
                    &pot.eligible,
                    &low_winners,
                    low_hand,
                );
            }
            None => {
                let hand = Some(WinningHand::High(best_high));
                self.pay(
                    k,
                    PotShare::Whole,
                    pot.amount,
                    &pot.eligible,
                    &high_winners,
                    hand,
                );
            }
        }
    }

    /// Splits `amount` among `winners` (indices in position order, so the first
    /// is the first left of the button) under the odd-chip rule, pays them from the
    /// pot and logs the award.
    fn pay(
        &mut self,
        k: usize,
        share: PotShare,
        amount: Chips,
        eligible: &[usize],
        winners: &[usize],
        hand: Option<WinningHand>,
    ) {
        let mut winners = winners.to_vec();
        winners.sort_unstable();
        let count = winners.len() as u64;
        let (each, remainder) = amount
            .checked_div_rem(count)
            .expect("every pot share has at least one winner");
        let mut paid = Vec::with_capacity(winners.len());
        for (rank, &i) in winners.iter().enumerate() {
            let extra = match self.config.odd_chips {
                OddChipRule::ChipByChipLeftOfButton => {
                    Chips::new(u64::from((rank as u64) < remainder.get()))
                }
                OddChipRule::WholeRemainderToFirstLeftOfButton if rank == 0 => remainder,
                OddChipRule::WholeRemainderToFirstLeftOfButton => Chips::ZERO,
            };
            let chips = each.plus(extra);
            let p = &mut self.players[i];
            p.stack = p.stack.plus(chips);
            p.won = p.won.plus(chips);
            paid.push((p.seat, chips));
        }
        self.pot = self.pot.minus(amount);
        self.events.push(Event::PotAwarded {
            pot: k as u8,
            share,
            amount,
            eligible: eligible.iter().map(|&i| self.players[i].seat).collect(),
            winners: paid,
            hand,
        });
    }
}
