//! Typed errors of the PHH reader, each with the line and column it concerns.

use core::fmt;

use super::posts::{PostErrorReason, POSTS_FIELD};

/// A place in the input text: 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// Line number, from 1.
    pub line: u32,
    /// Column number in characters, from 1.
    pub column: u32,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Why a text is not a valid PHH hand history, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhhError {
    /// Where the problem is (the start of the offending value or token).
    pub position: Position,
    /// What the problem is.
    pub kind: PhhErrorKind,
}

impl PhhError {
    pub(crate) fn new(position: Position, kind: PhhErrorKind) -> PhhError {
        PhhError { position, kind }
    }
}

/// The kinds of [`PhhError`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PhhErrorKind {
    /// The input is larger than [`MAX_INPUT_BYTES`](super::limits::MAX_INPUT_BYTES).
    InputTooLarge {
        /// Size of the input in bytes.
        bytes: usize,
    },
    /// The input is not UTF-8.
    InvalidUtf8,
    /// A character that cannot start or continue what is expected here.
    Unexpected {
        /// The character found (`None` at the end of the input).
        found: Option<char>,
        /// What the reader expected, in words.
        expected: &'static str,
    },
    /// A control character that TOML does not allow here.
    ControlCharacter(char),
    /// A string is not closed before the end of its line (or of the input).
    UnterminatedString,
    /// A backslash escape that TOML does not define.
    BadEscape,
    /// A number that does not follow TOML's grammar.
    BadNumber,
    /// An integer outside the 64-bit signed range.
    IntegerOverflow,
    /// Arrays or inline tables nested deeper than [`MAX_NESTING`](super::limits::MAX_NESTING).
    TooDeep,
    /// An array longer than [`MAX_ARRAY_LEN`](super::limits::MAX_ARRAY_LEN).
    ArrayTooLong,
    /// A table with more than [`MAX_KEYS_PER_TABLE`](super::limits::MAX_KEYS_PER_TABLE) keys.
    TooManyKeys,
    /// A file with more than [`MAX_HANDS_PER_FILE`](super::limits::MAX_HANDS_PER_FILE) hands.
    TooManyHands,
    /// A string or key longer than [`MAX_STRING_BYTES`](super::limits::MAX_STRING_BYTES).
    StringTooLong,
    /// A scalar token longer than [`MAX_SCALAR_BYTES`](super::limits::MAX_SCALAR_BYTES).
    TokenTooLong,
    /// The same key twice in one table, or the same table header twice.
    DuplicateKey(String),
    /// A TOML feature this reader deliberately does not handle (PHH never needs it).
    Unsupported(&'static str),
    /// A `.phhs` file with keys both at the top level and inside `[n]` tables.
    MixedTopLevelAndTables,
    /// A single-hand reader was given a file of several hands (or none).
    NotSingleHand {
        /// Number of hands found.
        hands: usize,
    },
    /// A required PHH field is absent.
    MissingField(&'static str),
    /// A PHH field has the wrong TOML type.
    WrongType {
        /// The field.
        field: &'static str,
        /// The type it must have.
        expected: &'static str,
    },
    /// The `variant` code is not one of the PHH variants.
    UnknownVariant(String),
    /// A chip amount is negative, has too many decimals, or does not fit in 64 bits.
    BadAmount {
        /// The field holding the amount.
        field: &'static str,
    },
    /// A per-player array does not have one entry per player.
    WrongLength {
        /// The field.
        field: &'static str,
        /// Players in the hand (the length of `starting_stacks`).
        expected: usize,
        /// Entries in the field.
        got: usize,
    },
    /// More than [`MAX_PLAYERS`](super::limits::MAX_PLAYERS) players, or none.
    BadPlayerCount(usize),
    /// An entry of `actions` is not a valid PHH action.
    BadAction {
        /// 0-based index in `actions`.
        index: usize,
        /// What is wrong with it.
        reason: ActionErrorReason,
    },
    /// An entry of the `_posts` user field (extra posts) is malformed.
    BadPost {
        /// 0-based index in `_posts`.
        index: usize,
        /// What is wrong with it.
        reason: PostErrorReason,
    },
}

/// What is wrong with one entry of `actions`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ActionErrorReason {
    /// The entry is empty (not even a comment).
    Empty,
    /// The actor is neither `d` nor `pN`.
    BadActor,
    /// `pN` names no player of this hand.
    NoSuchPlayer(u64),
    /// The action code is not one PHH defines for this actor.
    UnknownCode(String),
    /// The cards are not a list of two-character cards or `??`.
    BadCards,
    /// The same known card appears twice in the action.
    DuplicateCard,
    /// The bet amount is missing, negative or malformed.
    BadAmount,
    /// Words were left over after a complete action.
    TrailingWords,
    /// An action that needs cards has none.
    MissingCards,
}

impl fmt::Display for ActionErrorReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionErrorReason::Empty => write!(f, "empty action"),
            ActionErrorReason::BadActor => write!(f, "the actor must be `d` or `pN`"),
            ActionErrorReason::NoSuchPlayer(n) => write!(f, "there is no player p{n}"),
            ActionErrorReason::UnknownCode(code) => write!(f, "unknown action code {code:?}"),
            ActionErrorReason::BadCards => {
                write!(f, "cards must be two-character cards or `??`")
            }
            ActionErrorReason::DuplicateCard => write!(f, "a card appears twice"),
            ActionErrorReason::BadAmount => write!(f, "missing or malformed amount"),
            ActionErrorReason::TrailingWords => write!(f, "unexpected words after the action"),
            ActionErrorReason::MissingCards => write!(f, "cards are missing"),
        }
    }
}

impl fmt::Display for PhhErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use super::limits::*;
        match self {
            PhhErrorKind::InputTooLarge { bytes } => {
                write!(f, "input of {bytes} bytes exceeds {MAX_INPUT_BYTES}")
            }
            PhhErrorKind::InvalidUtf8 => write!(f, "input is not UTF-8"),
            PhhErrorKind::Unexpected {
                found: Some(c),
                expected,
            } => {
                write!(f, "unexpected {c:?}, expected {expected}")
            }
            PhhErrorKind::Unexpected {
                found: None,
                expected,
            } => write!(f, "unexpected end of input, expected {expected}"),
            PhhErrorKind::ControlCharacter(c) => {
                write!(f, "control character U+{:04X} not allowed", u32::from(*c))
            }
            PhhErrorKind::UnterminatedString => write!(f, "unterminated string"),
            PhhErrorKind::BadEscape => write!(f, "invalid escape sequence"),
            PhhErrorKind::BadNumber => write!(f, "malformed number"),
            PhhErrorKind::IntegerOverflow => write!(f, "integer out of 64-bit range"),
            PhhErrorKind::TooDeep => write!(f, "nesting deeper than {MAX_NESTING}"),
            PhhErrorKind::ArrayTooLong => write!(f, "array longer than {MAX_ARRAY_LEN}"),
            PhhErrorKind::TooManyKeys => write!(f, "more than {MAX_KEYS_PER_TABLE} keys"),
            PhhErrorKind::TooManyHands => write!(f, "more than {MAX_HANDS_PER_FILE} hands"),
            PhhErrorKind::StringTooLong => {
                write!(f, "string longer than {MAX_STRING_BYTES} bytes")
            }
            PhhErrorKind::TokenTooLong => write!(f, "token longer than {MAX_SCALAR_BYTES} bytes"),
            PhhErrorKind::DuplicateKey(key) => write!(f, "key {key:?} defined twice"),
            PhhErrorKind::Unsupported(what) => write!(f, "unsupported TOML feature: {what}"),
            PhhErrorKind::MixedTopLevelAndTables => {
                write!(f, "keys both at the top level and in [n] tables")
            }
            PhhErrorKind::NotSingleHand { hands } => {
                write!(f, "expected exactly one hand, found {hands}")
            }
            PhhErrorKind::MissingField(field) => write!(f, "required field `{field}` is missing"),
            PhhErrorKind::WrongType { field, expected } => {
                write!(f, "field `{field}` must be {expected}")
            }
            PhhErrorKind::UnknownVariant(code) => write!(f, "unknown variant {code:?}"),
            PhhErrorKind::BadAmount { field } => write!(
                f,
                "`{field}`: amounts must be non-negative, fit in 64 bits and have at most \
                 {MAX_AMOUNT_SCALE} decimals"
            ),
            PhhErrorKind::WrongLength {
                field,
                expected,
                got,
            } => write!(
                f,
                "`{field}` has {got} entries but the hand has {expected} players"
            ),
            PhhErrorKind::BadPlayerCount(n) => {
                write!(f, "{n} players; a hand has 1 to {MAX_PLAYERS}")
            }
            PhhErrorKind::BadAction { index, reason } => {
                write!(f, "actions[{index}]: {reason}")
            }
            PhhErrorKind::BadPost { index, reason } => {
                write!(f, "{POSTS_FIELD}[{index}]: {reason}")
            }
        }
    }
}

impl fmt::Display for PhhError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.position, self.kind)
    }
}

impl std::error::Error for PhhError {}
