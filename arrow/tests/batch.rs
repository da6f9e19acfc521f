//! `transform_batch` against `consentry pseudonymise` on the same table as CSV: byte-identical
//! output in every on_error mode, both directions, nulls and empty strings, every string type.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::sync::Arc;

use arrow_array::{Array, ArrayRef, BinaryArray, Int64Array, RecordBatch, StringArray};
use arrow_schema::DataType;
use common::*;
use consentry::pseudo::OnError;
use consentry::HasCode as _;
use consentry_arrow::{transform_batch, ArrowError, Direction};

/// The fixture minus its invalid rows (row indices 8, 9, 10).
fn valid_people() -> String {
    PEOPLE
        .lines()
        .enumerate()
        .filter(|(i, _)| ![9, 10, 11].contains(i))
        .map(|(_, l)| format!("{l}\n"))
        .collect()
}

fn arrow_csv(
    unlisted: &str,
    text: &str,
    empty: Empty,
    types: &[DataType],
    direction: Direction,
    on_error: OnError,
) -> Result<String, ArrowError> {
    let batch = batch_of(text, empty, types);
    transform_batch(&ps(unlisted), &batch, direction, on_error).map(|b| csv_of(&b))
}

#[test]
fn batch_equals_cli_csv_in_every_on_error_mode_type_and_null_form() {
    for unlisted in ["keep", "drop"] {
        let p = ps(unlisted);
        for &mode in OnError::ALL {
            let cli = cli_csv(&p, PEOPLE, false, mode);
            for empty in [Empty::Null, Empty::EmptyString] {
                for types in [&[DataType::Utf8][..], TYPES, &TYPES[1..], &TYPES[2..]] {
                    let got = arrow_csv(unlisted, PEOPLE, empty, types, Direction::Forward, mode);
                    match (&cli, got) {
                        (Ok(want), Ok(got)) => assert_eq!(
                            &got, want,
                            "unlisted {unlisted}, {mode:?}, {empty:?}, {types:?}"
                        ),
                        (Err(want), Err(got)) => {
                            assert_eq!(got.row(), Some(want.row));
                            assert_eq!(got.column(), want.column.as_deref());
                            assert_eq!(got.code().as_str(), want.code);
                        }
                        (want, got) => panic!("{mode:?}: cli {want:?}, arrow {got:?}"),
                    }
                }
            }
        }
    }
}

#[test]
fn fail_names_row_index_and_column_never_the_value() {
    let err = arrow_csv(
        "keep",
        PEOPLE,
        Empty::Null,
        TYPES,
        Direction::Forward,
        OnError::Fail,
    )
    .unwrap_err();
    assert_eq!(err.row(), Some(8));
    assert_eq!(err.column(), Some("aadhaar"));
    assert_eq!(err.code().as_str(), "pseudo_invalid_value");
    let msg = err.to_string();
    assert!(
        msg.contains("row index 8") && msg.contains("`aadhaar`"),
        "{msg}"
    );
    assert!(!msg.contains("2345") && !msg.contains("0123"), "{msg}");
}

#[test]
fn skip_row_leaves_rows_out_and_null_field_nulls_values() {
    let p = ps("keep");
    let batch = batch_of(PEOPLE, Empty::Null, TYPES);
    let skipped = transform_batch(&p, &batch, Direction::Forward, OnError::SkipRow).unwrap();
    assert_eq!(skipped.num_rows(), 9);
    let nulled = transform_batch(&p, &batch, Direction::Forward, OnError::NullField).unwrap();
    assert_eq!(nulled.num_rows(), 12);
    let col = |name: &str| {
        nulled
            .column(nulled.schema().index_of(name).unwrap())
            .clone()
    };
    // The invalid Aadhaar, the impossible date, and the visit whose subject is missing.
    assert!(col("aadhaar").is_null(8));
    assert!(col("dob").is_null(9));
    assert!(col("visit").is_null(10));
    // Nulls in, nulls out; valid values are not null.
    assert!(col("mobile").is_null(2) && col("name").is_null(4) && col("visit").is_null(5));
    assert!(!col("aadhaar").is_null(0) && !col("visit").is_null(0));
}

#[test]
fn empty_strings_stay_empty_strings_and_nulls_stay_null() {
    let p = ps("keep");
    for (empty, want_null) in [(Empty::Null, true), (Empty::EmptyString, false)] {
        let batch = batch_of(&valid_people(), empty, TYPES);
        let out = transform_batch(&p, &batch, Direction::Forward, OnError::Fail).unwrap();
        let mobile = out.column(out.schema().index_of("mobile").unwrap());
        assert_eq!(mobile.is_null(2), want_null);
        if !want_null {
            assert_eq!(cell(mobile.as_ref(), 2).as_deref(), Some(""));
        }
        // Types are kept.
        for (a, b) in out.schema().fields().iter().zip(batch.schema().fields()) {
            assert_eq!(a.data_type(), b.data_type());
        }
    }
}

#[test]
fn reverse_batch_equals_cli_reverse_and_restores_token_and_ff1() {
    let p = ps("keep");
    let forward = cli_csv(&p, &valid_people(), false, OnError::Fail).unwrap();
    let cli_back = cli_csv(&p, &forward, true, OnError::Fail).unwrap();
    for types in [&[DataType::Utf8][..], TYPES] {
        let batch = batch_of(&forward, Empty::Null, types);
        let back = transform_batch(&p, &batch, Direction::Reverse, OnError::Fail).unwrap();
        assert_eq!(csv_of(&back), cli_back);
    }
    let original = batch_of(&valid_people(), Empty::Null, &[DataType::Utf8]);
    let batch = batch_of(&forward, Empty::Null, &[DataType::Utf8]);
    let back = transform_batch(&p, &batch, Direction::Reverse, OnError::Fail).unwrap();
    let idx = |b: &RecordBatch, n: &str| b.schema().index_of(n).unwrap();
    for r in 0..back.num_rows() {
        let aadhaar = cell(back.column(idx(&back, "aadhaar")).as_ref(), r).unwrap();
        let want = cell(original.column(idx(&original, "aadhaar")).as_ref(), r).unwrap();
        assert_eq!(aadhaar, want.replace(' ', ""));
        let mobile = cell(back.column(idx(&back, "mobile")).as_ref(), r);
        let want = cell(original.column(idx(&original, "mobile")).as_ref(), r);
        assert_eq!(mobile, want.map(|m| format!("+91{m}")));
    }
}

#[test]
fn dropped_columns_vanish_from_the_schema() {
    let p = ps("drop");
    let batch = batch_of(&valid_people(), Empty::Null, TYPES);
    let out = transform_batch(&p, &batch, Direction::Forward, OnError::Fail).unwrap();
    assert!(out.schema().index_of("note").is_err());
    assert_eq!(out.num_columns(), 6);
}

#[test]
fn numeric_columns_pass_when_kept_or_dropped_and_are_refused_when_transformed() {
    let p = ps("keep");
    let ids = StringArray::from(vec!["P1", "P2"]);
    let count = Int64Array::from(vec![Some(3), None]);
    let batch = RecordBatch::try_from_iter([
        ("patient_id", Arc::new(ids) as ArrayRef),
        ("count", Arc::new(count.clone()) as ArrayRef),
    ])
    .unwrap();
    let out = transform_batch(&p, &batch, Direction::Forward, OnError::Fail).unwrap();
    let kept = out.column(1).as_any().downcast_ref::<Int64Array>().unwrap();
    assert_eq!(kept, &count);
    let dropped = transform_batch(&ps("drop"), &batch, Direction::Forward, OnError::Fail).unwrap();
    assert_eq!(dropped.num_columns(), 1);

    let numeric_aadhaar = Int64Array::from(vec![234567890124]);
    let batch =
        RecordBatch::try_from_iter([("aadhaar", Arc::new(numeric_aadhaar) as ArrayRef)]).unwrap();
    let err = transform_batch(&p, &batch, Direction::Forward, OnError::Fail).unwrap_err();
    assert_eq!(err.code().as_str(), "arrow_unsupported_type");
    assert_eq!(err.column(), Some("aadhaar"));
    assert!(!err.to_string().contains("234567890124"));
}

#[test]
fn integer_subject_shifts_as_its_decimal_text() {
    let policy = consentry::pseudo::Policy::from_json(
        r#"{"domain": "d", "unlisted": "keep", "fields": {
          "visit": {"type": "date", "transform": "shift",
                    "params": {"max_days": 90, "subject": "pid"}}}}"#,
    )
    .unwrap();
    let p = consentry::pseudo::Pseudonymiser::new(&policy, &master()).unwrap();
    let batch = RecordBatch::try_from_iter([
        (
            "pid",
            Arc::new(Int64Array::from(vec![Some(1001), None])) as ArrayRef,
        ),
        (
            "visit",
            Arc::new(StringArray::from(vec!["2024-05-01", "2024-05-02"])) as ArrayRef,
        ),
    ])
    .unwrap();
    let err = transform_batch(&p, &batch, Direction::Forward, OnError::Fail).unwrap_err();
    assert_eq!(
        (err.row(), err.code().as_str()),
        (Some(1), "pseudo_missing_subject")
    );
    let out = transform_batch(&p, &batch, Direction::Forward, OnError::NullField).unwrap();
    let want = p.transform_shift("visit", "2024-05-01", "1001").unwrap();
    assert_eq!(cell(out.column(1).as_ref(), 0), want);
    assert!(out.column(1).is_null(1));
}

#[test]
fn shift_without_its_subject_column_is_refused() {
    let batch = RecordBatch::try_from_iter([(
        "visit",
        Arc::new(StringArray::from(vec!["2024-05-01"])) as ArrayRef,
    )])
    .unwrap();
    let err = transform_batch(&ps("keep"), &batch, Direction::Forward, OnError::Fail).unwrap_err();
    assert_eq!(err.code().as_str(), "pseudo_missing_subject");
}

#[test]
fn batch_with_no_column_in_the_policy_is_refused() {
    let batch =
        RecordBatch::try_from_iter([("other", Arc::new(StringArray::from(vec!["x"])) as ArrayRef)])
            .unwrap();
    let err = transform_batch(&ps("keep"), &batch, Direction::Forward, OnError::Fail).unwrap_err();
    assert_eq!(err.code().as_str(), "pseudo_unknown_field");
}

#[test]
fn near_miss_column_name_is_refused_under_unlisted_keep() {
    let batch = RecordBatch::try_from_iter([
        ("name", Arc::new(StringArray::from(vec!["x"])) as ArrayRef),
        (
            "Aadhaar ",
            Arc::new(StringArray::from(vec!["234567890124"])) as ArrayRef,
        ),
    ])
    .unwrap();
    let err = transform_batch(&ps("keep"), &batch, Direction::Forward, OnError::Fail).unwrap_err();
    assert_eq!(err.code().as_str(), "pseudo_column_near_miss");
}

#[test]
fn binary_value_not_utf8_follows_on_error() {
    let p = ps("keep");
    let names: BinaryArray = vec![Some(&b"Asha"[..]), Some(&[0xff, 0xfe][..]), None]
        .into_iter()
        .collect();
    let batch = RecordBatch::try_from_iter([("name", Arc::new(names) as ArrayRef)]).unwrap();
    let err = transform_batch(&p, &batch, Direction::Forward, OnError::Fail).unwrap_err();
    assert_eq!(
        (err.row(), err.column(), err.code().as_str()),
        (Some(1), Some("name"), "arrow_value_not_utf8")
    );
    let skipped = transform_batch(&p, &batch, Direction::Forward, OnError::SkipRow).unwrap();
    assert_eq!(skipped.num_rows(), 2);
    assert!(skipped.column(0).is_null(1));
    let nulled = transform_batch(&p, &batch, Direction::Forward, OnError::NullField).unwrap();
    assert_eq!(nulled.num_rows(), 3);
    assert!(!nulled.column(0).is_null(0) && nulled.column(0).is_null(1));
    assert_eq!(
        cell(nulled.column(0).as_ref(), 0),
        p.transform_value("name", "Asha").unwrap()
    );
}

#[test]
fn pseudonyms_do_not_depend_on_batch_size() {
    let p = ps("keep");
    let batch = batch_of(&valid_people(), Empty::Null, TYPES);
    let whole = csv_of(&transform_batch(&p, &batch, Direction::Forward, OnError::Fail).unwrap());
    let mut parts = String::new();
    for start in 0..batch.num_rows() {
        let one = batch.slice(start, 1);
        let out = csv_of(&transform_batch(&p, &one, Direction::Forward, OnError::Fail).unwrap());
        let mut lines = out.lines();
        let header = lines.next().unwrap();
        if start == 0 {
            parts.push_str(header);
            parts.push('\n');
        }
        lines.for_each(|l| {
            parts.push_str(l);
            parts.push('\n');
        });
    }
    assert_eq!(parts, whole);
    assert!(batch.column(0).data_type() == &DataType::Utf8);
}
