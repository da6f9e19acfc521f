//! `consentry_taxonomy`: the purpose taxonomy a decision is made against.

use std::sync::Arc;

use consentry::{interop, Code};

use crate::boundary::{guard, guard_void, text, Fail, Out};
use crate::{consentry_error, consentry_result};

/// A purpose taxonomy: the shipped packs (AA, ABDM, DPDP s.7, service tree) and optionally a
/// document of the caller's own. Immutable and thread-safe.
pub struct consentry_taxonomy {
    pub(crate) inner: consentry::Taxonomy,
}

// Documented as thread-safe, and really so.
const _: () = crate::send_sync::<consentry_taxonomy>();

/// Creates a taxonomy of the shipped purpose packs plus, when `extra_json` is not NULL, one
/// taxonomy document of the caller's own (JSON text). Immutable and thread-safe. Free it with
/// `consentry_taxonomy_free`.
///
/// # Safety
/// `extra_json` must be NULL or point to `extra_json_len` readable bytes; `out` valid for one
/// write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_taxonomy_new(
    extra_json: *const u8,
    extra_json_len: usize,
    out: *mut *const consentry_taxonomy,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        let extra = if extra_json.is_null() {
            Vec::new()
        } else {
            // SAFETY: not NULL; validity is the caller's contract.
            let t = unsafe { text(extra_json, extra_json_len, "extra_json") }?;
            vec![("extra_json".to_owned(), t.to_owned())]
        };
        let out = Out::new(out, "out")?;
        let inner = interop::taxonomy_with(&extra)?;
        let t = Arc::into_raw(Arc::new(consentry_taxonomy { inner }));
        // SAFETY: `out` is valid for a write (contract).
        unsafe { out.write(t) };
        Ok(())
    })
}

/// `consentry_taxonomy_new_with` flag: let the caller's document flag legitimate uses (a basis
/// that skips consent and the parental-consent check). Without it such a document is refused
/// with `CONSENTRY_RESULT_TAXONOMY_LEGITIMATE_USE_NOT_ALLOWED`.
pub const CONSENTRY_TAXONOMY_ALLOW_LEGITIMATE_USES: u32 = 1;

/// `consentry_taxonomy_new` with `flags` (0, or `CONSENTRY_TAXONOMY_ALLOW_LEGITIMATE_USES`; any
/// other bit is `CONSENTRY_RESULT_INVALID_ARGUMENT`). A caller's document may never use a shipped
/// prefix (`aa`, `abdm`, `dpdp`, `svc`) or place a purpose under a shipped one.
///
/// # Safety
/// As `consentry_taxonomy_new`.
#[no_mangle]
pub unsafe extern "C" fn consentry_taxonomy_new_with(
    extra_json: *const u8,
    extra_json_len: usize,
    flags: u32,
    out: *mut *const consentry_taxonomy,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        if flags & !CONSENTRY_TAXONOMY_ALLOW_LEGITIMATE_USES != 0 {
            return Err(Fail::new(Code::InvalidArgument, "`flags` has unknown bits"));
        }
        let extra = if extra_json.is_null() {
            Vec::new()
        } else {
            // SAFETY: not NULL; validity is the caller's contract.
            let t = unsafe { text(extra_json, extra_json_len, "extra_json") }?;
            vec![("extra_json".to_owned(), t.to_owned())]
        };
        let out = Out::new(out, "out")?;
        let allow = flags & CONSENTRY_TAXONOMY_ALLOW_LEGITIMATE_USES != 0;
        let inner = interop::taxonomy_with_options(&extra, allow)?;
        let t = Arc::into_raw(Arc::new(consentry_taxonomy { inner }));
        // SAFETY: `out` is valid for a write (contract).
        unsafe { out.write(t) };
        Ok(())
    })
}

/// Frees a taxonomy. NULL is a no-op. No other thread may still be using it.
///
/// # Safety
/// `taxonomy` must be NULL or a pointer from `consentry_taxonomy_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn consentry_taxonomy_free(taxonomy: *const consentry_taxonomy) {
    guard_void(|| {
        if !taxonomy.is_null() {
            // SAFETY: from `Arc::into_raw` in `consentry_taxonomy_new`, released once.
            drop(unsafe { Arc::from_raw(taxonomy) });
        }
    })
}
