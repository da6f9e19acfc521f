//! C ABI of consentry. The handles and entry points are built in the C-ABI issue; until then
//! this crate exposes only the library version so that the workspace builds and links.
//!
//! `unsafe` is allowed in this crate only, each block with a `// SAFETY:` comment.

/// The library version as a NUL-terminated string, e.g. `"0.1.0"`. Never NULL; static storage.
#[no_mangle]
pub extern "C" fn consentry_version() -> *const core::ffi::c_char {
    static VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");
    VERSION.as_ptr().cast()
}
