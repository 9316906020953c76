//! The event log: everything that happens in a hand, in order, with full information.
//!
//! The log is complete enough to replay the hand and to render it for any viewer:
//! [`Event::private_to`] tells which events carry a player's secret cards.

use core::cmp::Ordering;
use core::fmt;

use super::action::Action;
use super::chips::Chips;
use super::config::SeatSetup;
use super::seat::Seat;
use crate::card::Card;
use crate::eval::{HandStrength, LowStrength, ShortDeckStrength};

/// Which blind a forced bet is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Blind {
    /// The small blind.
    Small,
    /// The big blind.
    Big,
    /// The straddle.
    Straddle,
    /// The short-deck button blind.
    Button,
}

/// The value of a high hand, in the ranking of the hand's variant.
///
/// Values from one hand are always of the same kind, so comparing them is
/// meaningful; comparing a standard with a short-deck value orders by kind only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HandValue {
    /// Standard ranking (hold'em, Omaha).
    Standard(HandStrength),
    /// Short-deck ranking.
    ShortDeck(ShortDeckStrength),
}

impl PartialOrd for HandValue {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for HandValue {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (HandValue::Standard(a), HandValue::Standard(b)) => a.cmp(b),
            (HandValue::ShortDeck(a), HandValue::ShortDeck(b)) => a.cmp(b),
            (HandValue::Standard(_), HandValue::ShortDeck(_)) => Ordering::Less,
            (HandValue::ShortDeck(_), HandValue::Standard(_)) => Ordering::Greater,
        }
    }
}

impl fmt::Display for HandValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandValue::Standard(strength) => fmt::Display::fmt(strength, f),
            HandValue::ShortDeck(strength) => fmt::Display::fmt(strength, f),
        }
    }
}

/// Which part of a pot an award is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PotShare {
    /// The whole pot (high-only games, a hi-lo pot without a qualifying low, or a
    /// pot won without a showdown).
    Whole,
    /// The high half of a hi-lo pot (it takes the odd chip).
    High,
    /// The low half of a hi-lo pot.
    Low,
}

/// The hand that won a pot share at showdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WinningHand {
    /// A high hand.
    High(HandValue),
    /// An eight-or-better low.
    Low(LowStrength),
}

/// One thing that happened in a hand.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The hand began: players in seat order with their stacks before forced bets.
    HandStarted {
        /// The button.
        button: Seat,
        /// Every player dealt in, with starting stacks, in seat order.
        players: Vec<SeatSetup>,
    },
    /// An ante was posted (possibly short, when the stack did not cover it).
    AntePosted {
        /// Who posted.
        seat: Seat,
        /// Chips posted.
        amount: Chips,
        /// Whether this put the player all-in.
        all_in: bool,
    },
    /// A blind or straddle was posted (possibly short).
    BlindPosted {
        /// Who posted.
        seat: Seat,
        /// Which blind.
        blind: Blind,
        /// Chips posted.
        amount: Chips,
        /// Whether this put the player all-in.
        all_in: bool,
    },
    /// A player posted beyond the blinds of their position to be dealt in
    /// ([`Hand::start_with_posts`](super::Hand::start_with_posts)), e.g. missed blinds.
    ExtraPosted {
        /// Who posted.
        seat: Seat,
        /// Chips posted live: they count as the player's bet on the first street.
        live: Chips,
        /// Chips posted dead, straight into the main pot.
        dead: Chips,
        /// Whether this put the player all-in.
        all_in: bool,
    },
    /// Hole cards dealt face down to one player (private to that player).
    HoleCardsDealt {
        /// The player.
        seat: Seat,
        /// The cards, in dealing order.
        cards: Vec<Card>,
    },
    /// Board cards dealt face up (after a burn card).
    BoardDealt {
        /// Street index: 1 flop, 2 turn, 3 river.
        street: u8,
        /// The new cards.
        cards: Vec<Card>,
    },
    /// A player folded.
    Folded {
        /// The player.
        seat: Seat,
        /// Whether the fold came from [`Action::TimeOut`](super::Action::TimeOut).
        timed_out: bool,
    },
    /// A player checked.
    Checked {
        /// The player.
        seat: Seat,
        /// Whether the check came from [`Action::TimeOut`](super::Action::TimeOut).
        timed_out: bool,
    },
    /// A player called.
    Called {
        /// The player.
        seat: Seat,
        /// Chips added.
        amount: Chips,
        /// Whether the call put the player all-in.
        all_in: bool,
    },
    /// A player bet (no bet before on this street) or raised.
    BetOrRaised {
        /// The player.
        seat: Seat,
        /// The player's new street total.
        to: Chips,
        /// Chips added.
        amount: Chips,
        /// Whether there was a bet to raise.
        raise: bool,
        /// Whether it was a full bet or raise (only those reopen the betting).
        full: bool,
        /// Whether it put the player all-in.
        all_in: bool,
    },
    /// Part of a bet that nobody called went back to its owner.
    UncalledBetReturned {
        /// The bettor.
        seat: Seat,
        /// Chips returned.
        amount: Chips,
    },
    /// A betting round ended; its bets are now in the pot.
    BettingRoundEnded {
        /// Street index: 0 pre-flop … 3 river.
        street: u8,
        /// Chips in the pot after collecting the bets.
        pot: Chips,
    },
    /// A player showed their hand at showdown.
    ///
    /// Showdown order: the last player to bet or raise on the final street shows
    /// first; without a bet there, the first player still in left of the button.
    /// The others follow clockwise. When any player is all-in every hand is shown;
    /// otherwise a player shows only if the hand can still win or tie some pot they
    /// are in against the hands already shown, and mucks ([`Event::HandMucked`])
    /// otherwise.
    HandShown {
        /// The player.
        seat: Seat,
        /// The hole cards.
        cards: Vec<Card>,
        /// The high hand they make.
        high: HandValue,
        /// The eight-or-better low they make, in hi-lo games.
        low: Option<LowStrength>,
    },
    /// A player mucked at showdown because their hand could not win anything.
    HandMucked {
        /// The player.
        seat: Seat,
    },
    /// A pot, or half a hi-lo pot, was awarded.
    ///
    /// Pots: bets (blinds included) are layered at each distinct total put in by a
    /// player still holding cards, and each layer goes to the best hand among the
    /// players who reached it. Antes are dead money in the main pot. Each pot is
    /// split on its own: equal shares, odd chips by the [`OddChipRule`](super::OddChipRule);
    /// in hi-lo the high half takes the odd chip and a pot without a qualifying low
    /// goes whole to the high hand.
    PotAwarded {
        /// Pot index: 0 is the main pot, then side pots in order.
        pot: u8,
        /// Which share of the pot.
        share: PotShare,
        /// Chips in this share.
        amount: Chips,
        /// The players who could win the pot.
        eligible: Vec<Seat>,
        /// Each winner and the chips they get (odd chips included).
        winners: Vec<(Seat, Chips)>,
        /// The winning hand, or `None` when the pot was won without a showdown.
        hand: Option<WinningHand>,
    },
    /// The hand is over.
    HandEnded {
        /// Every player's final stack, in seat order.
        stacks: Vec<(Seat, Chips)>,
    },
}

impl Event {
    /// The seat that alone may see this event, for events carrying secret cards;
    /// `None` for public events.
    ///
    /// A server shows an event for which this returns `Some(seat)` to that seat only,
    /// and tells the others that cards were dealt.
    pub fn private_to(&self) -> Option<Seat> {
        match self {
            Event::HoleCardsDealt { seat, .. } => Some(*seat),
            _ => None,
        }
    }

    /// The player action this event records, for replaying a hand from its log:
    /// applying these actions in order to a hand started with the same inputs
    /// reproduces it exactly. `None` for events the engine produces on its own.
    ///
    /// ```
    /// use poker_core::{Action, BettingStructure, Chips, Deck, DeckKind, ForcedBets, Game, Hand,
    ///     HandConfig, Seat, SeatSetup, Variant};
    ///
    /// let game = Game { variant: Variant::Holdem, betting: BettingStructure::NoLimit };
    /// let config = HandConfig::new(game, ForcedBets::blinds(Chips::new(1), Chips::new(2)));
    /// let seat = |n| Seat::new(n).expect("below SEATS_MAX");
    /// let players = [
    ///     SeatSetup { seat: seat(0), stack: Chips::new(50) },
    ///     SeatSetup { seat: seat(1), stack: Chips::new(50) },
    /// ];
    /// let deck = Deck::ordered(DeckKind::Standard);
    /// let (mut hand, _) = Hand::start(config, &players, seat(0), deck.clone())?;
    /// hand.apply(seat(0), Action::BetTo(Chips::new(6)))?;
    /// hand.apply(seat(1), Action::TimeOut)?;
    ///
    /// let (mut replay, _) = Hand::start(config, &players, seat(0), deck)?;
    /// for (who, action) in hand.events().iter().filter_map(|e| e.player_action()) {
    ///     replay.apply(who, action)?;
    /// }
    /// assert_eq!(replay, hand);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn player_action(&self) -> Option<(Seat, Action)> {
        match *self {
            Event::Folded {
                seat,
                timed_out: true,
            }
            | Event::Checked {
                seat,
                timed_out: true,
            } => Some((seat, Action::TimeOut)),
            Event::Folded { seat, .. } => Some((seat, Action::Fold)),
            Event::Checked { seat, .. } => Some((seat, Action::Check)),
            Event::Called { seat, .. } => Some((seat, Action::Call)),
            Event::BetOrRaised { seat, to, .. } => Some((seat, Action::BetTo(to))),
            _ => None,
        }
    }
}

/// The outcome of a finished hand for one player.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SeatResult {
    /// The player.
    pub seat: Seat,
    /// Stack before the forced bets.
    pub starting_stack: Chips,
    /// Stack at the end.
    pub final_stack: Chips,
    /// Chips the player put into the pot (antes included, uncalled bets excluded).
    pub contributed: Chips,
    /// Chips the player won from the pots.
    pub won: Chips,
}

/// The outcome of a finished hand.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HandResult {
    /// One entry per player, in seat order.
    pub seats: Vec<SeatResult>,
}
