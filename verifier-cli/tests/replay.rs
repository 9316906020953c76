//! `poker-verify replay` over the PHH corpus in `shared/phh` (at `$FAIRDEAL_PHH_DIR`,
//! else `<workspace>/../shared/phh`): one process replays every file.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};

use support::*;

fn corpus_dir() -> PathBuf {
    let dir = match std::env::var_os("FAIRDEAL_PHH_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/phh"),
    };
    assert!(
        dir.join("manifest.csv").is_file(),
        "PHH corpus not found at {}: set FAIRDEAL_PHH_DIR to the folder holding manifest.csv",
        dir.display()
    );
    dir
}

/// PokerKit's integer finishing stacks per file, from `manifest.csv`.
fn manifest_stacks(corpus: &Path) -> Vec<(String, Vec<String>)> {
    std::fs::read_to_string(corpus.join("manifest.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| {
            let columns: Vec<&str> = line.split(',').collect();
            let stacks = columns[8].split_whitespace().map(str::to_owned).collect();
            (columns[0].to_owned(), stacks)
        })
        .collect()
}

#[test]
fn every_supported_corpus_file_reproduces_its_finishing_stacks() {
    let corpus = corpus_dir();
    let folders: Vec<String> = ["pluribus", "pokerkit-generated", "wsop", "historical"]
        .iter()
        .map(|f| corpus.join(f).to_str().unwrap().to_owned())
        .collect();
    let mut args = vec!["replay", "--json"];
    args.extend(folders.iter().map(String::as_str));
    let out = run(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json = out.json();
    let summary = &json["summary"];
    println!("{summary}");
    assert_eq!(summary["files"], 2_636);
    assert_eq!(summary["mismatch"], 0);
    assert_eq!(summary["refused"], 0);
    // 47 files are of variants the engine does not play (or, for one, a forced-bet
    // layout it cannot express): see the README's PHH section.
    assert_eq!(summary["unsupported"], 47);
    assert_eq!(summary["matched"], 2_578);
    // historical/ files have no finishing_stacks; 8 Pluribus files split an odd chip
    // by true division. Both are checked against PokerKit's integer result.
    assert_eq!(summary["no_finishing_stacks"], 3);
    assert_eq!(summary["fractional_split"], 8);
    let manifest = manifest_stacks(&corpus);
    for hand in json["hands"].as_array().unwrap() {
        let result = hand["result"].as_str().unwrap();
        if result != "no_finishing_stacks" && result != "fractional_split" {
            continue;
        }
        let path = hand["hand"].as_str().unwrap();
        let relative = path
            .strip_prefix(corpus.to_str().unwrap())
            .unwrap()
            .trim_start_matches('/');
        let expected = &manifest.iter().find(|(p, _)| p == relative).unwrap().1;
        let got: Vec<String> = hand["finishing_stacks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(&got, expected, "{relative}");
    }
}

#[test]
fn a_wrong_finishing_stack_exits_1_and_nonstandard_rulings_are_reported() {
    let corpus = corpus_dir();
    let text = std::fs::read_to_string(corpus.join("pokerkit-generated/0000.phh")).unwrap();
    let dir = scratch("replay");
    let good = write(&dir.join("good.phh"), &text);
    let out = run(&["replay", &good]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("match the file"));

    let line = text
        .lines()
        .find(|l| l.starts_with("finishing_stacks"))
        .unwrap();
    let changed = line.replacen('[', "[1", 1);
    let bad = write(&dir.join("bad.phh"), &text.replace(line, &changed));
    let out = run(&["replay", &bad]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert!(out.stdout.contains("MISMATCH"));

    // PokerKit rulings card rooms do not share: some hands settle differently, some
    // actions are refused; either way the run exits 1 and names the files.
    let out = run(&[
        "replay",
        corpus.join("pokerkit-nonstandard").to_str().unwrap(),
    ]);
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("REFUSED") && out.stdout.contains("MISMATCH"));

    // Unreadable or unplayable input exits 2.
    let broken = write(&dir.join("broken.phh"), "variant = 'NT'\nactions = [");
    run(&["replay", &broken]).assert_unusable();
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    run(&["replay", empty.to_str().unwrap()]).assert_unusable();
    let stud = corpus.join("historical/alice-carol-wikipedia.phh");
    run(&["replay", stud.to_str().unwrap()]).assert_unusable();
}
