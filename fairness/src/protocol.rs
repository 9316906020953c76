//! The server's side of one hand, step by step: announce, collect commitments,
//! collect reveals, derive the deck, and sign the hand record (or a void).
//!
//! The session only sequences the protocol and refuses out-of-order steps; it
//! does no I/O and keeps no clock. Deadlines ("a seat that does not reveal in
//! time") are the caller's: when its clock says the reveal window is over it calls
//! [`HandSession::void_missing_reveals`].

use poker_core::Deck;
use thiserror::Error;

use crate::deal::{dealt_cards, BOARD_LENGTHS};
use crate::derive::deck_key;
use crate::digest::{ClientCommitment, RecordHash};
use crate::keys::ServerKey;
use crate::records::{
    Announcement, CommitEntry, CommitList, FinalStack, HandOutcome, HandRecord, HandStatus,
    LoggedAction, Reveal, SeedOrigin, SignedHandRecord,
};
use crate::seeds::{ClientSeed, ServerSeed};
use crate::setup::HandSetup;
use crate::shuffle::shuffle_deck;
use crate::signed::{Header, Signed};

/// Why a protocol step was refused. Refusals change nothing.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// Commitments must come once per seat of the setup, in ascending seat order.
    #[error("commitments must cover exactly the hand's seats, in ascending order")]
    CommitSeats,
    /// The commitments are already closed (or not yet closed, for a reveal).
    #[error("step out of order: {0}")]
    OutOfOrder(&'static str),
    /// No such seat in this hand.
    #[error("seat {0} is not in this hand")]
    UnknownSeat(u8),
    /// The revealed seed does not match the seat's commitment.
    #[error("seat {0} revealed a seed that does not match its commitment")]
    RevealMismatch(u8),
    /// The seat already revealed.
    #[error("seat {0} already revealed")]
    AlreadyRevealed(u8),
    /// The deck needs every seed; these seats have not revealed.
    #[error("seats {0:?} have not revealed")]
    MissingReveals(Vec<u8>),
    /// A void for missing reveals needs at least one missing reveal.
    #[error("every seat revealed; the hand is not void")]
    NothingMissing,
    /// Board cards can number 0, 3, 4 or 5.
    #[error("a board of {0} cards is not possible")]
    BoardLength(usize),
    /// Final stacks must list every seat of the hand in ascending order.
    #[error("final stacks must list exactly the hand's seats")]
    FinalStackSeats,
}

/// The server's state for one hand.
#[derive(Debug)]
pub struct HandSession {
    header: Header,
    seed: ServerSeed,
    announcement: Signed<Announcement>,
    commitments: Option<Signed<CommitList>>,
    reveals: Vec<Reveal>,
}

impl HandSession {
    /// Step 1: commits to `seed` (fresh from the OS, passed in) and signs the
    /// announcement of this hand's setup.
    pub fn announce(
        key: &ServerKey,
        table_id: u64,
        hand_no: u64,
        setup: HandSetup,
        seed: ServerSeed,
    ) -> HandSession {
        let header = Header {
            key_id: key.key_id(),
            table_id,
            hand_no,
        };
        let commitment = seed.commitment(table_id, hand_no);
        let reveals = setup
            .seats()
            .iter()
            .map(|s| Reveal {
                seat: s.seat,
                seed: None,
            })
            .collect();
        let announcement = Signed::sign(Announcement::new(header, commitment, setup), key);
        HandSession {
            header,
            seed,
            announcement,
            commitments: None,
            reveals,
        }
    }

    /// The signed announcement to publish.
    pub fn announcement(&self) -> &Signed<Announcement> {
        &self.announcement
    }

    /// The signed commit list, once closed.
    pub fn commitments(&self) -> Option<&Signed<CommitList>> {
        self.commitments.as_ref()
    }

    /// Step 2: signs the list of every seat's commitment. For a client that sent
    /// none in time, the server generates a seed itself, commits to it and marks it
    /// [`SeedOrigin::ServerGenerated`]; the caller passes that entry, and reveals
    /// the seed with [`HandSession::reveal`] like any other.
    pub fn close_commitments(
        &mut self,
        key: &ServerKey,
        entries: Vec<CommitEntry>,
    ) -> Result<&Signed<CommitList>, ProtocolError> {
        if self.commitments.is_some() {
            return Err(ProtocolError::OutOfOrder("commitments are already closed"));
        }
        let seats = self.announcement.body().setup().seats();
        if entries.len() != seats.len() || entries.iter().zip(seats).any(|(e, s)| e.seat != s.seat)
        {
            return Err(ProtocolError::CommitSeats);
        }
        let commitment = *self.announcement.body().server_commitment();
        let list = Signed::sign(CommitList::new(self.header, commitment, entries), key);
        Ok(self.commitments.insert(list))
    }

    /// The commitment a seat's seed must match, for a client that needs to make one.
    pub fn client_commitment(&self, seat: u8, seed: &ClientSeed) -> ClientCommitment {
        seed.commitment(
            self.header.table_id,
            self.header.hand_no,
            seat,
            self.announcement.body().server_commitment(),
        )
    }

    /// The commit list entries for client seeds chosen by their seats: one
    /// [`SeedOrigin::Client`] entry per `(seat, seed)`, committed with
    /// [`client_commitment`](Self::client_commitment), ready for
    /// [`close_commitments`](Self::close_commitments). (A seat whose seed the server
    /// generates needs its own entry.)
    pub fn client_commit_entries(&self, seeds: &[(u8, ClientSeed)]) -> Vec<CommitEntry> {
        seeds
            .iter()
            .map(|(seat, seed)| CommitEntry {
                seat: *seat,
                origin: SeedOrigin::Client,
                commitment: self.client_commitment(*seat, seed),
            })
            .collect()
    }

    /// Step 3: accepts a seat's revealed seed if it matches its commitment.
    pub fn reveal(&mut self, seat: u8, seed: ClientSeed) -> Result<(), ProtocolError> {
        let list = self
            .commitments
            .as_ref()
            .ok_or(ProtocolError::OutOfOrder("reveal before the commit list"))?;
        let entry = list
            .body()
            .entries()
            .iter()
            .find(|e| e.seat == seat)
            .ok_or(ProtocolError::UnknownSeat(seat))?;
        if self.client_commitment(seat, &seed) != entry.commitment {
            return Err(ProtocolError::RevealMismatch(seat));
        }
        let slot = self
            .reveals
            .iter_mut()
            .find(|r| r.seat == seat)
            .ok_or(ProtocolError::UnknownSeat(seat))?;
        if slot.seed.is_some() {
            return Err(ProtocolError::AlreadyRevealed(seat));
        }
        slot.seed = Some(seed);
        Ok(())
    }

    /// Seats that have not revealed yet.
    pub fn missing_reveals(&self) -> Vec<u8> {
        self.reveals
            .iter()
            .filter(|r| r.seed.is_none())
            .map(|r| r.seat)
            .collect()
    }

    /// How many seeds came from players' clients (independent entropy).
    pub fn independent_seeds(&self) -> usize {
        self.commitments.as_ref().map_or(0, |list| {
            list.body()
                .entries()
                .iter()
                .filter(|e| e.origin == SeedOrigin::Client)
                .count()
        })
    }

    /// The deck, once every seat has revealed.
    pub fn deck(&self) -> Result<Deck, ProtocolError> {
        if self.commitments.is_none() {
            return Err(ProtocolError::OutOfOrder("deck before the commit list"));
        }
        let missing = self.missing_reveals();
        if !missing.is_empty() {
            return Err(ProtocolError::MissingReveals(missing));
        }
        let seeds: Vec<(u8, &ClientSeed)> = self
            .reveals
            .iter()
            .filter_map(|r| r.seed.as_ref().map(|s| (r.seat, s)))
            .collect();
        let body = self.announcement.body();
        let key = deck_key(
            &self.seed,
            self.header.table_id,
            self.header.hand_no,
            body.server_commitment(),
            &seeds,
        )
        .expect("reveals are kept in ascending seat order");
        Ok(shuffle_deck(&key, body.setup().variant().deck_kind())
            .expect("a ChaCha20 stream never hits the rejection limit"))
    }

    /// Step 4: the signed record of a hand played to the end. `board_len` is how
    /// many board cards were dealt; `final_stacks` are the engine's final stacks.
    pub fn finish(
        self,
        key: &ServerKey,
        previous: RecordHash,
        actions: Vec<LoggedAction>,
        board_len: usize,
        final_stacks: Vec<FinalStack>,
    ) -> Result<SignedHandRecord, ProtocolError> {
        self.dealt_record(
            key,
            previous,
            HandStatus::Completed,
            Vec::new(),
            actions,
            board_len,
            final_stacks,
        )
    }

    /// A void after the deal (server abort or crash recovery): the actions so far
    /// are logged, `flagged` names seats to flag (may be empty), and every seat is
    /// refunded to its starting stack.
    pub fn void_aborted(
        self,
        key: &ServerKey,
        previous: RecordHash,
        actions: Vec<LoggedAction>,
        board_len: usize,
        flagged: Vec<u8>,
    ) -> Result<SignedHandRecord, ProtocolError> {
        let refunds = self.starting_stacks();
        self.dealt_record(
            key,
            previous,
            HandStatus::VoidAborted,
            flagged,
            actions,
            board_len,
            refunds,
        )
    }

    /// A void because seats did not reveal in time: the server seed is still
    /// revealed, the missing seats are flagged, nothing was dealt and every stack
    /// is unchanged.
    pub fn void_missing_reveals(
        self,
        key: &ServerKey,
        previous: RecordHash,
    ) -> Result<SignedHandRecord, ProtocolError> {
        let commitments = self.commitments_for_void()?;
        let flagged = self.missing_reveals();
        if flagged.is_empty() {
            return Err(ProtocolError::NothingMissing);
        }
        Ok(self.undealt_void(
            key,
            previous,
            commitments,
            HandStatus::VoidMissingReveal,
            flagged,
        ))
    }

    /// A void because the server stopped (crash or shutdown) after the commit list and
    /// before the deal: the server seed and the client seeds revealed so far are shown,
    /// no seat is flagged (nobody else did anything wrong), nothing is dealt and every
    /// stack is unchanged.
    pub fn void_interrupted_before_deal(
        self,
        key: &ServerKey,
        previous: RecordHash,
    ) -> Result<SignedHandRecord, ProtocolError> {
        let commitments = self.commitments_for_void()?;
        Ok(self.undealt_void(
            key,
            previous,
            commitments,
            HandStatus::VoidInterruptedBeforeDeal,
            Vec::new(),
        ))
    }

    /// The signed commit list a void before the deal refers to; there is none to void
    /// against before the commitments close.
    fn commitments_for_void(&self) -> Result<Signed<CommitList>, ProtocolError> {
        self.commitments
            .clone()
            .ok_or(ProtocolError::OutOfOrder("void before the commit list"))
    }

    /// The signed record of a hand voided before the deal: nothing dealt or acted, every
    /// stack as it started, `flagged` the seats at fault.
    fn undealt_void(
        self,
        key: &ServerKey,
        previous: RecordHash,
        commitments: Signed<CommitList>,
        status: HandStatus,
        flagged: Vec<u8>,
    ) -> SignedHandRecord {
        let outcome = HandOutcome {
            status,
            flagged,
            deck: None,
            hole_cards: Vec::new(),
            board: Vec::new(),
            actions: Vec::new(),
            final_stacks: self.starting_stacks(),
        };
        self.sign_record(key, previous, commitments, outcome)
    }

    fn starting_stacks(&self) -> Vec<FinalStack> {
        self.announcement
            .body()
            .setup()
            .seats()
            .iter()
            .map(|s| FinalStack {
                seat: s.seat,
                stack: s.stack,
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn dealt_record(
        self,
        key: &ServerKey,
        previous: RecordHash,
        status: HandStatus,
        flagged: Vec<u8>,
        actions: Vec<LoggedAction>,
        board_len: usize,
        final_stacks: Vec<FinalStack>,
    ) -> Result<SignedHandRecord, ProtocolError> {
        if !BOARD_LENGTHS.contains(&board_len) {
            return Err(ProtocolError::BoardLength(board_len));
        }
        let seats = self.announcement.body().setup().seats();
        if final_stacks.len() != seats.len()
            || final_stacks
                .iter()
                .zip(seats)
                .any(|(f, s)| f.seat != s.seat)
        {
            return Err(ProtocolError::FinalStackSeats);
        }
        let deck = self.deck()?;
        let commitments = self
            .commitments
            .clone()
            .ok_or(ProtocolError::OutOfOrder("record before the commit list"))?;
        let (hole_cards, board) = dealt_cards(self.announcement.body().setup(), &deck, board_len);
        let outcome = HandOutcome {
            status,
            flagged,
            deck: Some(deck),
            hole_cards,
            board,
            actions,
            final_stacks,
        };
        Ok(self.sign_record(key, previous, commitments, outcome))
    }

    fn sign_record(
        self,
        key: &ServerKey,
        previous: RecordHash,
        commitments: Signed<CommitList>,
        outcome: HandOutcome,
    ) -> SignedHandRecord {
        let record = HandRecord::new(
            self.header,
            previous,
            self.announcement.clone(),
            commitments,
            self.seed.clone(),
            self.reveals.clone(),
            outcome,
        );
        Signed::sign(record, key)
    }
}
