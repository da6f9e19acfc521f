//! The core's top-level modules form layers: the graph of which module names which (through
//! `crate::` paths, including names re-exported at the crate root) has no cycle. `error` is a
//! leaf. A module that needs a lower one's type names it; a lower one never reaches up.
//!
//! Test code (`#[cfg(test)] mod tests`) and comments are not counted.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The source without comments and without the unit-test module.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

fn idents(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() || c == '_' {
            cur.push(c);
        } else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            if matches!(c, '{' | '}' | ',' | ':' | ';') {
                out.push(c.to_string());
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The names a source file reaches through `crate::`: the first step of every `crate::` path,
/// and the first step of each branch of a `use crate::{..}` group.
fn crate_names(code: &str) -> BTreeSet<String> {
    let toks = idents(code);
    let mut names = BTreeSet::new();
    let mut i = 0;
    while i + 3 < toks.len() {
        if toks[i] == "crate" && toks[i + 1] == ":" && toks[i + 2] == ":" {
            if toks[i + 3] == "{" {
                let mut depth = 0;
                let mut expect_name = true;
                let mut j = i + 3;
                while j < toks.len() {
                    match toks[j].as_str() {
                        "{" => {
                            depth += 1;
                            if depth == 1 {
                                expect_name = true;
                            }
                        }
                        "}" => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        "," if depth == 1 => expect_name = true,
                        t if depth == 1 && expect_name => {
                            names.insert(t.to_string());
                            expect_name = false;
                        }
                        _ => {}
                    }
                    j += 1;
                }
                i = j;
            } else {
                names.insert(toks[i + 3].clone());
                i += 4;
            }
        } else {
            i += 1;
        }
    }
    names
}

#[test]
fn the_core_modules_form_layers_without_a_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // Top-level modules and their files (`x.rs` and `x/..`).
    let mut modules: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "lib" {
            continue;
        }
        let files = modules.entry(name).or_default();
        if p.is_dir() {
            rust_files(&p, files);
        } else if p.extension().is_some_and(|x| x == "rs") {
            files.push(p);
        }
    }
    modules.retain(|_, f| !f.is_empty());
    // Names the crate root re-exports, and the module each comes from.
    let lib = code_of(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let mut reexported: BTreeMap<String, String> = BTreeMap::new();
    for stmt in lib.split(';') {
        let stmt = stmt.trim();
        let Some(rest) = stmt.strip_prefix("pub use ") else {
            continue;
        };
        let toks = idents(rest);
        let Some(module) = toks.first().filter(|m| modules.contains_key(*m)) else {
            continue;
        };
        for t in &toks[1..] {
            if t.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
            {
                reexported
                    .entry(t.clone())
                    .or_insert_with(|| module.clone());
            }
        }
    }
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, files) in &modules {
        let out = edges.entry(name.clone()).or_default();
        for f in files {
            let code = code_of(&std::fs::read_to_string(f).unwrap());
            for n in crate_names(&code) {
                let target = if modules.contains_key(&n) {
                    Some(n)
                } else {
                    reexported.get(&n).cloned()
                };
                if let Some(t) = target.filter(|t| t != name) {
                    out.insert(t);
                }
            }
        }
    }
    assert!(
        edges["error"].is_empty(),
        "error.rs must be a leaf, names {:?}",
        edges["error"]
    );
    // Depth-first search for a back edge.
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) {
        match state.get(n) {
            Some(2) => return,
            Some(1) => {
                let from = path.iter().position(|p| p == n).unwrap();
                panic!("import cycle: {} -> {n}", path[from..].join(" -> "));
            }
            _ => {}
        }
        state.insert(n.to_string(), 1);
        path.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            visit(m, edges, state, path);
        }
        path.pop();
        state.insert(n.to_string(), 2);
    }
    let mut state = BTreeMap::new();
    for n in edges.keys() {
        visit(n, &edges, &mut state, &mut Vec::new());
    }
    // The checker sees the layers it should (a checker that saw nothing would pass anything).
    assert!(edges["verify"].contains("cose") && edges["verify"].contains("status"));
    assert!(edges["interop"].contains("verify") && edges["purpose"].contains("verify"));
}

#[test]
fn the_layer_checker_reads_grouped_and_inline_crate_paths() {
    // What the checker reads: every branch of a grouped `use` and every inline path.
    let code =
        "use crate::{cbor::{Reader, Encoder}, VerifyError};\nfn f() { crate::interop::call(); }";
    let names = crate_names(code);
    assert_eq!(
        names,
        ["VerifyError", "cbor", "interop"]
            .into_iter()
            .map(String::from)
            .collect()
    );
}
