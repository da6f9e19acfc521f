//! The fixture artefacts: a typical one (3 purposes, about 500 bytes once signed) and a full
//! one (every optional claim), both issued by [`crate::keys::issuer`], and issuing helpers.

use consentry::{
    Audience, Claims, Cti, Grant, GrantorRole, Mode, Notice, SigningKey, Status, StatusListRef,
};

use crate::keys::issuer;
use crate::rng;

/// The relying party of the fixtures.
pub const AUD: &str = "tn.health.dept";
/// A time inside the fixtures' validity window.
pub const NOW: i64 = 1_764_300_000;
/// The status list the full artefact points at.
pub const LIST_URI: &str = "https://cm.tn.gov.in/status/1";
/// The full artefact's index in [`LIST_URI`].
pub const LIST_IDX: u64 = 4242;

/// A notice claim: its id, language and a digest of 32 `digest` bytes.
pub fn notice(id: &str, lang: &str, digest: u8) -> Notice {
    Notice {
        id: id.into(),
        sha256: [digest; 32],
        lang: lang.into(),
    }
}

/// A full artefact's claims: 3 purposes, every optional claim present.
pub fn full_claims() -> Claims {
    let care = Grant::new(
        "abdm:CAREMGT",
        ["/name", "/dob", "/diagnosis/*/code"],
        Mode::View,
    );
    let public_health = Grant::new("abdm:PUBHLTH", ["/pincode", "/dob"], Mode::Store);
    Claims::builder(
        "cm.tn.gov.in",
        "pp-4f1c9e2ab7",
        Audience::Many(vec![AUD.into(), "tn.research".into()]),
    )
    .issued_at(NOW - 3_600)
    .not_before(NOW - 3_600)
    .expires(NOW + 31_536_000)
    .status(LIST_IDX, LIST_URI)
    .notice(notice("notice-health-2025-03", "ta-IN", 0xab))
    .cti(Cti([0x11; 16]))
    .grant(care.data_life(86_400).transform("/name", "pseudonym"))
    .grant(
        public_health
            .frequency(10, 86_400)
            .transform("/dob", "generalise"),
    )
    .grant(Grant::new("aa:101", ["/accounts/*/balance"], Mode::Query))
    .grantor(GrantorRole::Parent, "digilocker:tok-77c1")
    .child(true)
    .range(NOW - 31_536_000, NOW)
    .build()
    .expect("the full claims are valid")
}

/// The full artefact, signed by [`issuer`].
pub fn full_artefact() -> Vec<u8> {
    sign(&full_claims(), &issuer())
}

/// A typical artefact's claims: 3 purposes, about 500 bytes once signed.
pub fn typical_claims() -> Claims {
    Claims::builder("cm.tn.gov.in", "pp-4f1c9e2ab7", AUD)
        .issued_at(NOW - 3_600)
        .expires(NOW + 31_536_000)
        .cti(Cti([0x22; 16]))
        .notice(notice("n-25", "ta-IN", 0xab))
        .grant(
            Grant::new("abdm:CAREMGT", ["/name", "/dob", "/diagnosis"], Mode::View)
                .data_life(86_400),
        )
        .grant(Grant::new("abdm:PUBHLTH", ["/pincode", "/dob"], Mode::Store).frequency(10, 86_400))
        .grant(Grant::new("aa:101", ["/accounts/*/balance"], Mode::Query))
        .build()
        .expect("the typical claims are valid")
}

/// The typical artefact, signed by [`issuer`].
pub fn typical_artefact() -> Vec<u8> {
    sign(&typical_claims(), &issuer())
}

/// `claims` pointing at index `idx` of the status list at `uri`.
pub fn with_status(claims: Claims, idx: u64, uri: &str) -> Claims {
    Claims {
        status: Some(Status {
            status_list: StatusListRef {
                idx,
                uri: uri.into(),
            },
        }),
        ..claims
    }
}

/// `claims` issued by `key` (`consentry::issue`: the key's thumbprint as `kid`).
pub fn sign(claims: &Claims, key: &SigningKey) -> Vec<u8> {
    consentry::issue(claims, key, &rng()).expect("fixture claims issue")
}

/// `claims` signed by `key` under the header `kid` given (not necessarily its thumbprint).
pub fn sign_with_kid(claims: &Claims, key: &SigningKey, kid: &[u8]) -> Vec<u8> {
    consentry::cose::sign1_with_kid(
        &claims.to_cbor().expect("fixture claims encode"),
        consentry::cose::ARTEFACT_TYP,
        kid,
        key,
        &rng(),
    )
    .expect("fixture claims sign")
}
