//! The evaluators under test: poker-core and its crates.io peers, each driven through
//! its own fastest public incremental API.
//!
//! Every function folds the strengths it computes into their maximum, compared with
//! the library's own ordering (what a showdown does), and returns it as a number; the
//! caller passes that through `black_box`, so no evaluation can be optimised away.

use std::hint::black_box;

use poker_core::{Card, CardSet, EvalError, FastHand, SevenCards};

use crate::random_hands::HAND_SIZE;

/// One evaluator: how to enumerate every 7-card hand and how to evaluate an array of
/// prepared random hands.
pub(crate) trait Contender {
    /// Display name for the report.
    const NAME: &'static str;
    /// The library's own representation of one random hand, built before timing.
    type Prepared;
    /// Converts card indices (`rank * 4 + suit`) to the library's representation.
    fn prepare(hands: &[[u8; HAND_SIZE]]) -> Vec<Self::Prepared>;
    /// Whether the contender has an enumeration-order run (`enumerate_all`).
    const ENUMERATES: bool = true;
    /// Evaluates all C(52, 7) hands in nested-loop order, sharing partial hands.
    fn enumerate_all() -> u64;
    /// Builds and evaluates each prepared hand from scratch.
    fn evaluate_random(hands: &[Self::Prepared]) -> u64;
    /// Each hand's strength as a number ordered like the library's own order (untimed;
    /// used to check that every contender ranks the same hands the same way).
    fn ordered_values(hands: &[Self::Prepared]) -> Vec<u32>;
}

/// poker-core: [`FastHand::for_each_completion`] for the last card of the enumeration
/// (one check per six-card hand, one table lookup per rank of the last card), and
/// [`poker_core::evaluate`] on each random hand.
pub(crate) struct PokerCore;

/// poker-core driven one card at a time: [`FastHand::add_card`] then
/// [`FastHand::strength`] for every hand, like the peers (random order as above).
pub(crate) struct PokerCorePerCard;

impl PokerCore {
    #[inline(never)]
    fn enumerate_checked() -> Result<u64, EvalError> {
        let deck: Vec<Card> = Card::all().collect();
        // The cards after each index, the candidates for the last card.
        let after: Vec<CardSet> = (0..52)
            .map(|i| deck[i + 1..].iter().copied().collect())
            .collect();
        let mut best =
            poker_core::HandStrength::from_u32(0x0005_3210).ok_or(EvalError::WrongCardCount {
                min: 5,
                max: 7,
                got: 0,
            })?;
        let empty = FastHand::new();
        for a in 0..52 {
            let ha = empty.add_card(deck[a])?;
            for b in a + 1..52 {
                let hb = ha.add_card(deck[b])?;
                for c in b + 1..52 {
                    let hc = hb.add_card(deck[c])?;
                    for d in c + 1..52 {
                        let hd = hc.add_card(deck[d])?;
                        for e in d + 1..52 {
                            let he = hd.add_card(deck[e])?;
                            for f in e + 1..52 {
                                let hf = he.add_card(deck[f])?;
                                hf.for_each_completion(after[f], |_, strength| {
                                    best = best.max(strength);
                                })?;
                            }
                        }
                    }
                }
            }
        }
        Ok(u64::from(best.to_u32()))
    }
}

impl PokerCorePerCard {
    fn enumerate_checked() -> Result<u64, EvalError> {
        let deck: Vec<Card> = Card::all().collect();
        let mut best =
            poker_core::HandStrength::from_u32(0x0005_3210).ok_or(EvalError::WrongCardCount {
                min: 5,
                max: 7,
                got: 0,
            })?;
        let empty = FastHand::new();
        for a in 0..52 {
            let ha = empty.add_card(deck[a])?;
            for b in a + 1..52 {
                let hb = ha.add_card(deck[b])?;
                for c in b + 1..52 {
                    let hc = hb.add_card(deck[c])?;
                    for d in c + 1..52 {
                        let hd = hc.add_card(deck[d])?;
                        for e in d + 1..52 {
                            let he = hd.add_card(deck[e])?;
                            for f in e + 1..52 {
                                let hf = he.add_card(deck[f])?;
                                for &last in &deck[f + 1..] {
                                    best = best.max(hf.add_card(last)?.strength()?);
                                }
                            }
                        }
                    }
                }
            }
        }
        Ok(u64::from(best.to_u32()))
    }
}

impl Contender for PokerCore {
    const NAME: &'static str = "poker-core (fairdeal)";
    type Prepared = [Card; HAND_SIZE];

    fn prepare(hands: &[[u8; HAND_SIZE]]) -> Vec<[Card; HAND_SIZE]> {
        hands
            .iter()
            .map(|hand| {
                hand.map(|i| {
                    Card::from_index(i)
                        .unwrap_or(Card::new(poker_core::Rank::Two, poker_core::Suit::Clubs))
                })
            })
            .collect()
    }

    fn enumerate_all() -> u64 {
        // The deck has 52 distinct cards, so no error can occur; a zero checksum
        // would show one in the report.
        Self::enumerate_checked().unwrap_or(0)
    }

    #[inline(never)]
    fn evaluate_random(hands: &[[Card; HAND_SIZE]]) -> u64 {
        // Random hands never repeat a card; an error would show as a zero result.
        let Some(mut best) = poker_core::HandStrength::from_u32(0x0005_3210) else {
            return 0;
        };
        for hand in hands {
            // Hide the array, not a slice, so the length (7) stays known, as it
            // does for the peers' fixed-size folds.
            let hand: &[Card; HAND_SIZE] = black_box(hand);
            if let Ok(strength) = poker_core::evaluate(hand) {
                best = best.max(strength);
            }
        }
        u64::from(best.to_u32())
    }

    fn ordered_values(hands: &[[Card; HAND_SIZE]]) -> Vec<u32> {
        hands
            .iter()
            .map(|hand| poker_core::evaluate(hand).map_or(0, |s| s.to_u32()))
            .collect()
    }
}

impl Contender for PokerCorePerCard {
    const NAME: &'static str = "poker-core, add_card per hand";
    type Prepared = [Card; HAND_SIZE];

    fn prepare(hands: &[[u8; HAND_SIZE]]) -> Vec<[Card; HAND_SIZE]> {
        PokerCore::prepare(hands)
    }

    fn enumerate_all() -> u64 {
        Self::enumerate_checked().unwrap_or(0)
    }

    fn evaluate_random(hands: &[[Card; HAND_SIZE]]) -> u64 {
        PokerCore::evaluate_random(hands)
    }

    fn ordered_values(hands: &[[Card; HAND_SIZE]]) -> Vec<u32> {
        PokerCore::ordered_values(hands)
    }
}

/// poker-core's validated seven-card hands: [`SevenCards`] are built (and checked for
/// repeated cards) when the random hands are prepared, outside the timed loop, as the
/// peers' hands are converted to their card representations there; the timed loop
/// calls [`SevenCards::strength`], which adds up the seven cards' keys and looks the
/// hand up with no check, the same work per hand as `pokers`' loop (which checks
/// nothing). There is no enumeration-order run: that is what
/// [`FastHand::for_each_completion`] is for.
pub(crate) struct PokerCoreSevenCards;

impl Contender for PokerCoreSevenCards {
    const NAME: &'static str = "poker-core, SevenCards (checked when built, untimed)";
    const ENUMERATES: bool = false;
    type Prepared = SevenCards;

    fn prepare(hands: &[[u8; HAND_SIZE]]) -> Vec<SevenCards> {
        // The random hands are distinct cards, so every one is accepted; the agreement
        // check in `main` would catch a missing hand through a length mismatch.
        PokerCore::prepare(hands)
            .into_iter()
            .filter_map(|cards| SevenCards::new(cards).ok())
            .collect()
    }

    fn enumerate_all() -> u64 {
        0
    }

    #[inline(never)]
    fn evaluate_random(hands: &[SevenCards]) -> u64 {
        let Some(mut best) = poker_core::HandStrength::from_u32(0x0005_3210) else {
            return 0;
        };
        for hand in hands {
            let hand: &SevenCards = black_box(hand);
            best = best.max(hand.strength());
        }
        u64::from(best.to_u32())
    }

    fn ordered_values(hands: &[SevenCards]) -> Vec<u32> {
        hands.iter().map(|hand| hand.strength().to_u32()).collect()
    }
}

/// `pokers` 0.10: an OMPEval port; `Hand + CARDS[i]` then `evaluate()`.
pub(crate) struct Pokers;

impl Contender for Pokers {
    const NAME: &'static str = "pokers 0.10.0";
    // pokers' card type is a 16-byte `Hand`; it is handed card indices (it also
    // numbers cards `4 * rank + suit`) and looks them up in its 832-byte `CARDS`, as
    // its own equity code does, which streams far less memory than 7 × 16 bytes.
    type Prepared = [u8; HAND_SIZE];

    fn prepare(hands: &[[u8; HAND_SIZE]]) -> Vec<[u8; HAND_SIZE]> {
        hands.to_vec()
    }

    fn enumerate_all() -> u64 {
        let deck = &pokers::CARDS;
        let mut best = 0u16;
        let empty = pokers::Hand::default();
        for a in 0..52 {
            let ha = empty + deck[a];
            for b in a + 1..52 {
                let hb = ha + deck[b];
                for c in b + 1..52 {
                    let hc = hb + deck[c];
                    for d in c + 1..52 {
                        let hd = hc + deck[d];
                        for e in d + 1..52 {
                            let he = hd + deck[e];
                            for f in e + 1..52 {
                                let hf = he + deck[f];
                                for &last in &deck[f + 1..] {
                                    best = best.max((hf + last).evaluate());
                                }
                            }
                        }
                    }
                }
            }
        }
        u64::from(best)
    }

    #[inline(never)]
    fn evaluate_random(hands: &[[u8; HAND_SIZE]]) -> u64 {
        // Plain loops, like poker-core's: the same code whatever the inliner decides
        // about closures.
        let mut best = 0u16;
        for cards in hands {
            let cards: &[u8; HAND_SIZE] = black_box(cards);
            let mut hand = pokers::Hand::default();
            for &card in cards {
                hand += pokers::CARDS[usize::from(card)];
            }
            best = best.max(hand.evaluate());
        }
        u64::from(best)
    }

    fn ordered_values(hands: &[[u8; HAND_SIZE]]) -> Vec<u32> {
        hands
            .iter()
            .map(|cards| {
                let hand = cards.iter().fold(pokers::Hand::default(), |hand, &card| {
                    hand + pokers::CARDS[usize::from(card)]
                });
                u32::from(hand.evaluate())
            })
            .collect()
    }
}

/// `rs_poker` 5.0.0: `SevenCardAccum` (incremental) for both orders.
pub(crate) struct RsPoker;

fn rs_poker_card(index: u8) -> rs_poker::core::Card {
    // rs_poker indexes cards as `suit * 13 + value`.
    rs_poker::core::Card::from((index % 4) * 13 + index / 4)
}

impl Contender for RsPoker {
    const NAME: &'static str = "rs_poker 5.0.0";
    type Prepared = [rs_poker::core::Card; HAND_SIZE];

    fn prepare(hands: &[[u8; HAND_SIZE]]) -> Vec<[rs_poker::core::Card; HAND_SIZE]> {
        hands.iter().map(|hand| hand.map(rs_poker_card)).collect()
    }

    fn enumerate_all() -> u64 {
        use rs_poker::core::SevenCardAccum;
        let deck: Vec<rs_poker::core::Card> = (0..52).map(rs_poker_card).collect();
        let mut best = SevenCardAccum::new().rank();
        let empty = SevenCardAccum::new();
        for a in 0..52 {
            let ha = empty + deck[a];
            for b in a + 1..52 {
                let hb = ha + deck[b];
                for c in b + 1..52 {
                    let hc = hb + deck[c];
                    for d in c + 1..52 {
                        let hd = hc + deck[d];
                        for e in d + 1..52 {
                            let he = hd + deck[e];
                            for f in e + 1..52 {
                                let hf = he + deck[f];
                                for &last in &deck[f + 1..] {
                                    best = best.max((hf + last).rank());
                                }
                            }
                        }
                    }
                }
            }
        }
        u64::from(best.value_bits())
    }

    #[inline(never)]
    fn evaluate_random(hands: &[[rs_poker::core::Card; HAND_SIZE]]) -> u64 {
        use rs_poker::core::SevenCardAccum;
        let mut best = SevenCardAccum::new().rank();
        for cards in hands {
            let cards: &[rs_poker::core::Card; HAND_SIZE] = black_box(cards);
            let mut hand = SevenCardAccum::new();
            for &card in cards {
                hand += card;
            }
            best = best.max(hand.rank());
        }
        u64::from(best.value_bits())
    }

    fn ordered_values(hands: &[[rs_poker::core::Card; HAND_SIZE]]) -> Vec<u32> {
        use rs_poker::core::SevenCardAccum;
        hands
            .iter()
            .map(|cards| {
                let rank = cards
                    .iter()
                    .fold(SevenCardAccum::new(), |hand, &card| hand + card)
                    .rank();
                (rank.category() as u32) << 16 | u32::from(rank.value_bits())
            })
            .collect()
    }
}
