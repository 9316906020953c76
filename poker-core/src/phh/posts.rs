//! The `_posts` user field: forced bets a player makes beyond the blinds of their position
//! (a missed big blind posted live, a missed small blind posted dead), which PHH has no
//! field for.
//!
//! PHH lets a file carry fields of its own whose names start with `_`. A hand with such
//! posts writes
//!
//! ```toml
//! antes = [0, 0, 0, 1, 0, 0]
//! blinds_or_straddles = [1, 2, 0, 0, 0, 0]
//! _posts = [{ player = "p4", live = 2, dead = 1 }]
//! ```
//!
//! Each entry names a player (as the actions do) and the two parts of their post: `live`
//! chips count as the player's bet on the first street (a call costs only the rest, and
//! the player keeps the option to raise), `dead` chips go into the main pot like an ante.
//! The dead part is **also** counted in the player's `antes` entry, because dead money is
//! exactly what PHH calls an ante: a reader that ignores `_posts` still puts those chips in
//! the pot. The live part is in no standard field: `blinds_or_straddles` entries are the
//! blinds and straddles of the positions and decide who acts first, which a live post does
//! not. A reader that ignores `_posts` therefore charges the poster the whole bet on a
//! call and ends at other stacks; this crate's [`replay`](super::replay()) reads `_posts`
//! and starts the hand with [`Hand::start_with_posts`](crate::Hand::start_with_posts).

use core::fmt;

use super::action::{parse_player, Player};
use super::amount::Amount;
use super::error::{PhhError, PhhErrorKind};
use super::toml_reader::{Node, NodeKind};
use super::toml_value::Value;

/// The name of the PHH user field holding the extra posts.
pub const POSTS_FIELD: &str = "_posts";

/// One entry of `_posts`: a player's post beyond the blinds of their position.
///
/// ```
/// use poker_core::phh::{Amount, HandHistory};
///
/// let hand = HandHistory::parse(
///     "variant = 'NT'\nantes = [0, 0, 1]\nblinds_or_straddles = [1, 2, 0]\nmin_bet = 2\n\
///      starting_stacks = [100, 100, 100]\n_posts = [{ player = 'p3', live = 2, dead = 1 }]\n\
///      actions = ['d dh p1 ????', 'd dh p2 ????', 'd dh p3 ????', 'p3 f', 'p1 f']\n",
/// )?;
/// let post = hand.fields().posts[0];
/// assert_eq!((post.player.number(), post.live, post.dead), (3, Amount::from_integer(2), Amount::from_integer(1)));
/// # Ok::<(), poker_core::phh::PhhError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PhhPost {
    /// Who posts.
    pub player: Player,
    /// Chips that count as the player's bet on the first street.
    pub live: Amount,
    /// Chips that go into the pot as dead money (also counted in the player's `antes`
    /// entry).
    pub dead: Amount,
}

/// What is wrong with one entry of `_posts`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PostErrorReason {
    /// The entry is not an inline table.
    NotATable,
    /// A key other than `player`, `live` and `dead`.
    UnknownKey(String),
    /// One of `player`, `live`, `dead` is missing.
    MissingKey(&'static str),
    /// `player` is not a string `pN`.
    BadPlayer,
    /// `player` names no player of the hand.
    NoSuchPlayer(u64),
    /// `live` or `dead` is not a non-negative amount.
    BadAmount(&'static str),
    /// The player has an earlier entry.
    Duplicate(Player),
}

impl fmt::Display for PostErrorReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PostErrorReason::NotATable => {
                f.write_str("must be an inline table { player = \"pN\", live = …, dead = … }")
            }
            PostErrorReason::UnknownKey(key) => write!(f, "unknown key {key:?}"),
            PostErrorReason::MissingKey(key) => write!(f, "key `{key}` is missing"),
            PostErrorReason::BadPlayer => f.write_str("`player` must be a string `pN`"),
            PostErrorReason::NoSuchPlayer(n) => write!(f, "there is no player p{n}"),
            PostErrorReason::BadAmount(key) => {
                write!(f, "`{key}` must be a non-negative amount")
            }
            PostErrorReason::Duplicate(player) => write!(f, "{player} posts twice"),
        }
    }
}

/// Reads the `_posts` array of a hand of `players` players.
pub(crate) fn posts_from_node(node: &Node, players: usize) -> Result<Vec<PhhPost>, PhhError> {
    let NodeKind::Array(items) = &node.kind else {
        return Err(PhhError::new(
            node.position,
            PhhErrorKind::WrongType {
                field: POSTS_FIELD,
                expected: "an array of inline tables",
            },
        ));
    };
    let mut posts: Vec<PhhPost> = Vec::with_capacity(items.len().min(players));
    for (index, item) in items.iter().enumerate() {
        let bad = |reason| PhhError::new(item.position, PhhErrorKind::BadPost { index, reason });
        let post = post_from_node(item, players).map_err(bad)?;
        if posts.iter().any(|p| p.player == post.player) {
            return Err(bad(PostErrorReason::Duplicate(post.player)));
        }
        posts.push(post);
    }
    Ok(posts)
}

fn post_from_node(item: &Node, players: usize) -> Result<PhhPost, PostErrorReason> {
    let NodeKind::Table(entries) = &item.kind else {
        return Err(PostErrorReason::NotATable);
    };
    if let Some((key, _)) = entries
        .iter()
        .find(|(key, _)| !["player", "live", "dead"].contains(&key.as_str()))
    {
        return Err(PostErrorReason::UnknownKey(key.clone()));
    }
    let get = |key: &'static str| {
        entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, node)| node)
            .ok_or(PostErrorReason::MissingKey(key))
    };
    let player = match &get("player")?.kind {
        NodeKind::Scalar(Value::String(text)) => {
            parse_player(text, players).map_err(|reason| match reason {
                super::error::ActionErrorReason::NoSuchPlayer(n) => {
                    PostErrorReason::NoSuchPlayer(n)
                }
                _ => PostErrorReason::BadPlayer,
            })?
        }
        _ => return Err(PostErrorReason::BadPlayer),
    };
    let amount = |key: &'static str| -> Result<Amount, PostErrorReason> {
        match &get(key)?.kind {
            NodeKind::Scalar(Value::Integer(n)) => u64::try_from(*n)
                .map(Amount::from_integer)
                .map_err(|_| PostErrorReason::BadAmount(key)),
            NodeKind::Scalar(Value::Float(text)) => {
                text.parse().map_err(|_| PostErrorReason::BadAmount(key))
            }
            _ => Err(PostErrorReason::BadAmount(key)),
        }
    };
    Ok(PhhPost {
        player,
        live: amount("live")?,
        dead: amount("dead")?,
    })
}
