//! Shared helpers for the cross-crate tests in `tests/tests/`.

use std::path::{Path, PathBuf};

/// The root of the workspace (the folder holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package lives one level below the workspace root")
        .to_path_buf()
}
