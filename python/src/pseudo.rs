//! `Pseudonymiser`: a policy under a master key, applied to (or reversed on) values, records,
//! Arrow columns and Arrow record batches. Values and records go through the core; columns and
//! batches through `consentry-arrow`, with the GIL released while they work.

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use consentry::pseudo::{OnError, Policy};
use consentry::Code;
use consentry_arrow::Direction;
use pyo3::prelude::*;

use crate::arrow_io::{self, Input};
use crate::errors::{from_error, invalid, raise};
use crate::keys::MasterKey;
use crate::verify::{json_of, json_text_of, to_py};

/// A pseudonymisation policy under a master key (per-domain keys derived once, here).
#[pyclass(module = "consentry._native", frozen)]
pub struct Pseudonymiser {
    inner: consentry::Pseudonymiser,
}

fn on_error_of(py: Python<'_>, name: &str) -> PyResult<OnError> {
    OnError::from_name(name)
        .ok_or_else(|| invalid(py, "`on_error` must be `fail`, `skip-row` or `null-field`"))
}

fn policy_of(py: Python<'_>, policy: &Bound<'_, PyAny>) -> PyResult<Policy> {
    let text = json_text_of(py, "policy", policy)?;
    Policy::from_json(&text).map_err(|e| from_error(py, &e))
}

/// The master key of `key`: a `MasterKey`, or a key reference (anything with a `resolve()`
/// method returning one, such as `consentry.KeyRef`), resolved here, in this process.
fn with_key<T>(
    py: Python<'_>,
    key: &Bound<'_, PyAny>,
    f: impl FnOnce(&MasterKey) -> PyResult<T>,
) -> PyResult<T> {
    if let Ok(k) = key.cast::<MasterKey>() {
        return f(k.get());
    }
    if key.hasattr("resolve")? {
        let resolved = key.call_method0("resolve")?;
        if let Ok(k) = resolved.cast::<MasterKey>() {
            return f(k.get());
        }
    }
    Err(invalid(
        py,
        "`key` must be a `MasterKey` or a key reference (`KeyRef.file(path)`, `KeyRef.env(name)`)",
    ))
}

impl Pseudonymiser {
    fn column(
        &self,
        py: Python<'_>,
        field: &str,
        data: &Bound<'_, PyAny>,
        direction: Direction,
        on_error: &str,
    ) -> PyResult<Py<PyAny>> {
        let on_error = on_error_of(py, on_error)?;
        let input = arrow_io::import(py, "data", data)?;
        let p = &self.inner;
        let run = |a: &ArrayRef| {
            consentry_arrow::transform_array(p, field, a.as_ref(), direction, on_error)
        };
        let (out, field_ref) = match input {
            Input::Array(array, f) => (py.detach(|| run(&array)), f),
            Input::Stream(chunks, f) => {
                let out = py.detach(|| {
                    let outs = chunks.iter().map(run).collect::<Result<Vec<_>, _>>()?;
                    concat(outs)
                });
                (out, f)
            }
        };
        let out = out.map_err(|e| from_error(py, &e))?;
        let field = Arc::new(
            arrow_schema::Field::new(field_ref.name(), out.data_type().clone(), true)
                .with_metadata(field_ref.metadata().clone()),
        );
        arrow_io::array_out(py, out, field)
    }

    fn table(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        direction: Direction,
        on_error: &str,
    ) -> PyResult<Py<PyAny>> {
        batches(py, &self.inner, data, direction, on_error)
    }
}

/// One array from the chunks of a stream (the chunks themselves when there is one).
fn concat(mut outs: Vec<ArrayRef>) -> Result<ArrayRef, consentry_arrow::ArrowError> {
    if outs.len() == 1 {
        if let Some(one) = outs.pop() {
            return Ok(one);
        }
    }
    let refs: Vec<&dyn arrow_array::Array> = outs.iter().map(|a| a.as_ref()).collect();
    arrow_select::concat::concat(&refs).map_err(consentry_arrow::ArrowError::from)
}

/// A batch (`__arrow_c_array__`, a struct) or a table (`__arrow_c_stream__`) through `p`.
fn batches(
    py: Python<'_>,
    p: &consentry::Pseudonymiser,
    data: &Bound<'_, PyAny>,
    direction: Direction,
    on_error: &str,
) -> PyResult<Py<PyAny>> {
    let on_error = on_error_of(py, on_error)?;
    match arrow_io::import(py, "data", data)? {
        Input::Array(array, field) => {
            let batch = arrow_io::batch_of(py, "data", &array, &field)?;
            let out = py
                .detach(|| consentry_arrow::transform_batch(p, &batch, direction, on_error))
                .map_err(|e| from_error(py, &e))?;
            arrow_io::batch_out(py, out)
        }
        Input::Stream(chunks, field) => {
            let schema = arrow_io::schema_of(py, "data", &field)?;
            let mut inputs = Vec::with_capacity(chunks.len());
            for c in &chunks {
                inputs.push(arrow_io::batch_of(py, "data", c, &field)?);
            }
            let outs = py
                .detach(|| {
                    inputs
                        .iter()
                        .map(|b| consentry_arrow::transform_batch(p, b, direction, on_error))
                        .collect::<Result<Vec<RecordBatch>, _>>()
                })
                .map_err(|e| from_error(py, &e))?;
            let out_schema = match outs.first() {
                Some(b) => b.schema(),
                // No batch: the schema an empty batch of the input's schema gives.
                None => consentry_arrow::transform_batch(
                    p,
                    &RecordBatch::new_empty(schema),
                    direction,
                    on_error,
                )
                .map_err(|e| from_error(py, &e))?
                .schema(),
            };
            arrow_io::table_out(py, out_schema, outs)
        }
    }
}

fn direction(reverse: bool) -> Direction {
    if reverse {
        Direction::Reverse
    } else {
        Direction::Forward
    }
}

#[pymethods]
impl Pseudonymiser {
    /// A pseudonymiser for `policy` (a dict or JSON text) under `key` (a `MasterKey`, or a
    /// `KeyRef` resolved here, in this process).
    #[new]
    fn new(py: Python<'_>, policy: &Bound<'_, PyAny>, key: &Bound<'_, PyAny>) -> PyResult<Self> {
        let policy = policy_of(py, policy)?;
        with_key(py, key, |k| {
            consentry::Pseudonymiser::new(&policy, &k.inner)
                .map(|inner| Pseudonymiser { inner })
                .map_err(|e| from_error(py, &e))
        })
    }

    /// One value of policy field `field` through the policy: the pseudonym, token or
    /// generalised form; `None` when the policy drops the field.
    fn value(&self, py: Python<'_>, field: &str, value: &str) -> PyResult<Option<String>> {
        self.inner
            .transform_value(field, value)
            .map_err(|e| from_error(py, &e))
    }

    /// One value of a `token` or `ff1` field restored.
    fn reverse_value(&self, py: Python<'_>, field: &str, value: &str) -> PyResult<String> {
        self.inner
            .reverse_value(field, value)
            .map_err(|e| from_error(py, &e))
    }

    /// A JSON record (dict or JSON text) through the policy: a new dict. `on_error`: `fail`
    /// (raise), `skip-row` (return `None`), `null-field` (each failing value set to `None`).
    #[pyo3(signature = (record, on_error="fail"))]
    fn record(
        &self,
        py: Python<'_>,
        record: &Bound<'_, PyAny>,
        on_error: &str,
    ) -> PyResult<Option<Py<PyAny>>> {
        self.json_record(py, record, false, on_error)
    }

    /// A JSON record with its `token` and `ff1` fields restored (`on_error` as in `record`).
    #[pyo3(signature = (record, on_error="fail"))]
    fn reverse_record(
        &self,
        py: Python<'_>,
        record: &Bound<'_, PyAny>,
        on_error: &str,
    ) -> PyResult<Option<Py<PyAny>>> {
        self.json_record(py, record, true, on_error)
    }

    /// One Arrow column (string, large_string, string_view, binary, large_binary,
    /// binary_view; anything speaking the Arrow PyCapsule interface) of policy field `field`
    /// through the policy: the same type out, nulls staying null. A stream (a chunked array,
    /// a Polars Series) gives one array. `on_error`: `fail` or `null-field`.
    #[pyo3(signature = (field, data, on_error="fail"))]
    fn array(
        &self,
        py: Python<'_>,
        field: &str,
        data: &Bound<'_, PyAny>,
        on_error: &str,
    ) -> PyResult<Py<PyAny>> {
        self.column(py, field, data, Direction::Forward, on_error)
    }

    /// One Arrow column of a `token` or `ff1` field restored.
    #[pyo3(signature = (field, data, on_error="fail"))]
    fn reverse_array(
        &self,
        py: Python<'_>,
        field: &str,
        data: &Bound<'_, PyAny>,
        on_error: &str,
    ) -> PyResult<Py<PyAny>> {
        self.column(py, field, data, Direction::Reverse, on_error)
    }

    /// A record batch (`__arrow_c_array__`) or a table (`__arrow_c_stream__`: a
    /// `pyarrow.Table`, a Polars DataFrame, a DuckDB relation) through the policy, column
    /// names as CSV headers (shift subjects, `unlisted: keep|drop`): a batch or a table out.
    #[pyo3(signature = (data, on_error="fail"))]
    fn batch(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        on_error: &str,
    ) -> PyResult<Py<PyAny>> {
        self.table(py, data, Direction::Forward, on_error)
    }

    /// A record batch or table with its `token` and `ff1` columns restored.
    #[pyo3(signature = (data, on_error="fail"))]
    fn reverse_batch(
        &self,
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        on_error: &str,
    ) -> PyResult<Py<PyAny>> {
        self.table(py, data, Direction::Reverse, on_error)
    }

    /// The key check value to store with pseudonymised data: `{"v": 1, "domain", "kcv"}`.
    #[getter]
    fn key_check(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let v: serde_json::Value = serde_json::from_str(&self.inner.key_check_json())
            .map_err(|_| raise(py, Code::Internal, "key check value not json"))?;
        to_py(py, &v)
    }

    /// Checks a stored key check value (dict or JSON text) against this key and domain before
    /// reversing: raises `pseudo_key_check_mismatch` when they differ.
    fn check_key(&self, py: Python<'_>, key_check: &Bound<'_, PyAny>) -> PyResult<()> {
        let text = json_text_of(py, "key_check", key_check)?;
        self.inner
            .check_key_json(&text)
            .map_err(|e| from_error(py, &e))
    }

    fn __repr__(&self) -> &'static str {
        "Pseudonymiser(..)"
    }
}

impl Pseudonymiser {
    fn json_record(
        &self,
        py: Python<'_>,
        record: &Bound<'_, PyAny>,
        reverse: bool,
        on_error: &str,
    ) -> PyResult<Option<Py<PyAny>>> {
        let mode = on_error_of(py, on_error)?;
        let rec = json_of(py, "record", record)?;
        match self.inner.apply_json_on_error(&rec, reverse, mode) {
            Ok(done) => to_py(py, &done.output).map(Some),
            Err(_) if mode == OnError::SkipRow => Ok(None),
            Err(e) => Err(from_error(py, &e)),
        }
    }
}

/// The schema `Pseudonymiser.batch` (or `reverse_batch`) gives for `data`'s schema under
/// `policy`, without a key: an empty batch of `data`'s schema through the policy under a
/// random key made for this call and dropped after it (the output schema does not depend on
/// the key). Spark needs it on the driver, where no key should be.
#[pyfunction]
#[pyo3(signature = (policy, data, reverse=false))]
pub(crate) fn output_schema(
    py: Python<'_>,
    policy: &Bound<'_, PyAny>,
    data: &Bound<'_, PyAny>,
    reverse: bool,
) -> PyResult<Py<PyAny>> {
    let policy = policy_of(py, policy)?;
    let mut bytes = zeroize::Zeroizing::new([0u8; 32]);
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), bytes.as_mut())
        .map_err(|_| raise(py, Code::Internal, "no randomness for the schema probe key"))?;
    let key = consentry::pseudo::MasterKey::from_bytes(*bytes);
    let p = consentry::Pseudonymiser::new(&policy, &key).map_err(|e| from_error(py, &e))?;
    let schema = match arrow_io::import(py, "data", data)? {
        Input::Array(array, field) => arrow_io::batch_of(py, "data", &array, &field)?.schema(),
        Input::Stream(_, field) => arrow_io::schema_of(py, "data", &field)?,
    };
    let out = consentry_arrow::transform_batch(
        &p,
        &RecordBatch::new_empty(schema),
        direction(reverse),
        OnError::Fail,
    )
    .map_err(|e| from_error(py, &e))?;
    arrow_io::batch_out(py, out)
}
