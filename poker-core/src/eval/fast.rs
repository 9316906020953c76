//! The fast evaluator: an additive hand accumulator and perfect-hash table lookups.
//!
//! A [`FastHand`] is two machine words that grow by one addition and one OR per card:
//!
//! * `key`: bits 0–15 hold one 4-bit counter per suit, started at 3 so that bit 3 of
//!   a counter is set exactly when the suit has five cards or more; bits 16–20 count
//!   the cards, started at 8 so that an eighth card sets bit 20, and bits 21–24
//!   count them again from 3, so that bit 24 means "five or more"; bits 39–63 hold the
//!   sum, modulo 2^25, of the cards' rank keys, which identifies the multiset of
//!   ranks. The rank keys are stored already multiplied by the hash's spreading
//!   constant: the product distributes over the sum, so the top 25 bits are the
//!   spread key and evaluation needs no multiplication; at the top of the word the
//!   sum wraps modulo 2^25 by itself, and its top 14 bits are the hash row.
//! * `mask`: one bit per card at the card's index (`rank * 4 + suit`), the same
//!   layout as [`CardSet`], so a set of candidate cards is filtered against the hand
//!   in one operation. The ranks held in one suit (needed only for flushes) are
//!   gathered from every fourth bit by a few shifts.
//!
//! Evaluating is then branch-light: with five or more cards of one suit the hand is a
//! flush or better, and at most seven cards cannot also hold a full house or quads,
//! so the suit's rank mask indexes the flush table; otherwise the spread rank key
//! goes through a row-displacement perfect hash into the rank table. Both tables hold
//! 16-bit strength classes. They are built by `build.rs` (see
//! [`tables`](super::tables) for their size).

use core::fmt;

use super::tables::{
    CLASS_COUNT, CLASS_VALUES, FLUSH_CLASSES, HASH_BITS, HASH_MULTIPLIER, HASH_ROW_OFFSETS,
    RANK_CLASSES, RANK_KEYS, ROW_SHIFT,
};
use super::{
    low, Category, EvalError, HandStrength, LowStrength, ShortDeckStrength, HAND_CARDS_MAX,
    HAND_CARDS_MIN,
};
use crate::card::{Card, CardSet, Rank, Suit};

/// Bit 3 of each suit counter: set when that suit holds five cards or more.
const FLUSH_FLAGS: u64 = 0x8888;
/// Where the card count starts in `key`.
const CARD_COUNT_SHIFT: u32 = 16;
/// The card count's starting value: 8 + 8 cards = 16 is the first to reach bit 20.
const CARD_COUNT_BIAS: u64 = 8;
/// The card count field (5 bits).
const CARD_COUNT_FIELD: u64 = 0x1F << CARD_COUNT_SHIFT;
/// Set in `key` once an eighth card is added.
const CARD_COUNT_OVERFLOW: u64 = 0x10 << CARD_COUNT_SHIFT;
/// A second card counter, started at 3 so that its bit 3 is set from the fifth card
/// on: "enough cards to evaluate" is then one bit test.
const FIVE_COUNTER_SHIFT: u32 = 21;
/// Set in `key` when the hand holds five cards or more.
const FIVE_CARDS_FLAG: u64 = 8 << FIVE_COUNTER_SHIFT;
/// What one card adds to the two card counters.
const ONE_CARD: u64 = 1 << CARD_COUNT_SHIFT | 1 << FIVE_COUNTER_SHIFT;
/// Where the spread rank key starts in `key`: it fills the word's top `HASH_BITS`.
const SPREAD_SHIFT: u32 = 64 - HASH_BITS;
/// Suit counters start at 3, the card count at [`CARD_COUNT_BIAS`] and the
/// five-card counter at 3.
pub(super) const SUIT_COUNTER_BIAS: u64 =
    0x3333 | CARD_COUNT_BIAS << CARD_COUNT_SHIFT | 3 << FIVE_COUNTER_SHIFT;
/// The thirteen rank bits of a gathered suit.
const SUIT_RANKS: u64 = 0x1FFF;
/// One bit per rank (bits 0, 4, … 48): the clubs of `mask`, or any suit shifted down.
const EVERY_FOURTH_BIT: u64 = 0x0001_1111_1111_1111;
/// A suit index that matches no card.
const NO_SUIT: u32 = 4;
/// Masks an index into [`FLUSH_CLASSES`] (8,192 entries), so the lookup needs no check.
const FLUSH_INDEX_MASK: usize = (1 << 13) - 1;
/// Deuces to fives (card indices 0–15): cards the short deck does not have.
const BELOW_SIX: u64 = 0xFFFF;
/// Ranks `A-6-7-8-9`, the lowest straight in the short deck.
const SHORT_DECK_WHEEL: u32 = (1 << 12) | 0b1111_0000;
/// Classes of a nine-high straight and of a nine-high straight flush.
const NINE_HIGH_STRAIGHT: u16 = class_of(((Category::Straight as u32) << 20) | (7 << 16));
const NINE_HIGH_STRAIGHT_FLUSH: u16 =
    class_of(((Category::StraightFlush as u32) << 20) | (7 << 16));

/// The class of a packed strength, at compile time (fails the build if there is none).
const fn class_of(packed: u32) -> u16 {
    let mut class = 0;
    while class < CLASS_COUNT {
        if CLASS_VALUES[class] == packed {
            return class as u16;
        }
        class += 1;
    }
    panic!("not the packed value of a hand")
}

/// What one card adds to a [`FastHand`]: its `key` summand and its `mask` bit.
#[derive(Clone, Copy)]
pub(super) struct CardCode {
    pub(super) key: u64,
    pub(super) bit: u64,
}

/// The `key` summand of every card, by card index (`rank * 4 + suit`).
///
/// Keys and bits are two tables of 8-byte entries rather than one of 16-byte pairs:
/// x86-64 addressing scales an index by at most 8, so an 8-byte entry is read straight
/// from the card's index, with no shift per card (measured: this and the per-card
/// repeat test in [`FastHand::from_cards`] are what make random-order evaluation
/// cheaper). Padded to 256 entries so that any `u8` index is in bounds and the lookup
/// needs no check or mask (entries from 52 up are never used: card indices are below
/// 52); the padding is never touched, so it costs no cache.
pub(super) static CARD_KEYS: [u64; 256] = card_keys();

/// The `mask` bit of every card, by card index, padded like [`CARD_KEYS`].
pub(super) static CARD_BITS: [u64; 256] = card_bits();

/// The code of the card with index `index` (below 256).
#[inline(always)]
fn code_at(index: usize) -> CardCode {
    CardCode {
        key: CARD_KEYS[index & 0xFF],
        bit: CARD_BITS[index & 0xFF],
    }
}

/// The code of `card`.
#[inline(always)]
pub(super) fn card_code(card: Card) -> CardCode {
    code_at(usize::from(card.index()))
}

const fn card_keys() -> [u64; 256] {
    let mut keys = [0; 256];
    let mut index = 0;
    while index < 52 {
        let rank = index / 4;
        let suit = index % 4;
        let spread_key = RANK_KEYS[rank].wrapping_mul(HASH_MULTIPLIER) as u64;
        keys[index] = spread_key << SPREAD_SHIFT | 1 << (4 * suit) | ONE_CARD;
        index += 1;
    }
    keys
}

const fn card_bits() -> [u64; 256] {
    let mut bits = [0; 256];
    let mut index = 0;
    while index < 52 {
        bits[index] = 1 << index;
        index += 1;
    }
    bits
}

/// The 13-bit mask of ranks present in any suit.
#[inline(always)]
pub(super) const fn rank_mask(mask: u64) -> u32 {
    gather_ranks(mask | mask >> 1 | mask >> 2 | mask >> 3)
}

/// The 13-bit rank mask of the cards of `suit` in `mask`.
#[inline(always)]
const fn suit_ranks(mask: u64, suit: u32) -> u32 {
    gather_ranks(mask >> suit)
}

/// Packs bits 0, 4, 8, … 48 of `spaced` into bits 0–12 (rank order), halving the
/// gaps at each step: pairs, then nibbles, then bytes, then the two halves.
#[inline(always)]
const fn gather_ranks(spaced: u64) -> u32 {
    let x = spaced & EVERY_FOURTH_BIT;
    let x = (x | x >> 3) & 0x0001_0303_0303_0303;
    let x = (x | x >> 6) & 0x0001_000F_000F_000F;
    let x = (x | x >> 12) & 0x0001_00FF_0000_00FF;
    ((x | x >> 24) & SUIT_RANKS) as u32
}

/// The strength class (see [`HandStrength`]) of 5–7 distinct cards given as an
/// accumulated `key` (started at [`SUIT_COUNTER_BIAS`]) and `mask`.
#[inline(always)]
pub(super) fn high_value(key: u64, mask: u64) -> u16 {
    if key & FLUSH_FLAGS != 0 {
        flush_class(key, mask)
    } else {
        rank_class(key)
    }
}

/// The class of a hand with five or more cards of one suit: its best flush.
#[inline(always)]
fn flush_class(key: u64, mask: u64) -> u16 {
    // Flags sit at bits 3, 7, 11 and 15; only one suit can hold five of seven.
    let suit = (key & FLUSH_FLAGS).trailing_zeros() / 4;
    FLUSH_CLASSES[suit_ranks(mask, suit) as usize]
}

/// The class of the best non-flush hand of the rank multiset in `key`.
#[inline(always)]
fn rank_class(key: u64) -> u16 {
    let spread = (key >> SPREAD_SHIFT) as u32;
    let offset = HASH_ROW_OFFSETS[(key >> (SPREAD_SHIFT + ROW_SHIFT)) as usize];
    // `build.rs` pads RANK_CLASSES so that every row start plus every column is
    // inside it, whatever the key: this index cannot be out of bounds.
    RANK_CLASSES[spread.wrapping_add(offset) as usize]
}

/// The short-deck strength class of 5–7 distinct short-deck cards: the standard
/// class, with `A-6-7-8-9` promoted to the nine-high straight (flush). Classes are
/// numbered in strength order, so comparing classes compares strengths.
#[inline]
fn short_deck_value(key: u64, mask: u64) -> u16 {
    let flags = key & FLUSH_FLAGS;
    if flags != 0 {
        let suit = flags.trailing_zeros() / 4;
        let suit_ranks = suit_ranks(mask, suit);
        let value = FLUSH_CLASSES[suit_ranks as usize];
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
    // SUIT_COUNTER_BIAS plus the sum of those cards' CARD_KEYS.
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
    #[inline(always)]
    pub fn add_card(self, card: Card) -> Result<FastHand, EvalError> {
        let code = card_code(card);
        let key = self.key.wrapping_add(code.key);
        // One test for both errors: a repeated card, or an eighth card.
        if (self.mask & code.bit) | (key & CARD_COUNT_OVERFLOW) != 0 {
            return Err(self.add_error(card));
        }
        Ok(FastHand {
            key,
            mask: self.mask | code.bit,
        })
    }

    #[cold]
    fn add_error(self, card: Card) -> EvalError {
        if self.contains(card) {
            EvalError::DuplicateCard(card)
        } else {
            EvalError::WrongCardCount {
                min: HAND_CARDS_MIN,
                max: HAND_CARDS_MAX,
                got: self.len() + 1,
            }
        }
    }

    /// The hand holding `cards` (at most seven, all distinct).
    ///
    /// Errors: [`EvalError::WrongCardCount`] for more than seven cards, and
    /// [`EvalError::DuplicateCard`] naming the first repeated card.
    #[inline(always)]
    pub fn from_cards(cards: &[Card]) -> Result<FastHand, EvalError> {
        if cards.len() > HAND_CARDS_MAX {
            return Err(EvalError::WrongCardCount {
                min: HAND_CARDS_MIN,
                max: HAND_CARDS_MAX,
                got: cards.len(),
            });
        }
        // Each card is tested against the cards before it: a test, a branch that
        // only bad input takes, an OR and an addition, each reading its table straight
        // from the card index. (Summing the bits and comparing the sum with their OR
        // once at the end needs two more operations per card, and was measurably
        // slower in random order.)
        let mut key = SUIT_COUNTER_BIAS;
        let mut mask = 0;
        for &card in cards {
            let index = usize::from(card.index());
            let bit = CARD_BITS[index];
            if mask & bit != 0 {
                return Err(EvalError::DuplicateCard(card));
            }
            mask |= bit;
            key = key.wrapping_add(CARD_KEYS[index]);
        }
        Ok(FastHand { key, mask })
    }

    /// The hand holding `cards`, which the caller knows to be distinct (and at most
    /// seven): no card is tested. Only [`SevenCards`](super::SevenCards) calls this,
    /// whose constructor has already rejected repeats. Only the keys are needed
    /// unless the hand has a flush, so the compiler reads the card bits on that path
    /// alone.
    #[inline(always)]
    pub(super) fn from_distinct_cards<const N: usize>(cards: &[Card; N]) -> FastHand {
        let mut key = SUIT_COUNTER_BIAS;
        let mut mask = 0;
        for &card in cards {
            let code = card_code(card);
            key = key.wrapping_add(code.key);
            mask |= code.bit;
        }
        FastHand { key, mask }
    }

    /// Number of cards in the hand.
    #[inline]
    pub const fn len(self) -> usize {
        (((self.key & CARD_COUNT_FIELD) >> CARD_COUNT_SHIFT) - CARD_COUNT_BIAS) as usize
    }

    /// Whether the hand has no cards.
    pub const fn is_empty(self) -> bool {
        self.mask == 0
    }

    /// Whether `card` is in the hand.
    pub fn contains(self, card: Card) -> bool {
        self.mask & card_code(card).bit != 0
    }

    /// The cards of the hand as a set.
    pub fn cards(self) -> CardSet {
        CardSet::FULL
            .iter()
            .filter(|&card| self.contains(card))
            .collect()
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
    #[inline(always)]
    pub fn strength(self) -> Result<HandStrength, EvalError> {
        self.check_evaluable()?;
        Ok(self.strength_of_checked())
    }

    /// [`strength`](Self::strength) for a hand already known to hold 5 to 7 cards.
    #[inline(always)]
    pub(super) fn strength_of_checked(self) -> HandStrength {
        HandStrength::from_class(high_value(self.key, self.mask))
    }

    /// Evaluates this hand completed by each card of `cards` that it does not already
    /// hold, calling `visit` with the card and the strength, in card-index order: the
    /// fastest way to enumerate the last card (pass [`CardSet::FULL`] for every
    /// completion).
    ///
    /// The hand plus one card must hold 5 to 7 cards, else
    /// [`EvalError::WrongCardCount`] and `visit` is never called. Cards of one rank
    /// complete the hand to the same ranks, so the cards of each rank share one
    /// rank-table lookup (a card that makes a flush looks up its flush instead).
    ///
    /// ```
    /// use poker_core::{parse_cards, CardSet, Category, FastHand};
    ///
    /// let six = FastHand::from_cards(&parse_cards("AsKsQsJs2d3c")?)?;
    /// let rivers: CardSet = parse_cards("Ts Td 9s As")?.into_iter().collect();
    /// let mut seen = Vec::new();
    /// six.for_each_completion(rivers, |card, strength| seen.push((card, strength.category())))?;
    /// // In card-index order; the ace of spades is already in the hand.
    /// assert_eq!(
    ///     seen,
    ///     [
    ///         ("9s".parse()?, Category::Flush),
    ///         ("Td".parse()?, Category::Straight),
    ///         ("Ts".parse()?, Category::StraightFlush),
    ///     ]
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn for_each_completion(
        self,
        cards: CardSet,
        mut visit: impl FnMut(Card, HandStrength),
    ) -> Result<(), EvalError> {
        // One test on the counters with one more card: five or more, not eight.
        let flags = self.key.wrapping_add(ONE_CARD) & (FIVE_CARDS_FLAG | CARD_COUNT_OVERFLOW);
        if flags != FIVE_CARDS_FLAG {
            return Err(EvalError::WrongCardCount {
                min: HAND_CARDS_MIN,
                max: HAND_CARDS_MAX,
                got: self.len() + 1,
            });
        }
        // Same layout as CardSet: the cards already held drop out in one step.
        let mut rest = cards.bits() & !self.mask;
        if self.key & FLUSH_FLAGS != 0 {
            // Already five of a suit (rare): every completion is a flush or better.
            while rest != 0 {
                let index = rest.trailing_zeros() as u8;
                rest &= rest - 1;
                let code = code_at(usize::from(index));
                let class = high_value(self.key.wrapping_add(code.key), self.mask | code.bit);
                visit(card_at(index), HandStrength::from_class(class));
            }
            return Ok(());
        }
        // The suit with four cards, if any: only a card of that suit makes a flush.
        // Its counter reads 7, and adding one to every counter sets bit 3 for it
        // alone (no counter exceeds 7 here, so nothing carries).
        let four_of_a_suit = (self.key + 0x1111) & FLUSH_FLAGS;
        if four_of_a_suit == 0 {
            // No completion makes a flush: one rank-table lookup per rank serves
            // every card of that rank.
            while rest != 0 {
                let first = rest.trailing_zeros() & !3;
                let group = (rest >> first) & 0xF;
                rest &= !(0xF << first);
                let class = rank_class(self.key.wrapping_add(code_at(first as usize).key));
                visit_rank_group(first, group, class, class, NO_SUIT, &mut visit);
            }
        } else {
            // A card of the four-card suit makes a flush: the suit's ranks plus the
            // new rank index the flush table directly, one lookup per rank.
            let flush_suit = four_of_a_suit.trailing_zeros() / 4;
            let held = suit_ranks(self.mask, flush_suit);
            while rest != 0 {
                let first = rest.trailing_zeros() & !3;
                let group = (rest >> first) & 0xF;
                rest &= !(0xF << first);
                let non_flush = rank_class(self.key.wrapping_add(code_at(first as usize).key));
                let with_rank = (held | 1 << (first / 4)) as usize & FLUSH_INDEX_MASK;
                let flush = FLUSH_CLASSES[with_rank];
                visit_rank_group(first, group, non_flush, flush, flush_suit, &mut visit);
            }
        }
        Ok(())
    }

    /// The best short-deck hand the cards make; they must number 5 to 7, with no card
    /// below a six ([`EvalError::NotInShortDeck`] names the lowest such card).
    pub fn short_deck_strength(self) -> Result<ShortDeckStrength, EvalError> {
        self.check_evaluable()?;
        let below_six = self.mask & BELOW_SIX;
        if below_six != 0 {
            // The lowest such bit is a card index below 16; the fallback only keeps
            // this path free of panics.
            let card = Card::from_index(below_six.trailing_zeros() as u8);
            return Err(EvalError::NotInShortDeck(
                card.unwrap_or(Card::new(Rank::Two, Suit::Clubs)),
            ));
        }
        Ok(ShortDeckStrength::new(HandStrength::from_class(
            short_deck_value(self.key, self.mask),
        )))
    }

    /// The best ace-to-five eight-or-better low the cards make (5 to 7 of them), or
    /// `None` when fewer than five different ranks from ace to eight are present.
    pub fn low8(self) -> Result<Option<LowStrength>, EvalError> {
        self.check_evaluable()?;
        Ok(low::best_low8(rank_mask(self.mask)))
    }

    #[inline(always)]
    fn check_evaluable(self) -> Result<(), EvalError> {
        if self.key & FIVE_CARDS_FLAG == 0 {
            return Err(EvalError::WrongCardCount {
                min: HAND_CARDS_MIN,
                max: HAND_CARDS_MAX,
                got: self.len(),
            });
        }
        Ok(())
    }
}

/// Visits the cards of one rank present in `group` (bit `s` for suit `s`; the card
/// with suit `s` has index `first + s`), in suit order: the card of `flush_suit` gets
/// the class `flush`, the others `non_flush`. A rank with all four cards present (the
/// usual case when every later card is offered) is visited with no per-card test;
/// otherwise bit by bit. Per-suit tests would be data-dependent branches, and their
/// mispredictions cost more than the lookups (measured with the evaluator benchmark).
#[inline(always)]
fn visit_rank_group(
    first: u32,
    group: u64,
    non_flush: u16,
    flush: u16,
    flush_suit: u32,
    visit: &mut impl FnMut(Card, HandStrength),
) {
    if group == 0xF {
        // All four cards (the usual case when enumerating): no test per card.
        for suit in 0..4 {
            let class = if suit == flush_suit { flush } else { non_flush };
            visit(
                card_at((first + suit) as u8),
                HandStrength::from_class(class),
            );
        }
        return;
    }
    let mut rest = group;
    while rest != 0 {
        let suit = rest.trailing_zeros();
        rest &= rest - 1;
        let class = if suit == flush_suit { flush } else { non_flush };
        visit(
            card_at((first + suit) as u8),
            HandStrength::from_class(class),
        );
    }
}

/// The card with index `index`, which comes from a [`CardSet`] and so is below 52.
///
/// The fallback is never used; it keeps the call unconditional, so that a caller's
/// running result does not pick up a dependency on this check.
#[inline(always)]
fn card_at(index: u8) -> Card {
    Card::from_index(index).unwrap_or(Card::new(Rank::Two, Suit::Clubs))
}

impl fmt::Debug for FastHand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("FastHand").field(&self.cards()).finish()
    }
}
