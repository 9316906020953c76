//! The grammar of TOML scalar tokens: integers, floats, booleans and date-times.
//!
//! The reader cuts a token out of the input (at most
//! [`MAX_SCALAR_BYTES`](super::limits::MAX_SCALAR_BYTES) long) and this module decides
//! what it is. Floats and date-times are validated and kept as text, so no precision
//! is lost and the model decides how to read them.

use super::error::PhhErrorKind;
use super::toml_value::Value;

/// Whether `token` is exactly a `YYYY-MM-DD` date shape (a following space may then
/// separate it from a time).
pub(crate) fn is_date(token: &[u8]) -> bool {
    token.len() == 10
        && token.iter().enumerate().all(|(i, &b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// What `token` is, or why it is no TOML scalar.
pub(crate) fn classify_scalar(token: &str) -> Result<Value, PhhErrorKind> {
    let bytes = token.as_bytes();
    match token {
        "true" => return Ok(Value::Boolean(true)),
        "false" => return Ok(Value::Boolean(false)),
        "inf" | "+inf" | "-inf" | "nan" | "+nan" | "-nan" => {
            return Ok(Value::Float(token.to_owned()))
        }
        _ => {}
    }
    let looks_like_date =
        bytes.len() >= 10 && bytes[..4].iter().all(u8::is_ascii_digit) && bytes[4] == b'-';
    let looks_like_time =
        bytes.len() >= 8 && bytes[..2].iter().all(u8::is_ascii_digit) && bytes[2] == b':';
    if looks_like_date || looks_like_time {
        return if is_date_time(bytes) {
            Ok(Value::DateTime(token.to_owned()))
        } else {
            Err(PhhErrorKind::BadNumber)
        };
    }
    if let Some(rest) = token.strip_prefix("0x") {
        return radix_integer(rest, 16);
    }
    if let Some(rest) = token.strip_prefix("0o") {
        return radix_integer(rest, 8);
    }
    if let Some(rest) = token.strip_prefix("0b") {
        return radix_integer(rest, 2);
    }
    let (negative, body) = match bytes.first() {
        Some(b'-') => (true, &token[1..]),
        Some(b'+') => (false, &token[1..]),
        _ => (false, token),
    };
    if body.contains(['.', 'e', 'E']) {
        validate_float(body)?;
        return Ok(Value::Float(token.replace('_', "")));
    }
    let digits = underscored_digits(body, 10).ok_or(PhhErrorKind::BadNumber)?;
    if digits.len() > 1 && digits.starts_with('0') {
        return Err(PhhErrorKind::BadNumber); // TOML forbids leading zeros.
    }
    let signed = if negative {
        format!("-{digits}")
    } else {
        digits
    };
    signed
        .parse::<i64>()
        .map(Value::Integer)
        .map_err(|_| PhhErrorKind::IntegerOverflow)
}

/// The digits of `text` with the underscores removed, if every underscore sits
/// between two digits of `radix` and there is at least one digit.
fn underscored_digits(text: &str, radix: u32) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let before = i > 0 && char::from(bytes[i - 1]).is_digit(radix);
            let after = bytes
                .get(i + 1)
                .is_some_and(|&n| char::from(n).is_digit(radix));
            if !(before && after) {
                return None;
            }
        } else if char::from(b).is_digit(radix) {
            out.push(char::from(b));
        } else {
            return None;
        }
    }
    if out.is_empty() {
        None
    } else {
        Some(out)
    }
}

fn radix_integer(text: &str, radix: u32) -> Result<Value, PhhErrorKind> {
    let digits = underscored_digits(text, radix).ok_or(PhhErrorKind::BadNumber)?;
    i64::from_str_radix(&digits, radix)
        .map(Value::Integer)
        .map_err(|_| PhhErrorKind::IntegerOverflow)
}

/// Checks a float body (after any sign): integer part, optional fraction, optional
/// exponent, at least one of the last two.
fn validate_float(body: &str) -> Result<(), PhhErrorKind> {
    let bad = PhhErrorKind::BadNumber;
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int_part, fraction) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], Some(&mantissa[i + 1..])),
        None => (mantissa, None),
    };
    let int_digits = underscored_digits(int_part, 10).ok_or(bad.clone())?;
    if int_digits.len() > 1 && int_digits.starts_with('0') {
        return Err(bad);
    }
    if let Some(fraction) = fraction {
        underscored_digits(fraction, 10).ok_or(bad.clone())?;
    }
    if let Some(exponent) = exponent {
        let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        underscored_digits(digits, 10).ok_or(bad)?;
    }
    Ok(())
}

/// Whether `bytes` is a TOML offset/local date-time, local date or local time.
fn is_date_time(bytes: &[u8]) -> bool {
    fn number(bytes: &[u8], at: usize, len: usize, max: u32) -> Option<()> {
        let digits = bytes.get(at..at + len)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let value = digits
            .iter()
            .fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'));
        (value <= max).then_some(())
    }
    fn time(bytes: &[u8]) -> Option<usize> {
        number(bytes, 0, 2, 23)?;
        (bytes.get(2) == Some(&b':')).then_some(())?;
        number(bytes, 3, 2, 59)?;
        (bytes.get(5) == Some(&b':')).then_some(())?;
        number(bytes, 6, 2, 60)?;
        let mut end = 8;
        if bytes.get(8) == Some(&b'.') {
            let fraction = bytes[9..].iter().take_while(|b| b.is_ascii_digit()).count();
            if fraction == 0 {
                return None;
            }
            end = 9 + fraction;
        }
        Some(end)
    }
    fn parse(bytes: &[u8]) -> Option<()> {
        if bytes.get(2) == Some(&b':') {
            return (time(bytes)? == bytes.len()).then_some(());
        }
        number(bytes, 0, 4, 9999)?;
        (bytes.get(4) == Some(&b'-')).then_some(())?;
        number(bytes, 5, 2, 12)?;
        (bytes.get(7) == Some(&b'-')).then_some(())?;
        number(bytes, 8, 2, 31)?;
        if bytes.len() == 10 {
            return Some(());
        }
        if !matches!(bytes.get(10), Some(b'T' | b't' | b' ')) {
            return None;
        }
        let rest = &bytes[11..];
        let end = time(rest)?;
        let offset = &rest[end..];
        match offset {
            [] | [b'Z'] | [b'z'] => Some(()),
            [b'+' | b'-', ..] if offset.len() == 6 => {
                number(offset, 1, 2, 23)?;
                (offset[3] == b':').then_some(())?;
                number(offset, 4, 2, 59)
            }
            _ => None,
        }
    }
    parse(bytes).is_some()
}
