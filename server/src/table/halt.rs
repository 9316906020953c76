//! Whether a table halted, and why, readable outside the table's task: the table listings
//! (`list_tables`, `GET /api/v1/tables`) and the snapshot a new watcher gets tell a client
//! that arrives after the `table_halted` event, so it need not learn it from refusals.

use std::sync::{Arc, OnceLock};

use crate::ws::messages::WireHalt;

/// Set once by the table's task when it announces its halt; a halted table never resumes
/// (it deals again only after a restart). Cloning is cheap; clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct HaltFlag(Arc<OnceLock<WireHalt>>);

impl HaltFlag {
    /// Records the halt; a later call changes nothing (the first reason stands).
    pub(crate) fn set(&self, halt: WireHalt) {
        let _ = self.0.set(halt);
    }

    /// Why and when the table halted, if it did.
    pub fn get(&self) -> Option<WireHalt> {
        self.0.get().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_halt_stands_and_clones_see_it() {
        let flag = HaltFlag::default();
        let seen = flag.clone();
        assert_eq!(seen.get(), None);
        let first = WireHalt {
            reason: "store_failed",
            hand: Some(3),
        };
        flag.set(first);
        flag.set(WireHalt {
            reason: "internal",
            hand: None,
        });
        assert_eq!(seen.get(), Some(first));
    }
}
