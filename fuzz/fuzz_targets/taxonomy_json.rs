//! Any text as a taxonomy document added to the shipped packs: never a panic; an accepted
//! taxonomy answers `covers` for every pair of its codes without looping.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = consentry::Taxonomy::from_json("fuzz", text);
    if let Ok(t) = consentry::interop::taxonomy_with(&[("fuzz".to_owned(), text.to_owned())]) {
        let codes: Vec<String> = t.iter().take(64).map(|p| p.code.clone()).collect();
        for a in &codes {
            for b in &codes {
                let _ = t.covers(a, b);
            }
        }
    }
});
