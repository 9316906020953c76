//! What game a hand is: variant, betting structure, forced bets and house rules.
//!
//! Everything here is plain data that the caller fills in; [`Hand::start`](super::Hand::start)
//! checks it and refuses inconsistent combinations with a
//! [`StartError`](super::StartError).

use super::chips::Chips;
use super::seat::Seat;
use crate::dealing::DealingOrder;
use crate::deck::DeckKind;

/// Default fixed-limit cap: bets per street, counting the opening bet.
pub const FIXED_LIMIT_BETS_PER_STREET_DEFAULT: u8 = 4;

/// The card game: how many cards each player gets and how hands are ranked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Variant {
    /// Texas hold'em: two hole cards, standard deck, best five of seven.
    Holdem,
    /// Short-deck (six-plus) hold'em: two hole cards, the 36-card deck, a flush
    /// beats a full house and `A-6-7-8-9` is a straight.
    ShortDeckHoldem,
    /// Omaha high: 4, 5 or 6 hole cards; a hand uses exactly two of them.
    Omaha {
        /// Hole cards per player (4, 5 or 6).
        hole_cards: u8,
    },
    /// Omaha eight-or-better: as Omaha, but each pot is split between the best
    /// high hand and the best qualifying ace-to-five low (eight or better).
    OmahaHiLo {
        /// Hole cards per player (4, 5 or 6).
        hole_cards: u8,
    },
}

/// Which of the two fixed-limit bet sizes a street uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LimitBetSize {
    /// The small bet (first two streets of flop games).
    Small,
    /// The big bet (turn and river).
    Big,
}

/// One street of a variant, described as data so that stud or draw games can be
/// added with new street lists instead of new control flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StreetSpec {
    /// Hole cards dealt to each player at the start of this street.
    pub hole_cards: u8,
    /// Board cards dealt at the start of this street (after one burn card when
    /// more than zero).
    pub board_cards: u8,
    /// The fixed-limit bet size on this street.
    pub limit_bet: LimitBetSize,
}

impl Variant {
    /// The deck the variant is played with.
    pub const fn deck_kind(self) -> DeckKind {
        match self {
            Variant::ShortDeckHoldem => DeckKind::Short,
            _ => DeckKind::Standard,
        }
    }

    /// Hole cards per player.
    pub const fn hole_cards(self) -> u8 {
        match self {
            Variant::Holdem | Variant::ShortDeckHoldem => 2,
            Variant::Omaha { hole_cards } | Variant::OmahaHiLo { hole_cards } => hole_cards,
        }
    }

    /// Whether each pot is split between a high and a low hand.
    pub const fn is_hi_lo(self) -> bool {
        matches!(self, Variant::OmahaHiLo { .. })
    }

    /// The streets in order: pre-flop, flop, turn and river for every flop game.
    pub fn streets(self) -> Vec<StreetSpec> {
        let street = |hole_cards, board_cards, limit_bet| StreetSpec {
            hole_cards,
            board_cards,
            limit_bet,
        };
        vec![
            street(self.hole_cards(), 0, LimitBetSize::Small),
            street(0, 3, LimitBetSize::Small),
            street(0, 1, LimitBetSize::Big),
            street(0, 1, LimitBetSize::Big),
        ]
    }
}

/// How much a player may bet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BettingStructure {
    /// Any amount from the minimum up to the whole stack.
    NoLimit,
    /// Any amount from the minimum up to the size of the pot after calling.
    PotLimit,
    /// Bets and raises of a fixed size, with a cap on bets per street.
    FixedLimit {
        /// The bet and raise size on the first two streets.
        small_bet: Chips,
        /// The bet and raise size on the later streets.
        big_bet: Chips,
        /// Most bets per street, counting the opening bet; on the first street the
        /// big blind counts as the opening bet, so `Some(4)` allows a bet and three
        /// raises (blind, raise, re-raise, cap). `None` means no cap (some rooms
        /// lift it heads-up). The usual value is
        /// [`FIXED_LIMIT_BETS_PER_STREET_DEFAULT`].
        raise_cap: Option<u8>,
    },
}

/// A variant together with its betting structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Game {
    /// The card game.
    pub variant: Variant,
    /// The betting structure.
    pub betting: BettingStructure,
}

/// Who posts antes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AnteKind {
    /// No antes; `ForcedBets::ante` must be zero.
    None,
    /// Every player posts `ForcedBets::ante`.
    Uniform,
    /// The big blind posts `ForcedBets::ante` once for the whole table (the
    /// "big-blind ante"; `ante` is the total, usually equal to the big blind).
    BigBlind,
}

/// The forced bets posted before the cards are dealt.
///
/// Blinds are "live": they count toward the poster's bet on the first street.
/// Antes are dead money: they go into the main pot and do not count toward any
/// bet. See [`Hand::start`](super::Hand::start) for the posting order and what
/// happens when a stack cannot cover them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ForcedBets {
    /// The small blind, posted by the first player left of the button (by the
    /// button heads-up). Zero means no small blind. Without a big blind it is the
    /// only blind and sets the betting level (single-blind games).
    pub small_blind: Chips,
    /// The big blind, posted by the player after the small blind (the player left
    /// of the button heads-up). Zero means no big blind.
    pub big_blind: Chips,
    /// The ante amount; see `ante_kind`.
    pub ante: Chips,
    /// Who posts the ante.
    pub ante_kind: AnteKind,
    /// A straddle posted by the player left of the big blind (needs at least three
    /// players). It is a full bet: the minimum raise is to twice the straddle.
    pub straddle: Option<Chips>,
    /// A blind posted by the button (short-deck hold'em); pre-flop action then
    /// starts left of the button and the button acts last. Excludes the small and
    /// big blinds and the straddle.
    pub button_blind: Option<Chips>,
    /// The smallest opening bet in no-limit and pot-limit (usually the big blind);
    /// also the smallest raise increment. Ignored in fixed limit.
    pub min_bet: Chips,
}

impl ForcedBets {
    /// Small and big blind only, with the big blind as the minimum bet.
    ///
    /// ```
    /// use poker_core::{Chips, ForcedBets};
    ///
    /// let forced = ForcedBets::blinds(Chips::new(1), Chips::new(2));
    /// assert_eq!(forced.min_bet, Chips::new(2));
    /// ```
    pub const fn blinds(small_blind: Chips, big_blind: Chips) -> ForcedBets {
        ForcedBets {
            small_blind,
            big_blind,
            ante: Chips::ZERO,
            ante_kind: AnteKind::None,
            straddle: None,
            button_blind: None,
            min_bet: big_blind,
        }
    }
}

/// Who gets the odd chips when a pot does not divide evenly among tied winners.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum OddChipRule {
    /// One chip at a time to the tied winners in seat order, starting with the
    /// first seat left of the button (WSOP Rule 73 style). The default.
    #[default]
    ChipByChipLeftOfButton,
    /// The whole remainder to the first tied winner left of the button
    /// (PokerKit's rule with integer chips).
    WholeRemainderToFirstLeftOfButton,
}

/// Everything about a hand except who sits where and the deck.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HandConfig {
    /// Variant and betting structure.
    pub game: Game,
    /// Blinds, antes and straddle.
    pub forced: ForcedBets,
    /// Odd-chip rule for split pots.
    pub odd_chips: OddChipRule,
    /// How deck positions map to dealt cards.
    pub dealing: DealingOrder,
}

impl HandConfig {
    /// A configuration with the default odd-chip rule and the current dealing order.
    pub const fn new(game: Game, forced: ForcedBets) -> HandConfig {
        HandConfig {
            game,
            forced,
            odd_chips: OddChipRule::ChipByChipLeftOfButton,
            dealing: DealingOrder::CURRENT,
        }
    }
}

/// One player at the start of a hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SeatSetup {
    /// Where the player sits.
    pub seat: Seat,
    /// The player's stack before the forced bets.
    pub stack: Chips,
}
