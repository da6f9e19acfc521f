//! The AA compat signer: the same bytes as an independent implementation (Python
//! `cryptography`, tests/vectors/aa/test-keys/python_signed.json) in the three `b64` variants,
//! compact and detached; round trips through the verifier; keys it refuses.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod aa_support;

use aa_support::*;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use consentry::aa::{
    sign_compact, sign_detached, verify_detached, verify_signed_consent, AaAlg, AaSigningKey,
    AaTrust, B64Mode,
};
use consentry::{Code, HasCode};

fn pkcs8(name: &str) -> Vec<u8> {
    let pem = vector(&format!("test-keys/{name}.pk8.pem"));
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body).unwrap()
}

fn signer(name: &str, alg: AaAlg, kid: &str) -> AaSigningKey {
    AaSigningKey::from_pkcs8(&pkcs8(name), alg, kid).unwrap()
}

fn mode(name: &str) -> B64Mode {
    match name {
        "false" => B64Mode::False,
        "true" => B64Mode::True,
        "absent" => B64Mode::Absent,
        other => panic!("mode {other}"),
    }
}

#[test]
fn python_signed_consents_verify_and_the_signer_reproduces_them_byte_for_byte() {
    let doc: serde_json::Value =
        serde_json::from_str(&vector("test-keys/python_signed.json")).unwrap();
    let payload = unb64(doc["payload"].as_str().unwrap());
    let key = signer("aa_one", AaAlg::Rs256, "aa-one-key-1");
    let trust = two_entities();
    let rng = ring::rand::SystemRandom::new();
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 3);
    for case in cases {
        let m = mode(case["b64"].as_str().unwrap());
        let compact = case["compact"].as_str().unwrap();
        let detached = case["detached"].as_str().unwrap();
        let v = verify_signed_consent(compact, &trust, Some("aa-one")).unwrap();
        assert_eq!((v.b64, v.payload.as_slice()), (m, payload.as_slice()));
        assert_eq!(
            verify_detached(detached, &payload, &trust, Some("aa-one"))
                .unwrap()
                .b64,
            m
        );
        assert_eq!(sign_compact(&payload, &key, m, &rng).unwrap(), compact);
        assert_eq!(sign_detached(&payload, &key, m, &rng).unwrap(), detached);
    }
}

#[test]
fn signed_consents_round_trip_in_every_variant_and_with_ps256() {
    let rng = ring::rand::SystemRandom::new();
    let rs = signer("aa_two", AaAlg::Rs256, "aa-two-key-1");
    let ps = signer("aa_pss", AaAlg::Ps256, "aa-pss-key-1");
    let mut trust = two_entities();
    trust
        .add_json(&ps.public_jwk().to_string(), Some("aa-pss"))
        .unwrap();
    for m in [B64Mode::False, B64Mode::True, B64Mode::Absent] {
        for (key, entity, alg) in [(&rs, "aa-two", AaAlg::Rs256), (&ps, "aa-pss", AaAlg::Ps256)] {
            let jws = sign_compact(DETAIL.as_bytes(), key, m, &rng).unwrap();
            let v = verify_signed_consent(&jws, &trust, Some(entity)).unwrap();
            assert_eq!((v.b64, v.alg), (m, alg));
            let sig = sign_detached(b"body bytes", key, m, &rng).unwrap();
            let d = verify_detached(&sig, b"body bytes", &trust, Some(entity)).unwrap();
            assert_eq!((d.b64, d.alg), (m, alg));
            assert_eq!(
                verify_detached(&sig, b"body bytez", &trust, None)
                    .unwrap_err()
                    .code(),
                Code::SignatureInvalid
            );
        }
    }
}

#[test]
fn the_public_jwk_is_the_vendored_one_and_loads() {
    let key = signer("aa_one", AaAlg::Rs256, "aa-one-key-1");
    let ours = key.public_jwk();
    let vendored: serde_json::Value = serde_json::from_str(&jwk("aa_one")).unwrap();
    for m in ["kty", "kid", "use", "alg", "n", "e"] {
        assert_eq!(ours[m], vendored[m], "{m}");
    }
    assert!(ours.get("d").is_none());
    assert_eq!(AaTrust::from_json(&ours.to_string()).unwrap().len(), 1);
    assert!(!format!("{key:?}").contains(ours["n"].as_str().unwrap()));
}

#[test]
fn a_1024_bit_or_malformed_private_key_is_key_pkcs8_invalid() {
    for der in [pkcs8("short_1024"), b"not a key".to_vec(), Vec::new()] {
        let e = AaSigningKey::from_pkcs8(&der, AaAlg::Rs256, "k").unwrap_err();
        assert_eq!(e.code(), Code::KeyPkcs8Invalid);
    }
    let e = AaSigningKey::from_pkcs8(&pkcs8("aa_one"), AaAlg::Rs256, "").unwrap_err();
    assert_eq!(e.code(), Code::KeyJwkInvalid);
}
