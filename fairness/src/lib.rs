//! The fairdeal fairness protocol: commit–reveal seeds, deck derivation, signed and
//! chained hand records, and the one `verify` function that checks them.
//!
//! (Crate overview: see the end of this file's documentation once complete.)

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
pub use json::MAX_JSON_BYTES;
pub use keys::{KeyError, KeyRing, KeyRotation, PublicKey, ServerKey, MAX_KEY_ROTATIONS};
pub use protocol::{HandSession, ProtocolError};
pub use records::{
    Announcement, CommitEntry, CommitList, FinalStack, HandOutcome, HandRecord, HandStatus,
    HoleCards, LoggedAction, RecordedAction, Reveal, SeedOrigin, SignedHandRecord, TamperAccess,
    MAX_ACTIONS, MAX_BOARD_CARDS, MAX_HOLE_CARDS,
};
pub use seeds::{ClientSeed, ServerSeed, SEED_LEN};
pub use setup::{
    AnteKind, Betting, ForcedBets, HandSetup, OddChipRule, SeatEntry, Variant, MAX_PLAYER_ID_LEN,
    MAX_SEATS,
};
pub use shuffle::{
    fisher_yates, rejection_zone, shuffle_deck, shuffle_deck_traced, uniform_below, ShuffleError,
    MAX_REJECTIONS_PER_DRAW,
};
pub use signed::{Header, Signed, MAX_MESSAGE_BYTES};
pub use verify::{verify, Predecessor, SignedPart, VerifiedHand, VerifyError};

/// The protocol version written into every hashed and signed message.
pub const PROTOCOL_VERSION: u16 = 1;
