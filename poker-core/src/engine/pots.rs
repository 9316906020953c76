//! Side pots: how the chips in the pot divide into a main pot and side pots, and
//! who can win each.
//!
//! Bets (blinds included) are layered at each distinct total that a player still
//! holding cards put in; each layer is a pot that those who reached it can win.
//! Antes are dead money: all of them, folded players' included, go into the main
//! pot, which every player still holding cards can win, even one whose ante or
//! blind was posted short (the card-room rule of `shared/phh/pokerkit-nonstandard`).
//! The ante pot is one pot with the first bet layer when both have the same eligible
//! players, which is the usual case.

use super::chips::{sum_chips, Chips};
use super::player::Player;

/// One pot and the players (indices in position order) who can win it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Pot {
    pub(super) amount: Chips,
    pub(super) eligible: Vec<usize>,
}

/// Divides everything the players put in into pots, main pot first.
pub(super) fn build_pots(players: &[Player]) -> Vec<Pot> {
    let live: Vec<bool> = players.iter().map(Player::is_live).collect();
    let bets: Vec<Chips> = players.iter().map(|p| p.bet_paid).collect();
    let mut pots = vec![Pot {
        amount: sum_chips(players.iter().map(|p| p.ante_paid)),
        eligible: (0..players.len()).filter(|&i| live[i]).collect(),
    }];
    pots.extend(layers(&bets, &live));
    let mut merged: Vec<Pot> = Vec::with_capacity(pots.len());
    for pot in pots.into_iter().filter(|p| !p.amount.is_zero()) {
        match merged.last_mut() {
            Some(last) if last.eligible == pot.eligible => {
                last.amount = last.amount.plus(pot.amount);
            }
            _ => merged.push(pot),
        }
    }
    merged
}

/// Layers `amounts` at each distinct amount of a live player.
fn layers(amounts: &[Chips], live: &[bool]) -> Vec<Pot> {
    let mut levels: Vec<Chips> = amounts
        .iter()
        .zip(live)
        .filter(|&(a, &l)| l && !a.is_zero())
        .map(|(&a, _)| a)
        .collect();
    levels.sort_unstable();
    levels.dedup();
    let mut pots = Vec::with_capacity(levels.len());
    let mut previous = Chips::ZERO;
    for level in levels {
        let amount = sum_chips(amounts.iter().map(|&a| a.min(level).minus(a.min(previous))));
        let eligible = (0..amounts.len())
            .filter(|&i| live[i] && amounts[i] >= level)
            .collect();
        pots.push(Pot { amount, eligible });
        previous = level;
    }
    // Chips of folded players above every live player's amount are dead money for
    // the last pot (or a pot of their own that every live player can win).
    let above = sum_chips(amounts.iter().map(|&a| a.saturating_sub(previous)));
    if !above.is_zero() {
        match pots.last_mut() {
            Some(last) => last.amount = last.amount.plus(above),
            None => pots.push(Pot {
                amount: above,
                eligible: (0..amounts.len()).filter(|&i| live[i]).collect(),
            }),
        }
    }
    pots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::seat::Seat;

    fn player(index: u8, ante: u64, bet: u64, folded: bool) -> Player {
        let mut p = Player::new(Seat::new(index).unwrap(), Chips::new(1000));
        p.ante_paid = Chips::new(ante);
        p.bet_paid = Chips::new(bet);
        p.folded = folded;
        p
    }

    fn summary(pots: &[Pot]) -> Vec<(u64, Vec<usize>)> {
        pots.iter()
            .map(|p| (p.amount.get(), p.eligible.clone()))
            .collect()
    }

    #[test]
    fn three_depths_of_all_in() {
        let players = [
            player(0, 0, 50, false),
            player(1, 0, 100, false),
            player(2, 0, 300, false),
            player(3, 0, 300, false),
            player(4, 0, 80, true),
        ];
        assert_eq!(
            summary(&build_pots(&players)),
            vec![
                (250, vec![0, 1, 2, 3]),
                (180, vec![1, 2, 3]),
                (400, vec![2, 3])
            ]
        );
    }

    #[test]
    fn antes_are_dead_money_in_the_main_pot() {
        let full = [
            player(0, 5, 20, false),
            player(1, 5, 20, false),
            player(2, 5, 0, true),
        ];
        assert_eq!(summary(&build_pots(&full)), vec![(55, vec![0, 1])]);
        // A player all-in on a short ante still plays for every ante.
        let short = [
            player(0, 2, 0, false),
            player(1, 5, 20, false),
            player(2, 5, 20, false),
        ];
        assert_eq!(
            summary(&build_pots(&short)),
            vec![(12, vec![0, 1, 2]), (40, vec![1, 2])]
        );
    }

    #[test]
    fn big_blind_ante_is_dead_money_for_everyone() {
        let players = [
            player(0, 0, 10, false),
            player(1, 30, 40, false),
            player(2, 0, 40, false),
        ];
        assert_eq!(
            summary(&build_pots(&players)),
            vec![(60, vec![0, 1, 2]), (60, vec![1, 2])]
        );
    }
}
