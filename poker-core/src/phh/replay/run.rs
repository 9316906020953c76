//! The replay loop: set up the engine hand, then apply the recorded actions in order.

use core::ops::Range;

use super::config::{engine_setup, SetupError};
use super::deck::{deck_dealing, RecordedCards};
use super::{Replay, ReplayError};
use crate::card::Card;
use crate::dealing::DealingOrder;
use crate::phh::{Amount, HandHistory, PhhAction, PhhCard, Player};
use crate::{Action, ExtraPost, Hand, HandConfig, OddChipRule, Seat, SeatSetup, SEATS_MAX};

/// Replays `history` through the engine, splitting pots with `odd_chips`.
///
/// ```
/// use poker_core::phh::{replay, Amount, HandHistory};
/// use poker_core::OddChipRule;
///
/// let history = HandHistory::parse(
///     "variant = 'NT'\nantes = [0, 0, 0]\nblinds_or_straddles = [1, 2, 0]\nmin_bet = 2\n\
///      starting_stacks = [50, 100, 30]\n\
///      actions = ['d dh p1 AhAd', 'd dh p2 KsKc', 'd dh p3 ????', 'p3 f', 'p1 cbr 6', 'p2 f']\n",
/// )?;
/// let replay = replay(&history, OddChipRule::ChipByChipLeftOfButton)?;
/// let stacks: Vec<String> = replay.final_stacks().iter().map(Amount::to_string).collect();
/// assert_eq!(stacks, ["52", "98", "30"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn replay(history: &HandHistory, odd_chips: OddChipRule) -> Result<Replay, ReplayError> {
    let players = history.player_count();
    let setup = engine_setup(history).map_err(|e| match e {
        SetupError::Variant(v) => ReplayError::UnsupportedVariant(v),
        SetupError::UnknownStack(p) => ReplayError::UnknownStartingStack(p),
        SetupError::AmountTooLarge => ReplayError::AmountTooLarge,
        SetupError::ForcedBets(why) => ReplayError::UnsupportedForcedBets(why),
        SetupError::HoleCardCount(n) => ReplayError::UnsupportedHoleCardCount(n),
        SetupError::PostNotInAntes(p) => ReplayError::PostNotInAntes(p),
    })?;
    if players > usize::from(SEATS_MAX) {
        return Err(ReplayError::TooManyPlayers(players));
    }
    let seats: Vec<Seat> = (0..players)
        .map(|i| u8::try_from(i).ok().and_then(Seat::new))
        .collect::<Option<_>>()
        .ok_or(ReplayError::TooManyPlayers(players))?;
    let button = *seats.last().ok_or(ReplayError::TooManyPlayers(players))?;

    let hole_cards = usize::from(setup.game.variant.hole_cards());
    let recorded = recorded_cards(history, hole_cards)?;
    let streets: Vec<usize> = setup
        .game
        .variant
        .streets()
        .iter()
        .skip(1)
        .map(|s| usize::from(s.board_cards))
        .collect();
    let dealing = DealingOrder::V1;
    let deck = deck_dealing(
        setup.game.variant.deck_kind(),
        dealing,
        &recorded,
        hole_cards,
        &streets,
    )
    .map_err(ReplayError::Cards)?;

    let config = HandConfig {
        game: setup.game,
        forced: setup.forced,
        odd_chips,
        dealing,
    };
    let seat_setups: Vec<SeatSetup> = seats
        .iter()
        .zip(&setup.stacks)
        .map(|(&seat, &stack)| SeatSetup { seat, stack })
        .collect();
    let posts: Vec<ExtraPost> = setup
        .posts
        .iter()
        .filter_map(|&(i, live, dead)| seats.get(i).map(|&seat| ExtraPost { seat, live, dead }))
        .collect();
    let (mut hand, _) = Hand::start_with_posts(config, &seat_setups, button, deck, &posts)
        .map_err(ReplayError::Start)?;

    let mut board_recorded = 0usize;
    let mut skipped_checks = Vec::new();
    let mut action_events = Vec::new();
    for (index, line) in history.fields().actions.iter().enumerate() {
        let Some(action) = line.action() else {
            continue;
        };
        let seat_of = |player: Player| seats[player.index()];
        match action {
            PhhAction::DealHole { player, cards } => {
                let dealt = hand.hole_cards(seat_of(*player)).unwrap_or(&[]);
                if !same_known_cards(cards, dealt) {
                    return Err(ReplayError::DealingDiffers { index });
                }
            }
            PhhAction::DealBoard { cards } => {
                board_recorded += cards.len();
                let board = hand.board();
                let start = board_recorded - cards.len();
                match board.get(start..board_recorded) {
                    Some(dealt) if same_known_cards(cards, dealt) => {}
                    _ => return Err(ReplayError::DealingDiffers { index }),
                }
            }
            PhhAction::CompleteBetOrRaiseTo { player, amount } => {
                let to = amount
                    .scaled_to_integer(setup.chip_scale)
                    .ok_or(ReplayError::AmountTooLarge)?;
                apply(
                    &mut hand,
                    index,
                    line.to_string(),
                    seat_of(*player),
                    Action::BetTo(crate::Chips::new(to)),
                    &mut action_events,
                )?;
            }
            PhhAction::CheckOrCall { player } if hand.to_act().is_none() => {
                // PokerKit records a check from a player (typically the big blind)
                // whom nobody left can bet against; card-room rules ask nothing of
                // them, so the engine has already moved on. A check moves no chips,
                // and a call the engine wrongly skipped would show in the stacks.
                let _ = player;
                skipped_checks.push(index);
            }
            PhhAction::CheckOrCall { player } => {
                let can_check = hand.legal_actions().is_some_and(|legal| legal.can_check);
                let action = if can_check {
                    Action::Check
                } else {
                    Action::Call
                };
                apply(
                    &mut hand,
                    index,
                    line.to_string(),
                    seat_of(*player),
                    action,
                    &mut action_events,
                )?;
            }
            PhhAction::Fold { player } => {
                apply(
                    &mut hand,
                    index,
                    line.to_string(),
                    seat_of(*player),
                    Action::Fold,
                    &mut action_events,
                )?;
            }
            PhhAction::ShowOrMuck { player, cards } => {
                // The engine shows and mucks by itself; a recorded show must match.
                let held = hand.hole_cards(seat_of(*player)).unwrap_or(&[]);
                let known: Vec<Card> = known_cards(cards);
                if known.iter().any(|card| !held.contains(card)) {
                    return Err(ReplayError::ShownCardsDiffer {
                        index,
                        player: *player,
                    });
                }
            }
            PhhAction::PostBringIn { .. } | PhhAction::StandPatOrDiscard { .. } => {
                return Err(ReplayError::UnsupportedAction { index });
            }
        }
    }
    if !hand.is_finished() {
        return Err(ReplayError::Unfinished);
    }
    check_unknown_cards_stay_hidden(&hand, &seats, &recorded)?;
    let stacks = hand.stacks();
    let final_stacks = seats
        .iter()
        .map(|seat| {
            let chips = stacks
                .iter()
                .find(|(s, _)| s == seat)
                .map_or(0, |(_, c)| c.get());
            Amount::from_units(chips, setup.chip_scale).ok_or(ReplayError::AmountTooLarge)
        })
        .collect::<Result<_, _>>()?;
    Ok(Replay {
        hand,
        seats,
        chip_scale: setup.chip_scale,
        final_stacks,
        skipped_checks,
        action_events,
    })
}

/// Applies one action; on success records which events it produced.
fn apply(
    hand: &mut Hand,
    index: usize,
    text: String,
    seat: Seat,
    action: Action,
    action_events: &mut Vec<(usize, Range<usize>)>,
) -> Result<(), ReplayError> {
    let start = hand.events().len();
    hand.apply(seat, action)
        .map_err(|error| ReplayError::Rejected {
            index,
            action: text,
            error,
        })?;
    action_events.push((index, start..hand.events().len()));
    Ok(())
}

fn known_cards(cards: &[PhhCard]) -> Vec<Card> {
    cards
        .iter()
        .filter_map(|c| match c {
            PhhCard::Known(card) => Some(*card),
            PhhCard::Unknown => None,
        })
        .collect()
}

/// Whether `dealt` has the recorded cards, `??` matching anything.
fn same_known_cards(recorded: &[PhhCard], dealt: &[Card]) -> bool {
    recorded.len() == dealt.len()
        && recorded
            .iter()
            .zip(dealt)
            .all(|(r, d)| matches!(r, PhhCard::Unknown) || *r == PhhCard::Known(*d))
}

/// The recorded hole and board cards; players never dealt to get `??` cards.
fn recorded_cards(history: &HandHistory, hole_cards: usize) -> Result<RecordedCards, ReplayError> {
    let players = history.player_count();
    let mut hole: Vec<Option<Vec<PhhCard>>> = vec![None; players];
    let mut board = Vec::new();
    for (index, line) in history.fields().actions.iter().enumerate() {
        match line.action() {
            Some(PhhAction::DealHole { player, cards }) => {
                let slot = &mut hole[player.index()];
                if slot.is_some() {
                    return Err(ReplayError::DealtTwice {
                        index,
                        player: *player,
                    });
                }
                *slot = Some(cards.clone());
            }
            Some(PhhAction::DealBoard { cards }) => board.extend_from_slice(cards),
            _ => {}
        }
    }
    Ok(RecordedCards {
        hole: hole
            .into_iter()
            .map(|cards| cards.unwrap_or_else(|| vec![PhhCard::Unknown; hole_cards]))
            .collect(),
        board,
    })
}

/// Refuses a finished hand whose showdown depended on invented cards: a player with
/// `??` hole cards still in at the end beside another player, or a showdown whose
/// board goes beyond the recorded (known) cards.
fn check_unknown_cards_stay_hidden(
    hand: &Hand,
    seats: &[Seat],
    recorded: &RecordedCards,
) -> Result<(), ReplayError> {
    let remaining: Vec<usize> = (0..seats.len())
        .filter(|&p| hand.has_folded(seats[p]) == Some(false))
        .collect();
    if remaining.len() < 2 {
        return Ok(());
    }
    if let Some(&p) = remaining.iter().find(|&&p| recorded.hole_unknown(p)) {
        return Err(ReplayError::UnknownCardsAtShowdown {
            player: Player::from_index(p),
        });
    }
    let known_board = recorded
        .board
        .iter()
        .take_while(|card| matches!(card, PhhCard::Known(_)))
        .count();
    if hand.board().len() > known_board {
        return Err(ReplayError::UnknownCardsAtShowdown { player: None });
    }
    Ok(())
}
