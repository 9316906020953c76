//! A table's settings beyond its stakes, as every table listing shows them: the public
//! lists (`list_tables` over the WebSocket, `GET /api/v1/tables`) and the admin API's. One
//! type, flattened into each listing, so a setting added here shows everywhere at once.

use std::time::Duration;

use serde::Serialize;

use super::TableConfig;

/// The settings in force at a table that players may want before sitting down: its number
/// in the signed hand records, its clocks and its rules on sitting out and disconnecting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableSettings {
    /// The table's number in its signed hand records.
    pub number: u64,
    /// Hands a player may sit out before being stood up.
    pub sit_out_hands_max: u32,
    /// The action clock, in milliseconds.
    pub action_clock_ms: u64,
    /// The seed commit window, in milliseconds.
    pub commit_window_ms: u64,
    /// The seed reveal window, in milliseconds.
    pub reveal_window_ms: u64,
    /// The pause between hands, in milliseconds.
    pub hand_pause_ms: u64,
    /// Each seat's time bank, in seconds.
    pub time_bank_secs: u64,
    /// Added back to the bank per hand dealt, in seconds.
    pub time_bank_refill_secs: u64,
    /// Extra time for a disconnected player to act, in seconds.
    pub disconnect_grace_secs: u64,
    /// How long a disconnected player keeps the seat, in seconds.
    pub seat_keep_secs: u64,
    /// Disconnect graces per window.
    pub disconnect_graces: u32,
    /// The grace window, in hands.
    pub disconnect_grace_window_hands: u64,
}

/// Whole milliseconds of a configured (bounded) duration.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

impl From<&TableConfig> for TableSettings {
    fn from(c: &TableConfig) -> TableSettings {
        let presence = c.presence();
        TableSettings {
            number: c.number(),
            sit_out_hands_max: c.sit_out_hands_max(),
            action_clock_ms: millis(c.action_clock()),
            commit_window_ms: millis(c.commit_window()),
            reveal_window_ms: millis(c.reveal_window()),
            hand_pause_ms: millis(c.hand_pause()),
            time_bank_secs: presence.time_bank().as_secs(),
            time_bank_refill_secs: presence.time_bank_refill().as_secs(),
            disconnect_grace_secs: presence.disconnect_grace().as_secs(),
            seat_keep_secs: presence.seat_keep().as_secs(),
            disconnect_graces: presence.graces_per_window(),
            disconnect_grace_window_hands: presence.grace_window_hands(),
        }
    }
}
