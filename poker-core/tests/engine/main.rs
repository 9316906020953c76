//! Integration tests of the hand engine through its public API: rule scenarios and
//! a seeded random-hand simulator.

// Test helpers panic on malformed fixtures on purpose: that is a failing test.
#![allow(clippy::unwrap_used)]

mod export_roundtrip;
mod oracle;
mod posts;
mod rules;
mod sim;
#[path = "../splitmix/mod.rs"]
mod splitmix;
mod support;
