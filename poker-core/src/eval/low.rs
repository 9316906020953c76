//! Fast ace-to-five eight-or-better lows from rank masks.
//!
//! Only which ranks from ace to eight are present matters for such a low, so a hand
//! reduces to an 8-bit mask (bit 0 the ace, bit 7 the eight) and the best low is its
//! five lowest bits, looked up in a 256-entry table built at compile time.

use super::LowStrength;

/// The 8-bit ace-to-eight mask of a 13-bit rank mask (deuce bit 0 … ace bit 12).
#[inline]
pub(super) const fn low_ranks(rank_mask: u32) -> u32 {
    ((rank_mask & 0x7F) << 1) | ((rank_mask >> 12) & 1)
}

/// Packed low of the five lowest bits of each 8-bit mask; zero when fewer than five.
static LOW8_VALUES: [u32; 256] = low8_values();

const fn low8_values() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut mask = 0;
    while mask < 256 {
        let lowest_five = lowest_bits(mask as u32, 5);
        if lowest_five.count_ones() == 5 {
            // Nibbles `15 - value`, highest value first (see `LowStrength`).
            let mut packed = 0;
            let mut bit = 8;
            while bit > 0 {
                bit -= 1;
                if lowest_five & (1 << bit) != 0 {
                    packed = (packed << 4) | (15 - (bit + 1));
                }
            }
            table[mask] = packed;
        }
        mask += 1;
    }
    table
}

/// The `count` lowest set bits of `mask` (all of them if it has fewer).
#[inline]
pub(super) const fn lowest_bits(mut mask: u32, count: u32) -> u32 {
    let mut kept = 0;
    let mut taken = 0;
    while taken < count && mask != 0 {
        kept |= mask & mask.wrapping_neg();
        mask &= mask - 1;
        taken += 1;
    }
    kept
}

/// The low of an 8-bit ace-to-eight mask, if it has five ranks.
#[inline]
pub(super) fn low_of_mask(low_mask: u32) -> Option<LowStrength> {
    let packed = LOW8_VALUES[(low_mask & 0xFF) as usize];
    (packed != 0).then_some(LowStrength(packed))
}

/// The best eight-or-better low among cards with this 13-bit rank mask.
#[inline]
pub(super) fn best_low8(rank_mask: u32) -> Option<LowStrength> {
    low_of_mask(low_ranks(rank_mask))
}

/// The best Omaha low: two different low ranks from the hole and three more from the
/// board. For a fixed hole pair the board's three lowest other ranks are best, since
/// lows compare from the highest card down.
pub(super) fn best_omaha_low8(hole_low: u32, board_low: u32) -> Option<LowStrength> {
    if board_low.count_ones() < 3 || hole_low.count_ones() < 2 {
        return None;
    }
    let mut best = 0;
    let mut first = hole_low;
    while first != 0 {
        let a = first & first.wrapping_neg();
        first &= first - 1;
        let mut second = first;
        while second != 0 {
            let b = second & second.wrapping_neg();
            second &= second - 1;
            let board_three = lowest_bits(board_low & !(a | b), 3);
            if board_three.count_ones() == 3 {
                best = best.max(LOW8_VALUES[(a | b | board_three) as usize]);
            }
        }
    }
    (best != 0).then_some(LowStrength(best))
}
