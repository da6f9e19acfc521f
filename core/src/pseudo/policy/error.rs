//! Why a policy was refused.

use crate::error::{Code, HasCode};
use crate::pseudo::ValueType;

/// Why a policy was refused. Messages name the field (the policy key) and never contain data.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// Not JSON, or not the policy schema (unknown or missing key, wrong JSON type).
    #[error("policy is malformed at line {line}, column {column}: {detail}")]
    Malformed {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, without values.
        detail: String,
    },
    /// `domain` is empty.
    #[error("policy `domain` is empty")]
    EmptyDomain,
    /// Unknown transform id.
    #[error("field `{field}` names an unknown transform")]
    UnknownTransform {
        /// The policy key.
        field: String,
    },
    /// Unknown value type.
    #[error("field `{field}` names an unknown type")]
    UnknownType {
        /// The policy key.
        field: String,
    },
    /// A required parameter is missing.
    #[error("field `{field}` is missing parameter `{param}`")]
    MissingParam {
        /// The policy key.
        field: String,
        /// The parameter.
        param: &'static str,
    },
    /// A parameter the transform does not take.
    #[error("field `{field}` has unknown parameter `{param}`")]
    UnknownParam {
        /// The policy key.
        field: String,
        /// The parameter as written.
        param: String,
    },
    /// A parameter with a wrong JSON type or value, or conflicting parameters.
    #[error("field `{field}` has an invalid value for parameter `{param}`")]
    InvalidParam {
        /// The policy key.
        field: String,
        /// The parameter.
        param: &'static str,
    },
    /// FF1 message space radix^length below 10^6.
    #[error("field `{field}` has an ff1 message space below 10^6")]
    Ff1DomainTooSmall {
        /// The policy key.
        field: String,
    },
    /// `mask` on a date or number.
    #[error("field `{field}` puts `mask` on a non-string type")]
    MaskNonString {
        /// The policy key.
        field: String,
    },
    /// The transform does not apply to the type.
    #[error("field `{field}`: transform `{transform}` does not apply to type `{value_type}`")]
    UnsupportedTransform {
        /// The policy key.
        field: String,
        /// The transform id.
        transform: &'static str,
        /// The declared type.
        value_type: ValueType,
    },
    /// The selector is not well formed.
    #[error("field `{field}` is not a valid selector")]
    InvalidSelector {
        /// The policy key.
        field: String,
    },
    /// Two entries can select the same value (or one contains the other).
    #[error("fields `{field}` and `{other}` overlap")]
    OverlappingFields {
        /// One policy key.
        field: String,
        /// The other policy key.
        other: String,
    },
}

impl HasCode for PolicyError {
    fn code(&self) -> Code {
        match self {
            PolicyError::Malformed { .. } => Code::PolicyMalformed,
            PolicyError::EmptyDomain => Code::PolicyEmptyDomain,
            PolicyError::UnknownTransform { .. } => Code::PolicyUnknownTransform,
            PolicyError::UnknownType { .. } => Code::PolicyUnknownType,
            PolicyError::MissingParam { .. } => Code::PolicyMissingParam,
            PolicyError::UnknownParam { .. } => Code::PolicyUnknownParam,
            PolicyError::InvalidParam { .. } => Code::PolicyInvalidParam,
            PolicyError::Ff1DomainTooSmall { .. } => Code::PolicyFf1DomainTooSmall,
            PolicyError::MaskNonString { .. } => Code::PolicyMaskNonString,
            PolicyError::UnsupportedTransform { .. } => Code::PolicyUnsupportedTransform,
            PolicyError::InvalidSelector { .. } => Code::PolicyInvalidSelector,
            PolicyError::OverlappingFields { .. } => Code::PolicyOverlappingFields,
        }
    }
}

impl PolicyError {
    /// The policy key the error is about, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            PolicyError::Malformed { .. } | PolicyError::EmptyDomain => None,
            PolicyError::UnknownTransform { field }
            | PolicyError::UnknownType { field }
            | PolicyError::MissingParam { field, .. }
            | PolicyError::UnknownParam { field, .. }
            | PolicyError::InvalidParam { field, .. }
            | PolicyError::Ff1DomainTooSmall { field }
            | PolicyError::MaskNonString { field }
            | PolicyError::UnsupportedTransform { field, .. }
            | PolicyError::InvalidSelector { field }
            | PolicyError::OverlappingFields { field, .. } => Some(field),
        }
    }
}
