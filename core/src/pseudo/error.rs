//! [`PseudoError`]: why a value, record or row could not be transformed.

use super::names::shown;
use super::types::ValueType;
use crate::error::{Code, HasCode};

/// Why a value, record or row could not be transformed. Row-independent: it names the field
/// (the policy key), never the value; the caller adds row or record numbers.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PseudoError {
    /// The value fails validation for the field's declared type.
    #[error("value of field `{field}` is not a valid `{value_type}`")]
    InvalidValue {
        /// The policy key.
        field: String,
        /// The declared type.
        value_type: ValueType,
    },
    /// The value is valid but outside what the transform accepts (a birth date after the
    /// reference date, an ff1 value shorter than `min_len` or longer than [`FF1_MAX_LEN`](super::FF1_MAX_LEN), a
    /// bucket past the integer range).
    #[error("value of field `{field}` is out of range for its transform")]
    OutOfRange {
        /// The policy key.
        field: String,
    },
    /// The field is not in the policy.
    #[error("field `{field}` is not in the policy")]
    UnknownField {
        /// The name asked for.
        field: String,
    },
    /// Only `token` and `ff1` fields can be reversed.
    #[error("field `{field}` is not reversible")]
    NotReversible {
        /// The policy key.
        field: String,
    },
    /// The value is not a token of this field under this key and domain.
    #[error("value of field `{field}` is not a valid token")]
    InvalidToken {
        /// The policy key.
        field: String,
    },
    /// The `shift` subject is absent from the record or row.
    #[error("subject of field `{field}` is missing")]
    MissingSubject {
        /// The policy key of the `shift` field.
        field: String,
    },
    /// A `shift` field was transformed without a subject.
    #[error("field `{field}` needs a subject")]
    SubjectRequired {
        /// The policy key.
        field: String,
    },
    /// The shifted date falls outside years 1..=9999.
    #[error("shifted date of field `{field}` is out of range")]
    DateOutOfRange {
        /// The policy key.
        field: String,
    },
    /// A JSON object, array or boolean where a value was expected.
    #[error("field `{field}` selects a JSON value its transform cannot take")]
    UnsupportedValue {
        /// The policy key.
        field: String,
    },
    /// The row does not have as many cells as the header.
    #[error("row has {actual} cells, header has {expected}")]
    RowLength {
        /// Header width.
        expected: usize,
        /// Row width.
        actual: usize,
    },
    /// The operation needs another transform (e.g. [`super::Pseudonymiser::shift_offset`] on a field
    /// that is not `shift`).
    #[error("field `{field}` does not use the transform this operation needs")]
    WrongTransform {
        /// The policy key.
        field: String,
    },
    /// The header names a column twice.
    #[error("column `{column}` appears twice in the header")]
    DuplicateColumn {
        /// The column name.
        column: String,
    },
    /// The key check value recorded with a pseudonymised file is not the one of this master
    /// key and domain: reversing would give wrong values (FF1 always decrypts to something), so
    /// it is refused.
    #[error("key check value does not match: the file was pseudonymised with another master key or domain (file domain `{file_domain}`, policy domain `{domain}`)")]
    KeyCheckMismatch {
        /// The domain recorded with the file.
        file_domain: String,
        /// The policy's domain.
        domain: String,
    },
    /// No key check value was found for a file to be reversed.
    #[error("no key check value: the file cannot be checked against the master key and domain")]
    KeyCheckMissing,
    /// A key check record is not `{"v":1,"domain":...,"kcv":...}` with a 16-hex-digit `kcv`.
    #[error("key check value is malformed")]
    KeyCheckMalformed,
    /// A CSV column is not in the policy, but its name differs from a policy key only by case,
    /// white space, invisible or look-alike characters ([`super::fold_column_name`]); with
    /// `"unlisted": "keep"` its values would pass through untouched.
    #[error("column `{}` is not in the policy but looks like policy key `{field}` (case, spaces, invisible or look-alike characters): rename the column or fold column names", shown(.column))]
    ColumnNearMiss {
        /// The column name as written.
        column: String,
        /// The policy key it resembles.
        field: String,
    },
    /// A column the policy does not list holds valid identifiers.
    #[error("column `{}` is not in the policy and holds {count} valid aadhaar number(s)", shown(.column))]
    UnlistedIdentifier {
        /// The column name.
        column: String,
        /// How many cells hold one.
        count: u64,
    },
    /// Key material is malformed.
    #[error("key is malformed")]
    InvalidKey,
    /// The master key's 32 bytes are all the same (all zero, for example): a placeholder or a
    /// broken generator, never a real key.
    #[error("master key is weak: its 32 bytes are all the same")]
    WeakKey,
    /// A cryptographic primitive failed where it cannot (never expected).
    #[error("internal cryptographic failure")]
    Internal,
}

impl HasCode for PseudoError {
    fn code(&self) -> Code {
        match self {
            PseudoError::InvalidValue { .. } | PseudoError::OutOfRange { .. } => {
                Code::PseudoInvalidValue
            }
            PseudoError::UnknownField { .. } => Code::PseudoUnknownField,
            PseudoError::NotReversible { .. } => Code::PseudoNotReversible,
            PseudoError::InvalidToken { .. } => Code::PseudoInvalidToken,
            PseudoError::MissingSubject { .. } => Code::PseudoMissingSubject,
            PseudoError::SubjectRequired { .. } => Code::PseudoSubjectRequired,
            PseudoError::DateOutOfRange { .. } => Code::PseudoDateOutOfRange,
            PseudoError::UnsupportedValue { .. } => Code::PseudoUnsupportedValue,
            PseudoError::RowLength { .. } => Code::PseudoRowLength,
            PseudoError::DuplicateColumn { .. } => Code::PseudoDuplicateColumn,
            PseudoError::WrongTransform { .. } => Code::PseudoWrongTransform,
            PseudoError::KeyCheckMismatch { .. } => Code::PseudoKeyCheckMismatch,
            PseudoError::KeyCheckMissing => Code::PseudoKeyCheckMissing,
            PseudoError::KeyCheckMalformed => Code::PseudoKeyCheckMalformed,
            PseudoError::ColumnNearMiss { .. } => Code::PseudoColumnNearMiss,
            PseudoError::UnlistedIdentifier { .. } => Code::PseudoUnlistedIdentifier,
            PseudoError::InvalidKey => Code::PseudoInvalidKey,
            PseudoError::WeakKey => Code::MasterKeyWeak,
            PseudoError::Internal => Code::PseudoInternal,
        }
    }
}

impl PseudoError {
    /// The policy key the error is about, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            PseudoError::InvalidValue { field, .. }
            | PseudoError::OutOfRange { field }
            | PseudoError::UnknownField { field }
            | PseudoError::NotReversible { field }
            | PseudoError::InvalidToken { field }
            | PseudoError::MissingSubject { field }
            | PseudoError::SubjectRequired { field }
            | PseudoError::DateOutOfRange { field }
            | PseudoError::UnsupportedValue { field }
            | PseudoError::WrongTransform { field } => Some(field),
            PseudoError::RowLength { .. }
            | PseudoError::DuplicateColumn { .. }
            | PseudoError::KeyCheckMismatch { .. }
            | PseudoError::KeyCheckMissing
            | PseudoError::KeyCheckMalformed
            | PseudoError::ColumnNearMiss { .. }
            | PseudoError::UnlistedIdentifier { .. }
            | PseudoError::InvalidKey
            | PseudoError::WeakKey
            | PseudoError::Internal => None,
        }
    }
}
