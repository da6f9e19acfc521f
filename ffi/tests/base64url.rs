//! The base64url text entry points (`consentry_verifier_check_b64`, `_verify_b64`,
//! `_decide_b64`): the text of an artefact or a status list gives the same result, byte for
//! byte, as its bytes, for every fixture case; text that is not base64url is refused with
//! `not_base64url`, naming the argument and never quoting it, with the output untouched.
#![allow(unsafe_code)] // calls the C ABI; each block has a `// SAFETY:` comment
#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // test helpers

#[path = "common/fixtures.rs"]
mod fixtures;

use consentry::Code;
use consentry_ffi::*;
use std::ptr::{null, null_mut};

/// An error object's code and message.
fn error_of(err: *const consentry_error) -> (consentry_result, String) {
    let mut buf = [0u8; 1024];
    let mut n = 0usize;
    // SAFETY: `err` is live; `buf` and `n` are live locals.
    unsafe {
        let code = consentry_error_code(err);
        let r = consentry_error_message(err, buf.as_mut_ptr(), buf.len(), &mut n);
        assert_eq!(r, consentry_result::Ok);
        (code, String::from_utf8(buf[..n].to_vec()).unwrap())
    }
}

/// A verifier over the fixture trust store, a taxonomy of the shipped packs and an error
/// object; freed on drop.
struct Handles {
    ts: *mut consentry_trust_store,
    v: *const consentry_verifier,
    tax: *const consentry_taxonomy,
    err: *mut consentry_error,
}

impl Handles {
    fn new(jwks: &str) -> Self {
        let mut h = Handles {
            ts: null_mut(),
            v: null(),
            tax: null(),
            err: null_mut(),
        };
        // SAFETY: out-pointers are live fields; inputs are live buffers with their lengths.
        unsafe {
            assert_eq!(consentry_error_new(&mut h.err), consentry_result::Ok);
            assert_eq!(consentry_trust_store_new(&mut h.ts), consentry_result::Ok);
            let r = consentry_trust_store_add_jwk(h.ts, jwks.as_ptr(), jwks.len(), h.err);
            assert_eq!(r, consentry_result::Ok);
            let r = consentry_verifier_new(h.ts, CONSENTRY_DEFAULT_LEEWAY, &mut h.v, h.err);
            assert_eq!(r, consentry_result::Ok);
            let r = consentry_taxonomy_new(null(), 0, &mut h.tax, h.err);
            assert_eq!(r, consentry_result::Ok);
        }
        h
    }
}

impl Drop for Handles {
    fn drop(&mut self) {
        // SAFETY: handles from the constructors in `new`, freed once.
        unsafe {
            consentry_taxonomy_free(self.tax);
            consentry_verifier_free(self.v);
            consentry_trust_store_free(self.ts);
            consentry_error_free(self.err);
        }
    }
}

/// What an entry point gave: its result, its output (when OK) and, on failure, the error
/// object's code and message.
#[derive(Debug, PartialEq)]
struct Outcome {
    result: consentry_result,
    out: Option<Vec<u8>>,
    error: Option<(consentry_result, String)>,
}

/// The text form a caller would pass: base64url, with the surrounding whitespace a line read
/// from a file or a form keeps (`consentry::b64::decode` ignores it).
fn as_text(bytes: &[u8]) -> String {
    format!(" \t{}\r\n", consentry::b64::encode(bytes))
}

type VerifyFn = unsafe extern "C" fn(
    *const consentry_verifier,
    *const u8,
    usize,
    *const u8,
    usize,
    i64,
    *const u8,
    usize,
    *mut u8,
    usize,
    *mut usize,
    *mut consentry_error,
) -> consentry_result;

type DecideFn = unsafe extern "C" fn(
    *const consentry_verifier,
    *const consentry_taxonomy,
    *const u8,
    usize,
    *const u8,
    usize,
    *const u8,
    usize,
    *mut u8,
    usize,
    *mut usize,
    *mut consentry_error,
) -> consentry_result;

type CheckFn = unsafe extern "C" fn(
    *const consentry_verifier,
    *const u8,
    usize,
    *const u8,
    usize,
    i64,
    *mut consentry_error,
) -> consentry_result;

/// Sentinel filling the output buffer and `*out_len`: a refused call must leave both alone.
const UNTOUCHED: u8 = 0xAA;
const UNTOUCHED_LEN: usize = 12345;

fn outcome(h: &Handles, r: consentry_result, buf: &[u8], n: usize) -> Outcome {
    if r == consentry_result::Ok {
        assert_eq!(buf[n], 0, "text output is NUL-terminated");
        Outcome {
            result: r,
            out: Some(buf[..n].to_vec()),
            error: None,
        }
    } else {
        assert_eq!(n, UNTOUCHED_LEN, "`*out_len` untouched on failure");
        assert!(
            buf.iter().all(|&b| b == UNTOUCHED),
            "`out` untouched on failure"
        );
        Outcome {
            result: r,
            out: None,
            error: Some(error_of(h.err)),
        }
    }
}

fn verify(
    h: &Handles,
    f: VerifyFn,
    art: &[u8],
    aud: &str,
    now: i64,
    list: Option<&[u8]>,
) -> Outcome {
    let mut buf = vec![UNTOUCHED; 16 * 1024];
    let mut n = UNTOUCHED_LEN;
    let (lp, ll) = list.map_or((null(), 0), |l| (l.as_ptr(), l.len()));
    // SAFETY: handles are live; inputs and `buf` are live buffers with their lengths.
    let r = unsafe {
        f(
            h.v,
            art.as_ptr(),
            art.len(),
            aud.as_ptr(),
            aud.len(),
            now,
            lp,
            ll,
            buf.as_mut_ptr(),
            buf.len(),
            &mut n,
            h.err,
        )
    };
    outcome(h, r, &buf, n)
}

fn check(h: &Handles, f: CheckFn, art: &[u8], aud: &str, now: i64) -> Outcome {
    // SAFETY: handles are live; inputs are live buffers with their lengths.
    let r = unsafe {
        f(
            h.v,
            art.as_ptr(),
            art.len(),
            aud.as_ptr(),
            aud.len(),
            now,
            h.err,
        )
    };
    let error = (r != consentry_result::Ok).then(|| error_of(h.err));
    Outcome {
        result: r,
        out: None,
        error,
    }
}

fn decide(h: &Handles, f: DecideFn, art: &[u8], request: &str, list: Option<&[u8]>) -> Outcome {
    let mut buf = vec![UNTOUCHED; 64 * 1024];
    let mut n = UNTOUCHED_LEN;
    let (lp, ll) = list.map_or((null(), 0), |l| (l.as_ptr(), l.len()));
    // SAFETY: handles are live; inputs and `buf` are live buffers with their lengths.
    let r = unsafe {
        f(
            h.v,
            h.tax,
            art.as_ptr(),
            art.len(),
            request.as_ptr(),
            request.len(),
            lp,
            ll,
            buf.as_mut_ptr(),
            buf.len(),
            &mut n,
            h.err,
        )
    };
    outcome(h, r, &buf, n)
}

fn list_of(f: &fixtures::Fixtures, name: &str) -> Vec<u8> {
    f.lists.iter().find(|(n, _)| n == name).unwrap().1.clone()
}

#[test]
fn base64url_text_verifies_and_checks_as_its_bytes_for_every_fixture() {
    let f = fixtures::build();
    let h = Handles::new(&f.jwks);
    let mut passed = 0;
    for c in &f.cases {
        let list = c.list.as_ref().map(|l| list_of(&f, l));
        let art_text = as_text(&c.artefact);
        let list_text = list.as_deref().map(as_text);
        let by_bytes = verify(
            &h,
            consentry_verifier_verify,
            &c.artefact,
            &c.audience,
            c.now,
            list.as_deref(),
        );
        let by_text = verify(
            &h,
            consentry_verifier_verify_b64,
            art_text.as_bytes(),
            &c.audience,
            c.now,
            list_text.as_deref().map(str::as_bytes),
        );
        assert_eq!(by_text, by_bytes, "{}", c.name);
        // And both are the Rust API's verdict.
        assert_eq!(
            by_bytes.result as u32,
            *c.expect.as_ref().err().unwrap_or(&0),
            "{}",
            c.name
        );
        if let Ok(json) = &c.expect {
            assert_eq!(by_text.out.as_deref(), Some(json.as_bytes()), "{}", c.name);
            passed += 1;
        }
        if c.list.is_none() {
            let by_bytes = check(
                &h,
                consentry_verifier_check,
                &c.artefact,
                &c.audience,
                c.now,
            );
            let by_text = check(
                &h,
                consentry_verifier_check_b64,
                art_text.as_bytes(),
                &c.audience,
                c.now,
            );
            assert_eq!(by_text, by_bytes, "{}", c.name);
        }
    }
    assert!(
        passed >= 3 && f.cases.len() >= 20,
        "the fixtures cover both outcomes"
    );
}

#[test]
fn base64url_text_decides_as_its_bytes() {
    let f = fixtures::build();
    let h = Handles::new(&f.jwks);
    let full = f.cases.iter().find(|c| c.name == "full_no_list").unwrap();
    let request = |purpose: &str| {
        serde_json::json!({"recipient": fixtures::AUD, "purpose": purpose, "operation": "view",
                           "fields": ["/name"], "now": fixtures::NOW})
        .to_string()
    };
    let mut permits = 0;
    for (purpose, list) in [
        ("abdm:CAREMGT", None),
        ("abdm:CAREMGT", Some("valid")),
        ("abdm:CAREMGT", Some("revoked")),
        ("abdm:CAREMGT", Some("stale")),
        ("abdm:HPLAN", None),
    ] {
        let list = list.map(|l| list_of(&f, l));
        let list_text = list.as_deref().map(as_text);
        let req = request(purpose);
        let by_bytes = decide(
            &h,
            consentry_verifier_decide,
            &full.artefact,
            &req,
            list.as_deref(),
        );
        let by_text = decide(
            &h,
            consentry_verifier_decide_b64,
            as_text(&full.artefact).as_bytes(),
            &req,
            list_text.as_deref().map(str::as_bytes),
        );
        assert_eq!(by_bytes.result, consentry_result::Ok, "{purpose} {list:?}");
        assert_eq!(by_text, by_bytes, "{purpose}");
        let d: serde_json::Value = serde_json::from_slice(by_text.out.as_deref().unwrap()).unwrap();
        permits += usize::from(d["allowed"] == true);
    }
    assert!(permits >= 1, "a permit and denials both compared");
}

/// Texts that are not base64url without padding. The last is an Aadhaar-like number (with
/// spaces) that must never appear in a message.
const NOT_BASE64URL: &[&str] = &[
    "0oRYQ6MBJwRYINfR==",
    "0oRY+Q6MB/JwRY",
    "0oRYQ",
    "0oRY Q6MB",
    "2345 6789 0124",
];

#[test]
fn text_that_is_not_base64url_is_refused_with_not_base64url_naming_the_argument_never_the_value() {
    let f = fixtures::build();
    let h = Handles::new(&f.jwks);
    let c = f.cases.iter().find(|c| c.name == "full_no_list").unwrap();
    let good = as_text(&c.artefact);
    let list = as_text(&list_of(&f, "valid"));
    let req = serde_json::json!({"recipient": fixtures::AUD, "purpose": "abdm:CAREMGT",
                                 "operation": "view", "fields": ["/name"], "now": fixtures::NOW})
    .to_string();
    let refused = |o: &Outcome, what: &str, bad: &str| {
        assert_eq!(o.result, consentry_result::NotBase64url, "{what} {bad:?}");
        assert_eq!(o.result as u32, Code::NotBase64url.as_u32());
        let (code, message) = o.error.clone().unwrap();
        assert_eq!(code, consentry_result::NotBase64url);
        assert!(message.contains(&format!("`{what}`")), "{message}");
        assert!(
            bad.trim().is_empty() || !message.contains(bad.trim()),
            "{message}"
        );
        assert!(!message.contains("2345"), "{message}");
    };
    for bad in NOT_BASE64URL {
        let b = bad.as_bytes();
        let o = check(
            &h,
            consentry_verifier_check_b64,
            b,
            fixtures::AUD,
            fixtures::NOW,
        );
        refused(&o, "artefact", bad);
        let o = verify(
            &h,
            consentry_verifier_verify_b64,
            b,
            fixtures::AUD,
            fixtures::NOW,
            None,
        );
        refused(&o, "artefact", bad);
        let o = decide(&h, consentry_verifier_decide_b64, b, &req, None);
        refused(&o, "artefact", bad);
        // A good artefact with a bad list: the list is named.
        let o = verify(
            &h,
            consentry_verifier_verify_b64,
            good.as_bytes(),
            fixtures::AUD,
            fixtures::NOW,
            Some(b),
        );
        refused(&o, "status_list", bad);
        let o = decide(
            &h,
            consentry_verifier_decide_b64,
            good.as_bytes(),
            &req,
            Some(b),
        );
        refused(&o, "status_list", bad);
    }
    // The same texts are accepted once valid: the good artefact with its good list verifies.
    let o = verify(
        &h,
        consentry_verifier_verify_b64,
        good.as_bytes(),
        fixtures::AUD,
        fixtures::NOW,
        Some(list.as_bytes()),
    );
    assert_eq!(o.result, consentry_result::Ok);
    // Text that is not UTF-8 is `invalid_utf8`, as for every text argument.
    let o = verify(
        &h,
        consentry_verifier_verify_b64,
        &[0x30, 0xff, 0x52],
        fixtures::AUD,
        fixtures::NOW,
        None,
    );
    assert_eq!(o.result, consentry_result::InvalidUtf8);
    // Raw COSE bytes are not text: the text entry points do not guess.
    let o = check(
        &h,
        consentry_verifier_check_b64,
        &c.artefact,
        fixtures::AUD,
        fixtures::NOW,
    );
    assert!(
        matches!(
            o.result,
            consentry_result::NotBase64url | consentry_result::InvalidUtf8
        ),
        "{o:?}"
    );
    // Empty (or blank) text is the base64url of no bytes: refused as no bytes are.
    let by_text = check(
        &h,
        consentry_verifier_check_b64,
        b" \n",
        fixtures::AUD,
        fixtures::NOW,
    );
    let by_bytes = check(
        &h,
        consentry_verifier_check,
        &[],
        fixtures::AUD,
        fixtures::NOW,
    );
    assert_eq!(by_text, by_bytes);
    assert_ne!(by_text.result, consentry_result::Ok);
    // A NULL text is `null_argument`, as for bytes.
    // SAFETY: `h.v` is live; a NULL artefact with length 0.
    let r = unsafe {
        consentry_verifier_check_b64(
            h.v,
            null(),
            0,
            fixtures::AUD.as_ptr(),
            fixtures::AUD.len(),
            fixtures::NOW,
            null_mut(),
        )
    };
    assert_eq!(r, consentry_result::NullArgument);
}
