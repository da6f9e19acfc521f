//! Writes the cross-face fixtures into a directory for the C tests:
//! `issuer.pkcs8` (DER), `issuer.cose_key`, `trust.jwks.json`, `list-NAME.cwt` (signed status lists),
//! `NAME.cose` (artefacts), `NAME.json` (the Rust API's verified JSON, for passing cases) and
//! `cases.txt`: one line per case, `NAME CODE AUDIENCE NOW LIST` (LIST is `-` for none; CODE
//! is 0 for success, else the core's numeric code).
//!
//! `cargo run -p consentry-ffi --example fixtures -- DIR`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

#[path = "../tests/common/fixtures.rs"]
mod fixtures;

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: fixtures DIR"));
    std::fs::create_dir_all(&dir).unwrap();
    let f = fixtures::build();
    std::fs::write(dir.join("issuer.pkcs8"), &f.issuer_pkcs8).unwrap();
    std::fs::write(dir.join("trust.jwks.json"), &f.jwks).unwrap();
    std::fs::write(dir.join("issuer.cose_key"), &f.issuer_cose_key).unwrap();
    for (name, bytes) in &f.lists {
        std::fs::write(dir.join(format!("list-{name}.cwt")), bytes).unwrap();
    }
    let mut manifest = String::new();
    for c in &f.cases {
        std::fs::write(dir.join(format!("{}.cose", c.name)), &c.artefact).unwrap();
        let code = match &c.expect {
            Ok(json) => {
                std::fs::write(dir.join(format!("{}.json", c.name)), json).unwrap();
                0
            }
            Err(code) => *code,
        };
        let list = c.list.as_deref().unwrap_or("-");
        writeln!(
            manifest,
            "{} {code} {} {} {list}",
            c.name, c.audience, c.now
        )
        .unwrap();
    }
    std::fs::write(dir.join("cases.txt"), manifest).unwrap();
    eprintln!("wrote {} cases to {}", f.cases.len(), dir.display());
}
