//! The fixture set through the extern "C" functions gives the Rust API's verdicts, codes and
//! JSON byte for byte (the C programs in examples/c replay the same set through the header).

#[path = "common/fixtures.rs"]
mod fixtures;

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
