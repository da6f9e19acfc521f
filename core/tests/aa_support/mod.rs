//! Shared set-up for the Account Aggregator tests: the vendored spec example and its key, the
//! generated test keys (tests/vectors/aa/test-keys/README.md) and a test-only JWS signer built
//! on ring (RSASSA-PKCS1-v1_5 is deterministic, so a signature is a pure function of key and
//! input).
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use consentry::aa::AaTrust;
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256, RSA_PSS_SHA256};

pub(crate) fn vector(name: &str) -> String {
    let path = format!("{}/../tests/vectors/aa/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// The spec example JWS, as vendored (one line, trailing newline).
pub(crate) fn spec_jws() -> String {
    vector("signed_consent_spec_example.jws")
}

/// The spec example's key, bound to entity `finvu-aa`.
pub(crate) fn spec_trust() -> AaTrust {
    let mut t = AaTrust::new();
    t.add_json(&vector("spec_example_key.jwk.json"), Some("finvu-aa"))
        .unwrap();
    t
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn unb64(s: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(s).unwrap()
}

/// A generated test key (`aa_one`, `aa_two`, `aa_pss`).
pub(crate) fn key_pair(name: &str) -> RsaKeyPair {
    let pem = vector(&format!("test-keys/{name}.pk8.pem"));
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    RsaKeyPair::from_pkcs8(&STANDARD.decode(body).unwrap()).unwrap()
}

pub(crate) fn jwk(name: &str) -> String {
    vector(&format!("test-keys/{name}.jwk.json"))
}

/// Entity records for `aa-one` and `aa-two` (Central Registry form).
pub(crate) fn two_entities() -> AaTrust {
    let doc = format!(
        r#"[{{"id":"aa-one","name":"AA One","certificate":{}}},{{"id":"aa-two","certificate":{}}}]"#,
        jwk("aa_one"),
        jwk("aa_two")
    );
    AaTrust::from_json(&doc).unwrap()
}

/// The signature of `input` with `key`: RS256, or PS256 when `pss`.
pub(crate) fn raw_sign(key: &RsaKeyPair, pss: bool, input: &[u8]) -> Vec<u8> {
    let rng = ring::rand::SystemRandom::new();
    let mut sig = vec![0u8; key.public().modulus_len()];
    let alg: &dyn ring::signature::RsaEncoding = if pss {
        &RSA_PSS_SHA256
    } else {
        &RSA_PKCS1_SHA256
    };
    key.sign(alg, &rng, input, &mut sig).unwrap();
    sig
}

/// A compact JWS of `payload` under `header` (JSON text, as given), signed as AA
/// implementations do: with `"b64":false` in the header, over `header "." payload bytes`
/// (the payload segment still base64url); otherwise over the RFC 7515 input.
pub(crate) fn sign_compact(key: &RsaKeyPair, header: &str, payload: &[u8]) -> String {
    let h = b64(header.as_bytes());
    let p = b64(payload);
    let rfc7797 = header.replace(' ', "").contains("\"b64\":false");
    let mut input = format!("{h}.").into_bytes();
    if rfc7797 {
        input.extend_from_slice(payload);
    } else {
        input.extend_from_slice(p.as_bytes());
    }
    let pss = header.contains("PS256");
    format!("{h}.{p}.{}", b64(&raw_sign(key, pss, &input)))
}

/// A detached `header..signature` over `body`, signed like [`sign_compact`].
pub(crate) fn sign_detached(key: &RsaKeyPair, header: &str, body: &[u8]) -> String {
    let full = sign_compact(key, header, body);
    let mut parts = full.split('.');
    let h = parts.next().unwrap();
    let _ = parts.next();
    let s = parts.next().unwrap();
    format!("{h}..{s}")
}

/// The AA header with `kid`, `b64` false and `crit` b64.
pub(crate) fn aa_header(kid: &str) -> String {
    format!(r#"{{"alg":"RS256","kid":"{kid}","b64":false,"crit":["b64"]}}"#)
}

/// A well-formed consent detail (the spec example's terms, compact JSON).
pub(crate) const DETAIL: &str = r#"{"consentStart":"2019-05-28T11:38:20.380+0000","consentExpiry":"2020-05-28T11:38:20.381+0000","consentMode":"VIEW","fetchType":"ONETIME","consentTypes":["PROFILE","SUMMARY","TRANSACTIONS"],"fiTypes":["DEPOSIT","TERM-DEPOSIT"],"DataConsumer":{"id":"cookiejar-aa@finvu.in","type":"AA"},"DataProvider":{"id":"BARB0KIMXXX","type":"FIP"},"Customer":{"id":"demo@finvu"},"Accounts":[],"Purpose":{"code":"101","refUri":"https://api.rebit.org.in/aa/purpose/101.xml","text":"Wealth management service","Category":{"type":"purposeCategoryType"}},"FIDataRange":{"from":"2019-05-28T11:38:20.383+0000","to":"2020-05-28T11:38:20.381+0000"},"DataLife":{"unit":"MONTH","value":4},"Frequency":{"unit":"HOUR","value":4},"DataFilter":[{"type":"TRANSACTIONAMOUNT","operator":">","value":"20000"}]}"#;

/// `DETAIL` signed by `aa_one` in the AA form.
pub(crate) fn signed_detail(detail: &str) -> String {
    sign_compact(
        &key_pair("aa_one"),
        &aa_header("aa-one-key-1"),
        detail.as_bytes(),
    )
}
