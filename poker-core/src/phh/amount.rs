//! Exact non-negative decimal chip amounts, as PHH writes them (`100`, `10112.5`).

use core::fmt;

use super::limits::MAX_AMOUNT_SCALE;

/// A non-negative chip amount with up to [`MAX_AMOUNT_SCALE`] decimals, held exactly.
///
/// PHH allows floats (`starting_stacks = [1259450.25, 678473.5]`); reading them into
/// `f64` would round, so an amount is `units / 10^scale` with integer `units`. The
/// representation is normalised (no trailing zero decimals), so `9900.0` and `9900`
/// are the same amount.
///
/// ```
/// use poker_core::phh::Amount;
///
/// let half: Amount = "10112.5".parse()?;
/// assert_eq!((half.units(), half.scale()), (101125, 1));
/// assert_eq!(half.to_string(), "10112.5");
/// assert_eq!("9900.0".parse::<Amount>()?, Amount::from_integer(9900));
/// # Ok::<(), poker_core::phh::AmountError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Amount {
    // Invariant: scale <= MAX_AMOUNT_SCALE, and units % 10 != 0 whenever scale > 0.
    units: u64,
    scale: u8,
}

/// Why a text is not an [`Amount`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AmountError;

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "not a non-negative decimal amount with at most {MAX_AMOUNT_SCALE} decimals that fits in 64 bits"
        )
    }
}

impl std::error::Error for AmountError {}

const fn pow10(exponent: u8) -> u64 {
    10u64.pow(exponent as u32)
}

impl Amount {
    /// Zero chips.
    pub const ZERO: Amount = Amount { units: 0, scale: 0 };

    /// A whole number of chips.
    pub const fn from_integer(chips: u64) -> Amount {
        Amount {
            units: chips,
            scale: 0,
        }
    }

    /// `units / 10^scale`, normalised; `None` if `scale` exceeds [`MAX_AMOUNT_SCALE`].
    pub fn from_units(units: u64, scale: u8) -> Option<Amount> {
        if scale > MAX_AMOUNT_SCALE {
            return None;
        }
        let (mut units, mut scale) = (units, scale);
        while scale > 0 && units % 10 == 0 {
            units /= 10;
            scale -= 1;
        }
        Some(Amount { units, scale })
    }

    /// The integer numerator: the amount is `units() / 10^scale()`.
    pub const fn units(self) -> u64 {
        self.units
    }

    /// Number of decimals (0 for a whole number of chips).
    pub const fn scale(self) -> u8 {
        self.scale
    }

    /// The amount as a whole number of chips, if it has no decimals.
    pub const fn as_integer(self) -> Option<u64> {
        if self.scale == 0 {
            Some(self.units)
        } else {
            None
        }
    }

    /// The amount multiplied by `10^scale`, if that is a whole number that fits in
    /// 64 bits. Used to turn fractional stacks into integer chips.
    pub fn scaled_to_integer(self, scale: u8) -> Option<u64> {
        let shift = scale.checked_sub(self.scale)?;
        self.units.checked_mul(10u64.checked_pow(u32::from(shift))?)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.scale == 0 {
            return write!(f, "{}", self.units);
        }
        let divisor = pow10(self.scale);
        write!(
            f,
            "{}.{:0width$}",
            self.units / divisor,
            self.units % divisor,
            width = usize::from(self.scale)
        )
    }
}

impl core::str::FromStr for Amount {
    type Err = AmountError;

    /// Reads a decimal number: digits, an optional fraction and an optional exponent
    /// (`1e3`, `2.5E-1`). A leading `+` is allowed; negative amounts are not. The text
    /// must already be free of TOML underscores.
    fn from_str(text: &str) -> Result<Amount, AmountError> {
        let text = text.strip_prefix('+').unwrap_or(text);
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(i) => (&text[..i], Some(&text[i + 1..])),
            None => (text, None),
        };
        let (whole, fraction) = match mantissa.find('.') {
            Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
            None => (mantissa, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
            return Err(AmountError);
        }
        if mantissa.contains('.') && fraction.is_empty() {
            return Err(AmountError);
        }
        let exponent: i64 = match exponent {
            None => 0,
            Some(e) => {
                let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
                // Anything longer cannot give a representable amount.
                if digits.is_empty() || digits.len() > 4 || !all_digits(digits) {
                    return Err(AmountError);
                }
                e.parse().map_err(|_| AmountError)?
            }
        };
        // Significant digits, without leading zeros (bounded so parsing cannot overflow
        // silently; u64 holds up to 20 digits).
        let digits: String = format!("{whole}{fraction}");
        let digits = digits.trim_start_matches('0');
        let digits = digits.trim_end_matches('0');
        let trailing_zeros =
            format!("{whole}{fraction}").trim_start_matches('0').len() - digits.len();
        if digits.is_empty() {
            return Ok(Amount::ZERO);
        }
        if digits.len() > 20 {
            return Err(AmountError);
        }
        let units: u64 = digits.parse().map_err(|_| AmountError)?;
        // value = units * 10^(trailing_zeros + exponent - fraction.len())
        let power = trailing_zeros as i64 + exponent - fraction.len() as i64;
        if power >= 0 {
            let factor = u32::try_from(power)
                .ok()
                .and_then(|p| 10u64.checked_pow(p))
                .ok_or(AmountError)?;
            let units = units.checked_mul(factor).ok_or(AmountError)?;
            Ok(Amount { units, scale: 0 })
        } else {
            let scale = u8::try_from(-power).map_err(|_| AmountError)?;
            Amount::from_units(units, scale).ok_or(AmountError)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(text: &str) -> Result<Amount, AmountError> {
        text.parse()
    }

    #[test]
    fn decimals_are_exact_and_normalised() {
        assert_eq!(
            amount("1259450.25").map(|a| (a.units(), a.scale())),
            Ok((125945025, 2))
        );
        assert_eq!(amount("9900.0"), Ok(Amount::from_integer(9900)));
        assert_eq!(amount("0.000"), Ok(Amount::ZERO));
        assert_eq!(amount("1e3"), Ok(Amount::from_integer(1000)));
        assert_eq!(amount("2.5E-1").map(|a| a.to_string()), Ok("0.25".into()));
        assert_eq!(amount("+7"), Ok(Amount::from_integer(7)));
        assert_eq!(amount("0.1").map(|a| a.to_string()), Ok("0.1".into()));
        assert_eq!(
            amount("18446744073709551615"),
            Ok(Amount::from_integer(u64::MAX))
        );
    }

    #[test]
    fn bad_amounts_are_refused() {
        for text in [
            "-1",
            "",
            ".5",
            "1.",
            "1e",
            "x",
            "18446744073709551616",
            "1e20",
            "1e-10",
            "0.0000000001",
            "1e99999",
            "inf",
            "nan",
        ] {
            assert_eq!(amount(text), Err(AmountError), "{text}");
        }
    }

    #[test]
    fn scaling_to_integer_chips() {
        let a = amount("678473.5").unwrap();
        assert_eq!(a.scaled_to_integer(2), Some(67847350));
        assert_eq!(a.scaled_to_integer(0), None);
        assert_eq!(Amount::from_integer(u64::MAX).scaled_to_integer(1), None);
    }
}
