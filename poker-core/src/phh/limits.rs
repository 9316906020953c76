//! Named limits that bound every size and loop of the PHH reader.
//!
//! A hand history may come from anywhere (an upload, a fuzzer), so the reader refuses
//! input beyond these sizes with a typed error instead of allocating or looping
//! without bound. The values are far above anything a real hand needs.

/// Largest accepted input, in bytes. A `.phhs` file of this size holds tens of
/// thousands of hands (the PHH paper measures about 545 bytes per hand).
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Most hands (`[n]` tables) in one `.phhs` file.
pub const MAX_HANDS_PER_FILE: usize = 50_000;

/// Most keys in one table (a hand, or an inline table).
pub const MAX_KEYS_PER_TABLE: usize = 256;

/// Most elements in one array. Bounds the `actions` list too.
pub const MAX_ARRAY_LEN: usize = 4_096;

/// Deepest nesting of arrays and inline tables.
pub const MAX_NESTING: usize = 8;

/// Longest string value or key, in bytes after unescaping.
pub const MAX_STRING_BYTES: usize = 16 * 1024;

/// Longest number, boolean or date-time token, in bytes.
pub const MAX_SCALAR_BYTES: usize = 64;

/// Most actions in one hand.
pub const MAX_ACTIONS: usize = MAX_ARRAY_LEN;

/// Most players in one hand. PHH itself sets no limit; real tables seat at most 10,
/// and the engine fewer.
pub const MAX_PLAYERS: usize = 32;

/// Most digits after the decimal point in a chip amount (`10112.5` has one).
pub const MAX_AMOUNT_SCALE: u8 = 9;

/// Most cards in one `dh`, `db`, `sd` or `sm` action.
pub const MAX_CARDS_PER_ACTION: usize = 52;
