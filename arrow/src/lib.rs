//! Arrow columns and record batches through a consentry pseudonymisation policy.
//!
//! A [`RecordBatch`] is a table whose header is its schema's field names: [`transform_batch`]
//! plans it with the core's [`CsvPlan`] and applies it row by row with
//! [`CsvPlan::apply_row_on_error`], so its output is the output of `consentry pseudonymise` on
//! the same table as CSV, value for value. [`transform_array`] transforms one column by its
//! policy key, as [`Pseudonymiser::transform_value`] and [`Pseudonymiser::reverse_value`] do
//! one value. This crate has no transform logic of its own: it maps Arrow to the core's cells.
//!
//! The mapping:
//!
//! - **Types.** A column the policy transforms (or restores) must be `Utf8`, `LargeUtf8`,
//!   `Utf8View`, `Binary`, `LargeBinary` or `BinaryView`, and comes back as the same type.
//!   A `shift` subject column may also be an integer column (read as its decimal text, as CSV
//!   holds it). A column the policy keeps or drops may be of any type and is passed through
//!   (or left out) untouched. Any other column a transform would read (numbers, dates,
//!   timestamps, nested types) is refused with `arrow_unsupported_type`, never passed through:
//!   cast it to a string first.
//! - **Nulls** stay null. An empty string is CSV's empty cell: it stays empty, untransformed.
//!   A null or empty `shift` subject is a missing subject (`pseudo_missing_subject`), as in CSV.
//! - **Binary values** are read as UTF-8; one that is not is `arrow_value_not_utf8` and
//!   follows `on_error` like any invalid value.
//! - **`on_error`** is the CLI's `--on-error` ([`OnError`]): `fail` returns the first error
//!   (row-major order) with its row index (0-based) and column, never the value; `null-field`
//!   sets each failing value to null (CSV: empties it) and keeps the row; `skip-row` leaves the
//!   row out of the batch. `skip-row` on one column ([`transform_array`]) is refused
//!   (`arrow_skip_row_needs_batch`): rows cannot be left out of one column alone.
//! - **Schema.** Dropped columns vanish; the others keep their field (name, type, metadata),
//!   made nullable when `null-field` nulled a value of a non-nullable one.
//!
//! ```
//! use std::sync::Arc;
//! use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
//! use consentry::pseudo::{MasterKey, OnError, Policy, Pseudonymiser};
//! use consentry_arrow::{transform_array, transform_batch, Direction};
//!
//! let policy = Policy::from_json(r#"{"domain": "d", "unlisted": "drop",
//!   "fields": {"aadhaar": {"type": "aadhaar", "transform": "ff1"}}}"#).unwrap();
//! let ps = Pseudonymiser::new(&policy, &MasterKey::from_bytes(*b"an example key, never use it! 32")).unwrap();
//! let col = StringArray::from(vec![Some("2345 6789 0124"), None]);
//! let out = transform_array(&ps, "aadhaar", &col, Direction::Forward, OnError::Fail).unwrap();
//! assert!(out.is_null(1));
//! let back = transform_array(&ps, "aadhaar", &out, Direction::Reverse, OnError::Fail).unwrap();
//! assert_eq!(back.as_any().downcast_ref::<StringArray>().unwrap().value(0), "234567890124");
//!
//! let batch = RecordBatch::try_from_iter([
//!     ("aadhaar", Arc::new(col) as ArrayRef),
//!     ("note", Arc::new(StringArray::from(vec!["a", "b"])) as ArrayRef),
//! ]).unwrap();
//! let out = transform_batch(&ps, &batch, Direction::Forward, OnError::Fail).unwrap();
//! assert_eq!(out.schema().fields().len(), 1); // `note` is unlisted: dropped
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::sync::Arc;

use arrow_array::builder::{
    BinaryViewBuilder, GenericBinaryBuilder, GenericStringBuilder, StringViewBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch, RecordBatchOptions};
use arrow_schema::{DataType, Field, Schema};
use consentry::pseudo::{CsvOptions, CsvPlan, OnError, PlannedColumn, PseudoError, Pseudonymiser};
use consentry::{Code, HasCode};

/// Which way values go: the policy applied, or `token` and `ff1` values restored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Apply the policy.
    #[default]
    Forward,
    /// Restore `token` and `ff1` values (the CLI's `--reverse`).
    Reverse,
}

/// Why a column or batch could not be transformed. Names the column and row index, never a
/// value or key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArrowError {
    /// The core refused the column or batch as a whole (a duplicate column, a `shift` whose
    /// subject column is absent, a near-miss column name, a field not in the policy, a field
    /// that is not reversible, ...): the core's error and code.
    #[error("{0}")]
    Pseudo(PseudoError),
    /// A value could not be transformed: the core's error (and code) with the row index
    /// (0-based) and the column of the error's field (the CLI's `column`).
    #[error("row index {row}, column `{column}`: {source}")]
    Value {
        /// The row index in the array or batch, 0-based.
        row: usize,
        /// The field the error names (the policy key or column).
        column: String,
        /// The core's error.
        source: PseudoError,
    },
    /// A binary value to be transformed is not UTF-8.
    #[error("row index {row}, column `{column}`: value is not utf-8")]
    NotUtf8 {
        /// The row index, 0-based.
        row: usize,
        /// The column.
        column: String,
    },
    /// The column's type cannot take its transform.
    #[error("column `{column}` is of type `{data_type}`, which `{transform}` cannot take (string and binary columns only; cast it to a string)")]
    UnsupportedType {
        /// The column.
        column: String,
        /// The Arrow type.
        data_type: String,
        /// What the column is for (`pseudonym`, `shift subject`, ...).
        transform: String,
    },
    /// The policy drops the field asked to be transformed as one column.
    #[error("field `{field}` is dropped by the policy: leave the column out")]
    FieldDropped {
        /// The policy key.
        field: String,
    },
    /// `skip-row` on one column: its rows cannot be left out alone.
    #[error(
        "on_error `skip-row` needs a whole record batch: rows cannot be left out of one column"
    )]
    SkipRowNeedsBatch,
    /// No column of the batch is named in the policy (as the CLI refuses such a CSV file).
    #[error("no column of the record batch is named in the policy (columns are matched by plain name; keys starting with `/` are JSON selectors)")]
    NoListedColumn,
    /// An Arrow array or schema is malformed, or arrow-rs refused to build the output.
    #[error("arrow: {0}")]
    Invalid(String),
}

impl HasCode for ArrowError {
    fn code(&self) -> Code {
        match self {
            ArrowError::Pseudo(e) | ArrowError::Value { source: e, .. } => e.code(),
            ArrowError::NotUtf8 { .. } => Code::ArrowValueNotUtf8,
            ArrowError::UnsupportedType { .. } => Code::ArrowUnsupportedType,
            ArrowError::FieldDropped { .. } => Code::ArrowFieldDropped,
            ArrowError::SkipRowNeedsBatch => Code::ArrowSkipRowNeedsBatch,
            ArrowError::NoListedColumn => Code::PseudoUnknownField,
            ArrowError::Invalid(_) => Code::ArrowInvalid,
        }
    }
}

impl From<PseudoError> for ArrowError {
    fn from(e: PseudoError) -> Self {
        ArrowError::Pseudo(e)
    }
}

impl From<arrow_schema::ArrowError> for ArrowError {
    fn from(e: arrow_schema::ArrowError) -> Self {
        ArrowError::Invalid(e.to_string())
    }
}

impl ArrowError {
    /// The row index (0-based) of a value error.
    pub fn row(&self) -> Option<usize> {
        match self {
            ArrowError::Value { row, .. } | ArrowError::NotUtf8 { row, .. } => Some(*row),
            _ => None,
        }
    }

    /// The column (or policy key) the error is about, when there is one.
    pub fn column(&self) -> Option<&str> {
        match self {
            ArrowError::Value { column, .. }
            | ArrowError::NotUtf8 { column, .. }
            | ArrowError::UnsupportedType { column, .. } => Some(column),
            ArrowError::FieldDropped { field } => Some(field),
            ArrowError::Pseudo(e) => e.field(),
            ArrowError::SkipRowNeedsBatch | ArrowError::NoListedColumn | ArrowError::Invalid(_) => {
                None
            }
        }
    }
}

// ----- string-like columns -----

/// A string or binary column, read as bytes per row.
#[derive(Clone, Copy)]
enum StrCol<'a> {
    Utf8(&'a arrow_array::StringArray),
    LargeUtf8(&'a arrow_array::LargeStringArray),
    Utf8View(&'a arrow_array::StringViewArray),
    Binary(&'a arrow_array::BinaryArray),
    LargeBinary(&'a arrow_array::LargeBinaryArray),
    BinaryView(&'a arrow_array::BinaryViewArray),
}

impl<'a> StrCol<'a> {
    fn of(array: &'a dyn Array) -> Option<StrCol<'a>> {
        Some(match array.data_type() {
            DataType::Utf8 => StrCol::Utf8(array.as_string_opt()?),
            DataType::LargeUtf8 => StrCol::LargeUtf8(array.as_string_opt()?),
            DataType::Utf8View => StrCol::Utf8View(array.as_string_view_opt()?),
            DataType::Binary => StrCol::Binary(array.as_binary_opt()?),
            DataType::LargeBinary => StrCol::LargeBinary(array.as_binary_opt()?),
            DataType::BinaryView => StrCol::BinaryView(array.as_binary_view_opt()?),
            _ => return None,
        })
    }

    /// The bytes of the values (of this slice only), a capacity hint for the output.
    fn value_bytes(self) -> usize {
        fn span<O: arrow_array::OffsetSizeTrait>(o: &[O]) -> usize {
            match (o.first(), o.last()) {
                (Some(a), Some(b)) => b.as_usize().saturating_sub(a.as_usize()),
                _ => 0,
            }
        }
        match self {
            StrCol::Utf8(a) => span(a.value_offsets()),
            StrCol::LargeUtf8(a) => span(a.value_offsets()),
            StrCol::Binary(a) => span(a.value_offsets()),
            StrCol::LargeBinary(a) => span(a.value_offsets()),
            StrCol::Utf8View(_) | StrCol::BinaryView(_) => 0,
        }
    }

    /// Row `i` as text: `Ok(None)` for null, `Err(())` for bytes that are not UTF-8.
    /// `i` must be below the array's length.
    #[inline]
    fn text(self, i: usize) -> Result<Option<&'a str>, ()> {
        let bytes = |b: &'a [u8]| std::str::from_utf8(b).map(Some).map_err(|_| ());
        match self {
            StrCol::Utf8(a) => Ok(a.is_valid(i).then(|| a.value(i))),
            StrCol::LargeUtf8(a) => Ok(a.is_valid(i).then(|| a.value(i))),
            StrCol::Utf8View(a) => Ok(a.is_valid(i).then(|| a.value(i))),
            StrCol::Binary(a) if a.is_valid(i) => bytes(a.value(i)),
            StrCol::LargeBinary(a) if a.is_valid(i) => bytes(a.value(i)),
            StrCol::BinaryView(a) if a.is_valid(i) => bytes(a.value(i)),
            StrCol::Binary(_) | StrCol::LargeBinary(_) | StrCol::BinaryView(_) => Ok(None),
        }
    }
}

/// A builder of the same type as a [`StrCol`].
enum StrBuilder {
    Utf8(GenericStringBuilder<i32>),
    LargeUtf8(GenericStringBuilder<i64>),
    Utf8View(StringViewBuilder),
    Binary(GenericBinaryBuilder<i32>),
    LargeBinary(GenericBinaryBuilder<i64>),
    BinaryView(BinaryViewBuilder),
}

/// An output column: its builder and the bytes written, checked against what the type's
/// offsets can address (transformed values may be longer than the input: a `token` is).
struct StrOut {
    builder: StrBuilder,
    bytes: usize,
    limit: usize,
}

/// Most value bytes in one `Utf8` or `Binary` array (32-bit offsets).
const SMALL_OFFSETS_LIMIT: usize = i32::MAX as usize;

impl StrOut {
    /// A builder for `len` values of about `bytes` bytes in all.
    fn like(col: StrCol<'_>, len: usize, bytes: usize) -> StrOut {
        let bytes = bytes.min(SMALL_OFFSETS_LIMIT);
        let (builder, limit) = match col {
            StrCol::Utf8(_) => (
                StrBuilder::Utf8(GenericStringBuilder::with_capacity(len, bytes)),
                SMALL_OFFSETS_LIMIT,
            ),
            StrCol::LargeUtf8(_) => (
                StrBuilder::LargeUtf8(GenericStringBuilder::with_capacity(len, bytes)),
                usize::MAX,
            ),
            StrCol::Utf8View(_) => (
                StrBuilder::Utf8View(StringViewBuilder::with_capacity(len)),
                usize::MAX,
            ),
            StrCol::Binary(_) => (
                StrBuilder::Binary(GenericBinaryBuilder::with_capacity(len, bytes)),
                SMALL_OFFSETS_LIMIT,
            ),
            StrCol::LargeBinary(_) => (
                StrBuilder::LargeBinary(GenericBinaryBuilder::with_capacity(len, bytes)),
                usize::MAX,
            ),
            StrCol::BinaryView(_) => (
                StrBuilder::BinaryView(BinaryViewBuilder::with_capacity(len)),
                usize::MAX,
            ),
        };
        StrOut {
            builder,
            bytes: 0,
            limit,
        }
    }

    /// Appends a value (or a null); refused when the column would outgrow its offsets.
    #[inline]
    fn push(&mut self, v: Option<&str>) -> Result<(), ArrowError> {
        let n = v.map_or(0, str::len);
        self.bytes = self.bytes.saturating_add(n);
        if self.bytes > self.limit {
            return Err(ArrowError::Invalid(
                "an output column would exceed 2 GiB, which 32-bit offsets cannot address: use large_utf8 or large_binary"
                    .to_owned(),
            ));
        }
        match &mut self.builder {
            StrBuilder::Utf8(b) => b.append_option(v),
            StrBuilder::LargeUtf8(b) => b.append_option(v),
            StrBuilder::Utf8View(b) => b.append_option(v),
            StrBuilder::Binary(b) => b.append_option(v),
            StrBuilder::LargeBinary(b) => b.append_option(v),
            StrBuilder::BinaryView(b) => b.append_option(v),
        }
        Ok(())
    }

    fn finish(self) -> ArrayRef {
        match self.builder {
            StrBuilder::Utf8(mut b) => Arc::new(b.finish()),
            StrBuilder::LargeUtf8(mut b) => Arc::new(b.finish()),
            StrBuilder::Utf8View(mut b) => Arc::new(b.finish()),
            StrBuilder::Binary(mut b) => Arc::new(b.finish()),
            StrBuilder::LargeBinary(mut b) => Arc::new(b.finish()),
            StrBuilder::BinaryView(mut b) => Arc::new(b.finish()),
        }
    }
}

fn unsupported(column: &str, data_type: &DataType, transform: &str) -> ArrowError {
    ArrowError::UnsupportedType {
        column: column.to_owned(),
        data_type: data_type.to_string(),
        transform: transform.to_owned(),
    }
}

// ----- one column -----

/// Transforms one column of `field` (a policy key, as [`Pseudonymiser::transform_value`]
/// takes it), or with [`Direction::Reverse`] restores it ([`Pseudonymiser::reverse_value`]).
/// `Utf8` / `LargeUtf8` / `Utf8View` / `Binary` / `LargeBinary` / `BinaryView` in, the same type
/// out, same length; nulls stay null and empty values stay empty. A `keep` field's column is
/// returned as it is, of any type. Refused: a field not in the policy, a `drop` field
/// ([`ArrowError::FieldDropped`]), a `shift` field (its subject is another column: use
/// [`transform_batch`]), reversal of a field that is not `token` or `ff1`, and
/// [`OnError::SkipRow`]. Cost linear in the column.
pub fn transform_array(
    p: &Pseudonymiser,
    field: &str,
    array: &dyn Array,
    direction: Direction,
    on_error: OnError,
) -> Result<ArrayRef, ArrowError> {
    if on_error == OnError::SkipRow {
        return Err(ArrowError::SkipRowNeedsBatch);
    }
    let rule = p
        .field_rule(field)
        .ok_or_else(|| PseudoError::UnknownField {
            field: field.to_owned(),
        })?;
    let transform = rule.transform_id();
    match (direction, transform) {
        (Direction::Forward, "keep") => return Ok(arrow_array::make_array(array.to_data())),
        (Direction::Forward, "drop") => {
            return Err(ArrowError::FieldDropped {
                field: field.to_owned(),
            })
        }
        (Direction::Forward, "shift") => {
            return Err(PseudoError::SubjectRequired {
                field: field.to_owned(),
            }
            .into())
        }
        (Direction::Reverse, _) if !rule.is_reversible() => {
            return Err(PseudoError::NotReversible {
                field: field.to_owned(),
            }
            .into())
        }
        _ => {}
    }
    let col = StrCol::of(array).ok_or_else(|| unsupported(field, array.data_type(), transform))?;
    let handle = p.field(field)?;
    // One buffer for every value: the core appends each result to it.
    let mut buf = String::new();
    let len = array.len();
    let mut out = StrOut::like(col, len, col.value_bytes());
    let fail = |row: usize, e: ArrowError| -> Result<(), ArrowError> {
        match on_error {
            OnError::NullField if e.column().is_some() => Ok(()),
            _ => Err(match e {
                ArrowError::Pseudo(source) => ArrowError::Value {
                    row,
                    column: source.field().unwrap_or(field).to_owned(),
                    source,
                },
                other => other,
            }),
        }
    };
    for i in 0..len {
        let v = match col.text(i) {
            Ok(v) => v,
            Err(()) => {
                fail(
                    i,
                    ArrowError::NotUtf8 {
                        row: i,
                        column: field.to_owned(),
                    },
                )?;
                out.push(None)?;
                continue;
            }
        };
        match v {
            None => out.push(None)?,
            Some("") => out.push(Some(""))?,
            Some(v) => {
                buf.clear();
                let r = match direction {
                    Direction::Forward => p.transform_into(handle, v, &mut buf),
                    Direction::Reverse => p.reverse_into(handle, v, &mut buf).map(|()| true),
                };
                match r {
                    Ok(true) => out.push(Some(&buf))?,
                    // Not reached: `drop` fields are refused above.
                    Ok(false) => {
                        return Err(ArrowError::FieldDropped {
                            field: field.to_owned(),
                        })
                    }
                    Err(e) => {
                        fail(i, ArrowError::Pseudo(e))?;
                        out.push(None)?;
                    }
                }
            }
        }
    }
    Ok(out.finish())
}

// ----- a whole batch -----

/// How [`transform_batch`] reads one input column.
enum Cell<'a> {
    /// Not read by the plan (kept or dropped as it is): its cell is empty.
    Unread,
    /// A string or binary column.
    Text(StrCol<'a>),
    /// An integer `shift` subject, read as its decimal text.
    Int(&'a dyn Array),
}

/// Row `i` of an integer column as decimal text (`None` for null or another type).
fn int_text(a: &dyn Array, i: usize) -> Option<String> {
    if a.is_null(i) {
        return None;
    }
    macro_rules! int {
        ($($t:ty),*) => {
            $(if let Some(x) = a.as_primitive_opt::<$t>() {
                return Some(x.value(i).to_string());
            })*
        };
    }
    int!(Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type);
    None
}

fn is_integer(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
    )
}

/// Transforms a whole batch under the policy, as `consentry pseudonymise` transforms the same
/// table as CSV (its schema's field names are the header): columns the policy names are
/// transformed (a `shift` column with its subject column, which must be in the batch),
/// unlisted columns kept or dropped as `"unlisted"` says, `drop` columns left out of the
/// schema. With [`Direction::Reverse`], `token` and `ff1` columns are restored and every other
/// column kept. `on_error` as the CLI's `--on-error` (see the crate documentation). A batch
/// with no column named in the policy is refused ([`ArrowError::NoListedColumn`]), as the CLI
/// refuses such a file. Cost linear in the batch.
pub fn transform_batch(
    p: &Pseudonymiser,
    batch: &RecordBatch,
    direction: Direction,
    on_error: OnError,
) -> Result<RecordBatch, ArrowError> {
    let schema = batch.schema();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let options = CsvOptions::default().reverse(direction == Direction::Reverse);
    let plan = CsvPlan::new(p, &names, options)?;
    if plan.listed_columns().is_empty() && !p.policy().fields().is_empty() {
        return Err(ArrowError::NoListedColumn);
    }
    let planned: Vec<PlannedColumn<'_>> = plan.columns().collect();
    let columns = batch.columns();
    // Which columns the plan reads: transformed or restored ones, and `shift` subjects.
    let mut reads: Vec<Option<&'static str>> = planned
        .iter()
        .map(|c| match c {
            PlannedColumn::Apply { rule, .. } | PlannedColumn::Reverse { rule } => {
                Some(rule.transform_id())
            }
            _ => None,
        })
        .collect();
    let mut subject_of = vec![false; names.len()];
    for c in &planned {
        if let PlannedColumn::Apply {
            subject: Some(j), ..
        } = c
        {
            if let Some(s) = subject_of.get_mut(*j) {
                *s = true;
            }
        }
    }
    let mut cells: Vec<Cell<'_>> = Vec::with_capacity(names.len());
    for (i, (array, name)) in columns.iter().zip(&names).enumerate() {
        let read = reads.get_mut(i).and_then(Option::take);
        let subject = subject_of.get(i).copied().unwrap_or(false);
        let cell = match (read, StrCol::of(array.as_ref())) {
            (_, Some(col)) if read.is_some() || subject => Cell::Text(col),
            (Some(t), None) => return Err(unsupported(name, array.data_type(), t)),
            (None, None) if subject && is_integer(array.data_type()) => Cell::Int(array.as_ref()),
            (None, None) if subject => {
                return Err(unsupported(name, array.data_type(), "shift subject"))
            }
            _ => Cell::Unread,
        };
        cells.push(cell);
    }

    let rows = batch.num_rows();
    // Output columns: a transformed column is rebuilt, any other kept one passed through.
    let mut outs: Vec<Option<StrOut>> = planned
        .iter()
        .zip(&cells)
        .map(|(c, cell)| match (c, cell) {
            (PlannedColumn::Apply { .. } | PlannedColumn::Reverse { .. }, Cell::Text(col)) => {
                Some(StrOut::like(*col, rows, col.value_bytes()))
            }
            _ => None,
        })
        .collect();
    // Input column of each output cell (dropped columns have none).
    let out_pos: Vec<usize> = planned
        .iter()
        .enumerate()
        .filter(|(_, c)| !matches!(c, PlannedColumn::Drop))
        .map(|(i, _)| i)
        .collect();
    let mut keep = Vec::with_capacity(rows);
    let mut row_text: Vec<Option<String>> = vec![None; names.len()];
    let mut null_in: Vec<bool> = vec![false; names.len()];
    let mut kept_rows = 0usize;
    // The plan's output row, reused for every row (its strings keep their capacity).
    let mut output: Vec<String> = Vec::with_capacity(names.len());
    for r in 0..rows {
        // Integer subjects as text first (`row` borrows them).
        for (t, cell) in row_text.iter_mut().zip(&cells) {
            if let Cell::Int(a) = cell {
                *t = int_text(*a, r);
            }
        }
        let mut row: Vec<&str> = Vec::with_capacity(names.len());
        let mut bad_utf8: Option<usize> = None;
        for (i, cell) in cells.iter().enumerate() {
            let (v, null) = match cell {
                Cell::Unread => ("", false),
                Cell::Int(_) => match row_text.get(i).and_then(Option::as_deref) {
                    Some(t) => (t, false),
                    None => ("", true),
                },
                Cell::Text(col) => match col.text(r) {
                    Ok(Some(t)) => (t, false),
                    Ok(None) => ("", true),
                    Err(()) => {
                        bad_utf8.get_or_insert(i);
                        ("", true)
                    }
                },
            };
            if let Some(n) = null_in.get_mut(i) {
                *n = null;
            }
            row.push(v);
        }
        if let Some(i) = bad_utf8 {
            let e = ArrowError::NotUtf8 {
                row: r,
                column: names.get(i).copied().unwrap_or_default().to_owned(),
            };
            match on_error {
                OnError::Fail => return Err(e),
                OnError::SkipRow => {
                    keep.push(false);
                    continue;
                }
                // The value is treated as null (CSV: emptied), and the row tried.
                _ => {}
            }
        }
        match plan.apply_row_on_error_into(&row, on_error, &mut output) {
            Ok(_) => {}
            // As the CLI: `fail` stops at the row; in the other modes a row whose error
            // cannot be nulled is left out.
            Err(e) if on_error == OnError::Fail => {
                return Err(ArrowError::Value {
                    row: r,
                    column: e.field().unwrap_or_default().to_owned(),
                    source: e,
                })
            }
            Err(_) => {
                keep.push(false);
                continue;
            }
        }
        keep.push(true);
        kept_rows += 1;
        for (value, &i) in output.iter().zip(&out_pos) {
            if let Some(Some(b)) = outs.get_mut(i) {
                let was_null = null_in.get(i).copied().unwrap_or(false);
                let input_empty = row.get(i).is_none_or(|c| c.is_empty());
                // Null in, null out; a value emptied by `null-field` (non-empty in, empty
                // out: no transform makes a non-empty value empty) is null.
                if was_null || (value.is_empty() && !input_empty) {
                    b.push(None)?;
                } else {
                    b.push(Some(value))?;
                }
            }
        }
    }

    let filter = (kept_rows != rows).then(|| BooleanArray::from(keep));
    let mut fields: Vec<Arc<Field>> = Vec::with_capacity(out_pos.len());
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(out_pos.len());
    for &i in &out_pos {
        let field = schema
            .fields()
            .get(i)
            .ok_or_else(|| ArrowError::Invalid("schema and columns differ".to_owned()))?;
        let array = match outs.get_mut(i).and_then(Option::take) {
            Some(b) => b.finish(),
            None => {
                let a = columns
                    .get(i)
                    .ok_or_else(|| ArrowError::Invalid("schema and columns differ".to_owned()))?;
                match &filter {
                    Some(f) => arrow_select::filter::filter(a.as_ref(), f)?,
                    None => Arc::clone(a),
                }
            }
        };
        let field = if array.null_count() > 0 && !field.is_nullable() {
            Arc::new(field.as_ref().clone().with_nullable(true))
        } else {
            Arc::clone(field)
        };
        fields.push(field);
        arrays.push(array);
    }
    let schema = Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()));
    let options = RecordBatchOptions::new().with_row_count(Some(kept_rows));
    Ok(RecordBatch::try_new_with_options(schema, arrays, &options)?)
}
