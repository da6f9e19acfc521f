//! Deterministic signing keys, trust stores and verifiers.

use consentry::{SigningKey, TrustStore, Verifier};

/// The seed of the fixtures' issuer ([`issuer`]).
pub const ISSUER_SEED: u8 = 0x5a;

/// The Ed25519 key whose 32-byte seed is `seed` repeated.
pub fn ed25519(seed: u8) -> SigningKey {
    SigningKey::from_ed25519_seed(&[seed; 32]).expect("a 32-byte seed is a valid ed25519 key")
}

/// The fixtures' issuer: Ed25519, seed [`ISSUER_SEED`].
pub fn issuer() -> SigningKey {
    ed25519(ISSUER_SEED)
}

/// PKCS#8 v1 of [`issuer`]: the RFC 8410 prefix and the seed.
pub fn issuer_pkcs8() -> Vec<u8> {
    let mut der = vec![
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    der.extend_from_slice(&[ISSUER_SEED; 32]);
    der
}

/// A trust store holding the public keys of `keys` (under their thumbprints).
pub fn trust(keys: &[&SigningKey]) -> TrustStore {
    let mut t = TrustStore::new();
    for k in keys {
        t.add(k.verifying_key().clone())
            .expect("distinct fixture keys fit in a trust store");
    }
    t
}

/// A verifier trusting `keys`.
pub fn verifier_of(keys: &[&SigningKey]) -> Verifier {
    Verifier::new(trust(keys))
}

/// A verifier trusting [`issuer`].
pub fn verifier() -> Verifier {
    verifier_of(&[&issuer()])
}

/// The JWK Set (as JSON) of the public keys of `keys`.
pub fn jwks(keys: &[&SigningKey]) -> serde_json::Value {
    let keys: Vec<serde_json::Value> = keys.iter().map(|k| k.verifying_key().to_jwk()).collect();
    serde_json::json!({ "keys": keys })
}
