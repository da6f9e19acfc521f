//! `consentry_call_json`: the binding-neutral JSON interface (`consentry::interop`).

use consentry::interop;

use crate::boundary::{guard, text, Fail, OutBuf};
use crate::{consentry_error, consentry_result, rng};

/// Runs an operation of the binding-neutral JSON interface (`consentry::interop`): `op` is its
/// name (`verify`, `decide`, `inspect`, `issue`, `statusGet`, `keyPublic`, and every
/// operation added to the core later) and `request` its JSON request (camelCase, bytes as
/// base64url). Writes the response envelope `{"ok": true, "result": ...}` or `{"ok": false, "error": {"code",
/// "numericCode", "message"}}` into `out`, NUL-terminated, and returns `CONSENTRY_RESULT_OK`
/// or the error's code. Unlike the other functions, the output is written on an operation's
/// failure too (the envelope carries the error); it is not written on argument errors
/// (NULL, UTF-8, buffer too small). Buffer rules as `consentry_verifier_verify`. Thread-safe.
///
/// # Safety
/// `op` and `request` must point to their lengths of readable bytes; `out` valid for
/// `out_cap` bytes; `out_len` for one write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_call_json(
    op: *const u8,
    op_len: usize,
    request: *const u8,
    request_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (op, request) = unsafe {
            (
                text(op, op_len, "op")?,
                text(request, request_len, "request")?,
            )
        };
        let dst = OutBuf::new(out, out_cap, out_len)?;
        let result = interop::call(op, request, &rng());
        let response = interop::envelope(result.as_ref());
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(response.as_bytes(), true) }?;
        match result {
            Ok(_) => Ok(()),
            Err(e) => Err(Fail::from(e)),
        }
    })
}
