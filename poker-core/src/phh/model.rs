//! The typed hand-history model: one PHH hand with its fields checked against each other.

use super::action::ActionLine;
use super::amount::Amount;
use super::error::PhhErrorKind;
use super::limits::{MAX_ACTIONS, MAX_PLAYERS};
use super::posts::{PhhPost, PostErrorReason, POSTS_FIELD};
use super::toml_value::Value;
use super::variant::{BettingFields, VariantCode};

/// A starting stack: an amount, or `inf` (PHH's "unknown").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StartingStack {
    /// A known stack.
    Chips(Amount),
    /// `inf`: the stack is not known.
    Unknown,
}

/// A `table` or `hand` label: PHH writes integers, some sources write text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Label {
    /// An integer label (`hand = 11`).
    Number(i64),
    /// A text label (`table = "Aachen"`).
    Text(String),
}

/// The fields of one hand history, in plain form. Build a [`HandHistory`] from it
/// with [`HandHistory::new`], which checks the fields against each other.
///
/// Player-indexed arrays are in PHH player order: `p1` (the small blind, or the big
/// blind heads-up) first, the button last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandFields {
    /// The game (`variant`).
    pub variant: VariantCode,
    /// `ante_trimming_status`: whether antes may be trimmed (PokerKit's flag).
    pub ante_trimming_status: Option<bool>,
    /// `antes`, one per player.
    pub antes: Vec<Amount>,
    /// `blinds_or_straddles`, one per player (index 0 the small blind).
    pub blinds_or_straddles: Option<Vec<Amount>>,
    /// `bring_in` (stud games).
    pub bring_in: Option<Amount>,
    /// `small_bet` (fixed-limit games).
    pub small_bet: Option<Amount>,
    /// `big_bet` (fixed-limit games).
    pub big_bet: Option<Amount>,
    /// `min_bet` (no-limit and pot-limit games).
    pub min_bet: Option<Amount>,
    /// `starting_stacks`, one per player; their number is the number of players.
    pub starting_stacks: Vec<StartingStack>,
    /// `actions`, in order.
    pub actions: Vec<ActionLine>,
    /// `finishing_stacks`, one per player.
    pub finishing_stacks: Option<Vec<Amount>>,
    /// `winnings`, one per player (after rake).
    pub winnings: Option<Vec<Amount>>,
    /// `seats`: each player's seat number.
    pub seats: Option<Vec<u32>>,
    /// `seat_count`: seats at the table.
    pub seat_count: Option<u32>,
    /// `table`: the table's label.
    pub table: Option<Label>,
    /// `hand`: the hand's label.
    pub hand: Option<Label>,
    /// `players`: names, one per player.
    pub players: Option<Vec<String>>,
    /// `_posts`: extra posts (missed blinds), at most one per player; empty when the
    /// file has none. A user field of this crate: see [`PhhPost`].
    pub posts: Vec<PhhPost>,
    /// Every other field (`event`, `city`, `time`, user-defined `_…` fields), in the
    /// order read. Kept so that writing the hand back loses nothing.
    pub other: Vec<(String, Value)>,
}

/// One PHH hand history whose fields are consistent: every per-player array has one
/// entry per player, the variant's betting fields are present, and every action names
/// a player of the hand.
///
/// ```
/// use poker_core::phh::{HandHistory, VariantCode};
///
/// let hand = HandHistory::parse(r#"
/// variant = "NT"
/// antes = [0, 0]
/// blinds_or_straddles = [1, 2]
/// min_bet = 2
/// starting_stacks = [100, 100]
/// actions = ["d dh p1 AcAd", "d dh p2 KsKh", "p2 f"]
/// "#)?;
/// assert_eq!(hand.fields().variant, VariantCode::NoLimitHoldem);
/// assert_eq!(hand.player_count(), 2);
/// assert_eq!(HandHistory::parse(&hand.to_phh())?, hand);
/// # Ok::<(), poker_core::phh::PhhError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandHistory {
    fields: HandFields,
}

/// Field names the model types; everything else goes to [`HandFields::other`].
pub(crate) const TYPED_FIELDS: [&str; 18] = [
    "variant",
    "ante_trimming_status",
    "antes",
    "blinds_or_straddles",
    "bring_in",
    "small_bet",
    "big_bet",
    "min_bet",
    "starting_stacks",
    "actions",
    "finishing_stacks",
    "winnings",
    "seats",
    "seat_count",
    "table",
    "hand",
    "players",
    POSTS_FIELD,
];

impl HandHistory {
    /// Checks `fields` against each other; on success they become a `HandHistory`.
    ///
    /// The error names the first inconsistent field.
    pub fn new(fields: HandFields) -> Result<HandHistory, PhhErrorKind> {
        let players = fields.starting_stacks.len();
        if !(2..=MAX_PLAYERS).contains(&players) {
            return Err(PhhErrorKind::BadPlayerCount(players));
        }
        let length = |field: &'static str, got: usize| {
            if got == players {
                Ok(())
            } else {
                Err(PhhErrorKind::WrongLength {
                    field,
                    expected: players,
                    got,
                })
            }
        };
        length("antes", fields.antes.len())?;
        if let Some(blinds) = &fields.blinds_or_straddles {
            length("blinds_or_straddles", blinds.len())?;
        }
        if let Some(stacks) = &fields.finishing_stacks {
            length("finishing_stacks", stacks.len())?;
        }
        if let Some(winnings) = &fields.winnings {
            length("winnings", winnings.len())?;
        }
        if let Some(seats) = &fields.seats {
            length("seats", seats.len())?;
        }
        if let Some(names) = &fields.players {
            length("players", names.len())?;
        }
        let required: &[(&'static str, bool)] = match fields.variant.betting_fields() {
            BettingFields::BlindsAndMinBet => &[
                ("blinds_or_straddles", fields.blinds_or_straddles.is_some()),
                ("min_bet", fields.min_bet.is_some()),
            ],
            BettingFields::BlindsAndLimits => &[
                ("blinds_or_straddles", fields.blinds_or_straddles.is_some()),
                ("small_bet", fields.small_bet.is_some()),
                ("big_bet", fields.big_bet.is_some()),
            ],
            BettingFields::BringInAndLimits => &[
                ("bring_in", fields.bring_in.is_some()),
                ("small_bet", fields.small_bet.is_some()),
                ("big_bet", fields.big_bet.is_some()),
            ],
        };
        if let Some((missing, _)) = required.iter().find(|(_, present)| !present) {
            return Err(PhhErrorKind::MissingField(missing));
        }
        if fields.actions.len() > MAX_ACTIONS {
            return Err(PhhErrorKind::ArrayTooLong);
        }
        for (index, line) in fields.actions.iter().enumerate() {
            if let Some(player) = line.action().and_then(|a| a.player()) {
                if player.index() >= players {
                    return Err(PhhErrorKind::BadAction {
                        index,
                        reason: super::error::ActionErrorReason::NoSuchPlayer(
                            player.number() as u64
                        ),
                    });
                }
            }
        }
        for (index, post) in fields.posts.iter().enumerate() {
            let reason = if post.player.index() >= players {
                Some(PostErrorReason::NoSuchPlayer(post.player.number() as u64))
            } else if fields.posts[..index]
                .iter()
                .any(|p| p.player == post.player)
            {
                Some(PostErrorReason::Duplicate(post.player))
            } else {
                None
            };
            if let Some(reason) = reason {
                return Err(PhhErrorKind::BadPost { index, reason });
            }
        }
        for (key, _) in &fields.other {
            if TYPED_FIELDS.contains(&key.as_str()) {
                return Err(PhhErrorKind::DuplicateKey(key.clone()));
            }
        }
        Ok(HandHistory { fields })
    }

    /// The fields.
    pub fn fields(&self) -> &HandFields {
        &self.fields
    }

    /// The fields, giving up the checked wrapper (to change them and check again).
    pub fn into_fields(self) -> HandFields {
        self.fields
    }

    /// Number of players (the length of `starting_stacks`).
    pub fn player_count(&self) -> usize {
        self.fields.starting_stacks.len()
    }
}
