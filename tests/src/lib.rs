//! Conformance helpers: where the public vectors live and how to read them.
//!
//! The vectors stay in their own formats under `tests/vectors/` (see its README); this crate
//! reads them in place. Set `CONSENTRY_VECTORS` to use another location. A missing vector file
//! is an error, never a skipped test.

use std::path::PathBuf;

#[path = "vectors_dir.rs"]
mod vectors_dir_rule;

pub use vectors_dir_rule::vectors_dir;

/// Reads a vector file as JSON. Fails with the path when it is missing or not JSON.
pub fn read_json(rel: &str) -> Result<serde_json::Value, String> {
    let path = vectors_dir().join(rel);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read vector file {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not json: {e}", path.display()))
}

/// A string member of a JSON object, or an error naming it.
pub fn str_of<'a>(v: &'a serde_json::Value, member: &str) -> Result<&'a str, String> {
    v.get(member)
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| format!("vector lacks string member `{member}`"))
}

/// Hex (either case) to bytes.
pub fn unhex(s: &str) -> Result<Vec<u8>, String> {
    hex::decode(s).map_err(|e| format!("bad hex in vector: {e}"))
}

/// The test groups of a Wycheproof file, each with its tests.
pub fn wycheproof_groups(file: &str) -> Result<Vec<serde_json::Value>, String> {
    let v = read_json(&format!("wycheproof/testvectors_v1/{file}"))?;
    v.get("testGroups")
        .and_then(serde_json::Value::as_array)
        .cloned()
        .ok_or_else(|| format!("{file}: no `testGroups`"))
}

pub mod corpus;
pub mod intent;

/// The directory of the committed golden corpus.
pub fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")
}
