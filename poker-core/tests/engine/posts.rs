//! Extra posts (`Hand::start_with_posts`): missed blinds posted live and dead, checked
//! against hand-computed pots and stacks, and every refusal typed.

use poker_core::{
    export, phh, BettingStructure, Chips, Event, ExtraPost, ExtraPostError, Hand, HandConfig,
    OddChipRule, SeatSetup, StartError, Variant, FIXED_LIMIT_BETS_PER_STREET_DEFAULT,
};

use crate::support::*;

/// Seats `0..stacks.len()` with the button on the last seat (seat 0 small blind, seat 1
/// big blind), started with `posts` as (seat, live, dead).
fn start_posting(
    config: HandConfig,
    stacks: &[u64],
    posts: &[(u8, u64, u64)],
) -> Result<Hand, StartError> {
    let seats: Vec<SeatSetup> = (0u8..)
        .zip(stacks)
        .map(|(i, &s)| SeatSetup {
            seat: seat(i),
            stack: chips(s),
        })
        .collect();
    let posts: Vec<ExtraPost> = posts
        .iter()
        .map(|&(s, live, dead)| ExtraPost {
            seat: seat(s),
            live: chips(live),
            dead: chips(dead),
        })
        .collect();
    let holes = ["AsAd", "KsKd", "QsQd", "JsJd", "TsTd"];
    let deck = deck_with(Variant::Holdem, &holes[..stacks.len()], "2c7d9h3s4c");
    let button = seat(stacks.len() as u8 - 1);
    Hand::start_with_posts(config, &seats, button, deck, &posts).map(|(hand, _)| hand)
}

fn total(hand: &Hand) -> u64 {
    stacks(hand).iter().sum()
}

#[test]
fn a_live_big_blind_keeps_its_option_and_the_dead_small_blind_goes_to_the_winner() {
    // Seats 0 SB, 1 BB, 2 returns owing both blinds, 3 button.
    let mut hand = start_posting(nl_holdem(1, 2), &[100; 4], &[(2, 2, 1)]).unwrap();
    let posted: Vec<_> = hand
        .events()
        .iter()
        .filter_map(|e| match e {
            Event::ExtraPosted {
                seat, live, dead, ..
            } => Some((seat.index(), live.get(), dead.get())),
            _ => None,
        })
        .collect();
    assert_eq!(posted, vec![(2, 2, 1)]);
    assert_eq!(hand.pot(), chips(1), "the dead part is in the pot at once");
    assert_eq!(hand.street_bet(seat(2)), Some(chips(2)));
    let legal = hand.legal_actions().unwrap();
    assert_eq!(legal.seat, seat(2), "the poster acts in its normal turn");
    assert!(legal.can_check, "a live big blind needs no call");
    // Everyone limps or checks; seat 2 closes nothing: the big blind still has its option.
    play(&mut hand, "2:x 3:c 0:c");
    assert_eq!(
        hand.to_act(),
        Some(seat(1)),
        "the big blind keeps its option"
    );
    play(&mut hand, "1:x");
    assert_eq!(hand.street(), 1);
    // Pot: 4 × 2 live/called + 1 dead.
    assert_eq!(hand.pot(), chips(9));
    play(&mut hand, "0:x 1:x 2:x 3:x 0:x 1:x 2:x 3:x 0:x 1:x 2:x 3:x");
    assert!(hand.is_finished());
    // Seat 0 holds aces: it wins everything.
    assert_eq!(stacks(&hand), vec![107, 98, 97, 98]);
    assert_eq!(total(&hand), 400);
}

#[test]
fn a_raise_over_a_live_post_costs_the_poster_only_the_difference() {
    let mut hand = start_posting(nl_holdem(1, 2), &[100; 4], &[(2, 2, 1)]).unwrap();
    play(&mut hand, "2:r6 3:f 0:f 1:c");
    assert_eq!(stacks(&hand), vec![99, 94, 93, 100]);
    assert_eq!(hand.pot(), chips(1 + 1 + 6 + 6));
    let mut hand = start_posting(nl_holdem(1, 2), &[100; 4], &[(2, 2, 1)]).unwrap();
    let events = play(&mut hand, "2:x 3:r8 0:f 1:f 2:c");
    assert!(events.contains(&Event::Called {
        seat: seat(2),
        amount: chips(6),
        all_in: false
    }));
}

#[test]
fn a_dead_post_alone_is_dead_money_and_a_live_post_alone_is_a_bet() {
    let mut hand = start_posting(nl_holdem(1, 2), &[100; 4], &[(2, 0, 1), (3, 2, 0)]).unwrap();
    assert_eq!(hand.street_bet(seat(2)), Some(chips(0)));
    assert_eq!(hand.street_bet(seat(3)), Some(chips(2)));
    assert_eq!(hand.pot(), chips(1));
    // Seat 2 owes a call of the full big blind: its dead chip counts for nothing.
    assert_eq!(hand.legal_actions().unwrap().call_amount, Some(chips(2)));
    play(&mut hand, "2:f 3:x 0:f 1:x");
    assert_eq!(hand.pot(), chips(1 + 1 + 2 + 2));
    play(&mut hand, "1:r10 3:f");
    assert_eq!(stacks(&hand), vec![99, 104, 99, 98]);
}

#[test]
fn a_short_stack_posts_live_first_and_goes_all_in() {
    let hand = start_posting(nl_holdem(5, 10), &[100, 100, 12, 100], &[(2, 10, 5)]).unwrap();
    let event = hand
        .events()
        .iter()
        .find(|e| matches!(e, Event::ExtraPosted { .. }))
        .unwrap();
    assert_eq!(
        *event,
        Event::ExtraPosted {
            seat: seat(2),
            live: chips(10),
            dead: chips(2),
            all_in: true
        }
    );
    assert_eq!(hand.pot(), chips(2));
    assert_eq!(
        hand.to_act(),
        Some(seat(3)),
        "an all-in poster does not act"
    );
    let mut hand = hand;
    // With the poster all-in and matched, the big blind has nobody left to bet against.
    play(&mut hand, "3:f 0:f");
    assert!(hand.is_finished());
    assert_eq!(total(&hand), 312);
    // Aces (seat 0) folded; seat 1's kings beat seat 2's queens: 10 + 10 + 5 + 2 dead.
    assert_eq!(stacks(&hand), vec![95, 117, 0, 100]);
}

#[test]
fn extra_posts_go_before_antes_and_every_chip_is_conserved() {
    let config = with_antes(nl_holdem(1, 2), 1, poker_core::AnteKind::Uniform);
    let mut hand = start_posting(config, &[50, 60, 70, 80, 90], &[(2, 2, 1), (4, 1, 0)]).unwrap();
    let kinds: Vec<&str> = hand
        .events()
        .iter()
        .filter_map(|e| match e {
            Event::BlindPosted { .. } => Some("blind"),
            Event::ExtraPosted { .. } => Some("extra"),
            Event::AntePosted { .. } => Some("ante"),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        ["blind", "blind", "extra", "extra", "ante", "ante", "ante", "ante", "ante"]
    );
    assert_eq!(hand.pot(), chips(5 + 1));
    play(&mut hand, "2:r20 3:f 4:f 0:f 1:f");
    assert_eq!(total(&hand), 350);
    // Seat 2 wins antes 5, dead 1, blinds 3, its own 2 back and seat 4's live 1.
    assert_eq!(stacks(&hand), vec![48, 57, 78, 79, 88]);
}

#[test]
fn without_posts_start_with_posts_is_start() {
    let deck = deck_with(Variant::Holdem, &["AsAd", "KsKd", "QsQd"], "2c7d9h3s4c");
    let plain = start(nl_holdem(1, 2), &[100, 100, 100], deck);
    let posted = start_posting(nl_holdem(1, 2), &[100, 100, 100], &[]).unwrap();
    assert_eq!(plain, posted);
}

#[test]
fn bad_posts_are_refused_with_a_typed_error() {
    let refused = |posts: &[(u8, u64, u64)]| {
        start_posting(nl_holdem(1, 2), &[100; 4], posts)
            .err()
            .unwrap()
    };
    let bad = StartError::BadExtraPost;
    assert_eq!(
        refused(&[(0, 2, 0)]),
        bad(ExtraPostError::PostsPositionalBlind(seat(0)))
    );
    assert_eq!(
        refused(&[(1, 2, 1)]),
        bad(ExtraPostError::PostsPositionalBlind(seat(1)))
    );
    assert_eq!(
        refused(&[(5, 2, 1)]),
        bad(ExtraPostError::NotDealtIn(seat(5)))
    );
    assert_eq!(
        refused(&[(2, 2, 1), (2, 2, 0)]),
        bad(ExtraPostError::Duplicate(seat(2)))
    );
    assert_eq!(refused(&[(3, 0, 0)]), bad(ExtraPostError::Empty(seat(3))));
    assert_eq!(
        refused(&[(3, 3, 0)]),
        bad(ExtraPostError::AboveBigBlind {
            seat: seat(3),
            got: chips(3),
            big_blind: chips(2)
        })
    );
    assert_eq!(
        refused(&[(3, 2, u64::MAX)]),
        bad(ExtraPostError::AboveBigBlind {
            seat: seat(3),
            got: chips(u64::MAX),
            big_blind: chips(2)
        })
    );
    // Heads-up both players post positional blinds.
    let heads_up = start_posting(nl_holdem(1, 2), &[100, 100], &[(0, 2, 0)]);
    assert_eq!(
        heads_up.err(),
        Some(bad(ExtraPostError::PostsPositionalBlind(seat(0))))
    );
    let mut no_big = nl_holdem(1, 2);
    no_big.forced.small_blind = Chips::ZERO;
    no_big.forced.big_blind = Chips::ZERO;
    assert_eq!(
        start_posting(no_big, &[100; 4], &[(2, 1, 0)]).err(),
        Some(bad(ExtraPostError::NoBigBlind))
    );
    assert!(refused(&[(3, 3, 0)]).to_string().contains("seat 3"));
}

#[test]
fn exports_show_the_posts() {
    let mut hand = start_posting(nl_holdem(1, 2), &[100; 4], &[(2, 2, 1)]).unwrap();
    play(&mut hand, "2:r6 3:f 0:f 1:f");
    let time = export::CivilTime {
        year: 2026,
        month: 11,
        day: 24,
        hour: 13,
        minute: 0,
        second: 0,
    };
    let header = export::StarsHeader {
        hand_id: 1,
        table_name: "t",
        max_seats: 6,
        local_time: time,
        time_zone: "UTC",
        eastern_time: time,
    };
    let text = export::to_pokerstars(&hand, &header, &[], None).unwrap();
    assert!(text.contains("posts small & big blinds 3"), "{text}");
    let history = export::to_phh(&hand, None).unwrap();
    let phh = history.to_phh();
    // Seat 2 is PHH player 3: blinds stay those of the positions, the dead part is an
    // ante as well, and `_posts` names both parts.
    assert!(phh.contains("blinds_or_straddles = [1, 2, 0, 0]"), "{phh}");
    assert!(phh.contains("antes = [0, 0, 1, 0]"), "{phh}");
    assert!(
        phh.contains(r#"_posts = [{ player = "p3", live = 2, dead = 1 }]"#),
        "{phh}"
    );
    // The text reads back as the same hand and replays to the same stacks and events.
    let reread = phh::HandHistory::parse(&phh).unwrap();
    assert_eq!(reread, history);
    let replayed = phh::replay(&reread, OddChipRule::ChipByChipLeftOfButton).unwrap();
    assert_eq!(replayed.hand().events(), hand.events());
}

/// Random hands of every variant and structure with random extra posts: the engine's
/// payouts equal the naive settlement's, chips are conserved, and the log replays.
#[test]
fn random_hands_with_posts_pay_as_the_naive_settlement() {
    use crate::sim::{random_legal_action, random_setup, SplitMix64};
    const HANDS: usize = 600;
    let mut rng = SplitMix64::new(0x5eed_0007);
    let mut with_posts = 0;
    let mut exported = 0;
    for _ in 0..HANDS {
        let (config, seats, button, deck) = random_setup(&mut rng);
        let big = config.forced.big_blind.get();
        let mut posts: Vec<ExtraPost> = Vec::new();
        for s in &seats {
            let (live, dead) = (chips(rng.range(0, big)), chips(rng.range(0, big)));
            if rng.chance(40) && !(live.is_zero() && dead.is_zero()) {
                posts.push(ExtraPost {
                    seat: s.seat,
                    live,
                    dead,
                });
            }
        }
        // Drop the posts the engine refuses (positional blinds, no big blind); each
        // refusal names one, so this ends.
        let (mut hand, _) = loop {
            match Hand::start_with_posts(config, &seats, button, deck.clone(), &posts) {
                Ok(started) => break started,
                Err(StartError::BadExtraPost(
                    ExtraPostError::PostsPositionalBlind(seat) | ExtraPostError::NotDealtIn(seat),
                )) => posts.retain(|p| p.seat != seat),
                Err(StartError::BadExtraPost(ExtraPostError::NoBigBlind)) => posts.clear(),
                Err(other) => panic!("{other}"),
            }
        };
        with_posts += usize::from(!posts.is_empty());
        let start_total: u64 = seats.iter().map(|s| s.stack.get()).sum();
        while !hand.is_finished() {
            let seat = hand.to_act().unwrap();
            let action = random_legal_action(&mut rng, &hand);
            hand.apply(seat, action).unwrap();
        }
        assert_eq!(total(&hand), start_total, "chips are conserved");
        assert_eq!(
            crate::oracle::actual_winnings(&hand),
            crate::oracle::expected_winnings(&hand),
            "{posts:?}"
        );
        let (mut replay, _) = Hand::start_with_posts(config, &seats, button, deck, &posts).unwrap();
        for (seat, action) in hand.events().iter().filter_map(Event::player_action) {
            replay.apply(seat, action).unwrap();
        }
        assert_eq!(replay, hand);
        exported_phh_replays_the_same(&hand, &mut exported);
    }
    assert!(
        exported > HANDS / 4,
        "only {exported} hands went through PHH"
    );
    assert!(with_posts > HANDS / 3, "only {with_posts} hands had posts");
}

/// The hand written as PHH text (games PHH has a code for), read back and replayed,
/// gives the same posts and the same final stacks.
fn exported_phh_replays_the_same(hand: &Hand, exported: &mut usize) {
    // PHH has no field for a fixed-limit raise cap; replay uses the default one.
    if let BettingStructure::FixedLimit { raise_cap, .. } = hand.config().game.betting {
        if raise_cap != Some(FIXED_LIMIT_BETS_PER_STREET_DEFAULT) {
            return;
        }
    }
    let history = match export::to_phh(hand, None) {
        Ok(history) => history,
        Err(export::ExportError::UnsupportedGame) => return,
        Err(other) => panic!("{other}"),
    };
    let text = history.to_phh();
    let reread = phh::HandHistory::parse(&text).unwrap();
    assert_eq!(reread, history, "{text}");
    let replayed =
        phh::replay(&reread, hand.config().odd_chips).unwrap_or_else(|e| panic!("{e}\n{text}"));
    // The replay seats players 0, 1, … in PHH order, so compare in that order.
    assert_eq!(
        replayed.matches_finishing_stacks(&reread),
        Some(true),
        "{text}"
    );
    let posted = |hand: &Hand| -> Vec<(u64, u64, bool)> {
        hand.events()
            .iter()
            .filter_map(|e| match e {
                Event::ExtraPosted {
                    live, dead, all_in, ..
                } => Some((live.get(), dead.get(), *all_in)),
                _ => None,
            })
            .collect()
    };
    assert_eq!(posted(replayed.hand()), posted(hand), "{text}");
    *exported += 1;
}
