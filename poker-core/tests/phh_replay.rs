//! `phh::replay` at its boundary: how it refuses hands it cannot or must not replay.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use poker_core::phh::replay::{DeckBuildError, UnsupportedForcedBets};
use poker_core::phh::{replay, HandHistory, Player, ReplayError, VariantCode};
use poker_core::{ActionError, Blind, Event, OddChipRule};

/// A three-handed no-limit hold'em hand with these actions.
fn holdem(actions: &str) -> HandHistory {
    HandHistory::parse(&format!(
        "variant = 'NT'\nantes = [0, 0, 0]\nblinds_or_straddles = [1, 2, 0]\nmin_bet = 2\n\
         starting_stacks = [50, 100, 30]\nactions = [{actions}]\n"
    ))
    .unwrap()
}

fn replay_error(history: &HandHistory) -> ReplayError {
    replay(history, OddChipRule::ChipByChipLeftOfButton).expect_err("the replay must refuse")
}

const DEAL: &str = "'d dh p1 AhAd', 'd dh p2 KsKc', 'd dh p3 QhQd'";

#[test]
fn a_complete_hand_reaches_its_showdown_result() {
    let history = holdem(&format!(
        "{DEAL}, 'p3 cc', 'p1 cc', 'p2 cc', 'd db 2c7h9s', 'p1 cc', 'p2 cc', 'p3 cc', \
         'd db 3d', 'p1 cc', 'p2 cc', 'p3 cc', 'd db 4s', 'p1 cc', 'p2 cc', 'p3 cc', \
         'p1 sm AhAd', 'p2 sm', 'p3 sm'"
    ));
    let result = replay(&history, OddChipRule::ChipByChipLeftOfButton).unwrap();
    let stacks: Vec<String> = result
        .final_stacks()
        .iter()
        .map(|a| a.to_string())
        .collect();
    assert_eq!(stacks, ["54", "98", "28"]);
    assert!(result.hand().is_finished());
    assert!(result.events_of_action(3).is_some()); // p3 cc
    assert!(result.events_of_action(0).is_none()); // a deal, not a player action
}

#[test]
fn fractional_amounts_are_replayed_in_scaled_chips() {
    let history = HandHistory::parse(
        "variant = 'NT'\nantes = [0, 0]\nblinds_or_straddles = [0.5, 1]\nmin_bet = 1\n\
         starting_stacks = [10.25, 20]\nactions = ['d dh p1 AhAd', 'd dh p2 KsKc', 'p2 f']\n",
    )
    .unwrap();
    let result = replay(&history, OddChipRule::ChipByChipLeftOfButton).unwrap();
    assert_eq!(result.chip_scale(), 2);
    let stacks: Vec<String> = result
        .final_stacks()
        .iter()
        .map(|a| a.to_string())
        .collect();
    assert_eq!(stacks, ["10.75", "19.5"]);
}

#[test]
fn unknown_cards_may_not_decide_a_showdown() {
    let folded = holdem("'d dh p1 AhAd', 'd dh p2 ????', 'd dh p3 QhQd', 'p3 f', 'p1 cc', 'p2 f'");
    assert!(replay(&folded, OddChipRule::ChipByChipLeftOfButton).is_ok());
    let shown_down = holdem(
        "'d dh p1 AhAd', 'd dh p2 ????', 'd dh p3 QhQd', 'p3 f', 'p1 cbr 50', 'p2 cc', \
         'd db 2c7h9s', 'd db 3d', 'd db 4s'",
    );
    assert_eq!(
        replay_error(&shown_down),
        ReplayError::UnknownCardsAtShowdown {
            player: Player::from_index(1)
        }
    );
    let short_board = holdem(&format!(
        "{DEAL}, 'p3 f', 'p1 cbr 50', 'p2 cc', 'd db 2c7h9s'"
    ));
    assert_eq!(
        replay_error(&short_board),
        ReplayError::UnknownCardsAtShowdown { player: None }
    );
}

#[test]
fn records_the_engine_disagrees_with_are_refused_with_their_index() {
    let too_small = holdem(&format!("{DEAL}, 'p3 cbr 3'"));
    assert!(matches!(
        replay_error(&too_small),
        ReplayError::Rejected {
            index: 3,
            error: ActionError::BetBelowMinimum { .. },
            ..
        }
    ));
    let out_of_turn = holdem(&format!("{DEAL}, 'p1 f'"));
    assert!(matches!(
        replay_error(&out_of_turn),
        ReplayError::Rejected {
            index: 3,
            error: ActionError::NotYourTurn { .. },
            ..
        }
    ));
    let wrong_show = holdem(&format!(
        "{DEAL}, 'p3 f', 'p1 cbr 50', 'p2 cc', 'p1 sm AhAs'"
    ));
    assert_eq!(
        replay_error(&wrong_show),
        ReplayError::ShownCardsDiffer {
            index: 6,
            player: Player::from_index(0).unwrap()
        }
    );
    let early_board = holdem(&format!("{DEAL}, 'p3 cc', 'd db 2c7h9s'"));
    assert_eq!(
        replay_error(&early_board),
        ReplayError::DealingDiffers { index: 4 }
    );
    let unfinished = holdem(&format!("{DEAL}, 'p3 cc'"));
    assert_eq!(replay_error(&unfinished), ReplayError::Unfinished);
    let dealt_twice = holdem(&format!("{DEAL}, 'd dh p1 2c3c'"));
    assert!(matches!(
        replay_error(&dealt_twice),
        ReplayError::DealtTwice { index: 3, .. }
    ));
    let duplicate = holdem("'d dh p1 AhAd', 'd dh p2 AhKc', 'd dh p3 QhQd'");
    assert!(matches!(
        replay_error(&duplicate),
        ReplayError::Cards(DeckBuildError::DuplicateCard(_))
    ));
}

#[test]
fn unsupported_games_and_set_ups_are_named() {
    let stud = HandHistory::parse(
        "variant = 'F7S'\nantes = [1, 1]\nbring_in = 1\nsmall_bet = 2\nbig_bet = 4\n\
         starting_stacks = [50, 50]\nactions = []\n",
    )
    .unwrap();
    assert_eq!(
        replay_error(&stud),
        ReplayError::UnsupportedVariant(VariantCode::FixedLimitSevenCardStud)
    );
    let odd_antes = HandHistory::parse(
        "variant = 'NT'\nantes = [1, 0, 2]\nblinds_or_straddles = [1, 2, 0]\nmin_bet = 2\n\
         starting_stacks = [50, 50, 50]\nactions = []\n",
    )
    .unwrap();
    assert_eq!(
        replay_error(&odd_antes),
        ReplayError::UnsupportedForcedBets(UnsupportedForcedBets::AntePattern)
    );
    let unknown_stack = HandHistory::parse(
        "variant = 'NT'\nantes = [0, 0]\nblinds_or_straddles = [1, 2]\nmin_bet = 2\n\
         starting_stacks = [inf, 50]\nactions = []\n",
    )
    .unwrap();
    assert_eq!(
        replay_error(&unknown_stack),
        ReplayError::UnknownStartingStack(Player::from_index(0).unwrap())
    );
}

/// Button blinds as PokerKit reads them: the button's entry of `blinds_or_straddles`
/// alone, which heads-up (where PHH reverses the forced bets) is entry 0. The button
/// posts it and the first player left of it, `p1`, opens the betting.
#[test]
fn a_button_blind_is_posted_by_the_button_and_p1_acts_first() {
    let cases = [
        ("NS", "[1, 1]", "[3, 0]", ["104", "96"].as_slice()),
        ("NT", "[0, 0]", "[3, 0]", &["103", "97"]),
        ("NS", "[0, 0, 0]", "[0, 0, 3]", &["103", "100", "97"]),
        (
            "NT",
            "[0, 0, 0, 0]",
            "[0, 0, 0, 3]",
            &["103", "100", "100", "97"],
        ),
    ];
    for (variant, antes, blinds, expected) in cases {
        let players = expected.len();
        let holes = ["AhAd", "KsKc", "QhQd", "JhJd"];
        let mut actions: Vec<String> = (0..players)
            .map(|p| format!("'d dh p{} {}'", p + 1, holes[p]))
            .collect();
        actions.push("'p1 cbr 9'".into());
        actions.extend((2..=players).map(|p| format!("'p{p} f'")));
        let history = HandHistory::parse(&format!(
            "variant = '{variant}'\nantes = {antes}\nblinds_or_straddles = {blinds}\n\
             min_bet = 3\nstarting_stacks = [{}]\nactions = [{}]\n",
            vec!["100"; players].join(", "),
            actions.join(", ")
        ))
        .unwrap();
        let result = replay(&history, OddChipRule::ChipByChipLeftOfButton)
            .unwrap_or_else(|e| panic!("{variant} {blinds}: {e}"));
        let stacks: Vec<String> = result
            .final_stacks()
            .iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(stacks, expected, "{variant} {blinds}");
        let button = *result.seats().last().unwrap();
        let posted: Vec<_> = result
            .hand()
            .events()
            .iter()
            .filter_map(|e| match e {
                Event::BlindPosted {
                    seat,
                    blind,
                    amount,
                    ..
                } => Some((*seat, *blind, amount.get())),
                _ => None,
            })
            .collect();
        assert_eq!(posted, [(button, Blind::Button, 3)], "{variant} {blinds}");
    }
}
