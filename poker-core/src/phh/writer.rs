//! Writing a [`HandHistory`] as canonical PHH text that reads back as the same hand.

use core::fmt::Write as _;

use super::amount::Amount;
use super::model::{HandHistory, Label, StartingStack};
use super::posts::POSTS_FIELD;
use super::toml_value::{write_basic_string, write_key};

impl HandHistory {
    /// The hand as canonical PHH text.
    ///
    /// Fields come in a fixed order (the required ones, then the typed optional ones,
    /// then every other field in the order read); strings are double-quoted; `actions`
    /// has one entry per line. Reading the text back gives an equal `HandHistory`.
    pub fn to_phh(&self) -> String {
        let mut out = String::new();
        self.write_phh(&mut out);
        out
    }

    /// Writes the canonical text (see [`HandHistory::to_phh`]) to `out`.
    pub fn write_phh(&self, out: &mut String) {
        let f = self.fields();
        line(out, "variant", |o| write_basic_string(f.variant.code(), o));
        if let Some(trim) = f.ante_trimming_status {
            line(out, "ante_trimming_status", |o| o.push_str(bool_text(trim)));
        }
        line(out, "antes", |o| amount_list(&f.antes, o));
        if let Some(blinds) = &f.blinds_or_straddles {
            line(out, "blinds_or_straddles", |o| amount_list(blinds, o));
        }
        for (key, value) in [
            ("bring_in", f.bring_in),
            ("small_bet", f.small_bet),
            ("big_bet", f.big_bet),
            ("min_bet", f.min_bet),
        ] {
            if let Some(amount) = value {
                line(out, key, |o| write_amount(amount, o));
            }
        }
        line(out, "starting_stacks", |o| {
            list(&f.starting_stacks, o, |stack, o| match stack {
                StartingStack::Chips(amount) => write_amount(*amount, o),
                StartingStack::Unknown => o.push_str("inf"),
            })
        });
        out.push_str("actions = [\n");
        for action in &f.actions {
            out.push_str("  ");
            write_basic_string(&action.to_string(), out);
            out.push_str(",\n");
        }
        out.push_str("]\n");
        if let Some(stacks) = &f.finishing_stacks {
            line(out, "finishing_stacks", |o| amount_list(stacks, o));
        }
        if let Some(winnings) = &f.winnings {
            line(out, "winnings", |o| amount_list(winnings, o));
        }
        if let Some(seats) = &f.seats {
            line(out, "seats", |o| {
                list(seats, o, |seat, o| push_display(o, seat))
            });
        }
        if let Some(count) = f.seat_count {
            line(out, "seat_count", |o| push_display(o, count));
        }
        for (key, label) in [("table", &f.table), ("hand", &f.hand)] {
            if let Some(label) = label {
                line(out, key, |o| match label {
                    Label::Number(n) => push_display(o, n),
                    Label::Text(text) => write_basic_string(text, o),
                });
            }
        }
        if let Some(names) = &f.players {
            line(out, "players", |o| {
                list(names, o, |name, o| write_basic_string(name, o))
            });
        }
        if !f.posts.is_empty() {
            line(out, POSTS_FIELD, |o| {
                list(&f.posts, o, |post, o| {
                    o.push_str("{ player = ");
                    write_basic_string(&post.player.to_string(), o);
                    o.push_str(", live = ");
                    write_amount(post.live, o);
                    o.push_str(", dead = ");
                    write_amount(post.dead, o);
                    o.push_str(" }");
                })
            });
        }
        for (key, value) in &f.other {
            write_key(key, out);
            out.push_str(" = ");
            value.write_toml(out);
            out.push('\n');
        }
    }
}

/// Writes several hands as a `.phhs` file: tables `[1]`, `[2]`, … in order.
pub fn write_phhs(hands: &[HandHistory]) -> String {
    let mut out = String::new();
    for (i, hand) in hands.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "[{}]", i + 1);
        hand.write_phh(&mut out);
    }
    out
}

fn line(out: &mut String, key: &str, value: impl FnOnce(&mut String)) {
    out.push_str(key);
    out.push_str(" = ");
    value(out);
    out.push('\n');
}

fn bool_text(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

fn push_display(out: &mut String, value: impl core::fmt::Display) {
    let _ = write!(out, "{value}");
}

fn list<T>(items: &[T], out: &mut String, mut each: impl FnMut(&T, &mut String)) {
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        each(item, out);
    }
    out.push(']');
}

fn amount_list(amounts: &[Amount], out: &mut String) {
    list(amounts, out, |amount, o| write_amount(*amount, o));
}

/// Writes an amount as a TOML integer, or as a float when it has decimals or is too
/// large for TOML's 64-bit signed integers (`18446744073709551615.0`).
fn write_amount(amount: Amount, out: &mut String) {
    push_display(out, amount);
    if amount.scale() == 0 && i64::try_from(amount.units()).is_err() {
        out.push_str(".0");
    }
}
