//! Every intermediate value of a deck derivation and its deal, named as in
//! `docs/fairness-protocol.md` §4–§7, so that a player can follow (or redo by
//! hand) each step. `poker-verify --explain` and `poker-verify deal` print these.

use std::cell::RefCell;

use poker_core::{Card, DealingOrder, Deck};
use thiserror::Error;

use crate::deal::BOARD_STREETS;
use crate::derive::{deck_key, deck_key_message, DeckKey, DeriveError, KeyStream, WordSource};
use crate::digest::{ClientCommitment, ServerCommitment};
use crate::encoding::{tags, Encoder};
use crate::records::SignedHandRecord;
use crate::seeds::{ClientSeed, ServerSeed};
use crate::setup::{dealing_sequence_of, Variant, MAX_SEATS};
use crate::shuffle::{fisher_yates, ShuffleError};

/// Fewest seats a hand is dealt to.
pub const MIN_DEAL_SEATS: usize = 2;

/// What a deal is derived from (§5–§7): everything `poker-verify deal` asks for.
#[derive(Clone, Debug)]
pub struct DealInputs {
    /// The table.
    pub table_id: u64,
    /// The hand number at that table.
    pub hand_no: u64,
    /// The revealed server seed `s`.
    pub server_seed: ServerSeed,
    /// Every seat dealt in with its client seed `c_i`, in strictly ascending seat order.
    pub client_seeds: Vec<(u8, ClientSeed)>,
    /// The variant (decides the deck and the hole-card count).
    pub variant: Variant,
    /// The button's seat (must be one of the seats).
    pub button: u8,
    /// The dealing order version.
    pub dealing_order: DealingOrder,
}

/// `H_i` of one seat (§4.2) with the exact bytes hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientCommitmentStep {
    /// The seat.
    pub seat: u8,
    /// `lp(tag) ‖ u64(table_id) ‖ u64(hand_no) ‖ u8(seat) ‖ C_s ‖ c_i`.
    pub preimage: Vec<u8>,
    /// `H_i = SHA-256(preimage)`.
    pub commitment: ClientCommitment,
}

/// One Fisher–Yates step (§6): position `i` swapped with `j = word mod (i + 1)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShuffleStep {
    /// The position filled in this step (from the top of the deck down).
    pub i: usize,
    /// Words drawn for this step and rejected (at or above the rejection zone).
    pub rejected: Vec<u32>,
    /// The accepted word.
    pub word: u32,
    /// The position swapped with `i`.
    pub j: usize,
}

/// One seat's hole cards with the deck positions they come from (§7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DealtSeat {
    /// The seat.
    pub seat: u8,
    /// Deck positions, in the order dealt.
    pub positions: Vec<usize>,
    /// The cards at those positions.
    pub cards: Vec<Card>,
}

/// One board street (§7): a burn card, then the street's cards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardStreet {
    /// Deck position of the burn card.
    pub burn_position: usize,
    /// The burnt card.
    pub burn: Card,
    /// Deck positions of the street's cards.
    pub positions: Vec<usize>,
    /// The street's cards.
    pub cards: Vec<Card>,
}

/// Every intermediate value from the seeds to the dealt cards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Derivation {
    /// `lp("fairdeal/v1/server-commit") ‖ u64(table_id) ‖ u64(hand_no) ‖ s` (§4.1).
    pub server_commitment_preimage: Vec<u8>,
    /// `C_s = SHA-256(preimage)`.
    pub server_commitment: ServerCommitment,
    /// `H_i` of every seat, ascending (§4.2).
    pub client_commitments: Vec<ClientCommitmentStep>,
    /// The deck-key message `M` (§5).
    pub deck_key_message: Vec<u8>,
    /// `K = HMAC-SHA256(s, M)`.
    pub deck_key: DeckKey,
    /// Every ChaCha20 word drawn, in order (§6).
    pub words: Vec<u32>,
    /// The shuffle, step by step.
    pub steps: Vec<ShuffleStep>,
    /// The resulting deck, position 0 first.
    pub deck: Deck,
    /// The seats in dealing order (§7).
    pub dealing_sequence: Vec<u8>,
    /// Hole cards, in ascending seat order.
    pub hole_cards: Vec<DealtSeat>,
    /// Flop, turn and river as they would be dealt if the hand reaches them.
    pub board: Vec<BoardStreet>,
}

/// Why a derivation cannot be explained from the inputs given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ExplainError {
    /// Client seeds are not in strictly ascending seat order.
    #[error(transparent)]
    Derive(#[from] DeriveError),
    /// The shuffle could not complete.
    #[error(transparent)]
    Shuffle(#[from] ShuffleError),
    /// A seat number is not below the number of seats a table has.
    #[error("seat {0} is out of range (seats are 0 to {max})", max = MAX_SEATS - 1)]
    SeatOutOfRange(u8),
    /// Fewer than two or more than the maximum seats.
    #[error("{0} seats: a hand is dealt to 2 to {MAX_SEATS} seats")]
    SeatCount(usize),
    /// The button is not one of the seats.
    #[error("the button (seat {0}) is not one of the seats")]
    ButtonNotSeated(u8),
    /// The deal needs more cards than the deck has.
    #[error("{needed} cards are needed but the deck has {available}")]
    NotEnoughCards {
        /// Cards the deal would use.
        needed: usize,
        /// Cards in the deck.
        available: usize,
    },
    /// The record does not reveal this seat's seed, so there is no deck.
    #[error("seat {0} did not reveal its seed: no deck was derived")]
    SeedNotRevealed(u8),
}

/// Derives the deck and the deal from explicit inputs, keeping every
/// intermediate value.
///
/// ```
/// use fairness::{explain_deal, ClientSeed, DealInputs, ServerSeed, Variant};
/// use poker_core::DealingOrder;
///
/// let inputs = DealInputs {
///     table_id: 1,
///     hand_no: 1,
///     server_seed: ServerSeed::from_bytes(core::array::from_fn(|i| i as u8)),
///     client_seeds: vec![(0, ClientSeed::from_bytes([0x11; 32])), (3, ClientSeed::from_bytes([0x22; 32]))],
///     variant: Variant::Holdem,
///     button: 0,
///     dealing_order: DealingOrder::V1,
/// };
/// let derivation = explain_deal(&inputs)?;
/// // The worked example of the specification (§11).
/// assert_eq!(derivation.deck_key.expose()[..2], [0x2a, 0xa3]);
/// assert_eq!(poker_core::format_cards(&derivation.hole_cards[1].cards), "8d7h");
/// # Ok::<(), fairness::ExplainError>(())
/// ```
pub fn explain_deal(inputs: &DealInputs) -> Result<Derivation, ExplainError> {
    let seeds = &inputs.client_seeds;
    if seeds.len() < MIN_DEAL_SEATS || seeds.len() > usize::from(MAX_SEATS) {
        return Err(ExplainError::SeatCount(seeds.len()));
    }
    if let Some(&(seat, _)) = seeds.iter().find(|(seat, _)| *seat >= MAX_SEATS) {
        return Err(ExplainError::SeatOutOfRange(seat));
    }
    if !seeds.iter().any(|(seat, _)| *seat == inputs.button) {
        return Err(ExplainError::ButtonNotSeated(inputs.button));
    }
    let (table_id, hand_no) = (inputs.table_id, inputs.hand_no);
    let seed_refs: Vec<(u8, &ClientSeed)> = seeds.iter().map(|(seat, c)| (*seat, c)).collect();

    let mut enc = Encoder::tagged(tags::SERVER_COMMIT);
    enc.u64(table_id)
        .u64(hand_no)
        .fixed(inputs.server_seed.expose());
    let server_commitment_preimage = enc.finish();
    let server_commitment = inputs.server_seed.commitment(table_id, hand_no);
    let client_commitments = seed_refs
        .iter()
        .map(|&(seat, seed)| {
            let mut enc = Encoder::tagged(tags::CLIENT_COMMIT);
            enc.u64(table_id)
                .u64(hand_no)
                .u8(seat)
                .fixed(server_commitment.as_bytes())
                .fixed(seed.expose());
            ClientCommitmentStep {
                seat,
                preimage: enc.finish(),
                commitment: seed.commitment(table_id, hand_no, seat, &server_commitment),
            }
        })
        .collect();
    let deck_key_message = deck_key_message(table_id, hand_no, &server_commitment, &seed_refs)?;
    let deck_key = deck_key(
        &inputs.server_seed,
        table_id,
        hand_no,
        &server_commitment,
        &seed_refs,
    )?;

    let kind = inputs.variant.deck_kind();
    let words = RefCell::new(Vec::new());
    let mut steps = Vec::new();
    let mut cards = kind.ordered_cards();
    let mut source = Recording {
        inner: deck_key.stream(),
        words: &words,
    };
    let mut used = 0;
    fisher_yates(&mut cards, &mut source, |i, j| {
        let drawn = words.borrow();
        let (word, rejected) = drawn[used..]
            .split_last()
            .map_or((0, Vec::new()), |(w, r)| (*w, r.to_vec()));
        used = drawn.len();
        steps.push(ShuffleStep {
            i,
            rejected,
            word,
            j,
        });
    })?;
    let deck = Deck::new(kind, cards)
        .expect("a shuffle of a kind's ordered cards is a permutation of them");

    let dealing_sequence = dealing_sequence_of(seeds.iter().map(|(seat, _)| *seat), inputs.button);
    let hole = usize::from(inputs.variant.hole_cards());
    let layout = inputs
        .dealing_order
        .layout(dealing_sequence.len(), hole, &BOARD_STREETS);
    let needed = dealing_sequence.len() * hole + BOARD_STREETS.iter().map(|s| s + 1).sum::<usize>();
    if needed > deck.len() {
        return Err(ExplainError::NotEnoughCards {
            needed,
            available: deck.len(),
        });
    }
    let at = |positions: &[usize]| positions.iter().map(|&p| deck.cards()[p]).collect();
    let mut hole_cards: Vec<DealtSeat> = dealing_sequence
        .iter()
        .zip(&layout.hole)
        .map(|(&seat, positions)| DealtSeat {
            seat,
            positions: positions.clone(),
            cards: at(positions),
        })
        .collect();
    hole_cards.sort_by_key(|h| h.seat);
    let board = layout
        .burns
        .iter()
        .zip(&layout.board)
        .map(|(&burn_position, positions)| BoardStreet {
            burn_position,
            burn: deck.cards()[burn_position],
            positions: positions.clone(),
            cards: at(positions),
        })
        .collect();
    Ok(Derivation {
        server_commitment_preimage,
        server_commitment,
        client_commitments,
        deck_key_message,
        deck_key,
        words: words.into_inner(),
        steps,
        deck,
        dealing_sequence,
        hole_cards,
        board,
    })
}

/// The derivation of a record's deck from the values the record itself holds
/// (its server seed, revealed client seeds and setup). This explains; it does not
/// verify: [`verify`](crate::verify) compares the result with the record.
pub fn explain_record(record: &SignedHandRecord) -> Result<Derivation, ExplainError> {
    let body = record.body();
    let setup = body.announcement().body().setup();
    let client_seeds = body
        .reveals()
        .iter()
        .map(|r| {
            r.seed
                .clone()
                .map(|s| (r.seat, s))
                .ok_or(ExplainError::SeedNotRevealed(r.seat))
        })
        .collect::<Result<_, _>>()?;
    explain_deal(&DealInputs {
        table_id: record.header().table_id,
        hand_no: record.header().hand_no,
        server_seed: body.server_seed().clone(),
        client_seeds,
        variant: setup.variant(),
        button: setup.button(),
        dealing_order: setup.dealing_order(),
    })
}

/// A word source that remembers every word it hands out.
struct Recording<'a> {
    inner: KeyStream,
    words: &'a RefCell<Vec<u32>>,
}

impl WordSource for Recording<'_> {
    fn next_word(&mut self) -> u32 {
        let word = self.inner.next_word();
        self.words.borrow_mut().push(word);
        word
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shuffle::shuffle_deck;

    fn worked_example() -> DealInputs {
        DealInputs {
            table_id: 1,
            hand_no: 1,
            server_seed: ServerSeed::from_bytes(core::array::from_fn(|i| i as u8)),
            client_seeds: vec![
                (0, ClientSeed::from_bytes([0x11; 32])),
                (3, ClientSeed::from_bytes([0x22; 32])),
            ],
            variant: Variant::Holdem,
            button: 0,
            dealing_order: DealingOrder::V1,
        }
    }

    #[test]
    fn steps_agree_with_the_plain_shuffle() {
        let d = explain_deal(&worked_example()).unwrap();
        assert_eq!(d.deck, shuffle_deck(&d.deck_key, d.deck.kind()).unwrap());
        assert_eq!(d.steps.len(), 51);
        let consumed: usize = d.steps.iter().map(|s| s.rejected.len() + 1).sum();
        assert_eq!(consumed, d.words.len());
        for step in &d.steps {
            assert_eq!(step.j, step.word as usize % (step.i + 1));
        }
        assert_eq!(d.dealing_sequence, [3, 0]);
        assert_eq!(d.board.len(), 3);
        assert_eq!(d.board[0].burn_position, 4);
    }

    #[test]
    fn bad_inputs_are_refused() {
        let mut inputs = worked_example();
        inputs.button = 5;
        assert_eq!(explain_deal(&inputs), Err(ExplainError::ButtonNotSeated(5)));
        let mut inputs = worked_example();
        inputs.client_seeds.truncate(1);
        assert_eq!(explain_deal(&inputs), Err(ExplainError::SeatCount(1)));
        let mut inputs = worked_example();
        inputs.client_seeds.swap(0, 1);
        inputs.button = 3;
        assert_eq!(
            explain_deal(&inputs),
            Err(ExplainError::Derive(DeriveError::SeatOrder(0)))
        );
        let mut inputs = worked_example();
        inputs.client_seeds[1].0 = 10;
        assert_eq!(explain_deal(&inputs), Err(ExplainError::SeatOutOfRange(10)));
        let mut inputs = worked_example();
        inputs.variant = Variant::Omaha { hole_cards: 6 };
        inputs.client_seeds = (0..8)
            .map(|s| (s, ClientSeed::from_bytes([s; 32])))
            .collect();
        assert_eq!(
            explain_deal(&inputs),
            Err(ExplainError::NotEnoughCards {
                needed: 56,
                available: 52
            })
        );
    }
}
