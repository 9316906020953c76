//! The table protocol's JSON messages (version [`WIRE_VERSION`]), kept apart from the engine's
//! and the fairness crate's types so the wire format changes only on purpose.
//! `docs/protocol.md` ("Table protocol") shows every message in an example.

use serde::{Deserialize, Serialize};

use crate::table::{TableHandle, TableSettings};

/// The protocol version every message carries as `"v"`.
pub const WIRE_VERSION: u16 = 1;

/// A request's body, after the envelope's `v` and `id` were read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientRequest {
    /// The tables this server runs, by name, one page at a time.
    ListTables {
        /// List the tables whose names come after this one (the previous reply's `next`).
        #[serde(default)]
        after: Option<String>,
        /// Tables per page, at most (and by default) `LIST_TABLES_PAGE_MAX`.
        #[serde(default)]
        limit: Option<usize>,
    },
    /// Start receiving a table's events (observers may do this without a token).
    Watch {
        /// The table's name.
        table: String,
    },
    /// Stop receiving a table's events.
    Unwatch {
        /// The table's name.
        table: String,
    },
    /// Take a seat, moving `buy_in` chips from the account to the table.
    Sit {
        /// The table's name.
        table: String,
        /// The seat number, `0..seats`.
        seat: u8,
        /// Chips to bring.
        buy_in: u64,
        /// At a running game: wait for the big blind instead of posting one to be dealt in
        /// at once (default `false`).
        #[serde(default)]
        wait_for_big_blind: bool,
    },
    /// Leave the table (after the current hand if in it); the chips go back to the account.
    Leave {
        /// The table's name.
        table: String,
    },
    /// Commit to this hand's client seed: `H_i` of the fairness protocol, 64 hex digits.
    CommitSeed {
        /// The table's name.
        table: String,
        /// The hand number the commitment is for.
        hand: u64,
        /// `H_i` as hex.
        commitment: String,
    },
    /// Ask the server to generate this hand's seed for the caller's seat (marked as such in
    /// the record).
    ServerSeed {
        /// The table's name.
        table: String,
        /// The hand number.
        hand: u64,
    },
    /// Reveal the seed committed to, 64 hex digits.
    RevealSeed {
        /// The table's name.
        table: String,
        /// The hand number.
        hand: u64,
        /// The 32-byte seed as hex.
        seed: String,
    },
    /// Sit out: now if not dealt in the current hand, else when it ends. The seat and its
    /// chips stay.
    SitOut {
        /// The table's name.
        table: String,
    },
    /// Set (`on`, the default) or clear the flag that sits the player out when the current
    /// hand ends.
    SitOutNextHand {
        /// The table's name.
        table: String,
        /// Set or clear.
        #[serde(default = "default_on")]
        on: bool,
    },
    /// Come back from sitting out (or clear a pending sit-out). Missed blinds are posted
    /// when next dealt in, unless `wait_for_big_blind`.
    SitIn {
        /// The table's name.
        table: String,
        /// Wait for the big blind instead of posting missed blinds (default `false`).
        #[serde(default)]
        wait_for_big_blind: bool,
    },
    /// A betting action in the current hand.
    Act {
        /// The table's name.
        table: String,
        /// The hand number the action is meant for (an older one is `stale`).
        hand: u64,
        /// What to do.
        action: WireAction,
        /// For `bet`: the street total to bet or raise to.
        #[serde(default)]
        amount: Option<u64>,
    },
    /// Watch a table again after a lost connection: the events after `last_seq` follow in
    /// the caller's own view (or a snapshot if the table no longer holds them all), then the
    /// ack, then live events.
    Resume {
        /// The table's name.
        table: String,
        /// The last sequence number the client saw at this table.
        last_seq: u64,
    },
}

impl ClientRequest {
    /// The table the request is about, if any.
    pub fn table(&self) -> Option<&str> {
        match self {
            ClientRequest::ListTables { .. } => None,
            ClientRequest::Watch { table }
            | ClientRequest::Unwatch { table }
            | ClientRequest::Sit { table, .. }
            | ClientRequest::Leave { table }
            | ClientRequest::CommitSeed { table, .. }
            | ClientRequest::ServerSeed { table, .. }
            | ClientRequest::RevealSeed { table, .. }
            | ClientRequest::Act { table, .. }
            | ClientRequest::Resume { table, .. }
            | ClientRequest::SitOut { table }
            | ClientRequest::SitOutNextHand { table, .. }
            | ClientRequest::SitIn { table, .. } => Some(table),
        }
    }
}

fn default_on() -> bool {
    true
}

/// A betting action on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WireAction {
    /// Fold.
    Fold,
    /// Check.
    Check,
    /// Call (all-in for less if short).
    Call,
    /// Bet or raise to `amount` (the street total).
    Bet,
}

/// Why a request was refused. Every refusal changes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// Not JSON, an unknown type or field, or a field of the wrong type.
    Malformed,
    /// The message's `v` is not [`WIRE_VERSION`].
    UnsupportedVersion,
    /// The message is larger than the server accepts.
    TooLarge,
    /// No table has this name.
    UnknownTable,
    /// The request needs a logged-in player (this connection is an observer).
    NotAuthenticated,
    /// The connection watches too many tables already.
    TooManyTables,
    /// No such seat at this table.
    SeatOutOfRange,
    /// Someone sits there.
    SeatTaken,
    /// The player already sits at this table.
    AlreadySeated,
    /// The player does not sit at this table.
    NotSeated,
    /// The buy-in is outside the table's range.
    BuyInOutOfRange,
    /// The account holds fewer chips than asked for.
    InsufficientChips,
    /// The request names a hand that is not the current one, or a step that is over.
    Stale,
    /// The request does not fit the hand's current phase (e.g. acting during the seed
    /// exchange, revealing before the commit list).
    WrongPhase,
    /// It is another seat's turn.
    NotYourTurn,
    /// The action is not allowed now (e.g. check facing a bet).
    IllegalAction,
    /// The amount is missing, present where not allowed, or outside the legal range.
    IllegalAmount,
    /// The commitment or seed is not 64 hex digits.
    BadSeed,
    /// The revealed seed does not match the seat's commitment.
    SeedMismatch,
    /// The seat already committed or revealed.
    Duplicate,
    /// The table's inbox is full; try again.
    TableBusy,
    /// The table is closing (admin API): no new seats.
    TableClosing,
    /// `sit_in` from a player who is not sitting out (and has no sit-out pending).
    NotSittingOut,
    /// `sit_out` from a player who is sitting out already.
    AlreadySittingOut,
    /// The table halted after a server-side failure and plays no more until a restart.
    TableHalted,
    /// The server failed; details are in its log.
    Internal,
    /// The connection (or its address) sends faster than its rate limit; nothing was done.
    RateLimited,
}

/// A seat as shown on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireSeat {
    /// Seat number.
    pub seat: u8,
    /// Player's username.
    pub player: String,
    /// Chips at the table.
    pub stack: u64,
    /// Sitting out and missed blinds, where the event shows them (snapshots and `seated`).
    #[serde(flatten)]
    pub status: Option<WireSeatStatus>,
}

/// A seat's status: sitting out, a pending sit-out, and the blinds it owes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WireSeatStatus {
    /// The player sits out (is not dealt in).
    pub sitting_out: bool,
    /// The player sits out when the current hand ends.
    pub sit_out_next_hand: bool,
    /// Blinds owed from sitting out: `none`, `small`, `big` or `both`.
    pub owes: &'static str,
    /// The player waits for the big blind rather than post what it owes.
    pub wait_for_big_blind: bool,
}

/// One pot winner's share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WireShare {
    /// The winning seat.
    pub seat: u8,
    /// Chips it wins from this pot.
    pub amount: u64,
}

/// What legal moves the seat to act has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WireLegal {
    /// Checking is allowed.
    pub can_check: bool,
    /// Chips a call adds, if calling is allowed.
    pub call_amount: Option<u64>,
    /// Smallest bet/raise total, if betting is allowed.
    pub min_bet_to: Option<u64>,
    /// Largest bet/raise total, if betting is allowed.
    pub max_bet_to: Option<u64>,
}

/// A JSON document produced elsewhere (the fairness crate's JSON form of a signed part),
/// embedded in a message as it is rather than parsed and written out again.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct JsonText(Box<serde_json::value::RawValue>);

impl JsonText {
    /// Wraps `json`, checking that it is one JSON value.
    pub fn new(json: String) -> Result<JsonText, serde_json::Error> {
        serde_json::value::RawValue::from_string(json).map(JsonText)
    }

    /// Wraps `json`, or `null` (logged) should it not be one JSON value: the fairness crate
    /// always writes one, so this is never expected.
    pub fn or_null(json: String) -> JsonText {
        JsonText::new(json).unwrap_or_else(|err| {
            tracing::error!(%err, "embedding JSON that does not parse");
            JsonText(serde_json::value::RawValue::NULL.to_owned())
        })
    }

    /// The JSON text.
    pub fn get(&self) -> &str {
        self.0.get()
    }
}

impl PartialEq for JsonText {
    fn eq(&self, other: &JsonText) -> bool {
        self.get() == other.get()
    }
}

/// A table event, the same for every recipient except where noted.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WireEvent {
    /// Sent to a new watcher: the table as it is now.
    Snapshot {
        /// Game (`nlhe` or `plo`).
        game: &'static str,
        /// Small blind.
        small_blind: u64,
        /// Big blind.
        big_blind: u64,
        /// Seats at the table.
        seats_max: u8,
        /// Buy-in range.
        buy_in_min: u64,
        /// Buy-in range.
        buy_in_max: u64,
        /// The action clock in milliseconds.
        action_clock_ms: u64,
        /// The hand in progress, if any.
        hand: Option<u64>,
        /// Who sits where.
        seats: Vec<WireSeat>,
        /// The watcher's own hole cards in the hand in play (after a reconnect), if any.
        #[serde(skip_serializing_if = "Option::is_none")]
        your_cards: Option<Vec<String>>,
        /// The hand in play once the engine runs it (after the seed exchange).
        #[serde(skip_serializing_if = "Option::is_none")]
        play: Option<Box<WirePlay>>,
        /// Seats whose player is disconnected (each keeps the seat for a while).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        disconnected: Vec<u8>,
        /// Set when the table halted after a server-side failure: it deals no more until a
        /// restart (the `table_halted` event, for a client that arrives after it).
        #[serde(skip_serializing_if = "Option::is_none")]
        halted: Option<WireHalt>,
    },
    /// A player sat down.
    Seated {
        /// The seat.
        #[serde(flatten)]
        seat: WireSeat,
    },
    /// A player left; their chips went back to their account.
    Left {
        /// The seat.
        seat: u8,
        /// The player.
        player: String,
        /// Chips returned to the account.
        cashed_out: u64,
    },
    /// Step 1 of the fairness protocol: the signed announcement of a new hand.
    HandAnnounced {
        /// The hand number.
        hand: u64,
        /// The table's number in the records (`table_id`).
        table_number: u64,
        /// `C_s`, hex.
        server_commitment: String,
        /// Seats dealt in.
        seats: Vec<u8>,
        /// The signed announcement in the fairness crate's JSON form.
        announcement: JsonText,
        /// Milliseconds left to commit.
        commit_window_ms: u64,
    },
    /// Step 2: the signed commit list; reveal now.
    CommitmentsClosed {
        /// The hand number.
        hand: u64,
        /// The signed commit list in the fairness crate's JSON form.
        commit_list: JsonText,
        /// Milliseconds left to reveal.
        reveal_window_ms: u64,
    },
    /// The deal started (every seed revealed).
    HandStarted {
        /// The hand number.
        hand: u64,
        /// The button's seat.
        button: u8,
        /// Seats and starting stacks.
        players: Vec<WireSeat>,
    },
    /// A blind was posted.
    BlindPosted {
        /// The seat.
        seat: u8,
        /// `small`, `big`, `straddle` or `button`.
        blind: &'static str,
        /// Chips posted.
        amount: u64,
        /// The blind put the seat all-in.
        all_in: bool,
    },
    /// An ante was posted.
    AntePosted {
        /// The seat.
        seat: u8,
        /// Chips posted.
        amount: u64,
        /// The ante put the seat all-in.
        all_in: bool,
    },
    /// A seat posted beyond its position's blinds to be dealt in (missed blinds, or a new
    /// player's big blind): `live` counts as its bet, `dead` went into the pot.
    Posted {
        /// The seat.
        seat: u8,
        /// Chips posted live.
        live: u64,
        /// Chips posted dead.
        dead: u64,
        /// The post put the seat all-in.
        all_in: bool,
    },
    /// A player sat out: not dealt in until `sat_in`; seat and chips stay.
    SatOut {
        /// The seat.
        seat: u8,
        /// The player.
        player: String,
    },
    /// A player came back from sitting out.
    SatIn {
        /// The seat.
        seat: u8,
        /// The player.
        player: String,
        /// Blinds owed: `none`, `small`, `big` or `both`.
        owes: &'static str,
        /// Waits for the big blind rather than post them.
        wait_for_big_blind: bool,
    },
    /// A player set or cleared the flag that sits them out when the current hand ends.
    SitOutNextHand {
        /// The seat.
        seat: u8,
        /// Set or cleared.
        on: bool,
    },
    /// Hole cards were dealt. `cards` is present only in the seat's own copy.
    HoleCards {
        /// The seat.
        seat: u8,
        /// How many cards.
        count: usize,
        /// The cards (text form, e.g. `"Ah"`), only for their owner.
        #[serde(skip_serializing_if = "Option::is_none")]
        cards: Option<Vec<String>>,
    },
    /// Board cards were dealt.
    Board {
        /// 1 flop, 2 turn, 3 river.
        street: u8,
        /// The cards.
        cards: Vec<String>,
    },
    /// A seat must act.
    ToAct {
        /// The hand number.
        hand: u64,
        /// The seat.
        seat: u8,
        /// Milliseconds before the time-out action is applied.
        clock_ms: u64,
        /// What it may do.
        legal: WireLegal,
        /// Milliseconds left in the seat's time bank, used when `clock_ms` runs out.
        time_bank_ms: u64,
    },
    /// A seated player's connection went or came back.
    PlayerStatus {
        /// The seat.
        seat: u8,
        /// The player.
        player: String,
        /// Connected now.
        connected: bool,
        /// On a disconnect: milliseconds the seat is kept before the player is stood up.
        #[serde(skip_serializing_if = "Option::is_none")]
        seat_kept_ms: Option<u64>,
    },
    /// The seat to act got more time: its time bank started, or a disconnect grace.
    TimeExtended {
        /// The hand number.
        hand: u64,
        /// The seat.
        seat: u8,
        /// `time_bank` or `disconnect_grace`.
        reason: &'static str,
        /// Milliseconds added, from when the event was sent.
        ms: u64,
        /// For a disconnect grace: graces the player has left in the current window.
        #[serde(skip_serializing_if = "Option::is_none")]
        graces_left: Option<u32>,
    },
    /// A seat folded.
    Folded {
        /// The seat.
        seat: u8,
        /// Because its clock ran out.
        timed_out: bool,
    },
    /// A seat checked.
    Checked {
        /// The seat.
        seat: u8,
        /// Because its clock ran out.
        timed_out: bool,
    },
    /// A seat called.
    Called {
        /// The seat.
        seat: u8,
        /// Chips added.
        amount: u64,
        /// All-in.
        all_in: bool,
    },
    /// A seat bet or raised.
    Bet {
        /// The seat.
        seat: u8,
        /// The new street total.
        to: u64,
        /// Chips added.
        amount: u64,
        /// A raise rather than a first bet.
        raise: bool,
        /// All-in.
        all_in: bool,
    },
    /// An uncalled bet went back.
    UncalledReturned {
        /// The seat.
        seat: u8,
        /// Chips returned.
        amount: u64,
    },
    /// A betting round ended.
    RoundEnded {
        /// 0 pre-flop … 3 river.
        street: u8,
        /// The pot.
        pot: u64,
    },
    /// A seat showed its cards at showdown.
    Shown {
        /// The seat.
        seat: u8,
        /// The cards.
        cards: Vec<String>,
    },
    /// A seat mucked at showdown.
    Mucked {
        /// The seat.
        seat: u8,
    },
    /// A pot (or half of one) was awarded.
    PotAwarded {
        /// Pot index, 0 the main pot.
        pot: u8,
        /// Chips in it.
        amount: u64,
        /// Who won what.
        winners: Vec<WireShare>,
    },
    /// The hand is over and its signed record is stored.
    HandEnded {
        /// The hand number.
        hand: u64,
        /// `completed` or `void_missing_reveal`.
        status: &'static str,
        /// Seats flagged (seats that did not reveal).
        flagged: Vec<u8>,
        /// The record's hash, hex (the next record links to it).
        record_hash: String,
        /// Stacks after the hand.
        stacks: Vec<WireSeat>,
    },
    /// The table closed (admin API): everyone was stood up; no more events follow.
    TableClosed {},
    /// The table stopped dealing after a server-side failure (e.g. a record that could not
    /// be stored). The hand in play, if any, stays unsettled and is voided and refunded when
    /// the server next starts; no hand starts before then.
    TableHalted {
        /// The hand in play when the table halted.
        hand: Option<u64>,
        /// Why, in a word: `store_failed` (the database refused a write) or `internal`.
        reason: &'static str,
    },
}

/// The hand in play, in a snapshot: enough to show the table mid-hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WirePlay {
    /// 0 pre-flop, 1 flop, 2 turn, 3 river.
    pub street: u8,
    /// The button's seat.
    pub button: u8,
    /// Chips in the pot from finished betting rounds (bets in front not included).
    pub pot: u64,
    /// The board so far.
    pub board: Vec<String>,
    /// Every seat dealt in.
    pub players: Vec<WirePlayer>,
    /// The seat to act, if any.
    pub to_act: Option<WireTurn>,
}

/// A seat dealt into the hand in play, in a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WirePlayer {
    /// The seat.
    pub seat: u8,
    /// Chips behind (not counting the bet in front).
    pub stack: u64,
    /// Chips bet on the current street.
    pub street_bet: u64,
    /// Folded.
    pub folded: bool,
}

/// The seat to act, in a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WireTurn {
    /// The seat.
    pub seat: u8,
    /// Milliseconds before its deadline (action clock, time bank or disconnect grace).
    pub clock_ms: u64,
    /// What it may do.
    pub legal: WireLegal,
}

/// A message from the server.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The request with this id was done.
    Ack {
        /// Protocol version.
        v: u16,
        /// The request's id.
        id: u64,
    },
    /// Reply to `list_tables`.
    Tables {
        /// Protocol version.
        v: u16,
        /// The request's id.
        id: u64,
        /// The tables, by name.
        tables: Vec<WireTable>,
        /// Where the next page starts (send it as `after`); absent on the last page.
        #[serde(skip_serializing_if = "Option::is_none")]
        next: Option<String>,
    },
    /// The request was refused; nothing changed.
    Rejected {
        /// Protocol version.
        v: u16,
        /// The request's id (absent when the message had no readable id).
        id: Option<u64>,
        /// Stable machine-readable reason.
        code: RejectCode,
        /// Human-readable explanation.
        message: String,
    },
    /// A message from the operator to every connection (admin API).
    Broadcast {
        /// Protocol version.
        v: u16,
        /// The operator's text.
        message: String,
        /// When it was sent, in seconds since the Unix epoch.
        sent_at: i64,
    },
    /// A table event.
    Event {
        /// Protocol version.
        v: u16,
        /// The table.
        table: String,
        /// The table's event sequence number: consecutive, without gaps for a watcher (each
        /// run of the server starts above every number an earlier run sent).
        seq: u64,
        /// What happened.
        event: WireEvent,
    },
}

impl ServerMessage {
    /// A refusal of request `id`.
    pub fn rejected(
        id: Option<u64>,
        code: RejectCode,
        message: impl Into<String>,
    ) -> ServerMessage {
        ServerMessage::Rejected {
            v: WIRE_VERSION,
            id,
            code,
            message: message.into(),
        }
    }

    /// The JSON text sent over the socket.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("wire messages always serialize")
    }
}

/// A table in the `tables` reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WireTable {
    /// Its name.
    pub table: String,
    /// `nlhe` or `plo`.
    pub game: &'static str,
    /// Small blind.
    pub small_blind: u64,
    /// Big blind.
    pub big_blind: u64,
    /// Seats.
    pub seats_max: u8,
    /// Buy-in range.
    pub buy_in_min: u64,
    /// Buy-in range.
    pub buy_in_max: u64,
    /// Set when the table halted after a server-side failure (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub halted: Option<WireHalt>,
    /// Number, clocks, sitting-out and disconnection rules (as the admin API shows them).
    #[serde(flatten)]
    pub settings: TableSettings,
}

impl WireTable {
    /// How `table` is listed now.
    pub fn of(table: &TableHandle) -> WireTable {
        let c = table.config();
        WireTable {
            table: c.name().as_str().to_owned(),
            game: c.game().as_str(),
            small_blind: c.small_blind(),
            big_blind: c.big_blind(),
            seats_max: c.seats(),
            buy_in_min: c.buy_in_min(),
            buy_in_max: c.buy_in_max(),
            halted: table.halted(),
            settings: TableSettings::from(c),
        }
    }
}

/// Why a table halted, in listings and snapshots: the same facts as its `table_halted`
/// event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WireHalt {
    /// Why, in a word: `store_failed` (the database refused a write) or `internal`.
    pub reason: &'static str,
    /// The hand in play (or whose record failed) when the table halted.
    pub hand: Option<u64>,
}

/// A request parsed from the socket: envelope checked, body typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The client's command id, echoed in the answer.
    pub id: u64,
    /// The request.
    pub body: ClientRequest,
}

/// A request the server could not read: the id if it could be read, why, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The request's id, when it could be read.
    pub id: Option<u64>,
    /// Why it was refused.
    pub code: RejectCode,
    /// Details.
    pub message: String,
}

impl Unreadable {
    fn new(id: Option<u64>, code: RejectCode, message: impl Into<String>) -> Unreadable {
        Unreadable {
            id,
            code,
            message: message.into(),
        }
    }

    /// The refusal to send back.
    pub fn into_message(self) -> ServerMessage {
        ServerMessage::rejected(self.id, self.code, self.message)
    }
}

/// The command id of a message, if it has a readable one (to answer a message refused
/// before it is handled, e.g. over the rate limit).
pub fn request_id(text: &str) -> Option<u64> {
    #[derive(Deserialize)]
    struct IdOnly {
        id: u64,
    }
    serde_json::from_str::<IdOnly>(text).ok().map(|m| m.id)
}

/// Parses one text message: `{"v": 1, "id": <u64>, "type": ..., ...}`.
pub fn parse_request(text: &str) -> Result<Request, Unreadable> {
    let mut value: serde_json::Value = serde_json::from_str(text)
        .map_err(|err| Unreadable::new(None, RejectCode::Malformed, err.to_string()))?;
    let object = value.as_object_mut().ok_or_else(|| {
        Unreadable::new(None, RejectCode::Malformed, "a message is a JSON object")
    })?;
    let id = object
        .remove("id")
        .and_then(|id| id.as_u64())
        .ok_or_else(|| {
            Unreadable::new(
                None,
                RejectCode::Malformed,
                "\"id\" must be a non-negative integer",
            )
        })?;
    match object.remove("v").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(WIRE_VERSION) => {}
        _ => {
            return Err(Unreadable::new(
                Some(id),
                RejectCode::UnsupportedVersion,
                format!("\"v\" must be {WIRE_VERSION}"),
            ))
        }
    }
    let body = serde_json::from_value(value)
        .map_err(|err| Unreadable::new(Some(id), RejectCode::Malformed, err.to_string()))?;
    Ok(Request { id, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(result: Result<Request, Unreadable>) -> (Option<u64>, RejectCode) {
        match result {
            Err(refusal) => (refusal.id, refusal.code),
            Ok(request) => panic!("expected a rejection, got {request:?}"),
        }
    }

    #[test]
    fn requests_parse_strictly() {
        let ok = parse_request(
            r#"{"v":1,"id":7,"type":"act","table":"t","hand":3,"action":"bet","amount":40}"#,
        )
        .expect("valid");
        assert_eq!(ok.id, 7);
        assert_eq!(
            ok.body,
            ClientRequest::Act {
                table: "t".into(),
                hand: 3,
                action: WireAction::Bet,
                amount: Some(40)
            }
        );
        assert_eq!(code(parse_request("nope")), (None, RejectCode::Malformed));
        assert_eq!(code(parse_request("[1]")), (None, RejectCode::Malformed));
        assert_eq!(
            code(parse_request(r#"{"v":1,"id":-1,"type":"list_tables"}"#)),
            (None, RejectCode::Malformed)
        );
        assert_eq!(
            code(parse_request(r#"{"v":2,"id":1,"type":"list_tables"}"#)),
            (Some(1), RejectCode::UnsupportedVersion)
        );
        assert_eq!(
            code(parse_request(
                r#"{"v":1,"id":1,"type":"list_tables","x":1}"#
            )),
            (Some(1), RejectCode::Malformed)
        );
        assert_eq!(
            code(parse_request(
                r#"{"v":1,"id":1,"type":"sit","table":"t","seat":3,"buy_in":1e99}"#
            )),
            (Some(1), RejectCode::Malformed)
        );
        assert_eq!(
            parse_request(r#"{"v":1,"id":2,"type":"resume","table":"t","last_seq":41}"#)
                .expect("valid")
                .body,
            ClientRequest::Resume {
                table: "t".into(),
                last_seq: 41
            }
        );
        assert_eq!(
            code(parse_request(
                r#"{"v":1,"id":2,"type":"resume","table":"t","last_seq":-1}"#
            )),
            (Some(2), RejectCode::Malformed)
        );
        assert_eq!(
            code(parse_request(r#"{"v":1,"id":1,"type":"fly"}"#)),
            (Some(1), RejectCode::Malformed)
        );
    }

    #[test]
    fn embedded_json_goes_out_as_it_came() {
        let event = WireEvent::CommitmentsClosed {
            hand: 2,
            commit_list: JsonText::or_null(r#"{"seats":[1,2],"sig":"ab"}"#.to_owned()),
            reveal_window_ms: 5,
        };
        assert_eq!(
            serde_json::to_string(&event).expect("serialize"),
            r#"{"kind":"commitments_closed","hand":2,"commit_list":{"seats":[1,2],"sig":"ab"},"reveal_window_ms":5}"#
        );
        assert_eq!(JsonText::or_null("{not json".to_owned()).get(), "null");
    }

    #[test]
    fn seat_status_shows_only_where_given() {
        let seat = |status| WireSeat {
            seat: 4,
            player: "carol".into(),
            stack: 200,
            status,
        };
        let plain = serde_json::to_value(seat(None)).expect("json");
        assert_eq!(
            plain,
            serde_json::json!({"seat": 4, "player": "carol", "stack": 200})
        );
        let status = WireSeatStatus {
            sitting_out: true,
            sit_out_next_hand: false,
            owes: "both",
            wait_for_big_blind: false,
        };
        let seated = serde_json::to_value(WireEvent::Seated {
            seat: seat(Some(status)),
        })
        .expect("json");
        assert_eq!(
            seated,
            serde_json::json!({"kind": "seated", "seat": 4, "player": "carol", "stack": 200,
                "sitting_out": true, "sit_out_next_hand": false, "owes": "both",
                "wait_for_big_blind": false})
        );
        let request = parse_request(r#"{"v":1,"id":2,"type":"sit_out_next_hand","table":"t"}"#)
            .expect("valid");
        assert_eq!(
            request.body,
            ClientRequest::SitOutNextHand {
                table: "t".into(),
                on: true
            }
        );
    }
}
