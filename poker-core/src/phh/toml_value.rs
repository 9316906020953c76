//! The TOML values the PHH reader understands, as kept for fields it does not interpret.

use core::fmt::Write as _;

/// A TOML value, as read from a hand history.
///
/// Fields the [`HandHistory`](super::HandHistory) model does not type (`event`, `city`,
/// `_custom`, …) are kept as `Value`s so that writing the hand back loses nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// A string (basic or literal, single- or multi-line).
    String(String),
    /// A 64-bit integer.
    Integer(i64),
    /// A float, kept as its validated text without underscores (`10112.5`, `inf`,
    /// `1e3`) so that no precision is lost.
    Float(String),
    /// `true` or `false`.
    Boolean(bool),
    /// An offset or local date-time, date or time, kept as its text. PHH's `time`
    /// field uses this; the model does not interpret it.
    DateTime(String),
    /// An array.
    Array(Vec<Value>),
    /// An inline table, keys in the order written.
    Table(Vec<(String, Value)>),
}

impl Value {
    /// A short name of the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::DateTime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }

    /// Writes the value as TOML text that reads back as the same value.
    pub(crate) fn write_toml(&self, out: &mut String) {
        match self {
            Value::String(text) => write_basic_string(text, out),
            Value::Integer(n) => {
                let _ = write!(out, "{n}");
            }
            Value::Float(text) | Value::DateTime(text) => out.push_str(text),
            Value::Boolean(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_toml(out);
                }
                out.push(']');
            }
            Value::Table(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    out.push_str(if i > 0 { ", " } else { " " });
                    write_key(key, out);
                    out.push_str(" = ");
                    value.write_toml(out);
                }
                out.push_str(if entries.is_empty() { "}" } else { " }" });
            }
        }
    }
}

/// Writes `text` as a TOML basic string, escaping what must be escaped.
pub(crate) fn write_basic_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes a key bare when TOML allows it, quoted otherwise.
pub(crate) fn write_key(key: &str, out: &mut String) {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        out.push_str(key);
    } else {
        write_basic_string(key, out);
    }
}
