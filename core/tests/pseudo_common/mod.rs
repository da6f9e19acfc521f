//! Shared helpers for the vector tests: locate the read-only vector folder and read its JSON.
//! Missing files fail the test loudly; nothing is ever skipped.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::expect_used,
    clippy::panic,
    clippy::unwrap_used
)]

use std::path::PathBuf;

use serde_json::Value;

#[path = "../../../tests/src/vectors_dir.rs"]
mod vectors_dir_rule;

/// The public vectors folder (`tests/src/vectors_dir.rs` holds the rule), which must exist.
pub fn vectors_dir() -> PathBuf {
    let dir = vectors_dir_rule::vectors_dir();
    assert!(
        dir.is_dir(),
        "test vectors not found at {} (they are required, never skipped)",
        dir.display()
    );
    dir
}

/// Reads and parses a JSON vector file, relative to the vectors folder.
pub fn load_json(rel: &str) -> Value {
    let path = vectors_dir().join(rel);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read vector file {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("vector file {} is not JSON: {e}", path.display()))
}

/// Decodes hex, failing loudly.
pub fn hex(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap_or_else(|e| panic!("bad hex in vector: {e}"))
}

/// A string field of a test object.
pub fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("vector lacks string `{key}`"))
}

/// An integer field of a test object.
pub fn u(v: &Value, key: &str) -> u64 {
    v.get(key)
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("vector lacks integer `{key}`"))
}

/// The expected outcome of a Wycheproof test.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    Valid,
    Invalid,
    Acceptable,
}

/// One Wycheproof test with its group.
pub struct Case<'a> {
    pub group: &'a Value,
    pub test: &'a Value,
    pub id: u64,
    pub expect: Expect,
    pub flags: Vec<&'a str>,
}

/// Every test of a Wycheproof file, checking the declared count and algorithm.
pub fn wycheproof<'a>(doc: &'a Value, algorithm: &str) -> Vec<Case<'a>> {
    assert_eq!(s(doc, "algorithm"), algorithm, "unexpected algorithm");
    let mut out = Vec::new();
    for g in doc["testGroups"].as_array().expect("testGroups") {
        for t in g["tests"].as_array().expect("tests") {
            let expect = match s(t, "result") {
                "valid" => Expect::Valid,
                "invalid" => Expect::Invalid,
                "acceptable" => Expect::Acceptable,
                other => panic!("unknown result {other}"),
            };
            let flags = t
                .get("flags")
                .and_then(Value::as_array)
                .map(|f| f.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            out.push(Case {
                group: g,
                test: t,
                id: u(t, "tcId"),
                expect,
                flags,
            });
        }
    }
    assert_eq!(
        out.len() as u64,
        u(doc, "numberOfTests"),
        "test count does not match numberOfTests"
    );
    out
}
