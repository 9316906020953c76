//! Turning verification results into text for a player and JSON for programs.

use fairness::{
    Derivation, HandStatus, RecordedAction, SignedHandRecord, StepOutcome, VerifiedHand,
    VerifyError, VerifyStep,
};
use poker_core::format_cards;
use serde_json::{json, Value};

/// How one check ended, as reported.
#[derive(Clone, Debug)]
pub(crate) enum StepStatus {
    Passed,
    Skipped(&'static str),
    Failed {
        check: &'static str,
        message: String,
    },
    NotRun,
}

/// One line of the check list.
#[derive(Clone, Debug)]
pub(crate) struct StepLine {
    pub(crate) name: &'static str,
    pub(crate) what: &'static str,
    pub(crate) status: StepStatus,
}

/// The stable name of a verification step in reports.
pub(crate) fn step_name(step: VerifyStep) -> &'static str {
    match step {
        VerifyStep::Key => "key",
        VerifyStep::Signatures => "signatures",
        VerifyStep::ChainLink => "chain-link",
        VerifyStep::Binding => "binding",
        VerifyStep::Commitment => "commitment",
        VerifyStep::ClientSeeds => "client-seeds",
        VerifyStep::Void => "void",
        VerifyStep::Deck => "deck",
        VerifyStep::Dealing => "dealing",
        VerifyStep::Replay => "replay",
        VerifyStep::Payouts => "payouts",
    }
}

/// The full check list: decoding, then every step of `verify_traced` as reported;
/// the first step not reported is the failed one, the rest did not run.
pub(crate) fn step_lines(
    decode_error: Option<&fairness::DecodeError>,
    reported: &[(VerifyStep, StepOutcome)],
    error: Option<&VerifyError>,
) -> Vec<StepLine> {
    let mut lines = vec![StepLine {
        name: "decode",
        what: "well-formed canonical record",
        status: match decode_error {
            None => StepStatus::Passed,
            Some(e) => StepStatus::Failed {
                check: "malformed",
                message: e.to_string(),
            },
        },
    }];
    let mut failure = error;
    for step in VerifyStep::ALL {
        let status = if decode_error.is_some() {
            StepStatus::NotRun
        } else if let Some((_, outcome)) = reported.iter().find(|(s, _)| *s == step) {
            match outcome {
                StepOutcome::Passed => StepStatus::Passed,
                StepOutcome::Skipped(why) => StepStatus::Skipped(why),
            }
        } else if let Some(e) = failure.take() {
            StepStatus::Failed {
                check: e.check(),
                message: e.to_string(),
            }
        } else {
            StepStatus::NotRun
        };
        lines.push(StepLine {
            name: step_name(step),
            what: step.describe(),
            status,
        });
    }
    lines
}

/// The check list as text, one line per check.
pub(crate) fn steps_text(lines: &[StepLine]) -> String {
    let mut out = String::new();
    for line in lines {
        let (mark, note) = match &line.status {
            StepStatus::Passed => ("✓", String::new()),
            StepStatus::Skipped(why) => ("–", format!(" (skipped: {why})")),
            StepStatus::Failed { check, message } => {
                ("✗", format!("\n      FAILED [{check}]: {message}"))
            }
            StepStatus::NotRun => ("·", " (not run)".to_owned()),
        };
        out.push_str(&format!("  {mark} {:<13} {}{note}\n", line.name, line.what));
    }
    out
}

/// The check list as JSON.
pub(crate) fn steps_json(lines: &[StepLine]) -> Value {
    Value::Array(
        lines
            .iter()
            .map(|line| match &line.status {
                StepStatus::Passed => json!({ "step": line.name, "status": "pass" }),
                StepStatus::Skipped(why) => {
                    json!({ "step": line.name, "status": "skipped", "reason": why })
                }
                StepStatus::Failed { check, message } => json!({
                    "step": line.name, "status": "fail", "check": check, "error": message
                }),
                StepStatus::NotRun => json!({ "step": line.name, "status": "not_run" }),
            })
            .collect(),
    )
}

fn status_word(status: HandStatus) -> &'static str {
    match status {
        HandStatus::Completed => "completed",
        HandStatus::VoidMissingReveal => "void (a seed was not revealed)",
        HandStatus::VoidAborted => "void (aborted, stacks refunded)",
        HandStatus::VoidInterruptedBeforeDeal => {
            "void (server stopped before the deal, nobody flagged)"
        }
    }
}

fn action_text(action: RecordedAction) -> String {
    match action {
        RecordedAction::Fold => "folds".into(),
        RecordedAction::Check => "checks".into(),
        RecordedAction::Call => "calls".into(),
        RecordedAction::BetTo(to) => format!("bets/raises to {to}"),
        RecordedAction::TimeOut => "times out".into(),
    }
}

fn player_of(record: &SignedHandRecord, seat: u8) -> String {
    record
        .seat_entry(seat)
        .map_or_else(String::new, |s| s.player.clone())
}

fn starting_stack(record: &SignedHandRecord, seat: u8) -> u64 {
    record.seat_entry(seat).map_or(0, |s| s.stack)
}

/// What a player wants to see of a verified hand, as text.
pub(crate) fn hand_text(record: &SignedHandRecord, hand: &VerifiedHand) -> String {
    let mut out = format!(
        "Hand {} at table {}: {}\n  record hash {}\n  previous    {}\n",
        hand.hand_no,
        hand.table_id,
        status_word(hand.status),
        hand.record_hash,
        hand.previous
    );
    out.push_str(&format!(
        "  seeds: own client seed from seats {:?}; server-generated for seats {:?}\n",
        hand.independent_seats, hand.server_generated_seats
    ));
    if !hand.flagged.is_empty() {
        out.push_str(&format!("  flagged seats: {:?}\n", hand.flagged));
    }
    if let Some(deck) = &hand.deck {
        out.push_str(&format!("  deck: {}\n", format_cards(deck.cards())));
    }
    for hole in &hand.hole_cards {
        out.push_str(&format!(
            "  seat {} ({}): {}\n",
            hole.seat,
            player_of(record, hole.seat),
            format_cards(&hole.cards)
        ));
    }
    if hand.deck.is_some() {
        out.push_str(&format!("  board: {}\n", format_cards(&hand.board)));
    }
    let posts = record.body().announcement().body().setup().posts();
    if !posts.is_empty() {
        out.push_str("  posts beyond the blinds (missed blinds):\n");
        for post in posts {
            out.push_str(&format!(
                "    seat {} ({}): {} live, {} dead\n",
                post.seat,
                player_of(record, post.seat),
                post.live,
                post.dead
            ));
        }
    }
    let actions = &record.body().outcome().actions;
    if !actions.is_empty() {
        out.push_str("  actions:\n");
        for (i, logged) in actions.iter().enumerate() {
            out.push_str(&format!(
                "    {:>3}. seat {} {}\n",
                i + 1,
                logged.seat,
                action_text(logged.action)
            ));
        }
    }
    out.push_str("  payouts:\n");
    for f in &hand.final_stacks {
        let start = starting_stack(record, f.seat);
        let change = i128::from(f.stack) - i128::from(start);
        out.push_str(&format!(
            "    seat {} ({}): {} -> {} ({change:+})\n",
            f.seat,
            player_of(record, f.seat),
            start,
            f.stack
        ));
    }
    out
}

/// The same as JSON (`posts` only when the hand had any, so other hands print as before).
pub(crate) fn hand_json(record: &SignedHandRecord, hand: &VerifiedHand) -> Value {
    let mut value = hand_json_fields(record, hand);
    let posts = record.body().announcement().body().setup().posts();
    if let (false, Some(object)) = (posts.is_empty(), value.as_object_mut()) {
        object.insert(
            "posts".into(),
            posts
                .iter()
                .map(|p| json!({"seat": p.seat, "live": p.live, "dead": p.dead}))
                .collect(),
        );
    }
    value
}

fn hand_json_fields(record: &SignedHandRecord, hand: &VerifiedHand) -> Value {
    json!({
        "table_id": hand.table_id,
        "hand_no": hand.hand_no,
        "status": match hand.status {
            HandStatus::Completed => "completed",
            HandStatus::VoidMissingReveal => "void_missing_reveal",
            HandStatus::VoidAborted => "void_aborted",
            HandStatus::VoidInterruptedBeforeDeal => "void_interrupted_before_deal",
        },
        "key_id": hand.key_id.to_hex(),
        "record_hash": hand.record_hash.to_hex(),
        "previous_record_hash": hand.previous.to_hex(),
        "independent_seats": hand.independent_seats,
        "server_generated_seats": hand.server_generated_seats,
        "flagged": hand.flagged,
        "deck": hand.deck.as_ref().map(|d| format_cards(d.cards())),
        "hole_cards": hand.hole_cards.iter().map(|h| json!({
            "seat": h.seat, "player": player_of(record, h.seat), "cards": format_cards(&h.cards)
        })).collect::<Vec<_>>(),
        "board": format_cards(&hand.board),
        "actions": record.body().outcome().actions.iter().map(|a| json!({
            "seat": a.seat, "action": action_text(a.action)
        })).collect::<Vec<_>>(),
        "payouts": hand.final_stacks.iter().map(|f| json!({
            "seat": f.seat,
            "player": player_of(record, f.seat),
            "start": starting_stack(record, f.seat),
            "final": f.stack,
        })).collect::<Vec<_>>(),
    })
}

/// Every intermediate value of a derivation as text, named as in the specification.
pub(crate) fn derivation_text(d: &Derivation) -> String {
    let mut out = String::from("Derivation, step by step (docs/fairness-protocol.md §4–§7)\n");
    out.push_str("§4.1 server commitment C_s = SHA-256(preimage)\n");
    out.push_str(&format!(
        "  preimage = {}\n  C_s      = {}\n",
        hex::encode(&d.server_commitment_preimage),
        d.server_commitment
    ));
    out.push_str("§4.2 client commitments H_i = SHA-256(preimage)\n");
    for c in &d.client_commitments {
        out.push_str(&format!(
            "  seat {}: preimage = {}\n          H_{} = {}\n",
            c.seat,
            hex::encode(&c.preimage),
            c.seat,
            c.commitment
        ));
    }
    out.push_str(&format!(
        "§5 deck key K = HMAC-SHA256(key = s, message = M)\n  M ({} bytes) = {}\n  K = {}\n",
        d.deck_key_message.len(),
        hex::encode(&d.deck_key_message),
        hex::encode(d.deck_key.expose())
    ));
    out.push_str(&format!(
        "§6 ChaCha20 words (little-endian u32 of the keystream), {} drawn\n",
        d.words.len()
    ));
    for chunk in d.words.chunks(8) {
        let words: Vec<String> = chunk.iter().map(u32::to_string).collect();
        out.push_str(&format!("  {}\n", words.join(" ")));
    }
    out.push_str("  Fisher–Yates from the ordered deck: j = word mod (i+1), swap i and j\n");
    for step in &d.steps {
        let rejected = if step.rejected.is_empty() {
            String::new()
        } else {
            format!(" (rejected first: {:?})", step.rejected)
        };
        out.push_str(&format!(
            "  i={:>2}  word {:>10} mod {:>2} = j={:>2}{rejected}\n",
            step.i,
            step.word,
            step.i + 1,
            step.j
        ));
    }
    out.push_str(&format!("  deck = {}\n", format_cards(d.deck.cards())));
    let indices: Vec<String> = d
        .deck
        .cards()
        .iter()
        .map(|c| c.index().to_string())
        .collect();
    out.push_str(&format!("  deck as indices = {}\n", indices.join(" ")));
    out.push_str(&format!(
        "§7 dealing: sequence {:?} (first seat after the button first, button last)\n",
        d.dealing_sequence
    ));
    for seat in &d.hole_cards {
        out.push_str(&format!(
            "  seat {}: positions {:?} -> {}\n",
            seat.seat,
            seat.positions,
            format_cards(&seat.cards)
        ));
    }
    for (name, street) in ["flop", "turn", "river"].iter().zip(&d.board) {
        out.push_str(&format!(
            "  {name}: burn position {} ({}), positions {:?} -> {}\n",
            street.burn_position,
            street.burn,
            street.positions,
            format_cards(&street.cards)
        ));
    }
    out
}

/// The same as JSON.
pub(crate) fn derivation_json(d: &Derivation) -> Value {
    let streets = ["flop", "turn", "river"];
    let board: Vec<Value> = streets
        .iter()
        .zip(&d.board)
        .map(|(name, s)| {
            json!({
                "street": name, "burn_position": s.burn_position, "burn": s.burn.to_string(),
                "positions": s.positions, "cards": format_cards(&s.cards)
            })
        })
        .collect();
    json!({
        "server_commitment_preimage": hex::encode(&d.server_commitment_preimage),
        "server_commitment": d.server_commitment.to_hex(),
        "client_commitments": d.client_commitments.iter().map(|c| json!({
            "seat": c.seat, "preimage": hex::encode(&c.preimage), "commitment": c.commitment.to_hex()
        })).collect::<Vec<_>>(),
        "deck_key_message": hex::encode(&d.deck_key_message),
        "deck_key": hex::encode(d.deck_key.expose()),
        "words": d.words,
        "shuffle": d.steps.iter().map(|s| json!({
            "i": s.i, "word": s.word, "rejected": s.rejected, "j": s.j
        })).collect::<Vec<_>>(),
        "deck": format_cards(d.deck.cards()),
        "dealing_sequence": d.dealing_sequence,
        "hole_cards": d.hole_cards.iter().map(|h| json!({
            "seat": h.seat, "positions": h.positions, "cards": format_cards(&h.cards)
        })).collect::<Vec<_>>(),
        "board": board,
    })
}
