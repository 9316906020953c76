//! Extra posts: forced bets a player makes beyond the blinds of their position, the way
//! card rooms make a player who missed the blinds (or a new player who will not wait for
//! the big blind) pay to be dealt in.
//!
//! A post has a **live** part, which counts as the player's bet on the first street (like a
//! big blind: a call costs only the rest, and the player keeps the option to raise), and a
//! **dead** part, which goes straight into the main pot like an ante and counts for
//! nothing. The live part is posted first, the dead part from what is left.

use core::fmt;

use super::chips::{Chips, CHIPS_MAX};
use super::config::HandConfig;
use super::event::Event;
use super::hand::Hand;
use super::seat::{Seat, SEATS_MAX};

/// One player's post beyond their positional blinds, for
/// [`Hand::start_with_posts`](super::Hand::start_with_posts).
///
/// ```
/// use poker_core::{Chips, ExtraPost, Seat};
///
/// // A player back from sitting out who missed both blinds at 1/2: the big blind live,
/// // the small blind dead.
/// let seat = Seat::new(4).expect("below SEATS_MAX");
/// let post = ExtraPost { seat, live: Chips::new(2), dead: Chips::new(1) };
/// assert_eq!(post.total(), Chips::new(3));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ExtraPost {
    /// Who posts.
    pub seat: Seat,
    /// Chips that count as the player's first-street bet; at most the big blind.
    pub live: Chips,
    /// Chips that go into the pot as dead money; at most the big blind.
    pub dead: Chips,
}

impl ExtraPost {
    /// Live and dead chips together (saturating; both are checked to be at most the big
    /// blind before a hand uses them).
    pub fn total(&self) -> Chips {
        Chips::new(self.live.get().saturating_add(self.dead.get()))
    }
}

/// Why a list of extra posts is refused by [`Hand::start_with_posts`](super::Hand::start_with_posts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExtraPostError {
    /// The seat is not dealt in.
    NotDealtIn(Seat),
    /// The seat appears twice.
    Duplicate(Seat),
    /// Both parts are zero.
    Empty(Seat),
    /// The seat already posts a blind of its position (small, big, straddle or button
    /// blind); extra posts are for the other seats.
    PostsPositionalBlind(Seat),
    /// The game has no big blind, which sizes extra posts.
    NoBigBlind,
    /// The live or dead part is above the big blind.
    AboveBigBlind {
        /// The seat.
        seat: Seat,
        /// The part given.
        got: Chips,
        /// The big blind.
        big_blind: Chips,
    },
}

impl fmt::Display for ExtraPostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtraPostError::NotDealtIn(seat) => write!(f, "{seat} posts but is not dealt in"),
            ExtraPostError::Duplicate(seat) => write!(f, "{seat} has two extra posts"),
            ExtraPostError::Empty(seat) => write!(f, "{seat} has an extra post of zero chips"),
            ExtraPostError::PostsPositionalBlind(seat) => {
                write!(f, "{seat} posts a blind of its position already")
            }
            ExtraPostError::NoBigBlind => f.write_str("extra posts need a big blind"),
            ExtraPostError::AboveBigBlind {
                seat,
                got,
                big_blind,
            } => write!(
                f,
                "{seat} posts {got}, above the big blind {big_blind} an extra post may be"
            ),
        }
    }
}

impl std::error::Error for ExtraPostError {}

/// Checks `posts` against the configuration and the seats dealt in, before anything
/// happens. `positional` lists the seats that post a blind of their position.
pub(super) fn check_posts(
    config: &HandConfig,
    dealt: &[Seat],
    positional: &[Seat],
    posts: &[ExtraPost],
) -> Result<(), ExtraPostError> {
    if posts.is_empty() {
        return Ok(());
    }
    let big_blind = config.forced.big_blind;
    if big_blind.is_zero() {
        return Err(ExtraPostError::NoBigBlind);
    }
    debug_assert!(big_blind.get() <= CHIPS_MAX, "checked with the forced bets");
    let mut seen = [false; SEATS_MAX as usize];
    for post in posts {
        let seat = post.seat;
        if !dealt.contains(&seat) {
            return Err(ExtraPostError::NotDealtIn(seat));
        }
        let slot = &mut seen[usize::from(seat.index())];
        if *slot {
            return Err(ExtraPostError::Duplicate(seat));
        }
        *slot = true;
        if positional.contains(&seat) {
            return Err(ExtraPostError::PostsPositionalBlind(seat));
        }
        if post.live.is_zero() && post.dead.is_zero() {
            return Err(ExtraPostError::Empty(seat));
        }
        for got in [post.live, post.dead] {
            if got > big_blind {
                return Err(ExtraPostError::AboveBigBlind {
                    seat,
                    got,
                    big_blind,
                });
            }
        }
    }
    Ok(())
}

impl Hand {
    /// Posts the extra posts in position order (first left of the button first): the
    /// live part into the player's street bet, then the dead part, from what is left,
    /// into the pot. Called after the positional blinds and before the antes; `check_posts`
    /// has accepted `posts`.
    pub(super) fn post_extra(&mut self, posts: &[ExtraPost]) {
        for i in 0..self.players.len() {
            let Some(post) = posts.iter().find(|p| p.seat == self.players[i].seat) else {
                continue;
            };
            let p = &mut self.players[i];
            let live = post.live.min(p.stack);
            p.put_in(live);
            let dead = post.dead.min(p.stack);
            p.stack = p.stack.minus(dead);
            p.ante_paid = p.ante_paid.plus(dead);
            self.pot = self.pot.plus(dead);
            self.events.push(Event::ExtraPosted {
                seat: p.seat,
                live,
                dead,
                all_in: p.stack.is_zero(),
            });
        }
    }
}
