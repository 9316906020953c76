//! Turning a hand history's variant, forced bets and stacks into an engine set-up.
//!
//! Positions: PHH `p1` is the first player left of the button (the small blind; the
//! big blind heads-up) and the last player is the button, so player `i` sits in seat
//! `i` and the button is the last seat: the engine then deals, posts and acts in the
//! same order. Heads-up PHH reverses the forced bets: `antes[0]` and
//! `blinds_or_straddles[0]` are posted by `p2`, the button. So `blinds_or_straddles`
//! reads small blind, big blind, straddle at every table size, and a button blind is the
//! button's entry alone: the last one 3+ handed, the first one heads-up.

use core::fmt;

use crate::phh::{Amount, HandHistory, PhhAction, Player, StartingStack, VariantCode};
use crate::{
    AnteKind, BettingStructure, Chips, ForcedBets, Game, Variant,
    FIXED_LIMIT_BETS_PER_STREET_DEFAULT,
};

/// The variants [`replay`](super::replay) handles.
pub const SUPPORTED_VARIANTS: [VariantCode; 5] = [
    VariantCode::NoLimitHoldem,
    VariantCode::FixedLimitHoldem,
    VariantCode::NoLimitShortDeckHoldem,
    VariantCode::PotLimitOmaha,
    VariantCode::FixedLimitOmahaHiLo,
];

/// The variants [`replay`](super::replay) refuses: stud, razz, draw and badugi
/// games, which the engine does not play.
pub const UNSUPPORTED_VARIANTS: [VariantCode; 6] = [
    VariantCode::FixedLimitSevenCardStud,
    VariantCode::FixedLimitSevenCardStudHiLo,
    VariantCode::FixedLimitRazz,
    VariantCode::NoLimitDeuceToSevenSingleDraw,
    VariantCode::FixedLimitDeuceToSevenTripleDraw,
    VariantCode::FixedLimitBadugi,
];

/// Forced-bet layouts a hand history may record that the engine cannot post.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnsupportedForcedBets {
    /// Antes that are neither uniform, nor paid by the big blind alone.
    AntePattern,
    /// A blind or straddle at a position other than small blind, big blind and the
    /// first straddle, or a button blind beside other blinds (the button's entry is a
    /// blind only when it stands alone).
    BlindPattern,
}

impl fmt::Display for UnsupportedForcedBets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnsupportedForcedBets::AntePattern => {
                f.write_str("antes neither uniform nor a big-blind ante")
            }
            UnsupportedForcedBets::BlindPattern => {
                f.write_str("blinds other than small, big, straddle and button blind")
            }
        }
    }
}

/// The engine's view of a hand history, amounts already in integer chips.
pub(crate) struct EngineSetup {
    pub(crate) game: Game,
    pub(crate) forced: ForcedBets,
    pub(crate) stacks: Vec<Chips>,
    /// Extra posts from `_posts`: (player index, live, dead).
    pub(crate) posts: Vec<(usize, Chips, Chips)>,
    /// Amounts were multiplied by `10^chip_scale` to make them whole.
    pub(crate) chip_scale: u8,
}

/// Why a set-up cannot be built (wrapped into `ReplayError` by the caller).
pub(crate) enum SetupError {
    Variant(VariantCode),
    UnknownStack(Player),
    AmountTooLarge,
    ForcedBets(UnsupportedForcedBets),
    HoleCardCount(usize),
    PostNotInAntes(Player),
}

/// The smallest power of ten that makes every input amount of the hand whole.
fn chip_scale(history: &HandHistory) -> u8 {
    let f = history.fields();
    let mut amounts: Vec<Amount> = Vec::new();
    amounts.extend(&f.antes);
    amounts.extend(f.blinds_or_straddles.iter().flatten());
    amounts.extend(
        [f.min_bet, f.small_bet, f.big_bet, f.bring_in]
            .into_iter()
            .flatten(),
    );
    amounts.extend(f.posts.iter().flat_map(|post| [post.live, post.dead]));
    amounts.extend(f.starting_stacks.iter().filter_map(|s| match s {
        StartingStack::Chips(a) => Some(*a),
        StartingStack::Unknown => None,
    }));
    amounts.extend(f.actions.iter().filter_map(|line| match line.action() {
        Some(PhhAction::CompleteBetOrRaiseTo { amount, .. }) => Some(*amount),
        _ => None,
    }));
    amounts.iter().map(|a| a.scale()).max().unwrap_or(0)
}

/// The Omaha hole-card count: the size of the first `d dh` (the engine checks the
/// others through the deck layout).
fn dealt_hole_cards(history: &HandHistory) -> Option<usize> {
    history
        .fields()
        .actions
        .iter()
        .find_map(|line| match line.action() {
            Some(PhhAction::DealHole { cards, .. }) => Some(cards.len()),
            _ => None,
        })
}

/// The entry of `antes` and `blinds_or_straddles` that holds what `player` (an index in
/// PHH order) posts: their own, except heads-up, where PHH reverses the forced bets and
/// entry `i` is the other player's (PokerKit posts entry `1 - i` for player `i`).
pub(crate) fn forced_bet_entry(players: usize, player: usize) -> usize {
    if players == 2 {
        1 - player
    } else {
        player
    }
}

pub(crate) fn engine_setup(history: &HandHistory) -> Result<EngineSetup, SetupError> {
    let f = history.fields();
    let players = history.player_count();
    let scale = chip_scale(history);
    let chips = |amount: Amount| {
        amount
            .scaled_to_integer(scale)
            .map(Chips::new)
            .ok_or(SetupError::AmountTooLarge)
    };
    let optional = |amount: Option<Amount>| chips(amount.unwrap_or(Amount::ZERO));
    let omaha_cards = || {
        let count = dealt_hole_cards(history).unwrap_or(4);
        u8::try_from(count).map_err(|_| SetupError::HoleCardCount(count))
    };
    let fixed_limit = || -> Result<BettingStructure, SetupError> {
        Ok(BettingStructure::FixedLimit {
            small_bet: optional(f.small_bet)?,
            big_bet: optional(f.big_bet)?,
            raise_cap: Some(FIXED_LIMIT_BETS_PER_STREET_DEFAULT),
        })
    };
    let game = match f.variant {
        VariantCode::NoLimitHoldem => Game {
            variant: Variant::Holdem,
            betting: BettingStructure::NoLimit,
        },
        VariantCode::NoLimitShortDeckHoldem => Game {
            variant: Variant::ShortDeckHoldem,
            betting: BettingStructure::NoLimit,
        },
        VariantCode::PotLimitOmaha => Game {
            variant: Variant::Omaha {
                hole_cards: omaha_cards()?,
            },
            betting: BettingStructure::PotLimit,
        },
        VariantCode::FixedLimitHoldem => Game {
            variant: Variant::Holdem,
            betting: fixed_limit()?,
        },
        VariantCode::FixedLimitOmahaHiLo => Game {
            variant: Variant::OmahaHiLo {
                hole_cards: omaha_cards()?,
            },
            betting: fixed_limit()?,
        },
        other => return Err(SetupError::Variant(other)),
    };

    let blinds: Vec<Chips> = match &f.blinds_or_straddles {
        Some(blinds) => blinds.iter().map(|&a| chips(a)).collect::<Result<_, _>>()?,
        None => vec![Chips::ZERO; players],
    };
    let blind_at = |i: usize| blinds.get(i).copied().unwrap_or(Chips::ZERO);
    // A button blind is the button's entry standing alone (the engine posts it with no
    // other blind). The button is the last player; heads-up PHH reverses the forced
    // bets, so its entry is the first one there, where a lone small blind would be:
    // heads-up the button posts both, and they play the same.
    let button_entry = forced_bet_entry(players, players.saturating_sub(1));
    let button_blind = (!blind_at(button_entry).is_zero()
        && (0..players).all(|i| i == button_entry || blind_at(i).is_zero()))
    .then(|| blind_at(button_entry));
    let straddle =
        (players > 2 && !blind_at(2).is_zero() && button_blind.is_none()).then(|| blind_at(2));
    let explained = |i: usize| {
        (i < 2 && button_blind.is_none())
            || (i == 2 && straddle.is_some())
            || (i == button_entry && button_blind.is_some())
    };
    if (0..players).any(|i| !blind_at(i).is_zero() && !explained(i)) {
        return Err(SetupError::ForcedBets(UnsupportedForcedBets::BlindPattern));
    }

    let ante_paid_by = |player: usize| {
        let entry = forced_bet_entry(players, player);
        f.antes.get(entry).copied().unwrap_or(Amount::ZERO)
    };
    let mut antes: Vec<Chips> = (0..players)
        .map(|p| chips(ante_paid_by(p)))
        .collect::<Result<_, _>>()?;
    // A post's dead part is counted in the poster's `antes` entry too (see
    // `phh::PhhPost`); what is left must be the table's ante pattern.
    let mut posts = Vec::with_capacity(f.posts.len());
    for post in &f.posts {
        let i = post.player.index();
        let (live, dead) = (chips(post.live)?, chips(post.dead)?);
        let rest = antes
            .get(i)
            .and_then(|ante| ante.checked_sub(dead))
            .ok_or(SetupError::PostNotInAntes(post.player))?;
        antes[i] = rest;
        posts.push((i, live, dead));
    }
    let big_blind_player = if players == 2 { 0 } else { 1 };
    let (ante, ante_kind) = if antes.iter().all(|a| a.is_zero()) {
        (Chips::ZERO, AnteKind::None)
    } else if antes.iter().all(|&a| a == antes[0]) {
        (antes[0], AnteKind::Uniform)
    } else if antes
        .iter()
        .enumerate()
        .all(|(p, a)| a.is_zero() == (p != big_blind_player))
    {
        (antes[big_blind_player], AnteKind::BigBlind)
    } else {
        return Err(SetupError::ForcedBets(UnsupportedForcedBets::AntePattern));
    };

    let min_bet = match game.betting {
        BettingStructure::FixedLimit { small_bet, .. } => small_bet,
        _ => optional(f.min_bet)?,
    };
    let (small_blind, big_blind) = match button_blind {
        Some(_) => (Chips::ZERO, Chips::ZERO),
        None => (blind_at(0), blind_at(1)),
    };
    let forced = ForcedBets {
        small_blind,
        big_blind,
        ante,
        ante_kind,
        straddle,
        button_blind,
        min_bet,
    };
    let stacks = f
        .starting_stacks
        .iter()
        .enumerate()
        .map(|(i, stack)| match stack {
            StartingStack::Chips(amount) => chips(*amount),
            StartingStack::Unknown => Err(SetupError::UnknownStack(
                Player::from_index(i).expect("a hand history has at most MAX_PLAYERS players"),
            )),
        })
        .collect::<Result<_, _>>()?;
    Ok(EngineSetup {
        game,
        forced,
        stacks,
        posts,
        chip_scale: scale,
    })
}
