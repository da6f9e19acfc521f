//! `consentry_verifier`: verifying artefacts (verdict, verified JSON) and deciding on them.

use std::sync::Arc;

use consentry::{interop, Code, Verifier};

use crate::boundary::{
    binary, guard, guard_void, handle, optional_binary, text, Fail, Form, Out, OutBuf,
};
use crate::taxonomy::consentry_taxonomy;
use crate::trust_store::consentry_trust_store;
use crate::{consentry_error, consentry_result};

/// The verifier's default clock-skew leeway in seconds.
pub const CONSENTRY_DEFAULT_LEEWAY: u64 = 60;
/// The largest leeway a verifier accepts, in seconds.
pub const CONSENTRY_MAX_LEEWAY: u64 = 300;
// Literals so that cbindgen can write them; the core's values are the truth.
const _: () = assert!(CONSENTRY_DEFAULT_LEEWAY == consentry::DEFAULT_LEEWAY);
const _: () = assert!(CONSENTRY_MAX_LEEWAY == consentry::MAX_LEEWAY);

/// A verifier: a trust store and a leeway. Immutable and thread-safe: one verifier may be used
/// from any number of threads at once.
pub struct consentry_verifier {
    pub(crate) inner: Verifier,
}

// Documented as thread-safe, and really so.
const _: () = crate::send_sync::<consentry_verifier>();

/// Creates a verifier from a copy of `store` with a clock-skew leeway in seconds
/// (`CONSENTRY_DEFAULT_LEEWAY` is the usual choice; at most `CONSENTRY_MAX_LEEWAY`, else
/// `CONSENTRY_RESULT_INVALID_OPTION`). The verifier is immutable and thread-safe. Free it with
/// `consentry_verifier_free`.
///
/// # Safety
/// `store` must be a live trust store not being changed during the call; `out` valid for one
/// write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_verifier_new(
    store: *const consentry_trust_store,
    leeway_seconds: u64,
    out: *mut *const consentry_verifier,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let store = unsafe { handle(store, "store") }?;
        let out = Out::new(out, "out")?;
        let inner = Verifier::new(store.inner.clone())
            .with_leeway(leeway_seconds)
            .map_err(|e| Fail::of(&e))?;
        let v = Arc::into_raw(Arc::new(consentry_verifier { inner }));
        // SAFETY: `out` is valid for a write (contract).
        unsafe { out.write(v) };
        Ok(())
    })
}

/// Frees a verifier. NULL is a no-op. No other thread may still be using it.
///
/// # Safety
/// `verifier` must be NULL or a pointer from `consentry_verifier_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn consentry_verifier_free(verifier: *const consentry_verifier) {
    guard_void(|| {
        if !verifier.is_null() {
            // SAFETY: from `Arc::into_raw` in `consentry_verifier_new`, released once.
            drop(unsafe { Arc::from_raw(verifier) });
        }
    })
}

/// Verifies an artefact (a tagged COSE_Sign1, binary) for relying party `audience` at `now`
/// (seconds since the epoch) and returns only the verdict: `CONSENTRY_RESULT_OK` or the first
/// failing check's code. Thread-safe.
///
/// # Safety
/// `verifier` must be a live verifier; `artefact` and `audience` must point to their lengths
/// of readable bytes; `err` NULL or a live error object used by this thread only.
#[no_mangle]
pub unsafe extern "C" fn consentry_verifier_check(
    verifier: *const consentry_verifier,
    artefact: *const u8,
    artefact_len: usize,
    audience: *const u8,
    audience_len: usize,
    now: i64,
    err: *mut consentry_error,
) -> consentry_result {
    // SAFETY: forwarded contract.
    unsafe {
        check(
            Form::Bytes,
            verifier,
            artefact,
            artefact_len,
            audience,
            audience_len,
            now,
            err,
        )
    }
}

/// `consentry_verifier_check` with the artefact as base64url text (no padding; surrounding
/// whitespace is ignored), as the command line, the JSON interface and npm take it: the same
/// verdict as for its bytes. Text that is not base64url is `CONSENTRY_RESULT_NOT_BASE64URL`
/// (text that is not UTF-8, `CONSENTRY_RESULT_INVALID_UTF8`); the message names the argument,
/// never its value.
///
/// # Safety
/// As `consentry_verifier_check`.
#[no_mangle]
pub unsafe extern "C" fn consentry_verifier_check_b64(
    verifier: *const consentry_verifier,
    artefact: *const u8,
    artefact_len: usize,
    audience: *const u8,
    audience_len: usize,
    now: i64,
    err: *mut consentry_error,
) -> consentry_result {
    // SAFETY: forwarded contract.
    unsafe {
        check(
            Form::Base64url,
            verifier,
            artefact,
            artefact_len,
            audience,
            audience_len,
            now,
            err,
        )
    }
}

/// The body of `consentry_verifier_check` and `_check_b64`.
///
/// # Safety
/// As `consentry_verifier_check`.
#[expect(clippy::too_many_arguments, reason = "the C signature, plus the form")]
unsafe fn check(
    form: Form,
    verifier: *const consentry_verifier,
    artefact: *const u8,
    artefact_len: usize,
    audience: *const u8,
    audience_len: usize,
    now: i64,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (v, art, aud) = unsafe {
            (
                handle(verifier, "verifier")?,
                binary(artefact, artefact_len, "artefact", form)?,
                text(audience, audience_len, "audience")?,
            )
        };
        v.inner
            .verify(&art, aud, now)
            .map(drop)
            .map_err(|e| Fail::of(&e))
    })
}

/// Verifies an artefact as `consentry_verifier_check` does and writes the verified artefact's
/// JSON (`{"verified": true, "alg", "kid", "status", "claims"}`) into `out`, NUL-terminated;
/// `*out_len` receives its length without the NUL. With a signed status list
/// (`status_list`, `status_list_len`; NULL for none), the list is verified with the same trust
/// store and the artefact's status checked in it, failing closed: the artefact passes only
/// when its own issuer's fresh list shows it VALID. `CONSENTRY_RESULT_REVOKED` or
/// `CONSENTRY_RESULT_SUSPENDED` when so; `CONSENTRY_RESULT_STATUS_LIST_FOREIGN` for a list
/// signed by another key (it can neither revoke nor un-revoke), `_STATUS_LIST_OTHER_URI` for a
/// list published elsewhere, `_STATUS_LIST_STALE` for an expired or stale list,
/// `_STATUS_LIST_ISSUED_IN_FUTURE` for a list whose `iat` is after now + 60 s, and
/// `_STATUS_VALUE_UNKNOWN` for a value above 2. To accept an unknown status, use
/// `consentry_call_json` (`verify` with `"acceptUnknownStatus": true`). On `CONSENTRY_RESULT_BUFFER_TOO_SMALL`, `*out_len`
/// receives the capacity needed (with the NUL) and `out` is untouched (4 KiB fits any typical
/// artefact). Thread-safe.
///
/// # Safety
/// As `consentry_verifier_check`; `status_list` NULL or `status_list_len` readable bytes;
/// `out` valid for `out_cap` bytes of writes and not overlapping any input; `out_len` for one
/// write.
#[no_mangle]
pub unsafe extern "C" fn consentry_verifier_verify(
    verifier: *const consentry_verifier,
    artefact: *const u8,
    artefact_len: usize,
    audience: *const u8,
    audience_len: usize,
    now: i64,
    status_list: *const u8,
    status_list_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    let args = VerifyArgs {
        verifier,
        artefact,
        artefact_len,
        audience,
        audience_len,
        now,
        status_list,
        status_list_len,
    };
    // SAFETY: forwarded contract.
    unsafe { verify(Form::Bytes, &args, out, out_cap, out_len, err) }
}

/// `consentry_verifier_verify` with the artefact and the status list (NULL for none) as
/// base64url text (no padding; surrounding whitespace is ignored): the same result, byte for
/// byte, as for their bytes. Text that is not base64url is `CONSENTRY_RESULT_NOT_BASE64URL`
/// (text that is not UTF-8, `CONSENTRY_RESULT_INVALID_UTF8`); the message names the argument,
/// never its value. Buffer rules as `consentry_verifier_verify`.
///
/// # Safety
/// As `consentry_verifier_verify`.
#[no_mangle]
pub unsafe extern "C" fn consentry_verifier_verify_b64(
    verifier: *const consentry_verifier,
    artefact: *const u8,
    artefact_len: usize,
    audience: *const u8,
    audience_len: usize,
    now: i64,
    status_list: *const u8,
    status_list_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    let args = VerifyArgs {
        verifier,
        artefact,
        artefact_len,
        audience,
        audience_len,
        now,
        status_list,
        status_list_len,
    };
    // SAFETY: forwarded contract.
    unsafe { verify(Form::Base64url, &args, out, out_cap, out_len, err) }
}

/// The inputs of `consentry_verifier_verify`, as the caller gave them.
struct VerifyArgs {
    verifier: *const consentry_verifier,
    artefact: *const u8,
    artefact_len: usize,
    audience: *const u8,
    audience_len: usize,
    now: i64,
    status_list: *const u8,
    status_list_len: usize,
}

/// The body of `consentry_verifier_verify` and `_verify_b64`.
///
/// # Safety
/// As `consentry_verifier_verify`.
unsafe fn verify(
    form: Form,
    a: &VerifyArgs,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract; the status list may be NULL.
        let (v, art, aud, list) = unsafe {
            (
                handle(a.verifier, "verifier")?,
                binary(a.artefact, a.artefact_len, "artefact", form)?,
                text(a.audience, a.audience_len, "audience")?,
                optional_binary(a.status_list, a.status_list_len, "status_list", form)?,
            )
        };
        let dst = OutBuf::new(out, out_cap, out_len)?;
        let json = interop::verify_with(&v.inner, &art, aud, a.now, list.as_deref(), false)?;
        let text = interop::to_json_text(&json)?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(text.as_bytes(), true) }
    })
}

/// Decides whether a use of data is allowed by an artefact: `request_json` is the request
/// (`{"recipient", "purpose", "operation", "fields", "now", "uses"?, "leeway"?,
/// "acceptUnknownStatus"?}`). The artefact is authenticated (signature, header, strict claims:
/// failures are result codes); time, audience, status and purpose are decision checks, so a
/// denial is a value: the result is `CONSENTRY_RESULT_OK` and the JSON decision
/// `{"allowed": true, "fields", "transforms", "eraseBy"}` or `{"allowed": false, "reasons"}`
/// is written into `out`, NUL-terminated. `status_list` (signed, NULL for none) is verified
/// with the verifier's trust store. Buffer rules as `consentry_verifier_verify`. Thread-safe.
///
/// # Safety
/// `verifier` and `taxonomy` must be live; `artefact`, `request_json` and (unless NULL)
/// `status_list` must point to their lengths of readable bytes; `out` valid for `out_cap`
/// bytes and not overlapping any input; `out_len` for one write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_verifier_decide(
    verifier: *const consentry_verifier,
    taxonomy: *const consentry_taxonomy,
    artefact: *const u8,
    artefact_len: usize,
    request_json: *const u8,
    request_json_len: usize,
    status_list: *const u8,
    status_list_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    let args = DecideArgs {
        verifier,
        taxonomy,
        artefact,
        artefact_len,
        request_json,
        request_json_len,
        status_list,
        status_list_len,
    };
    // SAFETY: forwarded contract.
    unsafe { decide(Form::Bytes, &args, out, out_cap, out_len, err) }
}

/// `consentry_verifier_decide` with the artefact and the status list (NULL for none) as
/// base64url text (no padding; surrounding whitespace is ignored): the same decision, byte for
/// byte, as for their bytes. Text that is not base64url is `CONSENTRY_RESULT_NOT_BASE64URL`
/// (text that is not UTF-8, `CONSENTRY_RESULT_INVALID_UTF8`); the message names the argument,
/// never its value. Buffer rules as `consentry_verifier_verify`.
///
/// # Safety
/// As `consentry_verifier_decide`.
#[no_mangle]
pub unsafe extern "C" fn consentry_verifier_decide_b64(
    verifier: *const consentry_verifier,
    taxonomy: *const consentry_taxonomy,
    artefact: *const u8,
    artefact_len: usize,
    request_json: *const u8,
    request_json_len: usize,
    status_list: *const u8,
    status_list_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    let args = DecideArgs {
        verifier,
        taxonomy,
        artefact,
        artefact_len,
        request_json,
        request_json_len,
        status_list,
        status_list_len,
    };
    // SAFETY: forwarded contract.
    unsafe { decide(Form::Base64url, &args, out, out_cap, out_len, err) }
}

/// The inputs of `consentry_verifier_decide`, as the caller gave them.
struct DecideArgs {
    verifier: *const consentry_verifier,
    taxonomy: *const consentry_taxonomy,
    artefact: *const u8,
    artefact_len: usize,
    request_json: *const u8,
    request_json_len: usize,
    status_list: *const u8,
    status_list_len: usize,
}

/// The body of `consentry_verifier_decide` and `_decide_b64`.
///
/// # Safety
/// As `consentry_verifier_decide`.
unsafe fn decide(
    form: Form,
    a: &DecideArgs,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract; the status list may be NULL.
        let (v, tax, art, req, list) = unsafe {
            (
                handle(a.verifier, "verifier")?,
                handle(a.taxonomy, "taxonomy")?,
                binary(a.artefact, a.artefact_len, "artefact", form)?,
                text(a.request_json, a.request_json_len, "request_json")?,
                optional_binary(a.status_list, a.status_list_len, "status_list", form)?,
            )
        };
        let dst = OutBuf::new(out, out_cap, out_len)?;
        let request: consentry::Request = consentry::json::from_str(req)
            .map_err(|e| Fail::new(Code::RequestInvalid, format!("`request_json`: {e}")))?;
        let decision = interop::decide_with(&v.inner, &tax.inner, &art, &request, list.as_deref())?;
        // Through a JSON value, as the JSON interface does: the same text on every face.
        let json = serde_json::to_value(&decision)
            .and_then(|v| serde_json::to_vec(&v))
            .map_err(|_| Fail::new(Code::Internal, "the decision does not serialise"))?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(&json, true) }
    })
}
