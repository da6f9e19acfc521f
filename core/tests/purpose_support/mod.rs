//! Shared helpers for the purpose-limitation tests: real artefacts (issued with Ed25519 and
//! verified), the shipped taxonomy, and request shortcuts.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use consentry::purpose::{Request, Taxonomy};
use consentry::{
    Audience, Claims, ClaimsBuilder, Cti, Mode, SigningKey, VerifiedArtefact, Verifier,
};
use consentry_testkit::{artefacts, keys};

pub(crate) const IAT: i64 = 1_700_000_000;
pub(crate) const NBF: i64 = 1_700_000_100;
pub(crate) const EXP: i64 = 1_700_086_400;
pub(crate) const NOW: i64 = 1_700_010_000;
pub(crate) const FIU: &str = "fiu.example";
pub(crate) const OTHER: &str = "other.example";

pub(crate) fn key() -> SigningKey {
    keys::ed25519(7)
}

pub(crate) fn verifier() -> Verifier {
    keys::verifier_of(&[&key()])
}

/// A claims builder with the standard header: audience FIU and `aa.example`, iat/nbf/exp above.
pub(crate) fn base() -> ClaimsBuilder {
    Claims::builder(
        "cm.example",
        "pp-7f3a",
        Audience::Many(vec![FIU.into(), "aa.example".into()]),
    )
    .issued_at(IAT)
    .not_before(NBF)
    .expires(EXP)
    .cti(Cti([3; 16]))
    .notice(artefacts::notice("notice-1", "en-IN", 0))
}

/// Issues (real Ed25519 signature) and verifies the claims built by `b`.
pub(crate) fn artefact(b: ClaimsBuilder) -> VerifiedArtefact {
    let claims = b.build().unwrap();
    let bytes = artefacts::sign(&claims, &key());
    let at = claims.nbf.unwrap_or(claims.iat).max(claims.iat);
    verifier().verify(&bytes, FIU, at).unwrap()
}

pub(crate) fn taxonomy() -> Taxonomy {
    Taxonomy::shipped().unwrap()
}

pub(crate) fn request(purpose: &str, operation: Mode, fields: &[&str]) -> Request {
    Request::new(FIU, purpose, operation, fields, NOW).unwrap()
}
