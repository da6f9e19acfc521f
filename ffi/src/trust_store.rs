//! `consentry_trust_store`: the issuer keys a verifier accepts.

use consentry::TrustStore;

use crate::boundary::{bytes, guard, guard_void, handle, handle_mut, text, Fail, Out};
use crate::{consentry_error, consentry_result};

/// A trust store under construction: the issuer keys a verifier accepts.
///
/// Mutable and NOT thread-safe while keys are added; `consentry_verifier_new` copies it, so it
/// may be freed (or changed) afterwards without affecting verifiers made from it.
pub struct consentry_trust_store {
    pub(crate) inner: TrustStore,
}

/// Creates an empty trust store in `*out`. Free it with `consentry_trust_store_free`.
///
/// # Safety
/// `out` must be NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn consentry_trust_store_new(
    out: *mut *mut consentry_trust_store,
) -> consentry_result {
    guard(std::ptr::null_mut(), || {
        let out = Out::new(out, "out")?;
        let ts = Box::into_raw(Box::new(consentry_trust_store {
            inner: TrustStore::new(),
        }));
        // SAFETY: `out` is valid for a write (contract).
        unsafe { out.write(ts) };
        Ok(())
    })
}

/// Frees a trust store. NULL is a no-op.
///
/// # Safety
/// `store` must be NULL or a pointer from `consentry_trust_store_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn consentry_trust_store_free(store: *mut consentry_trust_store) {
    guard_void(|| {
        if !store.is_null() {
            // SAFETY: from `Box::into_raw` in `consentry_trust_store_new`, freed once.
            drop(unsafe { Box::from_raw(store) });
        }
    })
}

/// Adds issuer public keys from JSON text: one JWK (RFC 7517), or a JWK Set `{"keys": [...]}`
/// added all or nothing. Private members (`d`) are refused.
///
/// # Safety
/// `store` must be a live trust store used by no other thread during the call; `jwk` must
/// point to `jwk_len` readable bytes; `err` must be NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn consentry_trust_store_add_jwk(
    store: *mut consentry_trust_store,
    jwk: *const u8,
    jwk_len: usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (store, jwk) = unsafe { (handle_mut(store, "store")?, text(jwk, jwk_len, "jwk")?) };
        store.inner.add_json(jwk).map_err(|e| Fail::of(&e))
    })
}

/// Adds an issuer public key given as a COSE_Key (RFC 9052, CBOR); its `kid`, when present,
/// is bound as well as the key's thumbprint.
///
/// # Safety
/// As `consentry_trust_store_add_jwk`.
#[no_mangle]
pub unsafe extern "C" fn consentry_trust_store_add_cose_key(
    store: *mut consentry_trust_store,
    cose_key: *const u8,
    cose_key_len: usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (store, key) = unsafe {
            (
                handle_mut(store, "store")?,
                bytes(cose_key, cose_key_len, "cose_key")?,
            )
        };
        store.inner.add_cose_key(key).map_err(|e| Fail::of(&e))
    })
}

/// The number of `kid` bindings in the store, in `*out` (a key can be bound under its
/// thumbprint and a `kid` of its own).
///
/// # Safety
/// `store` must be a live trust store; `out` valid for one write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_trust_store_len(
    store: *const consentry_trust_store,
    out: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let store = unsafe { handle(store, "store") }?;
        let out = Out::new(out, "out")?;
        // SAFETY: `out` is valid for a write (contract).
        unsafe { out.write(store.inner.len()) };
        Ok(())
    })
}
