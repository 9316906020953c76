//! The one canonical binary encoding: every hashed or signed byte string is built here.
//!
//! Rules (normative; `docs/fairness-protocol.md` §3 restates them):
//! integers are fixed-width unsigned big-endian; fixed-size byte strings (seeds,
//! digests, keys, signatures) are written raw; variable-length byte strings are
//! `u32be(length) ‖ bytes`; a list is `u32be(count)` followed by its items; every
//! message starts with its length-prefixed ASCII domain-separation tag. The decoder
//! is strict (exact tags, bounded lengths, no trailing bytes), so a value has exactly
//! one encoding and decoding then re-encoding gives back the same bytes.

use thiserror::Error;

/// Domain-separation tags. Each is used for exactly one kind of message, so bytes
/// hashed or signed for one purpose can never be read as another.
pub mod tags {
    /// Commitment to the server seed.
    pub const SERVER_COMMIT: &str = "fairdeal/v1/server-commit";
    /// Commitment to a client seed.
    pub const CLIENT_COMMIT: &str = "fairdeal/v1/client-commit";
    /// Message of the deck-key HMAC.
    pub const DECK_KEY: &str = "fairdeal/v1/deck-key";
    /// Body of a signed hand announcement.
    pub const ANNOUNCEMENT: &str = "fairdeal/v1/announcement";
    /// Body of a signed list of client-seed commitments.
    pub const COMMIT_LIST: &str = "fairdeal/v1/commit-list";
    /// Body of a signed hand record.
    pub const HAND_RECORD: &str = "fairdeal/v1/hand-record";
    /// Body of a signed key rotation statement.
    pub const KEY_ROTATION: &str = "fairdeal/v1/key-rotation";
    /// Hash of a signed hand record, the link of the record chain.
    pub const RECORD_HASH: &str = "fairdeal/v1/record-hash";
    /// Key id of a server public key.
    pub const KEY_ID: &str = "fairdeal/v1/key-id";
}

/// Why bytes (or a JSON document) are not a well-formed protocol message.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The input ended inside a field.
    #[error("input ends at byte {at} but {needed} more bytes are needed")]
    Truncated {
        /// Offset where the field starts.
        at: usize,
        /// Bytes the field needs.
        needed: usize,
    },
    /// The message does not start with the expected domain-separation tag.
    #[error("expected a message tagged {expected:?}")]
    WrongTag {
        /// The tag that was expected.
        expected: &'static str,
    },
    /// The protocol version is not one this implementation knows.
    #[error("unsupported protocol version {0}")]
    UnsupportedVersion(u16),
    /// A length or count exceeds its limit.
    #[error("{field} has length {got}, more than the limit {max}")]
    TooLong {
        /// Which field.
        field: &'static str,
        /// The limit.
        max: usize,
        /// The length found.
        got: u64,
    },
    /// A field holds a value outside its allowed set.
    #[error("{field} has the invalid value {value}")]
    BadValue {
        /// Which field.
        field: &'static str,
        /// The value found.
        value: u64,
    },
    /// A field is well-formed on its own but violates a rule of the message.
    #[error("{field}: {reason}")]
    Invalid {
        /// Which field.
        field: &'static str,
        /// The rule that is broken.
        reason: &'static str,
    },
    /// Bytes are left over after the message.
    #[error("{extra} unexpected bytes after the message")]
    TrailingBytes {
        /// How many.
        extra: usize,
    },
    /// A text field is not UTF-8.
    #[error("{field} is not valid UTF-8")]
    BadUtf8 {
        /// Which field.
        field: &'static str,
    },
    /// The JSON transport form could not be parsed.
    #[error("malformed JSON: {0}")]
    Json(String),
}

/// Builds canonical bytes. Infallible: all widths are fixed and lengths are checked
/// against the limits before values are constructed.
#[derive(Default)]
pub(crate) struct Encoder {
    buf: Vec<u8>,
}

impl Encoder {
    /// An encoder whose output starts with the length-prefixed `tag`.
    pub(crate) fn tagged(tag: &str) -> Encoder {
        let mut enc = Encoder {
            buf: Vec::with_capacity(256),
        };
        enc.bytes(tag.as_bytes());
        enc
    }

    pub(crate) fn u8(&mut self, value: u8) -> &mut Self {
        self.buf.push(value);
        self
    }

    pub(crate) fn u16(&mut self, value: u16) -> &mut Self {
        self.buf.extend_from_slice(&value.to_be_bytes());
        self
    }

    pub(crate) fn u32(&mut self, value: u32) -> &mut Self {
        self.buf.extend_from_slice(&value.to_be_bytes());
        self
    }

    pub(crate) fn u64(&mut self, value: u64) -> &mut Self {
        self.buf.extend_from_slice(&value.to_be_bytes());
        self
    }

    /// A fixed-size field, written as is.
    pub(crate) fn fixed(&mut self, bytes: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(bytes);
        self
    }

    /// A variable-length field: `u32be(len) ‖ bytes`.
    pub(crate) fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.count(bytes.len());
        self.buf.extend_from_slice(bytes);
        self
    }

    /// A list count. Every list is bounded by a limit far below `u32::MAX`.
    pub(crate) fn count(&mut self, count: usize) -> &mut Self {
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        self.u32(count)
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        self.buf
    }
}

/// Reads canonical bytes strictly.
pub(crate) struct Decoder<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Decoder<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Decoder<'a> {
        Decoder { bytes, at: 0 }
    }

    fn take(&mut self, needed: usize) -> Result<&'a [u8], DecodeError> {
        let rest = &self.bytes[self.at..];
        if rest.len() < needed {
            return Err(DecodeError::Truncated {
                at: self.at,
                needed,
            });
        }
        let (field, _) = rest.split_at(needed);
        self.at += needed;
        Ok(field)
    }

    /// Reads the tag and fails unless it is exactly `tag`.
    pub(crate) fn tag(&mut self, tag: &'static str) -> Result<(), DecodeError> {
        let start = self.at;
        let found = self.bytes(tag.len(), "tag").map_err(|err| match err {
            DecodeError::TooLong { .. } => DecodeError::WrongTag { expected: tag },
            other => other,
        })?;
        if found != tag.as_bytes() {
            self.at = start;
            return Err(DecodeError::WrongTag { expected: tag });
        }
        Ok(())
    }

    pub(crate) fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub(crate) fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.array()?))
    }

    /// A boolean written as one byte, 0 or 1.
    pub(crate) fn flag(&mut self, field: &'static str) -> Result<bool, DecodeError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(DecodeError::BadValue {
                field,
                value: u64::from(other),
            }),
        }
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// A list count, at most `max`.
    pub(crate) fn count(&mut self, max: usize, field: &'static str) -> Result<usize, DecodeError> {
        let count = self.u32()?;
        let count_usize = count as usize;
        if count_usize > max {
            return Err(DecodeError::TooLong {
                field,
                max,
                got: u64::from(count),
            });
        }
        Ok(count_usize)
    }

    /// A length-prefixed byte string of at most `max` bytes.
    pub(crate) fn bytes(
        &mut self,
        max: usize,
        field: &'static str,
    ) -> Result<&'a [u8], DecodeError> {
        let len = self.count(max, field)?;
        self.take(len)
    }

    /// Fails unless every byte has been read.
    pub(crate) fn finish(self) -> Result<(), DecodeError> {
        let extra = self.bytes.len() - self.at;
        if extra == 0 {
            Ok(())
        } else {
            Err(DecodeError::TrailingBytes { extra })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode_list(items: &[&[u8]]) -> Vec<u8> {
        let mut enc = Encoder::tagged("t");
        enc.count(items.len());
        for item in items {
            enc.bytes(item);
        }
        enc.finish()
    }

    #[test]
    fn length_prefixes_keep_splits_apart() {
        assert_ne!(encode_list(&[b"ab", b"c"]), encode_list(&[b"a", b"bc"]));
        assert_ne!(encode_list(&[b"ab", b""]), encode_list(&[b"", b"ab"]));
        assert_ne!(encode_list(&[b"a"]), encode_list(&[b"a", b""]));
    }

    #[test]
    fn integers_are_big_endian() {
        let mut enc = Encoder::default();
        enc.u8(1)
            .u16(0x0203)
            .u32(0x0405_0607)
            .u64(0x0809_0a0b_0c0d_0e0f);
        assert_eq!(enc.finish(), (1..=15).collect::<Vec<u8>>());
    }

    #[test]
    fn decoder_is_strict() {
        let bytes = Encoder::tagged("abc").finish();
        assert_eq!(Decoder::new(&bytes).tag("abc"), Ok(()));
        assert_eq!(
            Decoder::new(&bytes).tag("abd"),
            Err(DecodeError::WrongTag { expected: "abd" })
        );
        assert_eq!(
            Decoder::new(&bytes).tag("ab"),
            Err(DecodeError::WrongTag { expected: "ab" })
        );
        let mut dec = Decoder::new(&[0, 0, 0, 9, 1]);
        assert_eq!(
            dec.bytes(100, "f"),
            Err(DecodeError::Truncated { at: 4, needed: 9 })
        );
        let mut dec = Decoder::new(&[0xff, 0xff, 0xff, 0xff]);
        assert!(matches!(
            dec.bytes(100, "f"),
            Err(DecodeError::TooLong { .. })
        ));
        let mut dec = Decoder::new(&[2]);
        assert!(matches!(dec.flag("f"), Err(DecodeError::BadValue { .. })));
        let mut dec = Decoder::new(&[1, 2]);
        assert_eq!(dec.u8(), Ok(1));
        assert_eq!(dec.finish(), Err(DecodeError::TrailingBytes { extra: 1 }));
    }
}
