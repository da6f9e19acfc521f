//! Issue 13 items 6–8 through the C ABI: request caps, caller taxonomies that cannot widen
//! consent, and no secret in any error (the `call_json` sweep, replayed through
//! `consentry_call_json`).
#![allow(unsafe_code)] // calls the C ABI; each block has a `// SAFETY:` comment
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "common/handles.rs"]
mod handles;

use consentry_ffi::*;
use consentry_testkit::{faces, rng, sweep};
use serde_json::{json, Value};
use std::ptr::{null, null_mut};

/// `consentry_call_json`: the envelope, and the result code.
fn call(op: &str, req: &str) -> (String, consentry_result) {
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0usize;
    // SAFETY: inputs are live buffers with their lengths; `buf` is writable; `err` NULL.
    let r = unsafe {
        consentry_call_json(
            op.as_ptr(),
            op.len(),
            req.as_ptr(),
            req.len(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut n,
            null_mut(),
        )
    };
    (String::from_utf8(buf[..n].to_vec()).unwrap(), r)
}

/// A verifier trusting a fresh key, and an artefact for `aa:101` (`/name`) it issued.
fn issued() -> (*const consentry_verifier, Vec<u8>, Value) {
    let claims = faces::claims_json("consent", false, &["/name"]);
    let (art, jwk) = faces::issue_through(&mut |op, req| call(op, req).0, &claims);
    let art = consentry::b64::decode(&art).unwrap();
    let jwk = jwk.to_string();
    let v = handles::verifier_from_jwk(&jwk);
    let trust = json!({"keys": [serde_json::from_str::<Value>(&jwk).unwrap()]});
    (v, art, trust)
}

fn decide(
    v: *const consentry_verifier,
    tax: *const consentry_taxonomy,
    art: &[u8],
    fields: &[String],
) -> (consentry_result, String) {
    let req = json!({"recipient": "fiu", "purpose": "aa:101", "operation": "view",
                     "fields": fields, "now": 1_800_000_100})
    .to_string();
    decide_request(v, tax, art, &req)
}

/// `consentry_verifier_decide` on the request JSON `req`: the result code, and the decision
/// JSON on success or the error message otherwise.
fn decide_request(
    v: *const consentry_verifier,
    tax: *const consentry_taxonomy,
    art: &[u8],
    req: &str,
) -> (consentry_result, String) {
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0usize;
    let mut err = null_mut();
    // SAFETY: handles are live; inputs are live buffers; `buf` is writable.
    unsafe {
        assert_eq!(consentry_error_new(&mut err), consentry_result::Ok);
        let r = consentry_verifier_decide(
            v,
            tax,
            art.as_ptr(),
            art.len(),
            req.as_ptr(),
            req.len(),
            null(),
            0,
            buf.as_mut_ptr(),
            buf.len(),
            &mut n,
            err,
        );
        let out = if r == consentry_result::Ok {
            String::from_utf8(buf[..n].to_vec()).unwrap()
        } else {
            let mut m = vec![0u8; 4096];
            let mut mn = 0usize;
            consentry_error_message(err, m.as_mut_ptr(), m.len(), &mut mn);
            String::from_utf8(m[..mn].to_vec()).unwrap()
        };
        consentry_error_free(err);
        (r, out)
    }
}

fn taxonomy(extra: Option<&str>, flags: u32) -> (consentry_result, *const consentry_taxonomy) {
    let mut t = null();
    let (p, l) = extra.map_or((null(), 0), |e| (e.as_ptr(), e.len()));
    // SAFETY: `p` is NULL or a live buffer of `l` bytes; `t` a valid local.
    let r = unsafe { consentry_taxonomy_new_with(p, l, flags, &mut t, null_mut()) };
    (r, t)
}

#[test]
fn c_decide_refuses_an_over_cap_request_with_request_too_large() {
    let (v, art, trust) = issued();
    let (_, tax) = taxonomy(None, 0);
    let many: Vec<String> = (0..=consentry::purpose::MAX_REQUEST_FIELDS)
        .map(|i| format!("/f{i}"))
        .collect();
    let (r, msg) = decide(v, tax, &art, &many);
    assert_eq!(r, consentry_result::RequestTooLarge);
    assert_eq!(r as u32, 2010);
    assert_eq!(
        msg,
        "`fields` names 4097 selectors; at most 4096 are allowed"
    );
    // Large but allowed: decided exactly.
    let mut fields: Vec<String> = (0..2000).map(|i| format!("/x{i}")).collect();
    fields.push("/name/first".into());
    let (r, out) = decide(v, tax, &art, &fields);
    assert_eq!(r, consentry_result::Ok);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["fields"],
        json!(["/name/first"])
    );
    // The same through consentry_call_json.
    let req = json!({"artefact": consentry::b64::encode(&art), "trust": trust,
        "request": {"recipient": "fiu", "purpose": "aa:101", "operation": "view", "fields": many, "now": 1_800_000_100}});
    let (env, r) = call("decide", &req.to_string());
    assert_eq!(r, consentry_result::RequestTooLarge);
    assert_eq!(
        serde_json::from_str::<Value>(&env).unwrap()["error"]["code"],
        "request_too_large"
    );
    // SAFETY: handles from their constructors, freed once.
    unsafe {
        consentry_taxonomy_free(tax);
        consentry_verifier_free(v);
    }
}

#[test]
fn c_taxonomy_refuses_packs_that_widen_consent() {
    let graft = r#"{"version":1,"pack":"fid","purposes":[{"code":"fid:targeted-ads","parent":"aa:101","name":"Ads"}]}"#;
    let inside = r#"{"version":1,"pack":"mine","purposes":[{"code":"aa:106","name":"More"}]}"#;
    let lu = r#"{"version":1,"pack":"mine","purposes":[{"code":"mine:lu","name":"Ours","legitimate_use":true}]}"#;
    let all = CONSENTRY_TAXONOMY_ALLOW_LEGITIMATE_USES;
    assert_eq!(
        taxonomy(Some(graft), all).0,
        consentry_result::TaxonomyShippedParent
    );
    assert_eq!(
        taxonomy(Some(inside), all).0,
        consentry_result::TaxonomyShippedPrefix
    );
    assert_eq!(
        taxonomy(Some(lu), 0).0,
        consentry_result::TaxonomyLegitimateUseNotAllowed
    );
    assert_eq!(taxonomy(Some(lu), 2).0, consentry_result::InvalidArgument);
    let mut t = null();
    // SAFETY: `lu` is a live buffer; `t` a valid local.
    let r = unsafe { consentry_taxonomy_new(lu.as_ptr(), lu.len(), &mut t, null_mut()) };
    assert_eq!(r, consentry_result::TaxonomyLegitimateUseNotAllowed);
    let (r, t) = taxonomy(Some(lu), all);
    assert_eq!(r, consentry_result::Ok);
    // SAFETY: from `consentry_taxonomy_new_with`, freed once.
    unsafe { consentry_taxonomy_free(t) };
}

#[test]
fn c_call_json_never_quotes_a_secret_in_an_error() {
    let pkcs8 =
        consentry::SigningKey::generate_pkcs8(consentry::Algorithm::Ed25519, &rng()).unwrap();
    let pk = consentry::b64::encode(&pkcs8);
    let errors = sweep::sweep(&pk, &mut |op, req| {
        let (out, r) = call(op, req);
        if r != consentry_result::Ok {
            // The error object's message is the envelope's message.
            assert!(sweep::leaks(&out).is_none());
        }
        out
    });
    assert!(errors > 500, "{errors}");
}

#[test]
fn c_verifier_decide_never_quotes_a_secret_in_the_request() {
    let (v, art, _) = issued();
    let (_, tax) = taxonomy(None, 0);
    let template = json!({"recipient": "fiu", "purpose": "aa:101", "operation": "view",
                          "fields": ["/name"], "now": 1_800_000_100, "uses": 0, "leeway": 1});
    for secret in sweep::secrets() {
        for (path, req) in sweep::mutations(&template, &secret) {
            let (r, out) = decide_request(v, tax, &art, &req.to_string());
            let msg = if r == consentry_result::Ok {
                String::new()
            } else {
                out
            };
            assert!(sweep::leaks(&msg).is_none(), "{path}: {msg}");
        }
    }
    // SAFETY: handles from their constructors, freed once.
    unsafe {
        consentry_taxonomy_free(tax);
        consentry_verifier_free(v);
    }
}
