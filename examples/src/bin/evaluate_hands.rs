//! Evaluates and compares poker hands through poker-core's public API.
//!
//! Run with `cargo run -p fairdeal-examples --bin evaluate_hands`.

use poker_core::{
    evaluate, evaluate_low8, evaluate_omaha, evaluate_omaha_low8, evaluate_short_deck, parse_cards,
    Card, CardSet, FastHand, HandStrength,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    holdem_showdown()?;
    river_odds()?;
    other_games()?;
    bad_input()?;
    Ok(())
}

/// A hold'em showdown: each player's best five of seven, compared.
fn holdem_showdown() -> Result<(), Box<dyn std::error::Error>> {
    let board = parse_cards("Kd 7h 7c 2s 9d")?;
    let players = [("Alice", "Ks Kc"), ("Bob", "As Ad"), ("Carol", "9s 8s")];
    println!("Board {}", poker_core::format_cards(&board));
    let mut results: Vec<(&str, HandStrength)> = Vec::new();
    for (name, hole) in players {
        let cards = [parse_cards(hole)?, board.clone()].concat();
        let strength = evaluate(&cards)?;
        println!("  {name:<6} {hole}: {strength}");
        results.push((name, strength));
    }
    // Strengths are totally ordered; equal strengths split the pot.
    let best = results.iter().map(|&(_, s)| s).max().ok_or("no players")?;
    let winners: Vec<&str> = results
        .iter()
        .filter(|&&(_, s)| s == best)
        .map(|&(name, _)| name)
        .collect();
    println!("  wins: {}\n", winners.join(", "));
    Ok(())
}

/// Enumerates every river with the incremental `FastHand`: how often does a hand
/// that is behind on the turn win?
fn river_odds() -> Result<(), Box<dyn std::error::Error>> {
    let board = parse_cards("Ah Th 4c 2s")?;
    let hero_hole = parse_cards("Kh Qh")?; // flush and straight draws
    let villain_hole = parse_cards("As Ac")?; // top set
    let hero = FastHand::from_cards(&[hero_hole.clone(), board.clone()].concat())?;
    let villain = FastHand::from_cards(&[villain_hole.clone(), board.clone()].concat())?;
    let dead: CardSet = board
        .iter()
        .chain(&hero_hole)
        .chain(&villain_hole)
        .copied()
        .collect();
    let rivers: Vec<Card> = Card::all().filter(|card| !dead.contains(*card)).collect();
    let (mut wins, mut ties) = (0, 0);
    for &river in &rivers {
        let ours = hero.add_card(river)?.strength()?;
        let theirs = villain.add_card(river)?.strength()?;
        wins += usize::from(ours > theirs);
        ties += usize::from(ours == theirs);
    }
    println!(
        "KhQh vs AsAc on {}: {wins} winning rivers, {ties} ties, out of {}\n",
        poker_core::format_cards(&board),
        rivers.len()
    );
    Ok(())
}

/// Omaha high/low and short deck use their own rules.
fn other_games() -> Result<(), Box<dyn std::error::Error>> {
    let hole = parse_cards("As 2d Ks Qs")?;
    let board = parse_cards("3s 6s 8h Jd Jc")?;
    let high = evaluate_omaha(&hole, &board)?;
    let low = evaluate_omaha_low8(&hole, &board)?;
    println!(
        "Omaha {} on {}:",
        poker_core::format_cards(&hole),
        poker_core::format_cards(&board)
    );
    println!("  high: {high} (two spades in hand but only two on board: no flush)");
    match low {
        Some(low) => println!("  low:  {low}"),
        None => println!("  low:  none"),
    }

    let seven = parse_cards("As Kd Qh Jc Th 2c 3d")?;
    println!("Hold'em low with 7 cards: {:?}", evaluate_low8(&seven)?);

    let flush = evaluate_short_deck(&parse_cards("As Js 9s 7s 6s")?)?;
    let full_house = evaluate_short_deck(&parse_cards("Kh Kc Kd 6h 6c")?)?;
    println!(
        "Short deck: {flush} beats {full_house}: {}\n",
        flush > full_house
    );
    Ok(())
}

/// Bad input is a typed error, never a panic.
fn bad_input() -> Result<(), Box<dyn std::error::Error>> {
    let repeated = parse_cards("As Kd")?.repeat(3);
    println!(
        "Evaluating {}: {}",
        poker_core::format_cards(&repeated),
        describe(evaluate(&repeated))
    );
    let too_few = parse_cards("As Kd 7c")?;
    println!(
        "Evaluating {}: {}",
        poker_core::format_cards(&too_few),
        describe(evaluate(&too_few))
    );
    Ok(())
}

fn describe(result: Result<HandStrength, poker_core::EvalError>) -> String {
    match result {
        Ok(strength) => strength.to_string(),
        Err(error) => format!("error: {error}"),
    }
}
