//! `consentry_aa_trust`, `consentry_aa_verified`: Account Aggregator consents (a compact JWS,
//! RS256, over a `SignedConsentDetail`) and detached `x-jws-signature` values, through the
//! core's `consentry::aa` and the `aaVerify` / `aaVerifyDetached` / `aaDecide` operations of
//! `consentry::interop` (`docs/aa.md`). Every refused input keeps the core's own code.

use std::sync::Arc;

use consentry::aa::AaTrust;
use consentry::interop::{self, AaDetachedResponse, AaVerifyResponse};
use consentry::Code;

use crate::boundary::{bytes, guard, guard_void, handle, text, Fail, Out, OutBuf};
use crate::taxonomy::consentry_taxonomy;
use crate::{consentry_error, consentry_result};

/// The AA keys a relying party accepts: RSA public keys, each bound to the entity id of the AA
/// that owns it when the document gives one. Immutable and thread-safe.
pub struct consentry_aa_trust {
    inner: AaTrust,
}

// Documented as thread-safe, and really so.
const _: () = crate::send_sync::<consentry_aa_trust>();

/// How the header's `b64` member was written (it chose the signing input).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum consentry_aa_b64 {
    /// `"b64": false`: the signature is over `header "." payload bytes`.
    False = 0,
    /// `"b64": true`: the RFC 7515 signing input.
    True = 1,
    /// No `b64` member: as `true`.
    Absent = 2,
}

/// The algorithm of a verified AA signature.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum consentry_aa_alg {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256 = 0,
    /// RSASSA-PSS with SHA-256.
    Ps256 = 1,
}

/// A verified AA consent (`consentry_aa_verify`) or detached signature
/// (`consentry_aa_verify_detached`): its `kid`, algorithm, `b64` mode, issuer and result JSON.
/// Immutable and thread-safe.
pub struct consentry_aa_verified {
    kid: String,
    alg: consentry_aa_alg,
    b64: consentry_aa_b64,
    issuer: Option<String>,
    json: String,
}

// Documented as thread-safe, and really so.
const _: () = crate::send_sync::<consentry_aa_verified>();

fn b64_of(name: &str) -> consentry_aa_b64 {
    match name {
        "false" => consentry_aa_b64::False,
        "true" => consentry_aa_b64::True,
        _ => consentry_aa_b64::Absent,
    }
}

fn alg_of(name: &str) -> consentry_aa_alg {
    match name {
        "PS256" => consentry_aa_alg::Ps256,
        _ => consentry_aa_alg::Rs256,
    }
}

/// Borrows an optional text argument: NULL is none.
///
/// # Safety
/// Unless NULL, `ptr` must point to `len` readable bytes.
unsafe fn optional_text<'a>(
    ptr: *const u8,
    len: usize,
    what: &str,
) -> Result<Option<&'a str>, Fail> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { text(ptr, len, what) }.map(Some)
}

/// Creates an AA trust store from a key document (JSON text) in `*out`: a JWK Set, a single RSA
/// JWK, or a list of Central Registry entity records `[{"id", "certificate": JWK}]` (or the
/// registry's `entityinfo` response). A JWK Set may mix consentry's own keys with AA RSA keys:
/// the own keys are checked and set aside (they belong in a `consentry_trust_store`). Entity
/// records bind each key to their `id`; `entity` (NULL for none) binds every key of a JWK Set or
/// single JWK to that entity id. All or nothing: a refused key is its own code
/// (`CONSENTRY_RESULT_AA_KEY_TOO_SMALL` for a modulus under 2048 bits,
/// `CONSENTRY_RESULT_KEY_PRIVATE_MATERIAL`, `CONSENTRY_RESULT_KEY_DUPLICATE_KID`, ...); a document
/// that is not JSON is `CONSENTRY_RESULT_KEY_JWK_INVALID`, one over 4 MiB
/// `CONSENTRY_RESULT_INPUT_TOO_LARGE`. Free it with `consentry_aa_trust_free`.
///
/// # Safety
/// `doc` must point to `doc_len` readable bytes; `entity` NULL or `entity_len` readable bytes;
/// `out` valid for one write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_aa_trust_new(
    doc: *const u8,
    doc_len: usize,
    entity: *const u8,
    entity_len: usize,
    out: *mut *const consentry_aa_trust,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (doc, entity) = unsafe {
            (
                text(doc, doc_len, "doc")?,
                optional_text(entity, entity_len, "entity")?,
            )
        };
        let out = Out::new(out, "out")?;
        if doc.len() > consentry::aa::MAX_TRUST_DOC_LEN {
            return Err(Fail::new(
                Code::InputTooLarge,
                format!("`doc` is over {} bytes", consentry::aa::MAX_TRUST_DOC_LEN),
            ));
        }
        let value: serde_json::Value = consentry::json::from_str(doc)
            .map_err(|e| Fail::new(Code::KeyJwkInvalid, format!("`doc`: {e}")))?;
        let split = consentry::aa::split_trust(&value, entity).map_err(|e| Fail::of(&e))?;
        let t = Arc::into_raw(Arc::new(consentry_aa_trust { inner: split.aa }));
        // SAFETY: `out` is valid for a write (contract).
        unsafe { out.write(t) };
        Ok(())
    })
}

/// Frees an AA trust store. NULL is a no-op. No other thread may still be using it.
///
/// # Safety
/// `trust` must be NULL or a pointer from `consentry_aa_trust_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn consentry_aa_trust_free(trust: *const consentry_aa_trust) {
    guard_void(|| {
        if !trust.is_null() {
            // SAFETY: from `Arc::into_raw` in `consentry_aa_trust_new`, released once.
            drop(unsafe { Arc::from_raw(trust) });
        }
    })
}

/// The number of AA keys (`kid` bindings) in the store, in `*out`.
///
/// # Safety
/// `trust` must be a live AA trust store; `out` valid for one write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_aa_trust_len(
    trust: *const consentry_aa_trust,
    out: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let trust = unsafe { handle(trust, "trust") }?;
        let out = Out::new(out, "out")?;
        // SAFETY: `out` is valid for a write (contract).
        unsafe { out.write(trust.inner.len()) };
        Ok(())
    })
}

fn verified_of_consent(r: &AaVerifyResponse) -> Result<consentry_aa_verified, Fail> {
    Ok(consentry_aa_verified {
        kid: r.kid.clone(),
        alg: alg_of(&r.alg),
        b64: b64_of(&r.b64),
        issuer: r.issuer.clone(),
        json: interop::to_json_text(r)?,
    })
}

fn verified_of_detached(r: &AaDetachedResponse) -> Result<consentry_aa_verified, Fail> {
    Ok(consentry_aa_verified {
        kid: r.kid.clone(),
        alg: alg_of(&r.alg),
        b64: b64_of(&r.b64),
        issuer: r.issuer.clone(),
        json: interop::to_json_text(r)?,
    })
}

fn publish(out: Out<*const consentry_aa_verified>, v: consentry_aa_verified) {
    let v = Arc::into_raw(Arc::new(v));
    // SAFETY: `out` was checked not NULL and is valid for a write (the caller's contract).
    unsafe { out.write(v) };
}

/// Verifies an AA signed consent (the compact JWS text of `signedConsent`, surrounding white
/// space ignored) against `trust` and imports its detail; the result handle goes to `*out`.
/// `issuer` (NULL for none): the signing key must be bound to that entity id
/// (`CONSENTRY_RESULT_AA_ISSUER_MISMATCH` otherwise). `now` (NULL for none): seconds since the
/// epoch at which the consent must be inside its window (`CONSENTRY_RESULT_NOT_YET_VALID`
/// before `consentStart`, `CONSENTRY_RESULT_EXPIRED` from `consentExpiry`). Every refusal is the
/// first failing check's code (`docs/aa.md`: `AA_JWS_STRUCTURE`, `AA_BASE64URL`,
/// `AA_HEADER_INVALID`, `AA_ALG_UNSUPPORTED`, `AA_CRIT_UNKNOWN`, `KEY_UNKNOWN_KID`,
/// `KEY_ALG_MISMATCH`, `AA_KEY_TOO_SMALL`, `SIGNATURE_INVALID`, `AA_ISSUER_MISMATCH`,
/// `AA_PAYLOAD_NOT_JSON`, `AA_DETAIL_INVALID`, `INPUT_TOO_LARGE`). The handle's JSON
/// (`consentry_aa_verified_json`) is the `aaVerify` result `{"kid", "alg", "b64", "issuer",
/// "payload", "claims", "evidence"}`. Free it with `consentry_aa_verified_free`. Thread-safe.
///
/// # Safety
/// `trust` must be a live AA trust store; `jws` must point to `jws_len` readable bytes;
/// `issuer` NULL or `issuer_len` readable bytes; `now` NULL or valid for one read; `out` valid
/// for one write; `err` NULL or a live error object used by this thread only.
#[no_mangle]
pub unsafe extern "C" fn consentry_aa_verify(
    trust: *const consentry_aa_trust,
    jws: *const u8,
    jws_len: usize,
    issuer: *const u8,
    issuer_len: usize,
    now: *const i64,
    out: *mut *const consentry_aa_verified,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (trust, jws, issuer, now) = unsafe {
            (
                handle(trust, "trust")?,
                text(jws, jws_len, "jws")?,
                optional_text(issuer, issuer_len, "issuer")?,
                now.as_ref().copied(),
            )
        };
        let out = Out::new(out, "out")?;
        let r = interop::aa_verify_with(&trust.inner, jws, issuer, now)?;
        publish(out, verified_of_consent(&r)?);
        Ok(())
    })
}

/// Verifies a detached AA signature (an `x-jws-signature` value `header..signature`) over the
/// exact `body` bytes, in the three `b64` variants (`false`: over `header "." body`; `true` or
/// absent: over `header "." base64url(body)`); the result handle goes to `*out`. `issuer` as for
/// `consentry_aa_verify`. A value whose middle segment is not empty is
/// `CONSENTRY_RESULT_AA_JWS_STRUCTURE`; a changed body `CONSENTRY_RESULT_SIGNATURE_INVALID`. The
/// handle's JSON is the `aaVerifyDetached` result `{"kid", "alg", "b64", "issuer"}`. Free it
/// with `consentry_aa_verified_free`. Thread-safe.
///
/// # Safety
/// As `consentry_aa_verify`; `signature` and `body` must point to their lengths of readable
/// bytes (`body` may be empty but not NULL).
#[no_mangle]
pub unsafe extern "C" fn consentry_aa_verify_detached(
    trust: *const consentry_aa_trust,
    signature: *const u8,
    signature_len: usize,
    body: *const u8,
    body_len: usize,
    issuer: *const u8,
    issuer_len: usize,
    out: *mut *const consentry_aa_verified,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (trust, signature, body, issuer) = unsafe {
            (
                handle(trust, "trust")?,
                text(signature, signature_len, "signature")?,
                bytes(body, body_len, "body")?,
                optional_text(issuer, issuer_len, "issuer")?,
            )
        };
        let out = Out::new(out, "out")?;
        let r = interop::aa_verify_detached_with(&trust.inner, signature, body, issuer)?;
        publish(out, verified_of_detached(&r)?);
        Ok(())
    })
}

/// Frees a verified AA result. NULL is a no-op.
///
/// # Safety
/// `verified` must be NULL or a pointer from `consentry_aa_verify` or
/// `consentry_aa_verify_detached` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn consentry_aa_verified_free(verified: *const consentry_aa_verified) {
    guard_void(|| {
        if !verified.is_null() {
            // SAFETY: from `Arc::into_raw` in `publish`, released once.
            drop(unsafe { Arc::from_raw(verified) });
        }
    })
}

/// The result's JSON (the `aaVerify` or `aaVerifyDetached` result, the same text as
/// `consentry_call_json` gives) into `out`, NUL-terminated; `*out_len` receives its length
/// without the NUL. On `CONSENTRY_RESULT_BUFFER_TOO_SMALL`, `*out_len` receives the capacity
/// needed (with the NUL) and `out` is untouched (8 KiB fits the specification's example).
///
/// # Safety
/// `verified` must be live; `out` valid for `out_cap` bytes; `out_len` for one write; `err`
/// NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_aa_verified_json(
    verified: *const consentry_aa_verified,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let v = unsafe { handle(verified, "verified") }?;
        let dst = OutBuf::new(out, out_cap, out_len)?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(v.json.as_bytes(), true) }
    })
}

/// The header's `kid` into `out`, NUL-terminated (buffer rules as `consentry_aa_verified_json`).
///
/// # Safety
/// As `consentry_aa_verified_json`.
#[no_mangle]
pub unsafe extern "C" fn consentry_aa_verified_kid(
    verified: *const consentry_aa_verified,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let v = unsafe { handle(verified, "verified") }?;
        let dst = OutBuf::new(out, out_cap, out_len)?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(v.kid.as_bytes(), true) }
    })
}

/// The entity id the signing key is bound to into `out`, NUL-terminated (buffer rules as
/// `consentry_aa_verified_json`). A key loaded without an entity has none:
/// `CONSENTRY_RESULT_INVALID_ARGUMENT`, nothing written.
///
/// # Safety
/// As `consentry_aa_verified_json`.
#[no_mangle]
pub unsafe extern "C" fn consentry_aa_verified_issuer(
    verified: *const consentry_aa_verified,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let v = unsafe { handle(verified, "verified") }?;
        let dst = OutBuf::new(out, out_cap, out_len)?;
        let issuer = v.issuer.as_deref().ok_or_else(|| {
            Fail::new(
                Code::InvalidArgument,
                "the signing key is bound to no entity",
            )
        })?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(issuer.as_bytes(), true) }
    })
}

/// The algorithm (`CONSENTRY_AA_ALG_RS256` or `_PS256`) and the `b64` mode into `*alg` and
/// `*b64` (either may be NULL when not wanted).
///
/// # Safety
/// `verified` must be live; `alg` and `b64` NULL or valid for one write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_aa_verified_mode(
    verified: *const consentry_aa_verified,
    alg: *mut consentry_aa_alg,
    b64: *mut consentry_aa_b64,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let v = unsafe { handle(verified, "verified") }?;
        if !alg.is_null() {
            // SAFETY: not NULL; valid for a write (contract).
            unsafe { alg.write(v.alg) };
        }
        if !b64.is_null() {
            // SAFETY: not NULL; valid for a write (contract).
            unsafe { b64.write(v.b64) };
        }
        Ok(())
    })
}

/// Decides whether a use of data is allowed by an AA signed consent, exactly as
/// `consentry_verifier_decide` does for consentry's own artefacts. The JWS is verified against
/// `trust` (with `issuer`, NULL for none, as for `consentry_aa_verify`) and imported: those
/// failures are result codes. `request_json` is the request (`{"recipient", "purpose",
/// "operation", "fields", "now", "uses"?, "leeway"?, "acceptUnknownStatus"?}`). `status` (NULL
/// for none) is the consent's status as the caller learnt it from the AA: `ACTIVE` is valid,
/// `PAUSED` suspended, any other value revoked; NULL fails closed (a denial with
/// `status_unknown` unless the request accepts an unknown status). Time, recipient, purpose,
/// mode, fields and status are decision checks: the result is `CONSENTRY_RESULT_OK` and the
/// decision `{"allowed": true, "fields", "transforms", "eraseBy"}` or `{"allowed": false,
/// "reasons"}` is written into `out`, NUL-terminated (buffer rules as
/// `consentry_verifier_verify`). Thread-safe.
///
/// # Safety
/// `trust` and `taxonomy` must be live; `jws` and `request_json` must point to their lengths of
/// readable bytes; `issuer` and `status` NULL or their lengths of readable bytes; `out` valid
/// for `out_cap` bytes and not overlapping any input; `out_len` for one write; `err` NULL or
/// live.
#[no_mangle]
pub unsafe extern "C" fn consentry_aa_decide(
    trust: *const consentry_aa_trust,
    taxonomy: *const consentry_taxonomy,
    jws: *const u8,
    jws_len: usize,
    issuer: *const u8,
    issuer_len: usize,
    request_json: *const u8,
    request_json_len: usize,
    status: *const u8,
    status_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (trust, tax, jws, issuer, req, status) = unsafe {
            (
                handle(trust, "trust")?,
                handle(taxonomy, "taxonomy")?,
                text(jws, jws_len, "jws")?,
                optional_text(issuer, issuer_len, "issuer")?,
                text(request_json, request_json_len, "request_json")?,
                optional_text(status, status_len, "status")?,
            )
        };
        let dst = OutBuf::new(out, out_cap, out_len)?;
        let request: consentry::Request = consentry::json::from_str(req)
            .map_err(|e| Fail::new(Code::RequestInvalid, format!("`request_json`: {e}")))?;
        let decision =
            interop::aa_decide_with(&trust.inner, &tax.inner, jws, issuer, &request, status)?;
        // Through a JSON value, as the JSON interface does: the same text on every face.
        let json = serde_json::to_value(&decision)
            .and_then(|v| serde_json::to_vec(&v))
            .map_err(|_| Fail::new(Code::Internal, "the decision does not serialise"))?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(&json, true) }
    })
}
