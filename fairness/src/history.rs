//! A signed hand record as a PHH hand history for one player, with the record's fairness
//! fields carried as PHH user fields (`_fairdeal_…`), and the check that such a file still
//! says what its record says.
//!
//! The PHH standard lets a file carry fields of its own when their names start with `_`.
//! [`hand_history`] writes the human-readable fairness fields (commitments, seeds, hashes,
//! signature, key id) and the whole signed record in canonical hex (`_fairdeal_record`),
//! so one `.phh` file is enough to check the hand: [`record_of_history`] takes the record
//! back out for [`crate::verify`], and [`check_history`] confirms that every action, card
//! and stack of the file is the record's, and that the readable fields repeat the record.

use poker_core::export::to_phh;
use poker_core::phh::{HandFields, HandHistory, Label, PhhAction, PhhCard, Value};
use poker_core::{Action, Chips, Event, Hand, Seat};
use thiserror::Error;

use crate::records::{HandStatus, RecordedAction, SeedOrigin, SignedHandRecord};

/// Prefix of every fairness field in a PHH file.
pub const PHH_FIELD_PREFIX: &str = "_fairdeal_";
/// The PHH user field holding the whole signed record as canonical hex.
pub const PHH_RECORD_FIELD: &str = "_fairdeal_record";

/// Why a record has no hand history, or a hand history does not match its record.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// Only completed hands were played; a void has a record but nothing to replay.
    #[error("the hand is void ({0:?}): it has a signed record but no hand history")]
    NotPlayed(HandStatus),
    /// The record's hand does not start or replay through the engine (run `verify`).
    #[error("the record does not replay: {0}")]
    Replay(String),
    /// The game has no PHH code, or the export failed.
    #[error("the hand cannot be written as PHH: {0}")]
    Export(String),
    /// A number does not fit the PHH integer range.
    #[error("{0} does not fit a PHH integer")]
    TooLarge(&'static str),
    /// The file has no `_fairdeal_record` field, or it is not a record in canonical hex.
    #[error("no usable {PHH_RECORD_FIELD} field: {0}")]
    NoRecord(&'static str),
    /// The file says something its record does not.
    #[error("the hand history differs from its record: {0}")]
    Mismatch(String),
}

/// The engine hand a completed record describes, replayed from its deck and action log.
///
/// The record should have passed [`crate::verify`] first: this only replays it.
pub fn replayed_hand(record: &SignedHandRecord) -> Result<Hand, HistoryError> {
    let body = record.body();
    let outcome = body.outcome();
    if outcome.status != HandStatus::Completed {
        return Err(HistoryError::NotPlayed(outcome.status));
    }
    let deck = outcome
        .deck
        .clone()
        .ok_or_else(|| HistoryError::Replay("a completed record without a deck".into()))?;
    let setup = body.announcement().body().setup();
    let seat = |n: u8| Seat::new(n).ok_or_else(|| HistoryError::Replay(format!("seat {n}")));
    // The same start as verification: blinds by position plus any missed-blind posts.
    let (mut hand, _) = crate::replay::start_hand(setup, deck)
        .map_err(|err| HistoryError::Replay(err.to_string()))?;
    for (index, logged) in outcome.actions.iter().enumerate() {
        let action = match logged.action {
            RecordedAction::Fold => Action::Fold,
            RecordedAction::Check => Action::Check,
            RecordedAction::Call => Action::Call,
            RecordedAction::BetTo(to) => Action::BetTo(Chips::new(to)),
            RecordedAction::TimeOut => Action::TimeOut,
        };
        hand.apply(seat(logged.seat)?, action)
            .map_err(|err| HistoryError::Replay(format!("action {index}: {err}")))?;
    }
    if !hand.is_finished() {
        return Err(HistoryError::Replay(
            "the hand is not finished after its last action".into(),
        ));
    }
    Ok(hand)
}

/// The seat of the player called `player` in the record, if they were dealt in.
pub fn seat_of_player(record: &SignedHandRecord, player: &str) -> Option<u8> {
    record
        .seats()
        .iter()
        .find(|s| s.player == player)
        .map(|s| s.seat)
}

/// The completed hand of `record` as PHH, seen by the seat `viewer` (`None`: an observer).
///
/// Players are named by their player ids, `table` (when given) labels the table, and
/// `hand` is the hand number. Hole cards are written as dealt for `viewer` and for every
/// seat that showed them at showdown; everyone else's are `??` per card, as PHH writes
/// unseen cards. The `_fairdeal_…` fields carry the record ([`PHH_RECORD_FIELD`]) and its
/// fairness values in readable form. The setup's extra posts (missed blinds) are in the
/// `_posts` field ([`poker_core::phh::PhhPost`]), so the file replays through
/// [`poker_core::phh::replay()`] on its own.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let (_, record) = fairness::doc_support::played_hand();
/// let history = fairness::hand_history(&record, Some(0), Some("demo"))?;
/// let text = history.to_phh();
/// let back = poker_core::phh::HandHistory::parse(&text)?;
/// assert_eq!(fairness::record_of_history(&back)?, record);
/// fairness::check_history(&back, &record)?;
/// # Ok(()) }
/// ```
pub fn hand_history(
    record: &SignedHandRecord,
    viewer: Option<u8>,
    table: Option<&str>,
) -> Result<HandHistory, HistoryError> {
    let full = full_history(record, table)?;
    let hand = replayed_hand(record)?;
    let shown: Vec<u8> = hand
        .events()
        .iter()
        .filter_map(|event| match event {
            Event::HandShown { seat, .. } => Some(seat.index()),
            _ => None,
        })
        .collect();
    let mut fields = full.into_fields();
    let seats = seat_numbers(&fields)?;
    for line in &mut fields.actions {
        let hidden = match line.action() {
            Some(PhhAction::DealHole { player, cards }) => {
                let seat = seats.get(player.index()).copied();
                let visible = seat.is_some_and(|s| Some(s) == viewer || shown.contains(&s));
                (!visible).then(|| PhhAction::DealHole {
                    player: *player,
                    cards: vec![PhhCard::Unknown; cards.len()],
                })
            }
            _ => None,
        };
        if let Some(hidden) = hidden {
            *line = poker_core::phh::ActionLine::action_only(hidden);
        }
    }
    HandHistory::new(fields).map_err(|err| HistoryError::Export(err.to_string()))
}

/// Every player's cards, names, labels and the fairness fields: what [`check_history`]
/// compares a file with.
fn full_history(
    record: &SignedHandRecord,
    table: Option<&str>,
) -> Result<HandHistory, HistoryError> {
    let hand = replayed_hand(record)?;
    let names: Vec<(Seat, String)> = record
        .seats()
        .iter()
        .filter_map(|s| Seat::new(s.seat).map(|seat| (seat, s.player.clone())))
        .collect();
    let history =
        to_phh(&hand, Some(&names)).map_err(|err| HistoryError::Export(err.to_string()))?;
    let mut fields = history.into_fields();
    let header = record.header();
    fields.table = table.map(|name| Label::Text(name.to_owned()));
    fields.hand = Some(Label::Number(integer(header.hand_no, "hand number")?));
    fields.seat_count = None;
    fields.other.extend(fairness_fields(record)?);
    HandHistory::new(fields).map_err(|err| HistoryError::Export(err.to_string()))
}

/// The 0-based seat of each PHH player (from the `seats` field, which is 1-based).
fn seat_numbers(fields: &HandFields) -> Result<Vec<u8>, HistoryError> {
    fields
        .seats
        .as_ref()
        .ok_or_else(|| HistoryError::Export("no seats field".into()))?
        .iter()
        .map(|&n| {
            n.checked_sub(1)
                .and_then(|s| u8::try_from(s).ok())
                .ok_or_else(|| HistoryError::Export(format!("seat {n}")))
        })
        .collect()
}

fn integer(value: u64, what: &'static str) -> Result<i64, HistoryError> {
    i64::try_from(value).map_err(|_| HistoryError::TooLarge(what))
}

fn text(value: String) -> Value {
    Value::String(value)
}

/// The `_fairdeal_…` fields of `record`, in the order they are written.
fn fairness_fields(record: &SignedHandRecord) -> Result<Vec<(String, Value)>, HistoryError> {
    let body = record.body();
    let header = record.header();
    let announcement = body.announcement().body();
    let seeds = body
        .commitments()
        .body()
        .entries()
        .iter()
        .zip(body.reveals())
        .map(|(entry, reveal)| {
            let mut table = vec![
                ("seat".to_owned(), Value::Integer(i64::from(entry.seat))),
                (
                    "origin".to_owned(),
                    text(
                        match entry.origin {
                            SeedOrigin::Client => "client",
                            SeedOrigin::ServerGenerated => "server_generated",
                        }
                        .to_owned(),
                    ),
                ),
                ("commitment".to_owned(), text(entry.commitment.to_hex())),
            ];
            if let Some(seed) = &reveal.seed {
                table.push(("seed".to_owned(), text(hex::encode(seed.expose()))));
            }
            Value::Table(table)
        })
        .collect();
    let field = |name: &str, value: Value| (format!("{PHH_FIELD_PREFIX}{name}"), value);
    Ok(vec![
        field(
            "protocol",
            Value::Integer(i64::from(crate::PROTOCOL_VERSION)),
        ),
        field(
            "table_id",
            Value::Integer(integer(header.table_id, "table id")?),
        ),
        field("key_id", text(header.key_id.to_hex())),
        field(
            "server_commitment",
            text(announcement.server_commitment().to_hex()),
        ),
        field(
            "server_seed",
            text(hex::encode(body.server_seed().expose())),
        ),
        field("client_seeds", Value::Array(seeds)),
        field("previous_record_hash", text(body.previous().to_hex())),
        field("record_hash", text(record.record_hash().to_hex())),
        field("signature", text(record.signature().to_hex())),
        (
            PHH_RECORD_FIELD.to_owned(),
            text(hex::encode(record.to_bytes())),
        ),
    ])
}

/// The signed record a hand history carries in [`PHH_RECORD_FIELD`]. Verify it with
/// [`crate::verify`], then [`check_history`] the file against it.
pub fn record_of_history(history: &HandHistory) -> Result<SignedHandRecord, HistoryError> {
    let value = history
        .fields()
        .other
        .iter()
        .find(|(name, _)| name == PHH_RECORD_FIELD)
        .map(|(_, value)| value)
        .ok_or(HistoryError::NoRecord("missing"))?;
    let Value::String(hex_text) = value else {
        return Err(HistoryError::NoRecord("not a string"));
    };
    let bytes = hex::decode(hex_text).map_err(|_| HistoryError::NoRecord("not hex"))?;
    SignedHandRecord::from_bytes(&bytes).map_err(|_| HistoryError::NoRecord("not a record"))
}

/// Checks that `history` says what `record` says: the same game, stacks, actions, shown
/// cards and results, with each hole card either the dealt one or `??`, and every
/// `_fairdeal_…` field equal to the record's, the players named by their player ids and
/// the hand by its number. The table's name is not in the record and is not checked.
pub fn check_history(history: &HandHistory, record: &SignedHandRecord) -> Result<(), HistoryError> {
    let full = full_history(record, None)?;
    let (got, want) = (history.fields(), full.fields());
    let mismatch = |what: &str| Err(HistoryError::Mismatch(what.to_owned()));
    if got.variant != want.variant
        || got.antes != want.antes
        || got.blinds_or_straddles != want.blinds_or_straddles
        || got.min_bet != want.min_bet
        || got.small_bet != want.small_bet
        || got.big_bet != want.big_bet
        || got.bring_in != want.bring_in
        || got.posts != want.posts
    {
        return mismatch("game or forced bets");
    }
    if got.starting_stacks != want.starting_stacks {
        return mismatch("starting stacks");
    }
    if got.seats != want.seats {
        return mismatch("seats");
    }
    if got.finishing_stacks != want.finishing_stacks {
        return mismatch("finishing stacks");
    }
    if got.players != want.players {
        return mismatch("player names");
    }
    if got.hand != want.hand {
        return mismatch("hand number");
    }
    let actions = |fields: &HandFields| -> Vec<PhhAction> {
        fields
            .actions
            .iter()
            .filter_map(|line| line.action().cloned())
            .collect()
    };
    let (got_actions, want_actions) = (actions(got), actions(want));
    if got_actions.len() != want_actions.len() {
        return mismatch("number of actions");
    }
    for (index, (g, w)) in got_actions.iter().zip(&want_actions).enumerate() {
        let same = match (g, w) {
            (
                PhhAction::DealHole {
                    player: gp,
                    cards: gc,
                },
                PhhAction::DealHole {
                    player: wp,
                    cards: wc,
                },
            ) => {
                gp == wp
                    && (gc == wc
                        || (gc.len() == wc.len() && gc.iter().all(|c| *c == PhhCard::Unknown)))
            }
            _ => g == w,
        };
        if !same {
            return Err(HistoryError::Mismatch(format!("action {}", index + 1)));
        }
    }
    let fairness = |fields: &HandFields| -> Vec<(String, Value)> {
        fields
            .other
            .iter()
            .filter(|(name, _)| name.starts_with(PHH_FIELD_PREFIX))
            .cloned()
            .collect()
    };
    if fairness(got) != fairness(want) {
        return mismatch("fairness fields");
    }
    Ok(())
}
