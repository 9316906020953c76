//! The table task: owns the seats, the hand in play and its fairness session; reads commands
//! from a bounded inbox; runs the seed exchange, the engine and the action clock; sends each
//! watcher its own view of every event; and stores each hand's verified record together with
//! its settlement.

mod admin;

use std::collections::BTreeMap;
use std::sync::Arc;

use fairness::{
    verify, ClientCommitment, ClientSeed, CommitEntry, FinalStack, HandSession, KeyRing,
    LoggedAction, Predecessor, ProtocolError, RecordHash, RecordedAction, SeatEntry, SeedOrigin,
    ServerSeed, SignedHandRecord,
};
use poker_core::{Action, ActionError, Blind, Chips, Event, Hand, Seat};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::halt::HaltFlag;
use super::missed_blinds::{plan_hand, BlindSeats};
use super::presence::Presence;
use super::replay_buffer::ReplayBuffer;
use super::seating::SeatState;
use super::settlement::{movements, SeatChange};
use super::{ConnId, Outbox, Player, TableCommand, TableConfig};
use crate::accounts::AccountId;
use crate::ledger::{IdempotencyKey, LedgerAccountId, LedgerError};
use crate::limits::{
    REPLAY_BUFFER_BYTES_MAX, REPLAY_BUFFER_EVENTS_MAX, STAND_UP_RETRY_DELAY, WATCHERS_PER_TABLE_MAX,
};
use crate::state::AppState;
use crate::store::{Durability, HandSettlement, OpenHand, SavedSteps, StoreError};
use crate::table::departures::{Departure, Departures};
use crate::ws::messages::{
    ClientRequest, RejectCode, ServerMessage, WireAction, WireEvent, WireLegal, WireSeat,
    WireShare, WIRE_VERSION,
};
use crate::ws::messages::{JsonText, WireHalt};

mod departed;
mod reconnect;
mod seating_requests;

/// A refusal: code and message.
type Refusal = (RejectCode, String);

fn refuse(code: RejectCode, message: impl Into<String>) -> Refusal {
    (code, message.into())
}

/// Someone in a seat.
#[derive(Debug)]
struct Occupant {
    account: AccountId,
    name: String,
    session: LedgerAccountId,
    stack: u64,
    leaving: bool,
    /// Sitting out and missed blinds.
    seating: SeatState,
}

/// A watching connection.
#[derive(Debug)]
struct Watcher {
    account: Option<AccountId>,
    outbox: Outbox,
}

/// Where the hand in play is in the protocol.
#[derive(Debug)]
enum Stage {
    /// Step 2: waiting for seed commitments.
    Committing,
    /// Step 3: waiting for reveals.
    Revealing,
    /// Step 4: the engine runs the hand.
    Playing {
        engine: Box<Hand>,
        actions: Vec<LoggedAction>,
    },
}

/// The hand in play.
#[derive(Debug)]
struct HandState {
    no: u64,
    session: HandSession,
    /// Seats dealt in, ascending, with their starting stacks.
    seats: Vec<(u8, u64)>,
    commits: BTreeMap<u8, CommitEntry>,
    generated: Vec<(u8, ClientSeed)>,
    stage: Stage,
    deadline: Instant,
    /// What is saved after each step, for crash recovery.
    saved: OpenHand,
    /// How much of `saved` the store has (each save appends only the rest).
    saved_steps: SavedSteps,
}

/// One table's state, owned by its task.
pub(super) struct Table {
    config: TableConfig,
    state: AppState,
    seq: u64,
    watchers: BTreeMap<ConnId, Watcher>,
    seats: Vec<Option<Occupant>>,
    button: Option<u8>,
    next_hand: u64,
    previous: Option<RecordHash>,
    hand: Option<HandState>,
    next_start: Instant,
    /// Set when the table can no longer deal safely (a record could not be stored).
    halted: bool,
    /// Set by the admin API: no new hand; close once the hand in play is over.
    closing: bool,
    /// When the `act` being applied reached the task, for the latency histogram.
    act_arrived: Option<Instant>,
    /// Connections, seat keeps, time banks and the turn clock (`reconnect.rs`).
    presence: Presence,
    /// Recent events, for clients that resume (`reconnect.rs`).
    replay: ReplayBuffer,
    /// Where the blinds were in the last hand announced, while a game is running.
    last_blinds: Option<BlindSeats>,
    /// The button, blinds and debts before the last announcement (`seating_requests.rs`).
    blinds_before: Option<seating_requests::BlindsBefore>,
    /// Why, once known (`store_failed`), and the hand whose record failed, for the
    /// `table_halted` event.
    halt_reason: Option<(&'static str, Option<u64>)>,
    /// The halt as listings and snapshots show it, set with the `table_halted` event.
    halt_flag: HaltFlag,
    /// Blinds owed and chips taken by players who left (`departures.rs`).
    departures: Departures,
}

/// Opens a table: see [`Table::open`]. `in_play` is the table's hand in play as read for
/// every table when the server starts ([`HandsInPlay::take`]); `None` (a table created
/// while the server runs) reads its own.
pub(super) async fn open(
    config: TableConfig,
    state: AppState,
    in_play: Option<Result<Option<OpenHand>, StoreError>>,
) -> Result<Table, LedgerError> {
    Table::open(config, state, in_play).await
}

/// Runs an opened table until its inbox closes, or, once `draining` turns true, until no
/// hand is in play (no hand starts after that).
pub(super) async fn run(
    mut table: Table,
    mut commands: mpsc::Receiver<TableCommand>,
    mut draining: watch::Receiver<bool>,
) {
    let mut halt_announced = false;
    loop {
        // A halted table's hand never ends; closing it gives back the stacks the ledger
        // still holds (nothing of that hand was settled).
        if table.closing && (table.hand.is_none() || table.halted) {
            table.close_now().await;
            break;
        }
        table.sync_presence();
        if table.halted && !halt_announced {
            halt_announced = true;
            table.announce_halt();
        }
        if *draining.borrow() {
            if table.hand.is_none() {
                break;
            }
        } else {
            table.maybe_start_hand().await;
        }
        let deadline = table.deadline();
        tokio::select! {
            command = commands.recv() => match command {
                Some(command) => table.handle(command).await,
                None => break,
            },
            () = sleep_until(deadline) => table.on_deadline().await,
            changed = draining.changed(), if !*draining.borrow() => {
                if changed.is_err() {
                    break; // the server is gone
                }
            }
        }
    }
    tracing::info!(table = %table.config.name(), "table stopped");
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// A fresh idempotency key for a buy-in or cash-out (these are not replayed by clients).
fn fresh_key(kind: &str, table: &str) -> Result<IdempotencyKey, LedgerError> {
    let mut nonce = [0u8; 16];
    getrandom::fill(&mut nonce).map_err(|_| {
        LedgerError::Store(crate::store::StoreError::Corrupt(
            "the OS random source failed".into(),
        ))
    })?;
    IdempotencyKey::parse(&format!("{kind}:{table}:{}", hex::encode(nonce)))
        .map_err(|_| LedgerError::Store(crate::store::StoreError::Corrupt("key".into())))
}

fn seat_of(number: u8) -> Seat {
    Seat::new(number).expect("table seats are below SEATS_MAX")
}

fn cards_text(cards: &[poker_core::Card]) -> Vec<String> {
    cards.iter().map(ToString::to_string).collect()
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

impl Table {
    /// Loads where the table's chain stands, voids a hand an earlier run left unfinished
    /// (with a signed record) and gives back chips left in the table's sessions.
    async fn open(
        config: TableConfig,
        state: AppState,
        in_play: Option<Result<Option<OpenHand>, StoreError>>,
    ) -> Result<Table, LedgerError> {
        let last = state.store().last_hand(config.name().clone()).await?;
        let seats = (0..config.seats()).map(|_| None).collect();
        let mut table = Table {
            seq: reconnect::first_seq(),
            watchers: BTreeMap::new(),
            seats,
            button: None,
            next_hand: last.map_or(1, |(no, _)| no.saturating_add(1)),
            previous: last.map(|(_, hash)| RecordHash::from_bytes(hash)),
            hand: None,
            next_start: Instant::now(),
            halted: false,
            closing: false,
            act_arrived: None,
            presence: Presence::new(config.seats(), *config.presence()),
            replay: ReplayBuffer::new(REPLAY_BUFFER_EVENTS_MAX, REPLAY_BUFFER_BYTES_MAX),
            last_blinds: None,
            blinds_before: None,
            halt_reason: None,
            halt_flag: HaltFlag::default(),
            departures: Departures::default(),
            config,
            state,
        };
        table.recover(in_play).await?;
        table.restore_departures().await?;
        let store = table.state.store().clone();
        let name = table.config.name().clone();
        for (account, chips) in store.table_sessions_with_chips(name.clone()).await? {
            let key = fresh_key("refund", name.as_str())?;
            store.cash_out(key, account, name.clone(), chips).await?;
            tracing::info!(table = %name, account = account.get(), chips, "gave back chips left at the table");
        }
        Ok(table)
    }

    /// Voids the hand a crashed run left in play, rebuilding its fairness session from what
    /// was saved (Ed25519 signatures are deterministic, so the rebuilt announcement and
    /// commit list are the ones the players saw). No chips move: a hand settles only at its
    /// end, so every stack is still its starting stack in the ledger.
    async fn recover(
        &mut self,
        in_play: Option<Result<Option<OpenHand>, StoreError>>,
    ) -> Result<(), LedgerError> {
        let store = self.state.store().clone();
        let name = self.config.name().clone();
        let open = match in_play {
            Some(read) => read?,
            None => store.open_hand(name.clone()).await?,
        };
        let Some(open) = open else {
            return Ok(());
        };
        if open.hand_no != self.next_hand {
            // Settled already (the row is deleted with the settlement) or unusable.
            store.clear_open_hand(name, open.hand_no).await?;
            return Ok(());
        }
        match self.rebuild_void(&open) {
            Ok((record, seats)) => {
                tracing::warn!(table = %name, hand = open.hand_no, "voiding the hand a previous run left unfinished");
                self.store_record(open.hand_no, record, &seats, &[]).await;
                if self.halted {
                    return Err(LedgerError::Store(crate::store::StoreError::Corrupt(
                        "could not store the void record of an unfinished hand".into(),
                    )));
                }
            }
            Err(reason) => {
                tracing::error!(table = %name, hand = open.hand_no, reason, "cannot void the unfinished hand from its saved state; its number will be announced again");
                store.clear_open_hand(name, open.hand_no).await?;
            }
        }
        Ok(())
    }

    /// The signed void record of a saved, unfinished hand, and its seats with their stacks.
    #[allow(clippy::type_complexity)]
    fn rebuild_void(
        &self,
        open: &OpenHand,
    ) -> Result<(SignedHandRecord, Vec<(u8, u64)>), &'static str> {
        let key = self.state.key();
        let announcement =
            fairness::Signed::<fairness::Announcement>::from_bytes(&open.announcement)
                .map_err(|_| "saved announcement does not decode")?;
        let setup = announcement.body().setup().clone();
        let seats: Vec<(u8, u64)> = setup.seats().iter().map(|s| (s.seat, s.stack)).collect();
        let mut session = HandSession::announce(
            key,
            self.config.number(),
            open.hand_no,
            setup,
            ServerSeed::from_bytes(open.server_seed),
        );
        if session.announcement().to_bytes() != open.announcement {
            return Err("rebuilt announcement differs from the saved one");
        }
        let previous = self.previous.unwrap_or(RecordHash::from_bytes([0; 32]));
        let entries = match &open.commitments {
            Some(bytes) => fairness::Signed::<fairness::CommitList>::from_bytes(bytes)
                .map_err(|_| "saved commit list does not decode")?
                .body()
                .entries()
                .to_vec(),
            // Crashed before the commit list: nothing was revealed or dealt; every seat
            // gets a fresh server-generated seed so the void record has its commit list.
            None => Vec::new(),
        };
        let mut generated = Vec::new();
        let entries = if entries.is_empty() {
            seats
                .iter()
                .map(|&(seat, _)| {
                    let seed = random_seed().map_err(|_| "the OS random source failed")?;
                    let commitment = session.client_commitment(seat, &seed);
                    generated.push((seat, seed));
                    Ok(CommitEntry {
                        seat,
                        origin: SeedOrigin::ServerGenerated,
                        commitment,
                    })
                })
                .collect::<Result<Vec<_>, &'static str>>()?
        } else {
            entries
        };
        let list = session
            .close_commitments(key, entries)
            .map_err(|_| "saved commitments do not fit the seats")?
            .to_bytes();
        if open
            .commitments
            .as_ref()
            .is_some_and(|saved| *saved != list)
        {
            return Err("rebuilt commit list differs from the saved one");
        }
        for (seat, seed) in generated {
            session.reveal(seat, seed).map_err(|_| "generated seed")?;
        }
        for chunk in open.reveals.chunks(33) {
            let (&seat, seed) = chunk.split_first().ok_or("empty reveal")?;
            let seed: [u8; 32] = seed.try_into().map_err(|_| "short reveal")?;
            session
                .reveal(seat, ClientSeed::from_bytes(seed))
                .map_err(|_| "saved reveal does not match")?;
        }
        if !session.missing_reveals().is_empty() {
            // Stopped during the reveals: the seats that had not revealed yet did nothing
            // wrong, so the void flags nobody.
            let record = session
                .void_interrupted_before_deal(key, previous)
                .map_err(|_| "void before the deal")?;
            return Ok((record, seats));
        }
        if open.commitments.is_none() {
            // Stopped before the commit list: the generated seeds above exist only to give
            // the record its commit list; nothing was dealt and nobody is flagged.
            let record = session
                .void_interrupted_before_deal(key, previous)
                .map_err(|_| "void before the deal")?;
            return Ok((record, seats));
        }
        let deck = session.deck().map_err(|_| "deck")?;
        let setup = session.announcement().body().setup();
        let (mut engine, _) =
            fairness::start_hand(setup, deck).map_err(|_| "the saved hand does not start")?;
        let mut actions = Vec::new();
        for chunk in open.actions.chunks(10) {
            let logged = decode_action(chunk).ok_or("saved action does not decode")?;
            let mut trial = engine.clone();
            let seat = Seat::new(logged.seat).ok_or("saved action names no seat")?;
            trial
                .apply(seat, engine_action(logged.action))
                .map_err(|_| "saved action is illegal")?;
            if trial.is_finished() {
                // Its settlement never happened: void the hand just before its end.
                break;
            }
            engine = trial;
            actions.push(logged);
        }
        let record = session
            .void_aborted(key, previous, actions, engine.board().len(), Vec::new())
            .map_err(|_| "void after the deal")?;
        Ok((record, seats))
    }

    /// Saves the hand in play, so a crash leaves enough to void it. A failure halts the
    /// table: dealing on without the save would make a crash unrecoverable.
    ///
    /// `durability` is [`Durability::Flushed`] for the steps a truthful void record cannot be
    /// rebuilt without (the server seed behind a shown commitment, the signed commit list, the
    /// reveal that completes the seeds and so lets the deal happen), and
    /// [`Durability::Written`] for the other reveals and for actions: written before anyone
    /// hears of them, so a crash of the process loses none, but not waited on to the disk. A
    /// power cut can then lose the last of them; the hand is voided on restart either way (no
    /// chips move): before its deal, flagging nobody, if a reveal was lost, else with the
    /// actions that reached the disk.
    async fn save_hand(&mut self, durability: Durability) {
        let Some(current) = self.hand.as_mut() else {
            return;
        };
        let steps = current.saved.unsaved_steps(&mut current.saved_steps);
        if let Err(err) = self
            .state
            .store()
            .save_hand_steps(self.config.name().clone(), steps, durability)
            .await
        {
            tracing::error!(%err, "saving the hand in play; table halted");
            self.halted = true;
            self.halt_reason = Some(("store_failed", None));
        }
    }

    /// Tells every watcher the table halted, and why, so clients stop waiting for it.
    fn announce_halt(&mut self) {
        let (reason, failed_hand) = self.halt_reason.unwrap_or(("internal", None));
        let hand = self.hand.as_ref().map(|h| h.no).or(failed_hand);
        tracing::error!(table = %self.config.name(), ?hand, reason, "table halted; it deals again after a restart");
        self.emit(WireEvent::TableHalted { hand, reason }, None);
        self.halt_flag.set(WireHalt { reason, hand });
    }

    /// The flag the table's handle reads to list it as halted.
    pub(super) fn halt_flag(&self) -> HaltFlag {
        self.halt_flag.clone()
    }

    fn deadline(&self) -> Option<Instant> {
        if self.halted {
            // A halted table deals no more and retries nothing; it still answers requests.
            return None;
        }
        // A disconnected player's seat keep ends between hands, not before the pause does.
        let keep = self
            .presence
            .next_expiry()
            .map(|at| at.max(self.next_start));
        match &self.hand {
            Some(hand) => Some(hand.deadline),
            // Held back hands wait for a command (an admin order wakes the table).
            None if self.holds_hands() => keep,
            None if self.eligible_seats().len() >= 2 && !self.halted => Some(self.next_start),
            None => keep,
        }
    }

    // ---- sending -------------------------------------------------------------------------

    fn reply(outbox: &Outbox, message: &ServerMessage) {
        outbox.send(Arc::from(message.to_text()));
    }

    /// Sends `event` to every watcher, with `private` (seat, event) replacing it for the
    /// watcher sitting in that seat. Watchers whose queue is full are dropped.
    fn emit(&mut self, event: WireEvent, private: Option<(u8, WireEvent)>) {
        self.seq += 1;
        let wrap = |event: WireEvent| -> Arc<str> {
            Arc::from(
                ServerMessage::Event {
                    v: WIRE_VERSION,
                    table: self.config.name().as_str().to_owned(),
                    seq: self.seq,
                    event,
                }
                .to_text(),
            )
        };
        let public = wrap(event);
        let private = private.map(|(seat, event)| (seat, wrap(event)));
        let owner = private.as_ref().and_then(|(seat, _)| {
            self.seats
                .get(usize::from(*seat))
                .and_then(|s| s.as_ref())
                .map(|o| o.account)
        });
        let kept = owner.zip(private.as_ref().map(|(_, text)| text.clone()));
        self.replay.push(self.seq, public.clone(), kept);
        let mut dropped = Vec::new();
        for (conn, watcher) in &self.watchers {
            let text = match (&private, owner) {
                (Some((_, text)), Some(owner)) if watcher.account == Some(owner) => text.clone(),
                _ => public.clone(),
            };
            if !watcher.outbox.send(text) {
                dropped.push(*conn);
            }
        }
        for conn in dropped {
            self.watchers.remove(&conn);
        }
    }

    /// The table as `account` (if any) may see it now.
    fn snapshot(&self, account: Option<AccountId>) -> WireEvent {
        let your_cards = account
            .and_then(|account| self.seat_of_account(account))
            .and_then(|seat| match &self.hand {
                Some(HandState {
                    stage: Stage::Playing { engine, .. },
                    ..
                }) => engine.hole_cards(seat_of(seat)).map(cards_text),
                _ => None,
            });
        WireEvent::Snapshot {
            game: self.config.game().as_str(),
            small_blind: self.config.small_blind(),
            big_blind: self.config.big_blind(),
            seats_max: self.config.seats(),
            buy_in_min: self.config.buy_in_min(),
            buy_in_max: self.config.buy_in_max(),
            action_clock_ms: millis(self.config.action_clock()),
            hand: self.hand.as_ref().map(|h| h.no),
            seats: self.wire_seats(),
            your_cards,
            play: self.snapshot_play().map(Box::new),
            disconnected: self.presence.disconnected(),
            halted: self.halt_flag.get(),
        }
    }

    fn wire_seats(&self) -> Vec<WireSeat> {
        (0u8..)
            .zip(&self.seats)
            .filter_map(|(seat, o)| {
                o.as_ref().map(|o| WireSeat {
                    seat,
                    player: o.name.clone(),
                    stack: o.stack,
                    status: Some(o.seating.wire()),
                })
            })
            .collect()
    }

    // ---- commands ------------------------------------------------------------------------

    async fn handle(&mut self, command: TableCommand) {
        match command {
            TableCommand::Disconnected { conn } => {
                self.watchers.remove(&conn);
            }
            TableCommand::Admin(order) => self.admin(order).await,
            TableCommand::Request {
                conn,
                player,
                id,
                request,
                outbox,
            } => {
                let answer = match self.request(conn, player, request, &outbox).await {
                    Ok(()) => ServerMessage::Ack {
                        v: WIRE_VERSION,
                        id,
                    },
                    Err((code, message)) => {
                        self.state.metrics().rejected(code);
                        ServerMessage::rejected(Some(id), code, message)
                    }
                };
                Self::reply(&outbox, &answer);
            }
        }
    }

    async fn request(
        &mut self,
        conn: ConnId,
        player: Option<Player>,
        request: ClientRequest,
        outbox: &Outbox,
    ) -> Result<(), Refusal> {
        match request {
            ClientRequest::Watch { .. } => self.watch(conn, player.map(|p| p.account), outbox),
            ClientRequest::Resume { last_seq, .. } => {
                self.resume(conn, player.map(|p| p.account), last_seq, outbox)
            }
            ClientRequest::Unwatch { .. } => {
                self.watchers.remove(&conn);
                Ok(())
            }
            ClientRequest::ListTables { .. } => {
                Err(refuse(RejectCode::Internal, "not a table request"))
            }
            ClientRequest::Sit { .. }
            | ClientRequest::CommitSeed { .. }
            | ClientRequest::ServerSeed { .. }
            | ClientRequest::RevealSeed { .. }
            | ClientRequest::Act { .. }
                if self.halted =>
            {
                Err(refuse(
                    RejectCode::TableHalted,
                    "the table halted after a server-side failure; it plays again after a restart",
                ))
            }
            other => {
                let player = player.ok_or_else(|| {
                    refuse(
                        RejectCode::NotAuthenticated,
                        "log in (Authorization: Bearer) to play",
                    )
                })?;
                match other {
                    // Observers may resume too (handled above).
                    ClientRequest::Resume { .. } => Ok(()),
                    ClientRequest::Sit {
                        seat,
                        buy_in,
                        wait_for_big_blind,
                        ..
                    } => {
                        self.refuse_if_closing()?;
                        self.sit(conn, player, (seat, buy_in, wait_for_big_blind), outbox)
                            .await
                    }
                    ClientRequest::SitOut { .. } => {
                        let in_hand = self
                            .seat_of_account(player.account)
                            .is_some_and(|s| self.in_hand(s));
                        self.seating(&player, |s| s.sit_out(in_hand))
                    }
                    ClientRequest::SitOutNextHand { on, .. } => {
                        self.seating(&player, |s| s.set_sit_out_next_hand(on))
                    }
                    ClientRequest::SitIn {
                        wait_for_big_blind, ..
                    } => self.seating(&player, |s| s.sit_in(wait_for_big_blind)),
                    ClientRequest::Leave { .. } => self.leave(&player).await,
                    ClientRequest::CommitSeed {
                        hand, commitment, ..
                    } => self.commit_seed(&player, hand, Some(&commitment)).await,
                    ClientRequest::ServerSeed { hand, .. } => {
                        self.commit_seed(&player, hand, None).await
                    }
                    ClientRequest::RevealSeed { hand, seed, .. } => {
                        self.reveal_seed(&player, hand, &seed).await
                    }
                    ClientRequest::Act {
                        hand,
                        action,
                        amount,
                        ..
                    } => self.act(&player, hand, action, amount).await,
                    ClientRequest::Watch { .. }
                    | ClientRequest::Unwatch { .. }
                    | ClientRequest::ListTables { .. } => Ok(()),
                }
            }
        }
    }

    fn watch(
        &mut self,
        conn: ConnId,
        account: Option<AccountId>,
        outbox: &Outbox,
    ) -> Result<(), Refusal> {
        if !self.watchers.contains_key(&conn) && self.watchers.len() >= WATCHERS_PER_TABLE_MAX {
            return Err(refuse(
                RejectCode::TableBusy,
                "too many watchers at this table",
            ));
        }
        // The snapshot goes out under the current sequence number: the next event is seq + 1.
        let snapshot = ServerMessage::Event {
            v: WIRE_VERSION,
            table: self.config.name().as_str().to_owned(),
            seq: self.seq,
            event: self.snapshot(account),
        };
        Self::reply(outbox, &snapshot);
        self.watchers.insert(
            conn,
            Watcher {
                account,
                outbox: outbox.clone(),
            },
        );
        Ok(())
    }

    fn seat_of_account(&self, account: AccountId) -> Option<u8> {
        (0u8..)
            .zip(&self.seats)
            .find(|(_, o)| o.as_ref().is_some_and(|o| o.account == account))
            .map(|(seat, _)| seat)
    }

    async fn sit(
        &mut self,
        conn: ConnId,
        player: Player,
        (seat, buy_in, wait_for_big_blind): (u8, u64, bool),
        outbox: &Outbox,
    ) -> Result<(), Refusal> {
        let slot = self.seats.get(usize::from(seat)).ok_or_else(|| {
            refuse(
                RejectCode::SeatOutOfRange,
                format!("seats are 0..{}", self.config.seats()),
            )
        })?;
        if slot.is_some() {
            return Err(refuse(
                RejectCode::SeatTaken,
                format!("seat {seat} is taken"),
            ));
        }
        if self.seat_of_account(player.account).is_some() {
            return Err(refuse(RejectCode::AlreadySeated, "you already sit here"));
        }
        if !self.watchers.contains_key(&conn) && self.watchers.len() >= WATCHERS_PER_TABLE_MAX {
            // Checked before any chip moves: a refusal changes nothing.
            return Err(refuse(
                RejectCode::TableBusy,
                "too many watchers at this table",
            ));
        }
        // A player back soon after leaving buys in for at least what they left with.
        let departure = self
            .departures
            .of(player.account, crate::clock::UnixTime::now());
        let buy_in_min = self
            .config
            .buy_in_min()
            .max(departure.stack.min(self.config.buy_in_max()));
        if !(buy_in_min..=self.config.buy_in_max()).contains(&buy_in) {
            let why = if buy_in_min > self.config.buy_in_min() {
                format!(
                    " (you left this table with {} chips within the hour)",
                    departure.stack
                )
            } else {
                String::new()
            };
            return Err(refuse(
                RejectCode::BuyInOutOfRange,
                format!(
                    "buy-in must be {buy_in_min}..={}{why}",
                    self.config.buy_in_max()
                ),
            ));
        }
        let table = self.config.name().clone();
        let store = self.state.store();
        let key = fresh_key("buy-in", table.as_str()).map_err(internal)?;
        match store
            .buy_in(key, player.account, table.clone(), buy_in)
            .await
        {
            Ok(_) => {}
            Err(LedgerError::InsufficientChips { balance, .. }) => {
                return Err(refuse(
                    RejectCode::InsufficientChips,
                    format!("your account holds {balance} chips"),
                ))
            }
            Err(err) => return Err(internal(err)),
        }
        let session = store
            .table_session_account(table, player.account)
            .await
            .map_err(internal)?
            .ok_or_else(|| refuse(RejectCode::Internal, "no session after buy-in"))?;
        let stack = store.ledger_balance(session).await.map_err(internal)?;
        let stack = u64::try_from(stack).map_err(internal)?;
        let game_running = self.last_blinds.is_some();
        let mut seating = SeatState::new_player(game_running, wait_for_big_blind);
        if game_running {
            seating.owe_also(departure.owed);
        }
        self.returned(player.account).await;
        self.seats[usize::from(seat)] = Some(Occupant {
            account: player.account,
            name: player.name.clone(),
            session,
            stack,
            leaving: false,
            seating,
        });
        self.presence.seated(seat, player.account);
        let status = self.seats[usize::from(seat)]
            .as_ref()
            .map(|o| o.seating.wire());
        if !self.watchers.contains_key(&conn) {
            self.watch(conn, Some(player.account), outbox)?;
        }
        self.emit(
            WireEvent::Seated {
                seat: WireSeat {
                    seat,
                    player: player.name,
                    stack,
                    status,
                },
            },
            None,
        );
        Ok(())
    }

    fn in_hand(&self, seat: u8) -> bool {
        self.hand
            .as_ref()
            .is_some_and(|h| h.seats.iter().any(|(s, _)| *s == seat))
    }

    async fn leave(&mut self, player: &Player) -> Result<(), Refusal> {
        let seat = self
            .seat_of_account(player.account)
            .ok_or_else(|| refuse(RejectCode::NotSeated, "you do not sit here"))?;
        if self.in_hand(seat) {
            if let Some(o) = self.seats[usize::from(seat)].as_mut() {
                o.leaving = true;
            }
            return Ok(());
        }
        self.stand_up(seat).await.map_err(internal)
    }

    /// Frees `seat`, moving its chips back to the player's account.
    async fn stand_up(&mut self, seat: u8) -> Result<(), LedgerError> {
        let Some(occupant) = self.seats.get_mut(usize::from(seat)).and_then(Option::take) else {
            return Ok(());
        };
        if occupant.stack > 0 {
            let key = fresh_key("cash-out", self.config.name().as_str())?;
            let result = self
                .state
                .store()
                .cash_out(
                    key,
                    occupant.account,
                    self.config.name().clone(),
                    occupant.stack,
                )
                .await;
            if let Err(err) = result {
                // Keep the seat: its chips are still at the table.
                self.seats[usize::from(seat)] = Some(occupant);
                return Err(err);
            }
        }
        self.presence.vacated(seat);
        self.departed(
            occupant.account,
            Departure {
                owed: occupant.seating.owed(),
                stack: occupant.stack,
            },
        )
        .await;
        self.emit(
            WireEvent::Left {
                seat,
                player: occupant.name,
                cashed_out: occupant.stack,
            },
            None,
        );
        Ok(())
    }

    // ---- the seed exchange ---------------------------------------------------------------

    /// The caller's seat in the current hand, if `hand` is the current one.
    fn hand_seat(&self, player: &Player, hand: u64) -> Result<u8, Refusal> {
        let current = self
            .hand
            .as_ref()
            .ok_or_else(|| refuse(RejectCode::Stale, "no hand in progress"))?;
        if current.no != hand {
            return Err(refuse(
                RejectCode::Stale,
                format!("hand {hand} is not the current hand ({})", current.no),
            ));
        }
        let seat = self
            .seat_of_account(player.account)
            .ok_or_else(|| refuse(RejectCode::NotSeated, "you do not sit here"))?;
        if !self.in_hand(seat) {
            return Err(refuse(
                RejectCode::NotSeated,
                "you are not dealt in this hand",
            ));
        }
        Ok(seat)
    }

    async fn commit_seed(
        &mut self,
        player: &Player,
        hand: u64,
        commitment: Option<&str>,
    ) -> Result<(), Refusal> {
        let seat = self.hand_seat(player, hand)?;
        let current = self.hand.as_mut().expect("hand_seat checked the hand");
        if !matches!(current.stage, Stage::Committing) {
            return Err(refuse(RejectCode::WrongPhase, "commitments are closed"));
        }
        if current.commits.contains_key(&seat) {
            return Err(refuse(RejectCode::Duplicate, "you already committed"));
        }
        let entry = match commitment {
            Some(text) => CommitEntry {
                seat,
                origin: SeedOrigin::Client,
                commitment: ClientCommitment::from_hex(text)
                    .map_err(|_| refuse(RejectCode::BadSeed, "a commitment is 64 hex digits"))?,
            },
            None => {
                let seed = random_seed().map_err(internal)?;
                let commitment = current.session.client_commitment(seat, &seed);
                current.generated.push((seat, seed));
                CommitEntry {
                    seat,
                    origin: SeedOrigin::ServerGenerated,
                    commitment,
                }
            }
        };
        current.commits.insert(seat, entry);
        if current.commits.len() == current.seats.len() {
            self.close_commitments().await;
        }
        Ok(())
    }

    async fn reveal_seed(&mut self, player: &Player, hand: u64, seed: &str) -> Result<(), Refusal> {
        let seat = self.hand_seat(player, hand)?;
        let current = self.hand.as_mut().expect("hand_seat checked the hand");
        if !matches!(current.stage, Stage::Revealing) {
            return Err(refuse(
                RejectCode::WrongPhase,
                "reveal after the commit list and before the deal",
            ));
        }
        let seed = ClientSeed::from_hex(seed)
            .map_err(|_| refuse(RejectCode::BadSeed, "a seed is 64 hex digits"))?;
        let bytes = *seed.expose();
        current
            .session
            .reveal(seat, seed)
            .map_err(|err| match err {
                ProtocolError::RevealMismatch(_) => refuse(
                    RejectCode::SeedMismatch,
                    "the seed does not match your commitment",
                ),
                ProtocolError::AlreadyRevealed(_) => {
                    refuse(RejectCode::Duplicate, "already revealed")
                }
                other => refuse(RejectCode::WrongPhase, other.to_string()),
            })?;
        current.saved.reveals.push(seat);
        current.saved.reveals.extend_from_slice(&bytes);
        let complete = current.session.missing_reveals().is_empty();
        // A reveal lost to a power cut voids the hand before its deal, flagging nobody (see
        // `rebuild_void`); the last one is flushed, since a deal must never be forgotten.
        self.save_hand(if complete {
            Durability::Flushed
        } else {
            Durability::Written
        })
        .await;
        if complete {
            self.deal().await;
        }
        Ok(())
    }

    /// Signs the commit list: seats without a commitment get a server-generated seed.
    async fn close_commitments(&mut self) {
        let Some(current) = self.hand.as_mut() else {
            return;
        };
        let mut entries = Vec::with_capacity(current.seats.len());
        for &(seat, _) in &current.seats {
            match current.commits.get(&seat) {
                Some(entry) => entries.push(*entry),
                None => {
                    let Ok(seed) = random_seed() else {
                        tracing::error!("the OS random source failed");
                        self.halted = true;
                        return;
                    };
                    let commitment = current.session.client_commitment(seat, &seed);
                    current.generated.push((seat, seed));
                    entries.push(CommitEntry {
                        seat,
                        origin: SeedOrigin::ServerGenerated,
                        commitment,
                    });
                }
            }
        }
        let key = self.state.key();
        let list = match current.session.close_commitments(key, entries) {
            Ok(list) => {
                current.saved.commitments = Some(list.to_bytes());
                list.to_compact_json()
            }
            Err(err) => {
                tracing::error!(%err, "closing commitments");
                self.halted = true;
                return;
            }
        };
        for (seat, seed) in std::mem::take(&mut current.generated) {
            current.saved.reveals.push(seat);
            current.saved.reveals.extend_from_slice(seed.expose());
            if let Err(err) = current.session.reveal(seat, seed) {
                tracing::error!(%err, "revealing a server-generated seed");
            }
        }
        current.stage = Stage::Revealing;
        current.deadline = Instant::now() + self.config.reveal_window();
        let hand = current.no;
        let all_revealed = current.session.missing_reveals().is_empty();
        self.save_hand(Durability::Flushed).await;
        self.emit(
            WireEvent::CommitmentsClosed {
                hand,
                commit_list: JsonText::or_null(list),
                reveal_window_ms: millis(self.config.reveal_window()),
            },
            None,
        );
        if all_revealed {
            self.deal().await;
        }
    }

    // ---- the hand ------------------------------------------------------------------------

    fn eligible_seats(&self) -> Vec<u8> {
        (0u8..)
            .zip(&self.seats)
            .filter(|(_, o)| {
                o.as_ref().is_some_and(|o| {
                    o.stack > 0
                        && !o.leaving
                        && !o.seating.sitting_out()
                        && self.watchers.values().any(|w| w.account == Some(o.account))
                })
            })
            .map(|(seat, _)| seat)
            .collect()
    }

    /// Between hands: stands up players who left, went broke or stayed disconnected longer
    /// than the seat keep, then announces a hand if two or more seats can play.
    async fn maybe_start_hand(&mut self) {
        if self.hand.is_some() || self.halted || Instant::now() < self.next_start {
            return;
        }
        let expired = self.presence.expired(Instant::now());
        let gone: Vec<u8> = (0u8..)
            .zip(&self.seats)
            .filter(|(seat, o)| {
                o.as_ref()
                    .is_some_and(|o| o.leaving || o.stack == 0 || expired.contains(seat))
            })
            .map(|(seat, _)| seat)
            .collect();
        for seat in gone {
            if let Err(err) = self.stand_up(seat).await {
                tracing::error!(%err, seat, "standing a player up");
                // Not in a tight loop: an expired seat keep is a deadline.
                self.next_start = Instant::now() + STAND_UP_RETRY_DELAY;
            }
        }
        if self.holds_hands() {
            return;
        }
        self.between_hands().await;
        let candidates: Vec<_> = self
            .eligible_seats()
            .into_iter()
            .filter_map(|seat| {
                self.seats[usize::from(seat)]
                    .as_ref()
                    .map(|o| o.seating.candidate(seat))
            })
            .collect();
        let stakes = (self.config.small_blind(), self.config.big_blind());
        let Some(plan) = plan_hand(&candidates, self.button, self.last_blinds.is_some(), stakes)
        else {
            self.game_stopped().await;
            return;
        };
        let seats = plan.dealt.clone();
        let button = plan.button;
        let entries: Vec<SeatEntry> = seats
            .iter()
            .filter_map(|&seat| {
                self.seats[usize::from(seat)].as_ref().map(|o| SeatEntry {
                    seat,
                    stack: o.stack,
                    player: o.name.clone(),
                })
            })
            .collect();
        let setup = match self
            .config
            .hand_setup(button, entries.clone())
            .and_then(|setup| setup.with_posts(plan.posts.clone()))
        {
            Ok(setup) => setup,
            Err(err) => {
                tracing::error!(%err, "building the hand setup");
                self.halted = true;
                return;
            }
        };
        let Ok(seed) = random_seed() else {
            tracing::error!("the OS random source failed");
            self.halted = true;
            return;
        };
        let no = self.next_hand;
        let session = HandSession::announce(
            self.state.key(),
            self.config.number(),
            no,
            setup,
            ServerSeed::from_bytes(*seed.expose()),
        );
        let saved = OpenHand {
            hand_no: no,
            server_seed: *seed.expose(),
            announcement: session.announcement().to_bytes(),
            commitments: None,
            reveals: Vec::new(),
            actions: Vec::new(),
        };
        let announcement = session.announcement();
        let event = WireEvent::HandAnnounced {
            hand: no,
            table_number: self.config.number(),
            server_commitment: announcement.body().server_commitment().to_hex(),
            seats: seats.clone(),
            announcement: JsonText::or_null(announcement.to_compact_json()),
            commit_window_ms: millis(self.config.commit_window()),
        };
        self.record_blinds(no, &plan);
        self.hand = Some(HandState {
            no,
            session,
            seats: entries.iter().map(|e| (e.seat, e.stack)).collect(),
            commits: BTreeMap::new(),
            generated: Vec::new(),
            stage: Stage::Committing,
            deadline: Instant::now() + self.config.commit_window(),
            saved,
            saved_steps: SavedSteps::default(),
        });
        // Saved before anyone sees the commitment: a crash from here on is voided on restart.
        self.save_hand(Durability::Flushed).await;
        if self.halted {
            self.hand = None;
            return;
        }
        self.emit(event, None);
    }

    async fn on_deadline(&mut self) {
        let Some(current) = self.hand.as_ref() else {
            return; // the pause between hands ended; the loop starts the next one
        };
        if Instant::now() < current.deadline {
            return;
        }
        match &current.stage {
            Stage::Committing => self.close_commitments().await,
            Stage::Revealing => self.void_missing_reveals().await,
            Stage::Playing { engine, .. } => {
                if let Some(seat) = engine.to_act() {
                    if self.extend_turn(seat.index()) {
                        return; // time bank or disconnect grace
                    }
                    if let Err(err) = self.apply(seat, Action::TimeOut).await {
                        tracing::error!(%err, "the engine refused a time-out");
                    }
                }
            }
        }
    }

    async fn void_missing_reveals(&mut self) {
        let Some(current) = self.hand.take() else {
            return;
        };
        let no = current.no;
        let previous = self.previous.unwrap_or(RecordHash::from_bytes([0; 32]));
        match current
            .session
            .void_missing_reveals(self.state.key(), previous)
        {
            Ok(record) => {
                self.store_record(no, record, &current.seats, &[]).await;
                // Nothing was dealt or posted: as if the hand had not been announced.
                self.restore_blinds(no);
            }
            Err(err) => {
                tracing::error!(%err, "voiding a hand");
                self.halted = true;
            }
        }
    }

    async fn deal(&mut self) {
        let Some(current) = self.hand.as_mut() else {
            return;
        };
        let deck = match current.session.deck() {
            Ok(deck) => deck,
            Err(err) => {
                tracing::error!(%err, "deriving the deck");
                self.halted = true;
                return;
            }
        };
        let setup = current.session.announcement().body().setup();
        // The record's own start (extra posts included), so the verifier replays this hand.
        let (engine, events) = match fairness::start_hand(setup, deck) {
            Ok(started) => started,
            Err(err) => {
                tracing::error!(%err, "starting the hand");
                self.halted = true;
                return;
            }
        };
        let hand = current.no;
        let button = setup.button();
        current.stage = Stage::Playing {
            engine: Box::new(engine),
            actions: Vec::new(),
        };
        let wire_players = current
            .seats
            .iter()
            .map(|&(seat, stack)| WireSeat {
                seat,
                player: self.seats[usize::from(seat)]
                    .as_ref()
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                stack,
                status: None,
            })
            .collect();
        self.emit(
            WireEvent::HandStarted {
                hand,
                button,
                players: wire_players,
            },
            None,
        );
        self.emit_engine_events(&events);
        self.after_action().await;
    }

    async fn act(
        &mut self,
        player: &Player,
        hand: u64,
        action: WireAction,
        amount: Option<u64>,
    ) -> Result<(), Refusal> {
        self.act_arrived = Some(Instant::now());
        let seat = self.hand_seat(player, hand)?;
        let current = self.hand.as_ref().expect("hand_seat checked the hand");
        let Stage::Playing { engine, .. } = &current.stage else {
            return Err(refuse(
                RejectCode::WrongPhase,
                "the seed exchange is still running",
            ));
        };
        if engine.to_act() != Some(seat_of(seat)) {
            return Err(refuse(RejectCode::NotYourTurn, "it is not your turn"));
        }
        let action = match (action, amount) {
            (WireAction::Bet, Some(to)) => {
                if to > poker_core::CHIPS_MAX {
                    return Err(refuse(RejectCode::IllegalAmount, "amount too large"));
                }
                Action::BetTo(Chips::new(to))
            }
            (WireAction::Bet, None) => {
                return Err(refuse(RejectCode::IllegalAmount, "bet needs an amount"))
            }
            (_, Some(_)) => {
                return Err(refuse(
                    RejectCode::IllegalAmount,
                    "only bet takes an amount",
                ))
            }
            (WireAction::Fold, None) => Action::Fold,
            (WireAction::Check, None) => Action::Check,
            (WireAction::Call, None) => Action::Call,
        };
        let applied = self.apply(seat_of(seat), action).await;
        self.act_arrived = None;
        applied.map_err(|err| {
            let code = match err {
                ActionError::NotYourTurn { .. } => RejectCode::NotYourTurn,
                ActionError::HandFinished => RejectCode::Stale,
                ActionError::BetNotAboveCurrent { .. }
                | ActionError::BetBelowMinimum { .. }
                | ActionError::BetAboveMaximum { .. }
                | ActionError::BetExceedsStack { .. } => RejectCode::IllegalAmount,
                _ => RejectCode::IllegalAction,
            };
            refuse(code, err.to_string())
        })
    }

    /// Applies `action` for `seat`; on success logs it, sends the events and moves on.
    async fn apply(&mut self, seat: Seat, action: Action) -> Result<(), ActionError> {
        let Some(HandState {
            stage: Stage::Playing { engine, actions },
            saved,
            ..
        }) = self.hand.as_mut()
        else {
            return Err(ActionError::HandFinished);
        };
        let events = engine.apply(seat, action)?;
        self.presence.turn_ended(Instant::now());
        let logged = LoggedAction {
            seat: seat.index(),
            action: RecordedAction::from(action),
        };
        actions.push(logged);
        saved.actions.extend_from_slice(&encode_action(logged));
        self.save_hand(Durability::Written).await;
        self.emit_engine_events(&events);
        if let Some(arrived) = self.act_arrived.take() {
            self.state
                .metrics()
                .observe_action_latency(arrived.elapsed());
        }
        self.after_action().await;
        Ok(())
    }

    /// After the deal or an action: prompt the next seat, or finish the hand.
    async fn after_action(&mut self) {
        let Some(current) = self.hand.as_mut() else {
            return;
        };
        let Stage::Playing { engine, .. } = &current.stage else {
            return;
        };
        if engine.is_finished() {
            self.finish().await;
            return;
        }
        let Some(legal) = engine.legal_actions() else {
            return;
        };
        current.deadline = Instant::now() + self.config.action_clock();
        self.presence
            .turn_started(legal.seat.index(), Instant::now());
        let event = WireEvent::ToAct {
            hand: current.no,
            seat: legal.seat.index(),
            clock_ms: millis(self.config.action_clock()),
            legal: WireLegal {
                can_check: legal.can_check,
                call_amount: legal.call_amount.map(Chips::get),
                min_bet_to: legal.min_bet_to.map(Chips::get),
                max_bet_to: legal.max_bet_to.map(Chips::get),
            },
            time_bank_ms: millis(self.presence.bank_left(legal.seat.index())),
        };
        self.emit(event, None);
    }

    fn emit_engine_events(&mut self, events: &[Event]) {
        for event in events {
            if let Event::HoleCardsDealt { seat, cards } = event {
                let public = WireEvent::HoleCards {
                    seat: seat.index(),
                    count: cards.len(),
                    cards: None,
                };
                let own = WireEvent::HoleCards {
                    seat: seat.index(),
                    count: cards.len(),
                    cards: Some(cards_text(cards)),
                };
                debug_assert_eq!(event.private_to(), Some(*seat));
                self.emit(public, Some((seat.index(), own)));
                continue;
            }
            debug_assert!(event.private_to().is_none());
            if let Some(wire) = wire_event(event) {
                self.emit(wire, None);
            }
        }
    }

    async fn finish(&mut self) {
        let Some(current) = self.hand.take() else {
            return;
        };
        let HandState {
            no,
            session,
            seats,
            stage,
            ..
        } = current;
        let Stage::Playing { engine, actions } = stage else {
            return;
        };
        let finals = FinalStack::all_of(&engine);
        let previous = self.previous.unwrap_or(RecordHash::from_bytes([0; 32]));
        match session.finish(
            self.state.key(),
            previous,
            actions,
            engine.board().len(),
            finals.clone(),
        ) {
            Ok(record) => self.store_record(no, record, &seats, &finals).await,
            Err(err) => {
                tracing::error!(%err, "signing a hand record");
                self.halted = true;
            }
        }
    }

    /// Verifies `record` as any player would, then stores it with the chip settlement in one
    /// transaction and tells the watchers. `finals` is empty for a void (stacks unchanged).
    async fn store_record(
        &mut self,
        no: u64,
        record: SignedHandRecord,
        seats: &[(u8, u64)],
        finals: &[FinalStack],
    ) {
        let keys = KeyRing::new(*self.state.key().public());
        let predecessor = match self.previous {
            None => Predecessor::Genesis,
            Some(hash) => Predecessor::Record {
                hash,
                table_id: self.config.number(),
                hand_no: no.saturating_sub(1),
                key_generation: keys.current_generation(),
            },
        };
        let verified = match verify(&record, &keys, predecessor) {
            Ok(verified) => verified,
            Err(err) => {
                tracing::error!(%err, hand = no, "our own record does not verify; table halted");
                self.halted = true;
                return;
            }
        };
        let mut changes = Vec::with_capacity(seats.len());
        for &(seat, start) in seats {
            let end = finals
                .iter()
                .find(|f| f.seat == seat)
                .map_or(start, |f| f.stack);
            if start == end {
                continue; // no chips move (and after a crash, no one sits there yet)
            }
            let Some(occupant) = self.seats[usize::from(seat)].as_ref() else {
                tracing::error!(seat, "a seat in the hand has no occupant; table halted");
                self.halted = true;
                return;
            };
            changes.push((
                seat,
                SeatChange {
                    account: occupant.session,
                    start,
                    end,
                },
            ));
        }
        let change_list: Vec<SeatChange> = changes.iter().map(|(_, c)| *c).collect();
        let moves = match movements(&change_list) {
            Ok(moves) => moves,
            Err(err) => {
                tracing::error!(%err, "settling a hand; table halted");
                self.halted = true;
                return;
            }
        };
        let table = self.config.name().clone();
        let key = match IdempotencyKey::parse(&format!("hand:{}:{no}", table.as_str())) {
            Ok(key) => key,
            Err(err) => {
                tracing::error!(%err, "hand key");
                self.halted = true;
                return;
            }
        };
        let record_hash = record.record_hash();
        let settlement = HandSettlement {
            key,
            table,
            hand_no: no,
            record: record.to_bytes(),
            record_hash: *record_hash.as_bytes(),
            prev_hash: self.previous.map(|hash| *hash.as_bytes()),
            movements: moves,
        };
        if let Err(err) = self.state.store().settle_hand(settlement).await {
            tracing::error!(%err, hand = no, "storing a hand; table halted");
            self.halted = true;
            self.halt_reason = Some(("store_failed", Some(no)));
            return;
        }
        self.state.metrics().hand_settled();
        for (seat, change) in &changes {
            if let Some(occupant) = self.seats[usize::from(*seat)].as_mut() {
                occupant.stack = change.end;
            }
        }
        self.presence.refill(seats.iter().map(|&(seat, _)| seat));
        self.previous = Some(record_hash);
        self.next_hand = no.saturating_add(1);
        self.next_start = Instant::now() + self.config.hand_pause();
        let status = match verified.status {
            fairness::HandStatus::Completed => "completed",
            fairness::HandStatus::VoidMissingReveal => "void_missing_reveal",
            fairness::HandStatus::VoidAborted => "void_aborted",
            fairness::HandStatus::VoidInterruptedBeforeDeal => "void_interrupted_before_deal",
        };
        let stacks = seats
            .iter()
            .map(|&(seat, _)| {
                let occupant = self.seats[usize::from(seat)].as_ref();
                WireSeat {
                    seat,
                    player: occupant.map(|o| o.name.clone()).unwrap_or_default(),
                    stack: occupant.map_or(0, |o| o.stack),
                    status: None,
                }
            })
            .collect();
        self.emit(
            WireEvent::HandEnded {
                hand: no,
                status,
                flagged: verified.flagged,
                record_hash: record_hash.to_hex(),
                stacks,
            },
            None,
        );
    }
}

/// An action as saved for crash recovery: seat, code (as in the record), amount.
fn encode_action(logged: LoggedAction) -> [u8; 10] {
    let (code, amount) = match logged.action {
        RecordedAction::Fold => (0, 0),
        RecordedAction::Check => (1, 0),
        RecordedAction::Call => (2, 0),
        RecordedAction::BetTo(to) => (3, to),
        RecordedAction::TimeOut => (4, 0),
    };
    let mut bytes = [0u8; 10];
    bytes[0] = logged.seat;
    bytes[1] = code;
    bytes[2..].copy_from_slice(&amount.to_be_bytes());
    bytes
}

/// Reads [`encode_action`]'s bytes back.
fn decode_action(bytes: &[u8]) -> Option<LoggedAction> {
    let (&seat, rest) = bytes.split_first()?;
    let (&code, amount) = rest.split_first()?;
    let amount = u64::from_be_bytes(amount.try_into().ok()?);
    let action = match code {
        0 => RecordedAction::Fold,
        1 => RecordedAction::Check,
        2 => RecordedAction::Call,
        3 => RecordedAction::BetTo(amount),
        4 => RecordedAction::TimeOut,
        _ => return None,
    };
    Some(LoggedAction { seat, action })
}

/// The engine action a logged action stands for.
fn engine_action(action: RecordedAction) -> Action {
    match action {
        RecordedAction::Fold => Action::Fold,
        RecordedAction::Check => Action::Check,
        RecordedAction::Call => Action::Call,
        RecordedAction::BetTo(to) => Action::BetTo(Chips::new(to)),
        RecordedAction::TimeOut => Action::TimeOut,
    }
}

/// A fresh 32-byte seed from the operating system.
fn random_seed() -> Result<ClientSeed, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(ClientSeed::from_bytes(bytes))
}

fn internal(err: impl std::fmt::Display) -> Refusal {
    tracing::error!(%err, "table request failed");
    refuse(RejectCode::Internal, "internal error")
}

/// The public wire form of an engine event (hole cards are handled by the caller).
fn wire_event(event: &Event) -> Option<WireEvent> {
    Some(match event {
        Event::HandStarted { .. } | Event::HandEnded { .. } | Event::HoleCardsDealt { .. } => {
            return None
        }
        Event::BlindPosted {
            seat,
            blind,
            amount,
            all_in,
        } => WireEvent::BlindPosted {
            seat: seat.index(),
            blind: match blind {
                Blind::Small => "small",
                Blind::Big => "big",
                Blind::Straddle => "straddle",
                Blind::Button => "button",
            },
            amount: amount.get(),
            all_in: *all_in,
        },
        Event::ExtraPosted {
            seat,
            live,
            dead,
            all_in,
        } => WireEvent::Posted {
            seat: seat.index(),
            live: live.get(),
            dead: dead.get(),
            all_in: *all_in,
        },
        Event::AntePosted {
            seat,
            amount,
            all_in,
        } => WireEvent::AntePosted {
            seat: seat.index(),
            amount: amount.get(),
            all_in: *all_in,
        },
        Event::BoardDealt { street, cards } => WireEvent::Board {
            street: *street,
            cards: cards_text(cards),
        },
        Event::Folded { seat, timed_out } => WireEvent::Folded {
            seat: seat.index(),
            timed_out: *timed_out,
        },
        Event::Checked { seat, timed_out } => WireEvent::Checked {
            seat: seat.index(),
            timed_out: *timed_out,
        },
        Event::Called {
            seat,
            amount,
            all_in,
        } => WireEvent::Called {
            seat: seat.index(),
            amount: amount.get(),
            all_in: *all_in,
        },
        Event::BetOrRaised {
            seat,
            to,
            amount,
            raise,
            all_in,
            ..
        } => WireEvent::Bet {
            seat: seat.index(),
            to: to.get(),
            amount: amount.get(),
            raise: *raise,
            all_in: *all_in,
        },
        Event::UncalledBetReturned { seat, amount } => WireEvent::UncalledReturned {
            seat: seat.index(),
            amount: amount.get(),
        },
        Event::BettingRoundEnded { street, pot } => WireEvent::RoundEnded {
            street: *street,
            pot: pot.get(),
        },
        Event::HandShown { seat, cards, .. } => WireEvent::Shown {
            seat: seat.index(),
            cards: cards_text(cards),
        },
        Event::HandMucked { seat } => WireEvent::Mucked { seat: seat.index() },
        Event::PotAwarded {
            pot,
            amount,
            winners,
            ..
        } => WireEvent::PotAwarded {
            pot: *pot,
            amount: amount.get(),
            winners: winners
                .iter()
                .map(|(seat, amount)| WireShare {
                    seat: seat.index(),
                    amount: amount.get(),
                })
                .collect(),
        },
        // `Event` is non-exhaustive: a new kind is not sent until it has a wire form here.
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_actions_read_back_and_bad_bytes_are_refused() {
        for action in [
            RecordedAction::Fold,
            RecordedAction::Check,
            RecordedAction::Call,
            RecordedAction::BetTo(u64::MAX),
            RecordedAction::TimeOut,
        ] {
            let logged = LoggedAction { seat: 9, action };
            assert_eq!(decode_action(&encode_action(logged)), Some(logged));
        }
        let mut bad = encode_action(LoggedAction {
            seat: 1,
            action: RecordedAction::Fold,
        });
        bad[1] = 5;
        assert_eq!(decode_action(&bad), None);
        assert_eq!(decode_action(&bad[..9]), None);
        assert_eq!(decode_action(&[]), None);
    }
}
