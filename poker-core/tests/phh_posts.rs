//! The `_posts` PHH user field (missed blinds posted live and dead): read, written back,
//! replayed to hand-computed stacks, and every malformed entry refused with a typed error.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use poker_core::phh::{
    replay, Amount, HandHistory, PhhErrorKind, PhhPost, Player, PostErrorReason, ReplayError,
};
use poker_core::{ExtraPostError, OddChipRule, StartError};

/// Four-handed 1/2 no-limit hold'em, 100 chips each, with these `antes`, `_posts` value
/// and actions (after the deal).
fn four_handed(antes: &str, posts: &str, actions: &str) -> String {
    format!(
        "variant = 'NT'\nantes = {antes}\nblinds_or_straddles = [1, 2, 0, 0]\nmin_bet = 2\n\
         starting_stacks = [100, 100, 100, 100]\n_posts = {posts}\n\
         actions = ['d dh p1 7c2d', 'd dh p2 AhAd', 'd dh p3 8s3h', 'd dh p4 9d4c', {actions}]\n"
    )
}

/// A player back from missing both blinds: p3 posts the big blind live, the small dead.
const RETURNING: &str = "[{ player = 'p3', live = 2, dead = 1 }]";

fn stacks(text: &str) -> Vec<String> {
    let history = HandHistory::parse(text).unwrap();
    let played = replay(&history, OddChipRule::ChipByChipLeftOfButton).unwrap();
    played
        .final_stacks()
        .iter()
        .map(Amount::to_string)
        .collect()
}

fn replay_error(text: &str) -> ReplayError {
    let history = HandHistory::parse(text).unwrap();
    replay(&history, OddChipRule::ChipByChipLeftOfButton).expect_err("the replay must refuse")
}

fn post_error(posts: &str) -> (usize, PostErrorReason) {
    let text = four_handed("[0, 0, 1, 0]", posts, "'p3 f'");
    match HandHistory::parse(&text).expect_err("must be refused").kind {
        PhhErrorKind::BadPost { index, reason } => (index, reason),
        other => panic!("{other}"),
    }
}

#[test]
fn a_live_post_is_the_posters_bet_and_the_dead_part_is_dead_money() {
    // p3's check costs nothing: the live 2 already matches the big blind. The pot is
    // 1 + 2 + 2 live + 1 dead = 6, which p2 takes with an uncalled bet on the flop.
    let text = four_handed(
        "[0, 0, 1, 0]",
        RETURNING,
        "'p3 cc', 'p4 f', 'p1 f', 'p2 cc', 'd db AcKcQc', 'p2 cbr 10', 'p3 f'",
    );
    assert_eq!(stacks(&text), ["99", "104", "97", "100"]);
    // A raise: p3 puts in 6 in all (4 come back uncalled) plus the dead 1, and wins
    // 1 + 2 + 2 + 1.
    let raise = four_handed(
        "[0, 0, 1, 0]",
        RETURNING,
        "'p3 cbr 6', 'p4 f', 'p1 f', 'p2 f'",
    );
    assert_eq!(stacks(&raise), ["99", "98", "103", "100"]);
}

#[test]
fn posts_read_back_from_the_canonical_text() {
    let text = four_handed("[0, 0, 1, 0]", RETURNING, "'p3 f'");
    let history = HandHistory::parse(&text).unwrap();
    assert_eq!(
        history.fields().posts,
        vec![PhhPost {
            player: Player::from_index(2).unwrap(),
            live: Amount::from_integer(2),
            dead: Amount::from_integer(1),
        }]
    );
    let written = history.to_phh();
    assert!(
        written.contains("_posts = [{ player = \"p3\", live = 2, dead = 1 }]\n"),
        "{written}"
    );
    assert_eq!(HandHistory::parse(&written).unwrap(), history);
    // No posts: no field.
    let plain = four_handed("[0, 0, 0, 0]", "[]", "'p3 f'");
    assert!(!HandHistory::parse(&plain)
        .unwrap()
        .to_phh()
        .contains("_posts"));
}

#[test]
fn posts_with_a_uniform_ante_and_fractional_chips_replay() {
    // Every player antes 0.5; p4 also posts a dead 0.5 and a live 1 (blinds 0.5/1).
    let text = "variant = 'NT'\nantes = [0.5, 0.5, 0.5, 1]\nblinds_or_straddles = [0.5, 1, 0, 0]\n\
                min_bet = 1\nstarting_stacks = [50, 50, 50, 50]\n\
                _posts = [{ player = 'p4', live = 1, dead = 0.5 }]\n\
                actions = ['d dh p1 7c2d', 'd dh p2 AhAd', 'd dh p3 8s3h', 'd dh p4 9d4c', \
                'p3 f', 'p4 f', 'p1 f']\n";
    // p2 wins the blinds 0.5 + 1, the antes 4 × 0.5, p4's live 1 and dead 0.5: 5 in
    // all, 1.5 of it p2's own.
    assert_eq!(stacks(text), ["49", "53.5", "49.5", "48"]);
}

#[test]
fn a_reader_that_ignores_posts_sees_the_dead_money_as_antes() {
    // Without `_posts` the dead chip is an ante out of the table's pattern, which this
    // engine cannot post: the field is what makes the file replay.
    let text = four_handed("[0, 0, 1, 0]", "[]", "'p3 f'");
    assert!(matches!(
        replay_error(&text),
        ReplayError::UnsupportedForcedBets(_)
    ));
}

#[test]
fn posts_the_engine_refuses_are_typed_replay_errors() {
    let p = |n: usize| Player::from_index(n - 1).unwrap();
    // The dead part must be in the poster's antes entry.
    let not_in_antes = four_handed("[0, 0, 0, 0]", RETURNING, "'p3 f'");
    assert_eq!(
        replay_error(&not_in_antes),
        ReplayError::PostNotInAntes(p(3))
    );
    // The big blind posts a blind of its position already.
    let blind = four_handed(
        "[0, 0, 0, 0]",
        "[{ player = 'p2', live = 2, dead = 0 }]",
        "'p3 f'",
    );
    assert!(matches!(
        replay_error(&blind),
        ReplayError::Start(StartError::BadExtraPost(
            ExtraPostError::PostsPositionalBlind(_)
        ))
    ));
    // Above the big blind.
    let above = four_handed(
        "[0, 0, 0, 0]",
        "[{ player = 'p4', live = 3, dead = 0 }]",
        "'p3 f'",
    );
    assert!(matches!(
        replay_error(&above),
        ReplayError::Start(StartError::BadExtraPost(
            ExtraPostError::AboveBigBlind { .. }
        ))
    ));
    // Nothing posted.
    let empty = four_handed(
        "[0, 0, 0, 0]",
        "[{ player = 'p4', live = 0, dead = 0 }]",
        "'p3 f'",
    );
    assert!(matches!(
        replay_error(&empty),
        ReplayError::Start(StartError::BadExtraPost(ExtraPostError::Empty(_)))
    ));
    assert!(not_in_antes.contains("p3") && !replay_error(&not_in_antes).to_string().is_empty());
}

#[test]
fn malformed_entries_are_typed_parse_errors() {
    assert_eq!(post_error("[3]"), (0, PostErrorReason::NotATable));
    assert_eq!(
        post_error("[{ player = 'p3', live = 2 }]"),
        (0, PostErrorReason::MissingKey("dead"))
    );
    assert_eq!(
        post_error("[{ player = 'p3', live = 2, dead = 1, seat = 4 }]"),
        (0, PostErrorReason::UnknownKey("seat".into()))
    );
    assert_eq!(
        post_error("[{ player = 3, live = 2, dead = 1 }]"),
        (0, PostErrorReason::BadPlayer)
    );
    assert_eq!(
        post_error("[{ player = 'x3', live = 2, dead = 1 }]"),
        (0, PostErrorReason::BadPlayer)
    );
    assert_eq!(
        post_error("[{ player = 'p9', live = 2, dead = 1 }]"),
        (0, PostErrorReason::NoSuchPlayer(9))
    );
    assert_eq!(
        post_error("[{ player = 'p3', live = -2, dead = 1 }]"),
        (0, PostErrorReason::BadAmount("live"))
    );
    assert_eq!(
        post_error("[{ player = 'p3', live = 2, dead = 'one' }]"),
        (0, PostErrorReason::BadAmount("dead"))
    );
    assert_eq!(
        post_error("[{ player = 'p3', live = 2, dead = inf }]"),
        (0, PostErrorReason::BadAmount("dead"))
    );
    assert_eq!(
        post_error(
            "[{ player = 'p4', live = 2, dead = 0 }, { player = 'p4', live = 0, dead = 1 }]"
        ),
        (
            1,
            PostErrorReason::Duplicate(Player::from_index(3).unwrap())
        )
    );
    let text = four_handed("[0, 0, 1, 0]", "'p3 2 1'", "'p3 f'");
    let error = HandHistory::parse(&text).expect_err("not an array");
    assert!(matches!(
        error.kind,
        PhhErrorKind::WrongType {
            field: "_posts",
            ..
        }
    ));
    // The message names the field, the entry and the line.
    let error = HandHistory::parse(&four_handed("[0, 0, 1, 0]", "[7]", "'p3 f'")).unwrap_err();
    assert_eq!(error.position.line, 6, "{error}");
    assert!(error.to_string().contains("_posts[0]"), "{error}");
}

#[test]
fn the_model_checks_posts_built_in_code() {
    let text = four_handed("[0, 0, 1, 0]", RETURNING, "'p3 f'");
    let mut fields = HandHistory::parse(&text).unwrap().into_fields();
    let post = fields.posts[0];
    fields.posts.push(post);
    assert!(matches!(
        HandHistory::new(fields.clone()),
        Err(PhhErrorKind::BadPost {
            index: 1,
            reason: PostErrorReason::Duplicate(_)
        })
    ));
    fields.posts.pop();
    fields.posts[0].player = Player::from_index(7).unwrap();
    assert!(matches!(
        HandHistory::new(fields),
        Err(PhhErrorKind::BadPost {
            index: 0,
            reason: PostErrorReason::NoSuchPlayer(8)
        })
    ));
}

#[test]
fn every_prefix_and_byte_edit_of_a_file_with_posts_is_a_hand_or_a_typed_error() {
    let text = four_handed(
        "[0, 0, 1, 0]",
        RETURNING,
        "'p3 cc', 'p4 f', 'p1 f', 'p2 cc', 'd db AcKcQc', 'p2 cbr 10', 'p3 f'",
    );
    let start = text.find("_posts").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    let mut candidates = vec![text.clone()];
    candidates.extend((0..text.len()).map(|n| text[..n].to_owned()));
    for at in start..end {
        for replacement in [b'0', b'9', b'-', b'p', b' ', b'"', b'}', b']', b'.', b'x'] {
            let mut bytes = text.clone().into_bytes();
            bytes[at] = replacement;
            candidates.extend(String::from_utf8(bytes));
        }
    }
    let mut read = 0;
    for candidate in &candidates {
        if let Ok(history) = HandHistory::parse(candidate) {
            read += 1;
            assert_eq!(HandHistory::parse(&history.to_phh()).unwrap(), history);
            let _ = replay(&history, OddChipRule::ChipByChipLeftOfButton);
        }
    }
    assert!(read > 1, "some edits still read");
}
