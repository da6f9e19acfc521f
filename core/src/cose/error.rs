//! Why an artefact was not accepted ([`VerifyError`]).

use thiserror::Error;

use crate::error::{Code, HasCode};
use crate::{CborError, ClaimsError};

/// Why an artefact was not accepted. Checks run in a fixed order; the first failure is reported.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The input is larger than the verifier's cap.
    #[error("input is {size} bytes, over the cap of {max}")]
    TooLarge {
        /// input size
        size: usize,
        /// the cap
        max: usize,
    },
    /// The envelope is not strict CBOR.
    #[error("`{part}`: {source}")]
    Cbor {
        /// the part of the envelope (`envelope`, `protected`, `unprotected`)
        part: &'static str,
        /// the CBOR violation
        source: CborError,
    },
    /// The COSE_Sign1 tag (18) is missing.
    #[error("missing cose_sign1 tag 18")]
    Untagged,
    /// A tag other than 18.
    #[error("cbor tag {tag} is not cose_sign1 (18)")]
    WrongTag {
        /// the tag found
        tag: u64,
    },
    /// Not a COSE_Sign1 structure.
    #[error("not a cose_sign1: {reason}")]
    Structure {
        /// what is wrong
        reason: &'static str,
    },
    /// No `alg` header.
    #[error("missing `alg` in the protected header")]
    AlgMissing,
    /// An `alg` other than EdDSA (-8) or ES256 (-7).
    #[error("unsupported `alg` (only EdDSA -8 and ES256 -7)")]
    AlgUnknown,
    /// No `kid` in the protected header.
    #[error("missing `kid` in the protected header")]
    KidMissing,
    /// A `kid` over 64 bytes.
    #[error("`kid` is {len} bytes, over 64")]
    KidTooLong {
        /// its length
        len: usize,
    },
    /// A `typ` other than the expected media type, or none.
    #[error("`typ` header is missing or not `{expected}`")]
    TypMismatch {
        /// the media type required
        expected: &'static str,
    },
    /// A `crit` header.
    #[error("`crit` header present; no critical extensions are supported")]
    Crit,
    /// A label the profile does not allow in this header bucket.
    #[error("unexpected label {label} in the {bucket} header")]
    UnexpectedLabel {
        /// `protected` or `unprotected`
        bucket: &'static str,
        /// the label (integers as numbers; text labels as `text`)
        label: String,
    },
    /// The same label in both header buckets.
    #[error("label {label} appears in both the protected and the unprotected header")]
    DuplicateLabel {
        /// the label
        label: String,
    },
    /// A header value of the wrong type.
    #[error("header `{header}` must be {expected}")]
    HeaderWrongType {
        /// the header's name
        header: &'static str,
        /// what is required
        expected: &'static str,
    },
    /// No trusted key has the artefact's `kid`.
    #[error("no trusted key for this `kid`")]
    UnknownKid,
    /// The header `alg` is not the algorithm of the trusted key.
    #[error("`alg` does not match the trusted key's algorithm")]
    AlgMismatch,
    /// The signature does not verify. Deliberately without detail.
    #[error("signature does not verify")]
    Signature,
    /// The claims fail strict decoding or the profile's rules.
    #[error(transparent)]
    Claims(#[from] ClaimsError),
    /// Now is at or after `exp` (plus leeway).
    #[error("artefact expired: `exp` {exp} + leeway {leeway} s <= now {now}")]
    Expired {
        /// the `exp` claim
        exp: i64,
        /// now
        now: i64,
        /// leeway in seconds
        leeway: u64,
    },
    /// Now is before `nbf` (minus leeway).
    #[error("artefact not yet valid: `nbf` {nbf} - leeway {leeway} s > now {now}")]
    NotYetValid {
        /// the `nbf` claim
        nbf: i64,
        /// now
        now: i64,
        /// leeway in seconds
        leeway: u64,
    },
    /// `iat` lies in the future (beyond leeway).
    #[error("`iat` {iat} is after now {now} + leeway {leeway} s")]
    IssuedInFuture {
        /// the `iat` claim
        iat: i64,
        /// now
        now: i64,
        /// leeway in seconds
        leeway: u64,
    },
    /// The relying party is not in `aud`.
    #[error("relying party is not in `aud`")]
    AudienceMismatch,
    /// The status list says the artefact is revoked: consent was withdrawn.
    #[error("artefact is revoked (status list `{uri}`, index {idx})")]
    Revoked {
        /// the list's URI
        uri: String,
        /// the artefact's index
        idx: u64,
    },
    /// The status list says the artefact is suspended: consent is paused.
    #[error("artefact is suspended (status list `{uri}`, index {idx})")]
    Suspended {
        /// the list's URI
        uri: String,
        /// the artefact's index
        idx: u64,
    },
    /// The supplied status list is signed by a key other than the artefact's: a list is trusted
    /// only for its own issuer's artefacts, so it says nothing about this one.
    #[error(
        "the status list is signed by a key other than the artefact's: its status is not checked"
    )]
    StatusListForeign,
    /// The supplied status list is published at a URI other than the artefact's.
    #[error(
        "the status list is published at `{list_uri}`, the artefact's status lives at `{uri}`"
    )]
    StatusListOtherUri {
        /// the artefact's `status.status_list.uri`
        uri: String,
        /// the list's `sub`
        list_uri: String,
    },
    /// The supplied status list is expired or stale: it cannot prove an artefact valid.
    #[error("the status list is {state} (at {at}): it cannot prove the artefact valid")]
    StatusListStale {
        /// `expired` or `stale`
        state: &'static str,
        /// the list's `exp`, or when it should have been refreshed
        at: i64,
    },
    /// The supplied status list was issued in the future (`iat` after now plus leeway): it
    /// cannot prove an artefact valid.
    #[error("the status list's `iat` {iat} is in the future: it cannot prove the artefact valid")]
    StatusListIssuedInFuture {
        /// the list's `iat`
        iat: i64,
    },
    /// The artefact's status is an application-specific or reserved value (above 2): unknown,
    /// hence not valid.
    #[error(
        "the artefact's status is value {value}, which is neither valid, invalid nor suspended"
    )]
    StatusValueUnknown {
        /// the value found
        value: u8,
    },
    /// The artefact's status index lies past the end of the supplied list.
    #[error("status index {idx} is past the end of the list ({len} entries)")]
    StatusIndexOutOfRange {
        /// the artefact's index
        idx: u64,
        /// entries in the list
        len: u64,
    },
    /// A permit whose `eraseBy` has passed: nothing may be filtered under it any more.
    #[error("the permit's `eraseBy` {erase_by} is not after now {now}: the data may no longer be used; ask `decide` again")]
    PermitExpired {
        /// the permit's `eraseBy`
        erase_by: i64,
        /// now
        now: i64,
    },
    /// A verifier option is out of range.
    #[error("verifier option `{option}` out of range: {reason}")]
    InvalidOption {
        /// the option
        option: &'static str,
        /// the allowed range
        reason: &'static str,
    },
}

impl HasCode for VerifyError {
    fn code(&self) -> Code {
        match self {
            VerifyError::TooLarge { .. } => Code::InputTooLarge,
            VerifyError::Cbor { source, .. } => source.code(),
            VerifyError::Untagged => Code::CoseUntagged,
            VerifyError::WrongTag { .. } => Code::CoseWrongTag,
            VerifyError::Structure { .. } => Code::CoseStructure,
            VerifyError::AlgMissing => Code::HeaderAlgMissing,
            VerifyError::AlgUnknown => Code::HeaderAlgUnknown,
            VerifyError::KidMissing => Code::HeaderKidMissing,
            VerifyError::KidTooLong { .. } => Code::HeaderKidTooLong,
            VerifyError::TypMismatch { .. } => Code::HeaderTypMismatch,
            VerifyError::Crit => Code::HeaderCrit,
            VerifyError::UnexpectedLabel { .. } => Code::HeaderUnexpectedLabel,
            VerifyError::DuplicateLabel { .. } => Code::HeaderDuplicateLabel,
            VerifyError::HeaderWrongType { .. } => Code::HeaderWrongType,
            VerifyError::UnknownKid => Code::KeyUnknownKid,
            VerifyError::AlgMismatch => Code::KeyAlgMismatch,
            VerifyError::Signature => Code::SignatureInvalid,
            VerifyError::Claims(e) => e.code(),
            VerifyError::Expired { .. } => Code::Expired,
            VerifyError::NotYetValid { .. } => Code::NotYetValid,
            VerifyError::IssuedInFuture { .. } => Code::IssuedInFuture,
            VerifyError::AudienceMismatch => Code::AudienceMismatch,
            VerifyError::InvalidOption { .. } => Code::InvalidOption,
            VerifyError::Revoked { .. } => Code::Revoked,
            VerifyError::Suspended { .. } => Code::Suspended,
            VerifyError::StatusIndexOutOfRange { .. } => Code::StatusIndexOutOfRange,
            VerifyError::PermitExpired { .. } => Code::PermitExpired,
            VerifyError::StatusListForeign => Code::StatusListForeign,
            VerifyError::StatusListOtherUri { .. } => Code::StatusListOtherUri,
            VerifyError::StatusListStale { .. } => Code::StatusListStale,
            VerifyError::StatusListIssuedInFuture { .. } => Code::StatusListIssuedInFuture,
            VerifyError::StatusValueUnknown { .. } => Code::StatusValueUnknown,
        }
    }
}
