//! The PHH reader's public boundary: multi-hand files, model checks and typed errors.

// Test helpers outside `#[test]` functions panic on broken fixtures by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use poker_core::phh::limits::MAX_INPUT_BYTES;
use poker_core::phh::{
    parse_hands, parse_hands_bytes, write_phhs, ActionErrorReason, Amount, HandHistory, Label,
    PhhErrorKind, Position, StartingStack, Value,
};

const MINIMAL: &str = "variant = 'NT'\nantes = [0, 0]\nblinds_or_straddles = [1, 2]\n\
                       min_bet = 2\nstarting_stacks = [100, 100]\nactions = []\n";

/// The error kind and position of parsing `text` as one hand.
fn error_of(text: &str) -> (PhhErrorKind, Position) {
    let error = HandHistory::parse(text).expect_err("the text must be refused");
    (error.kind, error.position)
}

fn at(line: u32, column: u32) -> Position {
    Position { line, column }
}

#[test]
fn optional_and_unknown_fields_are_kept() {
    let text = format!(
        "{MINIMAL}finishing_stacks = [99, 101.5]\nseats = [3, 7]\nseat_count = 9\ntable = 'Aachen'\n\
         hand = 12\nplayers = ['A \"quoted\" name', 'B']\nwinnings = [0, 1]\n\
         _commitment = 'abc'\ntime = 12:30:00\nlevel = {{ small = 1, big = 2 }}\n"
    );
    let hand = HandHistory::parse(&text).unwrap();
    let f = hand.fields();
    assert_eq!(f.seats, Some(vec![3, 7]));
    assert_eq!(f.table, Some(Label::Text("Aachen".into())));
    assert_eq!(f.hand, Some(Label::Number(12)));
    assert_eq!(
        f.finishing_stacks.as_ref().map(|s| s[1]),
        Amount::from_units(1015, 1)
    );
    assert_eq!(
        f.other,
        vec![
            ("_commitment".into(), Value::String("abc".into())),
            ("time".into(), Value::DateTime("12:30:00".into())),
            (
                "level".into(),
                Value::Table(vec![
                    ("small".into(), Value::Integer(1)),
                    ("big".into(), Value::Integer(2))
                ])
            ),
        ]
    );
    assert_eq!(HandHistory::parse(&hand.to_phh()).unwrap(), hand);
}

#[test]
fn unknown_starting_stacks_are_inf() {
    let text = MINIMAL.replace("[100, 100]", "[inf, 100]");
    let hand = HandHistory::parse(&text).unwrap();
    assert_eq!(hand.fields().starting_stacks[0], StartingStack::Unknown);
    assert_eq!(HandHistory::parse(&hand.to_phh()).unwrap(), hand);
}

#[test]
fn multi_hand_files_read_and_write() {
    let text = format!(
        "# two hands\n[1]\n{MINIMAL}\n[2]\n{}",
        MINIMAL.replace("100, 100", "5, 6")
    );
    let hands = parse_hands(&text).unwrap();
    assert_eq!(hands.len(), 2);
    assert_eq!(hands[1].name, "2");
    let plain: Vec<HandHistory> = hands.iter().map(|h| h.hand.clone()).collect();
    let again = parse_hands(&write_phhs(&plain)).unwrap();
    assert_eq!(again, hands);
    assert_eq!(parse_hands(MINIMAL).unwrap()[0].name, "");
    assert_eq!(
        HandHistory::parse(&text).unwrap_err().kind,
        PhhErrorKind::NotSingleHand { hands: 2 }
    );
    let mixed = format!("{MINIMAL}[1]\n{MINIMAL}");
    assert_eq!(
        parse_hands(&mixed).unwrap_err().kind,
        PhhErrorKind::MixedTopLevelAndTables
    );
    let broken_second = format!("[1]\n{MINIMAL}[2]\n{}", MINIMAL.replace("'NT'", "'XX'"));
    assert_eq!(parse_hands(&broken_second).unwrap_err().position, at(9, 11));
}

#[test]
fn model_errors_point_at_the_field() {
    assert_eq!(
        error_of(&MINIMAL.replace("variant = 'NT'\n", "")),
        (PhhErrorKind::MissingField("variant"), at(1, 1))
    );
    assert_eq!(
        error_of(&MINIMAL.replace("min_bet = 2\n", "")).0,
        PhhErrorKind::MissingField("min_bet")
    );
    assert_eq!(
        error_of(&MINIMAL.replace("'NT'", "'FT'")).0,
        PhhErrorKind::MissingField("small_bet")
    );
    assert_eq!(
        error_of(&MINIMAL.replace("'NT'", "'NLHE'")),
        (PhhErrorKind::UnknownVariant("NLHE".into()), at(1, 11))
    );
    assert_eq!(
        error_of(&MINIMAL.replace("antes = [0, 0]", "antes = [0]")),
        (
            PhhErrorKind::WrongLength {
                field: "antes",
                expected: 2,
                got: 1
            },
            at(2, 9)
        )
    );
    assert_eq!(
        error_of(&MINIMAL.replace("[100, 100]", "[100]")).0,
        PhhErrorKind::BadPlayerCount(1)
    );
    assert_eq!(
        error_of(&MINIMAL.replace("min_bet = 2", "min_bet = '2'")),
        (
            PhhErrorKind::WrongType {
                field: "min_bet",
                expected: "a number"
            },
            at(4, 11)
        )
    );
    assert_eq!(
        error_of(&MINIMAL.replace("min_bet = 2", "min_bet = -2")).0,
        PhhErrorKind::BadAmount { field: "min_bet" }
    );
    assert_eq!(
        error_of(&MINIMAL.replace("min_bet = 2", "min_bet = inf")).0,
        PhhErrorKind::BadAmount { field: "min_bet" }
    );
    assert_eq!(
        error_of(&MINIMAL.replace("antes = [0, 0]", "antes = 0")).0,
        PhhErrorKind::WrongType {
            field: "antes",
            expected: "an array"
        }
    );
    assert_eq!(
        error_of(&MINIMAL.replace("actions = []", "actions = [\n  'p1 cc',\n  'p3 f',\n]")),
        (
            PhhErrorKind::BadAction {
                index: 1,
                reason: ActionErrorReason::NoSuchPlayer(3)
            },
            at(8, 3)
        )
    );
    assert_eq!(
        error_of(&MINIMAL.replace("actions = []", "actions = [1]")).0,
        PhhErrorKind::WrongType {
            field: "actions",
            expected: "a string"
        }
    );
    assert_eq!(
        error_of(&format!("{MINIMAL}seats = [-1, 2]\n")).0,
        PhhErrorKind::WrongType {
            field: "seats",
            expected: "an integer from 0 to 4294967295"
        }
    );
}

#[test]
fn hostile_input_is_refused_without_panicking() {
    let mut bytes = MINIMAL.as_bytes().to_vec();
    bytes.insert(20, 0xff);
    assert_eq!(
        HandHistory::parse_bytes(&bytes).unwrap_err().kind,
        PhhErrorKind::InvalidUtf8
    );
    let huge = vec![b' '; MAX_INPUT_BYTES + 1];
    assert_eq!(
        parse_hands_bytes(&huge).unwrap_err().kind,
        PhhErrorKind::InputTooLarge {
            bytes: MAX_INPUT_BYTES + 1
        }
    );
    // Every prefix of a valid file is either valid or a typed error.
    for end in 0..MINIMAL.len() {
        let _ = HandHistory::parse(&MINIMAL[..end]);
    }
    for text in [
        "[",
        "a = [[[[",
        "a = {",
        "a = '''",
        "a = \"\"\"\\",
        "= 1",
        "[]",
        "a = 1979-05-27T",
        "\u{feff}a = 1",
    ] {
        assert!(HandHistory::parse(text).is_err(), "{text:?}");
    }
}
