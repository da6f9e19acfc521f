//! Shared fixtures: the policy, the key, the CSV fixture as a record batch, a batch as CSV, and
//! the CLI's CSV loop on the core (`consentry pseudonymise` as cli/src/pseudo.rs runs it).
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::sync::Arc;

use arrow_array::builder::{BinaryBuilder, LargeStringBuilder, StringBuilder, StringViewBuilder};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use consentry::pseudo::{CsvOptions, CsvWriter, MasterKey, OnError, Policy, Pseudonymiser};
use consentry::HasCode as _;

/// The fixture table: 12 rows, empty cells, an invalid Aadhaar (row index 8), an impossible
/// date (row index 9) and an empty `shift` subject (row index 10).
pub const PEOPLE: &str = include_str!("../fixtures/people.csv");

/// A test key (never for real data).
pub fn master() -> MasterKey {
    MasterKey::from_bytes(*b"consentry arrow tests, not a key")
}

/// The fixture policy: every kind of transform, `shift` by subject, `unlisted` as given.
pub fn policy(unlisted: &str) -> Policy {
    Policy::from_json(&format!(
        r#"{{"domain": "tn.health/arrow-tests", "unlisted": "{unlisted}", "fields": {{
          "patient_id": {{"type": "text", "transform": "pseudonym"}},
          "aadhaar": {{"type": "aadhaar", "transform": "ff1"}},
          "name": {{"type": "name", "transform": "pseudonym"}},
          "mobile": {{"type": "mobile", "transform": "token"}},
          "dob": {{"type": "date", "transform": "generalise", "params": {{"to": "year"}}}},
          "visit": {{"type": "date", "transform": "shift",
                     "params": {{"max_days": 180, "subject": "patient_id"}}}}
        }}}}"#
    ))
    .expect("fixture policy")
}

/// The pseudonymiser of [`policy`] under [`master`].
pub fn ps(unlisted: &str) -> Pseudonymiser {
    Pseudonymiser::new(&policy(unlisted), &master()).expect("pseudonymiser")
}

/// How empty CSV cells become Arrow values.
#[derive(Clone, Copy, Debug)]
pub enum Empty {
    /// Null.
    Null,
    /// The empty string.
    EmptyString,
}

/// The Arrow type each column gets (cycled), to cover every string and binary type.
pub const TYPES: &[DataType] = &[
    DataType::Utf8,
    DataType::LargeUtf8,
    DataType::Binary,
    DataType::Utf8View,
];

/// A CSV text as a record batch: every column string-like, of `types[i % types.len()]`.
pub fn batch_of(csv_text: &str, empty: Empty, types: &[DataType]) -> RecordBatch {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv_text.as_bytes());
    let header: Vec<String> = rd.headers().unwrap().iter().map(str::to_owned).collect();
    let rows: Vec<Vec<String>> = rd
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let cols: Vec<(String, ArrayRef)> = header
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let cells = rows.iter().map(|r| {
                let v = r[c].as_str();
                match (v, empty) {
                    ("", Empty::Null) => None,
                    _ => Some(v),
                }
            });
            let ty = &types[c % types.len()];
            (name.clone(), string_array(cells, ty))
        })
        .collect();
    RecordBatch::try_from_iter(cols).unwrap()
}

/// An array of `ty` (Utf8, LargeUtf8, Binary, Utf8View) holding `cells`.
pub fn string_array<'a>(cells: impl Iterator<Item = Option<&'a str>>, ty: &DataType) -> ArrayRef {
    match ty {
        DataType::Utf8 => {
            let mut b = StringBuilder::new();
            cells.for_each(|c| b.append_option(c));
            Arc::new(b.finish())
        }
        DataType::LargeUtf8 => {
            let mut b = LargeStringBuilder::new();
            cells.for_each(|c| b.append_option(c));
            Arc::new(b.finish())
        }
        DataType::Binary => {
            let mut b = BinaryBuilder::new();
            cells.for_each(|c| b.append_option(c));
            Arc::new(b.finish())
        }
        DataType::Utf8View => {
            let mut b = StringViewBuilder::new();
            cells.for_each(|c| b.append_option(c));
            Arc::new(b.finish())
        }
        other => panic!("no fixture arrays of {other}"),
    }
}

/// Row `i` of a string-like array as text (`None` for null).
pub fn cell(a: &dyn Array, i: usize) -> Option<String> {
    if a.is_null(i) {
        return None;
    }
    Some(match a.data_type() {
        DataType::Utf8 => a.as_string::<i32>().value(i).to_owned(),
        DataType::LargeUtf8 => a.as_string::<i64>().value(i).to_owned(),
        DataType::Utf8View => a.as_string_view().value(i).to_owned(),
        DataType::Binary => String::from_utf8(a.as_binary::<i32>().value(i).to_vec()).unwrap(),
        DataType::LargeBinary => String::from_utf8(a.as_binary::<i64>().value(i).to_vec()).unwrap(),
        other => panic!("no cells of {other}"),
    })
}

/// A batch as the CLI would write it: header, then rows, null as the empty cell.
pub fn csv_of(batch: &RecordBatch) -> String {
    let mut w = CsvWriter::new();
    let mut out = Vec::new();
    let header: Vec<String> = batch
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    out.extend_from_slice(w.record(&header).unwrap());
    for r in 0..batch.num_rows() {
        let row: Vec<String> = batch
            .columns()
            .iter()
            .map(|c| cell(c.as_ref(), r).unwrap_or_default())
            .collect();
        out.extend_from_slice(w.record(&row).unwrap());
    }
    String::from_utf8(out).unwrap()
}

/// A row refused by the CSV loop: 0-based row index, column, code.
#[derive(Debug, PartialEq, Eq)]
pub struct Refusal {
    pub row: usize,
    pub column: Option<String>,
    pub code: &'static str,
}

/// `consentry pseudonymise` of a CSV text (cli/src/pseudo.rs's `run_csv` on the core): the
/// output text, or the refusal that stops `fail`.
pub fn cli_csv(
    p: &Pseudonymiser,
    csv_text: &str,
    reverse: bool,
    on_error: OnError,
) -> Result<String, Refusal> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv_text.as_bytes());
    let header: Vec<String> = rd.headers().unwrap().iter().map(str::to_owned).collect();
    let plan = p
        .csv_plan_with(&header, CsvOptions::default().reverse(reverse))
        .unwrap();
    let mut w = CsvWriter::new();
    let mut out = Vec::new();
    out.extend_from_slice(w.record(plan.header()).unwrap());
    for (n, rec) in rd.records().enumerate() {
        let row: Vec<String> = rec.unwrap().iter().map(str::to_owned).collect();
        match plan.apply_row_on_error(&row, on_error) {
            Ok(done) => out.extend_from_slice(w.record(&done.output).unwrap()),
            Err(e) if on_error == OnError::Fail => {
                return Err(Refusal {
                    row: n,
                    column: e.field().map(str::to_owned),
                    code: e.code().as_str(),
                })
            }
            Err(_) => {}
        }
    }
    Ok(String::from_utf8(out).unwrap())
}
