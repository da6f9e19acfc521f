//! # consentry
//!
//! Provable consent and enforceable purpose limitation:
//!
//! - **signed consent artefacts**: a tagged COSE_Sign1 over a CWT claims set, Ed25519 or ES256,
//!   deterministic CBOR, issued with [`issue`] and verified offline by a [`Verifier`] against a
//!   [`TrustStore`];
//! - **purpose limitation**: [`decide`] answers whether a recipient may use fields for a purpose
//!   now, with every failed check in a fixed order, against purpose taxonomies ([`purpose`]);
//!   a [`Permit`] filters records down to the granted fields ([`scope`] selectors);
//! - **withdrawal**: signed Token Status Lists ([`status`]) and a hash-chained consent ledger
//!   with signed checkpoints ([`ledger`]);
//! - **field-level pseudonymisation** under a policy ([`Pseudonymiser`], [`pseudo`]): keyed
//!   pseudonyms, reversible tokens, format-preserving encryption, masking, generalisation and
//!   date shifting, with validation of Indian identifiers ([`ids`]);
//! - Account Aggregator interop ([`aa`]): verify the AA network's RS256 JWS consents and
//!   detached signatures and import them for [`decide`];
//! - one JSON form of every operation for the npm and C faces ([`interop`]).
//!
//! The crate is pure: it never reads a clock, the environment, a file or the network. Time
//! (`now`, seconds since the epoch) and randomness (`&dyn ring::rand::SecureRandom`) are
//! parameters.
//!
//! ```
//! use consentry::{issue, Claims, Cti, Grant, Mode, Notice, SigningKey, TrustStore, Verifier};
//!
//! let rng = ring::rand::SystemRandom::new();
//! let pkcs8 = SigningKey::generate_pkcs8(consentry::Algorithm::Ed25519, &rng)?;
//! let key = SigningKey::from_pkcs8(&pkcs8, &rng)?;
//!
//! let claims = Claims::builder("cm.example", "pp-7f3a", "tn.health")
//!     .issued_at(1_764_300_000)
//!     .expires(1_795_836_000)
//!     .cti(Cti::random(&rng)?)
//!     .notice(Notice { id: "notice-2025-01".into(), sha256: [0; 32], lang: "ta-IN".into() })
//!     .grant(Grant::new("abdm:CAREMGT", ["/name", "/diagnosis"], Mode::View).data_life(86_400))
//!     .build()?;
//! let artefact: Vec<u8> = issue(&claims, &key, &rng)?;
//!
//! let mut trust = TrustStore::new();
//! trust.add(key.verifying_key().clone())?;
//! let verified = Verifier::new(trust).verify(&artefact, "tn.health", 1_764_300_100)?;
//! assert_eq!(verified.claims.sub, "pp-7f3a");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod aa;
mod artefact;
pub mod cbor;
pub mod cose;
mod curve;
mod error;
pub mod ids;
pub mod interop;
pub mod json;
mod keys;
pub mod ledger;
pub mod pseudo;
pub mod purpose;
pub mod scope;
pub mod status;
mod verify;

// The code table, and each area's error type (defined beside its module).
pub use artefact::{ClaimsError, IssueError};
pub use cbor::{CborError, CborType};
pub use cose::VerifyError;
pub use error::{Code, HasCode};
pub use keys::KeyError;
pub use status::StatusError;

pub use artefact::{
    Audience, Claims, ClaimsBuilder, Consent, Cti, DataRange, Frequency, Grant, Grantor,
    GrantorRole, Mode, Notice, Status, StatusListRef, V1,
};
pub use keys::{Algorithm, SignatureError, SigningKey, TrustStore, VerifyingKey, MAX_KID_LEN};
pub use pseudo::{MasterKey, Policy, Pseudonymiser};
pub use purpose::{decide, Decision, Permit, Request, StatusInput, Taxonomy, TaxonomyError};
pub use verify::{
    inspect, NotChecked, StatusCheck, Unverified, VerifiedArtefact, Verifier, DEFAULT_LEEWAY,
    DEFAULT_MAX_SIZE, MAX_LEEWAY,
};

/// Base64url without padding: the text form of artefacts and of every byte string in JSON.
pub mod b64 {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;

    /// Encodes bytes as base64url without padding.
    pub fn encode(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Decodes base64url without padding; surrounding ASCII whitespace is ignored.
    pub fn decode(text: &str) -> Option<Vec<u8>> {
        URL_SAFE_NO_PAD.decode(text.trim()).ok()
    }
}

/// Issues a consent artefact: validates `claims`, encodes them deterministically and signs them
/// as a tagged COSE_Sign1 with `kid` = the key's RFC 9679 thumbprint.
///
/// With an Ed25519 key the output is a pure function of the claims and the key.
pub fn issue(
    claims: &Claims,
    key: &SigningKey,
    rng: &dyn ring::rand::SecureRandom,
) -> Result<Vec<u8>, IssueError> {
    let payload = claims.to_cbor()?;
    Ok(cose::sign1(&payload, cose::ARTEFACT_TYP, key, rng)?)
}
