//! Any bytes as a ledger file: scanning, verification and export never panic, and a scan's
//! valid prefix re-scans cleanly.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let scan = consentry::ledger::scan(data);
    let valid = usize::try_from(scan.valid_len).expect("within the input");
    let prefix = data.get(..valid).expect("the valid prefix lies within the input");
    let again = consentry::ledger::scan(prefix);
    assert_eq!(again.valid_len, scan.valid_len);
    let _ = consentry::ledger::verify(data, &consentry::TrustStore::new());
    let _ = consentry::ledger::export(data, "pp-1");
});
