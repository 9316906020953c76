//! A small, strict, bounded reader for the subset of TOML that PHH files use.
//!
//! It reads comments, `key = value` lines, `[name]` table headers (the hands of a
//! `.phhs` file), basic and literal strings (single- and multi-line, with escapes),
//! integers (decimal, hex, octal, binary), floats including `inf` and `nan`, booleans,
//! date-times (kept as text), arrays and inline tables. Dotted keys and arrays of
//! tables are refused with [`PhhErrorKind::Unsupported`]: PHH never uses them. Every
//! loop consumes input or is capped by a constant of [`super::limits`], so hostile
//! input ends in a typed error, never a panic or an unbounded allocation.

use super::error::{PhhError, PhhErrorKind, Position};
use super::limits::{
    MAX_ARRAY_LEN, MAX_HANDS_PER_FILE, MAX_KEYS_PER_TABLE, MAX_NESTING, MAX_SCALAR_BYTES,
    MAX_STRING_BYTES,
};
use super::toml_scalar::{classify_scalar, is_date};
use super::toml_value::Value;

/// A value with the position where it starts; arrays and tables keep the positions
/// of their elements so that later checks can point at the offending element.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub(crate) position: Position,
    pub(crate) kind: NodeKind,
}

/// The shape of a [`Node`].
#[derive(Clone, Debug)]
pub(crate) enum NodeKind {
    /// A string, number, boolean or date-time.
    Scalar(Value),
    /// An array of nodes.
    Array(Vec<Node>),
    /// An inline table.
    Table(Vec<(String, Node)>),
}

impl Node {
    /// The value without positions.
    pub(crate) fn to_value(&self) -> Value {
        match &self.kind {
            NodeKind::Scalar(value) => value.clone(),
            NodeKind::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            NodeKind::Table(entries) => Value::Table(
                entries
                    .iter()
                    .map(|(key, node)| (key.clone(), node.to_value()))
                    .collect(),
            ),
        }
    }
}

/// One table of the document: its header position and its keys in order.
#[derive(Clone, Debug, Default)]
pub(crate) struct TableNode {
    pub(crate) position: Position,
    pub(crate) entries: Vec<(String, Node)>,
}

impl TableNode {
    fn insert(&mut self, key: String, key_position: Position, node: Node) -> Result<(), PhhError> {
        if self.entries.iter().any(|(existing, _)| *existing == key) {
            return Err(PhhError::new(key_position, PhhErrorKind::DuplicateKey(key)));
        }
        if self.entries.len() >= MAX_KEYS_PER_TABLE {
            return Err(PhhError::new(key_position, PhhErrorKind::TooManyKeys));
        }
        self.entries.push((key, node));
        Ok(())
    }
}

/// A whole TOML document: the top-level keys, then each `[name]` table in order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Document {
    pub(crate) root: TableNode,
    pub(crate) tables: Vec<(String, TableNode)>,
}

/// Reads `text` as a TOML document of the supported subset.
pub(crate) fn read_document(text: &str) -> Result<Document, PhhError> {
    let mut reader = Reader {
        src: text,
        at: 0,
        line: 1,
        column: 1,
    };
    reader.document()
}

/// The cursor over the input: byte offset plus line and column for errors.
pub(super) struct Reader<'a> {
    pub(super) src: &'a str,
    pub(super) at: usize,
    line: u32,
    column: u32,
}

fn is_bare_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn is_scalar_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-' | b'.' | b':')
}

impl Reader<'_> {
    pub(super) fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
        }
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.src[self.at..].chars().next()
    }

    pub(super) fn byte_at(&self, offset: usize) -> Option<u8> {
        self.src.as_bytes().get(self.at + offset).copied()
    }

    pub(super) fn starts_with(&self, prefix: &str) -> bool {
        self.src[self.at..].starts_with(prefix)
    }

    pub(super) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += c.len_utf8();
        if c == '\n' {
            self.line = self.line.saturating_add(1);
            self.column = 1;
        } else {
            self.column = self.column.saturating_add(1);
        }
        Some(c)
    }

    pub(super) fn error(&self, kind: PhhErrorKind) -> PhhError {
        PhhError::new(self.position(), kind)
    }

    pub(super) fn unexpected(&self, expected: &'static str) -> PhhError {
        self.error(PhhErrorKind::Unexpected {
            found: self.peek(),
            expected,
        })
    }

    pub(super) fn skip_spaces(&mut self) {
        while matches!(self.byte_at(0), Some(b' ' | b'\t')) {
            self.bump();
        }
    }

    /// Skips a `#` comment up to (not including) the end of the line.
    fn skip_comment(&mut self) -> Result<(), PhhError> {
        if self.byte_at(0) != Some(b'#') {
            return Ok(());
        }
        while let Some(c) = self.peek() {
            if c == '\n' || (c == '\r' && self.byte_at(1) == Some(b'\n')) {
                break;
            }
            if c.is_control() && c != '\t' && !is_allowed_non_ascii(c) {
                return Err(self.error(PhhErrorKind::ControlCharacter(c)));
            }
            self.bump();
        }
        Ok(())
    }

    /// Consumes one line ending (`\n` or `\r\n`); returns whether there was one.
    pub(super) fn newline(&mut self) -> bool {
        if self.byte_at(0) == Some(b'\n') {
            self.bump();
            true
        } else if self.starts_with("\r\n") {
            self.bump();
            self.bump();
            true
        } else {
            false
        }
    }

    /// After a key/value pair or a header: spaces, an optional comment, then the end
    /// of the line or of the input.
    fn end_of_line(&mut self) -> Result<(), PhhError> {
        self.skip_spaces();
        self.skip_comment()?;
        if self.newline() || self.peek().is_none() {
            Ok(())
        } else {
            Err(self.unexpected("the end of the line"))
        }
    }

    /// Inside arrays: spaces, comments and line endings in any number.
    fn skip_blank(&mut self) -> Result<(), PhhError> {
        loop {
            self.skip_spaces();
            self.skip_comment()?;
            if !self.newline() {
                return Ok(());
            }
        }
    }

    fn document(&mut self) -> Result<Document, PhhError> {
        let mut document = Document::default();
        document.root.position = self.position();
        // The table new keys go into: `None` is the top level.
        let mut current: Option<usize> = None;
        loop {
            self.skip_spaces();
            match self.byte_at(0) {
                None => return Ok(document),
                Some(b'#') => self.end_of_line()?,
                Some(b'\n' | b'\r') => {
                    if !self.newline() {
                        return Err(self.unexpected("a line ending"));
                    }
                }
                Some(b'[') => {
                    let (name, position) = self.table_header()?;
                    if document
                        .tables
                        .iter()
                        .any(|(existing, _)| *existing == name)
                    {
                        return Err(PhhError::new(position, PhhErrorKind::DuplicateKey(name)));
                    }
                    if document.tables.len() >= MAX_HANDS_PER_FILE {
                        return Err(PhhError::new(position, PhhErrorKind::TooManyHands));
                    }
                    document.tables.push((
                        name,
                        TableNode {
                            position,
                            entries: Vec::new(),
                        },
                    ));
                    current = Some(document.tables.len() - 1);
                }
                Some(_) => {
                    let (key, key_position) = self.key_and_equals()?;
                    let node = self.value(0)?;
                    self.end_of_line()?;
                    let table = match current {
                        None => &mut document.root,
                        Some(index) => match document.tables.get_mut(index) {
                            Some((_, table)) => table,
                            None => return Err(self.unexpected("a table")),
                        },
                    };
                    table.insert(key, key_position, node)?;
                }
            }
        }
    }

    fn table_header(&mut self) -> Result<(String, Position), PhhError> {
        let position = self.position();
        self.bump(); // '['
        if self.byte_at(0) == Some(b'[') {
            return Err(self.error(PhhErrorKind::Unsupported("arrays of tables")));
        }
        self.skip_spaces();
        let name = self.key()?;
        self.skip_spaces();
        if self.byte_at(0) == Some(b'.') {
            return Err(self.error(PhhErrorKind::Unsupported("dotted table names")));
        }
        if self.byte_at(0) != Some(b']') {
            return Err(self.unexpected("`]`"));
        }
        self.bump();
        self.end_of_line()?;
        Ok((name, position))
    }

    /// A key and the `=` after it (with the spaces around it), as both a key/value line
    /// and an inline table's entry start; returns the key and where it stands. Dotted keys
    /// are refused.
    fn key_and_equals(&mut self) -> Result<(String, Position), PhhError> {
        let key_position = self.position();
        let key = self.key()?;
        self.skip_spaces();
        if self.byte_at(0) == Some(b'.') {
            return Err(self.error(PhhErrorKind::Unsupported("dotted keys")));
        }
        if self.byte_at(0) != Some(b'=') {
            return Err(self.unexpected("`=`"));
        }
        self.bump();
        self.skip_spaces();
        Ok((key, key_position))
    }

    fn key(&mut self) -> Result<String, PhhError> {
        match self.byte_at(0) {
            Some(b'"') => {
                self.bump();
                self.basic_string_body()
            }
            Some(b'\'') => {
                self.bump();
                self.literal_string_body()
            }
            Some(b) if is_bare_key_byte(b) => {
                let start = self.at;
                while self.byte_at(0).is_some_and(is_bare_key_byte) {
                    if self.at - start >= MAX_STRING_BYTES {
                        return Err(self.error(PhhErrorKind::StringTooLong));
                    }
                    self.bump();
                }
                Ok(self.src[start..self.at].to_owned())
            }
            _ => Err(self.unexpected("a key")),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, PhhError> {
        let position = self.position();
        let kind = match self.byte_at(0) {
            Some(b'"') => NodeKind::Scalar(Value::String(if self.starts_with("\"\"\"") {
                self.multi_line_basic_string()?
            } else {
                self.bump();
                self.basic_string_body()?
            })),
            Some(b'\'') => NodeKind::Scalar(Value::String(if self.starts_with("'''") {
                self.multi_line_literal_string()?
            } else {
                self.bump();
                self.literal_string_body()?
            })),
            Some(b'[') => self.array(depth)?,
            Some(b'{') => self.inline_table(depth)?,
            Some(b) if is_scalar_byte(b) => NodeKind::Scalar(self.scalar()?),
            _ => return Err(self.unexpected("a value")),
        };
        Ok(Node { position, kind })
    }

    fn array(&mut self, depth: usize) -> Result<NodeKind, PhhError> {
        if depth >= MAX_NESTING {
            return Err(self.error(PhhErrorKind::TooDeep));
        }
        self.bump(); // '['
        let mut items = Vec::new();
        loop {
            self.skip_blank()?;
            if self.byte_at(0) == Some(b']') {
                self.bump();
                return Ok(NodeKind::Array(items));
            }
            if items.len() >= MAX_ARRAY_LEN {
                return Err(self.error(PhhErrorKind::ArrayTooLong));
            }
            items.push(self.value(depth + 1)?);
            self.skip_blank()?;
            match self.byte_at(0) {
                Some(b',') => {
                    self.bump();
                }
                Some(b']') => {}
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
    }

    fn inline_table(&mut self, depth: usize) -> Result<NodeKind, PhhError> {
        if depth >= MAX_NESTING {
            return Err(self.error(PhhErrorKind::TooDeep));
        }
        self.bump(); // '{'
        let mut table = TableNode::default();
        self.skip_spaces();
        if self.byte_at(0) == Some(b'}') {
            self.bump();
            return Ok(NodeKind::Table(table.entries));
        }
        loop {
            self.skip_spaces();
            let (key, key_position) = self.key_and_equals()?;
            let node = self.value(depth + 1)?;
            table.insert(key, key_position, node)?;
            self.skip_spaces();
            match self.byte_at(0) {
                Some(b',') => {
                    self.bump();
                }
                Some(b'}') => {
                    self.bump();
                    return Ok(NodeKind::Table(table.entries));
                }
                _ => return Err(self.unexpected("`,` or `}`")),
            }
        }
    }

    /// A number, boolean or date-time token.
    fn scalar(&mut self) -> Result<Value, PhhError> {
        let position = self.position();
        let start = self.at;
        loop {
            match self.byte_at(0) {
                Some(b) if is_scalar_byte(b) => {}
                // A date and a time may be separated by one space.
                Some(b' ')
                    if is_date(&self.src.as_bytes()[start..self.at])
                        && self.byte_at(1).is_some_and(|b| b.is_ascii_digit())
                        && self.byte_at(2).is_some_and(|b| b.is_ascii_digit())
                        && self.byte_at(3) == Some(b':') => {}
                _ => break,
            }
            if self.at - start >= MAX_SCALAR_BYTES {
                return Err(PhhError::new(position, PhhErrorKind::TokenTooLong));
            }
            self.bump();
        }
        let token = &self.src[start..self.at];
        classify_scalar(token).map_err(|kind| PhhError::new(position, kind))
    }
}

/// Non-ASCII characters that `char::is_control` flags but TOML allows (C1 controls
/// are only disallowed in the ASCII range).
pub(super) fn is_allowed_non_ascii(c: char) -> bool {
    !c.is_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Vec<(String, Value)> {
        read_document(text)
            .unwrap()
            .root
            .entries
            .iter()
            .map(|(k, n)| (k.clone(), n.to_value()))
            .collect()
    }

    fn value(text: &str) -> Value {
        root(&format!("x = {text}")).remove(0).1
    }

    fn error(text: &str) -> PhhError {
        read_document(text).unwrap_err()
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(
            value(r#""a\"b\\c\n\t\u00e9\U0001F600""#),
            Value::String("a\"b\\c\n\té😀".into())
        );
        assert_eq!(value(r"'C:\path'"), Value::String(r"C:\path".into()));
        assert_eq!(
            value("\"\"\"\nline1\nline2\"\"\""),
            Value::String("line1\nline2".into())
        );
        assert_eq!(value("\"\"\"a \\\n   b\"\"\""), Value::String("a b".into()));
        assert_eq!(value("'''\nraw\\n'''"), Value::String("raw\\n".into()));
        assert_eq!(value("\"\"\"x\"\"\"\"\""), Value::String("x\"\"".into()));
    }

    #[test]
    fn line_endings_and_control_characters_in_every_string_kind() {
        assert_eq!(value("\"\"\"a\r\nb\"\"\""), Value::String("a\nb".into()));
        assert_eq!(value("'''a\r\nb'''"), Value::String("a\nb".into()));
        for text in [
            "\"a\u{7}\"",
            "'a\u{7}'",
            "\"\"\"a\u{7}\"\"\"",
            "'''a\u{7}'''",
        ] {
            assert_eq!(
                error(&format!("s = {text}")).kind,
                PhhErrorKind::ControlCharacter('\u{7}'),
                "{text:?}"
            );
        }
        for text in ["\"\"\"a\rb\"\"\"", "'''a\rb'''"] {
            assert_eq!(
                error(&format!("s = {text}")).kind,
                PhhErrorKind::ControlCharacter('\r'),
                "{text:?}"
            );
        }
        assert_eq!(value("'a\tb'"), Value::String("a\tb".into()));
    }

    #[test]
    fn numbers_booleans_and_dates() {
        assert_eq!(value("1_000"), Value::Integer(1000));
        assert_eq!(value("-17"), Value::Integer(-17));
        assert_eq!(value("+0"), Value::Integer(0));
        assert_eq!(value("0xff"), Value::Integer(255));
        assert_eq!(value("0b101"), Value::Integer(5));
        assert_eq!(value("0o17"), Value::Integer(15));
        assert_eq!(value("10112.5"), Value::Float("10112.5".into()));
        assert_eq!(value("1_0.2_5e-1_0"), Value::Float("10.25e-10".into()));
        assert_eq!(value("-inf"), Value::Float("-inf".into()));
        assert_eq!(value("nan"), Value::Float("nan".into()));
        assert_eq!(value("true"), Value::Boolean(true));
        assert_eq!(
            value("1979-05-27T07:32:00Z"),
            Value::DateTime("1979-05-27T07:32:00Z".into())
        );
        assert_eq!(
            value("1979-05-27 07:32:00.999-07:00"),
            Value::DateTime("1979-05-27 07:32:00.999-07:00".into())
        );
        assert_eq!(value("1979-05-27"), Value::DateTime("1979-05-27".into()));
        assert_eq!(value("07:32:00"), Value::DateTime("07:32:00".into()));
        assert_eq!(value("9223372036854775807"), Value::Integer(i64::MAX));
        assert_eq!(value("-9223372036854775808"), Value::Integer(i64::MIN));
    }

    #[test]
    fn arrays_tables_and_comments() {
        let text = "# head\n\na = [ 1, # one\n  2,\n\n  3, ] # tail\nb = {x = 'y', z = [true]}\r\n[1]\nc = []\n['two words']\n";
        let document = read_document(text).unwrap();
        assert_eq!(document.root.entries.len(), 2);
        assert_eq!(
            document.root.entries[0].1.to_value(),
            Value::Array(vec![
                Value::Integer(1),
                Value::Integer(2),
                Value::Integer(3)
            ])
        );
        assert_eq!(
            document.root.entries[1].1.to_value(),
            Value::Table(vec![
                ("x".into(), Value::String("y".into())),
                ("z".into(), Value::Array(vec![Value::Boolean(true)]))
            ])
        );
        let names: Vec<&str> = document.tables.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["1", "two words"]);
        assert_eq!(
            document.tables[0].1.position,
            Position { line: 8, column: 1 }
        );
    }

    #[test]
    fn malformed_input_gets_positioned_errors() {
        let e = error("a = 1\nb = 'open\n");
        assert_eq!(
            (e.position, e.kind),
            (
                Position {
                    line: 2,
                    column: 10
                },
                PhhErrorKind::UnterminatedString
            )
        );
        assert_eq!(
            error("a = 1\na = 2").kind,
            PhhErrorKind::DuplicateKey("a".into())
        );
        assert_eq!(
            error("[x]\n[x]").kind,
            PhhErrorKind::DuplicateKey("x".into())
        );
        assert_eq!(
            error("a.b = 1").kind,
            PhhErrorKind::Unsupported("dotted keys")
        );
        assert_eq!(
            error("[[a]]").kind,
            PhhErrorKind::Unsupported("arrays of tables")
        );
        assert_eq!(error("a = 01").kind, PhhErrorKind::BadNumber);
        assert_eq!(error("a = 1__0").kind, PhhErrorKind::BadNumber);
        assert_eq!(error("a = 1.").kind, PhhErrorKind::BadNumber);
        assert_eq!(error("a = .5").kind, PhhErrorKind::BadNumber);
        assert_eq!(
            error("a = 9223372036854775808").kind,
            PhhErrorKind::IntegerOverflow
        );
        assert_eq!(error("a = \"\\q\"").kind, PhhErrorKind::BadEscape);
        assert_eq!(error("a = \"\\uD800\"").kind, PhhErrorKind::BadEscape);
        assert_eq!(
            error("a = 1 2").kind,
            PhhErrorKind::Unexpected {
                found: Some('2'),
                expected: "the end of the line"
            }
        );
        assert_eq!(
            error("a = [1 2]").kind,
            PhhErrorKind::Unexpected {
                found: Some('2'),
                expected: "`,` or `]`"
            }
        );
        assert_eq!(
            error("a = [1,").kind,
            PhhErrorKind::Unexpected {
                found: None,
                expected: "a value"
            }
        );
        assert_eq!(
            error("a = \"x\u{7}\"").kind,
            PhhErrorKind::ControlCharacter('\u{7}')
        );
        assert_eq!(error("a = 2023-13-01").kind, PhhErrorKind::BadNumber);
        assert_eq!(error("a = tru").kind, PhhErrorKind::BadNumber);
        assert_eq!(
            error("a = 1\rb = 2").kind,
            PhhErrorKind::Unexpected {
                found: Some('\r'),
                expected: "the end of the line"
            }
        );
        assert_eq!(
            error(&format!("a = {}", "[".repeat(MAX_NESTING + 1))).kind,
            PhhErrorKind::TooDeep
        );
        assert_eq!(
            error(&format!("a = [{}]", "0,".repeat(MAX_ARRAY_LEN + 1))).kind,
            PhhErrorKind::ArrayTooLong
        );
        assert_eq!(
            error(&format!("a = {}", "1".repeat(MAX_SCALAR_BYTES + 1))).kind,
            PhhErrorKind::TokenTooLong
        );
        assert_eq!(
            error(&format!("a = '{}'", "x".repeat(MAX_STRING_BYTES + 1))).kind,
            PhhErrorKind::StringTooLong
        );
    }
}
