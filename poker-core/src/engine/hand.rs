//! The hand state machine: [`Hand::start`], [`Hand::apply`] and the read-only queries.

use super::action::{Action, LegalActions};
use super::betting::Round;
use super::chips::{sum_chips, Chips};
use super::config::{HandConfig, SeatSetup, StreetSpec};
use super::error::{ActionError, StartError};
use super::event::{Event, HandResult, SeatResult};
use super::player::Player;
use super::posts::{check_posts, ExtraPost};
use super::seat::{Seat, SEATS_MAX};
use super::validate::check_start;
use crate::card::{Card, CardSet};
use crate::dealing::DealLayout;
use crate::deck::Deck;

/// Most bets and raises on one street in any betting structure.
///
/// No card room caps no-limit raising, but every loop needs a bound: after this
/// many bets and raises on a street, players may only call, check or fold. No real
/// hand comes near it; it makes [`ACTIONS_PER_HAND_MAX`] finite.
pub const RAISES_PER_STREET_MAX: u32 = 64;

/// Most betting streets of any supported variant.
pub const STREETS_MAX: usize = 4;

/// Most player actions any hand can take before it is finished.
///
/// Between two bets or raises each player acts at most once, so a street takes at
/// most `(RAISES_PER_STREET_MAX + 1) * SEATS_MAX` actions.
pub const ACTIONS_PER_HAND_MAX: usize =
    STREETS_MAX * (RAISES_PER_STREET_MAX as usize + 1) * SEATS_MAX as usize;

/// One hand of poker from the forced bets to the last pot, as a pure state machine.
///
/// The caller supplies the deck (already in dealing order) and each player's
/// decisions; the hand supplies everything else: forced bets, dealing, the order
/// of play, legal actions with exact amounts, side pots, showdown and payouts.
/// Every call that changes the hand returns the [`Event`]s it produced, and
/// [`Hand::events`] keeps the complete log.
///
/// A call that fails returns a typed error and leaves the hand exactly as it was.
/// After every change the hand checks its invariants (chips are conserved, cards
/// are distinct, the player to act can act) with `assert!`.
///
/// ```
/// use poker_core::{
///     Action, BettingStructure, Chips, Deck, DeckKind, ForcedBets, Game, Hand, HandConfig,
///     Seat, SeatSetup, Variant,
/// };
///
/// let game = Game { variant: Variant::Holdem, betting: BettingStructure::NoLimit };
/// let config = HandConfig::new(game, ForcedBets::blinds(Chips::new(1), Chips::new(2)));
/// let seat = |n| Seat::new(n).expect("seat numbers below SEATS_MAX");
/// let players = [
///     SeatSetup { seat: seat(0), stack: Chips::new(100) },
///     SeatSetup { seat: seat(1), stack: Chips::new(100) },
/// ];
/// let (mut hand, _events) = Hand::start(config, &players, seat(0), Deck::ordered(DeckKind::Standard))?;
///
/// // Heads-up the button posts the small blind and acts first before the flop.
/// assert_eq!(hand.to_act(), Some(seat(0)));
/// hand.apply(seat(0), Action::Fold)?;
/// assert!(hand.is_finished());
/// assert_eq!(hand.stacks(), vec![(seat(0), Chips::new(99)), (seat(1), Chips::new(101))]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hand {
    pub(super) config: HandConfig,
    pub(super) streets: Vec<StreetSpec>,
    pub(super) button: Seat,
    /// Players in position order: first the player left of the button, last the button.
    pub(super) players: Vec<Player>,
    pub(super) deck: Deck,
    pub(super) layout: DealLayout,
    pub(super) board: Vec<Card>,
    /// Index into `streets` of the street being played.
    pub(super) street: usize,
    pub(super) round: Round,
    /// Index into `players` of the player to act; `None` once the hand is finished.
    pub(super) to_act: Option<usize>,
    /// Chips in the pot, not counting bets still in front of the players.
    pub(super) pot: Chips,
    /// Every chip at the table when the hand started.
    pub(super) total: Chips,
    pub(super) events: Vec<Event>,
    pub(super) actions: usize,
    pub(super) result: Option<HandResult>,
}

impl Hand {
    /// Starts a hand: checks the inputs, posts the forced bets, deals the hole cards
    /// and stops at the first player to act (or plays the hand out when nobody can
    /// act, e.g. everyone is all-in from the blinds).
    ///
    /// `seats` lists the players dealt in (in any order), `button` must be one of
    /// them, and `deck` must be of the variant's [`DeckKind`](crate::DeckKind). Cards
    /// come from the deck as `config.dealing` lays them out.
    ///
    /// # Positions
    /// Players are ordered clockwise from the first seat left of the button, which
    /// posts the small blind; the next posts the big blind and the next the
    /// straddle. Heads-up the button posts the small blind and acts first before
    /// the flop, and the other player posts the big blind and acts first after it.
    ///
    /// # Forced bets
    /// Posted in this order: small blind, big blind, straddle, button blind, then
    /// the antes (every player from the left of the button, or the big blind alone
    /// for a big-blind ante). A player who cannot cover all their forced bets goes
    /// all-in and covers the blind first, the ante with what is left (the 2024 TDA
    /// rule for the big-blind ante, applied to uniform antes as well).
    ///
    /// A blind posted short does not lower the betting level: a call costs the full
    /// blind (or the caller's whole stack) and a raise must add a full raise to it.
    /// Antes are dead money in the main pot.
    pub fn start(
        config: HandConfig,
        seats: &[SeatSetup],
        button: Seat,
        deck: Deck,
    ) -> Result<(Hand, Vec<Event>), StartError> {
        Hand::start_with_posts(config, seats, button, deck, &[])
    }

    /// Starts a hand as [`Hand::start`] does, with [`ExtraPost`]s: chips that players
    /// other than the blinds of their position post to be dealt in (card rooms make a
    /// player who missed the blinds post the big blind live and the small blind dead).
    ///
    /// Each post is posted after the positional blinds and before the antes, in position
    /// order, as [`Event::ExtraPosted`]: the live part first, as the player's bet on the
    /// first street (a call costs only the rest, and the player still has the option to
    /// raise when the action comes back unraised), then the dead part into the main pot,
    /// from what is left of the stack. A stack that does not cover the post goes all-in.
    /// With no posts this is exactly [`Hand::start`].
    ///
    /// Every post must name a seat dealt in that posts no positional blind, at most once,
    /// with a non-zero total and each part at most the big blind; otherwise
    /// [`StartError::BadExtraPost`] and nothing happens.
    ///
    /// ```
    /// use poker_core::{
    ///     Action, BettingStructure, Chips, Deck, DeckKind, ExtraPost, ForcedBets, Game, Hand,
    ///     HandConfig, Seat, SeatSetup, Variant,
    /// };
    ///
    /// let game = Game { variant: Variant::Holdem, betting: BettingStructure::NoLimit };
    /// let config = HandConfig::new(game, ForcedBets::blinds(Chips::new(1), Chips::new(2)));
    /// let seat = |n| Seat::new(n).expect("seat numbers below SEATS_MAX");
    /// let players: Vec<SeatSetup> =
    ///     (0..4).map(|n| SeatSetup { seat: seat(n), stack: Chips::new(100) }).collect();
    /// // Button 0, blinds 1 and 2; seat 3 returns owing both blinds.
    /// let post = ExtraPost { seat: seat(3), live: Chips::new(2), dead: Chips::new(1) };
    /// let (mut hand, _) =
    ///     Hand::start_with_posts(config, &players, seat(0), Deck::ordered(DeckKind::Standard), &[post])?;
    /// assert_eq!(hand.pot(), Chips::new(1)); // the dead small blind
    /// assert_eq!(hand.street_bet(seat(3)), Some(Chips::new(2))); // the live big blind
    /// // Seat 3 acts first and may check: its live post already matches the big blind.
    /// assert!(hand.legal_actions().is_some_and(|legal| legal.can_check));
    /// hand.apply(seat(3), Action::Check)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn start_with_posts(
        config: HandConfig,
        seats: &[SeatSetup],
        button: Seat,
        deck: Deck,
        posts: &[ExtraPost],
    ) -> Result<(Hand, Vec<Event>), StartError> {
        check_start(&config, seats, button, &deck)?;
        let mut players: Vec<Player> = seats
            .iter()
            .map(|setup| Player::new(setup.seat, setup.stack))
            .collect();
        players.sort_by_key(|p| p.seat);
        // Rotate so that the button is last.
        let button_index = players
            .iter()
            .position(|p| p.seat == button)
            .expect("check_start verified that the button is seated");
        players.rotate_left(button_index + 1);
        let streets = config.game.variant.streets();
        let board_sizes: Vec<usize> = streets
            .iter()
            .skip(1)
            .map(|s| usize::from(s.board_cards))
            .collect();
        let layout = config.dealing.layout(
            players.len(),
            usize::from(config.game.variant.hole_cards()),
            &board_sizes,
        );
        let total = sum_chips(players.iter().map(|p| p.stack));
        let mut by_seat: Vec<SeatSetup> = seats.to_vec();
        by_seat.sort_by_key(|s| s.seat);
        let mut hand = Hand {
            config,
            streets,
            button,
            players,
            deck,
            layout,
            board: Vec::new(),
            street: 0,
            round: Round::idle(),
            to_act: None,
            pot: Chips::ZERO,
            total,
            events: vec![Event::HandStarted {
                button,
                players: by_seat,
            }],
            actions: 0,
            result: None,
        };
        let dealt: Vec<Seat> = hand.players.iter().map(|p| p.seat).collect();
        check_posts(&hand.config, &dealt, &hand.positional_blind_seats(), posts)
            .map_err(StartError::BadExtraPost)?;
        let first = hand.post_forced_bets(posts);
        hand.deal_hole_cards();
        hand.progress(first);
        hand.assert_invariants();
        let events = hand.events.clone();
        Ok((hand, events))
    }

    /// The seat to act, or `None` once the hand is finished.
    pub fn to_act(&self) -> Option<Seat> {
        self.to_act.map(|i| self.players[i].seat)
    }

    /// What the player to act may do, or `None` once the hand is finished.
    pub fn legal_actions(&self) -> Option<LegalActions> {
        self.to_act.map(|i| self.legal_for(i))
    }

    /// Applies `seat`'s action and returns the events it caused, including
    /// everything the engine then does on its own (dealing the next street,
    /// returning an uncalled bet, the showdown and the payouts).
    ///
    /// On error the hand is unchanged.
    pub fn apply(&mut self, seat: Seat, action: Action) -> Result<Vec<Event>, ActionError> {
        let index = self.to_act.ok_or(ActionError::HandFinished)?;
        let expected = self.players[index].seat;
        if seat != expected {
            return Err(ActionError::NotYourTurn {
                expected,
                got: seat,
            });
        }
        let resolved = self.resolve(index, action)?;
        // Validation is complete: from here on nothing can fail.
        let first_new = self.events.len();
        self.actions += 1;
        self.perform(index, resolved);
        self.progress(index + 1);
        self.assert_invariants();
        Ok(self.events[first_new..].to_vec())
    }

    /// Whether the hand is over.
    pub fn is_finished(&self) -> bool {
        self.to_act.is_none()
    }

    /// Every player's stack (chips behind, not counting bets in front), in seat order.
    pub fn stacks(&self) -> Vec<(Seat, Chips)> {
        let mut stacks: Vec<(Seat, Chips)> =
            self.players.iter().map(|p| (p.seat, p.stack)).collect();
        stacks.sort_by_key(|&(seat, _)| seat);
        stacks
    }

    /// The player's bet on the current street, or `None` if `seat` is not in the hand.
    pub fn street_bet(&self, seat: Seat) -> Option<Chips> {
        self.player(seat).map(|p| p.street_bet)
    }

    /// Chips in the pot from finished betting rounds and antes (bets still in front
    /// of the players not included).
    pub fn pot(&self) -> Chips {
        self.pot
    }

    /// Whether `seat` has folded, or `None` if `seat` is not in the hand.
    pub fn has_folded(&self, seat: Seat) -> Option<bool> {
        self.player(seat).map(|p| p.folded)
    }

    /// The seats dealt in, in seat order.
    pub fn seats(&self) -> Vec<Seat> {
        let mut seats: Vec<Seat> = self.players.iter().map(|p| p.seat).collect();
        seats.sort();
        seats
    }

    /// The button's seat.
    pub fn button(&self) -> Seat {
        self.button
    }

    /// The configuration the hand was started with.
    pub fn config(&self) -> &HandConfig {
        &self.config
    }

    /// The street being played: 0 pre-flop, 1 flop, 2 turn, 3 river.
    pub fn street(&self) -> usize {
        self.street
    }

    /// The hole cards of `seat`, or `None` if `seat` is not in the hand.
    pub fn hole_cards(&self, seat: Seat) -> Option<&[Card]> {
        self.player(seat).map(|p| p.hole.as_slice())
    }

    /// The board cards dealt so far.
    pub fn board(&self) -> &[Card] {
        &self.board
    }

    /// The complete event log so far.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// How many player actions have been applied.
    pub fn action_count(&self) -> usize {
        self.actions
    }

    /// Each player's outcome, once the hand is finished.
    pub fn result(&self) -> Option<&HandResult> {
        self.result.as_ref()
    }

    pub(super) fn player(&self, seat: Seat) -> Option<&Player> {
        self.players.iter().find(|p| p.seat == seat)
    }

    /// Deals everyone's hole cards from the deck positions of the layout.
    fn deal_hole_cards(&mut self) {
        for (i, positions) in self.layout.hole.iter().enumerate() {
            let cards: Vec<Card> = positions.iter().map(|&k| self.deck.cards()[k]).collect();
            self.players[i].hole = cards.clone();
            self.events.push(Event::HoleCardsDealt {
                seat: self.players[i].seat,
                cards,
            });
        }
    }

    /// Deals the board cards of street `street` (1 = flop).
    pub(super) fn deal_board(&mut self, street: usize) {
        let Some(positions) = self.layout.board.get(street - 1) else {
            return;
        };
        let cards: Vec<Card> = positions.iter().map(|&k| self.deck.cards()[k]).collect();
        self.board.extend_from_slice(&cards);
        self.events.push(Event::BoardDealt {
            street: street as u8,
            cards,
        });
    }

    /// Moves play forward from `from` (the player who just acted, or where the
    /// search for the first actor starts): finds the next player to act, or ends
    /// betting rounds, deals streets and settles the hand until someone must act.
    fn progress(&mut self, from: usize) {
        let mut from = from;
        loop {
            if self.live_count() == 1 {
                self.end_round();
                self.settle_uncontested();
                self.to_act = None;
                return;
            }
            if let Some(next) = self.next_to_act(from) {
                self.to_act = Some(next);
                return;
            }
            self.end_round();
            let last_street = self.street + 1 == self.streets.len();
            if last_street || self.actor_count() <= 1 {
                for street in self.street + 1..self.streets.len() {
                    self.street = street;
                    self.deal_board(street);
                }
                self.showdown();
                self.to_act = None;
                return;
            }
            self.street += 1;
            self.deal_board(self.street);
            from = self.open_later_round();
        }
    }

    /// Players still holding cards.
    pub(super) fn live_count(&self) -> usize {
        self.players.iter().filter(|p| p.is_live()).count()
    }

    /// Players still holding cards with chips behind.
    pub(super) fn actor_count(&self) -> usize {
        self.players.iter().filter(|p| p.can_act()).count()
    }

    /// Fills in the result once the pots are paid out.
    pub(super) fn finish(&mut self) {
        let mut seats: Vec<SeatResult> = self
            .players
            .iter()
            .map(|p| SeatResult {
                seat: p.seat,
                starting_stack: p.starting_stack,
                final_stack: p.stack,
                contributed: p.contributed(),
                won: p.won,
            })
            .collect();
        seats.sort_by_key(|s| s.seat);
        self.events.push(Event::HandEnded {
            stacks: self.stacks(),
        });
        self.result = Some(HandResult { seats });
    }

    /// Checks the invariants that must hold between any two calls.
    fn assert_invariants(&self) {
        let in_play = sum_chips(self.players.iter().map(|p| p.stack.plus(p.street_bet)));
        assert_eq!(
            in_play.plus(self.pot),
            self.total,
            "chips must be conserved"
        );
        let mut seen = CardSet::EMPTY;
        for &card in self.players.iter().flat_map(|p| &p.hole).chain(&self.board) {
            assert!(seen.insert(card), "card {card} dealt twice");
            assert!(
                self.deck.kind().contains(card),
                "card {card} not in the deck"
            );
        }
        for p in &self.players {
            assert!(
                p.street_bet <= p.bet_paid,
                "a street bet is part of the bets paid"
            );
        }
        match self.to_act {
            Some(i) => {
                assert!(
                    self.players[i].can_act(),
                    "the player to act must be able to act"
                );
                assert!(self.result.is_none());
                assert!(
                    self.actions < ACTIONS_PER_HAND_MAX,
                    "hand exceeded its action bound"
                );
            }
            None => {
                assert!(self.result.is_some(), "a finished hand has a result");
                assert!(self.pot.is_zero(), "a finished hand has paid out its pot");
            }
        }
    }
}
