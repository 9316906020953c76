//! Turns a hand's stack changes into ledger movements between the players' table sessions.

use crate::ledger::{LedgerAccountId, LedgerError, Movement};

/// Why a hand's stacks cannot be settled.
#[derive(Debug, thiserror::Error)]
pub enum SettlementError {
    /// The final stacks do not add up to the starting stacks: chips would appear or vanish.
    #[error("chips not conserved: {start} at the start, {end} at the end")]
    NotConserved {
        /// Sum of the starting stacks.
        start: u128,
        /// Sum of the final stacks.
        end: u128,
    },
    /// The ledger refused a movement (amount out of range).
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// One seat's part in a settlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeatChange {
    /// The seat's table-session account.
    pub account: LedgerAccountId,
    /// Stack at the start of the hand.
    pub start: u64,
    /// Stack at the end.
    pub end: u64,
}

/// Movements from the seats that lost chips to the seats that won them, at most one fewer
/// than the seats involved. Refuses stacks that do not conserve chips.
pub fn movements(changes: &[SeatChange]) -> Result<Vec<Movement>, SettlementError> {
    let start: u128 = changes.iter().map(|c| u128::from(c.start)).sum();
    let end: u128 = changes.iter().map(|c| u128::from(c.end)).sum();
    if start != end {
        return Err(SettlementError::NotConserved { start, end });
    }
    let mut losers: Vec<(LedgerAccountId, u64)> = changes
        .iter()
        .filter(|c| c.end < c.start)
        .map(|c| (c.account, c.start - c.end))
        .collect();
    let mut winners: Vec<(LedgerAccountId, u64)> = changes
        .iter()
        .filter(|c| c.end > c.start)
        .map(|c| (c.account, c.end - c.start))
        .collect();
    let mut out = Vec::with_capacity(losers.len() + winners.len());
    let (mut l, mut w) = (0, 0);
    // Two pointers over equal totals: each step exhausts a loser or a winner.
    while l < losers.len() && w < winners.len() {
        let amount = losers[l].1.min(winners[w].1);
        out.push(Movement::new(losers[l].0, winners[w].0, amount)?);
        losers[l].1 -= amount;
        winners[w].1 -= amount;
        if losers[l].1 == 0 {
            l += 1;
        }
        if winners[w].1 == 0 {
            w += 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(n: i64) -> LedgerAccountId {
        LedgerAccountId::from_raw(n)
    }

    #[test]
    fn losses_flow_to_winners_and_net_to_the_stack_changes() {
        let changes = [
            SeatChange {
                account: account(1),
                start: 100,
                end: 0,
            },
            SeatChange {
                account: account(2),
                start: 100,
                end: 130,
            },
            SeatChange {
                account: account(3),
                start: 100,
                end: 170,
            },
            SeatChange {
                account: account(4),
                start: 50,
                end: 50,
            },
        ];
        let moves = movements(&changes).expect("conserved");
        assert_eq!(moves.len(), 2);
        for change in &changes {
            let got: i128 = moves
                .iter()
                .map(|m| {
                    let amount = i128::from(m.amount());
                    if m.to() == change.account {
                        amount
                    } else if m.from() == change.account {
                        -amount
                    } else {
                        0
                    }
                })
                .sum();
            assert_eq!(got, i128::from(change.end) - i128::from(change.start));
        }
        let broken = [SeatChange {
            account: account(1),
            start: 1,
            end: 2,
        }];
        assert!(matches!(
            movements(&broken),
            Err(SettlementError::NotConserved { .. })
        ));
        assert!(movements(&[]).expect("empty").is_empty());
    }
}
