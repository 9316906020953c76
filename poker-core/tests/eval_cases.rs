//! Hand-worked evaluator cases: the rules people get wrong, checked by hand.

mod eval_support;

use eval_support::cards;
use poker_core::{
    evaluate, evaluate_low8, evaluate_omaha, evaluate_omaha_low8, evaluate_short_deck, Category,
    EvalError, HandStrength, ShortDeckStrength,
};

fn high(text: &str) -> HandStrength {
    evaluate(&cards(text)).expect("valid test hand")
}

fn short(text: &str) -> ShortDeckStrength {
    evaluate_short_deck(&cards(text)).expect("valid test hand")
}

fn omaha(hole: &str, board: &str) -> HandStrength {
    evaluate_omaha(&cards(hole), &cards(board)).expect("valid test deal")
}

fn omaha_low(hole: &str, board: &str) -> Option<String> {
    evaluate_omaha_low8(&cards(hole), &cards(board))
        .expect("valid test deal")
        .map(|low| low.to_string())
}

#[test]
fn seven_card_hands_use_the_best_five() {
    // Two sets of trips: the higher is the three, the lower plays as the pair.
    assert_eq!(
        high("7s7d7hKcKsKd2c").to_string(),
        "full house, kings full of sevens"
    );
    // Three pairs: the third pair's rank can be the kicker.
    assert_eq!(
        high("KsKdQhQc5s5d3c"),
        high("KhKcQsQd5h2c3d").max(high("KsKdQhQc5s4d3c"))
    );
    assert!(high("KsKdQhQc5s5d3c") > high("KsKdQhQc4s4d3c"));
    // A flush and a straight: the flush wins; a straight flush beats both.
    assert_eq!(high("9h8h7h6h2h5c").category(), Category::Flush);
    assert_eq!(high("9h8h7h6h5h5c").category(), Category::StraightFlush);
    // The wheel is the lowest straight, and the steel wheel the lowest straight flush.
    assert!(high("As2d3h4c5s") < high("2d3h4c5s6d"));
    assert_eq!(
        high("As2s3s4s5sKs").to_string(),
        "straight flush, five high"
    );
    // Quads with trips: the best kicker comes from the trips.
    assert_eq!(
        high("9s9d9h9c8s8d8h").to_string(),
        "four of a kind, nines, eight kicker"
    );
}

#[test]
fn omaha_uses_exactly_two_hole_cards_and_three_board_cards() {
    // Four spades on board with one spade in hand is no flush.
    assert_eq!(
        omaha("AsKdQh2c", "9s7s5s3s2d").category(),
        Category::OnePair
    );
    // Two spades in hand with three on board is.
    assert_eq!(omaha("AsKsQh2c", "9s7s5s3d2d").category(), Category::Flush);
    // A straight on board does not play without two connecting hole cards.
    assert_eq!(
        omaha("AcAdKhKs", "5s6d7h8c9d").category(),
        Category::OnePair
    );
    // Four aces in hand are only a pair of aces plus the board.
    assert_eq!(omaha("AcAdAhAs", "Kd7c2s").to_string(), "pair of aces");
    // Trips on board and a pair in hand make a full house.
    assert_eq!(
        omaha("KcKd2h3s", "AcAdAh7s9d").to_string(),
        "full house, aces full of kings"
    );
    // Six-card Omaha and a flop-only board are accepted.
    assert_eq!(
        omaha("AcKcQcJc2d3d", "TcTd9s").category(),
        Category::OnePair
    );
}

#[test]
fn short_deck_has_its_own_wheel_and_puts_the_flush_above_the_full_house() {
    let wheel = short("Ah6c7d8s9h");
    assert_eq!(wheel.to_string(), "straight, nine high");
    assert!(wheel < short("6c7d8s9hTh"));
    assert!(wheel > short("AhAc7d8s9h"));
    let steel = short("Ah6h7h8h9hKd");
    assert_eq!(steel.category(), Category::StraightFlush);
    assert!(steel < short("6h7h8h9hTh"));
    // A flush beats a full house in the short deck, though not in the standard deck.
    let flush = short("AsJs9s7s6s");
    let boat = short("KhKcKd6h6c");
    assert!(flush > boat);
    assert!(high("AsJs9s7s6s") < high("KhKcKd6h6c"));
    // With both available in seven cards, the flush is the hand.
    assert_eq!(short("As9s8s7sKsKdKh").category(), Category::Flush);
    assert_eq!(
        evaluate_short_deck(&cards("Ah5c7d8s9h")),
        Err(EvalError::NotInShortDeck(cards("5c")[0]))
    );
}

#[test]
fn eight_or_better_lows() {
    let low = |text: &str| evaluate_low8(&cards(text)).unwrap().map(|l| l.to_string());
    // Pairs do not count: the best five different ranks play.
    assert_eq!(low("As2d2h3c4s5dKc"), Some("5-4-3-2-A low".into()));
    // Straights and flushes do not count against a low.
    assert_eq!(low("As2s3s4s5s"), Some("5-4-3-2-A low".into()));
    // A nine does not qualify, and neither do four low ranks.
    assert_eq!(low("As2d3h4c9s"), None);
    assert_eq!(low("As2d3h4cAdKcKs"), None);
    assert!(
        evaluate_low8(&cards("8s7d6h5c4s")).unwrap() < evaluate_low8(&cards("7s6d4h3c2s")).unwrap()
    );
}

#[test]
fn omaha_lows_need_two_low_hole_cards_and_three_low_board_cards() {
    assert_eq!(
        omaha_low("As2dKhKc", "3c6d8hQsJs"),
        Some("8-6-3-2-A low".into())
    );
    // One low card in hand is not enough, however low the board.
    assert_eq!(omaha_low("AsKdQhJc", "2c3d4h5s8s"), None);
    // Only two low cards on board: no low.
    assert_eq!(omaha_low("As2dKhKc", "3c6dQhJsTs"), None);
    // Counterfeited: the board pairs the ace and the deuce, leaving only two other
    // low board cards to go with them.
    assert_eq!(omaha_low("As2dKhKc", "Ac2h6s7dQc"), None);
    // A third low hole card rescues it.
    assert_eq!(
        omaha_low("As2d3hKc", "Ac2h6s7dQc"),
        Some("7-6-3-2-A low".into())
    );
    // The best pair of hole cards is chosen, not the lowest two: with the ace and
    // deuce paired on board, three-four makes the wheel.
    assert_eq!(
        omaha_low("As2d3h4c", "Ac2h5s6dKc"),
        Some("5-4-3-2-A low".into())
    );
    // With exactly three low board cards, all three play, the eight included.
    assert_eq!(
        omaha_low("As2d4h5c", "3c7d8hKsQs"),
        Some("8-7-3-2-A low".into())
    );
}
