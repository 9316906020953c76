//! The three signed messages of a hand: the announcement, the list of client-seed
//! commitments, and the hand record; with their canonical layouts.

use poker_core::{Card, Deck};
use serde::{Deserialize, Serialize};

use crate::digest::{sha256, ClientCommitment, RecordHash, ServerCommitment};
use crate::encoding::{tags, DecodeError, Decoder, Encoder};
use crate::seeds::{ClientSeed, ServerSeed};
use crate::setup::{bad, not_ascending, HandSetup, SeatEntry, MAX_SEATS};
use crate::signed::{Body, Header, Signed, MAX_MESSAGE_BYTES};

/// Most actions a hand record may log.
pub const MAX_ACTIONS: usize = 4096;
/// Most cards one seat may be dealt.
pub const MAX_HOLE_CARDS: usize = 6;
/// Most board cards.
pub const MAX_BOARD_CARDS: usize = 5;

/// Step 1: the server's signed commitment to its seed and to the hand's setup,
/// published before any player contributes entropy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    header: Header,
    server_commitment: ServerCommitment,
    setup: HandSetup,
}

impl Announcement {
    pub(crate) fn new(
        header: Header,
        server_commitment: ServerCommitment,
        setup: HandSetup,
    ) -> Self {
        Announcement {
            header,
            server_commitment,
            setup,
        }
    }
    /// The commitment to the server seed.
    pub fn server_commitment(&self) -> &ServerCommitment {
        &self.server_commitment
    }
    /// The hand's configuration and seats.
    pub fn setup(&self) -> &HandSetup {
        &self.setup
    }
}

impl Body for Announcement {
    const TAG: &'static str = tags::ANNOUNCEMENT;
    fn header(&self) -> &Header {
        &self.header
    }
    fn encode_fields(&self, enc: &mut Encoder) {
        enc.fixed(self.server_commitment.as_bytes());
        self.setup.encode(enc);
    }
    fn decode_fields(header: Header, dec: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        Ok(Announcement {
            header,
            server_commitment: ServerCommitment::from_bytes(dec.array()?),
            setup: HandSetup::decode(dec)?,
        })
    }
}

/// Who produced a client seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedOrigin {
    /// The player's client `[0]`: independent entropy.
    Client,
    /// The server, for a client that supplied no commitment in time `[1]`. Not
    /// counted as independent entropy.
    ServerGenerated,
}

/// One seat's commitment in the commit list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitEntry {
    /// The seat.
    pub seat: u8,
    /// Who made the seed.
    pub origin: SeedOrigin,
    /// `SHA-256` commitment to the seed.
    pub commitment: ClientCommitment,
}

/// Step 2: the signed list of every seat's client-seed commitment, published once
/// all are in and before any seed is revealed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitList {
    header: Header,
    server_commitment: ServerCommitment,
    entries: Vec<CommitEntry>,
}

impl CommitList {
    pub(crate) fn new(
        header: Header,
        server_commitment: ServerCommitment,
        entries: Vec<CommitEntry>,
    ) -> Self {
        CommitList {
            header,
            server_commitment,
            entries,
        }
    }
    /// The server commitment this list follows.
    pub fn server_commitment(&self) -> &ServerCommitment {
        &self.server_commitment
    }
    /// The commitments, in ascending seat order.
    pub fn entries(&self) -> &[CommitEntry] {
        &self.entries
    }
}

impl Body for CommitList {
    const TAG: &'static str = tags::COMMIT_LIST;
    fn header(&self) -> &Header {
        &self.header
    }
    fn encode_fields(&self, enc: &mut Encoder) {
        enc.fixed(self.server_commitment.as_bytes())
            .count(self.entries.len());
        for entry in &self.entries {
            enc.u8(entry.seat)
                .u8(match entry.origin {
                    SeedOrigin::Client => 0,
                    SeedOrigin::ServerGenerated => 1,
                })
                .fixed(entry.commitment.as_bytes());
        }
    }
    fn decode_fields(header: Header, dec: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let server_commitment = ServerCommitment::from_bytes(dec.array()?);
        let count = dec.count(usize::from(MAX_SEATS), "commitments")?;
        let mut entries: Vec<CommitEntry> = Vec::with_capacity(count);
        for _ in 0..count {
            let seat = decode_seat(dec, entries.last().map(|e| e.seat), "commitments")?;
            let origin = match dec.u8()? {
                0 => SeedOrigin::Client,
                1 => SeedOrigin::ServerGenerated,
                other => return Err(bad("origin", other)),
            };
            entries.push(CommitEntry {
                seat,
                origin,
                commitment: ClientCommitment::from_bytes(dec.array()?),
            });
        }
        Ok(CommitList {
            header,
            server_commitment,
            entries,
        })
    }
}

/// One seat's revealed client seed, or `None` if it was not revealed in time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reveal {
    /// The seat.
    pub seat: u8,
    /// The seed, if revealed.
    pub seed: Option<ClientSeed>,
}

/// How the hand ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandStatus {
    /// Played to the end `[0]`.
    Completed,
    /// Void before the deal: at least one seat did not reveal its seed `[1]`.
    VoidMissingReveal,
    /// Void after the deal (server abort or crash): the logged actions are a
    /// prefix of an unfinished hand and every stack is refunded `[2]`.
    VoidAborted,
    /// Void before the deal because the server stopped (crash or shutdown) during the
    /// seed exchange: the seeds revealed so far are shown, no seat is flagged, nothing
    /// was dealt and every stack is unchanged `[3]`.
    VoidInterruptedBeforeDeal,
}

/// A player action as logged (wire code in brackets).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "to", rename_all = "snake_case")]
pub enum RecordedAction {
    /// `[0]`
    Fold,
    /// `[1]`
    Check,
    /// `[2]` calls (all-in for less if the stack does not cover).
    Call,
    /// `[3]` bet or raise to this street total.
    BetTo(u64),
    /// `[4]` the clock ran out: check if free, otherwise fold.
    TimeOut,
}

/// How the engine action a seat took is logged: the same five kinds, a bet or raise with
/// its street total in chips.
///
/// ```
/// use fairness::RecordedAction;
/// use poker_core::{Action, Chips};
///
/// assert_eq!(RecordedAction::from(Action::BetTo(Chips::new(6))), RecordedAction::BetTo(6));
/// ```
impl From<poker_core::Action> for RecordedAction {
    fn from(action: poker_core::Action) -> RecordedAction {
        match action {
            poker_core::Action::Fold => RecordedAction::Fold,
            poker_core::Action::Check => RecordedAction::Check,
            poker_core::Action::Call => RecordedAction::Call,
            poker_core::Action::BetTo(to) => RecordedAction::BetTo(to.get()),
            poker_core::Action::TimeOut => RecordedAction::TimeOut,
        }
    }
}

/// One entry of the action log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedAction {
    /// Who acted.
    pub seat: u8,
    /// What they did.
    pub action: RecordedAction,
}

/// One seat's hole cards as dealt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoleCards {
    /// The seat.
    pub seat: u8,
    /// The cards, in the order dealt.
    #[serde(with = "crate::cards_text")]
    pub cards: Vec<Card>,
}

/// One seat's stack after the hand (after refunds for a void).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalStack {
    /// The seat.
    pub seat: u8,
    /// Its stack.
    pub stack: u64,
}

impl FinalStack {
    /// Every seat's stack in an engine hand (a finished one, for a record), in seat order.
    ///
    /// ```
    /// let setup = fairness::doc_support::heads_up_setup();
    /// let deck = poker_core::Deck::ordered(poker_core::DeckKind::Standard);
    /// let (hand, _) = fairness::start_hand(&setup, deck).expect("a valid start");
    /// let stacks = fairness::FinalStack::all_of(&hand);
    /// // The blinds are in the pot: seat 0 (button, small blind) and seat 3 (big blind).
    /// let stacks: Vec<(u8, u64)> = stacks.iter().map(|s| (s.seat, s.stack)).collect();
    /// assert_eq!(stacks, [(0, 199), (3, 198)]);
    /// ```
    pub fn all_of(hand: &poker_core::Hand) -> Vec<FinalStack> {
        hand.stacks()
            .into_iter()
            .map(|(seat, stack)| FinalStack {
                seat: seat.index(),
                stack: stack.get(),
            })
            .collect()
    }
}

/// What a hand record states about how the hand went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandOutcome {
    /// How the hand ended.
    pub status: HandStatus,
    /// Seats flagged for misbehaviour (the seats that did not reveal, for
    /// [`HandStatus::VoidMissingReveal`]).
    pub flagged: Vec<u8>,
    /// The full deck, when it could be derived (every seed revealed).
    #[serde(with = "crate::cards_text::deck")]
    pub deck: Option<Deck>,
    /// Hole cards dealt, in ascending seat order.
    pub hole_cards: Vec<HoleCards>,
    /// Board cards dealt, in order (burn cards excluded).
    #[serde(with = "crate::cards_text")]
    pub board: Vec<Card>,
    /// Every action, in order.
    pub actions: Vec<LoggedAction>,
    /// Every seat's stack at the end, in ascending seat order.
    pub final_stacks: Vec<FinalStack>,
}

/// Step 4: the signed record of a hand, holding everything needed to verify it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandRecord {
    header: Header,
    previous: RecordHash,
    announcement: Signed<Announcement>,
    commitments: Signed<CommitList>,
    server_seed: ServerSeed,
    reveals: Vec<Reveal>,
    outcome: HandOutcome,
}

/// A signed hand record, the unit that is published, chained and verified.
pub type SignedHandRecord = Signed<HandRecord>;

impl HandRecord {
    pub(crate) fn new(
        header: Header,
        previous: RecordHash,
        announcement: Signed<Announcement>,
        commitments: Signed<CommitList>,
        server_seed: ServerSeed,
        reveals: Vec<Reveal>,
        outcome: HandOutcome,
    ) -> HandRecord {
        HandRecord {
            header,
            previous,
            announcement,
            commitments,
            server_seed,
            reveals,
            outcome,
        }
    }
    /// Hash of the table's previous record ([`RecordHash::GENESIS`] for the first).
    pub fn previous(&self) -> &RecordHash {
        &self.previous
    }
    /// The signed announcement.
    pub fn announcement(&self) -> &Signed<Announcement> {
        &self.announcement
    }
    /// The signed commit list.
    pub fn commitments(&self) -> &Signed<CommitList> {
        &self.commitments
    }
    /// The revealed server seed.
    pub fn server_seed(&self) -> &ServerSeed {
        &self.server_seed
    }
    /// The client seeds, in ascending seat order.
    pub fn reveals(&self) -> &[Reveal] {
        &self.reveals
    }
    /// How the hand went.
    pub fn outcome(&self) -> &HandOutcome {
        &self.outcome
    }

    /// Mutable access for tamper tests and negative test vectors only.
    #[doc(hidden)]
    pub fn tamper(&mut self) -> TamperAccess<'_> {
        TamperAccess(self)
    }
}

/// Mutable view of a record for building negative test cases.
#[doc(hidden)]
#[derive(Debug)]
pub struct TamperAccess<'a>(&'a mut HandRecord);

#[allow(missing_docs)]
impl TamperAccess<'_> {
    pub fn header(&mut self) -> &mut Header {
        &mut self.0.header
    }
    pub fn previous(&mut self) -> &mut RecordHash {
        &mut self.0.previous
    }
    pub fn announcement(&mut self) -> &mut Signed<Announcement> {
        &mut self.0.announcement
    }
    pub fn commitments(&mut self) -> &mut Signed<CommitList> {
        &mut self.0.commitments
    }
    pub fn server_seed(&mut self) -> &mut ServerSeed {
        &mut self.0.server_seed
    }
    pub fn reveals(&mut self) -> &mut Vec<Reveal> {
        &mut self.0.reveals
    }
    pub fn outcome(&mut self) -> &mut HandOutcome {
        &mut self.0.outcome
    }
}

impl SignedHandRecord {
    /// The seats dealt in, with their players and starting stacks, from the record's signed
    /// announcement.
    pub fn seats(&self) -> &[SeatEntry] {
        self.body().announcement().body().setup().seats()
    }

    /// Seat `seat`'s entry in [`SignedHandRecord::seats`], if it was dealt in.
    pub fn seat_entry(&self, seat: u8) -> Option<&SeatEntry> {
        self.seats().iter().find(|entry| entry.seat == seat)
    }

    /// `SHA-256(lp("fairdeal/v1/record-hash") ‖ signed record bytes)`: what the
    /// table's next record links to.
    pub fn record_hash(&self) -> RecordHash {
        let mut enc = Encoder::tagged(tags::RECORD_HASH);
        enc.fixed(&self.to_bytes());
        RecordHash::from_bytes(sha256(&[&enc.finish()]))
    }
}

impl Body for HandRecord {
    const TAG: &'static str = tags::HAND_RECORD;
    fn header(&self) -> &Header {
        &self.header
    }
    fn encode_fields(&self, enc: &mut Encoder) {
        enc.fixed(self.previous.as_bytes())
            .bytes(&self.announcement.to_bytes())
            .bytes(&self.commitments.to_bytes())
            .fixed(self.server_seed.expose())
            .count(self.reveals.len());
        for reveal in &self.reveals {
            enc.u8(reveal.seat);
            match &reveal.seed {
                None => enc.u8(0),
                Some(seed) => enc.u8(1).fixed(seed.expose()),
            };
        }
        let o = &self.outcome;
        enc.u8(match o.status {
            HandStatus::Completed => 0,
            HandStatus::VoidMissingReveal => 1,
            HandStatus::VoidAborted => 2,
            HandStatus::VoidInterruptedBeforeDeal => 3,
        })
        .count(o.flagged.len());
        for &seat in &o.flagged {
            enc.u8(seat);
        }
        let deck = o.deck.as_ref().map_or(&[][..], Deck::cards);
        encode_cards(enc, deck);
        enc.count(o.hole_cards.len());
        for hole in &o.hole_cards {
            enc.u8(hole.seat);
            encode_cards(enc, &hole.cards);
        }
        encode_cards(enc, &o.board);
        enc.count(o.actions.len());
        for logged in &o.actions {
            let (code, amount) = match logged.action {
                RecordedAction::Fold => (0, 0),
                RecordedAction::Check => (1, 0),
                RecordedAction::Call => (2, 0),
                RecordedAction::BetTo(to) => (3, to),
                RecordedAction::TimeOut => (4, 0),
            };
            enc.u8(logged.seat).u8(code).u64(amount);
        }
        enc.count(o.final_stacks.len());
        for f in &o.final_stacks {
            enc.u8(f.seat).u64(f.stack);
        }
    }
    fn decode_fields(header: Header, dec: &mut Decoder<'_>) -> Result<Self, DecodeError> {
        let previous = RecordHash::from_bytes(dec.array()?);
        let announcement =
            Signed::<Announcement>::from_bytes(dec.bytes(MAX_MESSAGE_BYTES, "announcement")?)?;
        let commitments =
            Signed::<CommitList>::from_bytes(dec.bytes(MAX_MESSAGE_BYTES, "commitments")?)?;
        let server_seed = ServerSeed::from_bytes(dec.array()?);
        let count = dec.count(usize::from(MAX_SEATS), "reveals")?;
        let mut reveals: Vec<Reveal> = Vec::with_capacity(count);
        for _ in 0..count {
            let seat = decode_seat(dec, reveals.last().map(|r| r.seat), "reveals")?;
            let seed = if dec.flag("revealed")? {
                Some(ClientSeed::from_bytes(dec.array()?))
            } else {
                None
            };
            reveals.push(Reveal { seat, seed });
        }
        let status = match dec.u8()? {
            0 => HandStatus::Completed,
            1 => HandStatus::VoidMissingReveal,
            2 => HandStatus::VoidAborted,
            3 => HandStatus::VoidInterruptedBeforeDeal,
            other => return Err(bad("status", other)),
        };
        let count = dec.count(usize::from(MAX_SEATS), "flagged")?;
        let mut flagged: Vec<u8> = Vec::with_capacity(count);
        for _ in 0..count {
            flagged.push(decode_seat(dec, flagged.last().copied(), "flagged")?);
        }
        let deck_cards = decode_cards(dec, poker_core::card::CARDS_IN_STANDARD_DECK, "deck")?;
        let deck = if deck_cards.is_empty() {
            None
        } else {
            let kind = announcement.body().setup().variant().deck_kind();
            Some(
                Deck::new(kind, deck_cards).map_err(|_| DecodeError::Invalid {
                    field: "deck",
                    reason: "not a permutation of the variant's deck",
                })?,
            )
        };
        let count = dec.count(usize::from(MAX_SEATS), "hole_cards")?;
        let mut hole_cards: Vec<HoleCards> = Vec::with_capacity(count);
        for _ in 0..count {
            let seat = decode_seat(dec, hole_cards.last().map(|h| h.seat), "hole_cards")?;
            let cards = decode_cards(dec, MAX_HOLE_CARDS, "hole_cards")?;
            hole_cards.push(HoleCards { seat, cards });
        }
        let board = decode_cards(dec, MAX_BOARD_CARDS, "board")?;
        let count = dec.count(MAX_ACTIONS, "actions")?;
        let mut actions = Vec::with_capacity(count);
        for _ in 0..count {
            let seat = dec.u8()?;
            if seat >= MAX_SEATS {
                return Err(bad("action seat", seat));
            }
            let code = dec.u8()?;
            let amount = dec.u64()?;
            let action = match (code, amount) {
                (0, 0) => RecordedAction::Fold,
                (1, 0) => RecordedAction::Check,
                (2, 0) => RecordedAction::Call,
                (3, to) => RecordedAction::BetTo(to),
                (4, 0) => RecordedAction::TimeOut,
                (0..=4, _) => {
                    return Err(DecodeError::Invalid {
                        field: "action amount",
                        reason: "only bet_to carries an amount",
                    })
                }
                (other, _) => return Err(bad("action", other)),
            };
            actions.push(LoggedAction { seat, action });
        }
        let count = dec.count(usize::from(MAX_SEATS), "final_stacks")?;
        let mut final_stacks: Vec<FinalStack> = Vec::with_capacity(count);
        for _ in 0..count {
            let seat = decode_seat(dec, final_stacks.last().map(|f| f.seat), "final_stacks")?;
            final_stacks.push(FinalStack {
                seat,
                stack: dec.u64()?,
            });
        }
        Ok(HandRecord {
            header,
            previous,
            announcement,
            commitments,
            server_seed,
            reveals,
            outcome: HandOutcome {
                status,
                flagged,
                deck,
                hole_cards,
                board,
                actions,
                final_stacks,
            },
        })
    }
}

/// A seat number below [`MAX_SEATS`], strictly above `previous`.
fn decode_seat(
    dec: &mut Decoder<'_>,
    previous: Option<u8>,
    field: &'static str,
) -> Result<u8, DecodeError> {
    let seat = dec.u8()?;
    if seat >= MAX_SEATS {
        return Err(bad(field, seat));
    }
    if previous.is_some_and(|p| p >= seat) {
        return Err(not_ascending(field));
    }
    Ok(seat)
}

fn encode_cards(enc: &mut Encoder, cards: &[Card]) {
    enc.count(cards.len());
    for card in cards {
        enc.u8(card.index());
    }
}

fn decode_cards(
    dec: &mut Decoder<'_>,
    max: usize,
    field: &'static str,
) -> Result<Vec<Card>, DecodeError> {
    let count = dec.count(max, field)?;
    let mut cards = Vec::with_capacity(count);
    let mut seen = poker_core::CardSet::EMPTY;
    for _ in 0..count {
        let index = dec.u8()?;
        let card = Card::from_index(index).ok_or_else(|| bad(field, index))?;
        if !seen.insert(card) {
            return Err(DecodeError::Invalid {
                field,
                reason: "a card appears twice",
            });
        }
        cards.push(card);
    }
    Ok(cards)
}
