//! PHH actions (`d dh p1 AcAd`, `p2 cbr 300`, `p1 sm`, `# note`) as a typed enum.

use core::fmt;

use super::amount::Amount;
use super::error::ActionErrorReason;
use super::limits::MAX_CARDS_PER_ACTION;
use crate::card::{Card, CardSet};

/// A player of a hand history, by position: `p1` is the small blind (heads-up, the
/// big blind), the last player is the button.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Player(u8); // Invariant: the 0-based index, below MAX_PLAYERS.

impl Player {
    /// The player with 0-based `index` (`p1` is index 0), if below the player limit.
    pub fn from_index(index: usize) -> Option<Player> {
        if index < super::limits::MAX_PLAYERS {
            u8::try_from(index).ok().map(Player)
        } else {
            None
        }
    }

    /// The 0-based index: `p1` is 0.
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// The number written in PHH: `p1` is 1.
    pub const fn number(self) -> usize {
        self.0 as usize + 1
    }
}

impl fmt::Display for Player {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}", self.number())
    }
}

/// A card as PHH writes it: known, or `??`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PhhCard {
    /// A known card.
    Known(Card),
    /// `??`: a card that was dealt but not seen.
    Unknown,
}

impl fmt::Display for PhhCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PhhCard::Known(card) => write!(f, "{card}"),
            PhhCard::Unknown => write!(f, "??"),
        }
    }
}

/// One PHH action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhhAction {
    /// `d dh pN CARDS`: the dealer deals hole cards to a player.
    DealHole {
        /// Who receives them.
        player: Player,
        /// The cards, possibly unknown.
        cards: Vec<PhhCard>,
    },
    /// `d db CARDS`: the dealer deals board cards.
    DealBoard {
        /// The cards.
        cards: Vec<PhhCard>,
    },
    /// `pN pb`: post the bring-in (stud games).
    PostBringIn {
        /// Who posts it.
        player: Player,
    },
    /// `pN cbr X`: complete, bet or raise to `X`, the player's total for the street.
    CompleteBetOrRaiseTo {
        /// Who bets.
        player: Player,
        /// The street total bet to.
        amount: Amount,
    },
    /// `pN cc`: check or call.
    CheckOrCall {
        /// Who acts.
        player: Player,
    },
    /// `pN f`: fold.
    Fold {
        /// Who folds.
        player: Player,
    },
    /// `pN sd [CARDS]`: stand pat (no cards) or discard the cards (draw games).
    StandPatOrDiscard {
        /// Who draws.
        player: Player,
        /// The discarded cards; empty to stand pat.
        cards: Vec<PhhCard>,
    },
    /// `pN sm [CARDS]`: show the cards, or muck when there are none.
    ShowOrMuck {
        /// Who shows or mucks.
        player: Player,
        /// The shown cards; empty for a muck.
        cards: Vec<PhhCard>,
    },
}

impl PhhAction {
    /// The player who acts or is dealt to, if any (`d db` has none).
    pub fn player(&self) -> Option<Player> {
        match self {
            PhhAction::DealBoard { .. } => None,
            PhhAction::DealHole { player, .. }
            | PhhAction::PostBringIn { player }
            | PhhAction::CompleteBetOrRaiseTo { player, .. }
            | PhhAction::CheckOrCall { player }
            | PhhAction::Fold { player }
            | PhhAction::StandPatOrDiscard { player, .. }
            | PhhAction::ShowOrMuck { player, .. } => Some(*player),
        }
    }
}

fn write_cards(f: &mut fmt::Formatter<'_>, cards: &[PhhCard]) -> fmt::Result {
    for card in cards {
        write!(f, "{card}")?;
    }
    Ok(())
}

impl fmt::Display for PhhAction {
    /// The canonical PHH text of the action.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PhhAction::DealHole { player, cards } => {
                write!(f, "d dh {player} ")?;
                write_cards(f, cards)
            }
            PhhAction::DealBoard { cards } => {
                write!(f, "d db ")?;
                write_cards(f, cards)
            }
            PhhAction::PostBringIn { player } => write!(f, "{player} pb"),
            PhhAction::CompleteBetOrRaiseTo { player, amount } => {
                write!(f, "{player} cbr {amount}")
            }
            PhhAction::CheckOrCall { player } => write!(f, "{player} cc"),
            PhhAction::Fold { player } => write!(f, "{player} f"),
            PhhAction::StandPatOrDiscard { player, cards } => {
                write!(f, "{player} sd")?;
                if !cards.is_empty() {
                    write!(f, " ")?;
                }
                write_cards(f, cards)
            }
            PhhAction::ShowOrMuck { player, cards } => {
                write!(f, "{player} sm")?;
                if !cards.is_empty() {
                    write!(f, " ")?;
                }
                write_cards(f, cards)
            }
        }
    }
}

/// One entry of a hand's `actions` list: an action, a `#` comment, or both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionLine {
    // Invariant: at least one of the two is present.
    action: Option<PhhAction>,
    comment: Option<String>,
}

impl ActionLine {
    /// An entry holding just an action.
    pub fn action_only(action: PhhAction) -> ActionLine {
        ActionLine {
            action: Some(action),
            comment: None,
        }
    }

    /// An entry holding an action and a trailing comment (`p1 cc # limps`).
    /// Surrounding spaces of the comment are not kept.
    pub fn with_comment(action: PhhAction, comment: &str) -> ActionLine {
        ActionLine {
            action: Some(action),
            comment: Some(comment.trim().to_owned()),
        }
    }

    /// An entry holding only a comment (`# flop`).
    pub fn comment_only(comment: &str) -> ActionLine {
        ActionLine {
            action: None,
            comment: Some(comment.trim().to_owned()),
        }
    }

    /// The action, unless the entry is only a comment.
    pub fn action(&self) -> Option<&PhhAction> {
        self.action.as_ref()
    }

    /// The comment after `#`, without surrounding spaces.
    pub fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }

    /// Parses one entry of `actions` for a hand of `players` players.
    pub fn parse(text: &str, players: usize) -> Result<ActionLine, ActionErrorReason> {
        let (code, comment) = match text.find('#') {
            Some(i) => (&text[..i], Some(text[i + 1..].trim().to_owned())),
            None => (text, None),
        };
        if code.trim().is_empty() {
            return match comment {
                Some(comment) => Ok(ActionLine {
                    action: None,
                    comment: Some(comment),
                }),
                None => Err(ActionErrorReason::Empty),
            };
        }
        Ok(ActionLine {
            action: Some(parse_action(code, players)?),
            comment,
        })
    }
}

impl fmt::Display for ActionLine {
    /// The canonical text of the entry.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.action, &self.comment) {
            (Some(action), Some(comment)) => write!(f, "{action} # {comment}"),
            (Some(action), None) => write!(f, "{action}"),
            (None, Some(comment)) => write!(f, "# {comment}"),
            (None, None) => Ok(()),
        }
    }
}

fn parse_action(code: &str, players: usize) -> Result<PhhAction, ActionErrorReason> {
    let mut words = code.split_whitespace();
    let actor = words.next().ok_or(ActionErrorReason::Empty)?;
    let action = if actor == "d" {
        match words.next() {
            Some("dh") => {
                let player =
                    parse_player(words.next().ok_or(ActionErrorReason::BadActor)?, players)?;
                let cards = parse_phh_cards(words.next().ok_or(ActionErrorReason::MissingCards)?)?;
                PhhAction::DealHole { player, cards }
            }
            Some("db") => {
                let cards = parse_phh_cards(words.next().ok_or(ActionErrorReason::MissingCards)?)?;
                PhhAction::DealBoard { cards }
            }
            other => {
                return Err(ActionErrorReason::UnknownCode(
                    other.unwrap_or("").to_owned(),
                ))
            }
        }
    } else {
        let player = parse_player(actor, players)?;
        match words.next() {
            Some("pb") => PhhAction::PostBringIn { player },
            Some("cc") => PhhAction::CheckOrCall { player },
            Some("f") => PhhAction::Fold { player },
            Some("cbr") => {
                let amount = words
                    .next()
                    .ok_or(ActionErrorReason::BadAmount)?
                    .parse()
                    .map_err(|_| ActionErrorReason::BadAmount)?;
                PhhAction::CompleteBetOrRaiseTo { player, amount }
            }
            Some("sd") => PhhAction::StandPatOrDiscard {
                player,
                cards: words
                    .next()
                    .map(parse_phh_cards)
                    .transpose()?
                    .unwrap_or_default(),
            },
            Some("sm") => PhhAction::ShowOrMuck {
                player,
                cards: words
                    .next()
                    .map(parse_phh_cards)
                    .transpose()?
                    .unwrap_or_default(),
            },
            other => {
                return Err(ActionErrorReason::UnknownCode(
                    other.unwrap_or("").to_owned(),
                ))
            }
        }
    };
    if words.next().is_some() {
        return Err(ActionErrorReason::TrailingWords);
    }
    Ok(action)
}

pub(crate) fn parse_player(word: &str, players: usize) -> Result<Player, ActionErrorReason> {
    let digits = word.strip_prefix('p').ok_or(ActionErrorReason::BadActor)?;
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ActionErrorReason::BadActor);
    }
    let number: u64 = digits.parse().map_err(|_| ActionErrorReason::BadActor)?;
    let in_range = number >= 1 && number <= players as u64;
    let index = usize::try_from(number)
        .ok()
        .filter(|_| in_range)
        .map(|n| n - 1);
    index
        .and_then(Player::from_index)
        .ok_or(ActionErrorReason::NoSuchPlayer(number))
}

/// Parses concatenated two-character cards, `??` for unknown ones.
pub(crate) fn parse_phh_cards(word: &str) -> Result<Vec<PhhCard>, ActionErrorReason> {
    let bytes = word.as_bytes();
    if bytes.is_empty() || bytes.len() % 2 != 0 || bytes.len() > 2 * MAX_CARDS_PER_ACTION {
        return Err(ActionErrorReason::BadCards);
    }
    let mut seen = CardSet::EMPTY;
    let mut cards = Vec::with_capacity(bytes.len() / 2);
    for pair in bytes.chunks_exact(2) {
        if pair == b"??" {
            cards.push(PhhCard::Unknown);
            continue;
        }
        let rank = crate::card::Rank::from_char(char::from(pair[0]));
        let suit = crate::card::Suit::from_char(char::from(pair[1]));
        let (Some(rank), Some(suit)) = (rank, suit) else {
            return Err(ActionErrorReason::BadCards);
        };
        let card = Card::new(rank, suit);
        if !seen.insert(card) {
            return Err(ActionErrorReason::DuplicateCard);
        }
        cards.push(PhhCard::Known(card));
    }
    Ok(cards)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Result<ActionLine, ActionErrorReason> {
        ActionLine::parse(text, 3)
    }

    #[test]
    fn every_action_kind_round_trips() {
        for text in [
            "d dh p1 AcAd",
            "d dh p3 ????",
            "d db 2c7h9s",
            "d db Jh",
            "p2 pb",
            "p1 cbr 10112.5",
            "p2 cc",
            "p3 f",
            "p1 sd",
            "p1 sd 2c??",
            "p2 sm",
            "p2 sm KsKc",
            "p1 cc # limps",
            "# flop",
        ] {
            let parsed = line(text).unwrap();
            assert_eq!(parsed.to_string(), text);
            assert_eq!(line(&parsed.to_string()), Ok(parsed));
        }
    }

    #[test]
    fn comments_and_spacing_are_normalised() {
        let parsed = line("  p1   cc   #   note  ").unwrap();
        assert_eq!(parsed.to_string(), "p1 cc # note");
        assert_eq!(parsed.comment(), Some("note"));
        assert_eq!(line("#").unwrap().to_string(), "# ");
        assert_eq!(
            line("p1 sm ah kD").err(),
            Some(ActionErrorReason::TrailingWords)
        );
        assert_eq!(line("p1 sm ahkD").unwrap().to_string(), "p1 sm AhKd");
    }

    #[test]
    fn bad_actions_are_refused_precisely() {
        assert_eq!(line(""), Err(ActionErrorReason::Empty));
        assert_eq!(line("   "), Err(ActionErrorReason::Empty));
        assert_eq!(line("x cc"), Err(ActionErrorReason::BadActor));
        assert_eq!(line("p cc"), Err(ActionErrorReason::BadActor));
        assert_eq!(line("p0 cc"), Err(ActionErrorReason::NoSuchPlayer(0)));
        assert_eq!(line("p4 cc"), Err(ActionErrorReason::NoSuchPlayer(4)));
        assert_eq!(
            line("p99999999999999999999 cc"),
            Err(ActionErrorReason::BadActor)
        );
        assert_eq!(
            line("p1 xx"),
            Err(ActionErrorReason::UnknownCode("xx".into()))
        );
        assert_eq!(
            line("p1"),
            Err(ActionErrorReason::UnknownCode(String::new()))
        );
        assert_eq!(
            line("d xx"),
            Err(ActionErrorReason::UnknownCode("xx".into()))
        );
        assert_eq!(line("d dh p1"), Err(ActionErrorReason::MissingCards));
        assert_eq!(line("d dh p1 AcA"), Err(ActionErrorReason::BadCards));
        assert_eq!(line("d dh p1 AcAc"), Err(ActionErrorReason::DuplicateCard));
        assert_eq!(line("d dh p1 1c2c"), Err(ActionErrorReason::BadCards));
        assert_eq!(line("d dh p1 Aé"), Err(ActionErrorReason::BadCards));
        assert_eq!(line("p1 cbr"), Err(ActionErrorReason::BadAmount));
        assert_eq!(line("p1 cbr -5"), Err(ActionErrorReason::BadAmount));
        assert_eq!(line("p1 cbr 5 6"), Err(ActionErrorReason::TrailingWords));
        assert_eq!(line("p1 f now"), Err(ActionErrorReason::TrailingWords));
    }
}
