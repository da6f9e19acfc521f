//! The cross-face fixture set: artefacts (good and bad), status lists and the verdict the Rust
//! API gives for each. Written to a directory by `cargo run -p consentry-ffi --example fixtures
//! DIR` for the C tests, and replayed through the extern "C" functions by `tests/abi.rs`.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consentry::status::{StatusListOptions, StatusListToken, StatusValue};
use consentry::{Code, HasCode, SigningKey, TrustStore, Verifier};
use consentry_testkit::status::List;
use consentry_testkit::{artefacts, keys};

pub use consentry_testkit::artefacts::{LIST_IDX, LIST_URI};
pub use consentry_testkit::keys::issuer_pkcs8;
pub use consentry_testkit::{AUD, NOW};

/// One verification case.
pub struct Case {
    pub name: String,
    pub artefact: Vec<u8>,
    pub audience: String,
    pub now: i64,
    /// Name of the status list (key of [`Fixtures::lists`]) to check with, if any.
    pub list: Option<String>,
    /// `Ok(json)` (the verified artefact's JSON text) or `Err(code)`.
    pub expect: Result<String, u32>,
}

pub struct Fixtures {
    /// The deterministic Ed25519 issuer's PKCS#8 (v1) document.
    pub issuer_pkcs8: Vec<u8>,
    /// The issuer's public key as a COSE_Key.
    pub issuer_cose_key: Vec<u8>,
    /// JWK Set trusting the issuer (and an ES256 issuer).
    pub jwks: String,
    pub lists: Vec<(String, Vec<u8>)>,
    pub cases: Vec<Case>,
}

fn signed_list(key: &SigningKey, value: StatusValue) -> Vec<u8> {
    signed_list_at(key, value, LIST_URI, NOW - 60)
}

/// A list published at `uri`, issued at `iat` (refresh within an hour), the full artefact's
/// index set to `value`.
fn signed_list_at(key: &SigningKey, value: StatusValue, uri: &str, iat: i64) -> Vec<u8> {
    List::at(uri)
        .size(8192)
        .issued(iat)
        .expires(Some(iat + 86_400))
        .ttl(Some(3_600))
        .set(LIST_IDX, value)
        .sign(key)
}

/// The Rust API's verdict: `Verifier::verify`, or `verify_with_status` after verifying the list.
fn rust_verdict(
    v: &Verifier,
    artefact: &[u8],
    aud: &str,
    now: i64,
    list: Option<&[u8]>,
) -> Result<String, u32> {
    let r = match list {
        None => v.verify(artefact, aud, now).map_err(|e| e.code()),
        Some(l) => {
            match StatusListToken::verify(l, v.trust_store(), now, &StatusListOptions::default()) {
                Err(e) => Err(e.code()),
                Ok(l) => v
                    .verify_with_status(artefact, aud, now, &l)
                    .map_err(|e| e.code()),
            }
        }
    };
    r.map(|ok| ok.to_json_value().unwrap().to_string())
        .map_err(Code::as_u32)
}

pub fn build() -> Fixtures {
    let rng = consentry_testkit::rng();
    let issuer = keys::issuer();
    let issuer_pkcs8 = issuer_pkcs8();
    let es_pkcs8 = SigningKey::generate_pkcs8(consentry::Algorithm::Es256, &rng).unwrap();
    let es = SigningKey::from_pkcs8(&es_pkcs8, &rng).unwrap();
    let stranger = keys::ed25519(0x77);
    let jwks = keys::jwks(&[&issuer, &es]).to_string();
    let verifier = Verifier::new(TrustStore::from_jwks(&jwks).unwrap());

    let lists = vec![
        ("valid".to_owned(), signed_list(&issuer, StatusValue::Valid)),
        (
            "revoked".to_owned(),
            signed_list(&issuer, StatusValue::Invalid),
        ),
        (
            "suspended".to_owned(),
            signed_list(&issuer, StatusValue::Suspended),
        ),
        (
            "foreign".to_owned(),
            signed_list(&stranger, StatusValue::Valid),
        ),
        // Another trusted issuer (the ES256 key) publishing at the full artefact's URI.
        (
            "other_issuer_valid".to_owned(),
            signed_list(&es, StatusValue::Valid),
        ),
        (
            "other_issuer_revoked".to_owned(),
            signed_list(&es, StatusValue::Invalid),
        ),
        (
            "stale".to_owned(),
            signed_list_at(&issuer, StatusValue::Valid, LIST_URI, NOW - 7_200),
        ),
        (
            "stale_revoked".to_owned(),
            signed_list_at(&issuer, StatusValue::Invalid, LIST_URI, NOW - 7_200),
        ),
        (
            "other_uri".to_owned(),
            signed_list_at(
                &issuer,
                StatusValue::Valid,
                "https://cm.tn.gov.in/status/2",
                NOW - 60,
            ),
        ),
        (
            "value_3".to_owned(),
            signed_list(&issuer, StatusValue::Other(3)),
        ),
    ];

    let typical = artefacts::typical_artefact();
    let full = artefacts::full_artefact();
    let es256 = artefacts::sign(&artefacts::typical_claims(), &es);
    let stranger_art = artefacts::sign(&artefacts::typical_claims(), &stranger);
    let flip = |mut b: Vec<u8>, i: usize| {
        let n = b.len();
        b[i.min(n - 1)] ^= 0x01;
        b
    };
    let mut trailing = typical.clone();
    trailing.push(0x00);

    // name, artefact, audience, now, status list
    type Raw<'a> = (&'a str, Vec<u8>, &'a str, i64, Option<&'a str>);
    let raw: Vec<Raw<'_>> = vec![
        ("typical", typical.clone(), AUD, NOW, None),
        ("full_no_list", full.clone(), AUD, NOW, None),
        (
            "full_second_audience",
            full.clone(),
            "tn.research",
            NOW,
            None,
        ),
        ("full_list_valid", full.clone(), AUD, NOW, Some("valid")),
        ("full_list_revoked", full.clone(), AUD, NOW, Some("revoked")),
        (
            "full_list_suspended",
            full.clone(),
            AUD,
            NOW,
            Some("suspended"),
        ),
        ("full_list_foreign", full.clone(), AUD, NOW, Some("foreign")),
        (
            "full_list_other_issuer_valid",
            full.clone(),
            AUD,
            NOW,
            Some("other_issuer_valid"),
        ),
        (
            "full_list_other_issuer_revoked",
            full.clone(),
            AUD,
            NOW,
            Some("other_issuer_revoked"),
        ),
        ("full_list_stale", full.clone(), AUD, NOW, Some("stale")),
        (
            "full_list_stale_revoked",
            full.clone(),
            AUD,
            NOW,
            Some("stale_revoked"),
        ),
        (
            "full_list_other_uri",
            full.clone(),
            AUD,
            NOW,
            Some("other_uri"),
        ),
        ("full_list_value_3", full.clone(), AUD, NOW, Some("value_3")),
        (
            "typical_list_valid",
            typical.clone(),
            AUD,
            NOW,
            Some("valid"),
        ),
        ("es256", es256, AUD, NOW, None),
        ("expired", typical.clone(), AUD, NOW + 40_000_000, None),
        ("issued_in_future", typical.clone(), AUD, NOW - 7_200, None),
        ("not_yet_valid", full.clone(), AUD, NOW - 7_200, None),
        ("wrong_audience", typical.clone(), "someone.else", NOW, None),
        (
            "tampered_signature",
            flip(typical.clone(), usize::MAX),
            AUD,
            NOW,
            None,
        ),
        (
            "tampered_payload",
            flip(typical.clone(), typical.len() - 80),
            AUD,
            NOW,
            None,
        ),
        ("untagged", typical[1..].to_vec(), AUD, NOW, None),
        (
            "truncated",
            typical[..typical.len() - 1].to_vec(),
            AUD,
            NOW,
            None,
        ),
        ("trailing_byte", trailing, AUD, NOW, None),
        ("unknown_kid", stranger_art, AUD, NOW, None),
        ("empty", Vec::new(), AUD, NOW, None),
        (
            "garbage",
            b"not a consent artefact".to_vec(),
            AUD,
            NOW,
            None,
        ),
        ("too_large", vec![0xd2; 70_000], AUD, NOW, None),
    ];
    let cases = raw
        .into_iter()
        .map(|(name, artefact, aud, now, list)| {
            let bytes = list.map(|l| lists.iter().find(|(n, _)| n == l).unwrap().1.as_slice());
            Case {
                name: name.into(),
                expect: rust_verdict(&verifier, &artefact, aud, now, bytes),
                artefact,
                audience: aud.into(),
                now,
                list: list.map(str::to_owned),
            }
        })
        .collect();
    Fixtures {
        issuer_pkcs8,
        issuer_cose_key: issuer.verifying_key().to_cose_key(),
        jwks,
        lists,
        cases,
    }
}
