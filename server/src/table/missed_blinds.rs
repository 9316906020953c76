//! Who is dealt the next hand, and who posts what, under the cash-game rule for missed
//! blinds (`docs/protocol.md`, "Sitting out and missed blinds"). A pure function of the
//! seats' states and where the blinds were last hand, so the rule is tested without a
//! server.
//!
//! The rule, as card rooms and online sites run it in cash games:
//! * the button moves one seat among the players dealt in; the next two post the blinds
//!   (heads-up the button posts the small blind);
//! * a player who sits out while the big blind passes their seat owes a big blind; while
//!   the small blind passes, a small blind;
//! * a player who owes blinds is dealt in again by posting them — the big blind **live**
//!   (it counts as their bet, they keep the option), the small blind **dead** (into the
//!   pot) — or by waiting until the big blind reaches them, which clears the debt;
//! * a new player at a running game owes a big blind: post it, or wait for the big blind;
//! * a player who left owing blinds and sits down again soon owes them again
//!   (`departures.rs`), not just a newcomer's big blind;
//! * nobody posts extra in the small-blind seat: a player who owes and would sit there
//!   waits a hand (next hand they are on the button or in the big blind);
//! * when fewer than two players could be dealt, the game has stopped: when it starts
//!   again nobody owes anything.

use fairness::PostEntry;

/// Blinds a seat owes from sitting out (or from sitting down at a running game).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Owed {
    /// A small blind, posted dead.
    pub(crate) small: bool,
    /// A big blind, posted live.
    pub(crate) big: bool,
}

impl Owed {
    /// Whether anything is owed.
    pub(crate) fn any(self) -> bool {
        self.small || self.big
    }

    /// The wire name: `none`, `small`, `big` or `both`.
    pub(crate) fn as_str(self) -> &'static str {
        match (self.small, self.big) {
            (false, false) => "none",
            (true, false) => "small",
            (false, true) => "big",
            (true, true) => "both",
        }
    }
}

/// A seat that wants to be dealt in: seated, with chips, connected, not sitting out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Candidate {
    /// The seat.
    pub(crate) seat: u8,
    /// What it owes.
    pub(crate) owed: Owed,
    /// It would rather wait for the big blind than post what it owes.
    pub(crate) wait_for_big_blind: bool,
}

/// Where the blinds were: the seats that posted the small and the big blind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BlindSeats {
    /// The small blind's seat (the button's, heads-up).
    pub(crate) small: u8,
    /// The big blind's seat.
    pub(crate) big: u8,
}

/// The next hand, as decided by [`plan_hand`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HandPlan {
    /// Seats dealt in, ascending.
    pub(crate) dealt: Vec<u8>,
    /// The button.
    pub(crate) button: u8,
    /// Where the blinds are this hand.
    pub(crate) blinds: BlindSeats,
    /// Extra posts of the seats that pay what they owe, ascending.
    pub(crate) posts: Vec<PostEntry>,
    /// The game (re)starts with this hand: every debt is forgiven.
    pub(crate) fresh_game: bool,
}

/// The seat after `previous` among `seats` (ascending), wrapping; the first without one.
fn next_after(seats: &[u8], previous: Option<u8>) -> u8 {
    previous
        .and_then(|p| seats.iter().copied().find(|&s| s > p))
        .unwrap_or(seats[0])
}

/// The button and blinds of a hand dealt to `seats` (ascending, at least two).
fn positions(seats: &[u8], previous_button: Option<u8>) -> (u8, BlindSeats) {
    let button = next_after(seats, previous_button);
    if seats.len() == 2 {
        let other = next_after(seats, Some(button));
        return (
            button,
            BlindSeats {
                small: button,
                big: other,
            },
        );
    }
    let small = next_after(seats, Some(button));
    let big = next_after(seats, Some(small));
    (button, BlindSeats { small, big })
}

/// Decides the next hand: who is dealt, the button and blinds, and the extra posts.
/// `candidates` are ascending by seat; `running` says whether a game is going on (a hand
/// was dealt since the table last had fewer than two players). `None` when fewer than two
/// candidates.
pub(crate) fn plan_hand(
    candidates: &[Candidate],
    previous_button: Option<u8>,
    running: bool,
    (small_blind, big_blind): (u64, u64),
) -> Option<HandPlan> {
    let everyone: Vec<u8> = candidates.iter().map(|c| c.seat).collect();
    if everyone.len() < 2 {
        return None;
    }
    let fresh = || {
        let (button, blinds) = positions(&everyone, previous_button);
        HandPlan {
            dealt: everyone.clone(),
            button,
            blinds,
            posts: Vec::new(),
            fresh_game: true,
        }
    };
    if !running {
        return Some(fresh());
    }
    let mut dealt: Vec<&Candidate> = candidates.iter().collect();
    // Each round removes one seat, so this ends within the number of seats.
    loop {
        if dealt.len() < 2 {
            return Some(fresh());
        }
        let seats: Vec<u8> = dealt.iter().map(|c| c.seat).collect();
        let (button, blinds) = positions(&seats, previous_button);
        let waits = |c: &&Candidate| {
            c.owed.any() && c.seat != blinds.big && (c.seat == blinds.small || c.wait_for_big_blind)
        };
        if let Some(at) = dealt.iter().position(waits) {
            dealt.remove(at);
            continue;
        }
        let posts = dealt
            .iter()
            .filter(|c| c.owed.any() && c.seat != blinds.big)
            .map(|c| PostEntry {
                seat: c.seat,
                live: if c.owed.big { big_blind } else { 0 },
                dead: if c.owed.small { small_blind } else { 0 },
            })
            .collect();
        return Some(HandPlan {
            dealt: seats,
            button,
            blinds,
            posts,
            fresh_game: false,
        });
    }
}

/// Whether `seat` lies strictly between `from` and `to` going clockwise (ascending seat
/// numbers, wrapping). Equal `from` and `to` enclose nothing.
fn strictly_between(from: u8, to: u8, seat: u8) -> bool {
    if from < to {
        from < seat && seat < to
    } else if from > to {
        seat > from || seat < to
    } else {
        false
    }
}

/// What a seat that is not dealt in comes to owe when the blinds move from `previous` to
/// `now`: the blinds that passed over it.
pub(crate) fn missed(owed: Owed, seat: u8, previous: Option<BlindSeats>, now: BlindSeats) -> Owed {
    let Some(previous) = previous else {
        return owed;
    };
    Owed {
        small: owed.small || strictly_between(previous.small, now.small, seat),
        big: owed.big || strictly_between(previous.big, now.big, seat),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAKES: (u64, u64) = (1, 2);

    fn candidate(seat: u8, small: bool, big: bool, wait: bool) -> Candidate {
        Candidate {
            seat,
            owed: Owed { small, big },
            wait_for_big_blind: wait,
        }
    }

    fn plain(seats: &[u8]) -> Vec<Candidate> {
        seats
            .iter()
            .map(|&s| candidate(s, false, false, false))
            .collect()
    }

    fn post(seat: u8, live: u64, dead: u64) -> PostEntry {
        PostEntry { seat, live, dead }
    }

    #[test]
    fn the_button_moves_and_the_blinds_follow_it() {
        let plan = plan_hand(&plain(&[0, 2, 4, 5]), Some(2), true, STAKES).expect("plan");
        assert_eq!(plan.button, 4);
        assert_eq!(plan.blinds, BlindSeats { small: 5, big: 0 });
        assert_eq!(plan.dealt, [0, 2, 4, 5]);
        assert!(plan.posts.is_empty());
        let heads_up = plan_hand(&plain(&[1, 3]), Some(3), true, STAKES).expect("plan");
        assert_eq!(heads_up.button, 1);
        assert_eq!(heads_up.blinds, BlindSeats { small: 1, big: 3 });
        assert!(plan_hand(&plain(&[1]), None, true, STAKES).is_none());
    }

    #[test]
    fn a_player_who_missed_both_blinds_posts_big_live_and_small_dead() {
        // Button 0, blinds 1 and 2; seat 3 owes both.
        let mut seats = plain(&[0, 1, 2]);
        seats.push(candidate(3, true, true, false));
        let plan = plan_hand(&seats, Some(5), true, STAKES).expect("plan");
        assert_eq!(plan.button, 0);
        assert_eq!(plan.dealt, [0, 1, 2, 3]);
        assert_eq!(plan.posts, [post(3, 2, 1)]);
        // Owing only the small blind: dead only; only the big: live only.
        seats[3] = candidate(3, true, false, false);
        assert_eq!(
            plan_hand(&seats, Some(5), true, STAKES)
                .expect("plan")
                .posts,
            [post(3, 0, 1)]
        );
        seats[3] = candidate(3, false, true, false);
        assert_eq!(
            plan_hand(&seats, Some(5), true, STAKES)
                .expect("plan")
                .posts,
            [post(3, 2, 0)]
        );
    }

    #[test]
    fn waiting_for_the_big_blind_deals_in_only_there_and_forgives_the_debt() {
        let mut seats = plain(&[0, 1, 2]);
        seats.push(candidate(3, true, true, true));
        // Button 0: seat 3 is not the big blind (seat 2 is): it waits.
        let plan = plan_hand(&seats, Some(5), true, STAKES).expect("plan");
        assert_eq!(plan.dealt, [0, 1, 2]);
        assert!(plan.posts.is_empty());
        // Button 1: blinds 2 and 3, seat 3 is the big blind: dealt in, no extra post.
        let plan = plan_hand(&seats, Some(0), true, STAKES).expect("plan");
        assert_eq!(plan.blinds, BlindSeats { small: 2, big: 3 });
        assert_eq!(plan.dealt, [0, 1, 2, 3]);
        assert!(plan.posts.is_empty());
    }

    #[test]
    fn nobody_posts_extra_in_the_small_blind() {
        // Button 5: seat 0 would be the small blind but owes; it waits, and the hand is
        // dealt around it.
        let mut seats = vec![candidate(0, true, true, false)];
        seats.extend(plain(&[1, 2, 5]));
        let plan = plan_hand(&seats, Some(4), true, STAKES).expect("plan");
        assert_eq!(plan.button, 5);
        assert_eq!(plan.dealt, [1, 2, 5]);
        assert_eq!(plan.blinds, BlindSeats { small: 1, big: 2 });
        // On the button it may post.
        let plan = plan_hand(&seats, Some(5), true, STAKES).expect("plan");
        assert_eq!(plan.button, 0);
        assert_eq!(plan.posts, [post(0, 2, 1)]);
    }

    #[test]
    fn a_stopped_game_restarts_with_no_debts() {
        let seats = [
            candidate(0, true, true, true),
            candidate(3, false, true, false),
        ];
        let plan = plan_hand(&seats, Some(0), false, STAKES).expect("plan");
        assert!(plan.fresh_game);
        assert_eq!(plan.dealt, [0, 3]);
        assert!(plan.posts.is_empty());
        // Running, but waiting would leave one player: a fresh game too.
        let plan = plan_hand(&seats, Some(3), true, STAKES).expect("plan");
        assert!(plan.fresh_game);
        assert_eq!(plan.dealt, [0, 3]);
    }

    #[test]
    fn blinds_passing_a_seat_make_it_owe_them() {
        let none = Owed::default();
        let was = BlindSeats { small: 1, big: 2 };
        // Seat 3 sits out: the next hand's blinds are 2 and 4, the big blind passed it.
        let now = BlindSeats { small: 2, big: 4 };
        assert_eq!(
            missed(none, 3, Some(was), now),
            Owed {
                small: false,
                big: true
            }
        );
        // The hand after: blinds 4 and 0, the small blind passed it too.
        let later = BlindSeats { small: 4, big: 0 };
        assert_eq!(
            missed(missed(none, 3, Some(was), now), 3, Some(now), later),
            Owed {
                small: true,
                big: true
            }
        );
        // Seats the blinds did not pass owe nothing; wrapping past seat 9 counts.
        assert_eq!(missed(none, 5, Some(was), now), none);
        let wrap = BlindSeats { small: 8, big: 1 };
        assert!(missed(none, 0, Some(BlindSeats { small: 7, big: 8 }), wrap).big);
        assert!(!missed(none, 0, None, wrap).any());
        assert!(!missed(none, 0, Some(wrap), wrap).any());
    }

    #[test]
    fn owed_names_itself() {
        assert_eq!(Owed::default().as_str(), "none");
        assert_eq!(
            Owed {
                small: true,
                big: true
            }
            .as_str(),
            "both"
        );
    }
}
