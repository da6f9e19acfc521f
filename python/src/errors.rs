//! `consentry.ConsentryError` from the core's error bodies: the stable code name (`.code`), its
//! number (`.numeric_code`) and a message that never holds a secret or a personal value.

use consentry::interop::ErrorBody;
use consentry::{Code, HasCode};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// The Python class (defined in `consentry/_errors.py`, so that it pickles with its code when a
/// Spark worker sends it back to the driver).
static ERROR_CLASS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn error_class(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    ERROR_CLASS
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(
                py.import("consentry._errors")?
                    .getattr("ConsentryError")?
                    .unbind(),
            )
        })
        .map(|c| c.bind(py))
}

/// A `ConsentryError` from an error body.
pub(crate) fn from_body(py: Python<'_>, body: &ErrorBody) -> PyErr {
    let made = error_class(py)
        .and_then(|cls| cls.call1((body.message.as_str(), body.code.as_str(), body.numeric_code)));
    match made {
        Ok(value) => PyErr::from_value(value),
        // Only when the package's Python half is missing (the native module loaded alone).
        Err(_) => PyRuntimeError::new_err(format!("{}: {}", body.code, body.message)),
    }
}

/// A `ConsentryError` with a code and a message.
pub(crate) fn raise(py: Python<'_>, code: Code, message: impl Into<String>) -> PyErr {
    from_body(py, &ErrorBody::new(code, message))
}

/// A `ConsentryError` from any error of the core.
pub(crate) fn from_error<E: HasCode + core::fmt::Display>(py: Python<'_>, e: &E) -> PyErr {
    from_body(py, &ErrorBody::from_error(e))
}

/// A result of the interop layer, its error raised.
pub(crate) fn lift<T>(py: Python<'_>, r: Result<T, ErrorBody>) -> PyResult<T> {
    r.map_err(|e| from_body(py, &e))
}

/// `request_invalid`: an argument of the wrong kind (the message names it).
pub(crate) fn invalid(py: Python<'_>, message: impl Into<String>) -> PyErr {
    raise(py, Code::RequestInvalid, message)
}
