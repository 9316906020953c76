//! `explain_deal` reproduces every intermediate value of the derivation vectors in
//! `fairness/testdata/derivation.json`, and `explain_record` agrees with `verify`.

#![allow(clippy::unwrap_used)]

use fairness::*;
use poker_core::{format_cards, DealingOrder};
use serde_json::Value;

fn seed_bytes(hex_text: &str) -> [u8; 32] {
    hex::decode(hex_text).unwrap().try_into().unwrap()
}

fn cases() -> Vec<Value> {
    let text = include_str!("../testdata/derivation.json");
    let doc: Value = serde_json::from_str(text).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

#[test]
fn every_derivation_vector_is_explained_exactly() {
    let cases = cases();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let client_seeds: Vec<(u8, ClientSeed)> = case["client_seeds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["seat"].as_u64().unwrap() as u8,
                    ClientSeed::from_bytes(seed_bytes(c["seed"].as_str().unwrap())),
                )
            })
            .collect();
        let variant = match case["deck_kind"].as_str().unwrap() {
            "short" => Variant::ShortDeckHoldem,
            _ => Variant::Holdem,
        };
        let button = case["dealing"]["button"]
            .as_u64()
            .map_or(client_seeds[0].0, |b| b as u8);
        let derivation = explain_deal(&DealInputs {
            table_id: case["table_id"].as_u64().unwrap(),
            hand_no: case["hand_no"].as_u64().unwrap(),
            server_seed: ServerSeed::from_bytes(seed_bytes(case["server_seed"].as_str().unwrap())),
            client_seeds,
            variant,
            button,
            dealing_order: DealingOrder::V1,
        })
        .unwrap();
        assert_eq!(
            hex::encode(&derivation.server_commitment_preimage),
            case["server_commitment_preimage"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            derivation.server_commitment.to_hex(),
            case["server_commitment"].as_str().unwrap()
        );
        for (step, expected) in derivation
            .client_commitments
            .iter()
            .zip(case["client_commitments"].as_array().unwrap())
        {
            assert_eq!(u64::from(step.seat), expected["seat"].as_u64().unwrap());
            assert_eq!(
                hex::encode(&step.preimage),
                expected["preimage"].as_str().unwrap()
            );
            assert_eq!(
                step.commitment.to_hex(),
                expected["commitment"].as_str().unwrap()
            );
        }
        assert_eq!(
            hex::encode(&derivation.deck_key_message),
            case["deck_key_message"].as_str().unwrap(),
            "{name}"
        );
        assert_eq!(
            hex::encode(derivation.deck_key.expose()),
            case["deck_key"].as_str().unwrap()
        );
        let words: Vec<u32> = case["keystream_words_u32"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_u64().unwrap() as u32)
            .collect();
        assert_eq!(derivation.words, words[..derivation.words.len()], "{name}");
        let swaps: Vec<(usize, usize)> = derivation.steps.iter().map(|s| (s.i, s.j)).collect();
        let expected_swaps: Vec<(usize, usize)> = case["swaps_i_j"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p[0].as_u64().unwrap() as usize,
                    p[1].as_u64().unwrap() as usize,
                )
            })
            .collect();
        assert_eq!(swaps, expected_swaps, "{name}");
        assert_eq!(
            format_cards(derivation.deck.cards()),
            case["deck"].as_str().unwrap()
        );
        if case["dealing"].is_object() {
            let dealing = &case["dealing"];
            let sequence: Vec<u8> = dealing["dealing_sequence"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_u64().unwrap() as u8)
                .collect();
            assert_eq!(derivation.dealing_sequence, sequence, "{name}");
            for (seat, expected) in derivation
                .hole_cards
                .iter()
                .zip(dealing["hole_cards"].as_array().unwrap())
            {
                assert_eq!(u64::from(seat.seat), expected["seat"].as_u64().unwrap());
                assert_eq!(
                    format_cards(&seat.cards),
                    expected["cards"].as_str().unwrap()
                );
            }
            let board: Vec<poker_core::Card> = derivation
                .board
                .iter()
                .flat_map(|s| s.cards.clone())
                .collect();
            assert_eq!(format_cards(&board), dealing["board"].as_str().unwrap());
        }
    }
}

#[test]
fn explain_record_matches_the_verified_deck_and_deal() {
    let doc: Value = serde_json::from_str(include_str!("../testdata/records.json")).unwrap();
    let keys =
        KeyRing::new(PublicKey::from_hex(doc["server_public_key"].as_str().unwrap()).unwrap());
    let mut explained = 0;
    for case in doc["records"].as_array().unwrap() {
        if case["expect"] != "ok" || !case["previous_record"].is_null() {
            continue;
        }
        let record = SignedHandRecord::from_json(&case["json"].to_string()).unwrap();
        let verified = verify(&record, &keys, Predecessor::Genesis).unwrap();
        match (explain_record(&record), verified.deck) {
            (Ok(derivation), Some(deck)) => {
                assert_eq!(derivation.deck, deck);
                for hole in &verified.hole_cards {
                    let dealt = derivation
                        .hole_cards
                        .iter()
                        .find(|d| d.seat == hole.seat)
                        .unwrap();
                    assert_eq!(dealt.cards, hole.cards);
                }
                explained += 1;
            }
            (Err(ExplainError::SeedNotRevealed(_)), None) => {}
            (other, deck) => panic!("explain {other:?} but verified deck {deck:?}"),
        }
    }
    assert!(explained >= 2);
}

#[test]
fn traced_steps_run_in_order_and_a_failure_is_the_next_step() {
    let doc: Value = serde_json::from_str(include_str!("../testdata/records.json")).unwrap();
    let keys =
        KeyRing::new(PublicKey::from_hex(doc["server_public_key"].as_str().unwrap()).unwrap());
    for case in doc["records"].as_array().unwrap() {
        let Ok(record) = SignedHandRecord::from_json(&case["json"].to_string()) else {
            continue;
        };
        let predecessor = match case["previous_record"].as_str() {
            Some(hex_text) => {
                let previous =
                    SignedHandRecord::from_bytes(&hex::decode(hex_text).unwrap()).unwrap();
                Predecessor::Record {
                    hash: previous.record_hash(),
                    table_id: previous.header().table_id,
                    hand_no: previous.header().hand_no,
                    key_generation: 0,
                }
            }
            None => Predecessor::Genesis,
        };
        let mut steps = Vec::new();
        let result = verify_traced(&record, &keys, predecessor, |step, _| steps.push(step));
        assert_eq!(steps, VerifyStep::ALL[..steps.len()], "{}", case["name"]);
        assert_eq!(result.is_ok(), steps.len() == VerifyStep::ALL.len());
        let failed_step = VerifyStep::ALL.get(steps.len()).copied();
        let expected_step = match case["expect"].as_str().unwrap() {
            "ok" => None,
            "unknown-key" => Some(VerifyStep::Key),
            "signature" => Some(VerifyStep::Signatures),
            "chain-link" => Some(VerifyStep::ChainLink),
            "commitment" => Some(VerifyStep::Commitment),
            "client-seed" => Some(VerifyStep::ClientSeeds),
            "dealing" => Some(VerifyStep::Dealing),
            "replay" => Some(VerifyStep::Replay),
            "payout" => Some(VerifyStep::Payouts),
            "void" => Some(VerifyStep::Void),
            other => panic!("unexpected verdict {other}"),
        };
        assert_eq!(failed_step, expected_step, "{}", case["name"]);
        assert_eq!(verify(&record, &keys, predecessor).is_ok(), result.is_ok());
    }
}
