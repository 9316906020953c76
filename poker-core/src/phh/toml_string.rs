//! String lexing for the TOML reader: basic and literal strings, single- and
//! multi-line, with TOML's escapes; every string is capped at
//! [`MAX_STRING_BYTES`](super::limits::MAX_STRING_BYTES).

use super::error::{PhhError, PhhErrorKind};
use super::limits::MAX_STRING_BYTES;
use super::toml_reader::{is_allowed_non_ascii, Reader};

impl Reader<'_> {
    fn push_checked(&self, out: &mut String, c: char) -> Result<(), PhhError> {
        if out.len() + c.len_utf8() > MAX_STRING_BYTES {
            return Err(self.error(PhhErrorKind::StringTooLong));
        }
        out.push(c);
        Ok(())
    }

    /// Takes the character `c` at the cursor into `out`, the one rule every string kind
    /// shares: control characters other than a tab are refused. A multi-line string also
    /// keeps its line endings, a `\r\n` read as `\n` (a lone `\r` is still refused).
    fn content_char(
        &mut self,
        c: char,
        out: &mut String,
        multi_line: bool,
    ) -> Result<(), PhhError> {
        if multi_line && c == '\r' && self.starts_with("\r\n") {
            self.bump();
            self.bump();
            return self.push_checked(out, '\n');
        }
        let kept_line_ending = multi_line && c == '\n';
        if c.is_control() && c != '\t' && !kept_line_ending && !is_allowed_non_ascii(c) {
            return Err(self.error(PhhErrorKind::ControlCharacter(c)));
        }
        self.bump();
        self.push_checked(out, c)
    }

    /// A basic string after its opening quote, up to and including the closing one.
    pub(super) fn basic_string_body(&mut self) -> Result<String, PhhError> {
        let mut out = String::new();
        loop {
            match self.peek() {
                None | Some('\n') | Some('\r') => {
                    return Err(self.error(PhhErrorKind::UnterminatedString))
                }
                Some('"') => {
                    self.bump();
                    return Ok(out);
                }
                Some('\\') => {
                    let c = self.escape()?;
                    self.push_checked(&mut out, c)?;
                }
                Some(c) => self.content_char(c, &mut out, false)?,
            }
        }
    }

    /// A literal string after its opening quote, up to and including the closing one.
    pub(super) fn literal_string_body(&mut self) -> Result<String, PhhError> {
        let mut out = String::new();
        loop {
            match self.peek() {
                None | Some('\n') | Some('\r') => {
                    return Err(self.error(PhhErrorKind::UnterminatedString))
                }
                Some('\'') => {
                    self.bump();
                    return Ok(out);
                }
                Some(c) => self.content_char(c, &mut out, false)?,
            }
        }
    }

    /// Counts the run of `quote` bytes at the cursor (at most 6 are looked at).
    fn quote_run(&self, quote: u8) -> usize {
        (0..6)
            .take_while(|&i| self.byte_at(i) == Some(quote))
            .count()
    }

    /// Handles a run of quotes inside a multi-line string: returns `true` when it
    /// closes the string (after pushing up to two quotes that belong to the content).
    fn multi_line_quotes(&mut self, quote: u8, out: &mut String) -> Result<bool, PhhError> {
        let run = self.quote_run(quote);
        if run < 3 {
            for _ in 0..run {
                if let Some(c) = self.bump() {
                    self.push_checked(out, c)?;
                }
            }
            return Ok(false);
        }
        if run > 5 {
            return Err(self.unexpected("at most five quotes in a row"));
        }
        for _ in 0..run - 3 {
            if let Some(c) = self.bump() {
                self.push_checked(out, c)?;
            }
        }
        for _ in 0..3 {
            self.bump();
        }
        Ok(true)
    }

    pub(super) fn multi_line_basic_string(&mut self) -> Result<String, PhhError> {
        for _ in 0..3 {
            self.bump();
        }
        self.newline(); // A line ending right after the opening quotes is trimmed.
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err(self.error(PhhErrorKind::UnterminatedString)),
                Some('"') => {
                    if self.multi_line_quotes(b'"', &mut out)? {
                        return Ok(out);
                    }
                }
                Some('\\') if self.is_line_ending_backslash() => {
                    self.bump();
                    loop {
                        self.skip_spaces();
                        if !self.newline() {
                            break;
                        }
                    }
                }
                Some('\\') => {
                    let c = self.escape()?;
                    self.push_checked(&mut out, c)?;
                }
                Some(c) => self.content_char(c, &mut out, true)?,
            }
        }
    }

    /// Whether the backslash at the cursor is followed only by spaces up to the end
    /// of the line (TOML's line-ending backslash).
    fn is_line_ending_backslash(&self) -> bool {
        let rest = &self.src.as_bytes()[self.at + 1..];
        for (i, &b) in rest.iter().enumerate() {
            match b {
                b' ' | b'\t' => continue,
                b'\n' => return true,
                b'\r' => return rest.get(i + 1) == Some(&b'\n'),
                _ => return false,
            }
        }
        false
    }

    pub(super) fn multi_line_literal_string(&mut self) -> Result<String, PhhError> {
        for _ in 0..3 {
            self.bump();
        }
        self.newline();
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err(self.error(PhhErrorKind::UnterminatedString)),
                Some('\'') => {
                    if self.multi_line_quotes(b'\'', &mut out)? {
                        return Ok(out);
                    }
                }
                Some(c) => self.content_char(c, &mut out, true)?,
            }
        }
    }

    /// Reads a backslash escape (the cursor is on the backslash).
    pub(super) fn escape(&mut self) -> Result<char, PhhError> {
        let position = self.position();
        self.bump(); // '\\'
        let bad = || PhhError::new(position, PhhErrorKind::BadEscape);
        let c = match self.bump() {
            Some('b') => '\u{8}',
            Some('t') => '\t',
            Some('n') => '\n',
            Some('f') => '\u{c}',
            Some('r') => '\r',
            Some('e') => '\u{1b}',
            Some('"') => '"',
            Some('\\') => '\\',
            Some('u') => self.hex_escape(4).ok_or_else(bad)?,
            Some('U') => self.hex_escape(8).ok_or_else(bad)?,
            _ => return Err(bad()),
        };
        Ok(c)
    }

    fn hex_escape(&mut self, digits: usize) -> Option<char> {
        let mut code: u32 = 0;
        for _ in 0..digits {
            let digit = char::from(self.byte_at(0)?).to_digit(16)?;
            self.bump();
            code = code * 16 + digit;
        }
        char::from_u32(code)
    }
}
