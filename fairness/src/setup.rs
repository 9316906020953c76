//! The hand configuration a record commits to: game, forced bets, odd-chip rule,
//! dealing order, button and seats, with their canonical encoding.
//!
//! These are wire types with fixed numeric codes, independent of the engine's Rust
//! types, so the record format never changes by accident when the engine does.
//! [`crate::replay`] converts them to `poker-core`'s configuration.

use poker_core::{DealingOrder, DeckKind};
use serde::{Deserialize, Serialize};

use crate::encoding::{DecodeError, Decoder, Encoder};

/// Seat numbers are `0..MAX_SEATS`.
pub const MAX_SEATS: u8 = 10;
/// Seats (ascending) in dealing order: those numerically after the button first,
/// then the rest, so that the button, if seated, comes last (§7).
pub(crate) fn dealing_sequence_of(seats: impl Iterator<Item = u8>, button: u8) -> Vec<u8> {
    let (after, upto): (Vec<u8>, Vec<u8>) = seats.partition(|&seat| seat > button);
    after.into_iter().chain(upto).collect()
}

/// The longest player id, in bytes of UTF-8.
pub const MAX_PLAYER_ID_LEN: usize = 64;

/// The poker variant (wire code in brackets).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum Variant {
    /// Texas hold'em `[0]`.
    Holdem,
    /// Short-deck (six-plus) hold'em `[1]`, 36-card deck.
    ShortDeckHoldem,
    /// Omaha high `[2]`, 4 to 6 hole cards.
    Omaha {
        /// Hole cards per player.
        hole_cards: u8,
    },
    /// Omaha hi-lo eight or better `[3]`, 4 or 5 hole cards.
    OmahaHiLo {
        /// Hole cards per player.
        hole_cards: u8,
    },
}

impl Variant {
    /// Hole cards dealt to each player.
    pub fn hole_cards(self) -> u8 {
        match self {
            Variant::Holdem | Variant::ShortDeckHoldem => 2,
            Variant::Omaha { hole_cards } | Variant::OmahaHiLo { hole_cards } => hole_cards,
        }
    }

    /// The deck the variant is played with.
    pub fn deck_kind(self) -> DeckKind {
        match self {
            Variant::ShortDeckHoldem => DeckKind::Short,
            _ => DeckKind::Standard,
        }
    }

    fn code(self) -> u8 {
        match self {
            Variant::Holdem => 0,
            Variant::ShortDeckHoldem => 1,
            Variant::Omaha { .. } => 2,
            Variant::OmahaHiLo { .. } => 3,
        }
    }

    fn decode(code: u8, hole_cards: u8) -> Result<Variant, DecodeError> {
        let variant = match code {
            0 => Variant::Holdem,
            1 => Variant::ShortDeckHoldem,
            2 => Variant::Omaha { hole_cards },
            3 => Variant::OmahaHiLo { hole_cards },
            other => {
                return Err(DecodeError::BadValue {
                    field: "variant",
                    value: u64::from(other),
                })
            }
        };
        let allowed = match variant {
            Variant::Holdem | Variant::ShortDeckHoldem => 2..=2,
            Variant::Omaha { .. } => 4..=6,
            Variant::OmahaHiLo { .. } => 4..=5,
        };
        if !allowed.contains(&hole_cards) {
            return Err(DecodeError::BadValue {
                field: "hole_cards",
                value: u64::from(hole_cards),
            });
        }
        Ok(variant)
    }
}

/// The betting structure (wire code in brackets).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "snake_case")]
pub enum Betting {
    /// No limit `[0]`.
    NoLimit,
    /// Pot limit `[1]`.
    PotLimit,
    /// Fixed limit `[2]`.
    FixedLimit {
        /// Bet size on the first two streets.
        small_bet: u64,
        /// Bet size on the last two streets.
        big_bet: u64,
        /// Most bets and raises per street, if capped.
        raise_cap: Option<u8>,
    },
}

/// How antes are posted (wire code in brackets).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnteKind {
    /// No ante `[0]`.
    None,
    /// Every player posts the ante `[1]`.
    Uniform,
    /// The big blind posts everyone's ante `[2]`.
    BigBlind,
}

/// How an indivisible chip of a split pot is given out (wire code in brackets).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OddChipRule {
    /// One chip at a time to the winners in seat order from left of the button `[0]`.
    ChipByChipLeftOfButton,
    /// The whole remainder to the first winner left of the button `[1]`.
    WholeRemainderToFirstLeftOfButton,
}

/// Blinds, antes and the other forced bets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForcedBets {
    /// Small blind.
    pub small_blind: u64,
    /// Big blind.
    pub big_blind: u64,
    /// Ante per player (0 for none).
    pub ante: u64,
    /// Who posts the ante.
    pub ante_kind: AnteKind,
    /// Under-the-gun straddle, if any.
    pub straddle: Option<u64>,
    /// Short-deck button blind, if any.
    pub button_blind: Option<u64>,
    /// Smallest bet (usually the big blind).
    pub min_bet: u64,
}

/// One seat dealt into the hand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatEntry {
    /// Seat number, `0..MAX_SEATS`.
    pub seat: u8,
    /// Stack at the start of the hand.
    pub stack: u64,
    /// The player's id (at most [`MAX_PLAYER_ID_LEN`] bytes of UTF-8).
    pub player: String,
}

/// A seat's forced post beyond the blinds of its position (missed blinds, or a new
/// player's big blind), committed with the setup: `live` counts as the seat's first bet,
/// `dead` goes into the pot (`poker_core::ExtraPost`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostEntry {
    /// The seat, one of the setup's seats.
    pub seat: u8,
    /// Chips posted live.
    pub live: u64,
    /// Chips posted dead.
    pub dead: u64,
}

/// Marks a seat entry followed by its [`PostEntry`] amounts in the canonical encoding: the
/// seat byte is `seat | SEAT_POSTS_FLAG`. Seat numbers stay below 10, so a setup without
/// posts encodes exactly as before posts existed.
const SEAT_POSTS_FLAG: u8 = 0x80;

/// Everything that fixes how a hand is played, committed in the announcement.
/// Every seat listed is dealt in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandSetup {
    variant: Variant,
    betting: Betting,
    forced: ForcedBets,
    odd_chips: OddChipRule,
    dealing_order: u16,
    button: u8,
    seats: Vec<SeatEntry>,
    /// Extra posts, ascending by seat; absent from the JSON form when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    posts: Vec<PostEntry>,
}

impl HandSetup {
    /// A setup, if it satisfies the record rules: 2 to 10 seats numbered below 10
    /// in strictly ascending order, player ids of at most 64 bytes, a known
    /// dealing order, the button on a seat number below 10, and the hole-card
    /// count of the variant in range.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        variant: Variant,
        betting: Betting,
        forced: ForcedBets,
        odd_chips: OddChipRule,
        dealing_order: DealingOrder,
        button: u8,
        seats: Vec<SeatEntry>,
    ) -> Result<HandSetup, DecodeError> {
        let setup = HandSetup {
            variant,
            betting,
            forced,
            odd_chips,
            dealing_order: dealing_order.version(),
            button,
            seats,
            posts: Vec::new(),
        };
        setup.checked()
    }

    /// This setup with `posts` (replacing any it had), if they satisfy the record rules:
    /// each names a seat of the setup, at most once, and posts a non-zero amount. Whether
    /// the amounts are legal (at most the big blind, not from a seat that posts a blind of
    /// its position) is the engine's call, when the hand starts or is replayed.
    ///
    /// ```
    /// use fairness::PostEntry;
    ///
    /// let setup = fairness::doc_support::heads_up_setup();
    /// let seat = setup.seats()[0].seat;
    /// let posted = setup.clone().with_posts(vec![PostEntry { seat, live: 2, dead: 1 }])?;
    /// assert_eq!(posted.posts().len(), 1);
    /// assert!(setup.with_posts(vec![PostEntry { seat: 9, live: 2, dead: 0 }]).is_err());
    /// # Ok::<(), fairness::DecodeError>(())
    /// ```
    pub fn with_posts(self, mut posts: Vec<PostEntry>) -> Result<HandSetup, DecodeError> {
        posts.sort_by_key(|p| p.seat);
        for pair in posts.windows(2) {
            if pair[0].seat == pair[1].seat {
                return Err(DecodeError::Invalid {
                    field: "posts",
                    reason: "a seat posts twice",
                });
            }
        }
        if let Some(post) = posts
            .iter()
            .find(|p| !self.seats.iter().any(|s| s.seat == p.seat))
        {
            return Err(bad("post seat", post.seat));
        }
        HandSetup { posts, ..self }.checked()
    }

    /// One validation path: the decoder's.
    fn checked(&self) -> Result<HandSetup, DecodeError> {
        let mut enc = Encoder::default();
        self.encode(&mut enc);
        let bytes = enc.finish();
        let mut dec = Decoder::new(&bytes);
        let checked = HandSetup::decode(&mut dec)?;
        dec.finish()?;
        Ok(checked)
    }

    /// The variant.
    pub fn variant(&self) -> Variant {
        self.variant
    }
    /// The betting structure.
    pub fn betting(&self) -> Betting {
        self.betting
    }
    /// The forced bets.
    pub fn forced(&self) -> ForcedBets {
        self.forced
    }
    /// The odd-chip rule.
    pub fn odd_chips(&self) -> OddChipRule {
        self.odd_chips
    }
    /// The dealing order.
    pub fn dealing_order(&self) -> DealingOrder {
        DealingOrder::from_version(self.dealing_order)
            .expect("validated when the setup was built or decoded")
    }
    /// The button's seat number.
    pub fn button(&self) -> u8 {
        self.button
    }
    /// The seats dealt in, in ascending seat order.
    pub fn seats(&self) -> &[SeatEntry] {
        &self.seats
    }

    /// The extra posts (missed blinds), ascending by seat; usually none.
    pub fn posts(&self) -> &[PostEntry] {
        &self.posts
    }

    /// The seats in dealing order: the first seat clockwise (ascending, wrapping)
    /// after the button first, the button (if seated) last.
    pub fn dealing_sequence(&self) -> Vec<u8> {
        dealing_sequence_of(self.seats.iter().map(|s| s.seat), self.button)
    }

    pub(crate) fn encode(&self, enc: &mut Encoder) {
        enc.u8(self.variant.code()).u8(self.variant.hole_cards());
        match self.betting {
            Betting::NoLimit => {
                enc.u8(0);
            }
            Betting::PotLimit => {
                enc.u8(1);
            }
            Betting::FixedLimit {
                small_bet,
                big_bet,
                raise_cap,
            } => {
                enc.u8(2).u64(small_bet).u64(big_bet);
                encode_option_u8(enc, raise_cap);
            }
        }
        let f = &self.forced;
        enc.u64(f.small_blind)
            .u64(f.big_blind)
            .u64(f.ante)
            .u8(match f.ante_kind {
                AnteKind::None => 0,
                AnteKind::Uniform => 1,
                AnteKind::BigBlind => 2,
            });
        encode_option_u64(enc, f.straddle);
        encode_option_u64(enc, f.button_blind);
        enc.u64(f.min_bet)
            .u8(match self.odd_chips {
                OddChipRule::ChipByChipLeftOfButton => 0,
                OddChipRule::WholeRemainderToFirstLeftOfButton => 1,
            })
            .u16(self.dealing_order)
            .u8(self.button)
            .count(self.seats.len());
        for seat in &self.seats {
            let post = self.posts.iter().find(|p| p.seat == seat.seat);
            let flag = if post.is_some() { SEAT_POSTS_FLAG } else { 0 };
            enc.u8(seat.seat | flag)
                .u64(seat.stack)
                .bytes(seat.player.as_bytes());
            if let Some(post) = post {
                enc.u64(post.live).u64(post.dead);
            }
        }
    }

    pub(crate) fn decode(dec: &mut Decoder<'_>) -> Result<HandSetup, DecodeError> {
        let variant_code = dec.u8()?;
        let hole_cards = dec.u8()?;
        let variant = Variant::decode(variant_code, hole_cards)?;
        let betting = match dec.u8()? {
            0 => Betting::NoLimit,
            1 => Betting::PotLimit,
            2 => Betting::FixedLimit {
                small_bet: dec.u64()?,
                big_bet: dec.u64()?,
                raise_cap: decode_option_u8(dec, "raise_cap")?,
            },
            other => return Err(bad("betting", other)),
        };
        let small_blind = dec.u64()?;
        let big_blind = dec.u64()?;
        let ante = dec.u64()?;
        let ante_kind = match dec.u8()? {
            0 => AnteKind::None,
            1 => AnteKind::Uniform,
            2 => AnteKind::BigBlind,
            other => return Err(bad("ante_kind", other)),
        };
        let straddle = decode_option_u64(dec, "straddle")?;
        let button_blind = decode_option_u64(dec, "button_blind")?;
        let min_bet = dec.u64()?;
        let odd_chips = match dec.u8()? {
            0 => OddChipRule::ChipByChipLeftOfButton,
            1 => OddChipRule::WholeRemainderToFirstLeftOfButton,
            other => return Err(bad("odd_chips", other)),
        };
        let dealing_order = dec.u16()?;
        DealingOrder::from_version(dealing_order).map_err(|_| DecodeError::BadValue {
            field: "dealing_order",
            value: u64::from(dealing_order),
        })?;
        let button = dec.u8()?;
        if button >= MAX_SEATS {
            return Err(bad("button", button));
        }
        let count = dec.count(usize::from(MAX_SEATS), "seats")?;
        if count < 2 {
            return Err(DecodeError::Invalid {
                field: "seats",
                reason: "a hand needs at least two seats",
            });
        }
        let mut seats: Vec<SeatEntry> = Vec::with_capacity(count);
        let mut posts: Vec<PostEntry> = Vec::new();
        for _ in 0..count {
            let byte = dec.u8()?;
            let posts_follow = byte & SEAT_POSTS_FLAG != 0;
            let seat = byte & !SEAT_POSTS_FLAG;
            if seat >= MAX_SEATS {
                return Err(bad("seat", seat));
            }
            if seats.last().is_some_and(|last| last.seat >= seat) {
                return Err(not_ascending("seats"));
            }
            let stack = dec.u64()?;
            let player = std::str::from_utf8(dec.bytes(MAX_PLAYER_ID_LEN, "player")?)
                .map_err(|_| DecodeError::BadUtf8 { field: "player" })?
                .to_owned();
            seats.push(SeatEntry {
                seat,
                stack,
                player,
            });
            if posts_follow {
                let (live, dead) = (dec.u64()?, dec.u64()?);
                if live == 0 && dead == 0 {
                    return Err(DecodeError::Invalid {
                        field: "post",
                        reason: "a post flag with nothing posted",
                    });
                }
                posts.push(PostEntry { seat, live, dead });
            }
        }
        Ok(HandSetup {
            variant,
            betting,
            forced: ForcedBets {
                small_blind,
                big_blind,
                ante,
                ante_kind,
                straddle,
                button_blind,
                min_bet,
            },
            odd_chips,
            dealing_order,
            button,
            seats,
            posts,
        })
    }
}

pub(crate) fn bad(field: &'static str, value: u8) -> DecodeError {
    DecodeError::BadValue {
        field,
        value: u64::from(value),
    }
}

pub(crate) fn not_ascending(field: &'static str) -> DecodeError {
    DecodeError::Invalid {
        field,
        reason: "seats must be strictly ascending",
    }
}

fn encode_option_u64(enc: &mut Encoder, value: Option<u64>) {
    match value {
        None => enc.u8(0),
        Some(v) => enc.u8(1).u64(v),
    };
}

fn encode_option_u8(enc: &mut Encoder, value: Option<u8>) {
    match value {
        None => enc.u8(0),
        Some(v) => enc.u8(1).u8(v),
    };
}

fn decode_option_u64(
    dec: &mut Decoder<'_>,
    field: &'static str,
) -> Result<Option<u64>, DecodeError> {
    Ok(if dec.flag(field)? {
        Some(dec.u64()?)
    } else {
        None
    })
}

fn decode_option_u8(dec: &mut Decoder<'_>, field: &'static str) -> Result<Option<u8>, DecodeError> {
    Ok(if dec.flag(field)? {
        Some(dec.u8()?)
    } else {
        None
    })
}
