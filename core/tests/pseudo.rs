//! Policies, transforms, JSON records and CSV rows.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consentry::ids::{self, IdType};
use consentry::pseudo::{CsvOptions, MasterKey, Policy, PolicyError, PseudoError, Pseudonymiser};
use consentry::{Code, HasCode};
use consentry_testkit::pseudo::{crosscheck_master, crosscheck_policy};
use serde_json::json;

const KEY: [u8; 32] = *b"consentry core pseudo test key!!";

fn policy(fields: serde_json::Value, unlisted: &str) -> Policy {
    let doc = json!({"domain": "tn.health/research", "fields": fields, "unlisted": unlisted});
    Policy::from_json(&doc.to_string()).unwrap()
}

fn ps(fields: serde_json::Value, unlisted: &str) -> Pseudonymiser {
    Pseudonymiser::new(&policy(fields, unlisted), &MasterKey::from_bytes(KEY)).unwrap()
}

fn policy_err(fields: serde_json::Value) -> PolicyError {
    let doc = json!({"domain": "d", "fields": fields, "unlisted": "keep"});
    Policy::from_json(&doc.to_string()).unwrap_err()
}

#[test]
fn policy_validation_errors_are_typed_and_name_the_field() {
    let cases: Vec<(serde_json::Value, Code)> = vec![
        (
            json!({"f": {"type": "aadhaar", "transform": "hash"}}),
            Code::PolicyUnknownTransform,
        ),
        (
            json!({"f": {"type": "ssn", "transform": "pseudonym"}}),
            Code::PolicyUnknownType,
        ),
        (
            json!({"f": {"type": "aadhaar", "transform": "pseudonym", "params": {"x": 1}}}),
            Code::PolicyUnknownParam,
        ),
        (
            json!({"f": {"type": "date", "transform": "shift", "params": {"subject": "id"}}}),
            Code::PolicyMissingParam,
        ),
        (
            json!({"f": {"type": "date", "transform": "shift", "params": {"max_days": 0, "subject": "id"}}}),
            Code::PolicyInvalidParam,
        ),
        (
            json!({"f": {"type": "digits", "transform": "ff1", "params": {"min_len": 5}}}),
            Code::PolicyFf1DomainTooSmall,
        ),
        (
            json!({"f": {"type": "alnum", "transform": "ff1", "params": {"min_len": 3}}}),
            Code::PolicyFf1DomainTooSmall,
        ),
        (
            json!({"f": {"type": "digits", "transform": "ff1"}}),
            Code::PolicyMissingParam,
        ),
        (
            json!({"f": {"type": "aadhaar", "transform": "ff1", "params": {"min_len": 12}}}),
            Code::PolicyUnknownParam,
        ),
        (
            json!({"f": {"type": "aadhaar", "transform": "ff1", "params": {"radix": 36}}}),
            Code::PolicyInvalidParam,
        ),
        (
            json!({"f": {"type": "pan", "transform": "ff1", "params": {"radix": 10}}}),
            Code::PolicyInvalidParam,
        ),
        (
            json!({"f": {"type": "email", "transform": "ff1"}}),
            Code::PolicyUnsupportedTransform,
        ),
        (
            json!({"f": {"type": "date", "transform": "mask", "params": {"keep_last": 2}}}),
            Code::PolicyMaskNonString,
        ),
        (
            json!({"f": {"type": "number", "transform": "mask", "params": {"keep_last": 2}}}),
            Code::PolicyMaskNonString,
        ),
        (
            // Issue 15: identifier types have a preset; a name has none.
            json!({"f": {"type": "name", "transform": "mask"}}),
            Code::PolicyMissingParam,
        ),
        (
            json!({"f": {"type": "aadhaar", "transform": "mask", "params": {"keep_last": 8}}}),
            Code::PolicyInvalidParam,
        ),
        (
            json!({"f": {"type": "pan", "transform": "mask", "params": {"preset": "aadhaar"}}}),
            Code::PolicyInvalidParam,
        ),
        (
            json!({"f": {"type": "mobile", "transform": "mask", "params": {"preset": "mobile", "keep_last": 4}}}),
            Code::PolicyInvalidParam,
        ),
        (
            json!({"f": {"type": "name", "transform": "generalise", "params": {"to": "year"}}}),
            Code::PolicyUnsupportedTransform,
        ),
        (
            json!({"f": {"type": "date", "transform": "generalise", "params": {"to": "age_band", "years": 10}}}),
            Code::PolicyMissingParam,
        ),
        (
            json!({"f": {"type": "date", "transform": "generalise", "params": {"to": "age_band", "years": 10, "reference": "2025-02-30"}}}),
            Code::PolicyInvalidParam,
        ),
        (
            json!({"f": {"type": "pincode", "transform": "generalise", "params": {"digits": 6}}}),
            Code::PolicyInvalidParam,
        ),
        (
            json!({"f": {"type": "number", "transform": "generalise", "params": {"bucket": "10"}}}),
            Code::PolicyInvalidParam,
        ),
        (
            json!({"f": {"type": "text", "transform": "shift", "params": {"max_days": 3, "subject": "id"}}}),
            Code::PolicyUnsupportedTransform,
        ),
        (
            json!({"/a//b": {"type": "text", "transform": "drop"}}),
            Code::PolicyInvalidSelector,
        ),
        (
            json!({"/d": {"type": "date", "transform": "shift", "params": {"max_days": 3, "subject": "/m/*/id"}}}),
            Code::PolicyInvalidParam,
        ),
        (
            json!({"/m/*/a": {"type": "text", "transform": "drop"}, "/m/0/a": {"type": "text", "transform": "drop"}}),
            Code::PolicyOverlappingFields,
        ),
        (
            json!({"a": {"type": "text", "transform": "drop"}, "/a": {"type": "text", "transform": "token"}}),
            Code::PolicyOverlappingFields,
        ),
        (
            json!({"/a": {"type": "text", "transform": "drop"}, "/a/b": {"type": "text", "transform": "token"}}),
            Code::PolicyOverlappingFields,
        ),
    ];
    for (fields, code) in cases {
        let err = policy_err(fields.clone());
        assert_eq!(err.code(), code, "{fields} -> {err}");
        let msg = err.to_string();
        assert!(msg.contains('`'), "{msg}");
        assert!(err.field().is_some(), "{msg}");
        assert!(!msg.ends_with('.') && msg.chars().next().unwrap().is_lowercase());
    }
}

#[test]
fn policy_schema_errors() {
    for (doc, needle) in [
        (r#"{"domain":"d","fields":{}}"#, "missing field `unlisted`"),
        (
            r#"{"domain":"d","fields":{},"unlisted":"keep","extra":1}"#,
            "unknown field `extra`",
        ),
        (
            r#"{"domain":"d","fields":{},"unlisted":"maybe"}"#,
            "unknown variant at member `unlisted`",
        ),
        (
            r#"{"domain":"d","fields":{"a":{"type":"text","transform":"drop","param":{}}},"unlisted":"keep"}"#,
            "unknown field `param`",
        ),
        (
            r#"{"domain":"d","fields":{"a":{"type":"text","transform":"drop"},"a":{"type":"text","transform":"token"}},"unlisted":"keep"}"#,
            "duplicate field `a`",
        ),
        (
            r#"{"domain":"d","fields":{"a":{"type":7,"transform":"drop"}},"unlisted":"keep"}"#,
            "member `fields.a.type` has the wrong type",
        ),
        (r#"{"domain": "#, "EOF while parsing a value"),
    ] {
        let err = Policy::from_json(doc).unwrap_err();
        assert_eq!(err.code(), Code::PolicyMalformed);
        assert!(err.to_string().contains(needle), "{err}");
    }
    let err = Policy::from_json(r#"{"domain":"","fields":{},"unlisted":"keep"}"#).unwrap_err();
    assert_eq!(err.code(), Code::PolicyEmptyDomain);
}

#[test]
fn policy_round_trips_through_json() {
    let p = policy(
        json!({"/a/*/b": {"type": "aadhaar", "transform": "ff1"},
               "c": {"type": "number", "transform": "generalise", "params": {"bucket": 10}}}),
        "drop",
    );
    let again = Policy::from_json(&p.to_json()).unwrap();
    assert_eq!(again.to_json(), p.to_json());
    assert_eq!(again.fields(), p.fields());
}

#[test]
fn pseudonym_token_ff1_values() {
    let ps = ps(
        json!({
            "aadhaar": {"type": "aadhaar", "transform": "pseudonym"},
            "aadhaar_t": {"type": "aadhaar", "transform": "token"},
            "aadhaar_f": {"type": "aadhaar", "transform": "ff1"},
            "mobile_f": {"type": "mobile", "transform": "ff1"},
            "pan_f": {"type": "pan", "transform": "ff1"},
            "vid_f36": {"type": "vid", "transform": "ff1", "params": {"radix": 36}},
            "acct": {"type": "digits", "transform": "ff1", "params": {"min_len": 6}},
            "name": {"type": "name", "transform": "pseudonym"},
        }),
        "keep",
    );
    let p1 = ps
        .transform_value("aadhaar", "2345 6789 0124")
        .unwrap()
        .unwrap();
    let p2 = ps
        .transform_value("/aadhaar", "234567890124")
        .unwrap()
        .unwrap();
    assert_eq!(p1, p2, "canonicalisation before the keyed transform");
    assert_eq!(p1.len(), 26);
    assert!(p1
        .bytes()
        .all(|c| c.is_ascii_lowercase() || (b'2'..=b'7').contains(&c)));

    // Names: NFC and whitespace collapse give one pseudonym.
    assert_eq!(
        ps.transform_value("name", "  Re\u{301}mi   Devi ").unwrap(),
        ps.transform_value("name", "R\u{e9}mi Devi").unwrap()
    );

    let t = ps
        .transform_value("aadhaar_t", "234567890124")
        .unwrap()
        .unwrap();
    assert!(t.starts_with("t1."));
    assert_eq!(ps.reverse_value("aadhaar_t", &t).unwrap(), "234567890124");

    let f = ps
        .transform_value("aadhaar_f", "2345-6789-0124")
        .unwrap()
        .unwrap();
    assert_eq!(f.len(), 12);
    assert!(f.bytes().all(|c| c.is_ascii_digit()));
    assert!(!ids::verhoeff_valid(&f));
    assert!(!ids::is_valid(IdType::Aadhaar, &f));
    assert_eq!(ps.reverse_value("aadhaar_f", &f).unwrap(), "234567890124");

    let m = ps
        .transform_value("mobile_f", "98765 43210")
        .unwrap()
        .unwrap();
    assert!(m.starts_with("+91") && m.len() == 13);
    assert_eq!(ps.reverse_value("mobile_f", &m).unwrap(), "+919876543210");

    let pan = ps.transform_value("pan_f", "abcpe1234f").unwrap().unwrap();
    assert_eq!(pan.len(), 10);
    assert!(pan
        .bytes()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    assert_eq!(ps.reverse_value("pan_f", &pan).unwrap(), "ABCPE1234F");

    let v = ps
        .transform_value("vid_f36", "9123456789012345")
        .unwrap()
        .unwrap();
    assert_eq!(ps.reverse_value("vid_f36", &v).unwrap(), "9123456789012345");

    let a = ps.transform_value("acct", "00012345").unwrap().unwrap();
    assert_eq!(a.len(), 8);
    assert_eq!(ps.reverse_value("acct", &a).unwrap(), "00012345");
    let short = ps.transform_value("acct", "12345").unwrap_err();
    assert_eq!(short.code(), Code::PseudoInvalidValue);

    // Reversal refuses foreign input.
    assert_eq!(
        ps.reverse_value("aadhaar_t", "t1.AAAA").unwrap_err().code(),
        Code::PseudoInvalidToken
    );
    assert_eq!(
        ps.reverse_value("aadhaar_f", "234567890124")
            .unwrap_err()
            .code(),
        Code::PseudoInvalidToken,
        "a Verhoeff-valid number is never an ff1 token"
    );
    assert_eq!(
        ps.reverse_value("aadhaar", &p1).unwrap_err().code(),
        Code::PseudoNotReversible
    );
}

#[test]
fn invalid_values_are_errors_naming_the_field_not_the_value() {
    let ps = ps(
        json!({"/p/aadhaar": {"type": "aadhaar", "transform": "pseudonym"},
               "email": {"type": "email", "transform": "token"},
               "dob": {"type": "date", "transform": "generalise", "params": {"to": "year"}}}),
        "keep",
    );
    for (field, value) in [
        ("/p/aadhaar", "234567890125"),
        ("email", "not-an-email"),
        ("dob", "31/12/1990"),
    ] {
        let err = ps.transform_value(field, value).unwrap_err();
        assert_eq!(err.code(), Code::PseudoInvalidValue);
        let msg = err.to_string();
        assert!(msg.contains(&format!("`{field}`")), "{msg}");
        assert!(!msg.contains(value), "{msg}");
    }
    assert_eq!(
        ps.transform_value("nope", "x").unwrap_err().code(),
        Code::PseudoUnknownField
    );
}

#[test]
fn mask_generalise_shift_drop() {
    let ps = ps(
        json!({
            "a": {"type": "aadhaar", "transform": "mask", "params": {"preset": "aadhaar"}},
            "m": {"type": "mobile", "transform": "mask", "params": {"preset": "mobile"}},
            "e": {"type": "email", "transform": "mask", "params": {"keep_last": 6}},
            "y": {"type": "date", "transform": "generalise", "params": {"to": "year"}},
            "band": {"type": "date", "transform": "generalise",
                     "params": {"to": "age_band", "years": 10, "reference": "2025-04-01"}},
            "pin": {"type": "pincode", "transform": "generalise", "params": {"digits": 3}},
            "w": {"type": "number", "transform": "generalise", "params": {"bucket": 10}},
            "d": {"type": "date", "transform": "shift", "params": {"max_days": 30, "subject": "id"}},
            "id": {"type": "aadhaar", "transform": "pseudonym"},
            "x": {"type": "text", "transform": "drop"},
        }),
        "keep",
    );
    let v = |f: &str, x: &str| ps.transform_value(f, x).unwrap().unwrap();
    assert_eq!(v("a", "2345 6789 0124"), "XXXX XXXX 0124");
    assert_eq!(v("m", "+91 98765 43210"), "XXXXXX3210");
    assert_eq!(v("e", "asha@ex.in"), "XXXX@ex.in");
    assert_eq!(v("y", "1990-07-15"), "1990");
    assert_eq!(v("band", "1990-04-01"), "30-39");
    assert_eq!(v("band", "1990-04-02"), "30-39");
    assert_eq!(v("band", "1995-04-02"), "20-29");
    assert_eq!(v("pin", "600 001"), "600");
    assert_eq!(v("w", "37"), "30-39");
    assert_eq!(v("w", "-3"), "-10..-1");
    assert_eq!(ps.transform_value("x", "anything").unwrap(), None);
    assert_eq!(
        ps.transform_value("band", "2026-01-01").unwrap_err().code(),
        Code::PseudoInvalidValue
    );

    // Shift: same subject, same offset, whatever the date; within ±30 days.
    assert_eq!(
        ps.transform_value("d", "2024-01-01").unwrap_err().code(),
        Code::PseudoSubjectRequired
    );
    let off = ps.shift_offset("d", "2345 6789 0124").unwrap();
    assert_eq!(
        off,
        ps.shift_offset("d", "234567890124").unwrap(),
        "canonical subject"
    );
    assert!((-30..=30).contains(&off));
    let shifted = ps
        .transform_shift("d", "2024-03-01", "234567890124")
        .unwrap()
        .unwrap();
    // 2024-03-01 is day 19783 after 1970-01-01.
    let expected = consentry_test_date(19_783 + off);
    assert_eq!(shifted, expected);
    // An invalid subject is an error for the subject field.
    let err = ps
        .transform_shift("d", "2024-03-01", "234567890125")
        .unwrap_err();
    assert_eq!(err.field(), Some("id"));
}

/// Independent civil-from-days for the test (the Python datetime answer would do too).
fn consentry_test_date(days: i64) -> String {
    let mut y = 1970i64;
    let mut d = days;
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    loop {
        let n = if leap(y) { 366 } else { 365 };
        if d >= n {
            d -= n;
            y += 1;
        } else if d < 0 {
            y -= 1;
            d += if leap(y) { 366 } else { 365 };
        } else {
            break;
        }
    }
    let months = [
        31,
        if leap(y) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut m = 0;
    while d >= months[m] {
        d -= months[m];
        m += 1;
    }
    format!("{y:04}-{:02}-{:02}", m + 1, d + 1)
}

#[test]
fn json_records_with_wildcards_drops_and_unlisted() {
    let ps = ps(
        json!({
            "/head/aadhaar": {"type": "aadhaar", "transform": "pseudonym"},
            "/members/*/aadhaar": {"type": "aadhaar", "transform": "ff1"},
            "/members/*/dob": {"type": "date", "transform": "shift",
                               "params": {"max_days": 10, "subject": "/members/*/aadhaar"}},
            "/members/*/name": {"type": "name", "transform": "drop"},
            "/address/pincode": {"type": "pincode", "transform": "generalise", "params": {"digits": 3}},
            "/phones/*": {"type": "mobile", "transform": "mask", "params": {"preset": "mobile"}},
        }),
        "drop",
    );
    let mut rec = json!({
        "head": {"aadhaar": "2345 6789 0124", "name": "Asha"},
        "members": [
            {"aadhaar": "999900001119", "dob": "2015-06-01", "name": "Ravi", "school": "x"},
            {"aadhaar": null, "dob": "", "name": "Meena"},
        ],
        "address": {"pincode": 600001, "line1": "12 Main Rd"},
        "phones": ["9876543210", "+91 6000000000"],
        "notes": "free text",
    });
    ps.apply_json(&mut rec).unwrap();
    let m0 = &rec["members"][0];
    let tok = m0["aadhaar"].as_str().unwrap();
    assert!(!ids::verhoeff_valid(tok));
    let off = ps.shift_offset("/members/*/dob", "999900001119").unwrap();
    assert!((-10..=10).contains(&off));
    assert_eq!(
        rec,
        json!({
            "head": {"aadhaar": ps.transform_value("/head/aadhaar", "234567890124").unwrap().unwrap()},
            "members": [
                {"aadhaar": tok, "dob": ps.transform_shift("/members/*/dob", "2015-06-01", "999900001119").unwrap().unwrap()},
                {"aadhaar": null, "dob": ""},
            ],
            "address": {"pincode": "600"},
            "phones": ["XXXXXX3210", "XXXXXX0000"],
        })
    );
    // Reversal restores the ff1 field.
    ps.reverse_json(&mut rec).unwrap();
    assert_eq!(rec["members"][0]["aadhaar"], "999900001119");

    // A shift target whose subject is missing is an error naming the shift field.
    let mut bad = json!({"members": [{"dob": "2015-06-01"}]});
    let err = ps.apply_json(&mut bad).unwrap_err();
    assert_eq!(err.code(), Code::PseudoMissingSubject);
    assert_eq!(err.field(), Some("/members/*/dob"));
    // Objects where a value is expected.
    let mut bad = json!({"head": {"aadhaar": {"n": 1}}});
    assert_eq!(
        ps.apply_json(&mut bad).unwrap_err().code(),
        Code::PseudoUnsupportedValue
    );
}

#[test]
fn json_unlisted_keep_and_array_drops() {
    let ps = ps(
        json!({"/a/0": {"type": "text", "transform": "drop"},
               "/a/2": {"type": "text", "transform": "drop"},
               "/b": {"type": "text", "transform": "token"}}),
        "keep",
    );
    let mut rec = json!({"a": ["x", "y", "z", "w"], "b": "secret", "c": {"d": 1}});
    ps.apply_json(&mut rec).unwrap();
    assert_eq!(rec["a"], json!(["y", "w"]));
    assert_eq!(rec["c"], json!({"d": 1}));
    assert!(rec["b"].as_str().unwrap().starts_with("t1."));
}

#[test]
fn csv_rows() {
    let ps = ps(
        json!({
            "aadhaar": {"type": "aadhaar", "transform": "pseudonym"},
            "/mobile": {"type": "mobile", "transform": "token"},
            "dob": {"type": "date", "transform": "shift", "params": {"max_days": 5, "subject": "aadhaar"}},
            "name": {"type": "name", "transform": "drop"},
            "pin": {"type": "pincode", "transform": "generalise", "params": {"digits": 2}},
        }),
        "drop",
    );
    let header = ["aadhaar", "name", "mobile", "dob", "pin", "remarks"];
    let plan = ps.csv_plan(&header).unwrap();
    assert_eq!(plan.header(), ["aadhaar", "mobile", "dob", "pin"]);
    let row = [
        "2345 6789 0124",
        "Asha",
        "98765 43210",
        "1990-01-31",
        "600001",
        "note",
    ];
    let out = plan.apply_row(&row).unwrap();
    assert_eq!(out.len(), 4);
    assert_eq!(
        out[0],
        ps.transform_value("aadhaar", "234567890124")
            .unwrap()
            .unwrap()
    );
    assert_eq!(
        out[2],
        ps.transform_shift("dob", "1990-01-31", "234567890124")
            .unwrap()
            .unwrap()
    );
    assert_eq!(out[3], "60");
    assert_eq!(ps.apply_csv_row(&header, &row).unwrap(), out);
    // Reverse: token column restored, the rest unchanged.
    let back = ps.reverse_csv_row(plan.header(), &out).unwrap();
    assert_eq!(back[1], "+919876543210");
    assert_eq!(back[0], out[0]);

    // Empty cells stay empty; errors name the field; wrong widths are refused.
    let out = plan.apply_row(&["", "", "", "", "", ""]).unwrap();
    assert_eq!(out, ["", "", "", ""]);
    let err = plan
        .apply_row(&["234567890125", "", "", "", "", ""])
        .unwrap_err();
    assert_eq!(err.field(), Some("aadhaar"));
    assert_eq!(err.code(), Code::PseudoInvalidValue);
    assert_eq!(
        plan.apply_row(&["a"]).unwrap_err(),
        PseudoError::RowLength {
            expected: 6,
            actual: 1
        }
    );
    let err = plan
        .apply_row(&["", "", "", "1990-01-31", "", ""])
        .unwrap_err();
    assert_eq!(err.code(), Code::PseudoMissingSubject);
    // Header problems.
    assert_eq!(
        ps.csv_plan(&["dob", "pin"]).unwrap_err().code(),
        Code::PseudoMissingSubject
    );
    assert_eq!(
        ps.csv_plan(&["pin", "pin"]).unwrap_err().code(),
        Code::PseudoDuplicateColumn
    );
}

/// `apply_row_into` reuses the caller's vector: whatever the row before left in it (longer
/// strings, more cells, a failed row's partial output), the output equals a fresh
/// `apply_row`, for forward and reversed plans.
#[test]
fn apply_row_into_a_reused_row_equals_a_fresh_row() {
    let ps = ps(
        json!({
            "aadhaar": {"type": "aadhaar", "transform": "ff1"},
            "/mobile": {"type": "mobile", "transform": "token"},
            "dob": {"type": "date", "transform": "shift", "params": {"max_days": 5, "subject": "aadhaar"}},
            "name": {"type": "name", "transform": "drop"},
            "pin": {"type": "pincode", "transform": "generalise", "params": {"digits": 2}},
        }),
        "keep",
    );
    let header = ["aadhaar", "name", "mobile", "dob", "pin", "remarks"];
    let plan = ps.csv_plan(&header).unwrap();
    let rows: [[&str; 6]; 5] = [
        [
            "2345 6789 0124",
            "Asha",
            "98765 43210",
            "1990-01-31",
            "600001",
            "a long remark here",
        ],
        ["", "", "", "", "", ""],
        ["234567890125", "", "", "", "", "bad aadhaar"],
        [
            "234567890124",
            "Ravi",
            "+91 91234 56789",
            "2001-12-31",
            "110011",
            "",
        ],
        ["2345 6789 0124", "", "", "", "600001", "x"],
    ];
    let mut reused = vec!["left over from before".to_owned(); 9];
    let mut outs = Vec::new();
    for row in &rows {
        let fresh = plan.apply_row(row);
        match plan.apply_row_into(row, &mut reused) {
            Ok(()) => {
                assert_eq!(fresh.as_ref(), Ok(&reused), "row {row:?}");
                outs.push(reused.clone());
            }
            Err(e) => assert_eq!(fresh, Err(e)),
        }
    }
    assert_eq!(outs.len(), 4, "one row is refused");
    let back_plan = ps
        .csv_plan_with(plan.header(), CsvOptions::default().reverse(true))
        .unwrap();
    for out in &outs {
        back_plan.apply_row_into(out, &mut reused).unwrap();
        assert_eq!(reused, back_plan.apply_row(out).unwrap());
    }
}

#[test]
fn keys_and_domains() {
    assert_eq!(
        MasterKey::from_hex("zz").unwrap_err().code(),
        Code::PseudoInvalidKey
    );
    assert!(MasterKey::from_hex(&"g".repeat(64)).is_err());
    assert!(MasterKey::from_slice(&[0u8; 31]).is_err());
    let a = MasterKey::from_hex(&"4a0f".repeat(16)).unwrap();
    let b = MasterKey::from_hex(&"4a0f".repeat(16).to_uppercase()).unwrap();
    let pol = policy(
        json!({"x": {"type": "text", "transform": "pseudonym"}}),
        "keep",
    );
    let pa = Pseudonymiser::new(&pol, &a).unwrap();
    let pb = Pseudonymiser::new(&pol, &b).unwrap();
    assert_eq!(
        pa.transform_value("x", "v").unwrap(),
        pb.transform_value("x", "v").unwrap()
    );
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Pseudonymiser>();
    assert_send_sync::<Policy>();
}

#[test]
fn every_code_is_reachable_by_name() {
    for c in Code::ALL {
        assert!(!c.as_str().is_empty());
    }
    assert_eq!(Code::IdInvalid as u32, 4000);
    assert_eq!(Code::PseudoInvalidValue as u32, 5000);
    assert_eq!(Code::PolicyMalformed as u32, 5100);
}

/// Known answers, recomputed independently by `tests/python/pseudo_crosscheck.py` (Python
/// `cryptography` + an FF1 written from the spec); pinned here so a regression is caught
/// without Python.
#[test]
fn known_answers_cross_checked_with_python() {
    // The policy and key `examples/rust/pseudo_crosscheck.rs` prints outputs of for Python.
    let master = crosscheck_master();
    let mk = |domain: &str| Pseudonymiser::new(&crosscheck_policy(domain), &master).unwrap();
    let ps = mk("tn.health/research");
    let v = |f: &str, x: &str| ps.transform_value(f, x).unwrap().unwrap();
    assert_eq!(
        v("aadhaar.p", "4727 7654 2344"),
        "ydkirrlfsesztzk7dmib7ibiiy"
    );
    assert_eq!(
        v("aadhaar.t", "4727 7654 2344"),
        "t1._y9oF6BCUm4tmB2_EQ1M--nZGYnoB4TLWV9e4A"
    );
    assert_eq!(v("aadhaar.f", "4727 7654 2344"), "352133357301");
    assert_eq!(
        ps.shift_offset("date.s.aadhaar", "472776542344").unwrap(),
        7
    );
    assert_eq!(
        ps.transform_shift("date.s.aadhaar", "1984-09-02", "472776542344")
            .unwrap()
            .unwrap(),
        "1984-09-09"
    );
    let ps = mk("तमिलनाडु/स्वास्थ्य");
    let v = |f: &str, x: &str| ps.transform_value(f, x).unwrap().unwrap();
    assert_eq!(v("pan.p", "abcPE5947F"), "m7fxyoqmoffod32wyhb2f2bhyq");
    assert_eq!(
        v("pan.t", "abcPE5947F"),
        "t1.nIUjpAd4Pm2KldbB9pkVmbI5T0Xw9qJKAPQ"
    );
    assert_eq!(v("pan.f", "abcPE5947F"), "QF144AVWTE");
}

#[test]
fn shift_offset_needs_a_shift_field() {
    let ps = ps(json!({"a": {"type": "text", "transform": "token"}}), "keep");
    assert_eq!(
        ps.shift_offset("a", "s").unwrap_err().code(),
        Code::PseudoWrongTransform
    );
}

#[test]
fn all_zero_or_all_same_byte_master_key_is_refused_when_the_pseudonymiser_is_built() {
    let pol = policy(
        json!({"x": {"type": "text", "transform": "pseudonym"}}),
        "keep",
    );
    for b in [0x00u8, 0x42, 0xff] {
        let key = MasterKey::from_bytes([b; 32]);
        assert!(key.is_weak());
        let e = Pseudonymiser::new(&pol, &key).unwrap_err();
        assert_eq!(e.code(), Code::MasterKeyWeak);
        assert!(!e.to_string().contains("42"), "{e}");
        let e =
            consentry::pseudo::derive_domain_key(&key, consentry::pseudo::KeyKind::Pseudonym, "d")
                .unwrap_err();
        assert_eq!(e.code(), Code::MasterKeyWeak);
    }
    let e = Pseudonymiser::new(&pol, &MasterKey::from_hex(&"00".repeat(32)).unwrap()).unwrap_err();
    assert_eq!(e.code(), Code::MasterKeyWeak);
    // One differing byte is enough to pass this check (it is a tripwire, not an entropy test).
    let mut almost = [0u8; 32];
    almost[31] = 1;
    assert!(Pseudonymiser::new(&pol, &MasterKey::from_bytes(almost)).is_ok());
}

#[test]
fn key_check_value_refuses_reversal_under_another_key_or_domain() {
    let fields = json!({"aadhaar": {"type": "aadhaar", "transform": "ff1"}});
    let a = ps(fields.clone(), "drop");
    let kcv = a.key_check_json();
    let doc: serde_json::Value = serde_json::from_str(&kcv).unwrap();
    assert_eq!(doc["v"], 1);
    assert_eq!(doc["domain"], "tn.health/research");
    assert_eq!(doc["kcv"].as_str().unwrap(), a.key_check());
    assert_eq!(a.key_check().len(), 16);
    // The check value is not any derived key, nor the master key.
    assert!(!kcv.contains(&hex::encode(&KEY[..8])));
    assert!(a.check_key_json(&kcv).is_ok());

    let other_key = Pseudonymiser::new(
        &policy(fields.clone(), "drop"),
        &MasterKey::from_bytes(*b"another master key, not the test"),
    )
    .unwrap();
    let e = other_key.check_key_json(&kcv).unwrap_err();
    assert_eq!(e.code(), Code::PseudoKeyCheckMismatch);
    // FF1 itself cannot tell: the wrong key decrypts to a different, well-formed Aadhaar.
    let t = a
        .transform_value("aadhaar", "234567890124")
        .unwrap()
        .unwrap();
    let wrong = other_key.reverse_value("aadhaar", &t).unwrap();
    assert!(ids::is_valid(IdType::Aadhaar, &wrong) && wrong != "234567890124");

    let doc = json!({"domain": "tn.health/other", "fields": fields, "unlisted": "drop"});
    let other_domain = Pseudonymiser::new(
        &Policy::from_json(&doc.to_string()).unwrap(),
        &MasterKey::from_bytes(KEY),
    )
    .unwrap();
    let e = other_domain.check_key_json(&kcv).unwrap_err();
    assert_eq!(e.code(), Code::PseudoKeyCheckMismatch);
    assert!(e.to_string().contains("`tn.health/research`"), "{e}");

    for bad in [
        "",
        "{}",
        r#"{"v":2,"domain":"tn.health/research","kcv":"0011223344556677"}"#,
        r#"{"v":1,"domain":"tn.health/research","kcv":"00"}"#,
        r#"{"v":1,"domain":"tn.health/research","kcv":"zz11223344556677"}"#,
        r#"{"v":1,"domain":"tn.health/research","kcv":"0011223344556677","x":1}"#,
    ] {
        assert_eq!(
            a.check_key_json(bad).unwrap_err().code(),
            Code::PseudoKeyCheckMalformed,
            "{bad}"
        );
    }
}

#[test]
fn near_miss_column_names_are_refused_or_folded() {
    let ps = ps(
        json!({
            "aadhaar": {"type": "aadhaar", "transform": "pseudonym"},
            "name": {"type": "name", "transform": "drop"},
        }),
        "keep",
    );
    for near in [
        "Aadhaar",
        "aadhaar ",
        "aad haar",
        "aadh\u{200B}aar",
        "\u{0430}adhaar",
        "AADH\u{0391}AR",
        "\u{FF41}adhaar",
        "NAME",
    ] {
        let e = ps.csv_plan(&[near, "ward"]).unwrap_err();
        assert_eq!(e.code(), Code::PseudoColumnNearMiss, "{near:?}");
        assert!(!e.to_string().contains('\u{200B}'), "escaped: {e}");
    }
    // Folding treats the column as the policy key.
    let opts = CsvOptions::default().fold_column_names(true);
    let plan = ps
        .csv_plan_with(&["Aadhaar ", "ward", "Name"], opts)
        .unwrap();
    assert_eq!(plan.header(), ["Aadhaar ", "ward"]);
    let out = plan.apply_row(&["234567890124", "w1", "Asha"]).unwrap();
    assert_eq!(
        out[0],
        ps.transform_value("aadhaar", "234567890124")
            .unwrap()
            .unwrap()
    );
    // Distinct names are not near misses; with "unlisted": "drop" near misses are dropped.
    assert!(ps.csv_plan(&["aadhaar_2", "names"]).is_ok());
    let dropping = Pseudonymiser::new(
        &policy(
            json!({"aadhaar": {"type": "aadhaar", "transform": "pseudonym"}}),
            "drop",
        ),
        &MasterKey::from_bytes(KEY),
    )
    .unwrap();
    assert!(dropping.csv_plan(&["Aadhaar"]).unwrap().header().is_empty());
}

#[test]
fn unlisted_columns_holding_aadhaar_numbers_are_found() {
    let ps = ps(
        json!({"aadhaar": {"type": "aadhaar", "transform": "pseudonym"}}),
        "keep",
    );
    let plan = ps.csv_plan(&["aadhaar", "ref", "notes", "ward"]).unwrap();
    assert_eq!(plan.unlisted_columns().collect::<Vec<_>>(), [1, 2, 3]);
    let row = [
        "234567890124",
        "2345 6789 0124",
        "id 234567890124 seen",
        "234567890125",
    ];
    assert_eq!(plan.unlisted_aadhaar(&row), [1, 2]);
}

#[test]
fn wide_csv_header_plans_once_and_transforms_correctly() {
    const COLS: usize = 16_384;
    let ps = ps(
        json!({
            "c100": {"type": "aadhaar", "transform": "ff1"},
            "c16000": {"type": "mobile", "transform": "token"},
            "c5": {"type": "text", "transform": "drop"},
        }),
        "keep",
    );
    let header: Vec<String> = (0..COLS).map(|i| format!("c{i}")).collect();
    let row: Vec<String> = (0..COLS)
        .map(|i| match i {
            100 => "234567890124".to_owned(),
            16000 => "9876543210".to_owned(),
            _ => format!("v{i}"),
        })
        .collect();
    let plan = ps.csv_plan(&header).unwrap();
    assert_eq!(plan.header().len(), COLS - 1);
    let out = plan.apply_row(&row).unwrap();
    assert_eq!(out.len(), COLS - 1);
    assert_eq!(out[4], "v4");
    assert_eq!(out[5], "v6");
    assert_ne!(out[99], "234567890124");
    assert!(out[15_999].starts_with("t1."));
    let back_plan = ps
        .csv_plan_with(plan.header(), CsvOptions::default().reverse(true))
        .unwrap();
    let back = back_plan.apply_row(&out).unwrap();
    assert_eq!(back[99], "234567890124");
    assert_eq!(back[15_999], "+919876543210");
    assert_eq!(ps.reverse_csv_row(plan.header(), &out).unwrap(), back);
    // A duplicate at the far end of a wide header is still found.
    let mut dup = header.clone();
    dup.push("c0".to_owned());
    assert_eq!(
        ps.csv_plan(&dup).unwrap_err().code(),
        Code::PseudoDuplicateColumn
    );
}

#[test]
fn negative_buckets_are_unambiguous_and_positive_ones_unchanged() {
    let ps = ps(
        json!({"n": {"type": "number", "transform": "generalise", "params": {"bucket": 10}},
               "one": {"type": "number", "transform": "generalise", "params": {"bucket": 1}}}),
        "drop",
    );
    let v = |f: &str, x: &str| ps.transform_value(f, x).unwrap().unwrap();
    assert_eq!(v("n", "0"), "0-9");
    assert_eq!(v("n", "37"), "30-39");
    assert_eq!(v("n", "-1"), "-10..-1");
    assert_eq!(v("n", "-10"), "-10..-1");
    assert_eq!(v("n", "-11"), "-20..-11");
    assert_eq!(v("one", "-3"), "-3");
}

#[test]
fn near_miss_json_keys_are_refused_when_unlisted_values_are_kept() {
    let ps = ps(
        json!({
            "/patient/aadhaar": {"type": "aadhaar", "transform": "pseudonym"},
            "/members/*/mobile": {"type": "mobile", "transform": "mask", "params": {"preset": "mobile"}},
        }),
        "keep",
    );
    for rec in [
        json!({"patient": {"Aadhaar": "234567890124"}}),
        json!({"patient": {"aadhaar": "234567890124", "aad haar": "234567890124"}}),
        json!({"patient": {"aadh\u{200B}aar": "234567890124"}}),
        json!({"members": [{"mobile": "9876543210"}, {"MOBILE": "9876543210"}]}),
        json!({"members": [{"m\u{043E}bile": "9876543210"}]}),
    ] {
        let mut r = rec.clone();
        let e = ps.apply_json(&mut r).unwrap_err();
        assert_eq!(e.code(), Code::PseudoColumnNearMiss, "{rec}");
        assert!(!e.to_string().contains("234567890124"));
    }
    // A near miss of a parent step too.
    let mut r = json!({"Patient": {"aadhaar": "234567890124"}});
    assert_eq!(
        ps.apply_json(&mut r).unwrap_err().code(),
        Code::PseudoColumnNearMiss
    );
    // Exact keys and unrelated keys pass.
    let mut r = json!({"patient": {"aadhaar": "234567890124", "aadhaar_ref": "x"}, "ward": 1});
    ps.apply_json(&mut r).unwrap();
    assert_eq!(r["ward"], 1);
    // With "unlisted": "drop" a near miss is simply dropped.
    let dropping = Pseudonymiser::new(
        &policy(
            json!({"/patient/aadhaar": {"type": "aadhaar", "transform": "pseudonym"}}),
            "drop",
        ),
        &MasterKey::from_bytes(KEY),
    )
    .unwrap();
    let mut r = json!({"patient": {"Aadhaar": "234567890124"}});
    dropping.apply_json(&mut r).unwrap();
    assert_eq!(r, json!({"patient": {}}));
}

#[test]
fn key_check_value_is_pinned() {
    // Stored `.kcv` files must stay valid across releases: a change here breaks reversal.
    // Independently: HKDF-SHA256(salt "consentry/v1/kcv", ikm KEY, info domain, L 32),
    // then HMAC-SHA256(that, "consentry/v1/key-check" 0x00 domain), first 8 bytes, hex
    // (checked with Python's hmac/hashlib).
    let kcv = consentry::pseudo::key_check_value(&MasterKey::from_bytes(KEY), "tn.health/research")
        .unwrap();
    assert_eq!(kcv, "1d02ab7fd6bfb03d");
}

/// Issue 15: `drop` and `keep` do not read the value, so they need no `type`; every other
/// transform still does (`policy_malformed`, "missing field `type`").
#[test]
fn drop_and_keep_fields_need_no_type() {
    let ps = ps(
        json!({
            "/notes": {"transform": "drop"},
            "/age": {"transform": "keep"},
            "/ward": {"type": "text", "transform": "keep"},
            "/aadhaar": {"type": "aadhaar", "transform": "pseudonym"},
        }),
        "drop",
    );
    let mut r =
        json!({"notes": "x", "age": 41, "ward": " 7 ", "aadhaar": "234123412346", "other": 1});
    ps.apply_json(&mut r).unwrap();
    // `keep` leaves the value exactly as it was (a number stays a number, spaces stay).
    assert_eq!(r["age"], json!(41));
    assert_eq!(r["ward"], json!(" 7 "));
    assert!(r.get("notes").is_none() && r.get("other").is_none());
    assert_eq!(ps.policy().field("/age").unwrap().transform_id(), "keep");

    // CSV: a `keep` column stays as it is, a typeless `drop` column goes.
    let plan = ps.csv_plan(&["notes", "age", "aadhaar"]).unwrap();
    assert_eq!(plan.header(), ["age", "aadhaar"]);
    let out = plan.apply_row(&["x", " 041", "234123412346"]).unwrap();
    assert_eq!(out[0], " 041");

    // The policy writes itself back without a `type` for those fields.
    let p = ps.policy();
    let again = Policy::from_json(&p.to_json()).unwrap();
    assert_eq!(again.to_json(), p.to_json());
    assert!(
        !p.to_json().contains(r#""/notes":{"type""#),
        "{}",
        p.to_json()
    );

    for transform in ["pseudonym", "token", "mask", "shift"] {
        let doc = format!(
            r#"{{"domain":"d","fields":{{"a":{{"transform":"{transform}"}}}},"unlisted":"keep"}}"#
        );
        let err = Policy::from_json(&doc).unwrap_err();
        assert_eq!(err.code(), Code::PolicyMalformed, "{transform}");
        assert!(err.to_string().contains("missing field `type`"), "{err}");
    }
    // A type given to `drop` or `keep` must still be a known one.
    assert_eq!(
        policy_err(json!({"f": {"type": "ssn", "transform": "keep"}})).code(),
        Code::PolicyUnknownType
    );
}

/// Issue 15: `mask` without `keep_last` uses the identifier type's display mask (the contract's
/// presets, the same as `ids::mask`); types without one still need `keep_last`.
#[test]
fn mask_without_keep_last_uses_the_types_preset() {
    let ps = ps(
        json!({
            "a": {"type": "aadhaar", "transform": "mask"},
            "m": {"type": "mobile", "transform": "mask"},
            "v": {"type": "vid", "transform": "mask"},
            "p": {"type": "pan", "transform": "mask"},
            "e": {"type": "email", "transform": "mask"},
            "z": {"type": "pincode", "transform": "mask"},
        }),
        "keep",
    );
    let t = |f: &str, v: &str| ps.transform_value(f, v).unwrap().unwrap();
    assert_eq!(t("a", "2341 2341 2346"), "XXXX XXXX 2346");
    assert_eq!(t("m", "+91 98765 43210"), "XXXXXX3210");
    assert_eq!(t("v", "1234 5678 9012 3456"), "XXXX XXXX XXXX 3456");
    assert_eq!(t("p", "abcpe1234f"), "XXXXXX234F");
    assert_eq!(t("e", "Asha@Example.IN"), "aXXX@example.in");
    assert_eq!(t("z", "600042"), "600XXX");
    for (f, v, ty) in [
        ("a", "234123412346", IdType::Aadhaar),
        ("m", "9876543210", IdType::Mobile),
        ("p", "ABCPE1234F", IdType::Pan),
    ] {
        assert_eq!(t(f, v), ids::mask(ty, v).unwrap(), "{f}");
    }
    // The named presets still work, and `preset` may name the field's own identifier type.
    let named = ps_with_preset("aadhaar", "aadhaar");
    assert_eq!(
        named.transform_value("f", "234123412346").unwrap().unwrap(),
        "XXXX XXXX 2346"
    );
    let named = ps_with_preset("pan", "pan");
    assert_eq!(
        named.transform_value("f", "ABCPE1234F").unwrap().unwrap(),
        "XXXXXX234F"
    );
    assert_eq!(
        policy_err(
            json!({"f": {"type": "pan", "transform": "mask", "params": {"preset": "mobile"}}})
        )
        .code(),
        Code::PolicyInvalidParam
    );
    // No preset for names, free text, digits or alphanumerics.
    for ty in ["name", "text", "digits", "alnum"] {
        let err = policy_err(json!({"f": {"type": ty, "transform": "mask"}}));
        assert_eq!(err.code(), Code::PolicyMissingParam, "{ty}");
        assert!(err.to_string().contains("`keep_last`"), "{err}");
    }
}

fn ps_with_preset(ty: &str, preset: &str) -> Pseudonymiser {
    ps(
        json!({"f": {"type": ty, "transform": "mask", "params": {"preset": preset}}}),
        "keep",
    )
}
