//! Account Aggregator JWS: the vendored spec example verifies with its key; every tampering is
//! refused with its own stable code; detached signatures in the three `b64` variants; key
//! documents (JWK Set, JWK, Central Registry entity records).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod aa_support;

use aa_support::*;
use consentry::aa::{
    verify_detached, verify_signed_consent, AaAlg, AaError, AaTrust, B64Mode, MAX_JWS_LEN,
};
use consentry::{Code, HasCode};

fn code<T: std::fmt::Debug>(r: Result<T, AaError>) -> Code {
    r.expect_err("must be refused").code()
}

/// The spec example's three segments.
fn spec_parts() -> (String, String, String) {
    let jws = spec_jws();
    let mut p = jws.trim().split('.').map(str::to_owned);
    (p.next().unwrap(), p.next().unwrap(), p.next().unwrap())
}

/// The spec example with its header replaced by `header` (JSON text).
fn with_header(header: &str) -> String {
    let (_, p, s) = spec_parts();
    format!("{}.{p}.{s}", b64(header.as_bytes()))
}

#[test]
fn spec_example_verifies_with_its_vendored_key_and_keeps_the_payload_verbatim() {
    let v = verify_signed_consent(&spec_jws(), &spec_trust(), Some("finvu-aa")).unwrap();
    assert_eq!(v.kid, "4271913e-7b93-49dd-9949-1c76ff5fc5cf");
    assert_eq!(v.alg, AaAlg::Rs256);
    assert_eq!(v.b64, B64Mode::False);
    assert_eq!(v.issuer.as_deref(), Some("finvu-aa"));
    assert_eq!(v.payload.len(), 1969);
    assert!(v.payload.starts_with(b"{\r\n        \"consentStart\""));
    assert_eq!(v.payload, unb64(&spec_parts().1));
    assert_eq!(v.detail()["Customer"]["id"], "demo@finvu");
    let jws = spec_jws();
    let digest = ring::digest::digest(&ring::digest::SHA256, jws.trim().as_bytes());
    assert_eq!(v.evidence().as_slice(), digest.as_ref());
    let view = v.to_json_value();
    assert_eq!(view["b64"], "false");
    assert_eq!(view["alg"], "RS256");
    assert_eq!(view["payload"]["Purpose"]["code"], "101");
}

#[test]
fn spec_example_verifies_without_an_expected_issuer_and_without_an_entity() {
    let trust = AaTrust::from_json(&vector("spec_example_key.jwk.json")).unwrap();
    let v = verify_signed_consent(&spec_jws(), &trust, None).unwrap();
    assert_eq!(v.issuer, None);
    // A key loaded without an entity cannot satisfy an expected issuer.
    assert_eq!(
        code(verify_signed_consent(&spec_jws(), &trust, Some("finvu-aa"))),
        Code::AaIssuerMismatch
    );
}

#[test]
fn flipping_any_byte_of_the_payload_or_signature_is_signature_invalid() {
    let (h, p, s) = spec_parts();
    let trust = spec_trust();
    let payload = unb64(&p);
    for i in [0, 1, 2, 500, payload.len() - 1] {
        let mut t = payload.clone();
        t[i] ^= 0x01;
        let jws = format!("{h}.{}.{s}", b64(&t));
        assert_eq!(
            code(verify_signed_consent(&jws, &trust, None)),
            Code::SignatureInvalid,
            "payload byte {i}"
        );
    }
    let sig = unb64(&s);
    for i in [0, 128, sig.len() - 1] {
        let mut t = sig.clone();
        t[i] ^= 0x80;
        let jws = format!("{h}.{p}.{}", b64(&t));
        assert_eq!(
            code(verify_signed_consent(&jws, &trust, None)),
            Code::SignatureInvalid,
            "signature byte {i}"
        );
    }
}

#[test]
fn flipping_header_bytes_is_refused_with_the_code_of_what_changed() {
    let trust = spec_trust();
    // Another kid: no key.
    let jws = with_header(
        r#"{"alg":"RS256","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cg","b64":false,"crit":["b64"]}"#,
    );
    assert_eq!(
        code(verify_signed_consent(&jws, &trust, None)),
        Code::KeyUnknownKid
    );
    // The same members, another serialisation: the header segment is signed as received.
    let jws = with_header(
        r#"{"kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf","alg":"RS256","b64":false,"crit":["b64"]}"#,
    );
    assert_eq!(
        code(verify_signed_consent(&jws, &trust, None)),
        Code::SignatureInvalid
    );
    // A flipped byte of the header text that breaks the JSON.
    let jws = with_header(
        r#"{"alg":"RS256","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf","b64":false,"crit":["b64"]]"#,
    );
    assert_eq!(
        code(verify_signed_consent(&jws, &trust, None)),
        Code::AaHeaderInvalid
    );
}

#[test]
fn alg_none_hmac_and_unknown_algorithms_are_refused() {
    let trust = spec_trust();
    for alg in [
        "none", "HS256", "HS512", "ES256", "RS384", "rs256", "EdDSA", "",
    ] {
        let jws = with_header(&format!(
            r#"{{"alg":"{alg}","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf","b64":false,"crit":["b64"]}}"#
        ));
        assert_eq!(
            code(verify_signed_consent(&jws, &trust, None)),
            Code::AaAlgUnsupported,
            "{alg}"
        );
    }
    // alg none with an empty signature: refused for its structure before anything else.
    let (h, p, _) = spec_parts();
    assert_eq!(
        code(verify_signed_consent(&format!("{h}.{p}."), &trust, None)),
        Code::AaJwsStructure
    );
}

#[test]
fn a_header_alg_the_key_does_not_fix_is_key_alg_mismatch() {
    // PS256 is allowed, but the spec key fixes RS256.
    let jws = with_header(
        r#"{"alg":"PS256","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf","b64":false,"crit":["b64"]}"#,
    );
    assert_eq!(
        code(verify_signed_consent(&jws, &spec_trust(), None)),
        Code::KeyAlgMismatch
    );
}

#[test]
fn a_ps256_key_verifies_ps256_and_refuses_rs256() {
    let mut trust = AaTrust::new();
    trust.add_json(&jwk("aa_pss"), Some("aa-pss")).unwrap();
    let key = key_pair("aa_pss");
    let jws = sign_compact(
        &key,
        r#"{"alg":"PS256","kid":"aa-pss-key-1","b64":false,"crit":["b64"]}"#,
        DETAIL.as_bytes(),
    );
    let v = verify_signed_consent(&jws, &trust, Some("aa-pss")).unwrap();
    assert_eq!(v.alg, AaAlg::Ps256);
    let rs = sign_compact(&key, &aa_header("aa-pss-key-1"), DETAIL.as_bytes());
    assert_eq!(
        code(verify_signed_consent(&rs, &trust, None)),
        Code::KeyAlgMismatch
    );
}

#[test]
fn crit_with_another_member_empty_or_without_b64_is_aa_crit_unknown() {
    let trust = spec_trust();
    for header in [
        r#"{"alg":"RS256","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf","b64":false,"crit":["b64","exp"],"exp":1}"#,
        r#"{"alg":"RS256","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf","b64":false,"crit":["exp"]}"#,
        r#"{"alg":"RS256","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf","b64":false,"crit":[]}"#,
        r#"{"alg":"RS256","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf","b64":false,"crit":["b64","b64"]}"#,
        r#"{"alg":"RS256","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf","crit":["b64"]}"#,
    ] {
        assert_eq!(
            code(verify_signed_consent(&with_header(header), &trust, None)),
            Code::AaCritUnknown,
            "{header}"
        );
    }
}

#[test]
fn malformed_header_members_and_duplicates_are_aa_header_invalid() {
    let trust = spec_trust();
    for header in [
        r#"{"alg":"RS256","alg":"RS256","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf","b64":false,"crit":["b64"]}"#,
        r#"{"alg":"RS256","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf","b64":false,"b64":true}"#,
        r#"{"alg":"RS256","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf","b64":"false","crit":["b64"]}"#,
        r#"{"alg":"RS256","b64":false,"crit":["b64"]}"#,
        r#"{"alg":"RS256","kid":"","b64":false,"crit":["b64"]}"#,
        r#"{"alg":"RS256","kid":7,"b64":false,"crit":["b64"]}"#,
        r#"{"kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf"}"#,
        r#"{"alg":["RS256"],"kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf"}"#,
        r#"{"alg":"RS256","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf","crit":"b64","b64":false}"#,
        r#"["RS256"]"#,
    ] {
        assert_eq!(
            code(verify_signed_consent(&with_header(header), &trust, None)),
            Code::AaHeaderInvalid,
            "{header}"
        );
    }
}

#[test]
fn the_rfc7515_signing_input_under_a_b64_false_header_is_signature_invalid() {
    let key = key_pair("aa_one");
    let trust = two_entities();
    let h = b64(aa_header("aa-one-key-1").as_bytes());
    let p = b64(DETAIL.as_bytes());
    let wrong = raw_sign(&key, false, format!("{h}.{p}").as_bytes());
    let jws = format!("{h}.{p}.{}", b64(&wrong));
    assert_eq!(
        code(verify_signed_consent(&jws, &trust, None)),
        Code::SignatureInvalid
    );
    // And the other way: b64 true, signed over the payload bytes.
    let h = b64(br#"{"alg":"RS256","kid":"aa-one-key-1","b64":true,"crit":["b64"]}"#);
    let mut input = format!("{h}.").into_bytes();
    input.extend_from_slice(DETAIL.as_bytes());
    let jws = format!("{h}.{p}.{}", b64(&raw_sign(&key, false, &input)));
    assert_eq!(
        code(verify_signed_consent(&jws, &trust, None)),
        Code::SignatureInvalid
    );
    // Dropping b64 and crit from the spec header changes the input: refused.
    let jws = with_header(r#"{"alg":"RS256","kid":"4271913e-7b93-49dd-9949-1c76ff5fc5cf"}"#);
    assert_eq!(
        code(verify_signed_consent(&jws, &spec_trust(), None)),
        Code::SignatureInvalid
    );
}

#[test]
fn b64_true_and_absent_compact_consents_verify_with_the_rfc7515_input() {
    let key = key_pair("aa_one");
    let trust = two_entities();
    for (header, mode) in [
        (
            r#"{"alg":"RS256","kid":"aa-one-key-1","b64":true,"crit":["b64"]}"#,
            B64Mode::True,
        ),
        (
            r#"{"alg":"RS256","kid":"aa-one-key-1","b64":true}"#,
            B64Mode::True,
        ),
        (r#"{"alg":"RS256","kid":"aa-one-key-1"}"#, B64Mode::Absent),
        (
            r#"{"alg":"RS256","kid":"aa-one-key-1","b64":false}"#,
            B64Mode::False,
        ),
    ] {
        let v = verify_signed_consent(
            &sign_compact(&key, header, DETAIL.as_bytes()),
            &trust,
            Some("aa-one"),
        )
        .unwrap();
        assert_eq!(v.b64, mode, "{header}");
        assert_eq!(v.payload, DETAIL.as_bytes());
    }
}

#[test]
fn a_payload_re_serialised_without_crlf_is_signature_invalid() {
    let (h, p, s) = spec_parts();
    let text = String::from_utf8(unb64(&p)).unwrap();
    let lf = text.replace("\r\n", "\n");
    assert_ne!(lf, text);
    let jws = format!("{h}.{}.{s}", b64(lf.as_bytes()));
    assert_eq!(
        code(verify_signed_consent(&jws, &spec_trust(), None)),
        Code::SignatureInvalid
    );
    let compact: serde_json::Value = serde_json::from_str(&text).unwrap();
    let jws = format!("{h}.{}.{s}", b64(compact.to_string().as_bytes()));
    assert_eq!(
        code(verify_signed_consent(&jws, &spec_trust(), None)),
        Code::SignatureInvalid
    );
}

#[test]
fn an_unknown_kid_is_key_unknown_kid() {
    let jws = signed_detail(DETAIL);
    assert_eq!(
        code(verify_signed_consent(&jws, &spec_trust(), None)),
        Code::KeyUnknownKid
    );
}

#[test]
fn a_valid_consent_from_another_aa_than_expected_is_aa_issuer_mismatch() {
    let trust = two_entities();
    let jws = signed_detail(DETAIL);
    assert!(verify_signed_consent(&jws, &trust, Some("aa-one")).is_ok());
    assert_eq!(
        code(verify_signed_consent(&jws, &trust, Some("aa-two"))),
        Code::AaIssuerMismatch
    );
    // A forged consent naming aa-two's kid fails on its signature, not as a mismatch.
    let forged = sign_compact(
        &key_pair("aa_one"),
        &aa_header("aa-two-key-1"),
        DETAIL.as_bytes(),
    );
    assert_eq!(
        code(verify_signed_consent(&forged, &trust, Some("aa-one"))),
        Code::SignatureInvalid
    );
}

#[test]
fn truncated_extra_and_empty_segments_are_aa_jws_structure() {
    let (h, p, s) = spec_parts();
    let trust = spec_trust();
    for jws in [
        format!("{h}.{p}"),
        h.clone(),
        format!("{h}.{p}.{s}.{s}"),
        format!("{h}.{p}.{s}."),
        format!(".{p}.{s}"),
        format!("{h}..{s}"),
        String::new(),
    ] {
        assert_eq!(
            code(verify_signed_consent(&jws, &trust, None)),
            Code::AaJwsStructure
        );
    }
}

#[test]
fn non_base64url_segments_are_aa_base64url() {
    let (h, p, s) = spec_parts();
    let trust = spec_trust();
    let plus = p.replacen('-', "+", 1);
    let plus = if plus == p {
        format!("{}+", &p[..p.len() - 1])
    } else {
        plus
    };
    for jws in [
        format!("{h}.{plus}.{s}"),
        format!("{h}.{p}=.{s}"),
        format!("{h}.{p}.{s}="),
        format!("{h}.{p}.{}/", &s[..s.len() - 1]),
        format!("{h}=.{p}.{s}"),
        format!("{h}.{} .{s}", p),
        format!("{h}.{p}.{}", &s[..s.len() - 1]),
    ] {
        assert_eq!(
            code(verify_signed_consent(&jws, &trust, None)),
            Code::AaBase64url,
            "{}",
            &jws[jws.len() - 8..]
        );
    }
}

#[test]
fn an_oversize_jws_is_input_too_large_before_anything_else() {
    let big = "a".repeat(MAX_JWS_LEN + 1);
    assert_eq!(
        code(verify_signed_consent(&big, &spec_trust(), None)),
        Code::InputTooLarge
    );
    let (_, p, s) = spec_parts();
    let header = format!(
        r#"{{"alg":"RS256","kid":"x","pad":"{}"}}"#,
        "x".repeat(4000)
    );
    let jws = format!("{}.{p}.{s}", b64(header.as_bytes()));
    assert_eq!(
        code(verify_signed_consent(&jws, &spec_trust(), None)),
        Code::InputTooLarge
    );
}

#[test]
fn a_verified_payload_that_is_not_a_json_object_is_aa_payload_not_json() {
    let trust = two_entities();
    let key = key_pair("aa_one");
    for payload in [
        &b"not json"[..],
        b"[1,2]",
        b"{\"a\":1,\"a\":2}",
        b"{\"a\":1} {}",
        b"\xff\xfe",
    ] {
        let jws = sign_compact(&key, &aa_header("aa-one-key-1"), payload);
        assert_eq!(
            code(verify_signed_consent(&jws, &trust, None)),
            Code::AaPayloadNotJson
        );
    }
}

#[test]
fn surrounding_white_space_is_ignored_and_not_part_of_the_evidence() {
    let jws = spec_jws();
    let a = verify_signed_consent(&jws, &spec_trust(), None).unwrap();
    let b = verify_signed_consent(&format!("  {}\r\n", jws.trim()), &spec_trust(), None).unwrap();
    assert_eq!(a.evidence(), b.evidence());
    assert_eq!(a.jws, jws.trim());
}

#[test]
fn detached_signatures_verify_in_the_three_b64_variants() {
    let key = key_pair("aa_one");
    let trust = two_entities();
    let body = br#"{"ver":"2.0.0","timestamp":"2023-06-26T11:39:57.153Z","txnid":"c4a1450c"}"#;
    for (header, mode) in [
        (aa_header("aa-one-key-1"), B64Mode::False),
        (
            r#"{"alg":"RS256","kid":"aa-one-key-1","b64":true,"crit":["b64"]}"#.to_owned(),
            B64Mode::True,
        ),
        (
            r#"{"alg":"RS256","kid":"aa-one-key-1"}"#.to_owned(),
            B64Mode::Absent,
        ),
    ] {
        let sig = sign_detached(&key, &header, body);
        assert!(sig.contains(".."));
        let v = verify_detached(&sig, body, &trust, Some("aa-one")).unwrap();
        assert_eq!(v.b64, mode);
        assert_eq!(v.issuer.as_deref(), Some("aa-one"));
        assert_eq!(v.kid, "aa-one-key-1");
        // One body byte changed.
        let mut other = body.to_vec();
        other[3] ^= 1;
        assert_eq!(
            code(verify_detached(&sig, &other, &trust, None)),
            Code::SignatureInvalid
        );
        // Another entity expected.
        assert_eq!(
            code(verify_detached(&sig, body, &trust, Some("aa-two"))),
            Code::AaIssuerMismatch
        );
    }
}

#[test]
fn a_detached_signature_made_with_the_other_signing_input_is_signature_invalid() {
    let key = key_pair("aa_one");
    let body = b"{\"x\":1}";
    let h = b64(aa_header("aa-one-key-1").as_bytes());
    // b64:false header, but signed over base64url(body).
    let sig = raw_sign(&key, false, format!("{h}.{}", b64(body)).as_bytes());
    let value = format!("{h}..{}", b64(&sig));
    assert_eq!(
        code(verify_detached(&value, body, &two_entities(), None)),
        Code::SignatureInvalid
    );
}

#[test]
fn a_detached_value_that_is_not_header_dot_dot_signature_is_aa_jws_structure() {
    let key = key_pair("aa_one");
    let compact = sign_compact(&key, &aa_header("aa-one-key-1"), b"{}");
    let trust = two_entities();
    assert_eq!(
        code(verify_detached(&compact, b"{}", &trust, None)),
        Code::AaJwsStructure
    );
    assert_eq!(
        code(verify_detached("abc..", b"{}", &trust, None)),
        Code::AaJwsStructure
    );
    assert_eq!(
        code(verify_detached("abc.def", b"{}", &trust, None)),
        Code::AaJwsStructure
    );
    let long = "a".repeat(consentry::aa::MAX_DETACHED_LEN + 1);
    assert_eq!(
        code(verify_detached(&long, b"{}", &trust, None)),
        Code::InputTooLarge
    );
}

#[test]
fn key_documents_load_as_jwk_set_single_jwk_and_entity_records() {
    let set = format!(r#"{{"keys":[{},{}]}}"#, jwk("aa_one"), jwk("aa_two"));
    let t = AaTrust::from_json(&set).unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(t.get("aa-one-key-1").unwrap().entity(), None);
    let mut t = AaTrust::new();
    t.add_json(&set, Some("both")).unwrap();
    assert_eq!(t.get("aa-two-key-1").unwrap().entity(), Some("both"));
    let t = AaTrust::from_json(&jwk("aa_one")).unwrap();
    assert_eq!(t.get("aa-one-key-1").unwrap().bits(), 2048);
    let t = two_entities();
    assert_eq!(t.get("aa-two-key-1").unwrap().entity(), Some("aa-two"));
    // The registry's response object.
    let wrapped = format!(
        r#"{{"ver":"1.0","entityinfo":[{{"id":"aa-one","certificate":{}}}]}}"#,
        jwk("aa_one")
    );
    let t = AaTrust::from_json(&wrapped).unwrap();
    assert_eq!(t.get("aa-one-key-1").unwrap().entity(), Some("aa-one"));
}

#[test]
fn a_1024_bit_rsa_key_is_aa_key_too_small() {
    assert_eq!(
        code(AaTrust::from_json(&jwk("short_1024"))),
        Code::AaKeyTooSmall
    );
    let records = format!(r#"[{{"id":"weak","certificate":{}}}]"#, jwk("short_1024"));
    assert_eq!(code(AaTrust::from_json(&records)), Code::AaKeyTooSmall);
}

#[test]
fn private_members_unsupported_keys_and_rebound_kids_are_refused_all_or_nothing() {
    let one: serde_json::Value = serde_json::from_str(&jwk("aa_one")).unwrap();
    for m in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] {
        let mut k = one.clone();
        k[m] = serde_json::json!("AQAB");
        assert_eq!(
            code(AaTrust::from_json(&k.to_string())),
            Code::KeyPrivateMaterial,
            "{m}"
        );
    }
    for (member, value) in [
        ("kty", "EC"),
        ("alg", "HS256"),
        ("alg", "none"),
        ("use", "enc"),
    ] {
        let mut k = one.clone();
        k[member] = serde_json::json!(value);
        assert_eq!(
            code(AaTrust::from_json(&k.to_string())),
            Code::KeyUnsupported,
            "{member}"
        );
    }
    let mut k = one.clone();
    k.as_object_mut().unwrap().remove("kid");
    assert_eq!(
        code(AaTrust::from_json(&k.to_string())),
        Code::KeyJwkInvalid
    );
    let mut k = one.clone();
    k["e"] = serde_json::json!("AQ==");
    assert_eq!(
        code(AaTrust::from_json(&k.to_string())),
        Code::KeyJwkInvalid
    );
    let mut k = one.clone();
    k["e"] = serde_json::json!("Ag");
    assert_eq!(code(AaTrust::from_json(&k.to_string())), Code::KeyInvalid);
    // aa_two's key under aa_one's kid, after a good key: nothing is added.
    let mut two: serde_json::Value = serde_json::from_str(&jwk("aa_two")).unwrap();
    two["kid"] = serde_json::json!("aa-one-key-1");
    let mut t = AaTrust::new();
    let set = format!(r#"{{"keys":[{},{}]}}"#, jwk("aa_pss"), two);
    t.add_json(&jwk("aa_one"), None).unwrap();
    assert_eq!(code(t.add_json(&set, None)), Code::KeyDuplicateKid);
    assert_eq!(t.len(), 1);
    // The same key under another entity is ambiguous as well.
    assert_eq!(
        code(t.add_json(&jwk("aa_one"), Some("aa-x"))),
        Code::KeyDuplicateKid
    );
    // The same key and entity again is a no-op.
    t.add_json(&jwk("aa_one"), None).unwrap();
    assert_eq!(t.len(), 1);
    // Duplicate members and other documents.
    assert_eq!(
        code(AaTrust::from_json(r#"{"kty":"RSA","kty":"RSA"}"#)),
        Code::KeyJwkInvalid
    );
    assert_eq!(code(AaTrust::from_json("[1]")), Code::KeyJwkInvalid);
    assert_eq!(
        code(AaTrust::from_json(r#"[{"id":"x","certificate":"pem"}]"#)),
        Code::KeyJwkInvalid
    );
    assert_eq!(
        code(AaTrust::from_json(r#"[{"certificate":null}]"#)),
        Code::KeyJwkInvalid
    );
    // Registry entities without a key add nothing.
    let t = AaTrust::from_json(r#"[{"id":"fip-1"},{"id":"fip-2","certificate":null}]"#).unwrap();
    assert!(t.is_empty());
    assert_eq!(code(AaTrust::from_json("\"x\"")), Code::KeyJwkInvalid);
}

#[test]
fn a_mixed_trust_document_splits_into_our_keys_and_aa_keys_each_through_its_own_loader() {
    let rng = ring::rand::SystemRandom::new();
    let ours = consentry::SigningKey::from_pkcs8(
        &consentry::SigningKey::generate_pkcs8(consentry::Algorithm::Ed25519, &rng).unwrap(),
        &rng,
    )
    .unwrap();
    let aa_jwk: serde_json::Value = serde_json::from_str(&jwk("aa_one")).unwrap();
    let doc = serde_json::json!({"keys": [ours.verifying_key().to_jwk(), aa_jwk]});
    let t = consentry::aa::split_trust(&doc, Some("aa-one")).unwrap();
    assert_eq!(t.aa.len(), 1);
    assert_eq!(t.aa.get("aa-one-key-1").unwrap().entity(), Some("aa-one"));
    assert_eq!(t.ours.len(), 1);
    // A single JWK goes where its `kty` says; entity records go to the AA store.
    let t = consentry::aa::split_trust(&ours.verifying_key().to_jwk(), None).unwrap();
    assert_eq!((t.ours.len(), t.aa.len()), (1, 0));
    let records = serde_json::json!([{"id": "aa-one", "certificate": aa_jwk}]);
    let t = consentry::aa::split_trust(&records, None).unwrap();
    assert_eq!((t.ours.len(), t.aa.len()), (0, 1));
    // A refused key of either kind keeps its own code; nothing is half loaded.
    let mut bad_ours = ours.verifying_key().to_jwk();
    bad_ours["x"] = "AAAA".into();
    let e = consentry::aa::split_trust(&serde_json::json!({"keys": [aa_jwk, bad_ours]}), None)
        .unwrap_err();
    assert_ne!(e.code(), Code::Internal);
    assert!(e.to_string().contains("keys[0]"), "{e}");
    let short: serde_json::Value = serde_json::from_str(&jwk("short_1024")).unwrap();
    let e = consentry::aa::split_trust(&serde_json::json!({"keys": [short]}), None).unwrap_err();
    assert_eq!(e.code(), Code::AaKeyTooSmall);
}

#[test]
fn split_trust_refuses_a_document_that_is_both_a_jwk_set_and_a_jwk() {
    let key: serde_json::Value =
        serde_json::from_str(&vector("spec_example_key.jwk.json")).unwrap();
    let mut both = serde_json::json!({ "keys": [key] });
    both["kty"] = "RSA".into();
    let e = consentry::aa::split_trust(&both, None).unwrap_err();
    assert_eq!(e.code(), Code::KeyJwkInvalid);
    let ok = serde_json::json!({ "keys": [serde_json::from_str::<serde_json::Value>(&vector("spec_example_key.jwk.json")).unwrap()] });
    assert_eq!(consentry::aa::split_trust(&ok, None).unwrap().aa.len(), 1);
}

#[test]
fn as_compact_jws_tells_a_jws_by_form_from_base64url_text_and_raw_cose() {
    let jws = spec_jws();
    assert_eq!(
        consentry::aa::as_compact_jws(jws.as_bytes()),
        Some(jws.as_str())
    );
    assert_eq!(consentry::aa::as_compact_jws(b"0oRDoQEmoFhAp"), None);
    assert_eq!(consentry::aa::as_compact_jws(&[0xd2, b'.', b'a']), None);
    assert_eq!(consentry::aa::as_compact_jws(&[0xff, b'.']), None);
}

#[test]
fn verify_current_checks_the_window_and_check_audience_the_recipient() {
    let trust = spec_trust();
    let jws = spec_jws();
    let (v, imported) =
        consentry::aa::verify_current(&jws, &trust, Some("finvu-aa"), Some(1_570_000_000)).unwrap();
    assert_eq!(v.issuer.as_deref(), Some("finvu-aa"));
    imported.check_audience("cookiejar-aa@finvu.in").unwrap();
    assert_eq!(
        imported.check_audience("someone.else").unwrap_err().code(),
        Code::AudienceMismatch
    );
    assert_eq!(
        code(consentry::aa::verify_current(
            &jws,
            &trust,
            None,
            Some(1_600_000_000)
        )),
        Code::Expired
    );
    assert_eq!(
        code(consentry::aa::verify_current(
            &jws,
            &trust,
            None,
            Some(1_500_000_000)
        )),
        Code::NotYetValid
    );
    // Without a time, the evidence alone.
    assert!(consentry::aa::verify_current(&jws, &trust, None, None).is_ok());
}

#[test]
fn display_json_shows_purpose_names_recipient_window_and_terms_without_the_customer() {
    let (_, imported) =
        consentry::aa::verify_current(&spec_jws(), &spec_trust(), None, None).unwrap();
    let d = imported.display_json();
    assert_eq!(d["purpose"]["code"], "aa:101");
    assert_eq!(d["purpose"]["name"], "Wealth management service");
    assert_eq!(d["purpose"]["category"], "Personal Finance");
    assert_eq!(d["purpose"]["text"], "Wealth management service");
    assert_eq!(d["recipient"], "cookiejar-aa@finvu.in");
    assert_eq!(d["mode"], "view");
    assert_eq!(d["fiTypes"], serde_json::json!(["DEPOSIT", "TERM_DEPOSIT"]));
    assert_eq!(
        d["dataLife"],
        serde_json::json!({"unit": "MONTH", "value": 4, "seconds": 4 * 30 * 86_400})
    );
    assert_eq!(
        d["frequency"],
        serde_json::json!({"unit": "HOUR", "value": 4})
    );
    assert_eq!(d["issuer"], "finvu-aa");
    assert!(d["window"]["from"].as_i64().unwrap() < d["window"]["to"].as_i64().unwrap());
    assert!(!d.to_string().contains("demo@finvu"), "no customer handle");
}
