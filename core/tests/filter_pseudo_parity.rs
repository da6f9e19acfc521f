//! Issue 15: a permit that requires transforms, applied through `filter` with a policy as the
//! hook, gives the same bytes as `pseudonymise` with that policy on the same record, including a
//! `shift`ed date (its subject read from the record), empty strings, nulls and nested fields.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;

use consentry::purpose::Permit;
use consentry::scope::{filter_record, FilterError, Selector};
use consentry::{Code, HasCode, MasterKey, Policy, Pseudonymiser};
use serde_json::{json, Value};

const KEY: [u8; 32] = *b"parity-test-master-key-32-bytes!";

/// The policy: every listed field is transformed (no `drop`, no `keep`), `unlisted` drops the
/// rest, so `pseudonymise` keeps exactly what the permit grants.
fn policy() -> Policy {
    Policy::from_json(
        r#"{"domain": "tn.health/research", "unlisted": "drop", "fields": {
          "/aadhaar": {"type": "aadhaar", "transform": "pseudonym"},
          "/name": {"type": "name", "transform": "token"},
          "/dob": {"type": "date", "transform": "generalise", "params": {"to": "year"}},
          "/visit": {"type": "date", "transform": "shift",
                     "params": {"max_days": 30, "subject": "/aadhaar"}},
          "/mobile": {"type": "mobile", "transform": "mask"},
          "/members/*/aadhaar": {"type": "aadhaar", "transform": "ff1"},
          "/members/*/seen": {"type": "date", "transform": "shift",
                              "params": {"max_days": 10, "subject": "/members/*/aadhaar"}},
          "/address/pincode": {"type": "pincode", "transform": "generalise",
                               "params": {"digits": 3}}
        }}"#,
    )
    .unwrap()
}

/// The permit a grant with the same transforms gives: the same selectors, the same ids.
fn permit(p: &Policy) -> Permit {
    let fields: Vec<Selector> = p
        .fields()
        .iter()
        .map(|f| Selector::parse_policy_key(f.name()).unwrap())
        .collect();
    let transforms: BTreeMap<Selector, String> = p
        .fields()
        .iter()
        .map(|f| {
            (
                Selector::parse_policy_key(f.name()).unwrap(),
                f.transform_id().to_owned(),
            )
        })
        .collect();
    Permit::new(fields, transforms, i64::MAX)
}

fn records() -> Vec<Value> {
    vec![
        json!({"aadhaar": "2341 2341 2346", "name": "  Asha   Devi ", "dob": "1988-04-12",
               "visit": "2026-01-15", "mobile": "+91 98765 43210",
               "members": [{"aadhaar": "234123412346", "seen": "2025-12-01"},
                           {"aadhaar": "345234523452", "seen": "2025-12-02"}],
               "address": {"pincode": "600042"}}),
        // Empty strings and nulls are no value: left as they are by both.
        json!({"aadhaar": "234123412346", "name": "", "dob": null, "visit": "2026-02-28",
               "mobile": "", "members": [{"aadhaar": "", "seen": ""}],
               "address": {"pincode": null}}),
        // One member's subject differs from the top-level subject: each date uses its own.
        json!({"aadhaar": "345234523452", "name": "Ravi", "dob": "2015-01-01",
               "visit": "2000-02-29", "mobile": "9876543210",
               "members": [{"aadhaar": "456345634567", "seen": "1999-12-31"}],
               "address": {"pincode": "110001"}}),
    ]
}

#[test]
fn filter_with_a_permits_transforms_gives_the_bytes_of_pseudonymise() {
    let p = policy();
    let ps = Pseudonymiser::new(&p, &MasterKey::from_bytes(KEY)).unwrap();
    let permit = permit(&p);
    for (i, record) in records().into_iter().enumerate() {
        let mut pseudonymised = record.clone();
        ps.apply_json(&mut pseudonymised).unwrap();
        let filtered = permit.filter(&record, &ps).unwrap();
        assert_eq!(
            serde_json::to_string(&filtered).unwrap(),
            serde_json::to_string(&pseudonymised).unwrap(),
            "record {i}"
        );
        // The shifted dates did move (the parity is not the identity).
        if i == 0 {
            assert_ne!(filtered["visit"], record["visit"]);
            assert_ne!(filtered["members"][0]["seen"], record["members"][0]["seen"]);
            assert_eq!(filtered["mobile"], json!("XXXXXX3210"));
        }
        if i == 1 {
            assert_eq!(filtered["name"], json!(""));
            assert_eq!(filtered["members"][0]["seen"], json!(""));
        }
    }
}

#[test]
fn shift_through_filter_reads_its_subject_from_the_record_not_the_permit() {
    let p = policy();
    let ps = Pseudonymiser::new(&p, &MasterKey::from_bytes(KEY)).unwrap();
    // The permit grants the shifted date but not its subject: the subject is read from the
    // record to derive the offset, and never leaves.
    let fields = vec![Selector::parse("/visit").unwrap()];
    let transforms = [(Selector::parse("/visit").unwrap(), "shift".to_owned())]
        .into_iter()
        .collect();
    let record = json!({"aadhaar": "234123412346", "visit": "2026-01-15"});
    let out = filter_record(&record, &fields, &transforms, &ps).unwrap();
    let expected = ps
        .transform_shift("/visit", "2026-01-15", "234123412346")
        .unwrap()
        .unwrap();
    assert_eq!(out, json!({ "visit": expected }));

    // No subject in the record: refused (the date is never passed through).
    let err =
        filter_record(&json!({"visit": "2026-01-15"}), &fields, &transforms, &ps).unwrap_err();
    assert_eq!(err.code(), Code::TransformFailed);
    assert!(matches!(err, FilterError::TransformFailed { .. }));
}

#[test]
fn a_narrower_permit_selector_finds_the_policy_rule_that_selects_the_location() {
    // decide intersects `/members/*/aadhaar` with a requested `/members/0`: the permit names
    // `/members/0/aadhaar`, and the policy rule `/members/*/aadhaar` applies there.
    let p = policy();
    let ps = Pseudonymiser::new(&p, &MasterKey::from_bytes(KEY)).unwrap();
    let sel = Selector::parse("/members/0/aadhaar").unwrap();
    let transforms = [(sel.clone(), "ff1".to_owned())].into_iter().collect();
    let record = json!({"members": [{"aadhaar": "234123412346"}, {"aadhaar": "345234523452"}]});
    let out = filter_record(&record, &[sel], &transforms, &ps).unwrap();
    let mut whole = record.clone();
    ps.apply_json(&mut whole).unwrap();
    assert_eq!(
        out,
        json!({"members": [{"aadhaar": whole["members"][0]["aadhaar"]}]})
    );
}
