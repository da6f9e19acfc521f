//! The typed C functions for Account Aggregator consents (`consentry_aa_*`): the spec example
//! verifies with its key and gives `aaVerify`'s result byte for byte; every attack of issue 16
//! (a flipped byte, the RFC 7515 input, `alg` HS256 / none, an extra `crit`, an unknown kid, a
//! 1024-bit key, another AA) is refused with its own code; detached signatures in the three
//! `b64` variants; `consentry_aa_decide` gives `aaDecide`'s decision.
#![allow(unsafe_code)] // calls the C ABI; each block has a `// SAFETY:` comment
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used)]

use consentry::b64;
use consentry_ffi::*;
use std::ptr::{null, null_mut};

fn vector(name: &str) -> String {
    let path = format!("{}/../tests/vectors/aa/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap()
}

fn spec_jws() -> String {
    vector("signed_consent_spec_example.jws").trim().to_owned()
}

/// Entity records: the spec key for `finvu-aa`, the test key `aa_one` for `aa-one`.
fn records() -> String {
    let spec: serde_json::Value =
        serde_json::from_str(&vector("spec_example_key.jwk.json")).unwrap();
    let one: serde_json::Value =
        serde_json::from_str(&vector("test-keys/aa_one.jwk.json")).unwrap();
    serde_json::json!([
        {"id": "finvu-aa", "certificate": spec},
        {"id": "aa-one", "certificate": one},
    ])
    .to_string()
}

fn trust_of(
    doc: &str,
    entity: Option<&str>,
) -> Result<*const consentry_aa_trust, consentry_result> {
    let mut t = null();
    let (ep, el) = entity.map_or((null(), 0), |e| (e.as_ptr(), e.len()));
    // SAFETY: inputs are live buffers with their lengths; `t` is a valid local.
    let r = unsafe { consentry_aa_trust_new(doc.as_ptr(), doc.len(), ep, el, &mut t, null_mut()) };
    if r == consentry_result::Ok {
        Ok(t)
    } else {
        Err(r)
    }
}

fn verify(
    t: *const consentry_aa_trust,
    jws: &str,
    issuer: Option<&str>,
    now: Option<i64>,
) -> Result<*const consentry_aa_verified, consentry_result> {
    let mut v = null();
    let (ip, il) = issuer.map_or((null(), 0), |e| (e.as_ptr(), e.len()));
    let now_p = now.as_ref().map_or(null(), |n| n as *const i64);
    // SAFETY: `t` is live; inputs are live buffers with their lengths; `v` a valid local.
    let r = unsafe {
        consentry_aa_verify(
            t,
            jws.as_ptr(),
            jws.len(),
            ip,
            il,
            now_p,
            &mut v,
            null_mut(),
        )
    };
    if r == consentry_result::Ok {
        Ok(v)
    } else {
        Err(r)
    }
}

fn text_of(
    f: unsafe extern "C" fn(
        *const consentry_aa_verified,
        *mut u8,
        usize,
        *mut usize,
        *mut consentry_error,
    ) -> consentry_result,
    v: *const consentry_aa_verified,
) -> Result<String, consentry_result> {
    let mut n = 0usize;
    // SAFETY: a size query: NULL buffer with capacity 0.
    let r = unsafe { f(v, null_mut(), 0, &mut n, null_mut()) };
    if r != consentry_result::BufferTooSmall {
        return Err(r);
    }
    let mut buf = vec![0u8; n];
    // SAFETY: `buf` has `n` bytes.
    let r = unsafe { f(v, buf.as_mut_ptr(), buf.len(), &mut n, null_mut()) };
    assert_eq!(r, consentry_result::Ok);
    assert_eq!(buf[n], 0);
    buf.truncate(n);
    Ok(String::from_utf8(buf).unwrap())
}

fn free(t: *const consentry_aa_trust) {
    // SAFETY: from `consentry_aa_trust_new`, freed once.
    unsafe { consentry_aa_trust_free(t) };
}

fn free_v(v: *const consentry_aa_verified) {
    // SAFETY: from `consentry_aa_verify*`, freed once.
    unsafe { consentry_aa_verified_free(v) };
}

/// The JWS with its header replaced by `header` (JSON text), payload and signature kept.
fn with_header(jws: &str, header: &str) -> String {
    let mut parts = jws.splitn(2, '.');
    let _ = parts.next();
    format!(
        "{}.{}",
        b64::encode(header.as_bytes()),
        parts.next().unwrap()
    )
}

fn spec_header(jws: &str) -> serde_json::Value {
    let h = jws.split('.').next().unwrap();
    serde_json::from_slice(&b64::decode(h).unwrap()).unwrap()
}

/// Flips one bit of the byte at `at` of segment `seg` (0 header, 1 payload, 2 signature),
/// re-encoded so the segment stays base64url.
fn flip(jws: &str, seg: usize, at: usize) -> String {
    let mut parts: Vec<String> = jws.split('.').map(str::to_owned).collect();
    let mut raw = b64::decode(&parts[seg]).unwrap();
    raw[at] ^= 0x01;
    parts[seg] = b64::encode(&raw);
    parts.join(".")
}

#[test]
fn c_aa_verify_accepts_the_spec_example_and_gives_the_json_operations_result() {
    let t = trust_of(&records(), None).unwrap();
    let mut n = 0usize;
    // SAFETY: `t` is live; `n` a valid local.
    assert_eq!(
        unsafe { consentry_aa_trust_len(t, &mut n, null_mut()) },
        consentry_result::Ok
    );
    assert_eq!(n, 2);
    let jws = spec_jws();
    let v = verify(t, &jws, Some("finvu-aa"), Some(1_570_000_000)).unwrap();
    let json = text_of(consentry_aa_verified_json, v).unwrap();
    let want = consentry::interop::call_json(
        "aaVerify",
        &serde_json::json!({
            "jws": jws, "trust": serde_json::from_str::<serde_json::Value>(&records()).unwrap(),
            "issuer": "finvu-aa", "now": 1_570_000_000})
        .to_string(),
        &ring::rand::SystemRandom::new(),
    );
    let want: serde_json::Value = serde_json::from_str(&want).unwrap();
    assert_eq!(want["ok"], true);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&json).unwrap(),
        want["result"]
    );
    assert_eq!(
        text_of(consentry_aa_verified_kid, v).unwrap(),
        "4271913e-7b93-49dd-9949-1c76ff5fc5cf"
    );
    assert_eq!(
        text_of(consentry_aa_verified_issuer, v).unwrap(),
        "finvu-aa"
    );
    let (mut alg, mut mode) = (consentry_aa_alg::Ps256, consentry_aa_b64::Absent);
    // SAFETY: `v` is live; out-pointers are valid locals.
    let r = unsafe { consentry_aa_verified_mode(v, &mut alg, &mut mode, null_mut()) };
    assert_eq!(r, consentry_result::Ok);
    assert_eq!(
        (alg, mode),
        (consentry_aa_alg::Rs256, consentry_aa_b64::False)
    );
    free_v(v);
    // A key loaded without an entity: no issuer to give.
    let t2 = trust_of(&vector("spec_example_key.jwk.json"), None).unwrap();
    let v = verify(t2, &jws, None, None).unwrap();
    assert_eq!(
        text_of(consentry_aa_verified_issuer, v),
        Err(consentry_result::InvalidArgument)
    );
    free_v(v);
    free(t2);
    free(t);
}

#[test]
fn c_aa_verify_refuses_every_tamper_with_its_own_code() {
    let t = trust_of(&records(), None).unwrap();
    let jws = spec_jws();
    let mut h = spec_header(&jws);
    let refused =
        |text: &str, issuer: Option<&str>, now: Option<i64>| verify(t, text, issuer, now).err();
    // A changed byte of header (the same header with a trailing space), payload, signature.
    let header_text =
        String::from_utf8(b64::decode(jws.split('.').next().unwrap()).unwrap()).unwrap();
    let same_header_other_bytes = with_header(&jws, &format!("{header_text} "));
    assert_eq!(
        refused(&same_header_other_bytes, None, None),
        Some(consentry_result::SignatureInvalid)
    );
    assert_eq!(
        refused(&flip(&jws, 1, 100), None, None),
        Some(consentry_result::SignatureInvalid)
    );
    assert_eq!(
        refused(&flip(&jws, 2, 7), None, None),
        Some(consentry_result::SignatureInvalid)
    );
    // `alg` HS256 and none.
    h["alg"] = "HS256".into();
    assert_eq!(
        refused(&with_header(&jws, &h.to_string()), None, None),
        Some(consentry_result::AaAlgUnsupported)
    );
    h["alg"] = "none".into();
    assert_eq!(
        refused(&with_header(&jws, &h.to_string()), None, None),
        Some(consentry_result::AaAlgUnsupported)
    );
    // An extra `crit` member.
    let mut h = spec_header(&jws);
    h["crit"] = serde_json::json!(["b64", "exp"]);
    assert_eq!(
        refused(&with_header(&jws, &h.to_string()), None, None),
        Some(consentry_result::AaCritUnknown)
    );
    // An unknown kid.
    let mut h = spec_header(&jws);
    h["kid"] = "nobody".into();
    assert_eq!(
        refused(&with_header(&jws, &h.to_string()), None, None),
        Some(consentry_result::KeyUnknownKid)
    );
    // The RFC 7515 signing input in place of the b64:false one (header without b64).
    let h = serde_json::json!({"alg": "RS256", "kid": "4271913e-7b93-49dd-9949-1c76ff5fc5cf"});
    assert_eq!(
        refused(&with_header(&jws, &h.to_string()), None, None),
        Some(consentry_result::SignatureInvalid)
    );
    // A valid consent from another AA than the expected one.
    assert_eq!(
        refused(&jws, Some("aa-one"), None),
        Some(consentry_result::AaIssuerMismatch)
    );
    // Outside its window.
    assert_eq!(
        refused(&jws, None, Some(1_600_000_000)),
        Some(consentry_result::Expired)
    );
    assert_eq!(
        refused(&jws, None, Some(1_500_000_000)),
        Some(consentry_result::NotYetValid)
    );
    // Structure and base64url.
    assert_eq!(
        refused("a.b", None, None),
        Some(consentry_result::AaJwsStructure)
    );
    assert_eq!(
        refused(&format!("{jws}="), None, None),
        Some(consentry_result::AaBase64url)
    );
    // The payload re-serialised without CRLF.
    let mut parts: Vec<String> = jws.split('.').map(str::to_owned).collect();
    let lf = String::from_utf8(b64::decode(&parts[1]).unwrap())
        .unwrap()
        .replace("\r\n", "\n");
    parts[1] = b64::encode(lf.as_bytes());
    assert_eq!(
        refused(&parts.join("."), None, None),
        Some(consentry_result::SignatureInvalid)
    );
    // Too large.
    assert_eq!(
        refused(&"a".repeat(70_000), None, None),
        Some(consentry_result::InputTooLarge)
    );
    free(t);
}

#[test]
fn c_aa_trust_new_refuses_a_1024_bit_key_and_bad_documents_with_their_codes() {
    assert_eq!(
        trust_of(&vector("test-keys/short_1024.jwk.json"), None).err(),
        Some(consentry_result::AaKeyTooSmall)
    );
    assert_eq!(
        trust_of("{not json", None).err(),
        Some(consentry_result::KeyJwkInvalid)
    );
    let mut private: serde_json::Value =
        serde_json::from_str(&vector("test-keys/aa_one.jwk.json")).unwrap();
    private["d"] = "AQAB".into();
    assert_eq!(
        trust_of(&private.to_string(), None).err(),
        Some(consentry_result::KeyPrivateMaterial)
    );
    // NULL arguments are refused, not dereferenced.
    let mut t = null();
    // SAFETY: NULL `doc` is the case under test; `t` is a valid local.
    let r = unsafe { consentry_aa_trust_new(null(), 0, null(), 0, &mut t, null_mut()) };
    assert_eq!(r, consentry_result::NullArgument);
    let mut v = null();
    // SAFETY: NULL `trust` is the case under test.
    let r = unsafe {
        consentry_aa_verify(
            null(),
            b"x".as_ptr(),
            1,
            null(),
            0,
            null(),
            &mut v,
            null_mut(),
        )
    };
    assert_eq!(r, consentry_result::NullArgument);
}

#[test]
fn c_aa_verify_detached_checks_the_three_b64_variants_over_the_body() {
    let doc: serde_json::Value =
        serde_json::from_str(&vector("test-keys/python_signed.json")).unwrap();
    let body = b64::decode(doc["payload"].as_str().unwrap()).unwrap();
    let t = trust_of(&records(), None).unwrap();
    for case in doc["cases"].as_array().unwrap() {
        let sig = case["detached"].as_str().unwrap();
        let mode = match case["b64"].as_str().unwrap() {
            "false" => consentry_aa_b64::False,
            "true" => consentry_aa_b64::True,
            _ => consentry_aa_b64::Absent,
        };
        let run = |body: &[u8], issuer: &str| {
            let mut v = null();
            // SAFETY: `t` is live; inputs are live buffers with their lengths.
            let r = unsafe {
                consentry_aa_verify_detached(
                    t,
                    sig.as_ptr(),
                    sig.len(),
                    body.as_ptr(),
                    body.len(),
                    issuer.as_ptr(),
                    issuer.len(),
                    &mut v,
                    null_mut(),
                )
            };
            (r, v)
        };
        let (r, v) = run(&body, "aa-one");
        assert_eq!(r, consentry_result::Ok, "{case}");
        let mut got = consentry_aa_b64::Absent;
        // SAFETY: `v` is live; `got` a valid local; `alg` not wanted.
        unsafe { consentry_aa_verified_mode(v, null_mut(), &mut got, null_mut()) };
        assert_eq!(got, mode);
        let json: serde_json::Value =
            serde_json::from_str(&text_of(consentry_aa_verified_json, v).unwrap()).unwrap();
        assert_eq!(json["issuer"], "aa-one");
        free_v(v);
        let mut changed = body.clone();
        changed[3] ^= 1;
        assert_eq!(
            run(&changed, "aa-one").0,
            consentry_result::SignatureInvalid
        );
        assert_eq!(run(&body, "finvu-aa").0, consentry_result::AaIssuerMismatch);
    }
    // A detached value whose middle segment is not empty.
    let compact = doc["cases"][0]["compact"].as_str().unwrap();
    let mut v = null();
    // SAFETY: `t` is live; inputs are live buffers with their lengths.
    let r = unsafe {
        consentry_aa_verify_detached(
            t,
            compact.as_ptr(),
            compact.len(),
            body.as_ptr(),
            body.len(),
            null(),
            0,
            &mut v,
            null_mut(),
        )
    };
    assert_eq!(r, consentry_result::AaJwsStructure);
    free(t);
}

fn decide(
    t: *const consentry_aa_trust,
    jws: &str,
    request: &serde_json::Value,
    status: Option<&str>,
) -> Result<serde_json::Value, consentry_result> {
    let mut tax = null();
    // SAFETY: `tax` is a valid local.
    assert_eq!(
        unsafe { consentry_taxonomy_new(null(), 0, &mut tax, null_mut()) },
        consentry_result::Ok
    );
    let req = request.to_string();
    let (sp, sl) = status.map_or((null(), 0), |s| (s.as_ptr(), s.len()));
    let issuer = "finvu-aa";
    let mut buf = vec![0u8; 8192];
    let mut n = 0usize;
    // SAFETY: handles are live; inputs and `buf` are live buffers with their lengths.
    let r = unsafe {
        consentry_aa_decide(
            t,
            tax,
            jws.as_ptr(),
            jws.len(),
            issuer.as_ptr(),
            issuer.len(),
            req.as_ptr(),
            req.len(),
            sp,
            sl,
            buf.as_mut_ptr(),
            buf.len(),
            &mut n,
            null_mut(),
        )
    };
    // SAFETY: from `consentry_taxonomy_new`, freed once.
    unsafe { consentry_taxonomy_free(tax) };
    if r != consentry_result::Ok {
        return Err(r);
    }
    Ok(serde_json::from_slice(&buf[..n]).unwrap())
}

#[test]
fn c_aa_decide_permits_the_spec_example_and_denies_with_reasons() {
    let t = trust_of(&records(), None).unwrap();
    let jws = spec_jws();
    let req = |purpose: &str, op: &str, recipient: &str, now: i64| {
        serde_json::json!({"recipient": recipient, "purpose": purpose, "operation": op,
            "fields": ["/fi/DEPOSIT/summary"], "now": now, "uses": 0})
    };
    let ok = decide(
        t,
        &jws,
        &req("aa:101", "view", "cookiejar-aa@finvu.in", 1_570_000_000),
        Some("ACTIVE"),
    )
    .unwrap();
    assert_eq!(ok["allowed"], true, "{ok}");
    let denied = |r: serde_json::Value, status: Option<&str>| {
        let d = decide(t, &jws, &r, status).unwrap();
        assert_eq!(d["allowed"], false, "{d}");
        d["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert!(denied(
        req("aa:102", "view", "cookiejar-aa@finvu.in", 1_570_000_000),
        Some("ACTIVE")
    )
    .contains(&"purpose_not_granted".to_owned()));
    assert!(denied(
        req("aa:101", "view", "other@finvu.in", 1_570_000_000),
        Some("ACTIVE")
    )
    .contains(&"audience_mismatch".to_owned()));
    assert!(denied(
        req("aa:101", "view", "cookiejar-aa@finvu.in", 1_600_000_000),
        Some("ACTIVE")
    )
    .contains(&"expired".to_owned()));
    assert!(denied(
        req("aa:101", "view", "cookiejar-aa@finvu.in", 1_570_000_000),
        None
    )
    .contains(&"status_unknown".to_owned()));
    assert!(denied(
        req("aa:101", "view", "cookiejar-aa@finvu.in", 1_570_000_000),
        Some("REVOKED")
    )
    .contains(&"revoked".to_owned()));
    // A tampered consent is an error, not a denial.
    assert_eq!(
        decide(
            t,
            &flip(&jws, 1, 50),
            &req("aa:101", "view", "cookiejar-aa@finvu.in", 1_570_000_000),
            Some("ACTIVE")
        )
        .err(),
        Some(consentry_result::SignatureInvalid)
    );
    assert_eq!(
        decide(
            t,
            &jws,
            &serde_json::json!({"recipient": 1}),
            Some("ACTIVE")
        )
        .err(),
        Some(consentry_result::RequestInvalid)
    );
    free(t);
}

#[test]
fn c_aa_errors_never_quote_the_customer_handle_or_a_request_value() {
    let t = trust_of(&records(), None).unwrap();
    let mut err = null_mut();
    // SAFETY: `err` is a valid local.
    assert_eq!(
        unsafe { consentry_error_new(&mut err) },
        consentry_result::Ok
    );
    let secret = "999988887777";
    let jws = spec_jws();
    let bad = serde_json::json!({"recipient": secret.parse::<u64>().unwrap(), "purpose": "aa:101",
        "operation": "view", "fields": [], "now": 1});
    let req = bad.to_string();
    let mut tax = null();
    let mut buf = vec![0u8; 4096];
    let mut n = 0usize;
    let issuer = "finvu-aa";
    // SAFETY: handles are live; inputs and `buf` are live buffers with their lengths.
    let r = unsafe {
        assert_eq!(
            consentry_taxonomy_new(null(), 0, &mut tax, null_mut()),
            consentry_result::Ok
        );
        consentry_aa_decide(
            t,
            tax,
            jws.as_ptr(),
            jws.len(),
            issuer.as_ptr(),
            issuer.len(),
            req.as_ptr(),
            req.len(),
            null(),
            0,
            buf.as_mut_ptr(),
            buf.len(),
            &mut n,
            err,
        )
    };
    assert_eq!(r, consentry_result::RequestInvalid);
    let mut msg = vec![0u8; 1024];
    let mut m = 0usize;
    // SAFETY: `err` is live; `msg` has its length.
    unsafe { consentry_error_message(err, msg.as_mut_ptr(), msg.len(), &mut m) };
    let text = String::from_utf8_lossy(&msg[..m]).to_string();
    assert!(!text.contains(secret), "{text}");
    assert!(!text.is_empty());
    // SAFETY: from their `_new`, freed once.
    unsafe {
        consentry_taxonomy_free(tax);
        consentry_error_free(err);
    }
    free(t);
}
