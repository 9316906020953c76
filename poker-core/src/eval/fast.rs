//! The fast evaluator: an additive hand accumulator and perfect-hash table lookups.
//!
//! A [`FastHand`] is two machine words that grow by one addition and one OR per card:
//!
//! * `key`: bits 0–31 hold the sum of the cards' rank keys, which identifies the
//!   multiset of ranks; bits 32–47 hold one 4-bit counter per suit, started at 3 so
//!   that bit 3 of a counter is set exactly when the suit has five cards or more;
//!   bits 48–51 count the cards.
//! * `mask`: one bit per card, 16 bits per suit (bit `16 * suit + rank`), so the
//!   ranks held in one suit are a shift and a mask away.
//!
//! Evaluating is then branch-light: with five or more cards of one suit the hand is a
//! flush or better, and at most seven cards cannot also hold a full house or quads,
//! so the suit's rank mask indexes the flush table; otherwise the rank sum, spread by
//! a multiplication, goes through a row-displacement perfect hash into the rank table.
//! The tables are built by `build.rs` (see [`tables`](super::tables) for their size).

use core::fmt;

use super::tables::{
    FLUSH_VALUES, HASH_BITS, HASH_MULTIPLIER, HASH_ROW_OFFSETS, RANK_KEYS, RANK_VALUES, ROW_SHIFT,
};
use super::{
    low, Category, EvalError, HandStrength, LowStrength, ShortDeckStrength, HAND_CARDS_MAX,
    HAND_CARDS_MIN,
};
use crate::card::{Card, CardSet, Rank};

/// Suit counters start at 3, so a counter reaches 8 (bit 3) at five cards of its suit.
pub(super) const SUIT_COUNTER_BIAS: u64 = 0x3333 << 32;
/// Bit 3 of each suit counter: set when that suit holds five cards or more.
const FLUSH_FLAGS: u64 = 0x8888 << 32;
/// Where the card count starts in `key`.
const CARD_COUNT_SHIFT: u32 = 48;
/// The thirteen rank bits of one suit in `mask`.
const SUIT_RANKS: u64 = 0x1FFF;
/// Deuce to five in every suit of `mask`: cards the short deck does not have.
const BELOW_SIX: u64 = 0x000F_000F_000F_000F;
/// Ranks `A-6-7-8-9`, the lowest straight in the short deck.
const SHORT_DECK_WHEEL: u32 = (1 << 12) | 0b1111_0000;
/// Packed strength of a nine-high straight, and of a nine-high straight flush.
const NINE_HIGH_STRAIGHT: u32 = ((Category::Straight as u32) << 20) | (7 << 16);
const NINE_HIGH_STRAIGHT_FLUSH: u32 = ((Category::StraightFlush as u32) << 20) | (7 << 16);

/// What one card adds to a [`FastHand`]: its `key` summand and its `mask` bit.
#[derive(Clone, Copy)]
pub(super) struct CardCode {
    pub(super) key: u64,
    pub(super) bit: u64,
}

/// The code of every card, by card index (`rank * 4 + suit`).
pub(super) const CARD_CODES: [CardCode; 52] = card_codes();

const fn card_codes() -> [CardCode; 52] {
    let mut codes = [CardCode { key: 0, bit: 0 }; 52];
    let mut index = 0;
    while index < 52 {
        let rank = index / 4;
        let suit = index % 4;
        codes[index] = CardCode {
            key: RANK_KEYS[rank] as u64 | 1 << (32 + 4 * suit) | 1 << CARD_COUNT_SHIFT,
            bit: 1 << (16 * suit + rank),
        };
        index += 1;
    }
    codes
}

/// The 13-bit mask of ranks present in any suit.
#[inline(always)]
pub(super) const fn rank_mask(mask: u64) -> u32 {
    ((mask | mask >> 16 | mask >> 32 | mask >> 48) & SUIT_RANKS) as u32
}

/// The packed high strength of 5–7 distinct cards given as an accumulated `key`
/// (with [`SUIT_COUNTER_BIAS`]) and `mask`.
#[inline(always)]
pub(super) fn high_value(key: u64, mask: u64) -> u32 {
    let flags = key & FLUSH_FLAGS;
    if flags != 0 {
        // Flags sit at bits 35, 39, 43 and 47; only one suit can hold five of seven.
        let suit = (flags.trailing_zeros() - 35) / 4;
        FLUSH_VALUES[((mask >> (16 * suit)) & SUIT_RANKS) as usize]
    } else {
        let spread = (key as u32).wrapping_mul(HASH_MULTIPLIER) & ((1 << HASH_BITS) - 1);
        let row = HASH_ROW_OFFSETS[(spread >> ROW_SHIFT) as usize] as usize;
        // `build.rs` pads RANK_VALUES so that every row offset plus every column is
        // inside it, whatever the key: this index cannot be out of bounds.
        RANK_VALUES[row + (spread & ((1 << ROW_SHIFT) - 1)) as usize]
    }
}

/// The packed short-deck strength of 5–7 distinct short-deck cards: the standard
/// strength, with `A-6-7-8-9` promoted to the nine-high straight (flush).
#[inline]
fn short_deck_value(key: u64, mask: u64) -> u32 {
    let flags = key & FLUSH_FLAGS;
    if flags != 0 {
        let suit = (flags.trailing_zeros() - 35) / 4;
        let suit_ranks = ((mask >> (16 * suit)) & SUIT_RANKS) as u32;
        let value = FLUSH_VALUES[suit_ranks as usize];
        // Any straight flush the standard table found is ten-high or better.
        if suit_ranks & SHORT_DECK_WHEEL == SHORT_DECK_WHEEL && value < NINE_HIGH_STRAIGHT_FLUSH {
            return NINE_HIGH_STRAIGHT_FLUSH;
        }
        value
    } else {
        let value = high_value(key, mask);
        // Below a straight, the wheel wins; a standard straight here is ten-high or
        // better, and full houses and quads beat any straight.
        if rank_mask(mask) & SHORT_DECK_WHEEL == SHORT_DECK_WHEEL && value < NINE_HIGH_STRAIGHT {
            return NINE_HIGH_STRAIGHT;
        }
        value
    }
}

/// An incremental hand of up to seven distinct cards, evaluated in constant time.
///
/// Adding a card is an addition and an OR, so enumerations can share the work for
/// common cards: build the board once, then add each player's cards to a copy.
/// `FastHand` is `Copy` and two words wide.
///
/// ```
/// use poker_core::{parse_cards, Category, FastHand};
///
/// let mut board = FastHand::new();
/// for card in parse_cards("Ah Kh 7h 7c 2d")? {
///     board = board.add_card(card)?;
/// }
/// let flush = board.add_card("Qh".parse()?)?.add_card("3h".parse()?)?;
/// let boat = board.add_card("7s".parse()?)?.add_card("Kd".parse()?)?;
/// assert_eq!(flush.strength()?.category(), Category::Flush);
/// assert_eq!(boat.strength()?.category(), Category::FullHouse);
/// assert!(boat.strength()? > flush.strength()?);
/// assert!(board.add_card("Ah".parse()?).is_err()); // the ace of hearts is already there
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FastHand {
    // Invariant: `mask` has one bit per distinct card (at most seven), and `key` is
    // SUIT_COUNTER_BIAS plus the sum of those cards' CARD_CODES keys.
    key: u64,
    mask: u64,
}

impl Default for FastHand {
    fn default() -> FastHand {
        FastHand::new()
    }
}

impl FastHand {
    /// The hand with no cards.
    pub const fn new() -> FastHand {
        FastHand {
            key: SUIT_COUNTER_BIAS,
            mask: 0,
        }
    }

    /// This hand with `card` added, or an error if the card is already in the hand
    /// ([`EvalError::DuplicateCard`]) or the hand already holds seven cards
    /// ([`EvalError::WrongCardCount`]).
    #[inline]
    pub fn add_card(self, card: Card) -> Result<FastHand, EvalError> {
        let code = CARD_CODES[card.index() as usize];
        if self.mask & code.bit != 0 {
            return Err(EvalError::DuplicateCard(card));
        }
        if self.len() >= HAND_CARDS_MAX {
            return Err(EvalError::WrongCardCount {
                min: HAND_CARDS_MIN,
                max: HAND_CARDS_MAX,
                got: self.len() + 1,
            });
        }
        Ok(FastHand {
            key: self.key + code.key,
            mask: self.mask | code.bit,
        })
    }

    /// The hand holding `cards` (at most seven, all distinct).
    ///
    /// Errors: [`EvalError::WrongCardCount`] for more than seven cards, and
    /// [`EvalError::DuplicateCard`] naming the first repeated card.
    #[inline]
    pub fn from_cards(cards: &[Card]) -> Result<FastHand, EvalError> {
        if cards.len() > HAND_CARDS_MAX {
            return Err(EvalError::WrongCardCount {
                min: HAND_CARDS_MIN,
                max: HAND_CARDS_MAX,
                got: cards.len(),
            });
        }
        let mut key = SUIT_COUNTER_BIAS;
        let mut mask = 0;
        for card in cards {
            let code = CARD_CODES[card.index() as usize];
            key += code.key;
            mask |= code.bit;
        }
        // One check for all cards: a repeat sets an existing bit and so loses a card.
        if mask.count_ones() as usize != cards.len() {
            let repeated = CardSet::from_distinct(cards).err();
            // `repeated` is always `Some` here; the fallback keeps this path panic-free.
            return Err(EvalError::DuplicateCard(repeated.unwrap_or(cards[0])));
        }
        Ok(FastHand { key, mask })
    }

    /// Number of cards in the hand.
    #[inline]
    pub const fn len(self) -> usize {
        (self.key >> CARD_COUNT_SHIFT) as usize
    }

    /// Whether the hand has no cards.
    pub const fn is_empty(self) -> bool {
        self.mask == 0
    }

    /// Whether `card` is in the hand.
    pub const fn contains(self, card: Card) -> bool {
        self.mask & CARD_CODES[card.index() as usize].bit != 0
    }

    /// The cards of the hand as a set.
    pub fn cards(self) -> CardSet {
        Card::all().filter(|&card| self.contains(card)).collect()
    }

    /// The best high hand the cards make; they must number 5 to 7.
    ///
    /// ```
    /// use poker_core::{parse_cards, FastHand};
    ///
    /// let hand = FastHand::from_cards(&parse_cards("9s9d4c4h4s")?)?;
    /// assert_eq!(hand.strength()?.to_string(), "full house, fours full of nines");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn strength(self) -> Result<HandStrength, EvalError> {
        self.check_evaluable()?;
        Ok(HandStrength(high_value(self.key, self.mask)))
    }

    /// The best short-deck hand the cards make; they must number 5 to 7, with no card
    /// below a six ([`EvalError::NotInShortDeck`] names the lowest such card).
    pub fn short_deck_strength(self) -> Result<ShortDeckStrength, EvalError> {
        self.check_evaluable()?;
        let below_six = self.mask & BELOW_SIX;
        if below_six != 0 {
            let bit = below_six.trailing_zeros() as u8;
            // Bit `16 * suit + rank` is the card with index `rank * 4 + suit`; it is
            // always below 52, and the fallback only keeps this path free of panics.
            let card = Card::from_index((bit % 16) * 4 + bit / 16);
            return Err(EvalError::NotInShortDeck(
                card.unwrap_or(Card::new(Rank::Two, crate::card::Suit::Clubs)),
            ));
        }
        Ok(ShortDeckStrength::new(HandStrength(short_deck_value(
            self.key, self.mask,
        ))))
    }

    /// The best ace-to-five eight-or-better low the cards make (5 to 7 of them), or
    /// `None` when fewer than five different ranks from ace to eight are present.
    pub fn low8(self) -> Result<Option<LowStrength>, EvalError> {
        self.check_evaluable()?;
        Ok(low::best_low8(rank_mask(self.mask)))
    }

    fn check_evaluable(self) -> Result<(), EvalError> {
        if self.len() < HAND_CARDS_MIN {
            return Err(EvalError::WrongCardCount {
                min: HAND_CARDS_MIN,
                max: HAND_CARDS_MAX,
                got: self.len(),
            });
        }
        Ok(())
    }
}

impl fmt::Debug for FastHand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FastHand").field(&self.cards()).finish()
    }
}
