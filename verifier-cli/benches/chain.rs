//! Verifying a long chain: `poker-verify chain` (the release binary, reading JSON
//! lines) next to the fairness crate's `verify_chain` on the same records in
//! memory, measured in the same run, with the ratio.
//!
//! `cargo bench -p verifier-cli --bench chain` (`FAIRDEAL_CHAIN_LEN` overrides the
//! 100,000 records). Generating the chain is not timed.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::io::Write;
use std::process::Command;
use std::time::Instant;

use fairness::{verify_chain, KeyRing, Predecessor, SignatureMode};

/// Timed rounds of each measurement; the best is reported (the machine is shared).
const ROUNDS: usize = 3;

fn main() {
    let len: u64 = std::env::var("FAIRDEAL_CHAIN_LEN")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let key = support::test_key();
    let started = Instant::now();
    let records = support::chain(&key, 1, len);
    let path =
        std::env::temp_dir().join(format!("poker-verify-bench-{}.jsonl", std::process::id()));
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for record in &records {
            writeln!(file, "{}", support::json_line(record)).unwrap();
        }
    }
    let bytes = std::fs::metadata(&path).unwrap().len();
    println!(
        "generated {len} records ({:.0} MB of JSON lines) in {:.1} s (not timed)",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let ring = KeyRing::new(*key.public());
    let mut library = f64::INFINITY;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let verified = verify_chain(
            &records,
            &ring,
            Predecessor::Genesis,
            SignatureMode::Batched,
        )
        .unwrap();
        library = library.min(start.elapsed().as_secs_f64());
        assert_eq!(verified.len() as u64, len);
    }
    drop(records);

    let key_hex = key.public().to_hex();
    let mut binary = f64::INFINITY;
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_poker-verify"))
            .args(["chain", path.to_str().unwrap(), "--key", &key_hex, "--json"])
            .output()
            .unwrap();
        binary = binary.min(start.elapsed().as_secs_f64());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["records"], len);
    }
    let _ = std::fs::remove_file(&path);

    let rate = |seconds: f64| len as f64 / seconds;
    println!(
        "fairness::verify_chain, batched, in memory: {:>8.0} records/s ({:.2} s)",
        rate(library),
        library
    );
    println!(
        "poker-verify chain (process, JSON lines):    {:>8.0} records/s ({:.2} s)",
        rate(binary),
        binary
    );
    println!(
        "ratio (library rate / binary rate): {:.2}",
        binary / library
    );
}
