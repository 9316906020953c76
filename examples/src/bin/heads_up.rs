//! A heads-up no-limit hold'em hand played through the `poker-core` API, printing
//! every event as it happens.
//!
//! Run with `cargo run -p fairdeal-examples --bin heads_up`.

use poker_core::{
    parse_cards, Action, BettingStructure, Card, Chips, DealingOrder, Deck, DeckKind, Event,
    ForcedBets, Game, Hand, HandConfig, Seat, SeatSetup, Variant,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let alice = Seat::new(0).ok_or("seat 0 exists")?;
    let bob = Seat::new(1).ok_or("seat 1 exists")?;
    let config = HandConfig::new(
        Game {
            variant: Variant::Holdem,
            betting: BettingStructure::NoLimit,
        },
        ForcedBets::blinds(Chips::new(50), Chips::new(100)),
    );
    let players = [
        SeatSetup {
            seat: alice,
            stack: Chips::new(10_000),
        },
        SeatSetup {
            seat: bob,
            stack: Chips::new(10_000),
        },
    ];
    // In a real game the fairness protocol supplies the shuffled deck; here we
    // stack it so the story is always the same: Alice (the button) gets a pair of
    // queens and flops a set, Bob holds ace-king and pairs his ace on the turn.
    let deck = stacked_deck(&["AhKd", "QsQc"], "Qd7c2h", "Ac", "9s")?;
    let (mut hand, events) = Hand::start(config, &players, alice, deck)?;
    events.iter().for_each(print_event);

    // Alice on the button posts the small blind and acts first before the flop.
    let script = [
        (alice, Action::BetTo(Chips::new(300))),
        (bob, Action::Call),
        (bob, Action::Check),
        (alice, Action::BetTo(Chips::new(400))),
        (bob, Action::Call),
        (bob, Action::BetTo(Chips::new(1_200))),
        (alice, Action::BetTo(Chips::new(9_300))), // all-in
        (bob, Action::Call),
    ];
    for (seat, action) in script {
        if let Some(legal) = hand.legal_actions() {
            println!(
                "  [{} to act: check {}, call {:?}, bet/raise to {:?}..{:?}]",
                legal.seat, legal.can_check, legal.call_amount, legal.min_bet_to, legal.max_bet_to
            );
        }
        hand.apply(seat, action)?.iter().for_each(print_event);
    }
    for (seat, stack) in hand.stacks() {
        println!("{seat} ends with {stack}");
    }
    Ok(())
}

/// A deck whose dealt cards are the given ones for two players under
/// `DealingOrder::V1`; every other position gets the remaining cards in order.
fn stacked_deck(
    holes: &[&str; 2],
    flop: &str,
    turn: &str,
    river: &str,
) -> Result<Deck, Box<dyn std::error::Error>> {
    let layout = DealingOrder::V1.layout(2, 2, &[3, 1, 1]);
    let mut slots: Vec<Option<Card>> = vec![None; DeckKind::Standard.card_count()];
    for (player, text) in holes.iter().enumerate() {
        for (round, card) in parse_cards(text)?.into_iter().enumerate() {
            slots[layout.hole[player][round]] = Some(card);
        }
    }
    for (street, text) in [flop, turn, river].iter().enumerate() {
        for (k, card) in parse_cards(text)?.into_iter().enumerate() {
            slots[layout.board[street][k]] = Some(card);
        }
    }
    let used: Vec<Card> = slots.iter().flatten().copied().collect();
    let mut rest = Card::all().filter(|card| !used.contains(card));
    let cards: Vec<Card> = slots
        .into_iter()
        .map(|slot| slot.or_else(|| rest.next()))
        .collect::<Option<_>>()
        .ok_or("52 slots for 52 cards")?;
    Ok(Deck::new(DeckKind::Standard, cards)?)
}

fn print_event(event: &Event) {
    match event {
        Event::HandStarted { button, .. } => println!("hand starts, button on {button}"),
        Event::BlindPosted {
            seat,
            blind,
            amount,
            ..
        } => println!("{seat} posts the {blind:?} blind of {amount}"),
        Event::HoleCardsDealt { seat, cards } => {
            println!("{seat} is dealt {}", poker_core::format_cards(cards))
        }
        Event::BoardDealt { cards, .. } => println!("board: {}", poker_core::format_cards(cards)),
        Event::Checked { seat, .. } => println!("{seat} checks"),
        Event::Called { seat, amount, .. } => println!("{seat} calls {amount}"),
        Event::BetOrRaised {
            seat, to, all_in, ..
        } => println!(
            "{seat} bets/raises to {to}{}",
            if *all_in { " (all-in)" } else { "" }
        ),
        Event::Folded { seat, .. } => println!("{seat} folds"),
        Event::HandShown {
            seat, cards, high, ..
        } => {
            println!("{seat} shows {} ({high})", poker_core::format_cards(cards))
        }
        Event::PotAwarded {
            amount, winners, ..
        } => println!("pot of {amount} goes to {winners:?}"),
        other => println!("{other:?}"),
    }
}
