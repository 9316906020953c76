//! The fairdeal fairness protocol: commit–reveal seeds, deck derivation, signed and
//! chained hand records, and the one [`verify`] function that checks them.
//!
//! The normative specification, exact to the byte, is `docs/fairness-protocol.md`;
//! the test vectors in `fairness/testdata/` are the authority.
//!
//! # The protocol in one paragraph
//! For each hand the server draws a 32-byte seed and publishes a signed
//! [`Announcement`] with its commitment and the hand's [`HandSetup`]. Every seat
//! commits to its own 32-byte [`ClientSeed`]; the server signs the [`CommitList`];
//! then seeds are revealed. The deck key is `HMAC-SHA256(server seed, canonical
//! message of everything that binds the hand)` ([`deck_key`]); ChaCha20 expands it
//! into words; an unbiased Fisher–Yates ([`shuffle_deck`]) turns the ordered deck
//! into the hand's [`poker_core::Deck`]; `poker-core`'s versioned dealing order deals
//! it. At the end the server signs a [`HandRecord`] holding everything, chained to
//! the table's previous record. A missing reveal voids the hand, still signed and
//! with the server seed revealed.
//!
//! The crate does no I/O, reads no clock and draws randomness only from generators
//! passed in. Signed and hashed bytes come from one canonical encoder with
//! domain-separation tags, never from serde output; JSON is transport only.
//!
//! ```
//! use fairness::*;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let key = ServerKey::from_secret_bytes([9; 32]);
//! let setup = fairness::doc_support::heads_up_setup();
//! let mut hand = HandSession::announce(&key, 1, 1, setup, ServerSeed::from_bytes([1; 32]));
//! let seed = ClientSeed::from_bytes([2; 32]);
//! let entries = vec![
//!     CommitEntry { seat: 0, origin: SeedOrigin::Client, commitment: hand.client_commitment(0, &seed) },
//!     CommitEntry { seat: 3, origin: SeedOrigin::Client, commitment: hand.client_commitment(3, &seed) },
//! ];
//! hand.close_commitments(&key, entries)?;
//! hand.reveal(0, seed.clone())?;
//! hand.reveal(3, seed)?;
//! let deck = hand.deck()?; // the engine plays the hand with this deck
//! assert_eq!(deck.len(), 52);
//! # Ok(()) }
//! ```
//!
//! # Code map
//! - `encoding`: the canonical encoder/decoder and the [`tags`].
//! - `seeds`, `digest`: [`ServerSeed`], [`ClientSeed`] (redacted, zeroized) and commitments.
//! - `derive`: [`deck_key`] and the ChaCha20 [`KeyStream`].
//! - `shuffle`: [`uniform_below`], [`fisher_yates`], [`shuffle_deck`].
//! - `deal`: which deck positions go to which seat ([`dealt_cards`]).
//! - `setup`, `records`, `signed`: the wire types and their canonical layouts.
//! - `keys`: [`ServerKey`], [`PublicKey`], [`KeyRing`], [`KeyRotation`].
//! - `protocol`: [`HandSession`], the server's side of one hand.
//! - `verify`, `replay`, `chain`: [`verify`], engine replay, [`verify_chain`].
//! - `json`: the JSON transport form.
//! - `history`: a record as a PHH hand history for one player, fairness fields included.
//! - `explain`: every intermediate value of a derivation ([`explain_deal`], [`explain_record`]).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod cards_text;
mod chain;
mod deal;
mod derive;
mod digest;
#[doc(hidden)]
pub mod doc_support;
mod encoding;
mod explain;
mod history;
mod json;
mod keys;
mod protocol;
mod records;
mod replay;
mod seeds;
mod setup;
mod shuffle;
mod signed;
mod verify;

pub use chain::{verify_chain, ChainError, SignatureMode, MAX_BATCH_RECORDS};
pub use deal::{dealt_cards, BOARD_LENGTHS, BOARD_STREETS};
pub use derive::{deck_key, deck_key_message, DeckKey, DeriveError, KeyStream, WordSource};
pub use digest::{ClientCommitment, KeyId, RecordHash, ServerCommitment, SignatureBytes};
pub use encoding::{tags, DecodeError};
pub use explain::{
    explain_deal, explain_record, BoardStreet, ClientCommitmentStep, DealInputs, DealtSeat,
    Derivation, ExplainError, ShuffleStep, MIN_DEAL_SEATS,
};
pub use history::{
    check_history, hand_history, record_of_history, replayed_hand, seat_of_player, HistoryError,
    PHH_FIELD_PREFIX, PHH_RECORD_FIELD,
};
pub use json::MAX_JSON_BYTES;
pub use keys::{KeyError, KeyRing, KeyRotation, PublicKey, ServerKey, MAX_KEY_ROTATIONS};
pub use protocol::{HandSession, ProtocolError};
pub use records::{
    Announcement, CommitEntry, CommitList, FinalStack, HandOutcome, HandRecord, HandStatus,
    HoleCards, LoggedAction, RecordedAction, Reveal, SeedOrigin, SignedHandRecord, TamperAccess,
    MAX_ACTIONS, MAX_BOARD_CARDS, MAX_HOLE_CARDS,
};
pub use replay::{engine_config, start_hand, HandStartError};
pub use seeds::{ClientSeed, ServerSeed, SEED_LEN};
pub use setup::{
    AnteKind, Betting, ForcedBets, HandSetup, OddChipRule, PostEntry, SeatEntry, Variant,
    MAX_PLAYER_ID_LEN, MAX_SEATS,
};
pub use shuffle::{
    fisher_yates, rejection_zone, shuffle_deck, shuffle_deck_traced, uniform_below, ShuffleError,
    MAX_REJECTIONS_PER_DRAW,
};
pub use signed::{Header, Signed, MAX_MESSAGE_BYTES};
pub use verify::{
    verify, verify_traced, Predecessor, SignedPart, StepOutcome, VerifiedHand, VerifyError,
    VerifyStep,
};

/// The protocol version written into every hashed and signed message.
pub const PROTOCOL_VERSION: u16 = 1;
