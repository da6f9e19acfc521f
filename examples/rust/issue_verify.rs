//! Issue a consent artefact and verify it, in about twenty lines.
//!
//! Run: `cargo run -p consentry --example issue_verify`

use consentry::{
    issue, Algorithm, Claims, Cti, Grant, Mode, Notice, SigningKey, TrustStore, Verifier,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rng = ring::rand::SystemRandom::new();
    let now = 1_767_225_600; // pass the real time in a service; the library never reads a clock

    // The consent manager's key (store the PKCS#8 bytes in your KMS or a 0600 file).
    let pkcs8 = SigningKey::generate_pkcs8(Algorithm::Ed25519, &rng)?;
    let key = SigningKey::from_pkcs8(&pkcs8, &rng)?;

    let claims = Claims::builder("cm.tn.gov.in", "pp-4f1c9e2ab7", "tn.health.dept")
        .issued_at(now)
        .expires(now + 365 * 86_400)
        .cti(Cti::random(&rng)?)
        .notice(Notice {
            id: "notice-health-2026-01".into(),
            sha256: [0; 32],
            lang: "ta-IN".into(),
        })
        .grant(Grant::new("abdm:CAREMGT", ["/name", "/diagnosis"], Mode::View).data_life(86_400))
        .build()?;
    let artefact = issue(&claims, &key, &rng)?;
    println!(
        "artefact ({} bytes): {}",
        artefact.len(),
        consentry::b64::encode(&artefact)
    );

    // The relying party trusts the manager's public key (a JWK Set in practice).
    let mut trust = TrustStore::new();
    trust.add_jwk(&key.verifying_key().to_jwk())?;
    let verified = Verifier::new(trust).verify(&artefact, "tn.health.dept", now + 60)?;
    for g in &verified.claims.consent.purposes {
        println!(
            "verified: tn.health.dept may {} {:?} for {}",
            g.mode.as_str(),
            g.fields,
            g.purpose
        );
    }
    Ok(())
}
