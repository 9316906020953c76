//! The eleven PHH variant codes and which betting fields each one requires.

use core::fmt;

/// A PHH `variant` code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VariantCode {
    /// `FT`: fixed-limit Texas hold'em.
    FixedLimitHoldem,
    /// `NT`: no-limit Texas hold'em.
    NoLimitHoldem,
    /// `NS`: no-limit short-deck (six-plus) hold'em.
    NoLimitShortDeckHoldem,
    /// `PO`: pot-limit Omaha.
    PotLimitOmaha,
    /// `FO/8`: fixed-limit Omaha hi-lo, eight or better.
    FixedLimitOmahaHiLo,
    /// `F7S`: fixed-limit seven-card stud.
    FixedLimitSevenCardStud,
    /// `F7S/8`: fixed-limit seven-card stud hi-lo, eight or better.
    FixedLimitSevenCardStudHiLo,
    /// `FR`: fixed-limit razz.
    FixedLimitRazz,
    /// `N2L1D`: no-limit deuce-to-seven lowball single draw.
    NoLimitDeuceToSevenSingleDraw,
    /// `F2L3D`: fixed-limit deuce-to-seven lowball triple draw.
    FixedLimitDeuceToSevenTripleDraw,
    /// `FB`: fixed-limit badugi.
    FixedLimitBadugi,
}

/// Which forced-bet and bet-size fields a variant needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BettingFields {
    /// `blinds_or_straddles` and `min_bet` (no-limit and pot-limit games).
    BlindsAndMinBet,
    /// `blinds_or_straddles`, `small_bet` and `big_bet` (fixed-limit flop and draw games).
    BlindsAndLimits,
    /// `bring_in`, `small_bet` and `big_bet` (stud games).
    BringInAndLimits,
}

impl VariantCode {
    /// Every code, in the order of the PHH specification.
    pub const ALL: [VariantCode; 11] = [
        VariantCode::FixedLimitHoldem,
        VariantCode::NoLimitHoldem,
        VariantCode::NoLimitShortDeckHoldem,
        VariantCode::PotLimitOmaha,
        VariantCode::FixedLimitOmahaHiLo,
        VariantCode::FixedLimitSevenCardStud,
        VariantCode::FixedLimitSevenCardStudHiLo,
        VariantCode::FixedLimitRazz,
        VariantCode::NoLimitDeuceToSevenSingleDraw,
        VariantCode::FixedLimitDeuceToSevenTripleDraw,
        VariantCode::FixedLimitBadugi,
    ];

    /// The code as written in PHH (`"NT"`, `"FO/8"`, …).
    pub const fn code(self) -> &'static str {
        match self {
            VariantCode::FixedLimitHoldem => "FT",
            VariantCode::NoLimitHoldem => "NT",
            VariantCode::NoLimitShortDeckHoldem => "NS",
            VariantCode::PotLimitOmaha => "PO",
            VariantCode::FixedLimitOmahaHiLo => "FO/8",
            VariantCode::FixedLimitSevenCardStud => "F7S",
            VariantCode::FixedLimitSevenCardStudHiLo => "F7S/8",
            VariantCode::FixedLimitRazz => "FR",
            VariantCode::NoLimitDeuceToSevenSingleDraw => "N2L1D",
            VariantCode::FixedLimitDeuceToSevenTripleDraw => "F2L3D",
            VariantCode::FixedLimitBadugi => "FB",
        }
    }

    /// The variant with this PHH code, if there is one.
    pub fn from_code(code: &str) -> Option<VariantCode> {
        VariantCode::ALL.into_iter().find(|v| v.code() == code)
    }

    pub(crate) const fn betting_fields(self) -> BettingFields {
        match self {
            VariantCode::NoLimitHoldem
            | VariantCode::NoLimitShortDeckHoldem
            | VariantCode::PotLimitOmaha
            | VariantCode::NoLimitDeuceToSevenSingleDraw => BettingFields::BlindsAndMinBet,
            VariantCode::FixedLimitHoldem
            | VariantCode::FixedLimitOmahaHiLo
            | VariantCode::FixedLimitDeuceToSevenTripleDraw
            | VariantCode::FixedLimitBadugi => BettingFields::BlindsAndLimits,
            VariantCode::FixedLimitSevenCardStud
            | VariantCode::FixedLimitSevenCardStudHiLo
            | VariantCode::FixedLimitRazz => BettingFields::BringInAndLimits,
        }
    }
}

impl fmt::Display for VariantCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for variant in VariantCode::ALL {
            assert_eq!(VariantCode::from_code(variant.code()), Some(variant));
        }
        assert_eq!(VariantCode::from_code("nt"), None);
        assert_eq!(VariantCode::from_code("NLHE"), None);
    }
}
