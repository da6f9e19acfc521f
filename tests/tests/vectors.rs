//! Public vectors through consentry's verification path: keys enter through JWK or raw bytes
//! (the trust store's checks), signatures through `VerifyingKey::verify_signature`, and COSE
//! messages through `cose::parse_sign1` + `cose::verify_sign1`, the functions the artefact
//! verifier itself calls.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consentry::cose::{parse_sign1, verify_sign1};
use consentry::{Code, HasCode, KeyError, SigningKey, TrustStore, Verifier, VerifyingKey};
use consentry_conformance::{read_json, str_of, unhex, wycheproof_groups};

fn tests_of(g: &serde_json::Value) -> &Vec<serde_json::Value> {
    g["tests"].as_array().expect("tests array")
}

/// Wycheproof: `valid` must verify, `invalid` must not. There are no `acceptable` cases in
/// these files; should one appear, the test fails so that a decision is written down.
fn run_wycheproof(
    file: &str,
    key_of: impl Fn(&serde_json::Value) -> Result<VerifyingKey, KeyError>,
) -> (usize, usize) {
    let (mut valid, mut invalid) = (0, 0);
    for g in wycheproof_groups(file).unwrap() {
        let key = key_of(&g);
        for t in tests_of(&g) {
            let id = &t["tcId"];
            let msg = unhex(str_of(t, "msg").unwrap()).unwrap();
            let sig = unhex(str_of(t, "sig").unwrap()).unwrap();
            let result = str_of(t, "result").unwrap();
            let ok = match &key {
                Ok(k) => k.verify_signature(&msg, &sig).is_ok(),
                Err(_) => false,
            };
            match result {
                "valid" => {
                    assert!(
                        ok,
                        "{file} tcId {id}: valid signature rejected (key: {key:?})"
                    );
                    valid += 1;
                }
                "invalid" => {
                    assert!(!ok, "{file} tcId {id}: invalid signature accepted");
                    invalid += 1;
                }
                other => panic!("{file} tcId {id}: result `{other}` needs a written decision"),
            }
        }
    }
    (valid, invalid)
}

#[test]
fn wycheproof_ed25519_through_jwk_and_verify() {
    let (v, i) = run_wycheproof("ed25519_test.json", |g| {
        VerifyingKey::from_jwk(&g["publicKeyJwk"])
    });
    assert_eq!((v, i), (88, 63));
}

#[test]
fn wycheproof_es256_p1363_through_jwk_and_verify() {
    let (v, i) = run_wycheproof("ecdsa_secp256r1_sha256_p1363_test.json", |g| {
        VerifyingKey::from_p256_sec1(
            &unhex(g["publicKey"]["uncompressed"].as_str().unwrap()).unwrap(),
        )
    });
    assert_eq!((v, i), (173, 89));
    // The JWK form of each group's key, where given, is the same key.
    for g in wycheproof_groups("ecdsa_secp256r1_sha256_p1363_test.json").unwrap() {
        if let Some(jwk) = g.get("publicKeyJwk") {
            let raw = VerifyingKey::from_p256_sec1(
                &unhex(g["publicKey"]["uncompressed"].as_str().unwrap()).unwrap(),
            )
            .unwrap();
            assert_eq!(VerifyingKey::from_jwk(jwk).unwrap(), raw);
        }
    }
}

/// ES256 in COSE is the fixed 64-byte r‖s form only: every DER signature, even a valid one,
/// is refused.
#[test]
fn wycheproof_es256_der_file_rejected_entirely() {
    let mut n = 0;
    for g in wycheproof_groups("ecdsa_secp256r1_sha256_test.json").unwrap() {
        let key = VerifyingKey::from_p256_sec1(
            &unhex(g["publicKey"]["uncompressed"].as_str().unwrap()).unwrap(),
        );
        for t in tests_of(&g) {
            let msg = unhex(str_of(t, "msg").unwrap()).unwrap();
            let sig = unhex(str_of(t, "sig").unwrap()).unwrap();
            if let Ok(k) = &key {
                assert!(
                    k.verify_signature(&msg, &sig).is_err(),
                    "DER tcId {} accepted",
                    t["tcId"]
                );
            }
            n += 1;
        }
    }
    assert_eq!(n, 484);
}

/// ed25519-speccheck: the trust store refuses small-order public keys (cases 0, 1) and the
/// non-canonical, small-order encoding of case 10 and 11; other keys are admitted and their
/// signatures judged by ring (cofactorless RFC 8032 verification: cases 2 and 3 accepted,
/// 4 to 9 rejected).
#[test]
fn speccheck_keys_refused_where_design_says() {
    let cases = read_json("ed25519-speccheck/cases.json").unwrap();
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 12);
    let mut outcome = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let pk = unhex(str_of(c, "pub_key").unwrap()).unwrap();
        let msg = unhex(str_of(c, "message").unwrap()).unwrap();
        let sig = unhex(str_of(c, "signature").unwrap()).unwrap();
        let mut store = TrustStore::new();
        let res = VerifyingKey::from_ed25519(&pk).and_then(|k| store.add(k.clone()).map(|()| k));
        outcome.push(match res {
            Err(e) => {
                assert_eq!(e.code(), Code::KeyWeak, "case {i}");
                "refused"
            }
            Ok(k) if k.verify_signature(&msg, &sig).is_ok() => "accepted",
            Ok(_) => "rejected",
        });
    }
    assert_eq!(
        outcome,
        [
            "refused", "refused", "accepted", "accepted", "rejected", "rejected", "rejected",
            "rejected", "rejected", "rejected", "refused", "refused"
        ]
    );
}

fn cose_key(k: &serde_json::Value) -> VerifyingKey {
    let b = |name: &str| -> Vec<u8> {
        if let Some(h) = k.get(format!("{name}_hex")).and_then(|v| v.as_str()) {
            unhex(h).unwrap()
        } else {
            consentry::b64::decode(k[name].as_str().unwrap()).unwrap()
        }
    };
    match k["kty"].as_str().unwrap() {
        "OKP" => VerifyingKey::from_ed25519(&b("x")).unwrap(),
        "EC" => VerifyingKey::from_p256_coordinates(&b("x"), &b("y")).unwrap(),
        other => panic!("unexpected kty {other}"),
    }
}

/// The generic COSE_Sign1 layer: pass files verify, fail files are rejected with the error
/// their mutation calls for. Our Sig_structure equals the file's `ToBeSign_hex` everywhere.
#[test]
fn cose_wg_sign1_pass_and_fail() {
    let cases: &[(&str, Option<Code>)] = &[
        ("eddsa-examples/eddsa-sig-01.json", None),
        ("ecdsa-examples/ecdsa-sig-01.json", None),
        ("RFC8152/Appendix_C_2_1.json", None),
        ("sign1-tests/sign-pass-01.json", None),
        ("sign1-tests/sign-pass-02.json", None),
        ("sign1-tests/sign-pass-03.json", None),
        ("CWT/A_3.json", None),
        ("sign1-tests/sign-fail-01.json", Some(Code::CoseWrongTag)),
        (
            "sign1-tests/sign-fail-02.json",
            Some(Code::SignatureInvalid),
        ),
        (
            "sign1-tests/sign-fail-03.json",
            Some(Code::HeaderAlgUnknown),
        ),
        (
            "sign1-tests/sign-fail-04.json",
            Some(Code::HeaderAlgUnknown),
        ),
        (
            "sign1-tests/sign-fail-06.json",
            Some(Code::SignatureInvalid),
        ),
        (
            "sign1-tests/sign-fail-07.json",
            Some(Code::SignatureInvalid),
        ),
    ];
    for (file, want) in cases {
        let v = read_json(&format!("cose-wg-examples/{file}")).unwrap();
        assert_eq!(
            v.get("fail").and_then(|f| f.as_bool()).unwrap_or(false),
            want.is_some(),
            "{file}: fail flag"
        );
        let wire = unhex(v["output"]["cbor"].as_str().unwrap()).unwrap();
        let sign0 = &v["input"]["sign0"];
        let key = cose_key(&sign0["key"]);
        let aad = sign0
            .get("external")
            .and_then(|e| e.as_str())
            .map(|h| unhex(h).unwrap())
            .unwrap_or_default();
        let res = parse_sign1(&wire, false).and_then(|m| {
            if want.is_none() {
                let tbs = m.to_be_signed(&aad);
                assert_eq!(
                    hex::encode_upper(tbs),
                    v["intermediates"]["ToBeSign_hex"].as_str().unwrap(),
                    "{file}"
                );
            }
            verify_sign1(&m, &key, &aad)
        });
        match want {
            None => res.unwrap_or_else(|e| panic!("{file}: {e}")),
            Some(code) => assert_eq!(res.map_err(|e| e.code()), Err(*code), "{file}"),
        }
    }
}

/// Ed25519 is deterministic: signing eddsa-sig-01's Sig_structure with its `d` reproduces the
/// file's signature byte for byte.
#[test]
fn cose_wg_eddsa_signature_reproduced() {
    let v = read_json("cose-wg-examples/eddsa-examples/eddsa-sig-01.json").unwrap();
    let d: [u8; 32] = unhex(v["input"]["sign0"]["key"]["d_hex"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let key = SigningKey::from_ed25519_seed(&d).unwrap();
    let tbs = unhex(v["intermediates"]["ToBeSign_hex"].as_str().unwrap()).unwrap();
    let wire = unhex(v["output"]["cbor"].as_str().unwrap()).unwrap();
    let m = parse_sign1(&wire, true).unwrap();
    assert_eq!(
        key.sign(&tbs, &ring::rand::SystemRandom::new()).unwrap(),
        m.signature
    );
}

/// RFC 8392 A.3 is a valid COSE_Sign1 (checked above) but not a consent artefact: the
/// artefact verifier rejects it at the first profile rule it breaks (no `kid`), and its claims
/// are not a consent claims set (the first rule broken: its `cti` is 2 bytes, not 16).
#[test]
fn rfc8392_a3_is_rejected_as_an_artefact() {
    let v = read_json("cose-wg-examples/CWT/A_3.json").unwrap();
    let wire = unhex(v["output"]["cbor"].as_str().unwrap()).unwrap();
    let key = cose_key(&v["input"]["sign0"]["key"]);
    let mut trust = TrustStore::new();
    trust.add(key).unwrap();
    let err = Verifier::new(trust)
        .verify(&wire, "coap://light.example.com", 1_443_944_944)
        .unwrap_err();
    assert_eq!(err.code(), Code::HeaderKidMissing);
    let m = parse_sign1(&wire, true).unwrap();
    let claims_err = consentry::Claims::from_cbor(m.payload).unwrap_err();
    assert_eq!(claims_err.code(), Code::ClaimInvalid);
    assert!(claims_err.to_string().contains("`cti`"), "{claims_err}");
}

/// COSE_Sign (tag 98) with a `crit` header is not a COSE_Sign1.
#[test]
fn rfc8152_c14_cose_sign_is_not_sign1() {
    let v = read_json("cose-wg-examples/RFC8152/Appendix_C_1_4.json").unwrap();
    let wire = unhex(v["output"]["cbor"].as_str().unwrap()).unwrap();
    assert_eq!(
        parse_sign1(&wire, false).map_err(|e| e.code()).unwrap_err(),
        Code::CoseWrongTag
    );
}

/// The RFC 8949 Appendix A examples that are deterministic pass the strict checker; the
/// `roundtrip: false` rows (non-shortest or indefinite forms) and every float are refused.
#[test]
fn cbor_appendix_a_strictness() {
    let rows = read_json("cbor-test-vectors/appendix_a.json").unwrap();
    let (mut accepted, mut refused) = (0, 0);
    for row in rows.as_array().unwrap() {
        let bytes = unhex(row["hex"].as_str().unwrap()).unwrap();
        let res = consentry::cbor::check_strict(&bytes);
        if !row["roundtrip"].as_bool().unwrap() {
            assert!(res.is_err(), "non-roundtrip row accepted: {}", row["hex"]);
            refused += 1;
        } else if let Err(e) = res {
            // Only floats, simple values and tags are outside the profile.
            assert_eq!(
                e.code(),
                Code::CborUnsupported,
                "row {} refused: {e}",
                row["hex"]
            );
            refused += 1;
        } else {
            accepted += 1;
        }
    }
    assert_eq!((accepted, refused), (38, 44));
}
