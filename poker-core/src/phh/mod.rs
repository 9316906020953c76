//! PHH (Poker Hand History) files: reading, the typed model, canonical writing.
//!
//! PHH (<https://github.com/uoftcprg/phh-std>) records one hand as a TOML file; a
//! `.phhs` file holds several hands as tables `[1]`, `[2]`, …. This module reads them
//! without dependencies through a small, strict, bounded TOML reader (every limit is
//! a constant in [`limits`]), checks the fields against each other into a
//! [`HandHistory`], and writes canonical text that reads back as the same model.
//!
//! ```
//! use poker_core::phh::{HandHistory, PhhAction};
//!
//! let text = "variant = 'NT'\nantes = [0, 0, 0]\nblinds_or_straddles = [1, 2, 0]\n\
//!             min_bet = 2\nstarting_stacks = [50, 100, 30]\n\
//!             actions = ['d dh p1 AhAd', 'd dh p2 KsKc', 'd dh p3 ????', 'p3 f', 'p1 cc', 'p2 cc']\n";
//! let hand = HandHistory::parse(text)?;
//! assert_eq!(hand.fields().actions.len(), 6);
//! assert!(matches!(hand.fields().actions[3].action(), Some(PhhAction::Fold { .. })));
//! assert_eq!(HandHistory::parse(&hand.to_phh())?, hand);
//! # Ok::<(), poker_core::phh::PhhError>(())
//! ```

mod action;
mod amount;
mod error;
mod from_toml;
pub mod limits;
mod model;
mod posts;
pub mod replay;
mod toml_reader;
mod toml_scalar;
mod toml_string;
mod toml_value;
mod variant;
mod writer;

pub use action::{ActionLine, PhhAction, PhhCard, Player};
pub use amount::{Amount, AmountError};
pub use error::{ActionErrorReason, PhhError, PhhErrorKind, Position};
pub use model::{HandFields, HandHistory, Label, StartingStack};
pub use posts::{PhhPost, PostErrorReason, POSTS_FIELD};
pub use replay::{replay, Replay, ReplayError};
pub use toml_value::Value;
pub use variant::VariantCode;
pub use writer::write_phhs;

use limits::MAX_INPUT_BYTES;

/// One hand of a `.phhs` file with the name of its table (`"1"` for `[1]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedHand {
    /// The table name; empty for a single-hand file without tables.
    pub name: String,
    /// The hand.
    pub hand: HandHistory,
}

fn check_size(len: usize) -> Result<(), PhhError> {
    if len > MAX_INPUT_BYTES {
        Err(PhhError::new(
            Position::default(),
            PhhErrorKind::InputTooLarge { bytes: len },
        ))
    } else {
        Ok(())
    }
}

/// Checks the size of raw bytes, then that they are UTF-8.
fn text_of(bytes: &[u8]) -> Result<&str, PhhError> {
    check_size(bytes.len())?;
    core::str::from_utf8(bytes).map_err(|e| {
        // Report the line and column of the first invalid byte.
        let valid = &bytes[..e.valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column =
            core::str::from_utf8(&valid[line_start..]).map_or(1, |s| s.chars().count() + 1);
        PhhError::new(
            Position {
                line: u32::try_from(line).unwrap_or(u32::MAX),
                column: u32::try_from(column).unwrap_or(u32::MAX),
            },
            PhhErrorKind::InvalidUtf8,
        )
    })
}

impl HandHistory {
    /// Reads a single-hand `.phh` text.
    pub fn parse(text: &str) -> Result<HandHistory, PhhError> {
        check_size(text.len())?;
        let document = toml_reader::read_document(text)?;
        if let Some((_, table)) = document.tables.first() {
            return Err(PhhError::new(
                table.position,
                PhhErrorKind::NotSingleHand {
                    hands: document.tables.len() + usize::from(!document.root.entries.is_empty()),
                },
            ));
        }
        from_toml::hand_from_table(&document.root)
    }

    /// Reads a single-hand `.phh` file's bytes (checks the size before decoding).
    pub fn parse_bytes(bytes: &[u8]) -> Result<HandHistory, PhhError> {
        HandHistory::parse(text_of(bytes)?)
    }
}

/// Reads a `.phhs` text: every `[name]` table is one hand. A text without tables is
/// read as one hand named `""`, so this also accepts `.phh` files.
pub fn parse_hands(text: &str) -> Result<Vec<NamedHand>, PhhError> {
    check_size(text.len())?;
    let document = toml_reader::read_document(text)?;
    if document.tables.is_empty() {
        let hand = from_toml::hand_from_table(&document.root)?;
        return Ok(vec![NamedHand {
            name: String::new(),
            hand,
        }]);
    }
    if let Some((key, node)) = document.root.entries.first() {
        let _ = key;
        return Err(PhhError::new(
            node.position,
            PhhErrorKind::MixedTopLevelAndTables,
        ));
    }
    document
        .tables
        .iter()
        .map(|(name, table)| {
            Ok(NamedHand {
                name: name.clone(),
                hand: from_toml::hand_from_table(table)?,
            })
        })
        .collect()
}

/// Reads a `.phhs` file's bytes (checks the size before decoding).
pub fn parse_hands_bytes(bytes: &[u8]) -> Result<Vec<NamedHand>, PhhError> {
    parse_hands(text_of(bytes)?)
}
