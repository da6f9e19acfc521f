//! Errors of status lists ([`StatusError`]).

use thiserror::Error;

use crate::error::{Code, HasCode};
use crate::{ClaimsError, KeyError, VerifyError};

/// Errors of status lists: building, encoding, decoding, verifying.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum StatusError {
    /// Bits per status other than 1, 2, 4 or 8.
    #[error("`bits` must be 1, 2, 4 or 8 (got {bits})")]
    BitsInvalid {
        /// the bits given
        bits: u8,
    },
    /// A size of zero or over the maximum.
    #[error("a status list must have 1 to {max} entries")]
    SizeInvalid {
        /// the maximum
        max: u64,
    },
    /// An index past the end of the list.
    #[error("index {idx} is out of range (the list has {len} entries)")]
    IndexOutOfRange {
        /// the index
        idx: u64,
        /// the list's length
        len: u64,
    },
    /// A value that does not fit the list's bits (e.g. SUSPENDED in a 1-bit list).
    #[error("status value does not fit in {bits} bit(s)")]
    ValueTooWide {
        /// bits per status
        bits: u8,
    },
    /// The list decompresses beyond the cap.
    #[error("`lst` decompresses to more than {max_bytes} bytes")]
    TooLarge {
        /// the cap in bytes
        max_bytes: u64,
    },
    /// The list is not valid.
    #[error("status list is corrupt: {reason}")]
    Corrupt {
        /// what is wrong
        reason: &'static str,
    },
    /// No free index is left.
    #[error("every index of the status list is allocated")]
    Full,
    /// The random source failed.
    #[error("the random source failed")]
    RandomFailed,
    /// The token's claims break a rule.
    #[error("status list token: {0}")]
    Claims(ClaimsError),
    /// The token's envelope, header or signature failed verification.
    #[error("status list token: {0}")]
    Verify(VerifyError),
    /// Signing failed.
    #[error("status list token: {0}")]
    Key(KeyError),
}

impl HasCode for StatusError {
    fn code(&self) -> Code {
        match self {
            StatusError::BitsInvalid { .. } => Code::StatusBitsInvalid,
            StatusError::SizeInvalid { .. } => Code::StatusSizeInvalid,
            StatusError::IndexOutOfRange { .. } => Code::StatusIndexOutOfRange,
            StatusError::ValueTooWide { .. } => Code::StatusValueTooWide,
            StatusError::TooLarge { .. } => Code::StatusListTooLarge,
            StatusError::Corrupt { .. } => Code::StatusListCorrupt,
            StatusError::Full => Code::StatusListFull,
            StatusError::RandomFailed => Code::RandomFailed,
            StatusError::Claims(e) => e.code(),
            StatusError::Verify(e) => e.code(),
            StatusError::Key(e) => e.code(),
        }
    }
}
