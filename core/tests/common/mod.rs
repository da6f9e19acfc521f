//! Shared fixtures for the core's integration tests and benches.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consentry::{Claims, Cti, Grant, GrantorRole, Mode, Notice, SigningKey, TrustStore, Verifier};

/// The relying party of the fixtures.
pub const AUD: &str = "tn.health.dept";
/// A time inside the fixtures' validity window.
pub const NOW: i64 = 1_764_300_000;

/// A deterministic Ed25519 issuer key.
pub fn issuer() -> SigningKey {
    SigningKey::from_ed25519_seed(&[0x5a; 32]).unwrap()
}

/// A verifier trusting [`issuer`].
pub fn verifier() -> Verifier {
    let mut t = TrustStore::new();
    t.add(issuer().verifying_key().clone()).unwrap();
    Verifier::new(t)
}

/// A full artefact's claims: 3 purposes, every optional claim present.
pub fn full_claims() -> Claims {
    Claims::builder(
        "cm.tn.gov.in",
        "pp-4f1c9e2ab7",
        consentry::Audience::Many(vec![AUD.into(), "tn.research".into()]),
    )
    .issued_at(NOW - 3_600)
    .not_before(NOW - 3_600)
    .expires(NOW + 31_536_000)
    .cti(Cti([0x11; 16]))
    .status(4242, "https://cm.tn.gov.in/status/1")
    .notice(Notice {
        id: "notice-health-2025-03".into(),
        sha256: [0xab; 32],
        lang: "ta-IN".into(),
    })
    .grant(
        Grant::new(
            "abdm:CAREMGT",
            ["/name", "/dob", "/diagnosis/*/code"],
            Mode::View,
        )
        .data_life(86_400)
        .transform("/name", "pseudonym"),
    )
    .grant(
        Grant::new("abdm:PUBHLTH", ["/pincode", "/dob"], Mode::Store)
            .frequency(10, 86_400)
            .transform("/dob", "generalise"),
    )
    .grant(Grant::new("aa:101", ["/accounts/*/balance"], Mode::Query))
    .grantor(GrantorRole::Parent, "digilocker:tok-77c1")
    .child(true)
    .range(NOW - 31_536_000, NOW)
    .build()
    .unwrap()
}

/// The full artefact, signed by [`issuer`].
pub fn full_artefact() -> Vec<u8> {
    consentry::issue(&full_claims(), &issuer(), &ring::rand::SystemRandom::new()).unwrap()
}

/// A typical artefact's claims: 3 purposes, about 500 bytes once signed.
pub fn typical_claims() -> Claims {
    Claims::builder("cm.tn.gov.in", "pp-4f1c9e2ab7", AUD)
        .issued_at(NOW - 3_600)
        .expires(NOW + 31_536_000)
        .cti(Cti([0x22; 16]))
        .notice(Notice {
            id: "n-25".into(),
            sha256: [0xab; 32],
            lang: "ta-IN".into(),
        })
        .grant(
            Grant::new("abdm:CAREMGT", ["/name", "/dob", "/diagnosis"], Mode::View)
                .data_life(86_400),
        )
        .grant(Grant::new("abdm:PUBHLTH", ["/pincode", "/dob"], Mode::Store).frequency(10, 86_400))
        .grant(Grant::new("aa:101", ["/accounts/*/balance"], Mode::Query))
        .build()
        .unwrap()
}

/// The typical artefact, signed by [`issuer`].
pub fn typical_artefact() -> Vec<u8> {
    consentry::issue(
        &typical_claims(),
        &issuer(),
        &ring::rand::SystemRandom::new(),
    )
    .unwrap()
}
