//! Errors of the artefact's claims ([`ClaimsError`]) and of issuing an artefact ([`IssueError`]).

use thiserror::Error;

use crate::error::{Code, HasCode};
use crate::{CborError, KeyError};

/// Errors in the claims of an artefact: strict decoding and the profile's rules.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ClaimsError {
    /// The claims are not strict, deterministic CBOR.
    #[error("claims at `{claim}`: {source}")]
    Cbor {
        /// the claim being decoded (a path like `consent.purposes[1].fields`)
        claim: String,
        /// the CBOR violation
        source: CborError,
    },
    /// A required claim is absent.
    #[error("missing claim `{claim}`")]
    Missing {
        /// the claim's path
        claim: String,
    },
    /// A claim has the wrong type.
    #[error("claim `{claim}` must be {expected}")]
    WrongType {
        /// the claim's path
        claim: String,
        /// what the profile requires
        expected: &'static str,
    },
    /// A claim or member the profile does not define.
    #[error("unknown claim {label} in `{within}`")]
    Unknown {
        /// the enclosing claim's path (`claims` at the top level)
        within: String,
        /// the label, when it is an integer; text labels are not echoed
        label: String,
    },
    /// A claim whose value breaks a rule of the profile.
    #[error("claim `{claim}` is invalid: {reason}")]
    Invalid {
        /// the claim's path
        claim: String,
        /// the rule that is broken (never the value)
        reason: &'static str,
    },
    /// The JSON view does not parse.
    #[error("claims json: {reason}")]
    Json {
        /// the parser's message (line and column, member names)
        reason: String,
    },
}

impl HasCode for ClaimsError {
    fn code(&self) -> Code {
        match self {
            ClaimsError::Cbor { source, .. } => source.code(),
            ClaimsError::Missing { .. } => Code::ClaimMissing,
            ClaimsError::WrongType { .. } => Code::ClaimWrongType,
            ClaimsError::Unknown { .. } => Code::ClaimUnknown,
            ClaimsError::Invalid { .. } => Code::ClaimInvalid,
            ClaimsError::Json { .. } => Code::ClaimsJson,
        }
    }
}

/// Errors while issuing (signing) an artefact.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The claims break a rule of the profile.
    #[error(transparent)]
    Claims(#[from] ClaimsError),
    /// The key failed to sign.
    #[error(transparent)]
    Key(#[from] KeyError),
}

impl HasCode for IssueError {
    fn code(&self) -> Code {
        match self {
            IssueError::Claims(e) => e.code(),
            IssueError::Key(e) => e.code(),
        }
    }
}
