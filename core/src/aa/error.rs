//! The error of the Account Aggregator interop module, with its stable codes.

use crate::error::{Code, HasCode};

/// Why an AA JWS, an AA key document or an AA consent detail was refused.
///
/// Messages are lower-case, name the segment, header member, key or detail member at fault in
/// backticks, and never echo a value (a customer handle, an account number, key material).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AaError {
    /// An input over its cap ([`MAX_JWS_LEN`](super::MAX_JWS_LEN) and the others of
    /// `docs/aa.md`).
    #[error("{what} is larger than the cap of {cap} bytes")]
    TooLarge {
        /// what was too large (`jws`, `body`, `trust document`, ...)
        what: &'static str,
        /// the cap, in bytes
        cap: usize,
    },
    /// Not three `.`-separated segments, or a segment empty where it may not be.
    #[error("{0}")]
    Structure(&'static str),
    /// A segment that is not base64url without padding.
    #[error("the {0} segment is not base64url without padding")]
    Base64(&'static str),
    /// The protected header is not a JSON object of the expected members.
    #[error("{0}")]
    Header(String),
    /// An `alg` outside the allow-list (RS256, PS256).
    #[error("header `alg` is not an allowed algorithm (RS256 or PS256)")]
    AlgUnsupported,
    /// A `crit` member other than `b64`, an empty `crit`, or one naming an absent member.
    #[error("{0}")]
    Crit(&'static str),
    /// No trusted AA key has the header's `kid`.
    #[error("no trusted key has this `kid`")]
    UnknownKid,
    /// The header's `alg` differs from the algorithm the key fixes.
    #[error("header `alg` differs from the algorithm of the key found by `kid`")]
    AlgMismatch,
    /// An RSA modulus below 2048 bits.
    #[error("key `{at}` has a {bits}-bit modulus; at least 2048 bits are required")]
    KeyTooSmall {
        /// where the key is in the document (or `kid` at verification)
        at: String,
        /// the modulus size in bits
        bits: usize,
    },
    /// The signature does not verify (deliberately without detail).
    #[error("signature does not verify")]
    Signature,
    /// A valid signature by a key bound to another entity than the expected issuer.
    #[error("signed by a key of another entity than the expected issuer")]
    IssuerMismatch,
    /// The verified payload is not a UTF-8 JSON object without duplicate members.
    #[error("payload is not a json object: {0}")]
    PayloadNotJson(String),
    /// A consent detail member is missing, of the wrong type or not mappable.
    #[error("detail member `{member}` {reason}")]
    Detail {
        /// the member's path, e.g. `DataLife.unit` or `fiTypes[1]`
        member: String,
        /// what is wrong with it
        reason: &'static str,
    },
    /// A key document or JWK that does not parse or has the wrong shape.
    #[error("key document: {0}")]
    KeyJson(String),
    /// Malformed RSA key material (`n` or `e`).
    #[error("key `{at}`: {reason}")]
    KeyInvalid {
        /// where the key is in the document
        at: String,
        /// what is wrong
        reason: &'static str,
    },
    /// A key type, algorithm or use this module does not take.
    #[error("key `{at}`: {reason}")]
    KeyUnsupported {
        /// where the key is in the document
        at: String,
        /// what is not supported
        reason: &'static str,
    },
    /// A private member (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`) in a public key.
    #[error("key `{at}` holds private key material")]
    KeyPrivate {
        /// where the key is in the document
        at: String,
    },
    /// A private key that is not a PKCS#8 RSA key ring accepts (2048 to 4096 bits).
    #[error("not a usable pkcs#8 rsa private key")]
    Pkcs8,
    /// Signing failed (the random source failed).
    #[error("signing failed")]
    SigningFailed,
    /// One of consentry's own keys in a mixed trust document, refused by its loader.
    #[error("key `{at}`: {source}")]
    OwnKey {
        /// where the key is among the document's non-RSA keys
        at: String,
        /// the loader's error (its code is kept)
        source: crate::KeyError,
    },
    /// An imported consent checked at a time before its `consentStart`.
    #[error("consent not yet valid: `consentStart` is after now")]
    NotYetValid,
    /// An imported consent checked at or after its `consentExpiry`.
    #[error("consent expired: `consentExpiry` is not after now")]
    Expired,
    /// An imported consent whose `DataConsumer.id` is not the expected recipient.
    #[error("consent is for another recipient: `DataConsumer.id` is not the audience")]
    AudienceMismatch,
    /// A `kid` already bound to a different key or entity.
    #[error("key `{at}`: its `kid` is already bound to a different key or entity")]
    DuplicateKid {
        /// where the key is in the document
        at: String,
    },
}

impl HasCode for AaError {
    fn code(&self) -> Code {
        match self {
            AaError::TooLarge { .. } => Code::InputTooLarge,
            AaError::Structure(_) => Code::AaJwsStructure,
            AaError::Base64(_) => Code::AaBase64url,
            AaError::Header(_) => Code::AaHeaderInvalid,
            AaError::AlgUnsupported => Code::AaAlgUnsupported,
            AaError::Crit(_) => Code::AaCritUnknown,
            AaError::UnknownKid => Code::KeyUnknownKid,
            AaError::AlgMismatch => Code::KeyAlgMismatch,
            AaError::KeyTooSmall { .. } => Code::AaKeyTooSmall,
            AaError::Signature => Code::SignatureInvalid,
            AaError::IssuerMismatch => Code::AaIssuerMismatch,
            AaError::PayloadNotJson(_) => Code::AaPayloadNotJson,
            AaError::Detail { .. } => Code::AaDetailInvalid,
            AaError::KeyJson(_) => Code::KeyJwkInvalid,
            AaError::KeyInvalid { .. } => Code::KeyInvalid,
            AaError::KeyUnsupported { .. } => Code::KeyUnsupported,
            AaError::KeyPrivate { .. } => Code::KeyPrivateMaterial,
            AaError::DuplicateKid { .. } => Code::KeyDuplicateKid,
            AaError::Pkcs8 => Code::KeyPkcs8Invalid,
            AaError::SigningFailed => Code::SigningFailed,
            AaError::OwnKey { source, .. } => source.code(),
            AaError::NotYetValid => Code::NotYetValid,
            AaError::Expired => Code::Expired,
            AaError::AudienceMismatch => Code::AudienceMismatch,
        }
    }
}

impl AaError {
    /// A detail error at `member`.
    pub(crate) fn detail(member: impl Into<String>, reason: &'static str) -> Self {
        AaError::Detail {
            member: member.into(),
            reason,
        }
    }
}
