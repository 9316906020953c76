//! Engine hands exported to PHH and replayed: every forced bet is posted by the same
//! position, every action is the same and the final stacks are equal, heads-up and
//! 3+ handed, with and without a button blind, antes, straddles and extra posts. The PokerStars
//! text of the same hands names the button as the poster of the button blind.

use poker_core::phh::{self, HandHistory};
use poker_core::{
    export, AnteKind, BettingStructure, Chips, Deck, Event, ExtraPost, ExtraPostError, Hand,
    HandConfig, Seat, SeatSetup, StartError, Variant, FIXED_LIMIT_BETS_PER_STREET_DEFAULT,
};

use crate::sim::{random_legal_action, random_setup, SplitMix64};

/// Hands per run: every combination below comes up dozens of times.
const HANDS: usize = 10_000;

/// A random hand of a game PHH has a code for, heads-up in about half of the hands
/// and with a button blind in about half.
fn random_exportable_setup(rng: &mut SplitMix64) -> (HandConfig, Vec<SeatSetup>, Seat, Deck) {
    let (mut config, mut seats, button, deck) = random_setup(rng);
    let big = config.forced.big_blind;
    let fixed_limit = BettingStructure::FixedLimit {
        small_bet: big,
        big_bet: Chips::new(big.get() * 2),
        raise_cap: Some(FIXED_LIMIT_BETS_PER_STREET_DEFAULT),
    };
    config.game.betting = match config.game.variant {
        Variant::Holdem if rng.chance(50) => BettingStructure::NoLimit,
        Variant::Holdem | Variant::OmahaHiLo { .. } => fixed_limit,
        Variant::Omaha { .. } => BettingStructure::PotLimit,
        _ => BettingStructure::NoLimit,
    };
    if seats.len() > 2 && rng.chance(50) {
        let other = seats.iter().find(|s| s.seat != button).unwrap().seat;
        seats.retain(|s| s.seat == button || s.seat == other);
        config.forced.straddle = None;
    }
    let forced = &mut config.forced;
    if forced.button_blind.is_none() && rng.chance(45) {
        forced.small_blind = Chips::ZERO;
        forced.big_blind = Chips::ZERO;
        forced.straddle = None;
        forced.button_blind = Some(big);
        if forced.ante_kind == AnteKind::BigBlind {
            forced.ante_kind = AnteKind::Uniform;
        }
    }
    (config, seats, button, deck)
}

/// The hand's seats in position order: first left of the button first, button last.
fn positions(hand: &Hand) -> Vec<Seat> {
    let mut seats = hand.seats();
    seats.sort();
    let button = seats.iter().position(|&s| s == hand.button()).unwrap();
    seats.rotate_left(button + 1);
    seats
}

/// What happened to the chips, with players named by position: forced bets (which
/// blind, by whom), actions with their amounts, returns and final stacks.
fn chip_moves(hand: &Hand) -> Vec<String> {
    let order = positions(hand);
    let pos = |seat: &Seat| order.iter().position(|s| s == seat).unwrap();
    let mut moves: Vec<String> = hand
        .events()
        .iter()
        .filter_map(|event| match event {
            Event::BlindPosted {
                seat,
                blind,
                amount,
                ..
            } => Some(format!("p{} posts {blind:?} {amount}", pos(seat) + 1)),
            Event::AntePosted { seat, amount, .. } => {
                Some(format!("p{} antes {amount}", pos(seat) + 1))
            }
            Event::ExtraPosted {
                seat, live, dead, ..
            } => Some(format!("p{} posts {live}+{dead}", pos(seat) + 1)),
            Event::Folded { seat, .. } => Some(format!("p{} f", pos(seat) + 1)),
            Event::Checked { seat, .. } => Some(format!("p{} x", pos(seat) + 1)),
            Event::Called { seat, amount, .. } => Some(format!("p{} c {amount}", pos(seat) + 1)),
            Event::BetOrRaised { seat, to, .. } => Some(format!("p{} r {to}", pos(seat) + 1)),
            Event::UncalledBetReturned { seat, amount } => {
                Some(format!("p{} returned {amount}", pos(seat) + 1))
            }
            _ => None,
        })
        .collect();
    let stacks = hand.stacks();
    moves.extend(order.iter().enumerate().map(|(i, seat)| {
        let (_, stack) = stacks.iter().find(|(s, _)| s == seat).unwrap();
        format!("p{} ends with {stack}", i + 1)
    }));
    moves
}

/// Exports `hand` as PHH text, reads it back, replays it, and requires the same
/// forced bets, actions and final stacks by position.
fn assert_phh_round_trip(hand: &Hand) -> HandHistory {
    let history = export::to_phh(hand, None).unwrap();
    let text = history.to_phh();
    let reread = HandHistory::parse(&text).unwrap();
    assert_eq!(reread, history, "{text}");
    let replayed = phh::replay(&reread, hand.config().odd_chips)
        .unwrap_or_else(|e| panic!("replay refused: {e}\n{text}"));
    assert_eq!(
        replayed.matches_finishing_stacks(&reread),
        Some(true),
        "{text}"
    );
    assert_eq!(chip_moves(replayed.hand()), chip_moves(hand), "{text}");
    let again = export::to_phh(replayed.hand(), None).unwrap();
    assert_eq!(again.fields().actions, history.fields().actions, "{text}");
    assert_eq!(
        again.fields().blinds_or_straddles,
        history.fields().blinds_or_straddles,
        "{text}"
    );
    assert_eq!(again.fields().antes, history.fields().antes, "{text}");
    history
}

/// The PokerStars text names the button as the poster of the button blind; `false`
/// when there is none or the game has no PokerStars name (short deck).
fn assert_stars_names_button_blind_poster(hand: &Hand) -> bool {
    let Some(button_blind) = hand.config().forced.button_blind else {
        return false;
    };
    let time = export::CivilTime {
        year: 2026,
        month: 11,
        day: 24,
        hour: 20,
        minute: 0,
        second: 0,
    };
    let header = export::StarsHeader {
        hand_id: 7,
        table_name: "round trip",
        max_seats: 10,
        local_time: time,
        time_zone: "UTC",
        eastern_time: time,
    };
    let names: Vec<(Seat, String)> = hand
        .seats()
        .into_iter()
        .map(|s| (s, format!("player{}", s.index())))
        .collect();
    let text = match export::to_pokerstars(hand, &header, &names, None) {
        Ok(text) => text,
        Err(export::ExportError::UnsupportedGame) => return false,
        Err(other) => panic!("{other}"),
    };
    let button_stack = hand
        .events()
        .iter()
        .find_map(|e| match e {
            Event::HandStarted { players, .. } => players
                .iter()
                .find(|p| p.seat == hand.button())
                .map(|p| p.stack),
            _ => None,
        })
        .unwrap();
    let posted = button_blind.min(button_stack);
    let line = format!(
        "player{}: posts button blind {posted}",
        hand.button().index()
    );
    let posters: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("posts button blind"))
        .collect();
    assert_eq!(posters.len(), 1, "{text}");
    assert!(posters[0].starts_with(&line), "{text}");
    true
}

/// Random extra posts (missed blinds) for seats that post no blind of their position,
/// in about a third of the hands that have a big blind to size them.
fn random_posts(rng: &mut SplitMix64, config: &HandConfig, seats: &[SeatSetup]) -> Vec<ExtraPost> {
    let big = config.forced.big_blind.get();
    if big == 0 || !rng.chance(35) {
        return Vec::new();
    }
    let mut posts = Vec::new();
    for s in seats {
        if rng.chance(40) {
            posts.push(ExtraPost {
                seat: s.seat,
                live: Chips::new(rng.range(0, big)),
                dead: Chips::new(rng.range(1, big)),
            });
        }
    }
    posts
}

/// Starts the hand with as many of `posts` as the engine accepts (it names each post it
/// refuses, so this ends).
fn start_with_accepted_posts(
    config: HandConfig,
    seats: &[SeatSetup],
    button: Seat,
    deck: Deck,
    mut posts: Vec<ExtraPost>,
) -> (Hand, bool) {
    loop {
        match Hand::start_with_posts(config, seats, button, deck.clone(), &posts) {
            Ok((hand, _)) => return (hand, !posts.is_empty()),
            Err(StartError::BadExtraPost(
                ExtraPostError::PostsPositionalBlind(seat) | ExtraPostError::NotDealtIn(seat),
            )) => posts.retain(|p| p.seat != seat),
            Err(other) => panic!("{other} {config:?}"),
        }
    }
}

#[test]
fn exported_phh_replays_every_forced_bet_action_and_stack() {
    let mut rng = SplitMix64::new(0x9e11_0004);
    // (heads-up, button blind) → hands
    let mut counts = [[0usize; 2]; 2];
    let (mut straddles, mut antes, mut with_posts, mut stars) = (0, 0, 0, 0);
    for _ in 0..HANDS {
        let (config, seats, button, deck) = random_exportable_setup(&mut rng);
        let posts = random_posts(&mut rng, &config, &seats);
        let (mut hand, posted) = start_with_accepted_posts(config, &seats, button, deck, posts);
        while let Some(seat) = hand.to_act() {
            let action = random_legal_action(&mut rng, &hand);
            hand.apply(seat, action).unwrap();
        }
        assert_phh_round_trip(&hand);
        stars += usize::from(assert_stars_names_button_blind_poster(&hand));
        let heads_up = usize::from(seats.len() == 2);
        counts[heads_up][usize::from(config.forced.button_blind.is_some())] += 1;
        straddles += usize::from(config.forced.straddle.is_some());
        antes += usize::from(config.forced.ante_kind != AnteKind::None);
        with_posts += usize::from(posted);
    }
    eprintln!(
        "{HANDS} round trips: 3+ handed {} without / {} with a button blind, heads-up {} / {}; \
         {straddles} straddles, {antes} with antes, {with_posts} with extra posts; \
         {stars} PokerStars texts with a button blind",
        counts[0][0], counts[0][1], counts[1][0], counts[1][1]
    );
    for row in counts {
        for count in row {
            assert!(count > HANDS / 10, "{counts:?}");
        }
    }
    assert!(straddles > HANDS / 50, "{straddles} straddles");
    assert!(antes > HANDS / 4, "{antes} with antes");
    assert!(with_posts > HANDS / 20, "{with_posts} with posts");
    assert!(
        stars > HANDS / 10,
        "{stars} PokerStars texts with a button blind"
    );
}

/// PHH reverses the forced bets heads-up (PokerKit posts entry `1 - i` for player `i`),
/// so a heads-up button blind, posted by the button `p2`, is entry 0; 3+ handed the
/// button is the last player and its blind the last entry.
#[test]
fn the_button_blind_is_the_buttons_entry_of_blinds_or_straddles() {
    for players in [2usize, 3, 6] {
        let mut rng = SplitMix64::new(players as u64);
        let (mut config, mut seats, button, deck) = loop {
            let setup = random_setup(&mut rng);
            if setup.0.game.variant == Variant::ShortDeckHoldem && setup.1.len() >= players {
                break setup;
            }
        };
        let other: Vec<Seat> = seats
            .iter()
            .map(|s| s.seat)
            .filter(|&s| s != button)
            .take(players - 1)
            .collect();
        seats.retain(|s| s.seat == button || other.contains(&s.seat));
        seats.iter_mut().for_each(|s| s.stack = Chips::new(1_000));
        config.game.betting = BettingStructure::NoLimit;
        config.forced.small_blind = Chips::ZERO;
        config.forced.big_blind = Chips::ZERO;
        config.forced.straddle = None;
        config.forced.ante = Chips::new(1);
        config.forced.ante_kind = AnteKind::Uniform;
        config.forced.button_blind = Some(Chips::new(3));
        let (mut hand, _) = Hand::start(config, &seats, button, deck).unwrap();
        // Everyone calls the button blind and checks down.
        while let Some(seat) = hand.to_act() {
            let legal = hand.legal_actions().unwrap();
            let action = if legal.can_check {
                poker_core::Action::Check
            } else {
                poker_core::Action::Call
            };
            hand.apply(seat, action).unwrap();
        }
        let history = assert_phh_round_trip(&hand);
        let mut expected = vec![0u64; players];
        expected[if players == 2 { 0 } else { players - 1 }] = 3;
        let text = history.to_phh();
        let expected_line = format!(
            "blinds_or_straddles = [{}]",
            expected
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        assert!(text.contains(&expected_line), "{text}");
        // Pre-flop the first action is p1's (left of the button) and the button's last.
        let preflop: Vec<String> = history
            .fields()
            .actions
            .iter()
            .filter_map(|a| a.action().map(|a| a.to_string()))
            .filter(|a| !a.starts_with('d'))
            .take(players)
            .collect();
        assert!(preflop[0].starts_with("p1 "), "{text}");
        assert!(
            preflop[players - 1].starts_with(&format!("p{players} ")),
            "{text}"
        );
    }
}
