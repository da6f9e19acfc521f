//! The panic boundary, the error object, and the checked conversions of C arguments.

use core::ffi::CStr;
use std::borrow::Cow;
use std::panic::{catch_unwind, AssertUnwindSafe};

use consentry::interop::ErrorBody;
use consentry::{Code, HasCode};

use crate::{consentry_error, consentry_result};

/// A failure on its way to C: a core code and a message.
#[derive(Debug)]
pub(crate) struct Fail {
    code: Code,
    message: String,
}

impl Fail {
    pub(crate) fn new(code: Code, message: impl Into<String>) -> Self {
        Fail {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn null(what: &str) -> Self {
        Fail::new(Code::NullArgument, format!("`{what}` is null"))
    }

    pub(crate) fn of<E: HasCode + core::fmt::Display>(e: &E) -> Self {
        Fail::new(e.code(), e.to_string())
    }
}

impl From<ErrorBody> for Fail {
    fn from(e: ErrorBody) -> Self {
        Fail::new(e.code(), e.message)
    }
}

/// Runs an entry point's body inside the panic boundary. A failure (or a caught panic) is
/// written to `err` when it is not NULL and returned as its code.
pub(crate) fn guard(
    err: *mut consentry_error,
    body: impl FnOnce() -> Result<(), Fail>,
) -> consentry_result {
    let fail = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return consentry_result::Ok,
        Ok(Err(fail)) => fail,
        Err(_) => Fail::new(
            Code::Panic,
            "a panic was caught at the c boundary (a bug in consentry)",
        ),
    };
    let result =
        consentry_result::from_u32(fail.code.as_u32()).unwrap_or(consentry_result::Internal);
    if !err.is_null() {
        // Writing the error must not unwind into C either; an allocation failure aborts.
        let _ = catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: `err` is not NULL; the caller passes either NULL or a live object from
            // `consentry_error_new` that no other thread uses during this call (documented).
            let e = unsafe { &mut *err };
            e.set(result as u32, &fail.message);
        }));
    }
    result
}

/// As [`guard`] for functions that cannot report (the `_free` functions): swallows a panic.
pub(crate) fn guard_void(body: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(body));
}

/// The largest length a slice may have.
const MAX_LEN: usize = isize::MAX as usize;

/// Borrows `(ptr, len)` as bytes. NULL is refused even with `len == 0`.
///
/// # Safety
/// Unless NULL, `ptr` must point to `len` readable bytes that stay unchanged for `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a [u8], Fail> {
    if ptr.is_null() {
        return Err(Fail::null(what));
    }
    if len > MAX_LEN {
        return Err(Fail::new(
            Code::InvalidArgument,
            format!("`{what}_len` is beyond the address space"),
        ));
    }
    // SAFETY: `ptr` is not NULL and, by this function's contract, points to `len` readable,
    // unchanging bytes; `len` is at most isize::MAX, as `from_raw_parts` requires.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Borrows `(ptr, len)` as UTF-8 text.
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn text<'a>(ptr: *const u8, len: usize, what: &str) -> Result<&'a str, Fail> {
    // SAFETY: forwarded contract.
    let b = unsafe { bytes(ptr, len, what) }?;
    std::str::from_utf8(b)
        .map_err(|_| Fail::new(Code::InvalidUtf8, format!("`{what}` is not utf-8")))
}

/// How a binary input (an artefact, a signed status list) is passed: as bytes, or as base64url
/// text (RFC 4648 section 5, no padding), the form every other face hands out.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Form {
    /// `(const uint8_t *, size_t)` bytes, as they are.
    Bytes,
    /// UTF-8 base64url text, decoded by [`consentry::b64::decode`] (surrounding whitespace
    /// ignored); anything else is `not_base64url`, named by the argument, never quoted.
    Base64url,
}

/// Borrows `(ptr, len)` as a binary input in `form` (decoded when it is text).
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn binary<'a>(
    ptr: *const u8,
    len: usize,
    what: &str,
    form: Form,
) -> Result<Cow<'a, [u8]>, Fail> {
    match form {
        // SAFETY: forwarded contract.
        Form::Bytes => unsafe { bytes(ptr, len, what) }.map(Cow::Borrowed),
        Form::Base64url => {
            // SAFETY: forwarded contract.
            let t = unsafe { text(ptr, len, what) }?;
            consentry::b64::decode(t).map(Cow::Owned).ok_or_else(|| {
                Fail::new(
                    Code::NotBase64url,
                    format!("`{what}` is not base64url text (no padding)"),
                )
            })
        }
    }
}

/// As [`binary`] for an optional input: NULL is none.
///
/// # Safety
/// As [`bytes`].
pub(crate) unsafe fn optional_binary<'a>(
    ptr: *const u8,
    len: usize,
    what: &str,
    form: Form,
) -> Result<Option<Cow<'a, [u8]>>, Fail> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { binary(ptr, len, what, form) }.map(Some)
}

/// Borrows a handle, refusing NULL.
///
/// # Safety
/// Unless NULL, `ptr` must point to a live `T` that is not mutated during `'a`.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, Fail> {
    // SAFETY: by this function's contract, a non-NULL `ptr` points to a live, unaliased-by-writers `T`.
    unsafe { ptr.as_ref() }.ok_or_else(|| Fail::null(what))
}

/// Borrows a handle mutably, refusing NULL.
///
/// # Safety
/// Unless NULL, `ptr` must point to a live `T` that nothing else uses during `'a`.
pub(crate) unsafe fn handle_mut<'a, T>(ptr: *mut T, what: &str) -> Result<&'a mut T, Fail> {
    // SAFETY: by this function's contract, a non-NULL `ptr` points to a live `T` used by no one else.
    unsafe { ptr.as_mut() }.ok_or_else(|| Fail::null(what))
}

/// An out-parameter for a handle or a scalar, checked for NULL before any work is done and
/// written only on success.
pub(crate) struct Out<T>(*mut T);

impl<T> Out<T> {
    pub(crate) fn new(ptr: *mut T, what: &str) -> Result<Self, Fail> {
        if ptr.is_null() {
            Err(Fail::null(what))
        } else {
            Ok(Out(ptr))
        }
    }

    /// # Safety
    /// The pointer given to [`Out::new`] must be valid for a write of `T`.
    pub(crate) unsafe fn write(self, value: T) {
        // SAFETY: not NULL (checked in `new`); valid for writes by this function's contract.
        unsafe { self.0.write(value) }
    }
}

/// A caller's output buffer `(out, out_cap, out_len)`: `out` may be NULL only when `out_cap`
/// is 0 (a size query).
pub(crate) struct OutBuf {
    ptr: *mut u8,
    cap: usize,
    len: *mut usize,
}

impl OutBuf {
    pub(crate) fn new(ptr: *mut u8, cap: usize, len: *mut usize) -> Result<Self, Fail> {
        if len.is_null() {
            return Err(Fail::null("out_len"));
        }
        if ptr.is_null() && cap != 0 {
            return Err(Fail::null("out"));
        }
        if cap > MAX_LEN {
            return Err(Fail::new(
                Code::InvalidArgument,
                "`out_cap` is beyond the address space",
            ));
        }
        Ok(OutBuf { ptr, cap, len })
    }

    /// Writes `data` (and a NUL after it when `nul`), and its length without the NUL to
    /// `*out_len`. When it does not fit, nothing is written to `out`, `*out_len` receives the
    /// capacity needed, and the result is BUFFER_TOO_SMALL.
    ///
    /// # Safety
    /// `out` must be valid for `out_cap` bytes of writes and `out_len` for one write, neither
    /// overlapping the inputs still borrowed.
    pub(crate) unsafe fn write(self, data: &[u8], nul: bool) -> Result<(), Fail> {
        let need = data.len().saturating_add(usize::from(nul));
        if need > self.cap {
            // SAFETY: `len` is not NULL (checked in `new`) and valid for a write (contract).
            unsafe { self.len.write(need) };
            return Err(Fail::new(
                Code::BufferTooSmall,
                format!("the output needs {need} bytes, the buffer has {}", self.cap),
            ));
        }
        // SAFETY: `need <= cap`, so `ptr` is not NULL (cap > 0 unless need == 0, when nothing
        // is copied) and valid for `data.len()` (+1) bytes; `data` is Rust-owned or borrowed
        // from an input the caller promised does not overlap `out`.
        unsafe {
            if !data.is_empty() {
                std::ptr::copy_nonoverlapping(data.as_ptr(), self.ptr, data.len());
            }
            if nul {
                self.ptr.add(data.len()).write(0);
            }
            self.len.write(data.len());
        }
        Ok(())
    }
}

/// A static C string for a code number; unknown numbers get a fixed text.
pub(crate) fn static_text(code: u32, pick: fn(consentry_result) -> &'static CStr) -> &'static CStr {
    consentry_result::from_u32(code).map_or(c"unknown result code", pick)
}
