//! PokerStars and PHH export, checked against hand-written expected text.
//!
//! Each hand is written as PHH, played through the engine with `phh::replay`, then
//! exported. The expected PokerStars texts were written by hand from the rules (the
//! amounts, pots and lines a PokerStars history of that hand shows), not generated.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use poker_core::export::{to_phh, to_pokerstars, CivilTime, ExportError, StarsHeader};
use poker_core::phh::{replay, HandHistory, Replay};
use poker_core::{OddChipRule, Seat};

fn played(phh: &str) -> Replay {
    replay(
        &HandHistory::parse(phh).unwrap(),
        OddChipRule::ChipByChipLeftOfButton,
    )
    .unwrap()
}

fn seat(n: u8) -> Seat {
    Seat::new(n).unwrap()
}

fn names(list: &[&str]) -> Vec<(Seat, String)> {
    list.iter()
        .enumerate()
        .map(|(i, n)| (seat(i as u8), (*n).to_owned()))
        .collect()
}

fn header(hand_id: u64) -> StarsHeader<'static> {
    StarsHeader {
        hand_id,
        table_name: "Test",
        max_seats: 6,
        local_time: CivilTime {
            year: 2026,
            month: 5,
            day: 4,
            hour: 16,
            minute: 2,
            second: 11,
        },
        time_zone: "UTC",
        eastern_time: CivilTime {
            year: 2026,
            month: 5,
            day: 4,
            hour: 12,
            minute: 2,
            second: 11,
        },
    }
}

/// The PokerStars text of the hand `phh` describes, exported as hand `hand_id` with the
/// seats named `players` in order, seen by the player at `hero`.
fn stars_text(phh: &str, hand_id: u64, players: &[&str], hero: u8) -> String {
    let hand = played(phh);
    to_pokerstars(
        hand.hand(),
        &header(hand_id),
        &names(players),
        Some(seat(hero)),
    )
    .unwrap()
}

#[test]
fn holdem_hand_won_on_the_flop() {
    let text = stars_text(
        "variant = 'NT'\nantes = [0, 0, 0]\nblinds_or_straddles = [1, 2, 0]\nmin_bet = 2\n\
         starting_stacks = [100, 100, 100]\nactions = ['d dh p1 AhAd', 'd dh p2 KsKc', \
         'd dh p3 7c2d', 'p3 f', 'p1 cbr 6', 'p2 cc', 'd db 2c7h9s', 'p1 cbr 10', 'p2 f']\n",
        1001,
        &["Alice", "Bob", "Carol"],
        0,
    );
    let expected = "\
PokerStars Hand #1001: Hold'em No Limit (1/2) - 2026/05/04 16:02:11 UTC [2026/05/04 12:02:11 ET]
Table 'Test' 6-max Seat #3 is the button
Seat 1: Alice (100 in chips)
Seat 2: Bob (100 in chips)
Seat 3: Carol (100 in chips)
Alice: posts small blind 1
Bob: posts big blind 2
*** HOLE CARDS ***
Dealt to Alice [Ah Ad]
Carol: folds
Alice: raises 4 to 6
Bob: calls 4
*** FLOP *** [2c 7h 9s]
Alice: bets 10
Bob: folds
Uncalled bet (10) returned to Alice
Alice collected 12 from pot
*** SUMMARY ***
Total pot 12 | Rake 0
Board [2c 7h 9s]
Seat 1: Alice (small blind) collected (12)
Seat 2: Bob (big blind) folded on the Flop
Seat 3: Carol (button) folded before Flop (didn't bet)
";
    assert_eq!(text, expected);
}

#[test]
fn holdem_all_in_with_a_side_pot_seen_by_a_loser() {
    let text = stars_text(
        "variant = 'NT'\nantes = [0, 0, 0]\nblinds_or_straddles = [1, 2, 0]\nmin_bet = 2\n\
         starting_stacks = [50, 100, 30]\nactions = ['d dh p1 AhAd', 'd dh p2 KsKc', \
         'd dh p3 QhQd', 'p3 cbr 30', 'p1 cbr 50', 'p2 cc', 'd db 2c7h9s', 'd db 3d', 'd db 4s']\n",
        1002,
        &["Alice", "Bob (KK)", "Carol"],
        1,
    );
    // Pots: main 90 (all three), side 40 (Alice and Bob); aces win both. All-in hands
    // are tabled, the last aggressor first. Nobody else's hole cards are "dealt to".
    let expected = "\
PokerStars Hand #1002: Hold'em No Limit (1/2) - 2026/05/04 16:02:11 UTC [2026/05/04 12:02:11 ET]
Table 'Test' 6-max Seat #3 is the button
Seat 1: Alice (50 in chips)
Seat 2: Bob _KK_ (100 in chips)
Seat 3: Carol (30 in chips)
Alice: posts small blind 1
Bob _KK_: posts big blind 2
*** HOLE CARDS ***
Dealt to Bob _KK_ [Ks Kc]
Carol: raises 28 to 30 and is all-in
Alice: raises 20 to 50 and is all-in
Bob _KK_: calls 48
*** FLOP *** [2c 7h 9s]
*** TURN *** [2c 7h 9s] [3d]
*** RIVER *** [2c 7h 9s 3d] [4s]
*** SHOW DOWN ***
Alice: shows [Ah Ad] (pair of aces)
Bob _KK_: shows [Ks Kc] (pair of kings)
Carol: shows [Qh Qd] (pair of queens)
Alice collected 90 from main pot
Alice collected 40 from side pot-1
*** SUMMARY ***
Total pot 130 | Rake 0
Board [2c 7h 9s 3d 4s]
Seat 1: Alice (small blind) showed [Ah Ad] and won (130) with pair of aces
Seat 2: Bob _KK_ (big blind) showed [Ks Kc] and lost with pair of kings
Seat 3: Carol (button) showed [Qh Qd] and lost with pair of queens
";
    assert_eq!(text, expected);
}

#[test]
fn pot_limit_omaha_heads_up() {
    let text = stars_text(
        "variant = 'PO'\nantes = [0, 0]\nblinds_or_straddles = [1, 2]\nmin_bet = 2\n\
         starting_stacks = [100, 100]\nactions = ['d dh p1 AhAdKhKd', 'd dh p2 QsQcJsJc', \
         'p2 cbr 6', 'p1 cc', 'd db 2c7h9s', 'p1 cc', 'p2 cbr 8', 'p1 f']\n",
        3,
        &["Ann", "Ben"],
        1,
    );
    let expected = "\
PokerStars Hand #3: Omaha Pot Limit (1/2) - 2026/05/04 16:02:11 UTC [2026/05/04 12:02:11 ET]
Table 'Test' 6-max Seat #2 is the button
Seat 1: Ann (100 in chips)
Seat 2: Ben (100 in chips)
Ben: posts small blind 1
Ann: posts big blind 2
*** HOLE CARDS ***
Dealt to Ben [Qs Qc Js Jc]
Ben: raises 4 to 6
Ann: calls 4
*** FLOP *** [2c 7h 9s]
Ann: checks
Ben: bets 8
Ann: folds
Uncalled bet (8) returned to Ben
Ben collected 12 from pot
*** SUMMARY ***
Total pot 12 | Rake 0
Board [2c 7h 9s]
Seat 1: Ann (big blind) folded on the Flop
Seat 2: Ben (button) (small blind) collected (12)
";
    assert_eq!(text, expected);
}

#[test]
fn bad_times_and_short_deck_are_refused() {
    let hand = played(
        "variant = 'NT'\nantes = [0, 0]\nblinds_or_straddles = [1, 2]\nmin_bet = 2\n\
         starting_stacks = [100, 100]\nactions = ['d dh p1 AhAd', 'd dh p2 KsKc', 'p2 f']\n",
    );
    let mut bad = header(1);
    bad.local_time.month = 13;
    assert_eq!(
        to_pokerstars(hand.hand(), &bad, &[], None),
        Err(ExportError::BadTime)
    );
    let short = played(
        "variant = 'NS'\nantes = [1, 1]\nblinds_or_straddles = [0, 1]\nmin_bet = 1\n\
         starting_stacks = [100, 100]\nactions = ['d dh p1 AhAd', 'd dh p2 KsKc', 'p2 f']\n",
    );
    assert_eq!(
        to_pokerstars(short.hand(), &header(1), &[], None),
        Err(ExportError::UnsupportedGame)
    );
    // PHH export covers short deck, and its replay ends the same way.
    let exported = to_phh(short.hand(), None).unwrap();
    let again = replay(&exported, OddChipRule::ChipByChipLeftOfButton).unwrap();
    assert_eq!(again.final_stacks(), short.final_stacks());
}
