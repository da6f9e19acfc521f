//! Library information: the version the library was built as.

use core::ffi::c_char;

/// The library version as a NUL-terminated string, e.g. `"0.1.0"` (equal to
/// `CONSENTRY_VERSION` of the header it was built with). Never NULL; static storage.
#[no_mangle]
pub extern "C" fn consentry_version() -> *const c_char {
    static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}
