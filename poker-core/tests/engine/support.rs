//! Helpers shared by the engine tests: tables with seat `i` at position `i`, decks
//! with chosen cards, and a driver that applies scripted actions.

use poker_core::{
    parse_cards, Action, AnteKind, BettingStructure, Card, Chips, DealingOrder, Deck, Event,
    ForcedBets, Game, Hand, HandConfig, Seat, SeatSetup, Variant,
};

pub(crate) fn seat(n: u8) -> Seat {
    Seat::new(n).unwrap()
}

pub(crate) fn chips(n: u64) -> Chips {
    Chips::new(n)
}

pub(crate) fn nl_holdem(small: u64, big: u64) -> HandConfig {
    HandConfig::new(
        Game {
            variant: Variant::Holdem,
            betting: BettingStructure::NoLimit,
        },
        ForcedBets::blinds(chips(small), chips(big)),
    )
}

pub(crate) fn with_antes(mut config: HandConfig, ante: u64, kind: AnteKind) -> HandConfig {
    config.forced.ante = chips(ante);
    config.forced.ante_kind = kind;
    config
}

/// A deck for `variant` whose dealt cards are the given ones: `holes[p]` for the
/// player at position `p` (first left of the button), then the board (up to five
/// cards); every other position holds the remaining cards in index order.
pub(crate) fn deck_with(variant: Variant, holes: &[&str], board: &str) -> Deck {
    let kind = variant.deck_kind();
    let hole_count = usize::from(variant.hole_cards());
    let layout = DealingOrder::V1.layout(holes.len(), hole_count, &[3, 1, 1]);
    let mut slots: Vec<Option<Card>> = vec![None; kind.card_count()];
    for (p, text) in holes.iter().enumerate() {
        for (r, card) in parse_cards(text).unwrap().into_iter().enumerate() {
            slots[layout.hole[p][r]] = Some(card);
        }
    }
    let board_positions: Vec<usize> = layout.board.iter().flatten().copied().collect();
    for (k, card) in parse_cards(board).unwrap().into_iter().enumerate() {
        slots[board_positions[k]] = Some(card);
    }
    let used: Vec<Card> = slots.iter().flatten().copied().collect();
    let mut rest = kind
        .ordered_cards()
        .into_iter()
        .filter(|c| !used.contains(c));
    let cards = slots
        .into_iter()
        .map(|slot| slot.or_else(|| rest.next()).unwrap())
        .collect();
    Deck::new(kind, cards).unwrap()
}

/// Starts a hand with seats `0..stacks.len()`, the button on the last seat, so
/// seat `i` sits at position `i` (seat 0 is the small blind from three players up;
/// heads-up seat 1 is the button and small blind).
pub(crate) fn start(config: HandConfig, stacks: &[u64], deck: Deck) -> Hand {
    let seats: Vec<SeatSetup> = stacks
        .iter()
        .enumerate()
        .map(|(i, &s)| SeatSetup {
            seat: seat(i as u8),
            stack: chips(s),
        })
        .collect();
    let button = seat(stacks.len() as u8 - 1);
    Hand::start(config, &seats, button, deck).unwrap().0
}

/// Parses a script like `"2:r6 0:c 1:f 3:x 0:t"` (seat, then `f` fold, `x` check,
/// `c` call, `rN` bet or raise to N, `t` time out) and applies it, panicking with
/// context on the first refused action.
pub(crate) fn play(hand: &mut Hand, script: &str) -> Vec<Event> {
    let mut events = Vec::new();
    for step in script.split_whitespace() {
        let (who, what) = step.split_once(':').unwrap();
        let action = parse_action(what);
        let result = hand.apply(seat(who.parse().unwrap()), action);
        match result {
            Ok(new) => events.extend(new),
            Err(error) => panic!("{step} refused: {error} ({:?})", hand.legal_actions()),
        }
    }
    events
}

pub(crate) fn parse_action(text: &str) -> Action {
    match text {
        "f" => Action::Fold,
        "x" => Action::Check,
        "c" => Action::Call,
        "t" => Action::TimeOut,
        raise => Action::BetTo(chips(raise[1..].parse().unwrap())),
    }
}

/// Final stacks in seat order, as plain numbers.
pub(crate) fn stacks(hand: &Hand) -> Vec<u64> {
    hand.stacks().into_iter().map(|(_, c)| c.get()).collect()
}
