//! `verify`: every check of one signed hand record, in a fixed order, each failure
//! named by its own error. The server (before publishing) and `poker-verify`
//! (after downloading) call this same function.

use poker_core::{Card, Deck};
use thiserror::Error;

use crate::deal::{dealt_cards, BOARD_LENGTHS};
use crate::derive::deck_key;
use crate::digest::{KeyId, RecordHash};
use crate::encoding::DecodeError;
use crate::keys::{KeyRing, PublicKey};
use crate::records::{FinalStack, HandRecord, HandStatus, HoleCards, SeedOrigin, SignedHandRecord};
use crate::seeds::ClientSeed;
use crate::shuffle::shuffle_deck;

/// Which signed message a signature belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignedPart {
    /// The hand record itself.
    Record,
    /// The announcement embedded in it.
    Announcement,
    /// The commit list embedded in it.
    CommitList,
}

/// What the verifier knows about the record before this one at the same table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Predecessor {
    /// Nothing: the chain link is not checked (it is reported in [`VerifiedHand`]).
    Unknown,
    /// This must be the table's first record.
    Genesis,
    /// The previous record: this one must link to its hash, at the same table, with
    /// the next hand number.
    Record {
        /// Hash of the previous signed record.
        hash: RecordHash,
        /// Its table.
        table_id: u64,
        /// Its hand number.
        hand_no: u64,
        /// Generation of the key that signed it (keys never go back to an older one).
        key_generation: u32,
    },
}

/// The check that failed. Checks run in the order of the variants.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The bytes or JSON are not a well-formed record.
    #[error("malformed record: {0}")]
    Malformed(#[from] DecodeError),
    /// A message is signed by a key the verifier does not trust.
    #[error("signed by unknown key {0}")]
    UnknownKey(KeyId),
    /// A signature does not verify.
    #[error("the signature on the {0:?} is invalid")]
    Signature(SignedPart),
    /// The record does not continue the chain it is checked against.
    #[error("chain link broken: {0}")]
    ChainLink(&'static str),
    /// The announcement, commit list and record disagree about which hand, key or
    /// seats they are about.
    #[error("the parts of the record disagree: {0}")]
    Binding(&'static str),
    /// The revealed server seed does not match the announced commitment.
    #[error("the server seed does not match the announced commitment")]
    Commitment,
    /// A client seed does not match its commitment, or is missing in a hand that
    /// was dealt.
    #[error("client seed of seat {seat}: {problem}")]
    ClientSeedReveal {
        /// The seat.
        seat: u8,
        /// What is wrong.
        problem: &'static str,
    },
    /// The recorded deck is not the deck the seeds derive.
    #[error("the recorded deck is not the deck derived from the seeds")]
    Deck,
    /// Recorded hole or board cards are not the dealing order's cards of the deck.
    #[error("dealt cards do not follow the dealing order: {0}")]
    Dealing(String),
    /// The action log does not replay through the engine.
    #[error("replay failed at {}: {reason}", action.map_or("the start".to_string(), |i| format!("action {i}")))]
    Replay {
        /// Index of the refused action (`None` when the hand cannot start).
        action: Option<usize>,
        /// The engine's reason.
        reason: String,
    },
    /// A recorded final stack differs from the replayed one.
    #[error("seat {seat}: recorded final stack {recorded}, replay gives {replayed}")]
    Payout {
        /// The seat.
        seat: u8,
        /// What the record says.
        recorded: u64,
        /// What replaying the hand gives.
        replayed: u64,
    },
    /// A void record breaks the void rules.
    #[error("void record: {0}")]
    Void(&'static str),
}

impl VerifyError {
    /// A stable one-word name of the failed check, used in test vectors and by
    /// `poker-verify`: `malformed`, `unknown-key`, `signature`, `chain-link`,
    /// `binding`, `commitment`, `client-seed`, `deck`, `dealing`, `replay`,
    /// `payout`, `void`.
    pub fn check(&self) -> &'static str {
        match self {
            VerifyError::Malformed(_) => "malformed",
            VerifyError::UnknownKey(_) => "unknown-key",
            VerifyError::Signature(_) => "signature",
            VerifyError::ChainLink(_) => "chain-link",
            VerifyError::Binding(_) => "binding",
            VerifyError::Commitment => "commitment",
            VerifyError::ClientSeedReveal { .. } => "client-seed",
            VerifyError::Deck => "deck",
            VerifyError::Dealing(_) => "dealing",
            VerifyError::Replay { .. } => "replay",
            VerifyError::Payout { .. } => "payout",
            VerifyError::Void(_) => "void",
        }
    }
}

/// The steps of [`verify`] (specification §10, after decoding), in the order they
/// run. [`verify_traced`] reports each one as it completes, so a failure is always
/// in the first step not reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VerifyStep {
    /// The record's key is trusted and every part names it (`unknown-key`, `binding`).
    Key,
    /// The three signatures verify (`signature`).
    Signatures,
    /// The link to the previous record (`chain-link`).
    ChainLink,
    /// The parts agree on table, hand, server commitment and seats (`binding`).
    Binding,
    /// The server seed matches its commitment (`commitment`).
    Commitment,
    /// Each revealed client seed matches its commitment; a dealt hand has them
    /// all (`client-seed`).
    ClientSeeds,
    /// The rules of a hand voided before the deal (`void`).
    Void,
    /// The seeds derive the recorded deck (`deck`).
    Deck,
    /// Hole and board cards are at their dealing-order positions (`dealing`).
    Dealing,
    /// The action log replays through the engine (`replay`, `dealing`, `void`).
    Replay,
    /// The final stacks are the replayed (or refunded) ones (`payout`).
    Payouts,
}

impl VerifyStep {
    /// Every step, in the order they run.
    pub const ALL: [VerifyStep; 11] = [
        VerifyStep::Key,
        VerifyStep::Signatures,
        VerifyStep::ChainLink,
        VerifyStep::Binding,
        VerifyStep::Commitment,
        VerifyStep::ClientSeeds,
        VerifyStep::Void,
        VerifyStep::Deck,
        VerifyStep::Dealing,
        VerifyStep::Replay,
        VerifyStep::Payouts,
    ];

    /// A short description for reports.
    pub fn describe(self) -> &'static str {
        match self {
            VerifyStep::Key => "signed by the trusted server key",
            VerifyStep::Signatures => "signatures on record, announcement and commit list",
            VerifyStep::ChainLink => "link to the previous record",
            VerifyStep::Binding => "parts agree on table, hand and seats",
            VerifyStep::Commitment => "server seed matches its announced commitment",
            VerifyStep::ClientSeeds => "client seeds match their commitments",
            VerifyStep::Void => "void-before-deal rules",
            VerifyStep::Deck => "deck derived from the seeds",
            VerifyStep::Dealing => "cards dealt at their dealing-order positions",
            VerifyStep::Replay => "action log replays through the engine",
            VerifyStep::Payouts => "final stacks match the replay",
        }
    }
}

/// How a step of [`verify_traced`] ended (a failed step returns the error instead).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepOutcome {
    /// The step ran and passed.
    Passed,
    /// The step does not apply to this record; the reason says why.
    Skipped(&'static str),
}

/// A record that passed every check, with what a player wants to know about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedHand {
    /// The table.
    pub table_id: u64,
    /// The hand number.
    pub hand_no: u64,
    /// Key that signed it.
    pub key_id: KeyId,
    /// That key's generation in the key ring.
    pub key_generation: u32,
    /// Hash of this record (the next record's link).
    pub record_hash: RecordHash,
    /// Hash of the previous record, as stated by this one.
    pub previous: RecordHash,
    /// How the hand ended.
    pub status: HandStatus,
    /// The derived deck (absent for a void before the deal).
    pub deck: Option<Deck>,
    /// Hole cards per seat.
    pub hole_cards: Vec<HoleCards>,
    /// Board cards.
    pub board: Vec<Card>,
    /// Seats whose seed came from their own client.
    pub independent_seats: Vec<u8>,
    /// Seats whose seed the server generated (not independent entropy).
    pub server_generated_seats: Vec<u8>,
    /// Flagged seats.
    pub flagged: Vec<u8>,
    /// Final stacks.
    pub final_stacks: Vec<FinalStack>,
}

/// Verifies one signed hand record against the trusted keys and, if known, the
/// table's previous record. Signatures are checked with `verify_strict`.
///
/// ```
/// # use fairness::*;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let (key, record) = fairness::doc_support::voided_hand();
/// let keys = KeyRing::new(*key.public());
/// let verified = verify(&record, &keys, Predecessor::Genesis)?;
/// assert_eq!(verified.status, HandStatus::VoidMissingReveal);
/// # Ok(()) }
/// ```
pub fn verify(
    record: &SignedHandRecord,
    keys: &KeyRing,
    predecessor: Predecessor,
) -> Result<VerifiedHand, VerifyError> {
    verify_traced(record, keys, predecessor, |_, _| {})
}

/// [`verify`], calling `on_step` as each [`VerifyStep`] completes (in the order of
/// [`VerifyStep::ALL`]). On an error, the failed step is the first one not reported.
///
/// ```
/// # use fairness::*;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let (key, record) = fairness::doc_support::voided_hand();
/// let mut steps = Vec::new();
/// verify_traced(&record, &KeyRing::new(*key.public()), Predecessor::Genesis, |step, outcome| {
///     steps.push((step, outcome))
/// })?;
/// assert_eq!(steps.len(), VerifyStep::ALL.len());
/// assert!(matches!(steps[7], (VerifyStep::Deck, StepOutcome::Skipped(_))));
/// # Ok(()) }
/// ```
pub fn verify_traced(
    record: &SignedHandRecord,
    keys: &KeyRing,
    predecessor: Predecessor,
    mut on_step: impl FnMut(VerifyStep, StepOutcome),
) -> Result<VerifiedHand, VerifyError> {
    let (key, generation) = signing_key(record, keys)?;
    on_step(VerifyStep::Key, StepOutcome::Passed);
    for (part, message, signature) in signed_parts(record) {
        if !key.verify_strict(&message, signature) {
            return Err(VerifyError::Signature(part));
        }
    }
    on_step(VerifyStep::Signatures, StepOutcome::Passed);
    check_unsigned(record, generation, predecessor, &mut on_step)
}

/// The trusted key for a record, after checking all three parts name the same key.
pub(crate) fn signing_key<'k>(
    record: &SignedHandRecord,
    keys: &'k KeyRing,
) -> Result<(&'k PublicKey, u32), VerifyError> {
    let body = record.body();
    let key_id = record.header().key_id;
    let (key, generation) = keys.get(&key_id).ok_or(VerifyError::UnknownKey(key_id))?;
    for part in [body.announcement().header(), body.commitments().header()] {
        if part.key_id != key_id {
            return Err(VerifyError::Binding(
                "all parts must be signed by the record's key",
            ));
        }
    }
    Ok((key, generation))
}

/// The three (part, signed bytes, signature) triples of a record.
pub(crate) fn signed_parts(
    record: &SignedHandRecord,
) -> [(SignedPart, Vec<u8>, &crate::digest::SignatureBytes); 3] {
    let body = record.body();
    [
        (SignedPart::Record, record.body_bytes(), record.signature()),
        (
            SignedPart::Announcement,
            body.announcement().body_bytes(),
            body.announcement().signature(),
        ),
        (
            SignedPart::CommitList,
            body.commitments().body_bytes(),
            body.commitments().signature(),
        ),
    ]
}

/// Every check after the signatures.
pub(crate) fn check_unsigned(
    record: &SignedHandRecord,
    key_generation: u32,
    predecessor: Predecessor,
    on_step: &mut dyn FnMut(VerifyStep, StepOutcome),
) -> Result<VerifiedHand, VerifyError> {
    let body = record.body();
    let header = *record.header();
    check_link(body, &header, key_generation, predecessor)?;
    on_step(
        VerifyStep::ChainLink,
        match predecessor {
            Predecessor::Unknown => StepOutcome::Skipped("no previous record given"),
            _ => StepOutcome::Passed,
        },
    );
    check_binding(body, &header)?;

    let announcement = body.announcement().body();
    let setup = announcement.setup();
    let outcome = body.outcome();
    let starting: Vec<FinalStack> = setup
        .seats()
        .iter()
        .map(|s| FinalStack {
            seat: s.seat,
            stack: s.stack,
        })
        .collect();
    if outcome.final_stacks.len() != starting.len()
        || outcome
            .final_stacks
            .iter()
            .zip(&starting)
            .any(|(f, s)| f.seat != s.seat)
    {
        return Err(VerifyError::Binding(
            "final stacks must list the announced seats",
        ));
    }
    on_step(VerifyStep::Binding, StepOutcome::Passed);
    let commitment = announcement.server_commitment();
    if body
        .server_seed()
        .commitment(header.table_id, header.hand_no)
        != *commitment
    {
        return Err(VerifyError::Commitment);
    }
    on_step(VerifyStep::Commitment, StepOutcome::Passed);

    let entries = body.commitments().body().entries();
    let mut seeds: Vec<(u8, &ClientSeed)> = Vec::with_capacity(entries.len());
    let mut missing = Vec::new();
    for (entry, reveal) in entries.iter().zip(body.reveals()) {
        match &reveal.seed {
            Some(seed) => {
                let expected =
                    seed.commitment(header.table_id, header.hand_no, entry.seat, commitment);
                if expected != entry.commitment {
                    return Err(VerifyError::ClientSeedReveal {
                        seat: entry.seat,
                        problem: "does not match its commitment",
                    });
                }
                seeds.push((entry.seat, seed));
            }
            None => missing.push(entry.seat),
        }
    }
    // Voids before the deal: a seat missed its reveal, or the server stopped first.
    let before_deal = matches!(
        outcome.status,
        HandStatus::VoidMissingReveal | HandStatus::VoidInterruptedBeforeDeal
    );
    if !before_deal {
        if let Some(&seat) = missing.first() {
            return Err(VerifyError::ClientSeedReveal {
                seat,
                problem: "not revealed, but the hand was dealt",
            });
        }
    }
    on_step(VerifyStep::ClientSeeds, StepOutcome::Passed);

    let deck = if before_deal {
        if outcome.status == HandStatus::VoidMissingReveal {
            check_void_before_deal(outcome, &missing)?;
        } else {
            check_interrupted_before_deal(outcome)?;
        }
        on_step(VerifyStep::Void, StepOutcome::Passed);
        for step in [VerifyStep::Deck, VerifyStep::Dealing, VerifyStep::Replay] {
            on_step(
                step,
                StepOutcome::Skipped("void before the deal: nothing was dealt"),
            );
        }
        check_payouts(&outcome.final_stacks, &starting)?;
        on_step(VerifyStep::Payouts, StepOutcome::Passed);
        None
    } else {
        on_step(
            VerifyStep::Void,
            StepOutcome::Skipped("every seed was revealed"),
        );
        let key = deck_key(
            body.server_seed(),
            header.table_id,
            header.hand_no,
            commitment,
            &seeds,
        )
        .map_err(|_| VerifyError::Binding("client seeds out of seat order"))?;
        let deck =
            shuffle_deck(&key, setup.variant().deck_kind()).map_err(|_| VerifyError::Deck)?;
        if outcome.deck.as_ref() != Some(&deck) {
            return Err(VerifyError::Deck);
        }
        on_step(VerifyStep::Deck, StepOutcome::Passed);
        check_dealing(body, &deck)?;
        on_step(VerifyStep::Dealing, StepOutcome::Passed);
        let replayed = crate::replay::replay(setup, deck.clone(), outcome)?;
        on_step(VerifyStep::Replay, StepOutcome::Passed);
        if outcome.status == HandStatus::VoidAborted {
            // A void refunds everything: every stack goes back to its start.
            check_payouts(&outcome.final_stacks, &starting)?;
        } else {
            check_payouts(&outcome.final_stacks, &replayed)?;
        }
        on_step(VerifyStep::Payouts, StepOutcome::Passed);
        Some(deck)
    };

    let (independent_seats, server_generated_seats) =
        entries
            .iter()
            .fold((Vec::new(), Vec::new()), |(mut own, mut server), e| {
                match e.origin {
                    SeedOrigin::Client => own.push(e.seat),
                    SeedOrigin::ServerGenerated => server.push(e.seat),
                }
                (own, server)
            });
    Ok(VerifiedHand {
        table_id: header.table_id,
        hand_no: header.hand_no,
        key_id: header.key_id,
        key_generation,
        record_hash: record.record_hash(),
        previous: *body.previous(),
        status: outcome.status,
        deck,
        hole_cards: outcome.hole_cards.clone(),
        board: outcome.board.clone(),
        independent_seats,
        server_generated_seats,
        flagged: outcome.flagged.clone(),
        final_stacks: outcome.final_stacks.clone(),
    })
}

fn check_link(
    body: &HandRecord,
    header: &crate::signed::Header,
    key_generation: u32,
    predecessor: Predecessor,
) -> Result<(), VerifyError> {
    match predecessor {
        Predecessor::Unknown => Ok(()),
        Predecessor::Genesis => {
            if *body.previous() == RecordHash::GENESIS {
                Ok(())
            } else {
                Err(VerifyError::ChainLink(
                    "a table's first record must link to the zero hash",
                ))
            }
        }
        Predecessor::Record {
            hash,
            table_id,
            hand_no,
            key_generation: previous_generation,
        } => {
            if *body.previous() != hash {
                Err(VerifyError::ChainLink(
                    "previous-record hash does not match",
                ))
            } else if header.table_id != table_id {
                Err(VerifyError::ChainLink(
                    "the previous record is from another table",
                ))
            } else if Some(header.hand_no) != hand_no.checked_add(1) {
                Err(VerifyError::ChainLink("hand numbers must increase by one"))
            } else if key_generation < previous_generation {
                Err(VerifyError::ChainLink(
                    "signed by a key older than the previous record's",
                ))
            } else {
                Ok(())
            }
        }
    }
}

fn check_binding(body: &HandRecord, header: &crate::signed::Header) -> Result<(), VerifyError> {
    let announcement = body.announcement().body();
    let list = body.commitments().body();
    for part in [body.announcement().header(), body.commitments().header()] {
        if part.table_id != header.table_id || part.hand_no != header.hand_no {
            return Err(VerifyError::Binding(
                "table or hand number differs between parts",
            ));
        }
    }
    if list.server_commitment() != announcement.server_commitment() {
        return Err(VerifyError::Binding(
            "the commit list names another server commitment",
        ));
    }
    let seats = announcement.setup().seats();
    let same_seats = |other: &mut dyn Iterator<Item = u8>| {
        let other: Vec<u8> = other.collect();
        other.len() == seats.len() && other.iter().zip(seats).all(|(&a, b)| a == b.seat)
    };
    if !same_seats(&mut list.entries().iter().map(|e| e.seat)) {
        return Err(VerifyError::Binding(
            "commitments must cover exactly the announced seats",
        ));
    }
    if !same_seats(&mut body.reveals().iter().map(|r| r.seat)) {
        return Err(VerifyError::Binding(
            "reveals must cover exactly the announced seats",
        ));
    }
    let flagged = &body.outcome().flagged;
    if flagged.iter().any(|f| !seats.iter().any(|s| s.seat == *f)) {
        return Err(VerifyError::Binding("a flagged seat is not in the hand"));
    }
    Ok(())
}

fn check_void_before_deal(
    outcome: &crate::records::HandOutcome,
    missing: &[u8],
) -> Result<(), VerifyError> {
    if missing.is_empty() {
        return Err(VerifyError::Void("every seed was revealed"));
    }
    if outcome.flagged != missing {
        return Err(VerifyError::Void(
            "flagged seats must be exactly the seats that did not reveal",
        ));
    }
    if outcome.deck.is_some() || !outcome.hole_cards.is_empty() || !outcome.board.is_empty() {
        return Err(VerifyError::Void("nothing can be dealt without every seed"));
    }
    if !outcome.actions.is_empty() {
        return Err(VerifyError::Void("no action can happen before the deal"));
    }
    Ok(())
}

/// A hand the server stopped during the seed exchange: nobody is to blame, so no seat
/// is flagged, whichever seeds were revealed; nothing was dealt or played.
fn check_interrupted_before_deal(outcome: &crate::records::HandOutcome) -> Result<(), VerifyError> {
    if !outcome.flagged.is_empty() {
        return Err(VerifyError::Void(
            "a hand interrupted before the deal flags no seat",
        ));
    }
    if outcome.deck.is_some() || !outcome.hole_cards.is_empty() || !outcome.board.is_empty() {
        return Err(VerifyError::Void(
            "nothing is dealt in a hand interrupted before the deal",
        ));
    }
    if !outcome.actions.is_empty() {
        return Err(VerifyError::Void("no action can happen before the deal"));
    }
    Ok(())
}

fn check_dealing(body: &HandRecord, deck: &Deck) -> Result<(), VerifyError> {
    let outcome = body.outcome();
    let board_len = outcome.board.len();
    if !BOARD_LENGTHS.contains(&board_len) {
        return Err(VerifyError::Dealing(format!(
            "a board of {board_len} cards"
        )));
    }
    let (hole, board) = dealt_cards(body.announcement().body().setup(), deck, board_len);
    if hole != outcome.hole_cards {
        return Err(VerifyError::Dealing("hole cards".into()));
    }
    if board != outcome.board {
        return Err(VerifyError::Dealing("board cards".into()));
    }
    Ok(())
}

fn check_payouts(recorded: &[FinalStack], expected: &[FinalStack]) -> Result<(), VerifyError> {
    for (r, e) in recorded.iter().zip(expected) {
        if r.seat != e.seat || r.stack != e.stack {
            return Err(VerifyError::Payout {
                seat: r.seat,
                recorded: r.stack,
                replayed: e.stack,
            });
        }
    }
    Ok(())
}
