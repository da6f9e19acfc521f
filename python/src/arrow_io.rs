//! Arrow data in and out through the Arrow PyCapsule interface (`__arrow_c_array__`,
//! `__arrow_c_stream__`), with arrow-rs's C Data Interface import and export: zero-copy in,
//! zero-copy out. pyarrow, Polars, DuckDB and nanoarrow all speak it.
//!
//! Out: pyarrow objects when pyarrow can be imported (`pyarrow.Array`, `pyarrow.RecordBatch`,
//! `pyarrow.Table`), else this module's [`ArrowArray`] / [`ArrowStream`], which expose the same
//! interface to any consumer (`polars.Series(x)`, `nanoarrow.Array(x)`, ...).
//!
//! The one module of the crate with `unsafe`: the capsules' raw pointers, each use with a
//! `SAFETY` comment.
#![allow(unsafe_code)]

use std::ffi::CStr;
use std::sync::Arc;

use arrow_array::ffi::{from_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::ffi_stream::{ArrayStreamReader, FFI_ArrowArrayStream};
use arrow_array::{
    make_array, Array, ArrayReader as _, ArrayRef, RecordBatch, RecordBatchIterator, StructArray,
};
use arrow_schema::{ArrowError, DataType, Field, FieldRef, Schema, SchemaRef};
use consentry::Code;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyCapsule, PyCapsuleMethods, PyTuple};

use crate::errors::raise;

const SCHEMA: &CStr = c"arrow_schema";
const ARRAY: &CStr = c"arrow_array";
const STREAM: &CStr = c"arrow_array_stream";

/// Arrow data taken in: one array, or the chunks of a stream with their field.
pub(crate) enum Input {
    /// From `__arrow_c_array__`.
    Array(ArrayRef, FieldRef),
    /// From `__arrow_c_stream__`.
    Stream(Vec<ArrayRef>, FieldRef),
}

fn import_failed(py: Python<'_>, what: &str, e: &ArrowError) -> PyErr {
    // arrow-rs's C interface errors describe layouts and formats, never values.
    raise(
        py,
        Code::ArrowImportFailed,
        format!("`{what}`: the arrow data could not be imported ({e})"),
    )
}

fn capsule<'py>(
    py: Python<'py>,
    what: &str,
    v: &Bound<'py, PyAny>,
    name: &CStr,
) -> PyResult<std::ptr::NonNull<std::ffi::c_void>> {
    let cap = v.cast::<PyCapsule>().map_err(|_| {
        raise(
            py,
            Code::ArrowImportFailed,
            format!("`{what}`: the arrow interface did not return a capsule"),
        )
    })?;
    cap.pointer_checked(Some(name)).map_err(|_| {
        raise(
            py,
            Code::ArrowImportFailed,
            format!(
                "`{what}`: expected a capsule named `{}`",
                name.to_string_lossy()
            ),
        )
    })
}

/// Imports `obj` (anything with `__arrow_c_array__` or `__arrow_c_stream__`), with the GIL
/// held: the producer's callbacks may need it. `what` names the argument in errors.
pub(crate) fn import(py: Python<'_>, what: &str, obj: &Bound<'_, PyAny>) -> PyResult<Input> {
    if obj.hasattr("__arrow_c_array__")? {
        let pair = obj.call_method0("__arrow_c_array__")?;
        let pair = pair.cast::<PyTuple>().map_err(|_| {
            raise(
                py,
                Code::ArrowImportFailed,
                format!("`{what}`: `__arrow_c_array__` did not return a pair of capsules"),
            )
        })?;
        if pair.len() != 2 {
            return Err(raise(
                py,
                Code::ArrowImportFailed,
                format!("`{what}`: `__arrow_c_array__` did not return a pair of capsules"),
            ));
        }
        let (s, a) = (pair.get_item(0)?, pair.get_item(1)?);
        let schema_ptr = capsule(py, what, &s, SCHEMA)?.cast::<FFI_ArrowSchema>();
        let array_ptr = capsule(py, what, &a, ARRAY)?.cast::<FFI_ArrowArray>();
        // SAFETY: the capsule named `arrow_schema` holds an initialised `ArrowSchema` (the
        // PyCapsule interface's contract), which the capsule `s` keeps alive while we borrow it.
        let schema: &FFI_ArrowSchema = unsafe { schema_ptr.as_ref() };
        // SAFETY: the capsule named `arrow_array` holds an initialised `ArrowArray`; `from_raw`
        // moves it out and marks the capsule's copy released, as the interface specifies.
        let array = unsafe { FFI_ArrowArray::from_raw(array_ptr.as_ptr()) };
        let field = Field::try_from(schema).map_err(|e| import_failed(py, what, &e))?;
        // SAFETY: `array` and `schema` come from the same producer call and describe each
        // other; `from_ffi` validates the buffers it imports.
        let data = unsafe { from_ffi(array, schema) }.map_err(|e| import_failed(py, what, &e))?;
        return Ok(Input::Array(make_array(data), Arc::new(field)));
    }
    if obj.hasattr("__arrow_c_stream__")? {
        let cap = obj.call_method0("__arrow_c_stream__")?;
        let ptr = capsule(py, what, &cap, STREAM)?.cast::<FFI_ArrowArrayStream>();
        // SAFETY: the capsule named `arrow_array_stream` holds an initialised stream; `from_raw`
        // moves it out and marks the capsule's copy released.
        let reader = unsafe { ArrayStreamReader::from_raw(ptr.as_ptr()) }
            .map_err(|e| import_failed(py, what, &e))?;
        let field = reader.field().clone();
        let chunks = reader
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| import_failed(py, what, &e))?;
        return Ok(Input::Stream(chunks, field));
    }
    Err(raise(
        py,
        Code::ArrowInterfaceMissing,
        format!(
            "`{what}` must speak the arrow pycapsule interface (`__arrow_c_array__` or `__arrow_c_stream__`): a pyarrow, polars, duckdb or nanoarrow object"
        ),
    ))
}

/// A record batch from a struct array (a `pyarrow.RecordBatch` exports itself as one); a
/// struct with top-level nulls is refused rather than guessed at.
pub(crate) fn batch_of(
    py: Python<'_>,
    what: &str,
    array: &ArrayRef,
    field: &Field,
) -> PyResult<RecordBatch> {
    let not_batch = || {
        raise(
            py,
            Code::ArrowImportFailed,
            format!(
                "`{what}` must be a record batch or table (a struct array without nulls), not `{}`",
                field.data_type()
            ),
        )
    };
    let s = array
        .as_any()
        .downcast_ref::<StructArray>()
        .ok_or_else(not_batch)?;
    if s.null_count() > 0 {
        return Err(not_batch());
    }
    let (fields, columns, _nulls) = s.clone().into_parts();
    let schema = Arc::new(Schema::new_with_metadata(fields, field.metadata().clone()));
    RecordBatch::try_new_with_options(
        schema,
        columns,
        &arrow_array::RecordBatchOptions::new().with_row_count(Some(s.len())),
    )
    .map_err(|e| import_failed(py, what, &e))
}

/// The schema of a record-batch stream's struct field.
pub(crate) fn schema_of(py: Python<'_>, what: &str, field: &Field) -> PyResult<SchemaRef> {
    match field.data_type() {
        DataType::Struct(fields) => Ok(Arc::new(Schema::new_with_metadata(
            fields.clone(),
            field.metadata().clone(),
        ))),
        other => Err(raise(
            py,
            Code::ArrowImportFailed,
            format!("`{what}` must be a record batch or table, not `{other}`"),
        )),
    }
}

static PYARROW: PyOnceLock<Option<Py<PyModule>>> = PyOnceLock::new();

/// pyarrow, when it can be imported (looked up once).
fn pyarrow(py: Python<'_>) -> Option<&Bound<'_, PyModule>> {
    PYARROW
        .get_or_init(py, || py.import("pyarrow").ok().map(Bound::unbind))
        .as_ref()
        .map(|m| m.bind(py))
}

/// One array out: a `pyarrow.Array`, or an [`ArrowArray`] without pyarrow.
pub(crate) fn array_out(py: Python<'_>, array: ArrayRef, field: FieldRef) -> PyResult<Py<PyAny>> {
    let obj = Bound::new(py, ArrowArray { array, field })?;
    match pyarrow(py) {
        Some(pa) => Ok(pa.call_method1("array", (obj,))?.unbind()),
        None => Ok(obj.into_any().unbind()),
    }
}

/// One record batch out: a `pyarrow.RecordBatch`, or an [`ArrowArray`] of a struct.
pub(crate) fn batch_out(py: Python<'_>, batch: RecordBatch) -> PyResult<Py<PyAny>> {
    let field = Arc::new(
        Field::new("", DataType::Struct(batch.schema().fields().clone()), false)
            .with_metadata(batch.schema().metadata().clone()),
    );
    let array: ArrayRef = Arc::new(StructArray::from(batch));
    let obj = Bound::new(py, ArrowArray { array, field })?;
    match pyarrow(py) {
        Some(pa) => Ok(pa.call_method1("record_batch", (obj,))?.unbind()),
        None => Ok(obj.into_any().unbind()),
    }
}

/// Record batches out: a `pyarrow.Table`, or an [`ArrowStream`] without pyarrow.
pub(crate) fn table_out(
    py: Python<'_>,
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
) -> PyResult<Py<PyAny>> {
    let obj = Bound::new(py, ArrowStream { schema, batches })?;
    match pyarrow(py) {
        Some(pa) => Ok(pa.call_method1("table", (obj,))?.unbind()),
        None => Ok(obj.into_any().unbind()),
    }
}

fn export_failed(py: Python<'_>, e: &ArrowError) -> PyErr {
    raise(
        py,
        Code::ArrowImportFailed,
        format!("the arrow data could not be exported ({e})"),
    )
}

/// An Arrow array (or a record batch, as a struct array) that any Arrow library can take
/// through `__arrow_c_array__`: `pyarrow.array(x)`, `polars.Series(x)`, `nanoarrow.Array(x)`.
#[pyclass(module = "consentry._native", frozen)]
pub struct ArrowArray {
    array: ArrayRef,
    field: FieldRef,
}

#[pymethods]
impl ArrowArray {
    /// The Arrow PyCapsule interface: `(schema capsule, array capsule)`; every call exports
    /// anew (zero-copy). `requested_schema` is not honoured (the data keeps its type).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<(Bound<'py, PyCapsule>, Bound<'py, PyCapsule>)> {
        let _ = requested_schema;
        let schema =
            FFI_ArrowSchema::try_from(self.field.as_ref()).map_err(|e| export_failed(py, &e))?;
        let array = FFI_ArrowArray::new(&self.array.to_data());
        Ok((
            PyCapsule::new_with_value(py, schema, SCHEMA)?,
            PyCapsule::new_with_value(py, array, ARRAY)?,
        ))
    }

    /// The number of values (rows of a batch).
    fn __len__(&self) -> usize {
        self.array.len()
    }
}

/// A stream of record batches that any Arrow library can take through `__arrow_c_stream__`:
/// `pyarrow.table(x)`, `polars.DataFrame(x)`, `duckdb.from_arrow(x)`.
#[pyclass(module = "consentry._native", frozen)]
pub struct ArrowStream {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

#[pymethods]
impl ArrowStream {
    /// The Arrow PyCapsule interface: a stream capsule; every call exports anew (zero-copy).
    /// `requested_schema` is not honoured (the data keeps its types).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let reader = RecordBatchIterator::new(
            self.batches.clone().into_iter().map(Ok),
            self.schema.clone(),
        );
        PyCapsule::new_with_value(py, FFI_ArrowArrayStream::new(Box::new(reader)), STREAM)
    }

    /// The number of rows.
    fn __len__(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}
