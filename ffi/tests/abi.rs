//! The fixture set through the extern "C" functions gives the Rust API's verdicts, codes and
//! JSON byte for byte (the C programs in examples/c replay the same set through the header).
#![allow(unsafe_code)] // calls the C ABI; each block has a `// SAFETY:` comment

#[path = "common/fixtures.rs"]
mod fixtures;
#[path = "common/handles.rs"]
mod handles;

use consentry_ffi::*;
use std::ptr::{null, null_mut};

#[test]
fn fixtures_verify_identically_through_the_c_abi() {
    let f = fixtures::build();
    let mut ts = null_mut();
    let mut v = null();
    let mut err = null_mut();
    // SAFETY: out-pointers are valid locals; inputs are live buffers with their lengths.
    unsafe {
        assert_eq!(consentry_error_new(&mut err), consentry_result::Ok);
        assert_eq!(consentry_trust_store_new(&mut ts), consentry_result::Ok);
        let r = consentry_trust_store_add_jwk(ts, f.jwks.as_ptr(), f.jwks.len(), err);
        assert_eq!(r, consentry_result::Ok);
        let r = consentry_verifier_new(ts, CONSENTRY_DEFAULT_LEEWAY, &mut v, err);
        assert_eq!(r, consentry_result::Ok);
    }
    let mut buf = vec![0u8; 16 * 1024];
    for c in &f.cases {
        let list = c
            .list
            .as_ref()
            .map(|l| f.lists.iter().find(|(n, _)| n == l).unwrap().1.clone());
        let (lp, ll) = list.as_ref().map_or((null(), 0), |l| (l.as_ptr(), l.len()));
        let mut n = 0usize;
        // SAFETY: `v` and `err` are live; inputs and `buf` are live buffers with their lengths.
        let r = unsafe {
            consentry_verifier_verify(
                v,
                c.artefact.as_ptr(),
                c.artefact.len(),
                c.audience.as_ptr(),
                c.audience.len(),
                c.now,
                lp,
                ll,
                buf.as_mut_ptr(),
                buf.len(),
                &mut n,
                err,
            )
        };
        match &c.expect {
            Ok(json) => {
                assert_eq!(r, consentry_result::Ok, "{}", c.name);
                assert_eq!(&buf[..n], json.as_bytes(), "{}", c.name);
                assert_eq!(buf[n], 0);
            }
            Err(code) => {
                assert_eq!(r as u32, *code, "{}", c.name);
                // SAFETY: `err` is live.
                assert_eq!(unsafe { consentry_error_code(err) } as u32, *code);
            }
        }
        if c.list.is_none() {
            // SAFETY: as above.
            let r = unsafe {
                consentry_verifier_check(
                    v,
                    c.artefact.as_ptr(),
                    c.artefact.len(),
                    c.audience.as_ptr(),
                    c.audience.len(),
                    c.now,
                    null_mut(),
                )
            };
            assert_eq!(
                r as u32,
                *c.expect.as_ref().err().unwrap_or(&0),
                "{}",
                c.name
            );
        }
    }
    // SAFETY: handles from the constructors above, freed once.
    unsafe {
        consentry_verifier_free(v);
        consentry_trust_store_free(ts);
        consentry_error_free(err);
    }
}

#[test]
fn the_fixed_issuer_pkcs8_is_the_fixture_issuer() {
    let der = fixtures::issuer_pkcs8();
    let mut k = null();
    let mut n = 0;
    let mut buf = [0u8; 512];
    // SAFETY: live buffers and locals.
    unsafe {
        let r = consentry_signing_key_new(der.as_ptr(), der.len(), &mut k, null_mut());
        assert_eq!(r, consentry_result::Ok);
        let r =
            consentry_signing_key_public_jwk(k, buf.as_mut_ptr(), buf.len(), &mut n, null_mut());
        assert_eq!(r, consentry_result::Ok);
        consentry_signing_key_free(k);
    }
    let jwk: serde_json::Value = serde_json::from_slice(&buf[..n]).unwrap();
    let want = consentry::SigningKey::from_ed25519_seed(&[0x5a; 32]).unwrap();
    assert_eq!(jwk, want.verifying_key().to_jwk());
}

/// Issue 13 items 1 and 2 through the C ABI: another trusted issuer's list at the artefact's URI
/// can neither un-revoke nor revoke it, and a stale list, a list for another URI or a value
/// above 2 fail closed; the list handle exposes freshness, `sub` and `kid`.
#[test]
fn status_lists_speak_only_for_their_issuer_and_fail_closed_through_the_c_abi() {
    use consentry::Code;
    let f = fixtures::build();
    let expect = |name: &str| {
        f.cases
            .iter()
            .find(|c| c.name == name)
            .unwrap()
            .expect
            .clone()
    };
    for (case, code) in [
        ("full_list_other_issuer_valid", Code::StatusListForeign),
        ("full_list_other_issuer_revoked", Code::StatusListForeign),
        ("full_list_stale", Code::StatusListStale),
        ("full_list_stale_revoked", Code::Revoked),
        ("full_list_other_uri", Code::StatusListOtherUri),
        ("full_list_value_3", Code::StatusValueUnknown),
    ] {
        // The Rust API's verdict, which `fixtures_verify_identically_through_the_c_abi`
        // replays through `consentry_verifier_verify`.
        assert_eq!(expect(case), Err(code.as_u32()), "{case}");
    }
    assert!(expect("full_list_valid").is_ok());

    let list_bytes = |name: &str| f.lists.iter().find(|(n, _)| n == name).unwrap().1.clone();
    let v = handles::verifier_from_jwk(&f.jwks);
    let read = |name: &str| {
        let bytes = list_bytes(name);
        let mut l = null_mut();
        // SAFETY: `v` is live; `bytes` a live buffer.
        let r = unsafe {
            consentry_status_list_from_token(
                v,
                bytes.as_ptr(),
                bytes.len(),
                fixtures::NOW,
                &mut l,
                null_mut(),
            )
        };
        assert_eq!(r, consentry_result::Ok, "{name}");
        l
    };
    let fresh = read("valid");
    let stale = read("stale");
    let other = read("other_issuer_valid");
    let mut state = 99u8;
    let mut at = 1i64;
    let mut buf = [0u8; 256];
    let mut n = 0usize;
    // SAFETY: handles from `read`, live locals and buffers.
    unsafe {
        let r = consentry_status_list_freshness(fresh, &mut state, &mut at, null_mut());
        assert_eq!(
            (r, state, at),
            (consentry_result::Ok, CONSENTRY_STATUS_LIST_FRESH, 0)
        );
        let r = consentry_status_list_freshness(stale, &mut state, &mut at, null_mut());
        assert_eq!(r, consentry_result::Ok);
        assert_eq!(state, CONSENTRY_STATUS_LIST_STALE);
        assert_eq!(at, fixtures::NOW - 7_200 + 3_600);
        let r = consentry_status_list_freshness(stale, &mut state, null_mut(), null_mut());
        assert_eq!(r, consentry_result::Ok);
        let r = consentry_status_list_sub(fresh, buf.as_mut_ptr(), buf.len(), &mut n, null_mut());
        assert_eq!(r, consentry_result::Ok);
        assert_eq!(&buf[..n], fixtures::LIST_URI.as_bytes());
        assert_eq!(buf[n], 0);
        let mut kid_a = [0u8; 64];
        let mut kid_b = [0u8; 64];
        let (mut na, mut nb) = (0usize, 0usize);
        let r = consentry_status_list_kid(fresh, kid_a.as_mut_ptr(), 64, &mut na, null_mut());
        assert_eq!(r, consentry_result::Ok);
        let r = consentry_status_list_kid(other, kid_b.as_mut_ptr(), 64, &mut nb, null_mut());
        assert_eq!(r, consentry_result::Ok);
        assert!(na > 0 && nb > 0);
        assert_ne!(
            kid_a[..na],
            kid_b[..nb],
            "another issuer's list has another kid"
        );
        // A list not read from a token has neither freshness nor sub.
        let mut made = null_mut();
        assert_eq!(
            consentry_status_list_new(16, 2, &mut made, null_mut()),
            consentry_result::Ok
        );
        let r = consentry_status_list_freshness(made, &mut state, null_mut(), null_mut());
        assert_eq!(r, consentry_result::InvalidArgument);
        let r = consentry_status_list_sub(made, buf.as_mut_ptr(), buf.len(), &mut n, null_mut());
        assert_eq!(r, consentry_result::InvalidArgument);
        let r = consentry_status_list_freshness(null(), &mut state, null_mut(), null_mut());
        assert_eq!(r, consentry_result::NullArgument);
        for l in [fresh, stale, other, made] {
            consentry_status_list_free(l);
        }
        consentry_verifier_free(v);
    }
}
