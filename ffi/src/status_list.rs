//! `consentry_status_list`: Token Status Lists, made and signed here or read from a verified
//! token.

use consentry::status::{Freshness, StatusList, StatusListOptions, StatusListToken, StatusValue};
use consentry::Code;

use crate::boundary::{bytes, guard, guard_void, handle, handle_mut, text, Fail, Out, OutBuf};
use crate::signing_key::consentry_signing_key;
use crate::verifier::consentry_verifier;
use crate::{consentry_error, consentry_result, rng};

/// Status value VALID (0).
pub const CONSENTRY_STATUS_VALID: u8 = 0;
/// Status value INVALID (1): the artefact is revoked, consent withdrawn.
pub const CONSENTRY_STATUS_INVALID: u8 = 1;
/// Status value SUSPENDED (2): consent paused.
pub const CONSENTRY_STATUS_SUSPENDED: u8 = 2;

/// List freshness (`consentry_status_list_freshness`): within `exp` and `iat + ttl`.
pub const CONSENTRY_STATUS_LIST_FRESH: u8 = 0;
/// List freshness: past the list's `exp`; it must not be used to prove an artefact valid.
pub const CONSENTRY_STATUS_LIST_EXPIRED: u8 = 1;
/// List freshness: past `iat + ttl`; a newer list should be fetched, and this one cannot prove
/// an artefact valid.
pub const CONSENTRY_STATUS_LIST_STALE: u8 = 2;
/// List freshness: issued in the future (`iat` after now + 60 s); it cannot prove an artefact
/// valid.
pub const CONSENTRY_STATUS_LIST_FUTURE: u8 = 3;

/// A status list: 1, 2, 4 or 8 bits per artefact. Mutable and NOT thread-safe.
pub struct consentry_status_list {
    pub(crate) inner: StatusList,
    /// What the signed token said, for a list from `consentry_status_list_from_token`.
    token: Option<TokenInfo>,
}

/// The verified token's claims a C caller needs to judge a list: where it is published, who
/// signed it and whether it is current.
struct TokenInfo {
    sub: String,
    kid: Vec<u8>,
    freshness: Freshness,
}

/// Creates a status list of `size` entries (1 to 2^24) with `bits` bits each (1, 2, 4 or 8),
/// all VALID, in `*out`. Free it with `consentry_status_list_free`.
///
/// # Safety
/// `out` must be valid for one write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_status_list_new(
    size: u64,
    bits: u8,
    out: *mut *mut consentry_status_list,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        let out = Out::new(out, "out")?;
        let inner = StatusList::new(size, bits).map_err(|e| Fail::of(&e))?;
        let l = Box::into_raw(Box::new(consentry_status_list { inner, token: None }));
        // SAFETY: `out` is valid for a write (contract).
        unsafe { out.write(l) };
        Ok(())
    })
}

/// Verifies a signed status list token against the verifier's trust store at `now` and copies
/// its list into `*out` (to read statuses with `consentry_status_list_get`), with its `sub`
/// (`consentry_status_list_sub`), signing `kid` (`consentry_status_list_kid`) and freshness at
/// `now` (`consentry_status_list_freshness`). Freshness is not enforced here: a caller reading
/// statuses itself must check that the list is fresh, is published at the artefact's status URI
/// and is signed by the artefact's own key (a list speaks only for its own issuer's artefacts);
/// `consentry_verifier_verify` with the token does all of that.
///
/// # Safety
/// `verifier` must be a live verifier; `token` must point to `token_len` readable bytes; `out`
/// valid for one write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_status_list_from_token(
    verifier: *const consentry_verifier,
    token: *const u8,
    token_len: usize,
    now: i64,
    out: *mut *mut consentry_status_list,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (v, token) = unsafe {
            (
                handle(verifier, "verifier")?,
                bytes(token, token_len, "token")?,
            )
        };
        let out = Out::new(out, "out")?;
        let verified = StatusListToken::verify(
            token,
            v.inner.trust_store(),
            now,
            &StatusListOptions::default(),
        )
        .map_err(|e| Fail::of(&e))?;
        let l = Box::into_raw(Box::new(consentry_status_list {
            inner: verified.token.list,
            token: Some(TokenInfo {
                sub: verified.token.sub,
                kid: verified.kid,
                freshness: verified.freshness,
            }),
        }));
        // SAFETY: `out` is valid for a write (contract).
        unsafe { out.write(l) };
        Ok(())
    })
}

fn token_info(list: &consentry_status_list) -> Result<&TokenInfo, Fail> {
    list.token.as_ref().ok_or_else(|| {
        Fail::new(
            Code::InvalidArgument,
            "`list` was not read from a signed token (use `consentry_status_list_from_token`)",
        )
    })
}

/// The freshness of a list read with `consentry_status_list_from_token`, at the `now` it was
/// read: `CONSENTRY_STATUS_LIST_FRESH`, `_EXPIRED`, `_STALE` or `_FUTURE` in `*out_state`, and
/// in `*out_at` (NULL to skip) the list's `exp` when expired, when it should have been refreshed
/// when stale, its `iat` when issued in the future, 0 when fresh. Only a fresh list can prove an artefact valid. A list made with
/// `consentry_status_list_new` has no freshness: `CONSENTRY_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// `list` must be a live status list; `out_state` valid for one write; `out_at` NULL or valid
/// for one write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_status_list_freshness(
    list: *const consentry_status_list,
    out_state: *mut u8,
    out_at: *mut i64,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let list = unsafe { handle(list, "list") }?;
        let out = Out::new(out_state, "out_state")?;
        let info = token_info(list)?;
        let (state, at) = match info.freshness {
            Freshness::Expired { exp } => (CONSENTRY_STATUS_LIST_EXPIRED, exp),
            Freshness::Stale { refresh_by } => (CONSENTRY_STATUS_LIST_STALE, refresh_by),
            Freshness::IssuedInFuture { iat } => (CONSENTRY_STATUS_LIST_FUTURE, iat),
            Freshness::Fresh => (CONSENTRY_STATUS_LIST_FRESH, 0),
            // `Freshness` is non-exhaustive: a state added later is not fresh (fail closed).
            _ => (CONSENTRY_STATUS_LIST_STALE, 0),
        };
        // SAFETY: `out` is valid for a write (contract); `out_at` NULL or valid (contract).
        unsafe {
            out.write(state);
            if let Some(at_out) = out_at.as_mut() {
                *at_out = at;
            }
        }
        Ok(())
    })
}

/// The `sub` of a list read with `consentry_status_list_from_token`: the URI it is published
/// at, NUL-terminated in `out` (an artefact's status is in this list only when its status URI
/// is this one). Buffer rules as `consentry_verifier_verify`. A list made with
/// `consentry_status_list_new` has none: `CONSENTRY_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// `list` must be a live status list; `out` valid for `out_cap` bytes; `out_len` for one write;
/// `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_status_list_sub(
    list: *const consentry_status_list,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let list = unsafe { handle(list, "list") }?;
        let dst = OutBuf::new(out, out_cap, out_len)?;
        let info = token_info(list)?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(info.sub.as_bytes(), true) }
    })
}

/// The `kid` that signed a list read with `consentry_status_list_from_token` (binary, at most
/// 64 bytes). A list applies only to artefacts signed by the same key; one key may be trusted
/// under several `kid`s, so the verifier compares keys, not `kid`s (`consentry_verifier_verify`
/// and `consentry_verifier_decide` apply the rule). Buffer rules as `consentry_issue`. A list made with
/// `consentry_status_list_new` has none: `CONSENTRY_RESULT_INVALID_ARGUMENT`.
///
/// # Safety
/// `list` must be a live status list; `out` valid for `out_cap` bytes; `out_len` for one write;
/// `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_status_list_kid(
    list: *const consentry_status_list,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let list = unsafe { handle(list, "list") }?;
        let dst = OutBuf::new(out, out_cap, out_len)?;
        let info = token_info(list)?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(&info.kid, false) }
    })
}

/// Frees a status list. NULL is a no-op.
///
/// # Safety
/// `list` must be NULL or a pointer from `consentry_status_list_new` or
/// `consentry_status_list_from_token` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn consentry_status_list_free(list: *mut consentry_status_list) {
    guard_void(|| {
        if !list.is_null() {
            // SAFETY: from `Box::into_raw` in a constructor, freed once (contract).
            drop(unsafe { Box::from_raw(list) });
        }
    })
}

/// Sets the status at `idx` to `value` (`CONSENTRY_STATUS_VALID`, `_INVALID`, `_SUSPENDED`, or
/// an application value that fits the list's bits).
///
/// # Safety
/// `list` must be a live status list used by no other thread; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_status_list_set(
    list: *mut consentry_status_list,
    idx: u64,
    value: u8,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let list = unsafe { handle_mut(list, "list") }?;
        list.inner
            .set(idx, StatusValue::from_u8(value))
            .map_err(|e| Fail::of(&e))
    })
}

/// The status at `idx`, in `*out_value`.
///
/// # Safety
/// `list` must be a live status list not changed during the call; `out_value` valid for one
/// write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_status_list_get(
    list: *const consentry_status_list,
    idx: u64,
    out_value: *mut u8,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let list = unsafe { handle(list, "list") }?;
        let out = Out::new(out_value, "out_value")?;
        let v = list.inner.get(idx).map_err(|e| Fail::of(&e))?;
        // SAFETY: `out` is valid for a write (contract).
        unsafe { out.write(v.as_u8()) };
        Ok(())
    })
}

/// The number of entries in the list (its size rounded up to a whole byte), in `*out`.
///
/// # Safety
/// `list` must be a live status list; `out` valid for one write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_status_list_len(
    list: *const consentry_status_list,
    out: *mut u64,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let list = unsafe { handle(list, "list") }?;
        let out = Out::new(out, "out")?;
        // SAFETY: `out` is valid for a write (contract).
        unsafe { out.write(list.inner.len()) };
        Ok(())
    })
}

/// Encodes the list as the CBOR `status_list` claim value (`{"bits", "lst": zlib}`), unsigned.
/// Buffer rules as `consentry_issue` (binary, not NUL-terminated).
///
/// # Safety
/// `list` must be a live status list; `out` valid for `out_cap` bytes; `out_len` for one write;
/// `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_status_list_encode(
    list: *const consentry_status_list,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let list = unsafe { handle(list, "list") }?;
        let dst = OutBuf::new(out, out_cap, out_len)?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(&list.inner.to_cbor(), false) }
    })
}

/// Signs the list as a Status List Token (tagged COSE_Sign1 over CWT claims, `typ`
/// `application/statuslist+cwt`) published at `uri`, issued at `iat`, with an optional
/// expiry `exp` and refresh interval `ttl` (NULL for none). Buffer rules as `consentry_issue`.
///
/// # Safety
/// `list` and `key` must be live; `uri` must point to `uri_len` readable bytes; `exp` and
/// `ttl` NULL or valid for one read; `out` valid for `out_cap` bytes; `out_len` for one write;
/// `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_status_list_sign(
    list: *const consentry_status_list,
    key: *const consentry_signing_key,
    uri: *const u8,
    uri_len: usize,
    iat: i64,
    exp: *const i64,
    ttl: *const u64,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract; `exp` and `ttl` are NULL or
        // valid for one read.
        let (list, key, uri, exp, ttl) = unsafe {
            (
                handle(list, "list")?,
                handle(key, "key")?,
                text(uri, uri_len, "uri")?,
                exp.as_ref().copied(),
                ttl.as_ref().copied(),
            )
        };
        let dst = OutBuf::new(out, out_cap, out_len)?;
        let token = StatusListToken {
            sub: uri.to_owned(),
            iat,
            exp,
            ttl,
            list: list.inner.clone(),
        };
        let signed = token.sign(&key.inner, &rng()).map_err(|e| Fail::of(&e))?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(&signed, false) }
    })
}
