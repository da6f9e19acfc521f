//! The C `consentry_result` enum is generated from the core's `Code::ALL`, and the committed
//! header carries every code. Regenerate `src/result.rs` (the enum and its numbers) and
//! `src/result_text.rs` (its names and meanings) after adding a core code with
//! `CONSENTRY_BLESS=1 cargo test -p consentry-ffi --test codes`, then the header with cbindgen
//! (see `scripts/test-c`).

use consentry::Code;
use std::fmt::Write as _;

fn variant(c: Code) -> String {
    format!("{c:?}")
}

const GENERATED_BY: &str = "// @generated from `consentry::Code::ALL` by\n\
     // `CONSENTRY_BLESS=1 cargo test -p consentry-ffi --test codes`. Do not edit: that test fails\n\
     // when this file and the core's codes differ.\n\n";

/// The texts `src/result.rs` and `src/result_text.rs` must hold.
fn generated() -> (String, String) {
    let mut rows: Vec<(String, u32, String, String)> =
        vec![("Ok".into(), 0, "ok".into(), "success".into())];
    rows.extend(Code::ALL.iter().map(|c| {
        (
            variant(*c),
            c.as_u32(),
            c.as_str().to_owned(),
            c.description().to_owned(),
        )
    }));
    let mut s = String::from(GENERATED_BY);
    s.push_str(
        "/// The result of every fallible `consentry_` function: `CONSENTRY_RESULT_OK` (0) or one of\n\
         /// the core's stable error codes. The numbers are the `numericCode` of the JSON error body\n\
         /// and `consentry_result_name` gives the string `code` (the JS `Error.code`). Values are\n\
         /// never renumbered or reused; new ones are appended.\n\
         #[allow(non_camel_case_types)]\n\
         #[repr(u32)]\n\
         #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]\n\
         pub enum consentry_result {\n",
    );
    for (v, n, name, desc) in &rows {
        let _ = writeln!(s, "    /// `{name}`: {desc}\n    {v} = {n},");
    }
    s.push_str(
        "}\n\nimpl consentry_result {\n    \
         /// The result with this number, if any.\n    \
         pub const fn from_u32(n: u32) -> Option<Self> {\n        match n {\n",
    );
    for (v, n, _, _) in &rows {
        let _ = writeln!(s, "            {n} => Some(Self::{v}),");
    }
    s.push_str("            _ => None,\n        }\n    }\n}\n");
    let mut t = String::from(GENERATED_BY);
    t.push_str(
        "use core::ffi::CStr;\n\n\
         use crate::consentry_result;\n\n\
         impl consentry_result {\n    \
         /// The stable string form, e.g. `signature_invalid`.\n    \
         pub const fn name(self) -> &'static CStr {\n        match self {\n",
    );
    for (v, _, name, _) in &rows {
        let _ = writeln!(t, "            Self::{v} => c{name:?},");
    }
    t.push_str(
        "        }\n    }\n\n    \
         /// What the code means, in lower case.\n    \
         pub const fn message(self) -> &'static CStr {\n        match self {\n",
    );
    for (v, _, _, desc) in &rows {
        let _ = writeln!(t, "            Self::{v} => c{desc:?},");
    }
    t.push_str("        }\n    }\n}\n");
    (s, t)
}

#[test]
fn result_enum_is_generated_from_core_codes() {
    let (result, text) = generated();
    for (file, want) in [("result.rs", result), ("result_text.rs", text)] {
        let path = format!("{}/src/{file}", env!("CARGO_MANIFEST_DIR"));
        if std::env::var_os("CONSENTRY_BLESS").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap();
        assert!(
            have == want,
            "ffi/src/{file} is out of date with consentry::Code::ALL; run \
             `CONSENTRY_BLESS=1 cargo test -p consentry-ffi --test codes` and regenerate the header"
        );
    }
}

#[test]
fn every_core_code_is_in_the_rust_enum() {
    use consentry_ffi::consentry_result;
    assert_eq!(consentry_result::from_u32(0), Some(consentry_result::Ok));
    for c in Code::ALL {
        let r = consentry_result::from_u32(c.as_u32())
            .unwrap_or_else(|| panic!("{c} missing from consentry_result"));
        assert_eq!(r as u32, c.as_u32());
        assert_eq!(r.name().to_str().unwrap(), c.as_str());
        assert_eq!(r.message().to_str().unwrap(), c.description());
    }
}

#[test]
fn every_core_code_is_in_the_header() {
    let h = include_str!("../include/consentry.h");
    let mut missing = Vec::new();
    for (name, n) in
        std::iter::once(("ok", 0)).chain(Code::ALL.iter().map(|c| (c.as_str(), c.as_u32())))
    {
        let line = format!("CONSENTRY_RESULT_{} = {n},", name.to_ascii_uppercase());
        if !h.contains(&line) {
            missing.push(line);
        }
    }
    assert!(
        missing.is_empty(),
        "include/consentry.h lacks {missing:?}; regenerate it with cbindgen (scripts/test-c)"
    );
}
