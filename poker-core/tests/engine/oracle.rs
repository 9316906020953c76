//! An independent, deliberately naive settlement of a finished hand, computed from
//! its event log with the public evaluators, to check the engine's payouts.

use std::collections::BTreeMap;

use poker_core::{
    evaluate, evaluate_omaha, evaluate_omaha_low8, evaluate_short_deck, Card, Event, Hand,
    OddChipRule, Variant,
};

/// Chips each seat (by seat number) collected in the finished `hand`, by the engine's
/// result: what [`expected_winnings`] is compared with.
pub(crate) fn actual_winnings(hand: &Hand) -> BTreeMap<u8, u64> {
    hand.result()
        .unwrap()
        .seats
        .iter()
        .map(|s| (s.seat.index(), s.won.get()))
        .collect()
}

/// Chips each seat (by seat number) should collect from the pots.
pub(crate) fn expected_winnings(hand: &Hand) -> BTreeMap<u8, u64> {
    let config = hand.config();
    let mut bets: BTreeMap<u8, u64> = BTreeMap::new();
    let mut antes = 0u64;
    let mut folded = Vec::new();
    for event in hand.events() {
        match event {
            Event::HandStarted { players, .. } => {
                for p in players {
                    bets.insert(p.seat.index(), 0);
                }
            }
            Event::AntePosted { amount, .. } => antes += amount.get(),
            // Extra posts: the live part is a bet like a blind, the dead part dead money.
            Event::ExtraPosted {
                seat, live, dead, ..
            } => {
                *bets.get_mut(&seat.index()).unwrap() += live.get();
                antes += dead.get();
            }
            Event::BlindPosted { seat, amount, .. }
            | Event::Called { seat, amount, .. }
            | Event::BetOrRaised { seat, amount, .. } => {
                *bets.get_mut(&seat.index()).unwrap() += amount.get();
            }
            Event::UncalledBetReturned { seat, amount } => {
                *bets.get_mut(&seat.index()).unwrap() -= amount.get();
            }
            Event::Folded { seat, .. } => folded.push(seat.index()),
            _ => {}
        }
    }
    // Seats clockwise from the first left of the button.
    let button = hand.button().index();
    let mut order: Vec<u8> = bets.keys().copied().collect();
    order.sort_by_key(|&s| (s <= button, s));
    let live: Vec<u8> = order
        .iter()
        .copied()
        .filter(|s| !folded.contains(s))
        .collect();
    let mut won: BTreeMap<u8, u64> = bets.keys().map(|&s| (s, 0)).collect();
    if live.len() == 1 {
        won.insert(live[0], antes + bets.values().sum::<u64>());
        return won;
    }
    let board = hand.board().to_vec();
    let value = |seat: u8| -> (u64, Option<u32>) {
        let hole = hand
            .hole_cards(poker_core::Seat::new(seat).unwrap())
            .unwrap();
        let all: Vec<Card> = [hole, &board].concat();
        match config.game.variant {
            Variant::Holdem => (u64::from(evaluate(&all).unwrap().to_u32()), None),
            Variant::ShortDeckHoldem => {
                let s = evaluate_short_deck(&all).unwrap();
                let key = u64::from(s.category().short_deck_order()) << 32
                    | u64::from(s.strength().to_u32());
                (key, None)
            }
            Variant::Omaha { .. } => (
                u64::from(evaluate_omaha(hole, &board).unwrap().to_u32()),
                None,
            ),
            Variant::OmahaHiLo { .. } => (
                u64::from(evaluate_omaha(hole, &board).unwrap().to_u32()),
                evaluate_omaha_low8(hole, &board)
                    .unwrap()
                    .map(|l| l.to_u32()),
            ),
            _ => unreachable!("variant not covered by the oracle"),
        }
    };
    // Pots: all antes plus bet layers at each live player's total.
    let mut levels: Vec<u64> = live.iter().map(|s| bets[s]).filter(|&b| b > 0).collect();
    levels.sort_unstable();
    levels.dedup();
    let mut pots: Vec<(u64, Vec<u8>)> = vec![(antes, live.clone())];
    let mut previous = 0;
    for &level in &levels {
        let amount: u64 = bets.values().map(|&b| b.min(level) - b.min(previous)).sum();
        let eligible: Vec<u8> = live.iter().copied().filter(|s| bets[s] >= level).collect();
        match pots.last_mut() {
            Some(last) if last.1 == eligible => last.0 += amount,
            _ => pots.push((amount, eligible)),
        }
        previous = level;
    }
    let above: u64 = bets.values().map(|&b| b.saturating_sub(previous)).sum();
    pots.last_mut().unwrap().0 += above;
    for (amount, eligible) in pots.into_iter().filter(|(a, _)| *a > 0) {
        let values: Vec<(u8, (u64, Option<u32>))> =
            eligible.iter().map(|&s| (s, value(s))).collect();
        let best_high = values.iter().map(|(_, v)| v.0).max().unwrap();
        let high: Vec<u8> = values
            .iter()
            .filter(|(_, v)| v.0 == best_high)
            .map(|(s, _)| *s)
            .collect();
        match values.iter().filter_map(|(_, v)| v.1).max() {
            Some(best_low) => {
                let low: Vec<u8> = values
                    .iter()
                    .filter(|(_, v)| v.1 == Some(best_low))
                    .map(|(s, _)| *s)
                    .collect();
                split(amount - amount / 2, &high, config.odd_chips, &mut won);
                split(amount / 2, &low, config.odd_chips, &mut won);
            }
            None => split(amount, &high, config.odd_chips, &mut won),
        }
    }
    won
}

/// Splits `amount` among `winners` (already in order from the left of the button).
fn split(amount: u64, winners: &[u8], rule: OddChipRule, won: &mut BTreeMap<u8, u64>) {
    let n = winners.len() as u64;
    for (k, seat) in winners.iter().enumerate() {
        let odd = match rule {
            OddChipRule::ChipByChipLeftOfButton => u64::from((k as u64) < amount % n),
            _ if k == 0 => amount % n,
            _ => 0,
        };
        *won.get_mut(seat).unwrap() += amount / n + odd;
    }
}
