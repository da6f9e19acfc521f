// The one rule for where the public test vectors live, shared by every crate's tests: the
// conformance crate compiles it as a module, and tests of crates it depends on (core) pull it in
// with `#[path]`, since they cannot depend on the conformance crate. Every workspace member sits
// one folder below the repository root, so `CARGO_MANIFEST_DIR/..` is the root for each of them.

/// The public test vectors: `$CONSENTRY_VECTORS` if set, else `<repo>/tests/vectors`.
pub fn vectors_dir() -> std::path::PathBuf {
    match std::env::var_os("CONSENTRY_VECTORS") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors"),
    }
}
