//! The table task's side of reconnection: `resume` (the missed events from the replay buffer
//! in the caller's own view, or a snapshot), `player_status` events when a seated player's
//! connection goes or comes back, the time bank and the disconnect grace when a turn's
//! deadline passes, and the parts of a snapshot a resuming player needs mid-hand.

use std::sync::Arc;

use poker_core::Chips;
use tokio::time::Instant;

use super::{cards_text, millis, refuse, HandState, Refusal, Stage, Table, Watcher};
use crate::accounts::AccountId;
use crate::limits::WATCHERS_PER_TABLE_MAX;
use crate::table::presence::Extension;
use crate::table::replay_buffer::Replay;
use crate::table::{ConnId, Outbox};
use crate::ws::messages::{RejectCode, WireEvent, WireLegal, WirePlay, WirePlayer, WireTurn};

/// The largest integer every JSON client reads exactly.
const JSON_EXACT_MAX: u64 = (1 << 53) - 1;

/// Sequence numbers a run may use per millisecond between its start and the next run's.
const SEQ_PER_MILLISECOND: u64 = 1_000;

/// The number a table's events count up from in this run: the wall clock in milliseconds
/// times [`SEQ_PER_MILLISECOND`], so it lies above every number an earlier run sent (unless
/// that run averaged more than a million events per second, or the clock went back), and a
/// `last_seq` kept from before a restart gets a snapshot instead of naming an event of this
/// run. It stays below 2^53 (exact in every JSON client) until the year 2255.
pub(super) fn first_seq() -> u64 {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
        });
    millis
        .saturating_mul(SEQ_PER_MILLISECOND)
        .min(JSON_EXACT_MAX / 2)
}

impl Table {
    /// Resumes watching after a lost connection: queues every event after `last_seq` as
    /// `account` (if any) would have received it, or a snapshot when the buffer no longer
    /// holds them all, and registers the connection. The table task does all of it in one
    /// step, so no live event can fall between the replay and the registration.
    pub(super) fn resume(
        &mut self,
        conn: ConnId,
        account: Option<AccountId>,
        last_seq: u64,
        outbox: &Outbox,
    ) -> Result<(), Refusal> {
        let events = match self.replay.since(last_seq, self.seq, account) {
            Replay::Events(events) => events,
            Replay::TooFarBehind => return self.watch(conn, account, outbox),
        };
        if !self.watchers.contains_key(&conn) && self.watchers.len() >= WATCHERS_PER_TABLE_MAX {
            return Err(refuse(
                RejectCode::TableBusy,
                "too many watchers at this table",
            ));
        }
        for text in events {
            // A full queue raises the connection's overflow signal and closes it; the client
            // resumes again from what it got.
            if !outbox.send(Arc::clone(&text)) {
                return Ok(());
            }
        }
        self.watchers.insert(
            conn,
            Watcher {
                account,
                outbox: outbox.clone(),
            },
        );
        Ok(())
    }

    /// Tells the table when a seated player's last connection went or the first came back.
    /// Sending can drop slow watchers, which may disconnect more players: repeated until
    /// nothing changes (each round but the last drops a watcher, so it ends).
    pub(super) fn sync_presence(&mut self) {
        loop {
            let watchers = &self.watchers;
            let changes = self.presence.sync(Instant::now(), |account| {
                watchers.values().any(|w| w.account == Some(account))
            });
            if changes.is_empty() {
                return;
            }
            let before = self.watchers.len();
            let keep = millis(self.presence.rules().seat_keep());
            for change in changes {
                let player = self.seats[usize::from(change.seat)]
                    .as_ref()
                    .map(|o| o.name.clone())
                    .unwrap_or_default();
                tracing::info!(table = %self.config.name(), seat = change.seat, %player, connected = change.connected, "player connection");
                self.emit(
                    WireEvent::PlayerStatus {
                        seat: change.seat,
                        player,
                        connected: change.connected,
                        seat_kept_ms: (!change.connected).then_some(keep),
                    },
                    None,
                );
            }
            if self.watchers.len() == before {
                return;
            }
        }
    }

    /// The deadline of `seat`, the seat to act, passed: starts its time bank or a disconnect
    /// grace and announces it, returning true; false when the time-out action is due.
    pub(super) fn extend_turn(&mut self, seat: u8) -> bool {
        let Some(current) = self.hand.as_mut() else {
            return false;
        };
        let now = Instant::now();
        let hand = current.no;
        let (length, reason, graces_left) = match self.presence.on_expiry(seat, hand, now) {
            Extension::TimeOut => return false,
            Extension::Bank { length, .. } => (length, "time_bank", None),
            Extension::Grace {
                length,
                graces_left,
                ..
            } => (length, "disconnect_grace", Some(graces_left)),
        };
        current.deadline = now + length;
        self.emit(
            WireEvent::TimeExtended {
                hand,
                seat,
                reason,
                ms: millis(length),
                graces_left,
            },
            None,
        );
        true
    }

    /// The hand in play as the engine has it, for a snapshot: street, pot, board, every
    /// dealt seat's stack, bet and fold, and the seat to act with its legal moves and the
    /// time to its deadline. Hole cards are not here (the snapshot carries only the
    /// watcher's own).
    pub(super) fn snapshot_play(&self) -> Option<WirePlay> {
        let Some(HandState {
            stage: Stage::Playing { engine, .. },
            deadline,
            ..
        }) = &self.hand
        else {
            return None;
        };
        let players = engine
            .stacks()
            .into_iter()
            .map(|(seat, stack)| WirePlayer {
                seat: seat.index(),
                stack: stack.get(),
                street_bet: engine.street_bet(seat).map_or(0, Chips::get),
                folded: engine.has_folded(seat).unwrap_or(false),
            })
            .collect();
        let to_act = engine.legal_actions().map(|legal| WireTurn {
            seat: legal.seat.index(),
            clock_ms: millis(deadline.saturating_duration_since(Instant::now())),
            legal: WireLegal {
                can_check: legal.can_check,
                call_amount: legal.call_amount.map(Chips::get),
                min_bet_to: legal.min_bet_to.map(Chips::get),
                max_bet_to: legal.max_bet_to.map(Chips::get),
            },
        });
        Some(WirePlay {
            street: u8::try_from(engine.street()).unwrap_or(u8::MAX),
            button: engine.button().index(),
            pot: engine.pot().get(),
            board: cards_text(engine.board()),
            players,
            to_act,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_start_above_each_other_and_within_exact_json_numbers() {
        let first = first_seq();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let second = first_seq();
        assert!(second >= first + SEQ_PER_MILLISECOND, "{first} {second}");
        assert!(second <= JSON_EXACT_MAX);
    }
}
