//! `transform_array`: one column by its policy key, equal to the batch's column and to the
//! core's per-value calls; refusals with their codes.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::sync::Arc;

use arrow_array::{
    Array, ArrayRef, BinaryArray, Date32Array, Int64Array, LargeBinaryArray, StringArray,
};
use arrow_schema::DataType;
use common::*;
use consentry::pseudo::OnError;
use consentry::HasCode as _;
use consentry_arrow::{transform_array, transform_batch, Direction};

fn fixture_column(name: &str, ty: &DataType) -> ArrayRef {
    let batch = batch_of(PEOPLE, Empty::Null, std::slice::from_ref(ty));
    batch.column(batch.schema().index_of(name).unwrap()).clone()
}

#[test]
fn array_equals_the_batch_column_for_ff1_pseudonym_token_and_generalise() {
    let p = ps("keep");
    for ty in TYPES.iter().chain([&DataType::LargeBinary]) {
        let batch = batch_of(PEOPLE, Empty::Null, &[DataType::Utf8]);
        let whole = transform_batch(&p, &batch, Direction::Forward, OnError::NullField).unwrap();
        for field in ["aadhaar", "name", "mobile", "dob", "patient_id"] {
            let col = if ty == &DataType::LargeBinary {
                let utf8 = fixture_column(field, &DataType::Utf8);
                let s = utf8.as_any().downcast_ref::<StringArray>().unwrap();
                Arc::new(
                    s.iter()
                        .map(|v| v.map(str::as_bytes))
                        .collect::<LargeBinaryArray>(),
                ) as ArrayRef
            } else {
                fixture_column(field, ty)
            };
            let out =
                transform_array(&p, field, &col, Direction::Forward, OnError::NullField).unwrap();
            assert_eq!(out.data_type(), ty, "{field}");
            assert_eq!(out.len(), col.len());
            let want = whole.column(whole.schema().index_of(field).unwrap());
            for r in 0..col.len() {
                assert_eq!(cell(out.as_ref(), r), cell(want.as_ref(), r), "{field} {r}");
            }
        }
    }
}

#[test]
fn array_equals_the_core_per_value_and_nulls_stay_null() {
    let p = ps("keep");
    let col = StringArray::from(vec![
        Some("2345 6789 0124"),
        None,
        Some(""),
        Some("234567890124"),
    ]);
    let out = transform_array(&p, "aadhaar", &col, Direction::Forward, OnError::Fail).unwrap();
    let want = p.transform_value("aadhaar", "2345 6789 0124").unwrap();
    assert_eq!(cell(out.as_ref(), 0), want);
    assert_eq!(cell(out.as_ref(), 3), want);
    assert!(out.is_null(1));
    assert_eq!(cell(out.as_ref(), 2).as_deref(), Some(""));
    // Sliced input keeps its offsets.
    let sliced = col.slice(3, 1);
    let out = transform_array(&p, "aadhaar", &sliced, Direction::Forward, OnError::Fail).unwrap();
    assert_eq!(cell(out.as_ref(), 0), want);
}

#[test]
fn token_and_ff1_reverse_batchwise() {
    let p = ps("keep");
    for field in ["mobile", "aadhaar"] {
        let col = fixture_column(field, &DataType::Utf8);
        let fwd = transform_array(&p, field, &col, Direction::Forward, OnError::NullField).unwrap();
        let back = transform_array(&p, field, &fwd, Direction::Reverse, OnError::Fail).unwrap();
        for r in 0..col.len() {
            let want = cell(fwd.as_ref(), r).map(|t| p.reverse_value(field, &t).unwrap());
            assert_eq!(cell(back.as_ref(), r), want.filter(|_| !fwd.is_null(r)));
        }
    }
}

#[test]
fn invalid_value_under_each_on_error_mode() {
    let p = ps("keep");
    let col = StringArray::from(vec![Some("234567890124"), Some("2345 6789 0123"), None]);
    let err = transform_array(&p, "aadhaar", &col, Direction::Forward, OnError::Fail).unwrap_err();
    assert_eq!(
        (err.row(), err.column(), err.code().as_str()),
        (Some(1), Some("aadhaar"), "pseudo_invalid_value")
    );
    assert!(!err.to_string().contains("0123"), "{err}");
    let nulled =
        transform_array(&p, "aadhaar", &col, Direction::Forward, OnError::NullField).unwrap();
    assert!(!nulled.is_null(0) && nulled.is_null(1) && nulled.is_null(2));
    let err =
        transform_array(&p, "aadhaar", &col, Direction::Forward, OnError::SkipRow).unwrap_err();
    assert_eq!(err.code().as_str(), "arrow_skip_row_needs_batch");
    // A forged token under reverse.
    let toks = StringArray::from(vec!["t1.AAAA"]);
    let err = transform_array(&p, "mobile", &toks, Direction::Reverse, OnError::Fail).unwrap_err();
    assert_eq!(err.code().as_str(), "pseudo_invalid_token");
}

#[test]
fn binary_not_utf8_follows_on_error() {
    let p = ps("keep");
    let col: BinaryArray = vec![Some(&[0xc3, 0x28][..]), Some(&b"Asha"[..])]
        .into_iter()
        .collect();
    let err = transform_array(&p, "name", &col, Direction::Forward, OnError::Fail).unwrap_err();
    assert_eq!(
        (err.row(), err.code().as_str()),
        (Some(0), "arrow_value_not_utf8")
    );
    let out = transform_array(&p, "name", &col, Direction::Forward, OnError::NullField).unwrap();
    assert!(out.is_null(0));
    assert_eq!(out.data_type(), &DataType::Binary);
    assert_eq!(
        cell(out.as_ref(), 1),
        p.transform_value("name", "Asha").unwrap()
    );
}

#[test]
fn refusals_carry_their_codes() {
    let keep_policy = consentry::pseudo::Policy::from_json(
        r#"{"domain": "d", "unlisted": "keep", "fields": {
          "n": {"transform": "keep"}, "gone": {"transform": "drop"},
          "name": {"type": "name", "transform": "pseudonym"}}}"#,
    )
    .unwrap();
    let kp = consentry::pseudo::Pseudonymiser::new(&keep_policy, &master()).unwrap();
    let ints = Int64Array::from(vec![Some(1), None]);
    // `keep` passes any type through; `drop` is refused.
    let kept = transform_array(&kp, "n", &ints, Direction::Forward, OnError::Fail).unwrap();
    assert_eq!(kept.as_any().downcast_ref::<Int64Array>().unwrap(), &ints);
    let err = transform_array(&kp, "gone", &ints, Direction::Forward, OnError::Fail).unwrap_err();
    assert_eq!(err.code().as_str(), "arrow_field_dropped");
    let err = transform_array(&kp, "name", &ints, Direction::Forward, OnError::Fail).unwrap_err();
    assert_eq!(err.code().as_str(), "arrow_unsupported_type");
    let dates = Date32Array::from(vec![19000]);
    let err = transform_array(&kp, "name", &dates, Direction::Forward, OnError::Fail).unwrap_err();
    assert_eq!(err.code().as_str(), "arrow_unsupported_type");
    let p = ps("keep");
    let strings = StringArray::from(vec!["x"]);
    for (field, dir, code) in [
        ("nope", Direction::Forward, "pseudo_unknown_field"),
        ("visit", Direction::Forward, "pseudo_subject_required"),
        ("name", Direction::Reverse, "pseudo_not_reversible"),
    ] {
        let err = transform_array(&p, field, &strings, dir, OnError::Fail).unwrap_err();
        assert_eq!(err.code().as_str(), code, "{field}");
    }
    // Both spellings of a one-step key.
    let a = transform_array(&p, "/name", &strings, Direction::Forward, OnError::Fail).unwrap();
    let b = transform_array(&p, "name", &strings, Direction::Forward, OnError::Fail).unwrap();
    assert_eq!(cell(a.as_ref(), 0), cell(b.as_ref(), 0));
}
