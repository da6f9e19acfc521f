//! Errors of strict CBOR decoding: [`CborError`] and the item kinds ([`CborType`]) it names.

use thiserror::Error;

use crate::error::{Code, HasCode};

/// The kind of a CBOR item, as named in error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CborType {
    /// unsigned integer (major type 0)
    Unsigned,
    /// negative integer (major type 1)
    Negative,
    /// integer of either sign
    Integer,
    /// byte string (major type 2)
    Bytes,
    /// text string (major type 3)
    Text,
    /// array (major type 4)
    Array,
    /// map (major type 5)
    Map,
    /// tag (major type 6)
    Tag,
    /// `true` or `false`
    Bool,
    /// other simple value or float (major type 7)
    Simple,
}

impl core::fmt::Display for CborType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            CborType::Unsigned => "unsigned integer",
            CborType::Negative => "negative integer",
            CborType::Integer => "integer",
            CborType::Bytes => "byte string",
            CborType::Text => "text string",
            CborType::Array => "array",
            CborType::Map => "map",
            CborType::Tag => "tag",
            CborType::Bool => "boolean",
            CborType::Simple => "simple value or float",
        })
    }
}

/// A violation of strict, deterministic CBOR (RFC 8949 §4.2.1) at a byte offset.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CborError {
    /// The input ended inside an item.
    #[error("input ends inside a cbor item at byte {offset}")]
    Truncated {
        /// byte offset where more input was needed
        offset: usize,
    },
    /// Bytes follow the single top-level item.
    #[error("{count} trailing bytes after the cbor item at byte {offset}")]
    TrailingBytes {
        /// offset of the first extra byte
        offset: usize,
        /// number of extra bytes
        count: usize,
    },
    /// An indefinite-length string, array or map.
    #[error("indefinite-length item at byte {offset}")]
    IndefiniteLength {
        /// offset of the item
        offset: usize,
    },
    /// An integer, length or tag number encoded longer than needed.
    #[error("non-shortest integer or length encoding at byte {offset}")]
    NonCanonical {
        /// offset of the item head
        offset: usize,
    },
    /// Map keys out of bytewise order.
    #[error("map keys out of deterministic order at byte {offset}")]
    UnsortedKeys {
        /// offset of the out-of-order key
        offset: usize,
    },
    /// A key repeated within one map.
    #[error("duplicate map key at byte {offset}")]
    DuplicateKey {
        /// offset of the repeated key
        offset: usize,
    },
    /// Nesting deeper than allowed.
    #[error("cbor nesting deeper than {max} at byte {offset}")]
    TooDeep {
        /// offset of the item that went too deep
        offset: usize,
        /// the nesting limit
        max: usize,
    },
    /// A text string that is not valid UTF-8.
    #[error("text string is not utf-8 at byte {offset}")]
    InvalidUtf8 {
        /// offset of the string
        offset: usize,
    },
    /// A CBOR feature outside the profile.
    #[error("unsupported cbor item ({what}) at byte {offset}")]
    Unsupported {
        /// offset of the item
        offset: usize,
        /// what was found
        what: &'static str,
    },
    /// An item of the wrong type.
    #[error("expected {expected}, found {found} at byte {offset}")]
    WrongType {
        /// offset of the item
        offset: usize,
        /// what the profile requires
        expected: CborType,
        /// what the input holds
        found: CborType,
    },
}

impl HasCode for CborError {
    fn code(&self) -> Code {
        match self {
            CborError::Truncated { .. } => Code::CborTruncated,
            CborError::TrailingBytes { .. } => Code::CborTrailingBytes,
            CborError::IndefiniteLength { .. } => Code::CborIndefiniteLength,
            CborError::NonCanonical { .. } => Code::CborNonCanonical,
            CborError::UnsortedKeys { .. } => Code::CborUnsortedKeys,
            CborError::DuplicateKey { .. } => Code::CborDuplicateKey,
            CborError::TooDeep { .. } => Code::CborTooDeep,
            CborError::InvalidUtf8 { .. } => Code::CborInvalidUtf8,
            CborError::Unsupported { .. } => Code::CborUnsupported,
            CborError::WrongType { .. } => Code::CborWrongType,
        }
    }
}
