//! The fairdeal fairness protocol: commit–reveal seeds, deck derivation, signed and
//! chained hand records, and the one `verify` function that checks them.
//!
//! (Crate overview: see the end of this file's documentation once complete.)

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod cards_text;
mod derive;
mod digest;
mod encoding;
mod keys;
mod records;
mod seeds;
mod setup;
mod shuffle;
mod signed;

pub use derive::{deck_key, deck_key_message, DeckKey, DeriveError, KeyStream, WordSource};
pub use digest::{ClientCommitment, KeyId, RecordHash, ServerCommitment, SignatureBytes};
pub use encoding::{tags, DecodeError};
pub use keys::{KeyError, KeyRing, KeyRotation, PublicKey, ServerKey, MAX_KEY_ROTATIONS};
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

/// The protocol version written into every hashed and signed message.
pub const PROTOCOL_VERSION: u16 = 1;
