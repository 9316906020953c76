//! Hand evaluation: high hands (5–7 cards), Omaha, short deck and eight-or-better lows.
//!
//! Every evaluator returns a strength that is totally ordered (greater is better)
//! and knows its [`Category`] and a human description. Input is checked: wrong card
//! counts and repeated cards are typed errors, never panics.
//!
//! The public functions run on the fast evaluator ([`FastHand`]): an OMPEval-style
//! additive hand (a rank-key sum with suit counters, plus a card mask) looked up in a
//! perfect-hash table and a flush table that `build.rs` generates. The tables take
//! 302,308 bytes (about 295 KiB) of read-only data; see [`tables`] for the
//! breakdown. [`reference`](mod@reference) is a slow evaluator written to be obviously
//! correct; the tests check that both give the same [`HandStrength`] for every 5-card
//! hand and for every table entry that a hand of 5 to 7 cards can reach.
//!
//! [`SevenCards`] is seven cards whose distinctness was checked when the value was
//! built, so evaluating it does no checking at all; [`evaluate`] checks its slice every
//! time.

mod fast;
mod low;
mod omaha;
pub mod reference;
mod seven;
pub mod tables;

pub use fast::FastHand;
pub use seven::SevenCards;

use core::cmp::Ordering;
use core::fmt;

use crate::card::{Card, CardSet, Rank};
use crate::deck::DeckKind;

/// The category of a high hand, weakest first (standard ranking order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)] // The variant names are the documentation.
pub enum Category {
    HighCard = 0,
    OnePair,
    TwoPair,
    ThreeOfAKind,
    Straight,
    Flush,
    FullHouse,
    FourOfAKind,
    StraightFlush,
}

impl Category {
    /// All categories, weakest first in standard order.
    pub const ALL: [Category; 9] = [
        Category::HighCard,
        Category::OnePair,
        Category::TwoPair,
        Category::ThreeOfAKind,
        Category::Straight,
        Category::Flush,
        Category::FullHouse,
        Category::FourOfAKind,
        Category::StraightFlush,
    ];

    /// The category's place in short-deck order, where a flush beats a full house.
    pub const fn short_deck_order(self) -> u8 {
        match self {
            Category::Flush => Category::FullHouse as u8,
            Category::FullHouse => Category::Flush as u8,
            other => other as u8,
        }
    }

    /// The category's name in English ("two pair").
    pub const fn name(self) -> &'static str {
        match self {
            Category::HighCard => "high card",
            Category::OnePair => "one pair",
            Category::TwoPair => "two pair",
            Category::ThreeOfAKind => "three of a kind",
            Category::Straight => "straight",
            Category::Flush => "flush",
            Category::FullHouse => "full house",
            Category::FourOfAKind => "four of a kind",
            Category::StraightFlush => "straight flush",
        }
    }

    const fn from_index(index: u32) -> Option<Category> {
        if index < 9 {
            Some(Category::ALL[index as usize])
        } else {
            None
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The strength of a high hand in standard ranking; greater is better.
///
/// Two strengths are equal exactly when the hands tie. The value packs the category
/// and the ranks that break ties, so it also yields a description:
///
/// ```
/// use poker_core::{evaluate, parse_cards, Category};
///
/// let a = evaluate(&parse_cards("KsKd7h7c2s")?)?;
/// let b = evaluate(&parse_cards("KhKc7s7d3s")?)?;
/// assert_eq!(a.category(), Category::TwoPair);
/// assert_eq!(a.to_string(), "two pair, kings and sevens");
/// assert!(b > a); // the three kicker beats the deuce
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HandStrength(u16);
// Invariant: a class index below `tables::CLASS_COUNT` (7,462). Classes are numbered
// in strength order; `tables::CLASS_VALUES` maps each to its packed value: category
// index in bits 20..24, then bits 16..20, 12..16, … 0..4 the tie-breaking rank
// indices, most significant first, unused ones zero. The fast evaluator's tables hold
// 16-bit classes, which halves their cache footprint.

impl HandStrength {
    /// Packs a category and its tie-breaking ranks (most significant first, at most
    /// five). They must describe a real hand, as the reference evaluator's always do.
    pub(crate) fn from_parts(category: Category, ranks: &[Rank]) -> HandStrength {
        debug_assert!(ranks.len() <= 5);
        let mut value = (category as u32) << 20;
        for (i, rank) in ranks.iter().take(5).enumerate() {
            value |= u32::from(rank.index()) << (16 - 4 * i);
        }
        let strength = HandStrength::from_u32(value);
        debug_assert!(strength.is_some(), "{value:#x} is not a hand");
        strength.unwrap_or(HandStrength(0))
    }

    /// The strength of the fast evaluator's class `class` (below 7,462).
    pub(crate) const fn from_class(class: u16) -> HandStrength {
        HandStrength(class)
    }

    /// The packed value: category in bits 20–23, then up to five rank indices of
    /// four bits each, most significant first. Stable across versions.
    pub const fn to_u32(self) -> u32 {
        tables::CLASS_VALUES[self.0 as usize % tables::CLASS_VALUES.len()]
    }

    /// The strength with this packed value, if it is the packed value of some hand
    /// (one of the 7,462 distinct strengths); any other value is `None`.
    pub fn from_u32(value: u32) -> Option<HandStrength> {
        let classes = &tables::CLASS_VALUES[..tables::CLASS_COUNT];
        let class = classes.binary_search(&value).ok()?;
        Some(HandStrength(u16::try_from(class).ok()?))
    }

    /// The hand's category.
    pub fn category(self) -> Category {
        Category::from_index(self.to_u32() >> 20).expect("invariant: category index below 9")
    }

    /// The ranks that break ties within the category, most significant first.
    ///
    /// A straight (or straight flush) has one: its top card (a five for the wheel).
    pub fn tie_break_ranks(self) -> Vec<Rank> {
        Self::unpack_ranks(self.to_u32(), self.category())
    }

    fn unpack_ranks(value: u32, category: Category) -> Vec<Rank> {
        let count = match category {
            Category::HighCard | Category::Flush => 5,
            Category::OnePair => 4,
            Category::TwoPair | Category::ThreeOfAKind => 3,
            Category::FullHouse | Category::FourOfAKind => 2,
            Category::Straight | Category::StraightFlush => 1,
        };
        (0..count)
            .map(|i| {
                let index = (value >> (16 - 4 * i)) & 0xF;
                Rank::from_index(index as u8).unwrap_or(Rank::Two)
            })
            .collect()
    }
}

impl fmt::Debug for HandStrength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HandStrength({:#08x}: {})", self.to_u32(), self)
    }
}

impl fmt::Display for HandStrength {
    /// A description such as "two pair, kings and sevens" or "straight, five high".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.tie_break_ranks();
        match self.category() {
            Category::StraightFlush if r[0] == Rank::Ace => write!(f, "royal flush"),
            Category::StraightFlush => write!(f, "straight flush, {} high", r[0].name()),
            Category::FourOfAKind => {
                write!(
                    f,
                    "four of a kind, {}, {} kicker",
                    r[0].plural(),
                    r[1].name()
                )
            }
            Category::FullHouse => {
                write!(f, "full house, {} full of {}", r[0].plural(), r[1].plural())
            }
            Category::Flush => write!(f, "flush, {} high", r[0].name()),
            Category::Straight => write!(f, "straight, {} high", r[0].name()),
            Category::ThreeOfAKind => write!(f, "three of a kind, {}", r[0].plural()),
            Category::TwoPair => write!(f, "two pair, {} and {}", r[0].plural(), r[1].plural()),
            Category::OnePair => write!(f, "pair of {}", r[0].plural()),
            Category::HighCard => write!(f, "high card, {}", r[0].name()),
        }
    }
}

/// The strength of a short-deck (six-plus) hand; greater is better.
///
/// Short-deck rankings differ from standard ones in two ways: a flush beats a full
/// house, and `A-6-7-8-9` is the lowest straight.
///
/// ```
/// use poker_core::{evaluate_short_deck, parse_cards, Category};
///
/// let flush = evaluate_short_deck(&parse_cards("AsJs9s7s6s")?)?;
/// let boat = evaluate_short_deck(&parse_cards("KhKcKd6h6c")?)?;
/// assert!(flush > boat);
/// let wheel = evaluate_short_deck(&parse_cards("Ah6c7d8s9h")?)?;
/// assert_eq!(wheel.category(), Category::Straight);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ShortDeckStrength(HandStrength);

impl ShortDeckStrength {
    /// Wraps a strength computed with short-deck straights.
    pub(crate) const fn new(strength: HandStrength) -> ShortDeckStrength {
        ShortDeckStrength(strength)
    }

    /// The underlying strength (category and tie-break ranks).
    pub const fn strength(self) -> HandStrength {
        self.0
    }

    /// The hand's category.
    pub fn category(self) -> Category {
        self.0.category()
    }

    fn order_key(self) -> (u8, HandStrength) {
        (self.0.category().short_deck_order(), self.0)
    }
}

impl PartialOrd for ShortDeckStrength {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ShortDeckStrength {
    fn cmp(&self, other: &Self) -> Ordering {
        self.order_key().cmp(&other.order_key())
    }
}

impl fmt::Display for ShortDeckStrength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// An ace-to-five low that qualifies for eight-or-better; greater is better (lower).
///
/// ```
/// use poker_core::{evaluate_omaha_low8, parse_cards};
///
/// let low = evaluate_omaha_low8(&parse_cards("As2dKhKc")?, &parse_cards("3c6d8hQsJs")?)?;
/// assert_eq!(low.map(|l| l.to_string()), Some("8-6-3-2-A low".to_string()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LowStrength(u32);
// Invariant: five nibbles, most significant first, each `15 - v` for the hand's
// distinct ace-low values `v` (ace 1 … eight 8) in descending order. A lower hand
// compares greater.

impl LowStrength {
    /// Builds a low from five distinct ace-low values (1–8), highest first.
    pub(crate) fn from_values_high_first(values: &[u8]) -> Option<LowStrength> {
        let valid = values.len() == 5
            && values.windows(2).all(|w| w[0] > w[1])
            && values.iter().all(|&v| (1..=8).contains(&v));
        if !valid {
            return None;
        }
        let packed = values
            .iter()
            .fold(0u32, |acc, &v| (acc << 4) | u32::from(15 - v));
        Some(LowStrength(packed))
    }

    /// The five ace-low values (ace 1 … eight 8), highest first.
    pub fn values_high_first(self) -> [u8; 5] {
        let mut out = [0u8; 5];
        for (i, slot) in out.iter_mut().enumerate() {
            let nibble = (self.0 >> (16 - 4 * i)) & 0xF;
            *slot = 15 - nibble as u8;
        }
        out
    }

    /// The packed value; stable across versions.
    pub const fn to_u32(self) -> u32 {
        self.0
    }
}

impl fmt::Display for LowStrength {
    /// A description such as "8-6-3-2-A low".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self
            .values_high_first()
            .iter()
            .map(|&v| match v {
                1 => "A".to_string(),
                v => v.to_string(),
            })
            .collect();
        write!(f, "{} low", names.join("-"))
    }
}

/// Why a set of cards cannot be evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EvalError {
    /// A high or low hand needs between `min` and `max` cards.
    WrongCardCount {
        /// Fewest cards accepted.
        min: usize,
        /// Most cards accepted.
        max: usize,
        /// Cards given.
        got: usize,
    },
    /// Omaha needs between `min` and `max` hole cards.
    WrongHoleCount {
        /// Fewest hole cards accepted.
        min: usize,
        /// Most hole cards accepted.
        max: usize,
        /// Hole cards given.
        got: usize,
    },
    /// Omaha needs between `min` and `max` board cards.
    WrongBoardCount {
        /// Fewest board cards accepted.
        min: usize,
        /// Most board cards accepted.
        max: usize,
        /// Board cards given.
        got: usize,
    },
    /// The same card appears twice.
    DuplicateCard(Card),
    /// A card below the six was given to the short-deck evaluator.
    NotInShortDeck(Card),
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::WrongCardCount { min, max, got } => {
                write!(f, "a hand needs {min} to {max} cards, got {got}")
            }
            EvalError::WrongHoleCount { min, max, got } => {
                write!(f, "Omaha needs {min} to {max} hole cards, got {got}")
            }
            EvalError::WrongBoardCount { min, max, got } => {
                write!(f, "Omaha needs {min} to {max} board cards, got {got}")
            }
            EvalError::DuplicateCard(card) => write!(f, "card {card} appears twice"),
            EvalError::NotInShortDeck(card) => write!(f, "card {card} is not in the short deck"),
        }
    }
}

impl std::error::Error for EvalError {}

/// Fewest cards a high or low hand is evaluated from.
pub const HAND_CARDS_MIN: usize = 5;
/// Most cards a high or low hand is evaluated from (seven-card games).
pub const HAND_CARDS_MAX: usize = 7;
/// Fewest hole cards in Omaha.
pub const OMAHA_HOLE_MIN: usize = 4;
/// Most hole cards in Omaha (six-card Omaha).
pub const OMAHA_HOLE_MAX: usize = 6;
/// Fewest board cards an Omaha hand is evaluated with (the flop).
pub const OMAHA_BOARD_MIN: usize = 3;
/// Most board cards (the river).
pub const OMAHA_BOARD_MAX: usize = 5;

/// Checks the number of cards first, so a wrong count is reported before a repeat.
#[inline(always)]
fn check_length(count: usize) -> Result<(), EvalError> {
    if !(HAND_CARDS_MIN..=HAND_CARDS_MAX).contains(&count) {
        return Err(EvalError::WrongCardCount {
            min: HAND_CARDS_MIN,
            max: HAND_CARDS_MAX,
            got: count,
        });
    }
    Ok(())
}

fn check_omaha(hole: &[Card], board: &[Card]) -> Result<(), EvalError> {
    if !(OMAHA_HOLE_MIN..=OMAHA_HOLE_MAX).contains(&hole.len()) {
        return Err(EvalError::WrongHoleCount {
            min: OMAHA_HOLE_MIN,
            max: OMAHA_HOLE_MAX,
            got: hole.len(),
        });
    }
    if !(OMAHA_BOARD_MIN..=OMAHA_BOARD_MAX).contains(&board.len()) {
        return Err(EvalError::WrongBoardCount {
            min: OMAHA_BOARD_MIN,
            max: OMAHA_BOARD_MAX,
            got: board.len(),
        });
    }
    let mut seen = CardSet::EMPTY;
    for &card in hole.iter().chain(board) {
        if !seen.insert(card) {
            return Err(EvalError::DuplicateCard(card));
        }
    }
    Ok(())
}

/// The best high hand that 5, 6 or 7 distinct cards make.
///
/// ```
/// use poker_core::{evaluate, parse_cards, Category};
///
/// let strength = evaluate(&parse_cards("AsKsQsJsTs2d3c")?)?;
/// assert_eq!(strength.category(), Category::StraightFlush);
/// assert_eq!(strength.to_string(), "royal flush");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
// Always inlined: called in hot loops, and a call would return the 32-byte `Result`
// through memory.
#[inline(always)]
pub fn evaluate(cards: &[Card]) -> Result<HandStrength, EvalError> {
    check_length(cards.len())?;
    Ok(FastHand::from_cards(cards)?.strength_of_checked())
}

/// The best short-deck hand that 5, 6 or 7 distinct short-deck cards make.
///
/// A card below the six is [`EvalError::NotInShortDeck`] (the first one given).
///
/// ```
/// use poker_core::{evaluate_short_deck, parse_cards};
///
/// let wheel = evaluate_short_deck(&parse_cards("Ah6c7d8s9h")?)?;
/// assert_eq!(wheel.to_string(), "straight, nine high");
/// assert!(evaluate_short_deck(&parse_cards("Ah2c7d8s9h")?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate_short_deck(cards: &[Card]) -> Result<ShortDeckStrength, EvalError> {
    check_length(cards.len())?;
    let hand = FastHand::from_cards(cards)?;
    if let Some(&card) = cards.iter().find(|&&c| !DeckKind::Short.contains(c)) {
        return Err(EvalError::NotInShortDeck(card));
    }
    hand.short_deck_strength()
}

/// The best Omaha high hand: exactly two of the 4–6 hole cards with exactly three of
/// the 3–5 board cards.
///
/// ```
/// use poker_core::{evaluate_omaha, parse_cards, Category};
///
/// // Four spades on board and one in hand is no flush in Omaha.
/// let strength = evaluate_omaha(&parse_cards("AsKdQh2c")?, &parse_cards("9s7s5s3s2d")?)?;
/// assert_eq!(strength.category(), Category::OnePair);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate_omaha(hole: &[Card], board: &[Card]) -> Result<HandStrength, EvalError> {
    check_omaha(hole, board)?;
    Ok(HandStrength::from_class(omaha::best_omaha_high(
        hole, board,
    )))
}

/// The best ace-to-five eight-or-better low of 5, 6 or 7 cards, or `None` when no
/// five of them qualify. Straights and flushes do not count against a low.
///
/// ```
/// use poker_core::{evaluate_low8, parse_cards};
///
/// let low = evaluate_low8(&parse_cards("As2d3h4c5sKdKc")?)?;
/// assert_eq!(low.map(|l| l.to_string()), Some("5-4-3-2-A low".to_string()));
/// assert_eq!(evaluate_low8(&parse_cards("As2d3h9c9sKdKc")?)?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn evaluate_low8(cards: &[Card]) -> Result<Option<LowStrength>, EvalError> {
    check_length(cards.len())?;
    FastHand::from_cards(cards)?.low8()
}

/// The best Omaha eight-or-better low (exactly two hole cards and three board cards),
/// or `None` when no combination qualifies.
pub fn evaluate_omaha_low8(
    hole: &[Card],
    board: &[Card],
) -> Result<Option<LowStrength>, EvalError> {
    check_omaha(hole, board)?;
    Ok(omaha::best_omaha_low(hole, board))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::parse_cards;

    fn high(text: &str) -> HandStrength {
        evaluate(&parse_cards(text).unwrap()).unwrap()
    }

    #[test]
    fn descriptions_read_naturally() {
        let cases = [
            ("AsKsQsJsTs", "royal flush"),
            ("9h8h7h6h5h", "straight flush, nine high"),
            ("5d4d3d2dAd", "straight flush, five high"),
            ("KsKdKhKc2s", "four of a kind, kings, deuce kicker"),
            ("7s7d7hKcKs", "full house, sevens full of kings"),
            ("As9s7s4s2s", "flush, ace high"),
            ("5c4d3h2sAd", "straight, five high"),
            ("7s7d7h2c3s", "three of a kind, sevens"),
            ("KsKd7h7c2s", "two pair, kings and sevens"),
            ("KsKd9h7c2s", "pair of kings"),
            ("AsJd9h7c2s", "high card, ace"),
        ];
        for (cards, description) in cases {
            assert_eq!(high(cards).to_string(), description, "{cards}");
        }
    }

    #[test]
    fn packed_values_round_trip() {
        for text in ["AsKsQsJsTs", "KsKd7h7c2s", "5c4d3h2sAd", "AsJd9h7c2s"] {
            let strength = high(text);
            assert_eq!(HandStrength::from_u32(strength.to_u32()), Some(strength));
        }
        assert_eq!(HandStrength::from_u32(9 << 20), None);
        assert_eq!(HandStrength::from_u32(0xF), None);
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let cards = parse_cards("AsKsQsJs").unwrap();
        assert_eq!(
            evaluate(&cards),
            Err(EvalError::WrongCardCount {
                min: 5,
                max: 7,
                got: 4
            })
        );
        let mut cards = parse_cards("AsKsQsJsTs").unwrap();
        cards.push(cards[0]);
        assert_eq!(evaluate(&cards), Err(EvalError::DuplicateCard(cards[0])));
        let with_deuce = parse_cards("AsKsQsJs2s").unwrap();
        assert_eq!(
            evaluate_short_deck(&with_deuce),
            Err(EvalError::NotInShortDeck(with_deuce[4]))
        );
        let hole = parse_cards("AsKs").unwrap();
        let board = parse_cards("2c3c4c").unwrap();
        assert!(matches!(
            evaluate_omaha(&hole, &board),
            Err(EvalError::WrongHoleCount { got: 2, .. })
        ));
        let hole = parse_cards("AsKsQsJs").unwrap();
        let board = parse_cards("As3c4c").unwrap();
        assert_eq!(
            evaluate_omaha(&hole, &board),
            Err(EvalError::DuplicateCard(hole[0]))
        );
    }

    #[test]
    fn a_repeat_anywhere_is_named_whatever_the_hand_size() {
        // The fast path tests each card against the ones before it: a repeat at every
        // pair of positions, in hands of 2 to 7 cards, gets the same answer as the
        // plain set insertion, which names the first card seen twice.
        let distinct = parse_cards("Ah7c2d7sKhTd3c").unwrap();
        for len in 2..=distinct.len() {
            for first in 0..len {
                for second in first + 1..len {
                    let mut cards = distinct[..len].to_vec();
                    cards[second] = cards[first];
                    let expected = CardSet::from_distinct(&cards).map(|_| ());
                    assert_eq!(expected, Err(cards[first]));
                    let got = FastHand::from_cards(&cards).map(|_| ());
                    assert_eq!(got, Err(EvalError::DuplicateCard(cards[first])));
                    if len >= HAND_CARDS_MIN {
                        assert_eq!(
                            evaluate(&cards),
                            Err(EvalError::DuplicateCard(cards[first]))
                        );
                    }
                }
            }
        }
        let eight = parse_cards("Ah7c2d7sKhTd3c4h").unwrap();
        assert_eq!(
            FastHand::from_cards(&eight).map(|_| ()),
            Err(EvalError::WrongCardCount {
                min: 5,
                max: 7,
                got: 8
            })
        );
    }

    #[test]
    fn lows_order_by_highest_card_first() {
        let wheel = evaluate_low8(&parse_cards("As2d3h4c5s").unwrap()).unwrap();
        let six = evaluate_low8(&parse_cards("6s4d3h2cAs").unwrap()).unwrap();
        let eight = evaluate_low8(&parse_cards("8s7d6h5c4s").unwrap()).unwrap();
        let nine = evaluate_low8(&parse_cards("9s4d3h2cAs").unwrap()).unwrap();
        assert!(wheel > six && six > eight);
        assert_eq!(nine, None);
        assert_eq!(wheel.map(|l| l.to_string()), Some("5-4-3-2-A low".into()));
    }
}
