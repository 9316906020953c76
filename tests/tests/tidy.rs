//! Repository-wide checks of the habits in ARCHITECTURE.md that no compiler enforces.

use std::fs;
use std::path::{Path, PathBuf};

use fairdeal_tests::workspace_root;

/// Folders that hold no project source, or source that is not ours to check.
const SKIPPED_DIRS: &[&str] = &["target", ".git", "corpus", "artifacts"];

/// Deepest folder nesting walked; the repository is far shallower.
const MAX_DEPTH: usize = 16;

fn rust_files(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    assert!(depth <= MAX_DEPTH, "folders nested deeper than {MAX_DEPTH}");
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("readable folder")
        .map(|entry| entry.expect("readable entry").path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !SKIPPED_DIRS.contains(&name) {
                rust_files(&path, depth + 1, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// The workspace's Rust files (there must be some) whose path and text `offends`
/// says break a habit, as paths relative to the workspace root.
fn offending_files(offends: impl Fn(&Path, &str) -> bool) -> Vec<String> {
    let root = workspace_root();
    let mut files = Vec::new();
    rust_files(&root, 0, &mut files);
    assert!(
        !files.is_empty(),
        "no Rust files found under {}",
        root.display()
    );
    files
        .iter()
        .filter(|path| {
            let text = fs::read_to_string(path).expect("readable source file");
            offends(path, &text)
        })
        .map(|path| {
            path.strip_prefix(&root)
                .unwrap_or(path)
                .display()
                .to_string()
        })
        .collect()
}

#[test]
fn every_rust_file_starts_with_a_doc_line_saying_what_it_is_for() {
    let offenders = offending_files(|_, text| !text.trim_start().starts_with("//!"));
    assert!(
        offenders.is_empty(),
        "these files do not start with a `//!` line saying what they are for:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn anyhow_is_only_used_in_binaries_main() {
    // Spelled in two pieces so that this file does not match itself.
    let offenders = offending_files(|path, text| {
        !path.ends_with("main.rs") && text.contains(concat!("anyhow", "::"))
    });
    assert!(
        offenders.is_empty(),
        "anyhow belongs in main.rs only; found in:\n{}",
        offenders.join("\n")
    );
}
