//! Shared helpers for the cross-crate tests in `tests/tests/`: the workspace root, the real
//! `poker-server` binary as a child process ([`process`]), a small HTTP client ([`http`]) and
//! a WebSocket bot that plays random legal actions ([`bot`]) and a connection driven step by
//! step ([`conn`]).

pub mod bot;
pub mod conn;
pub mod http;
pub mod process;

use std::path::{Path, PathBuf};

/// The root of the workspace (the folder holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package lives one level below the workspace root")
        .to_path_buf()
}
