//! `poker-verify deal`: the deck and the dealt cards from explicit inputs, for
//! players who want to check a derivation by hand.

use fairness::{explain_deal, ClientSeed, DealInputs, ServerSeed, Variant, MAX_SEATS};
use poker_core::{format_cards, DealingOrder};
use serde_json::json;

use crate::cli::{DealArgs, VariantArg};
use crate::outcome::{InputError, Verdict};
use crate::render;

pub(crate) fn run(args: &DealArgs) -> Result<Verdict, InputError> {
    let server_seed = ServerSeed::from_hex(args.server_seed.trim())
        .map_err(|e| InputError::new(format!("--server-seed: {e}")))?;
    if args.client_seeds.len() > usize::from(MAX_SEATS) {
        return Err(InputError::new(format!(
            "{} client seeds: at most {MAX_SEATS} seats",
            args.client_seeds.len()
        )));
    }
    let mut client_seeds = args
        .client_seeds
        .iter()
        .map(|text| parse_client_seed(text))
        .collect::<Result<Vec<_>, _>>()?;
    client_seeds.sort_by_key(|(seat, _)| *seat);
    let inputs = DealInputs {
        table_id: args.table,
        hand_no: args.hand,
        server_seed,
        client_seeds,
        variant: variant(args.variant),
        button: args.button,
        dealing_order: DealingOrder::V1,
    };
    let derivation = explain_deal(&inputs).map_err(|e| InputError::new(e.to_string()))?;
    if args.json {
        let mut out = json!({
            "deck": format_cards(derivation.deck.cards()),
            "hole_cards": derivation.hole_cards.iter().map(|h| json!({
                "seat": h.seat, "cards": format_cards(&h.cards)
            })).collect::<Vec<_>>(),
            "board": derivation.board.iter().map(|s| format_cards(&s.cards)).collect::<Vec<_>>().concat(),
        });
        if args.explain {
            out["derivation"] = render::derivation_json(&derivation);
        }
        println!("{out}");
        return Ok(Verdict::Valid);
    }
    println!(
        "Table {}, hand {}: deck {}",
        args.table,
        args.hand,
        format_cards(derivation.deck.cards())
    );
    for hole in &derivation.hole_cards {
        println!("  seat {}: {}", hole.seat, format_cards(&hole.cards));
    }
    let board: Vec<String> = derivation
        .board
        .iter()
        .map(|s| format_cards(&s.cards))
        .collect();
    println!("  board (if dealt to the river): {}", board.join(" "));
    if args.explain {
        print!("\n{}", render::derivation_text(&derivation));
    }
    Ok(Verdict::Valid)
}

/// `SEAT=HEX`.
fn parse_client_seed(text: &str) -> Result<(u8, ClientSeed), InputError> {
    let (seat, seed) = text
        .split_once('=')
        .ok_or_else(|| InputError::new(format!("--client-seed {text}: expected SEAT=HEX")))?;
    let seat: u8 = seat
        .trim()
        .parse()
        .map_err(|_| InputError::new(format!("--client-seed {text}: bad seat number")))?;
    let seed = ClientSeed::from_hex(seed.trim())
        .map_err(|e| InputError::new(format!("--client-seed {text}: {e}")))?;
    Ok((seat, seed))
}

fn variant(arg: VariantArg) -> Variant {
    match arg {
        VariantArg::Holdem => Variant::Holdem,
        VariantArg::ShortDeck => Variant::ShortDeckHoldem,
        VariantArg::Omaha4 => Variant::Omaha { hole_cards: 4 },
        VariantArg::Omaha5 => Variant::Omaha { hole_cards: 5 },
        VariantArg::Omaha6 => Variant::Omaha { hole_cards: 6 },
        VariantArg::OmahaHilo4 => Variant::OmahaHiLo { hole_cards: 4 },
        VariantArg::OmahaHilo5 => Variant::OmahaHiLo { hole_cards: 5 },
    }
}
