//! Round trip: for any input `inspect` accepts, the claims re-encode to the payload bytes, and
//! re-signing them yields an artefact that verifies to the same claims.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(u) = consentry::inspect(data) else { return };
    let Ok(msg) = consentry::cose::parse_sign1(data, false) else { return };
    assert_eq!(u.claims.to_cbor().ok().as_deref(), Some(msg.payload));
    let Ok(key) = consentry::SigningKey::from_ed25519_seed(&[9; 32]) else { return };
    // Ed25519 signing draws nothing from the random source.
    let rng = ring::rand::SystemRandom::new();
    let Ok(art) = consentry::issue(&u.claims, &key, &rng) else { return };
    let mut trust = consentry::TrustStore::new();
    let _ = trust.add(key.verifying_key().clone());
    let aud = u.claims.aud.iter().next().unwrap_or_default().to_owned();
    let now = u.claims.nbf.unwrap_or(u.claims.iat).max(u.claims.iat);
    let v = consentry::Verifier::new(trust).verify(&art, &aud, now);
    assert_eq!(v.map(|v| v.claims).ok(), Some(u.claims));
});

