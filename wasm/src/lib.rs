//! WebAssembly bindings of consentry (the npm package `consentry`).
//!
//! The bindings are built in the npm-package issue; until then this crate only re-exports the
//! core so that the workspace builds for every target.
#![forbid(unsafe_code)]

pub use consentry;
