//! Ranks, suits and cards, with the usual two-character text form (`As`, `Td`, `7c`).

use core::fmt;
use core::str::FromStr;

/// Number of distinct cards in a standard deck.
pub const CARDS_IN_STANDARD_DECK: usize = 52;

/// A card rank, from deuce (lowest) to ace (highest).
///
/// The discriminant is the rank's index (`Two = 0` … `Ace = 12`), which is also the
/// order used by [`Card::index`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
#[allow(missing_docs)] // The variant names are the documentation.
pub enum Rank {
    Two = 0,
    Three,
    Four,
    Five,
    Six,
    Seven,
    Eight,
    Nine,
    Ten,
    Jack,
    Queen,
    King,
    Ace,
}

impl Rank {
    /// All ranks, lowest first.
    pub const ALL: [Rank; 13] = [
        Rank::Two,
        Rank::Three,
        Rank::Four,
        Rank::Five,
        Rank::Six,
        Rank::Seven,
        Rank::Eight,
        Rank::Nine,
        Rank::Ten,
        Rank::Jack,
        Rank::Queen,
        Rank::King,
        Rank::Ace,
    ];

    /// The rank with index `index` (`0` is a deuce, `12` an ace), if there is one.
    pub const fn from_index(index: u8) -> Option<Rank> {
        if index < 13 {
            Some(Rank::ALL[index as usize])
        } else {
            None
        }
    }

    /// This rank's index, `0` for a deuce up to `12` for an ace.
    pub const fn index(self) -> u8 {
        self as u8
    }

    /// The character used in text form: `2`–`9`, `T`, `J`, `Q`, `K`, `A`.
    pub const fn to_char(self) -> char {
        [
            '2', '3', '4', '5', '6', '7', '8', '9', 'T', 'J', 'Q', 'K', 'A',
        ][self as usize]
    }

    /// Parses one rank character; letters are accepted in either case.
    pub const fn from_char(c: char) -> Option<Rank> {
        Some(match c {
            '2' => Rank::Two,
            '3' => Rank::Three,
            '4' => Rank::Four,
            '5' => Rank::Five,
            '6' => Rank::Six,
            '7' => Rank::Seven,
            '8' => Rank::Eight,
            '9' => Rank::Nine,
            'T' | 't' => Rank::Ten,
            'J' | 'j' => Rank::Jack,
            'Q' | 'q' => Rank::Queen,
            'K' | 'k' => Rank::King,
            'A' | 'a' => Rank::Ace,
            _ => return None,
        })
    }

    /// English name in the singular, as used in hand descriptions ("king").
    pub const fn name(self) -> &'static str {
        [
            "deuce", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "jack",
            "queen", "king", "ace",
        ][self as usize]
    }

    /// English name in the plural ("kings", "sixes").
    pub const fn plural(self) -> &'static str {
        [
            "deuces", "threes", "fours", "fives", "sixes", "sevens", "eights", "nines", "tens",
            "jacks", "queens", "kings", "aces",
        ][self as usize]
    }
}

impl fmt::Display for Rank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_char())
    }
}

/// A card suit. The order (clubs, diamonds, hearts, spades) only fixes the card
/// index; suits never rank against each other in play.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
#[allow(missing_docs)] // The variant names are the documentation.
pub enum Suit {
    Clubs = 0,
    Diamonds,
    Hearts,
    Spades,
}

impl Suit {
    /// All suits in index order.
    pub const ALL: [Suit; 4] = [Suit::Clubs, Suit::Diamonds, Suit::Hearts, Suit::Spades];

    /// The suit with index `index` (`0` clubs … `3` spades), if there is one.
    pub const fn from_index(index: u8) -> Option<Suit> {
        if index < 4 {
            Some(Suit::ALL[index as usize])
        } else {
            None
        }
    }

    /// This suit's index, `0` for clubs up to `3` for spades.
    pub const fn index(self) -> u8 {
        self as u8
    }

    /// The lower-case character used in text form: `c`, `d`, `h`, `s`.
    pub const fn to_char(self) -> char {
        ['c', 'd', 'h', 's'][self as usize]
    }

    /// Parses one suit character, in either case.
    pub const fn from_char(c: char) -> Option<Suit> {
        Some(match c {
            'c' | 'C' => Suit::Clubs,
            'd' | 'D' => Suit::Diamonds,
            'h' | 'H' => Suit::Hearts,
            's' | 'S' => Suit::Spades,
            _ => return None,
        })
    }
}

impl fmt::Display for Suit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_char())
    }
}

/// One playing card.
///
/// A card is stored as its index `rank * 4 + suit`, so `2c` is 0, `2d` is 1 and `As`
/// is 51. That index is part of the fairness protocol (it fixes the order of the
/// unshuffled deck), so it never changes.
///
/// ```
/// use poker_core::{Card, Rank, Suit};
///
/// let card: Card = "Td".parse()?;
/// assert_eq!(card, Card::new(Rank::Ten, Suit::Diamonds));
/// assert_eq!(card.to_string(), "Td");
/// assert_eq!(card.index(), 33);
/// # Ok::<(), poker_core::ParseCardError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Card(u8); // Invariant: self.0 < 52.

impl Card {
    /// The card of this rank and suit.
    pub const fn new(rank: Rank, suit: Suit) -> Card {
        Card(rank as u8 * 4 + suit as u8)
    }

    /// The card with index `index` (`rank * 4 + suit`), if `index < 52`.
    pub const fn from_index(index: u8) -> Option<Card> {
        if (index as usize) < CARDS_IN_STANDARD_DECK {
            Some(Card(index))
        } else {
            None
        }
    }

    /// This card's index, `rank * 4 + suit`, in `0..52`.
    pub const fn index(self) -> u8 {
        self.0
    }

    /// The card's rank.
    pub const fn rank(self) -> Rank {
        Rank::ALL[(self.0 / 4) as usize]
    }

    /// The card's suit.
    pub const fn suit(self) -> Suit {
        Suit::ALL[(self.0 % 4) as usize]
    }

    /// Every card of the standard deck, in index order (`2c 2d 2h 2s 3c … As`).
    pub fn all() -> impl Iterator<Item = Card> + Clone {
        (0..CARDS_IN_STANDARD_DECK as u8).map(Card)
    }
}

impl fmt::Display for Card {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.rank().to_char(), self.suit().to_char())
    }
}

impl fmt::Debug for Card {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Why a piece of text is not a card or a list of cards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseCardError {
    /// The text was empty where at least one card was expected.
    Empty,
    /// The character at byte offset `at` is not a rank (`2`–`9`, `T`, `J`, `Q`, `K`, `A`).
    BadRank {
        /// Byte offset in the parsed text.
        at: usize,
        /// The offending character.
        found: char,
    },
    /// The character at byte offset `at` is not a suit (`c`, `d`, `h`, `s`).
    BadSuit {
        /// Byte offset in the parsed text.
        at: usize,
        /// The offending character.
        found: char,
    },
    /// The text ended after a rank, where a suit was expected.
    MissingSuit {
        /// Byte offset in the parsed text where the suit should be.
        at: usize,
    },
    /// Text was left over after one card (only when parsing a single card).
    TrailingText {
        /// Byte offset of the first unexpected character.
        at: usize,
    },
    /// The same card appears twice in a list that must not repeat cards.
    Duplicate(Card),
    /// The text is longer than [`MAX_CARD_TEXT_LEN`] bytes.
    TooLong,
}

/// The longest text [`parse_cards`] will look at: enough for a whole deck written
/// with separators, small enough that hostile input costs nothing.
pub const MAX_CARD_TEXT_LEN: usize = 4 * CARDS_IN_STANDARD_DECK;

impl fmt::Display for ParseCardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseCardError::Empty => write!(f, "no card given"),
            ParseCardError::BadRank { at, found } => {
                write!(
                    f,
                    "{found:?} at offset {at} is not a rank (2-9, T, J, Q, K, A)"
                )
            }
            ParseCardError::BadSuit { at, found } => {
                write!(f, "{found:?} at offset {at} is not a suit (c, d, h, s)")
            }
            ParseCardError::MissingSuit { at } => {
                write!(f, "a suit is missing at offset {at}")
            }
            ParseCardError::TrailingText { at } => {
                write!(f, "unexpected text at offset {at} after the card")
            }
            ParseCardError::Duplicate(card) => write!(f, "card {card} appears twice"),
            ParseCardError::TooLong => {
                write!(f, "card text is longer than {MAX_CARD_TEXT_LEN} bytes")
            }
        }
    }
}

impl std::error::Error for ParseCardError {}

/// Reads one card at byte offset `at` of `text`; returns it and the offset after it.
fn parse_card_at(text: &str, at: usize) -> Result<(Card, usize), ParseCardError> {
    let mut chars = text[at..].char_indices();
    let (_, rank_char) = chars.next().ok_or(ParseCardError::Empty)?;
    let rank = Rank::from_char(rank_char).ok_or(ParseCardError::BadRank {
        at,
        found: rank_char,
    })?;
    let suit_at = at + rank_char.len_utf8();
    let (_, suit_char) = chars
        .next()
        .ok_or(ParseCardError::MissingSuit { at: suit_at })?;
    let suit = Suit::from_char(suit_char).ok_or(ParseCardError::BadSuit {
        at: suit_at,
        found: suit_char,
    })?;
    Ok((Card::new(rank, suit), suit_at + suit_char.len_utf8()))
}

impl FromStr for Card {
    type Err = ParseCardError;

    fn from_str(text: &str) -> Result<Card, ParseCardError> {
        if text.len() > MAX_CARD_TEXT_LEN {
            return Err(ParseCardError::TooLong);
        }
        let (card, end) = parse_card_at(text, 0)?;
        if end != text.len() {
            return Err(ParseCardError::TrailingText { at: end });
        }
        Ok(card)
    }
}

/// Parses a list of cards written together (`AsKd`) or separated by spaces or
/// commas (`As Kd`, `As,Kd`). Repeated cards are an error.
///
/// ```
/// use poker_core::parse_cards;
///
/// let cards = parse_cards("AsKd 7c")?;
/// assert_eq!(cards.len(), 3);
/// assert!(parse_cards("AsAs").is_err());
/// # Ok::<(), poker_core::ParseCardError>(())
/// ```
pub fn parse_cards(text: &str) -> Result<Vec<Card>, ParseCardError> {
    if text.len() > MAX_CARD_TEXT_LEN {
        return Err(ParseCardError::TooLong);
    }
    let mut cards = Vec::new();
    let mut seen = CardSet::EMPTY;
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let skipped = rest.len() - rest.trim_start_matches([' ', ',', '\t']).len();
        if skipped > 0 {
            at += skipped;
            continue;
        }
        let (card, end) = parse_card_at(text, at)?;
        if !seen.insert(card) {
            return Err(ParseCardError::Duplicate(card));
        }
        cards.push(card);
        at = end;
    }
    if cards.is_empty() {
        return Err(ParseCardError::Empty);
    }
    Ok(cards)
}

/// Writes cards in the compact text form (`AsKd7c`), the inverse of [`parse_cards`].
pub fn format_cards(cards: &[Card]) -> String {
    cards.iter().map(Card::to_string).collect()
}

/// A set of cards as a 52-bit mask; bit `i` is the card with index `i`.
///
/// Cheap to copy, and the natural way to check that cards are distinct.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CardSet(u64); // Invariant: no bit at or above 52 is set.

impl CardSet {
    /// The empty set.
    pub const EMPTY: CardSet = CardSet(0);

    /// The set of all 52 cards.
    pub const FULL: CardSet = CardSet((1 << 52) - 1);

    /// The set holding `cards`, or the first card that appears twice.
    pub fn from_distinct(cards: &[Card]) -> Result<CardSet, Card> {
        let mut set = CardSet::EMPTY;
        for &card in cards {
            if !set.insert(card) {
                return Err(card);
            }
        }
        Ok(set)
    }

    /// Every card whose index is at least `first`.
    pub(crate) const fn from_bits_above(first: u8) -> CardSet {
        CardSet(CardSet::FULL.0 & !((1u64 << first) - 1))
    }

    /// Adds `card`; returns `false` if it was already present.
    pub fn insert(&mut self, card: Card) -> bool {
        let bit = 1u64 << card.index();
        let fresh = self.0 & bit == 0;
        self.0 |= bit;
        fresh
    }

    /// Removes `card`; returns `false` if it was not present.
    pub fn remove(&mut self, card: Card) -> bool {
        let bit = 1u64 << card.index();
        let present = self.0 & bit != 0;
        self.0 &= !bit;
        present
    }

    /// Whether `card` is in the set.
    pub const fn contains(self, card: Card) -> bool {
        self.0 & (1u64 << card.index()) != 0
    }

    /// Number of cards in the set.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The raw 52-bit mask.
    pub const fn bits(self) -> u64 {
        self.0
    }

    /// Cards in both sets.
    pub const fn intersection(self, other: CardSet) -> CardSet {
        CardSet(self.0 & other.0)
    }

    /// Cards in either set.
    pub const fn union(self, other: CardSet) -> CardSet {
        CardSet(self.0 | other.0)
    }

    /// The cards in index order.
    pub fn iter(self) -> impl Iterator<Item = Card> {
        let mut bits = self.0;
        core::iter::from_fn(move || {
            if bits == 0 {
                return None;
            }
            let index = bits.trailing_zeros();
            bits &= bits - 1;
            // The invariant keeps every set bit below 52.
            Card::from_index(index as u8)
        })
    }
}

impl fmt::Debug for CardSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl FromIterator<Card> for CardSet {
    fn from_iter<I: IntoIterator<Item = Card>>(iter: I) -> CardSet {
        let mut set = CardSet::EMPTY;
        for card in iter {
            set.insert(card);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_card_round_trips_through_text_and_index() {
        for card in Card::all() {
            let text = card.to_string();
            assert_eq!(text.parse::<Card>(), Ok(card));
            assert_eq!(Card::from_index(card.index()), Some(card));
            assert_eq!(Card::new(card.rank(), card.suit()), card);
        }
        assert_eq!(Card::all().count(), 52);
        assert_eq!(Card::from_index(52), None);
    }

    #[test]
    fn index_order_is_rank_major() {
        assert_eq!("2c".parse::<Card>().map(Card::index), Ok(0));
        assert_eq!("2d".parse::<Card>().map(Card::index), Ok(1));
        assert_eq!("3c".parse::<Card>().map(Card::index), Ok(4));
        assert_eq!("As".parse::<Card>().map(Card::index), Ok(51));
    }

    #[test]
    fn parsing_accepts_either_case() {
        assert_eq!("aS".parse::<Card>(), "As".parse::<Card>());
        assert_eq!("tD".parse::<Card>(), "Td".parse::<Card>());
    }

    #[test]
    fn bad_text_gets_precise_errors() {
        assert_eq!("".parse::<Card>(), Err(ParseCardError::Empty));
        assert_eq!(
            "1s".parse::<Card>(),
            Err(ParseCardError::BadRank { at: 0, found: '1' })
        );
        assert_eq!(
            "Ax".parse::<Card>(),
            Err(ParseCardError::BadSuit { at: 1, found: 'x' })
        );
        assert_eq!(
            "A".parse::<Card>(),
            Err(ParseCardError::MissingSuit { at: 1 })
        );
        assert_eq!(
            "Asd".parse::<Card>(),
            Err(ParseCardError::TrailingText { at: 2 })
        );
        assert_eq!(
            "10s".parse::<Card>(),
            Err(ParseCardError::BadRank { at: 0, found: '1' })
        );
        assert_eq!(
            "Aé".parse::<Card>(),
            Err(ParseCardError::BadSuit { at: 1, found: 'é' })
        );
        assert_eq!(
            "é".parse::<Card>(),
            Err(ParseCardError::BadRank { at: 0, found: 'é' })
        );
    }

    #[test]
    fn card_lists_parse_with_or_without_separators() {
        let expected: Vec<Card> = ["As", "Kd", "7c"]
            .iter()
            .map(|t| t.parse().unwrap())
            .collect();
        assert_eq!(parse_cards("AsKd7c"), Ok(expected.clone()));
        assert_eq!(parse_cards("As Kd, 7c"), Ok(expected.clone()));
        assert_eq!(format_cards(&expected), "AsKd7c");
        assert_eq!(parse_cards(" "), Err(ParseCardError::Empty));
        assert_eq!(
            parse_cards("AsKdAs"),
            Err(ParseCardError::Duplicate("As".parse().unwrap()))
        );
        assert_eq!(
            parse_cards("AsK"),
            Err(ParseCardError::MissingSuit { at: 3 })
        );
        assert_eq!(parse_cards(&"As".repeat(200)), Err(ParseCardError::TooLong));
    }

    #[test]
    fn card_set_tracks_membership() {
        let mut set = CardSet::EMPTY;
        let ace: Card = "As".parse().unwrap();
        assert!(set.insert(ace));
        assert!(!set.insert(ace));
        assert!(set.contains(ace));
        assert_eq!(set.len(), 1);
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![ace]);
        assert!(set.remove(ace));
        assert!(set.is_empty());
        assert_eq!(CardSet::FULL.len(), 52);
        assert_eq!(
            CardSet::FULL.iter().collect::<Vec<_>>(),
            Card::all().collect::<Vec<_>>()
        );
        assert_eq!(CardSet::from_distinct(&[ace, ace]), Err(ace));
    }
}
