//! Why a taxonomy did not load.

use thiserror::Error;

use crate::error::{Code, HasCode};

/// Why a taxonomy did not load. Messages name the document (`origin`), the entry and the code.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TaxonomyError {
    /// The document is not JSON of the taxonomy shape.
    #[error("taxonomy `{origin}`: {reason}")]
    Json {
        /// the document's name as given to the loader
        origin: String,
        /// 1-based line of the error
        line: usize,
        /// 1-based column of the error
        column: usize,
        /// the parser's message (names the member, line and column)
        reason: String,
    },
    /// An entry or the document breaks a rule.
    #[error("taxonomy `{origin}` at `{at}`: {reason}")]
    Invalid {
        /// the document's name
        origin: String,
        /// the member at fault, e.g. `purposes[3].code`
        at: String,
        /// the rule
        reason: &'static str,
    },
    /// A code defined twice.
    #[error("taxonomy `{origin}` at `{at}`: duplicate purpose code `{code}` (first defined in `{first}`)")]
    DuplicateCode {
        /// the code
        code: String,
        /// the document holding the second definition
        origin: String,
        /// the entry, e.g. `purposes[3]`
        at: String,
        /// the document holding the first definition
        first: String,
    },
    /// A `parent` that names no loaded purpose.
    #[error("taxonomy `{origin}` at `{at}`: purpose `{code}` names unknown parent `{parent}`")]
    UnknownParent {
        /// the child's code
        code: String,
        /// the missing parent code
        parent: String,
        /// the document
        origin: String,
        /// the entry
        at: String,
    },
    /// Parent links that form a cycle.
    #[error("taxonomy: purpose `{code}` is its own ancestor (cycle in `parent` links)")]
    Cycle {
        /// a code on the cycle
        code: String,
    },
    /// A caller-supplied document that uses a shipped pack's prefix (`aa`, `abdm`, `dpdp`, `svc`)
    /// as its `pack` or as the prefix of a code: it would add codes inside a shipped namespace.
    #[error("taxonomy `{origin}` at `{at}`: the prefix `{prefix}` belongs to a shipped pack; use your own")]
    ShippedPrefix {
        /// the document
        origin: String,
        /// the member, e.g. `purposes[0].code`
        at: String,
        /// the shipped prefix
        prefix: String,
    },
    /// A caller-supplied purpose whose `parent` is a shipped code: a grant of the shipped code
    /// would then cover it.
    #[error("taxonomy `{origin}` at `{at}`: purpose `{code}` may not be placed under shipped purpose `{parent}`")]
    ShippedParent {
        /// the child's code
        code: String,
        /// the shipped parent
        parent: String,
        /// the document
        origin: String,
        /// the member, `purposes[i].parent`
        at: String,
    },
    /// A caller-supplied purpose flagged `legitimate_use` (a basis that skips consent and the
    /// parental-consent check) without [`TaxonomyBuilder::allow_legitimate_uses`](super::TaxonomyBuilder::allow_legitimate_uses).
    #[error("taxonomy `{origin}` at `{at}`: purpose `{code}` declares a legitimate use, which caller-supplied taxonomies may do only when explicitly allowed")]
    LegitimateUseNotAllowed {
        /// the code
        code: String,
        /// the document
        origin: String,
        /// the member, `purposes[i].legitimate_use`
        at: String,
    },
    /// A hierarchy deeper than [`MAX_DEPTH`](super::MAX_DEPTH).
    #[error("taxonomy: purpose `{code}` is nested deeper than {max} levels")]
    TooDeep {
        /// the first code found too deep
        code: String,
        /// the limit
        max: usize,
    },
}

impl HasCode for TaxonomyError {
    fn code(&self) -> Code {
        match self {
            TaxonomyError::Json { .. } => Code::TaxonomyJson,
            TaxonomyError::Invalid { .. } => Code::TaxonomyInvalid,
            TaxonomyError::DuplicateCode { .. } => Code::TaxonomyDuplicateCode,
            TaxonomyError::UnknownParent { .. } => Code::TaxonomyUnknownParent,
            TaxonomyError::Cycle { .. } => Code::TaxonomyCycle,
            TaxonomyError::TooDeep { .. } => Code::TaxonomyTooDeep,
            TaxonomyError::ShippedPrefix { .. } => Code::TaxonomyShippedPrefix,
            TaxonomyError::ShippedParent { .. } => Code::TaxonomyShippedParent,
            TaxonomyError::LegitimateUseNotAllowed { .. } => Code::TaxonomyLegitimateUseNotAllowed,
        }
    }
}
