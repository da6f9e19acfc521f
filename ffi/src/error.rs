//! Result codes as text, and the caller-owned error object that receives a failure's code and
//! message (there is no thread-local "last error").

use core::ffi::c_char;

use crate::boundary::{self, guard, guard_void, handle, Out, OutBuf};
use crate::consentry_result;

/// A detailed error: the code and the message of the last failure of a call it was passed to.
///
/// Created by the caller with `consentry_error_new` and passed, optionally, as the last argument
/// of fallible functions; a failing call overwrites it, a succeeding call leaves it alone. Not
/// thread-safe: use one per thread (or per call).
pub struct consentry_error {
    pub(crate) code: u32,
    /// The message, without interior NUL bytes, followed by one NUL.
    pub(crate) message: Vec<u8>,
}

impl consentry_error {
    pub(crate) fn empty() -> Self {
        consentry_error {
            code: 0,
            message: vec![0],
        }
    }

    pub(crate) fn set(&mut self, code: u32, message: &str) {
        self.code = code;
        self.message.clear();
        self.message
            .extend(message.bytes().map(|b| if b == 0 { b' ' } else { b }));
        self.message.push(0);
    }

    /// The message without its NUL.
    pub(crate) fn text(&self) -> &[u8] {
        self.message.split_last().map_or(&[][..], |(_, t)| t)
    }
}

/// What a result code means, as static NUL-terminated lower-case text (e.g. `"the signature
/// does not verify (deliberately without detail)"`); `"unknown result code"` for a number that
/// is not a code. Never NULL.
#[no_mangle]
pub extern "C" fn consentry_result_message(code: u32) -> *const c_char {
    std::panic::catch_unwind(|| boundary::static_text(code, consentry_result::message))
        .unwrap_or(c"unknown result code")
        .as_ptr()
}

/// The stable string form of a result code (e.g. `"signature_invalid"`, the JSON `code` and
/// the JS `Error.code`), static and NUL-terminated; `"unknown result code"` for a number that
/// is not a code. Never NULL.
#[no_mangle]
pub extern "C" fn consentry_result_name(code: u32) -> *const c_char {
    std::panic::catch_unwind(|| boundary::static_text(code, consentry_result::name))
        .unwrap_or(c"unknown result code")
        .as_ptr()
}

/// Creates an empty error object (code `CONSENTRY_RESULT_OK`, empty message) in `*out`.
/// Free it with `consentry_error_free`.
///
/// # Safety
/// `out` must be NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn consentry_error_new(out: *mut *mut consentry_error) -> consentry_result {
    guard(std::ptr::null_mut(), || {
        let out = Out::new(out, "out")?;
        let e = Box::into_raw(Box::new(consentry_error::empty()));
        // SAFETY: `out` is valid for a write (contract).
        unsafe { out.write(e) };
        Ok(())
    })
}

/// Frees an error object. NULL is a no-op.
///
/// # Safety
/// `err` must be NULL or a pointer from `consentry_error_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn consentry_error_free(err: *mut consentry_error) {
    guard_void(|| {
        if !err.is_null() {
            // SAFETY: from `Box::into_raw` in `consentry_error_new`, freed once (contract).
            drop(unsafe { Box::from_raw(err) });
        }
    })
}

/// The code of the last failure recorded in `err`; `CONSENTRY_RESULT_OK` when none was or
/// `err` is NULL.
///
/// # Safety
/// `err` must be NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn consentry_error_code(err: *const consentry_error) -> consentry_result {
    std::panic::catch_unwind(|| {
        // SAFETY: NULL or a live error object (contract).
        unsafe { err.as_ref() }.map_or(consentry_result::Ok, |e| {
            consentry_result::from_u32(e.code).unwrap_or(consentry_result::Internal)
        })
    })
    .unwrap_or(consentry_result::Panic)
}

/// Copies the message of the last failure recorded in `err` (lower-case, naming the field at
/// fault, never a secret or personal value) into `out` as NUL-terminated UTF-8. `*out_len`
/// receives its length without the NUL. On `CONSENTRY_RESULT_BUFFER_TOO_SMALL`, `*out_len`
/// receives the capacity needed (with the NUL) and `out` is untouched; `out` may be NULL when
/// `out_cap` is 0.
///
/// # Safety
/// `err` must be NULL or a live error object; `out` valid for `out_cap` bytes; `out_len` for
/// one write.
#[no_mangle]
pub unsafe extern "C" fn consentry_error_message(
    err: *const consentry_error,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
) -> consentry_result {
    guard(std::ptr::null_mut(), || {
        // SAFETY: NULL or a live error object (contract).
        let e = unsafe { handle(err, "err") }?;
        let dst = OutBuf::new(out, out_cap, out_len)?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(e.text(), true) }
    })
}

/// Panics inside the panic boundary: returns `CONSENTRY_RESULT_PANIC`. Test builds only
/// (cargo feature `test-panic`); the header declares it under `CONSENTRY_TEST_PANIC`.
///
/// # Safety
/// `err` must be NULL or a live error object.
#[cfg(feature = "test-panic")]
#[no_mangle]
pub unsafe extern "C" fn consentry_test_panic(err: *mut consentry_error) -> consentry_result {
    guard(err, || {
        #[expect(clippy::panic, reason = "the point of this test-only entry point")]
        {
            panic!("consentry_test_panic")
        }
    })
}
