//! Engine hand → PokerStars hand-history text, as seen by one player.
//!
//! The layout follows what tracking tools parse (see `shared/research/server-anchors.md`
//! §3.1): a header with the two-timestamp form, the seats, forced bets, `*** HOLE
//! CARDS ***` with only the viewer's cards, one line per action, street markers,
//! showdown, collections and a summary. Amounts are play chips without a currency.

use core::fmt::Write as _;

use super::ExportError;
use crate::card::Card;
use crate::{BettingStructure, Blind, Chips, Event, Hand, Seat, Variant};

/// A calendar date and wall-clock time, as printed in the header. `poker-core` reads
/// no clock, so the caller supplies it (and its Eastern-time equivalent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CivilTime {
    /// Year, e.g. 2026.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31.
    pub day: u8,
    /// Hour, 0–23.
    pub hour: u8,
    /// Minute, 0–59.
    pub minute: u8,
    /// Second, 0–59.
    pub second: u8,
}

impl CivilTime {
    fn render(self) -> Result<String, ExportError> {
        let valid = (1..=12).contains(&self.month)
            && (1..=31).contains(&self.day)
            && self.hour < 24
            && self.minute < 60
            && self.second < 60
            && self.year <= 9999;
        if !valid {
            return Err(ExportError::BadTime);
        }
        Ok(format!(
            "{:04}/{:02}/{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        ))
    }
}

/// What the header of a PokerStars hand history says besides the hand itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StarsHeader<'a> {
    /// The hand number (trackers need digits).
    pub hand_id: u64,
    /// The table's name; apostrophes are removed.
    pub table_name: &'a str,
    /// Seats at the table (`9` prints `9-max`).
    pub max_seats: u8,
    /// When the hand started, in `time_zone`.
    pub local_time: CivilTime,
    /// The zone abbreviation printed after `local_time` (`UTC`, `CET`).
    pub time_zone: &'a str,
    /// The same instant in US Eastern time, printed in brackets as PokerStars does.
    pub eastern_time: CivilTime,
}

/// The finished `hand` as PokerStars text for `viewer` (their hole cards and the cards
/// shown at showdown; `None` renders an observer's view), with `names` by seat.
///
/// Names are cleaned of characters the trackers split on (`:`, `(`, `)`, `[`, `]`,
/// `#`, line breaks); a seat without a name is called `Seat N`.
pub fn to_pokerstars(
    hand: &Hand,
    header: &StarsHeader<'_>,
    names: &[(Seat, String)],
    viewer: Option<Seat>,
) -> Result<String, ExportError> {
    if !hand.is_finished() {
        return Err(ExportError::NotFinished);
    }
    let config = hand.config();
    let game = match config.game.variant {
        Variant::Holdem => "Hold'em",
        Variant::Omaha { .. } => "Omaha",
        Variant::OmahaHiLo { .. } => "Omaha Hi/Lo",
        _ => return Err(ExportError::UnsupportedGame),
    };
    let forced = config.forced;
    let (betting, stakes) = match config.game.betting {
        BettingStructure::NoLimit => ("No Limit", (forced.small_blind, forced.big_blind)),
        BettingStructure::PotLimit => ("Pot Limit", (forced.small_blind, forced.big_blind)),
        BettingStructure::FixedLimit {
            small_bet, big_bet, ..
        } => ("Limit", (small_bet, big_bet)),
    };
    let name = |seat: Seat| display_name(seat, names);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "PokerStars Hand #{}: {game} {betting} ({}/{}) - {} {} [{} ET]",
        header.hand_id,
        stakes.0,
        stakes.1,
        header.local_time.render()?,
        clean(header.time_zone),
        header.eastern_time.render()?
    );
    let _ = writeln!(
        out,
        "Table '{}' {}-max Seat #{} is the button",
        header.table_name.replace('\'', ""),
        header.max_seats,
        hand.button().index() + 1
    );

    let log = Log::read(hand);
    for &(seat, stack) in &log.starting {
        let _ = writeln!(
            out,
            "Seat {}: {} ({stack} in chips)",
            seat.index() + 1,
            name(seat)
        );
    }
    // The bet to raise on the current street: the largest nominal blind pre-flop.
    let mut street_bet = [
        Some(forced.big_blind),
        forced.straddle,
        forced.button_blind,
        Some(forced.small_blind),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(Chips::ZERO);
    let mut board: Vec<Card> = Vec::new();
    let (mut hole_cards_marked, mut showdown_marked) = (false, false);
    let single_pot = log.pots_awarded <= 1;
    for event in hand.events() {
        match event {
            Event::AntePosted {
                seat,
                amount,
                all_in,
            } => {
                let _ = writeln!(
                    out,
                    "{}: posts the ante {amount}{}",
                    name(*seat),
                    all_in_text(*all_in)
                );
            }
            Event::BlindPosted {
                seat,
                blind,
                amount,
                all_in,
            } => {
                let what = match blind {
                    Blind::Small => "small blind",
                    Blind::Big => "big blind",
                    Blind::Straddle => "straddle",
                    Blind::Button => "button blind",
                };
                let _ = writeln!(
                    out,
                    "{}: posts {what} {amount}{}",
                    name(*seat),
                    all_in_text(*all_in)
                );
            }
            Event::ExtraPosted {
                seat,
                live,
                dead,
                all_in,
            } => {
                // PokerStars' own wording for posts of missed blinds.
                let what = match (live.is_zero(), dead.is_zero()) {
                    (false, false) => format!("small & big blinds {}", live.plus(*dead)),
                    (false, true) => format!("big blind {live}"),
                    _ => format!("small blind {dead}"),
                };
                let _ = writeln!(out, "{}: posts {what}{}", name(*seat), all_in_text(*all_in));
            }
            Event::HoleCardsDealt { seat, cards } => {
                if !hole_cards_marked {
                    out.push_str("*** HOLE CARDS ***\n");
                    hole_cards_marked = true;
                }
                if Some(*seat) == viewer {
                    let _ = writeln!(out, "Dealt to {} [{}]", name(*seat), spaced(cards));
                }
            }
            Event::BoardDealt { street, cards } => {
                let marker = match street {
                    1 => "FLOP",
                    2 => "TURN",
                    _ => "RIVER",
                };
                if board.is_empty() {
                    let _ = writeln!(out, "*** {marker} *** [{}]", spaced(cards));
                } else {
                    let _ = writeln!(
                        out,
                        "*** {marker} *** [{}] [{}]",
                        spaced(&board),
                        spaced(cards)
                    );
                }
                board.extend_from_slice(cards);
                street_bet = Chips::ZERO;
            }
            Event::Folded { seat, .. } => {
                let _ = writeln!(out, "{}: folds", name(*seat));
            }
            Event::Checked { seat, .. } => {
                let _ = writeln!(out, "{}: checks", name(*seat));
            }
            Event::Called {
                seat,
                amount,
                all_in,
            } => {
                let _ = writeln!(
                    out,
                    "{}: calls {amount}{}",
                    name(*seat),
                    all_in_text(*all_in)
                );
            }
            Event::BetOrRaised {
                seat,
                to,
                raise,
                all_in,
                ..
            } => {
                if *raise {
                    let by = to.saturating_sub(street_bet);
                    let _ = writeln!(
                        out,
                        "{}: raises {by} to {to}{}",
                        name(*seat),
                        all_in_text(*all_in)
                    );
                } else {
                    let _ = writeln!(out, "{}: bets {to}{}", name(*seat), all_in_text(*all_in));
                }
                street_bet = street_bet.max(*to);
            }
            Event::UncalledBetReturned { seat, amount } => {
                let _ = writeln!(out, "Uncalled bet ({amount}) returned to {}", name(*seat));
            }
            Event::HandShown { seat, cards, .. } => {
                if !showdown_marked {
                    out.push_str("*** SHOW DOWN ***\n");
                    showdown_marked = true;
                }
                let description = log.description(*seat).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{}: shows [{}] ({description})",
                    name(*seat),
                    spaced(cards)
                );
            }
            Event::HandMucked { seat } => {
                if !showdown_marked {
                    out.push_str("*** SHOW DOWN ***\n");
                    showdown_marked = true;
                }
                let _ = writeln!(out, "{}: mucks hand", name(*seat));
            }
            Event::PotAwarded { pot, winners, .. } => {
                let pot_name = match (single_pot, pot) {
                    (true, _) => "pot".to_owned(),
                    (false, 0) => "main pot".to_owned(),
                    (false, k) => format!("side pot-{k}"),
                };
                for (seat, amount) in winners {
                    let _ = writeln!(out, "{} collected {amount} from {pot_name}", name(*seat));
                }
            }
            _ => {}
        }
    }

    out.push_str("*** SUMMARY ***\n");
    let _ = writeln!(out, "Total pot {} | Rake 0", log.total_pot);
    if !board.is_empty() {
        let _ = writeln!(out, "Board [{}]", spaced(&board));
    }
    for &(seat, _) in &log.starting {
        let mut roles = String::new();
        if seat == hand.button() {
            roles.push_str(" (button)");
        }
        if log.small_blind == Some(seat) {
            roles.push_str(" (small blind)");
        }
        if log.big_blind == Some(seat) {
            roles.push_str(" (big blind)");
        }
        let won = log.won(seat);
        let outcome = if let Some(street) = log.folded_on(seat) {
            match street {
                0 if !log.put_in_voluntarily(seat) && !log.posted_blind(seat) => {
                    "folded before Flop (didn't bet)".to_owned()
                }
                0 => "folded before Flop".to_owned(),
                1 => "folded on the Flop".to_owned(),
                2 => "folded on the Turn".to_owned(),
                _ => "folded on the River".to_owned(),
            }
        } else if let Some(cards) = log.shown(seat) {
            let description = log.description(seat).unwrap_or_default();
            if won.is_zero() {
                format!("showed [{}] and lost with {description}", spaced(cards))
            } else {
                format!(
                    "showed [{}] and won ({won}) with {description}",
                    spaced(cards)
                )
            }
        } else if log.mucked(seat) {
            "mucked".to_owned()
        } else {
            format!("collected ({won})")
        };
        let _ = writeln!(
            out,
            "Seat {}: {}{roles} {outcome}",
            seat.index() + 1,
            name(seat)
        );
    }
    Ok(out)
}

/// Facts gathered from the event log before rendering.
struct Log<'a> {
    starting: Vec<(Seat, Chips)>,
    events: &'a [Event],
    total_pot: Chips,
    pots_awarded: usize,
    small_blind: Option<Seat>,
    big_blind: Option<Seat>,
}

impl<'a> Log<'a> {
    fn read(hand: &'a Hand) -> Log<'a> {
        let events = hand.events();
        let mut log = Log {
            starting: Vec::new(),
            events,
            total_pot: Chips::ZERO,
            pots_awarded: 0,
            small_blind: None,
            big_blind: None,
        };
        let mut pots = Vec::new();
        for event in events {
            match event {
                Event::HandStarted { players, .. } => {
                    log.starting = players.iter().map(|p| (p.seat, p.stack)).collect();
                }
                Event::BlindPosted {
                    seat,
                    blind: Blind::Small,
                    ..
                } => log.small_blind = Some(*seat),
                Event::BlindPosted {
                    seat,
                    blind: Blind::Big,
                    ..
                } => log.big_blind = Some(*seat),
                Event::PotAwarded { pot, amount, .. } => {
                    log.total_pot = log.total_pot.checked_add(*amount).unwrap_or(log.total_pot);
                    if !pots.contains(pot) {
                        pots.push(*pot);
                    }
                }
                _ => {}
            }
        }
        log.starting.sort();
        log.pots_awarded = pots.len();
        log
    }

    fn won(&self, seat: Seat) -> Chips {
        let mut total = Chips::ZERO;
        for event in self.events {
            if let Event::PotAwarded { winners, .. } = event {
                for (winner, amount) in winners {
                    if *winner == seat {
                        total = total.checked_add(*amount).unwrap_or(total);
                    }
                }
            }
        }
        total
    }

    /// The street (0 pre-flop) on which `seat` folded, if it did.
    fn folded_on(&self, seat: Seat) -> Option<u8> {
        let mut street = 0;
        for event in self.events {
            match event {
                Event::BoardDealt { street: s, .. } => street = *s,
                Event::Folded { seat: s, .. } if *s == seat => return Some(street),
                _ => {}
            }
        }
        None
    }

    fn put_in_voluntarily(&self, seat: Seat) -> bool {
        self.events.iter().any(|e| {
            matches!(e, Event::Called { seat: s, .. } | Event::BetOrRaised { seat: s, .. } if *s == seat)
        })
    }

    fn posted_blind(&self, seat: Seat) -> bool {
        self.events.iter().any(|e| {
            matches!(e, Event::BlindPosted { seat: s, .. } | Event::ExtraPosted { seat: s, .. } if *s == seat)
        })
    }

    fn shown(&self, seat: Seat) -> Option<&'a [Card]> {
        self.events.iter().find_map(|e| match e {
            Event::HandShown { seat: s, cards, .. } if *s == seat => Some(cards.as_slice()),
            _ => None,
        })
    }

    fn mucked(&self, seat: Seat) -> bool {
        self.events
            .iter()
            .any(|e| matches!(e, Event::HandMucked { seat: s } if *s == seat))
    }

    /// The shown hand's description: "pair of aces", or "HI: …; LO: …" in hi-lo.
    fn description(&self, seat: Seat) -> Option<String> {
        self.events.iter().find_map(|e| match e {
            Event::HandShown {
                seat: s, high, low, ..
            } if *s == seat => Some(match low {
                Some(low) => format!("HI: {high}; LO: {low}"),
                None => high.to_string(),
            }),
            _ => None,
        })
    }
}

fn all_in_text(all_in: bool) -> &'static str {
    if all_in {
        " and is all-in"
    } else {
        ""
    }
}

fn spaced(cards: &[Card]) -> String {
    cards
        .iter()
        .map(Card::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Removes what tracker regexes split on.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ':' | '(' | ')' | '[' | ']' | '#' | '\'' => '_',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect::<String>()
        .trim()
        .chars()
        .take(50)
        .collect()
}

fn display_name(seat: Seat, names: &[(Seat, String)]) -> String {
    names
        .iter()
        .find(|(s, _)| *s == seat)
        .map(|(_, n)| clean(n))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("Seat {}", seat.index() + 1))
}
