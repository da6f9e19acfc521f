//! Set-up the C ABI tests repeat: a verifier handle built from JWK text.
#![allow(dead_code)]

use consentry_ffi::*;
use std::ptr::{null, null_mut};

/// A verifier (default leeway) trusting the JWK or JWK Set `jwk`, built through
/// `consentry_trust_store_add_jwk` and `consentry_verifier_new`; the trust store is freed.
pub(crate) fn verifier_from_jwk(jwk: &str) -> *const consentry_verifier {
    let (mut ts, mut v) = (null_mut(), null());
    // SAFETY: out-pointers are valid locals; `jwk` is a live buffer of its length.
    unsafe {
        assert_eq!(consentry_trust_store_new(&mut ts), consentry_result::Ok);
        assert_eq!(
            consentry_trust_store_add_jwk(ts, jwk.as_ptr(), jwk.len(), null_mut()),
            consentry_result::Ok
        );
        assert_eq!(
            consentry_verifier_new(ts, CONSENTRY_DEFAULT_LEEWAY, &mut v, null_mut()),
            consentry_result::Ok
        );
        consentry_trust_store_free(ts);
    }
    v
}
