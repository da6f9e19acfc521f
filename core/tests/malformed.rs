//! Malformed and hostile input: each defect gets its own typed error, and nothing panics.
//!
//! Claims-level defects are signed properly (the signature is checked before the claims are
//! decoded), so each test reaches the check it is about.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use ciborium::Value;
use consentry::cose::{self, sig_structure, ARTEFACT_TYP};
use consentry::{Code, HasCode};
use consentry_testkit::artefacts::{self, full_artefact, full_claims};
use consentry_testkit::keys::{issuer, verifier};
use consentry_testkit::{AUD, NOW};

fn rng() -> ring::rand::SystemRandom {
    ring::rand::SystemRandom::new()
}

fn enc(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(v, &mut out).unwrap();
    out
}

fn code_of(bytes: &[u8]) -> Code {
    verifier()
        .verify(bytes, AUD, NOW)
        .map(|_| ())
        .unwrap_err()
        .code()
}

/// Signs an arbitrary payload with the profile's protected header.
fn signed_payload(payload: &[u8]) -> Vec<u8> {
    cose::sign1(payload, ARTEFACT_TYP, &issuer(), &rng()).unwrap()
}

/// A tagged COSE_Sign1 from raw parts, signed over exactly these parts.
fn envelope(protected: &[u8], unprotected: &[u8], payload: &[u8]) -> Vec<u8> {
    let sig = issuer()
        .sign(&sig_structure(protected, b"", payload), &rng())
        .unwrap();
    let mut out = vec![0xd2, 0x84];
    push_bstr(&mut out, protected);
    out.extend_from_slice(unprotected);
    push_bstr(&mut out, payload);
    push_bstr(&mut out, &sig);
    out
}

fn push_bstr(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&enc(&Value::Bytes(b.to_vec()))[..head_len(b.len())]);
    out.extend_from_slice(b);
}

fn head_len(n: usize) -> usize {
    match n {
        0..=23 => 1,
        24..=0xff => 2,
        0x100..=0xffff => 3,
        _ => 5,
    }
}

type Entries = Vec<(Value, Value)>;

fn kid() -> Vec<u8> {
    issuer().verifying_key().thumbprint().to_vec()
}

fn int(n: i64) -> Value {
    Value::Integer(n.into())
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

/// The profile's protected header with the given entries (in the order given).
fn protected(entries: Vec<(Value, Value)>) -> Vec<u8> {
    enc(&Value::Map(entries))
}

fn good_protected_entries() -> Vec<(Value, Value)> {
    vec![
        (int(1), int(-8)),
        (int(4), Value::Bytes(kid())),
        (int(16), text(ARTEFACT_TYP)),
    ]
}

fn payload() -> Vec<u8> {
    full_claims().to_cbor().unwrap()
}

fn claims_value() -> Value {
    ciborium::from_reader(payload().as_slice()).unwrap()
}

fn entries(v: &mut Value) -> &mut Vec<(Value, Value)> {
    match v {
        Value::Map(m) => m,
        _ => panic!("not a map"),
    }
}

fn member<'a>(v: &'a mut Value, key: &Value) -> &'a mut Value {
    &mut entries(v).iter_mut().find(|(k, _)| k == key).unwrap().1
}

/// Signs the claims value after `f` changed it.
fn with_claims(f: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut v = claims_value();
    f(&mut v);
    signed_payload(&enc(&v))
}

/// Duplicates the entry at `key` of the map reached by `path`, right after the original.
fn dup_at(path: &[Value], key: Value) -> Vec<u8> {
    with_claims(|v| {
        let mut m = v;
        for p in path {
            m = member(m, p);
            if let Value::Array(a) = m {
                m = &mut a[0];
            }
        }
        let e = entries(m);
        let i = e.iter().position(|(k, _)| *k == key).unwrap();
        let copy = e[i].clone();
        e.insert(i + 1, copy);
    })
}

#[test]
fn the_fixtures_verify() {
    let a = full_artefact();
    assert_eq!(
        verifier().verify(&a, AUD, NOW).unwrap().claims,
        full_claims()
    );
    let t = artefacts::typical_artefact();
    assert!(
        (450..=560).contains(&t.len()),
        "typical artefact is {} bytes",
        t.len()
    );
    assert_eq!(
        verifier().verify(&t, AUD, NOW).unwrap().claims,
        artefacts::typical_claims()
    );
}

#[test]
fn every_truncation_is_truncated() {
    let a = full_artefact();
    for n in 0..a.len() {
        assert_eq!(code_of(&a[..n]), Code::CborTruncated, "prefix of {n} bytes");
    }
}

#[test]
fn every_single_bit_flip_is_rejected() {
    let a = full_artefact();
    let sig_start = a.len() - 64;
    let v = verifier();
    for i in 0..a.len() * 8 {
        let mut b = a.clone();
        b[i / 8] ^= 1 << (i % 8);
        let err = v.verify(&b, AUD, NOW).unwrap_err();
        if i / 8 >= sig_start {
            assert_eq!(err.code(), Code::SignatureInvalid, "bit {i}");
        }
    }
}

#[test]
fn duplicate_keys_at_each_depth() {
    let cases = [
        dup_at(&[], int(1)),
        dup_at(&[text("consent")], text("basis")),
        dup_at(&[text("consent"), text("purposes")], text("mode")),
        dup_at(&[text("consent"), text("notice")], text("lang")),
        dup_at(&[text("consent"), text("range")], text("to")),
        dup_at(&[text("consent"), text("grantor")], text("role")),
        dup_at(&[int(65535)], text("status_list")),
        dup_at(&[int(65535), text("status_list")], text("idx")),
        dup_at(
            &[text("consent"), text("purposes"), text("transforms")],
            text("/name"),
        ),
    ];
    for (i, a) in cases.iter().enumerate() {
        assert_eq!(code_of(a), Code::CborDuplicateKey, "case {i}");
    }
    // Non-adjacent duplicate: reported as a duplicate, not merely as disorder.
    let a = with_claims(|v| {
        let e = entries(v);
        let first = e[0].clone();
        e.insert(2, first);
    });
    assert_eq!(code_of(&a), Code::CborDuplicateKey);
    // In the protected header and across the envelope's unprotected header.
    let mut p = good_protected_entries();
    p.insert(1, (int(1), int(-8)));
    assert_eq!(
        code_of(&envelope(&protected(p), &[0xa0], &payload())),
        Code::CborDuplicateKey
    );
    assert_eq!(
        code_of(&envelope(
            &protected(good_protected_entries()),
            &[0xa2, 0x05, 0x40, 0x05, 0x40],
            &payload()
        )),
        Code::CborDuplicateKey
    );
}

#[test]
fn unsorted_keys_are_refused() {
    let a = with_claims(|v| entries(v).swap(0, 1));
    assert_eq!(code_of(&a), Code::CborUnsortedKeys);
}

#[test]
fn non_canonical_integers() {
    // exp (claim 4) re-encoded with an 8-byte argument.
    let p = payload();
    let exp = full_claims().exp as u32;
    let short = [&[0x04u8, 0x1a][..], &exp.to_be_bytes()].concat();
    let pos = p.windows(short.len()).position(|w| w == short).unwrap();
    let long = [&[0x04u8, 0x1b][..], &u64::from(exp).to_be_bytes()].concat();
    let bad = [&p[..pos], &long[..], &p[pos + short.len()..]].concat();
    let err = verifier()
        .verify(&signed_payload(&bad), AUD, NOW)
        .unwrap_err();
    assert_eq!(err.code(), Code::CborNonCanonical);
    assert!(err.to_string().contains("claims"), "{err}");
    // The envelope's array head in two bytes.
    let a = full_artefact();
    let bad = [&[0xd2u8, 0x98, 0x04][..], &a[2..]].concat();
    assert_eq!(code_of(&bad), Code::CborNonCanonical);
    // The tag in two bytes.
    let bad = [&[0xd8u8, 0x12][..], &a[1..]].concat();
    assert_eq!(code_of(&bad), Code::CborNonCanonical);
}

#[test]
fn indefinite_lengths() {
    let a = full_artefact();
    // Envelope array as indefinite.
    let bad = [&[0xd2u8, 0x9f][..], &a[2..], &[0xff][..]].concat();
    assert_eq!(code_of(&bad), Code::CborIndefiniteLength);
    // Claims map as indefinite (signed).
    let p = payload();
    let n = p[0] & 0x1f;
    assert!(n < 24);
    let bad = [&[0xbfu8][..], &p[1..], &[0xff][..]].concat();
    assert_eq!(code_of(&signed_payload(&bad)), Code::CborIndefiniteLength);
}

#[test]
fn trailing_bytes() {
    let mut a = full_artefact();
    a.push(0x00);
    assert_eq!(code_of(&a), Code::CborTrailingBytes);
    let mut p = payload();
    p.push(0x00);
    assert_eq!(code_of(&signed_payload(&p)), Code::CborTrailingBytes);
}

#[test]
fn oversize_input() {
    let big = vec![0u8; consentry::DEFAULT_MAX_SIZE + 1];
    assert_eq!(code_of(&big), Code::InputTooLarge);
    let small = verifier().with_max_size(100).unwrap();
    assert_eq!(
        small.verify(&full_artefact(), AUD, NOW).unwrap_err().code(),
        Code::InputTooLarge
    );
}

#[test]
fn deep_nesting() {
    // A 20-deep array in the unprotected header: refused while parsing, before any other rule.
    let mut unprot = vec![0xa1, 0x18, 0x63];
    unprot.extend(std::iter::repeat_n(0x81, 20));
    unprot.push(0x00);
    assert_eq!(
        code_of(&envelope(
            &protected(good_protected_entries()),
            &unprot,
            &payload()
        )),
        Code::CborTooDeep
    );
    // Also inside the protected header.
    let mut p = good_protected_entries();
    let mut deep = Value::Integer(0.into());
    for _ in 0..20 {
        deep = Value::Array(vec![deep]);
    }
    p.push((int(99), deep));
    assert_eq!(
        code_of(&envelope(&protected(p), &[0xa0], &payload())),
        Code::CborTooDeep
    );
}

#[test]
fn wrong_claim_types() {
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            with_claims(|v| *member(v, &int(4)) = text("tomorrow")),
            "`exp`",
        ),
        (with_claims(|v| *member(v, &int(1)) = int(7)), "`iss`"),
        (
            with_claims(|v| *member(v, &int(3)) = Value::Map(vec![])),
            "`aud`",
        ),
        (with_claims(|v| *member(v, &int(7)) = text("id")), "`cti`"),
        (
            with_claims(|v| *member(member(v, &text("consent")), &text("child")) = int(1)),
            "`consent.child`",
        ),
        (
            with_claims(|v| {
                let p = member(member(v, &text("consent")), &text("purposes"));
                if let Value::Array(a) = p {
                    *member(&mut a[0], &text("fields")) = text("/name");
                }
            }),
            "`consent.purposes[0].fields`",
        ),
        (
            with_claims(|v| {
                *member(
                    member(member(v, &text("consent")), &text("notice")),
                    &text("sha256"),
                ) = text("x")
            }),
            "`consent.notice.sha256`",
        ),
        (
            with_claims(|v| {
                *member(
                    member(member(v, &int(65535)), &text("status_list")),
                    &text("idx"),
                ) = int(-1)
            }),
            "`status.status_list.idx`",
        ),
    ];
    for (a, claim) in cases {
        let err = verifier().verify(&a, AUD, NOW).unwrap_err();
        assert_eq!(err.code(), Code::ClaimWrongType, "{claim}: {err}");
        assert!(err.to_string().contains(claim), "{err} should name {claim}");
    }
}

#[test]
fn missing_unknown_and_invalid_claims() {
    let missing = with_claims(|v| entries(v).retain(|(k, _)| *k != int(4)));
    let err = verifier().verify(&missing, AUD, NOW).unwrap_err();
    assert_eq!(err.code(), Code::ClaimMissing);
    assert!(err.to_string().contains("`exp`"));

    let unknown = with_claims(|v| entries(v).insert(7, (int(8), int(0))));
    assert_eq!(code_of(&unknown), Code::ClaimUnknown);
    let unknown_text = with_claims(|v| entries(v).push((text("zzzzzzzzsecret"), int(0))));
    let err = verifier().verify(&unknown_text, AUD, NOW).unwrap_err();
    assert_eq!(err.code(), Code::ClaimUnknown);
    assert!(
        !err.to_string().contains("secret"),
        "text labels are not echoed: {err}"
    );

    let short_cti = with_claims(|v| *member(v, &int(7)) = Value::Bytes(vec![0; 15]));
    assert_eq!(code_of(&short_cti), Code::ClaimInvalid);
    let bad_mode = with_claims(|v| {
        let p = member(member(v, &text("consent")), &text("purposes"));
        if let Value::Array(a) = p {
            *member(&mut a[0], &text("mode")) = text("sell");
        }
    });
    assert_eq!(code_of(&bad_mode), Code::ClaimInvalid);
    let v2 = with_claims(|v| *member(member(v, &text("consent")), &text("v")) = int(2));
    assert_eq!(code_of(&v2), Code::ClaimInvalid);
}

#[test]
fn header_tampering() {
    let p = payload();
    let with = |f: &dyn Fn(&mut Entries)| {
        let mut e = good_protected_entries();
        f(&mut e);
        envelope(&protected(e), &[0xa0], &p)
    };
    assert!(
        verifier().verify(&with(&|_| {}), AUD, NOW).is_ok(),
        "the hand-built envelope is valid"
    );

    assert_eq!(code_of(&with(&|e| e[0].1 = int(-7))), Code::KeyAlgMismatch);
    assert_eq!(
        code_of(&with(&|e| e[0].1 = int(-999))),
        Code::HeaderAlgUnknown
    );
    assert_eq!(
        code_of(&with(&|e| e[0].1 = text("EdDSA"))),
        Code::HeaderAlgUnknown
    );
    assert_eq!(
        code_of(&with(&|e| e[0].1 = Value::Bytes(vec![]))),
        Code::HeaderWrongType
    );
    assert_eq!(
        code_of(&with(&|e| {
            e.remove(0);
        })),
        Code::HeaderAlgMissing
    );
    assert_eq!(
        code_of(&with(&|e| {
            e.remove(1);
        })),
        Code::HeaderKidMissing
    );
    assert_eq!(
        code_of(&with(&|e| e[1].1 = Value::Bytes(vec![7; 32]))),
        Code::KeyUnknownKid
    );
    assert_eq!(
        code_of(&with(&|e| e[1].1 = Value::Bytes(vec![7; 65]))),
        Code::HeaderKidTooLong
    );
    assert_eq!(
        code_of(&with(&|e| e[1].1 = text("kid"))),
        Code::HeaderWrongType
    );
    assert_eq!(
        code_of(&with(&|e| e[2].1 = text("application/cwt"))),
        Code::HeaderTypMismatch
    );
    assert_eq!(
        code_of(&with(&|e| {
            e.remove(2);
        })),
        Code::HeaderTypMismatch
    );
    assert_eq!(
        code_of(&with(
            &|e| e.insert(1, (int(2), Value::Array(vec![int(99)])))
        )),
        Code::HeaderCrit
    );
    assert_eq!(
        code_of(&with(&|e| e.insert(1, (int(3), int(0))))),
        Code::HeaderUnexpectedLabel
    );
    // A label in both buckets; a non-empty unprotected header.
    let both = envelope(
        &protected(good_protected_entries()),
        &[0xa1, 0x01, 0x27],
        &p,
    );
    assert_eq!(code_of(&both), Code::HeaderDuplicateLabel);
    let unprot = envelope(
        &protected(good_protected_entries()),
        &[0xa1, 0x05, 0x40],
        &p,
    );
    assert_eq!(code_of(&unprot), Code::HeaderUnexpectedLabel);
    // alg changed after signing (not re-signed).
    let a = full_artefact();
    let pos = a.windows(2).position(|w| w == [0x01, 0x27]).unwrap();
    let mut b = a.clone();
    b[pos + 1] = 0x26;
    assert_eq!(code_of(&b), Code::KeyAlgMismatch);
}

#[test]
fn envelope_shape() {
    let a = full_artefact();
    assert_eq!(code_of(&a[1..]), Code::CoseUntagged);
    let mut wrong = a.clone();
    wrong[0] = 0xd1; // tag 17 (COSE_Mac0)
    assert_eq!(code_of(&wrong), Code::CoseWrongTag);
    assert_eq!(
        code_of(&[0xd2, 0x83, 0x40, 0xa0, 0x40]),
        Code::CoseStructure
    );
    assert_eq!(code_of(&[0xd2, 0xa0]), Code::CoseStructure);
    assert_eq!(
        code_of(&[0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x40]),
        Code::CoseStructure
    ); // detached payload
    assert_eq!(code_of(&[]), Code::CborTruncated);
}

#[test]
fn time_and_audience() {
    let a = full_artefact();
    let c = full_claims();
    let v = verifier();
    let code_at = |now: i64| v.verify(&a, AUD, now).map(|_| ()).map_err(|e| e.code());
    let lw = i64::try_from(consentry::DEFAULT_LEEWAY).unwrap();
    assert_eq!(code_at(c.exp + lw - 1), Ok(()));
    assert_eq!(code_at(c.exp + lw), Err(Code::Expired));
    let nbf = c.nbf.unwrap();
    assert_eq!(code_at(nbf - lw), Ok(()));
    assert_eq!(code_at(nbf - lw - 1), Err(Code::NotYetValid));
    let strict = verifier().with_leeway(0).unwrap();
    assert_eq!(
        strict.verify(&a, AUD, c.exp).unwrap_err().code(),
        Code::Expired
    );
    assert!(strict.verify(&a, AUD, c.exp - 1).is_ok());
    assert_eq!(
        verifier().with_leeway(301).unwrap_err().code(),
        Code::InvalidOption
    );
    assert_eq!(
        v.verify(&a, "tn.police", NOW).unwrap_err().code(),
        Code::AudienceMismatch
    );
    assert!(v.verify(&a, "tn.research", NOW).is_ok());
    // iat in the future (nbf absent, so the iat rule is what fails).
    let future = consentry::Claims {
        nbf: None,
        iat: NOW + 3_600,
        ..full_claims()
    };
    let fa = consentry::issue(&future, &issuer(), &rng()).unwrap();
    assert_eq!(
        v.verify(&fa, AUD, NOW).unwrap_err().code(),
        Code::IssuedInFuture
    );
    // Extreme times never overflow.
    assert_eq!(code_at(i64::MAX), Err(Code::Expired));
    assert_eq!(code_at(i64::MIN), Err(Code::NotYetValid));
}

#[test]
fn errors_never_echo_personal_values() {
    let secret_sub = "AADHAAR-999988887777";
    let c = consentry::Claims {
        sub: secret_sub.into(),
        ..full_claims()
    };
    let a = consentry::issue(&c, &issuer(), &rng()).unwrap();
    for (bytes, aud, now) in [
        (&a[..], "other", NOW),
        (&a[..], AUD, NOW + 400_000_000),
        (&a[..a.len() - 1], AUD, NOW),
    ] {
        let e = verifier().verify(bytes, aud, now).unwrap_err();
        assert!(!e.to_string().contains(secret_sub), "{e}");
        assert!(!format!("{e:?}").contains(secret_sub), "{e:?}");
    }
}
