//! `consentry_signing_key`: a private key, for issuing artefacts (`consentry_issue`) and signing
//! status lists.

use std::sync::Arc;

use consentry::{interop, SigningKey};

use crate::boundary::{bytes, guard, guard_void, handle, text, Fail, Out, OutBuf};
use crate::{consentry_error, consentry_result, rng};

/// A private signing key (Ed25519 or ECDSA P-256) for issuing artefacts and signing status
/// lists. Immutable and thread-safe.
pub struct consentry_signing_key {
    pub(crate) inner: SigningKey,
}

// Documented as thread-safe, and really so.
const _: () = crate::send_sync::<consentry_signing_key>();

/// Loads a private key from PKCS#8 (DER; Ed25519 v1/v2 or ECDSA P-256) into `*out`. The key is
/// immutable and thread-safe. Free it with `consentry_signing_key_free`.
///
/// # Safety
/// `pkcs8` must point to `pkcs8_len` readable bytes; `out` valid for one write; `err` NULL or
/// live.
#[no_mangle]
pub unsafe extern "C" fn consentry_signing_key_new(
    pkcs8: *const u8,
    pkcs8_len: usize,
    out: *mut *const consentry_signing_key,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let der = unsafe { bytes(pkcs8, pkcs8_len, "pkcs8") }?;
        let out = Out::new(out, "out")?;
        let inner = SigningKey::from_pkcs8(der, &rng()).map_err(|e| Fail::of(&e))?;
        let k = Arc::into_raw(Arc::new(consentry_signing_key { inner }));
        // SAFETY: `out` is valid for a write (contract).
        unsafe { out.write(k) };
        Ok(())
    })
}

/// Frees a signing key. NULL is a no-op.
///
/// # Safety
/// `key` must be NULL or a pointer from `consentry_signing_key_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn consentry_signing_key_free(key: *const consentry_signing_key) {
    guard_void(|| {
        if !key.is_null() {
            // SAFETY: from `Arc::into_raw` in `consentry_signing_key_new`, released once.
            drop(unsafe { Arc::from_raw(key) });
        }
    })
}

/// Writes the key's public JWK (with `kid` = its base64url RFC 9679 thumbprint) into `out`,
/// NUL-terminated; ready for `consentry_trust_store_add_jwk`. Buffer rules as
/// `consentry_verifier_verify`.
///
/// # Safety
/// `key` must be a live signing key; `out` valid for `out_cap` bytes; `out_len` for one write;
/// `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_signing_key_public_jwk(
    key: *const consentry_signing_key,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let key = unsafe { handle(key, "key") }?;
        let dst = OutBuf::new(out, out_cap, out_len)?;
        let jwk = key.inner.verifying_key().to_jwk().to_string();
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(jwk.as_bytes(), true) }
    })
}

/// Issues (signs) an artefact from the JSON view of its claims; `iat` defaults to `now`, `cti`
/// to 16 random bytes. Writes the artefact (binary COSE_Sign1, not NUL-terminated) into `out`
/// and its length to `*out_len`. On `CONSENTRY_RESULT_BUFFER_TOO_SMALL`, `*out_len` receives
/// the capacity needed and `out` is untouched (a new `cti` is drawn on the next call).
///
/// # Safety
/// `key` must be a live signing key; `claims_json` must point to `claims_json_len` readable
/// bytes; `out` valid for `out_cap` bytes; `out_len` for one write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_issue(
    key: *const consentry_signing_key,
    claims_json: *const u8,
    claims_json_len: usize,
    now: i64,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (key, claims) = unsafe {
            (
                handle(key, "key")?,
                text(claims_json, claims_json_len, "claims_json")?,
            )
        };
        let dst = OutBuf::new(out, out_cap, out_len)?;
        let (artefact, _) = interop::issue_with(&key.inner, claims, now, &rng())?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(&artefact, false) }
    })
}
