//! Status-list hardening through the C ABI: the issuer is the key, not the `kid`; a list issued
//! in the future cannot prove an artefact valid (`CONSENTRY_STATUS_LIST_FUTURE`,
//! `CONSENTRY_RESULT_STATUS_LIST_ISSUED_IN_FUTURE`); `decide` denies an index past the end of
//! the issuer's list even when an unknown status is accepted.
#![allow(unsafe_code)] // calls the C ABI; each block has a `// SAFETY:` comment
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consentry::status::StatusValue;
#[path = "common/handles.rs"]
mod handles;

use consentry_ffi::*;
use consentry_testkit::checks::reason_codes;
use consentry_testkit::faces::{CHECKED_AT as NOW, RECIPIENT as AUD, STATUS_URI as URI};
use consentry_testkit::status::List;
use consentry_testkit::{artefacts, keys};
use serde_json::{json, Value};
use std::ptr::{null, null_mut};

fn key() -> consentry::SigningKey {
    keys::ed25519(0x3c)
}

/// An artefact at `idx` of `URI`, signed by [`key`] under `kid`.
fn artefact(idx: u64, kid: &[u8]) -> Vec<u8> {
    let claims = consentry::Claims::builder("cm", "pp-1", AUD)
        .issued_at(NOW - 100)
        .expires(1_900_000_000)
        .cti(consentry::Cti([1; 16]))
        .status(idx, URI)
        .notice(artefacts::notice("n", "en", 0))
        .grant(consentry::Grant::new(
            "aa:101",
            ["/name"],
            consentry::Mode::View,
        ))
        .build()
        .unwrap();
    artefacts::sign_with_kid(&claims, &key(), kid)
}

/// A 64-entry list at `URI` issued at `iat` (ttl one hour), signed by [`key`] (thumbprint kid).
fn list(iat: i64, set: &[(u64, StatusValue)]) -> Vec<u8> {
    List::at(URI)
        .size(64)
        .issued(iat)
        .ttl(Some(3_600))
        .set_all(set)
        .sign(&key())
}

/// A verifier trusting [`key`] under its thumbprint and under the JWK `kid` `issuer-a`.
fn verifier() -> *const consentry_verifier {
    let jwk = key().verifying_key().to_jwk();
    let mut custom = jwk.clone();
    custom["kid"] = "issuer-a".into();
    let jwks = json!({"keys": [jwk, custom]}).to_string();
    handles::verifier_from_jwk(&jwks)
}

fn verify(v: *const consentry_verifier, art: &[u8], list: &[u8]) -> consentry_result {
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0usize;
    // SAFETY: `v` is live; inputs are live buffers; `buf` is writable; `err` NULL.
    unsafe {
        consentry_verifier_verify(
            v,
            art.as_ptr(),
            art.len(),
            AUD.as_ptr(),
            AUD.len(),
            NOW,
            list.as_ptr(),
            list.len(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut n,
            null_mut(),
        )
    }
}

/// The decision's reason codes (empty for a permit).
fn decide(v: *const consentry_verifier, art: &[u8], list: &[u8], accept: bool) -> Vec<String> {
    let req = json!({"recipient": AUD, "purpose": "aa:101", "operation": "view",
                     "fields": ["/name"], "now": NOW, "acceptUnknownStatus": accept})
    .to_string();
    let mut tax = null();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0usize;
    // SAFETY: handles are live; inputs are live buffers; `buf` is writable; `err` NULL.
    let r = unsafe {
        assert_eq!(
            consentry_taxonomy_new_with(null(), 0, 0, &mut tax, null_mut()),
            consentry_result::Ok
        );
        let r = consentry_verifier_decide(
            v,
            tax,
            art.as_ptr(),
            art.len(),
            req.as_ptr(),
            req.len(),
            list.as_ptr(),
            list.len(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut n,
            null_mut(),
        );
        consentry_taxonomy_free(tax);
        r
    };
    assert_eq!(r, consentry_result::Ok);
    let d: Value = serde_json::from_slice(&buf[..n]).unwrap();
    reason_codes(&d["reasons"])
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[test]
fn c_the_issuers_own_list_revokes_an_artefact_signed_under_another_kid_of_the_same_key() {
    let v = verifier();
    let art = artefact(7, b"issuer-a");
    let revoked = list(NOW - 60, &[(7, StatusValue::Invalid)]);
    assert_eq!(verify(v, &art, &revoked), consentry_result::Revoked);
    for accept in [false, true] {
        assert_eq!(decide(v, &art, &revoked, accept), ["revoked"], "{accept}");
    }
    assert_eq!(
        verify(v, &art, &list(NOW - 60, &[])),
        consentry_result::Ok,
        "the issuer's list proves its own artefact valid"
    );
    // SAFETY: `v` from `verifier`, freed once.
    unsafe { consentry_verifier_free(v) };
}

#[test]
fn c_a_list_issued_in_the_future_cannot_prove_an_artefact_valid() {
    let v = verifier();
    let future = 1_900_000_000;
    let bytes = list(future, &[(7, StatusValue::Invalid)]);
    let (mut l, mut state, mut at) = (null_mut(), 99u8, 0i64);
    // SAFETY: `v` is live; `bytes` a live buffer; out-pointers valid locals.
    unsafe {
        let r = consentry_status_list_from_token(
            v,
            bytes.as_ptr(),
            bytes.len(),
            NOW,
            &mut l,
            null_mut(),
        );
        assert_eq!(r, consentry_result::Ok);
        let r = consentry_status_list_freshness(l, &mut state, &mut at, null_mut());
        assert_eq!(
            (r, state, at),
            (consentry_result::Ok, CONSENTRY_STATUS_LIST_FUTURE, future)
        );
        consentry_status_list_free(l);
    }
    let thumb = key().verifying_key().thumbprint();
    assert_eq!(
        verify(v, &artefact(6, &thumb), &bytes),
        consentry_result::StatusListIssuedInFuture
    );
    assert_eq!(
        decide(v, &artefact(6, &thumb), &bytes, false),
        ["status_unknown"]
    );
    // It still proves revocation.
    assert_eq!(
        verify(v, &artefact(7, &thumb), &bytes),
        consentry_result::Revoked
    );
    // SAFETY: `v` from `verifier`, freed once.
    unsafe { consentry_verifier_free(v) };
}

#[test]
fn c_decide_denies_an_index_past_the_end_of_the_list_even_accepting_unknown() {
    let v = verifier();
    let bytes = list(NOW - 60, &[]);
    let art = artefact(64, &key().verifying_key().thumbprint());
    assert_eq!(
        verify(v, &art, &bytes),
        consentry_result::StatusIndexOutOfRange
    );
    for accept in [false, true] {
        assert_eq!(
            decide(v, &art, &bytes, accept),
            ["status_unknown"],
            "{accept}"
        );
    }
    // SAFETY: `v` from `verifier`, freed once.
    unsafe { consentry_verifier_free(v) };
}
