//! Engine hand → PHH [`HandHistory`].

use super::positions::position_order;
use super::ExportError;
use crate::phh::replay::config::forced_bet_entry;
use crate::phh::{
    ActionLine, Amount, HandFields, HandHistory, PhhAction, PhhCard, PhhPost, Player,
    StartingStack, VariantCode,
};
use crate::{AnteKind, BettingStructure, Blind, Chips, Event, Hand, Seat, Variant};

/// The hand as a PHH hand history, with `names` (by seat) as `players` when given.
///
/// Players are in PHH position order (`p1` the first seat left of the button, the
/// button last) and `seats` holds their 1-based seat numbers. Actions come from the
/// event log; shows and mucks are written where the engine made them (after the
/// board). `finishing_stacks` is present once the hand is finished.
///
/// Each forced bet is in the entry of the player who posted it, except heads-up, where
/// PHH reverses the forced bets: the button (`p2`) posts entry 0. So a button blind is
/// the last entry of `blinds_or_straddles`, or the first heads-up. A fixed-limit
/// `raise_cap` is not written: PHH has no field for it.
///
/// Extra posts ([`Hand::start_with_posts`]) have no field in standard PHH: they are written
/// to the `_posts` user field ([`PhhPost`]), and each dead part is also added to the
/// poster's `antes` entry, since dead money is what PHH calls an ante.
/// [`replay`](crate::phh::replay()) reads them back and starts the hand with the same posts.
///
/// ```
/// use poker_core::export::to_phh;
/// use poker_core::phh::{replay, HandHistory};
/// use poker_core::OddChipRule;
///
/// let original = HandHistory::parse(
///     "variant = 'NT'\nantes = [0, 0]\nblinds_or_straddles = [1, 2]\nmin_bet = 2\n\
///      starting_stacks = [100, 100]\nactions = ['d dh p1 AhAd', 'd dh p2 KsKc', 'p2 cbr 6', 'p1 f']\n",
/// )?;
/// let played = replay(&original, OddChipRule::ChipByChipLeftOfButton)?;
/// let exported = to_phh(played.hand(), None)?;
/// let again = replay(&exported, OddChipRule::ChipByChipLeftOfButton)?;
/// assert_eq!(again.final_stacks(), played.final_stacks());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_phh(hand: &Hand, names: Option<&[(Seat, String)]>) -> Result<HandHistory, ExportError> {
    let config = hand.config();
    let game = config.game;
    let variant = match (game.variant, game.betting) {
        (Variant::Holdem, BettingStructure::NoLimit) => VariantCode::NoLimitHoldem,
        (Variant::Holdem, BettingStructure::FixedLimit { .. }) => VariantCode::FixedLimitHoldem,
        (Variant::ShortDeckHoldem, BettingStructure::NoLimit) => {
            VariantCode::NoLimitShortDeckHoldem
        }
        (Variant::Omaha { .. }, BettingStructure::PotLimit) => VariantCode::PotLimitOmaha,
        (Variant::OmahaHiLo { .. }, BettingStructure::FixedLimit { .. }) => {
            VariantCode::FixedLimitOmahaHiLo
        }
        _ => return Err(ExportError::UnsupportedGame),
    };
    let order = position_order(hand);
    let players = order.len();
    let index_of = |seat: Seat| order.iter().position(|&s| s == seat);
    let player_of = |seat: Seat| index_of(seat).and_then(Player::from_index);
    let amount = |chips: Chips| Amount::from_integer(chips.get());
    let forced = config.forced;

    // Heads-up PHH reverses the forced bets: entry `i` is posted by the other player.
    let entry_of = |player: usize| forced_bet_entry(players, player);
    let mut antes = vec![Amount::ZERO; players];
    match forced.ante_kind {
        AnteKind::None => {}
        AnteKind::Uniform => antes.iter_mut().for_each(|a| *a = amount(forced.ante)),
        AnteKind::BigBlind => {
            let big_blind_player = if players == 2 { 0 } else { 1 };
            antes[entry_of(big_blind_player)] = amount(forced.ante);
        }
    }
    // Each blind goes to the entry of the player who posts it, so heads-up the button's
    // (the small blind, or a button blind) is entry 0, as PokerKit reads it.
    let mut blinds = vec![Amount::ZERO; players];
    for event in hand.events() {
        if let Event::BlindPosted { seat, blind, .. } = event {
            let nominal = match blind {
                Blind::Small => forced.small_blind,
                Blind::Big => forced.big_blind,
                Blind::Straddle => forced.straddle.unwrap_or(Chips::ZERO),
                Blind::Button => forced.button_blind.unwrap_or(Chips::ZERO),
            };
            if let Some(i) = index_of(*seat) {
                blinds[entry_of(i)] = amount(nominal);
            }
        }
    }
    // Extra posts (missed blinds) go to `_posts`; their dead part is dead money like an
    // ante, so it is added to the poster's `antes` entry as well (see `phh::PhhPost`;
    // heads-up that entry is the other player's, as for every ante). The live part
    // stays out of `blinds_or_straddles`, whose entries are blinds of positions and
    // decide who acts first.
    let mut posts = Vec::new();
    for event in hand.events() {
        if let Event::ExtraPosted {
            seat, live, dead, ..
        } = event
        {
            let (Some(i), Some(player)) = (index_of(*seat), player_of(*seat)) else {
                continue;
            };
            // The posted amounts, which are the nominal ones unless the stack ran out;
            // replayed, they post exactly the same chips.
            let entry = entry_of(i);
            let ante = antes[entry]
                .as_integer()
                .and_then(|a| a.checked_add(dead.get()))
                .ok_or(ExportError::UnsupportedGame)?;
            antes[entry] = Amount::from_integer(ante);
            posts.push(PhhPost {
                player,
                live: amount(*live),
                dead: amount(*dead),
            });
        }
    }
    let (min_bet, small_bet, big_bet) = match game.betting {
        BettingStructure::FixedLimit {
            small_bet, big_bet, ..
        } => (None, Some(amount(small_bet)), Some(amount(big_bet))),
        _ => (Some(amount(forced.min_bet)), None, None),
    };

    let mut starting_stacks = vec![StartingStack::Chips(Amount::ZERO); players];
    let mut actions = Vec::new();
    for event in hand.events() {
        let action = match event {
            Event::HandStarted {
                players: setups, ..
            } => {
                for setup in setups {
                    if let Some(i) = index_of(setup.seat) {
                        starting_stacks[i] = StartingStack::Chips(amount(setup.stack));
                    }
                }
                None
            }
            Event::HoleCardsDealt { seat, cards } => {
                player_of(*seat).map(|player| PhhAction::DealHole {
                    player,
                    cards: cards.iter().map(|&c| PhhCard::Known(c)).collect(),
                })
            }
            Event::BoardDealt { cards, .. } => Some(PhhAction::DealBoard {
                cards: cards.iter().map(|&c| PhhCard::Known(c)).collect(),
            }),
            Event::Folded { seat, .. } => player_of(*seat).map(|player| PhhAction::Fold { player }),
            Event::Checked { seat, .. } | Event::Called { seat, .. } => {
                player_of(*seat).map(|player| PhhAction::CheckOrCall { player })
            }
            Event::BetOrRaised { seat, to, .. } => {
                player_of(*seat).map(|player| PhhAction::CompleteBetOrRaiseTo {
                    player,
                    amount: amount(*to),
                })
            }
            Event::HandShown { seat, cards, .. } => {
                player_of(*seat).map(|player| PhhAction::ShowOrMuck {
                    player,
                    cards: cards.iter().map(|&c| PhhCard::Known(c)).collect(),
                })
            }
            Event::HandMucked { seat } => player_of(*seat).map(|player| PhhAction::ShowOrMuck {
                player,
                cards: Vec::new(),
            }),
            _ => None,
        };
        actions.extend(action.map(ActionLine::action_only));
    }
    let finishing_stacks = hand.is_finished().then(|| {
        let stacks = hand.stacks();
        order
            .iter()
            .map(|seat| {
                stacks
                    .iter()
                    .find(|(s, _)| s == seat)
                    .map_or(Amount::ZERO, |(_, c)| amount(*c))
            })
            .collect()
    });
    let players_names = names.map(|names| {
        order
            .iter()
            .map(|seat| {
                names
                    .iter()
                    .find(|(s, _)| s == seat)
                    .map_or_else(|| format!("Seat {}", seat.index() + 1), |(_, n)| n.clone())
            })
            .collect()
    });
    let fields = HandFields {
        variant,
        ante_trimming_status: None,
        antes,
        blinds_or_straddles: Some(blinds),
        bring_in: None,
        small_bet,
        big_bet,
        min_bet,
        starting_stacks,
        actions,
        finishing_stacks,
        winnings: None,
        seats: Some(order.iter().map(|s| u32::from(s.index()) + 1).collect()),
        seat_count: None,
        table: None,
        hand: None,
        players: players_names,
        posts,
        other: Vec::new(),
    };
    // The engine never produces an inconsistent hand; a failure here is a bug in this
    // exporter, reported as an unsupported game rather than a panic.
    HandHistory::new(fields).map_err(|_| ExportError::UnsupportedGame)
}
