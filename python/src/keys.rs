//! `MasterKey`: the 32-byte pseudonymisation master key, loaded where it is used (a file or an
//! environment variable of the process that works), never pickled.

use std::io::Read as _;
use std::path::PathBuf;

use consentry::Code;
use pyo3::prelude::*;
use zeroize::Zeroizing;

use crate::errors::{from_error, raise};

/// Largest key file read: 64 hex digits and some whitespace fit many times over.
const MAX_KEY_FILE: u64 = 4096;

/// A pseudonymisation master key (32 bytes). It cannot be pickled, copied or printed: send a
/// `KeyRef` to other processes and resolve it there.
#[pyclass(module = "consentry._native", frozen)]
pub struct MasterKey {
    pub(crate) inner: consentry::pseudo::MasterKey,
}

fn unreadable(py: Python<'_>, path: &std::path::Path) -> PyErr {
    raise(
        py,
        Code::KeyFileUnreadable,
        format!(
            "master key file `{}` cannot be read (it must be a regular file of at most {MAX_KEY_FILE} bytes)",
            path.display()
        ),
    )
}

/// The key from hex text, the source named in an error (never the text).
fn from_hex_named(py: Python<'_>, text: &str, source: &str) -> PyResult<MasterKey> {
    consentry::pseudo::MasterKey::from_hex(text.trim())
        .map(|inner| MasterKey { inner })
        .map_err(|e| {
            let mut body = consentry::interop::ErrorBody::from_error(&e);
            body.message = format!("master key {source}: {}", body.message);
            crate::errors::from_body(py, &body)
        })
}

#[pymethods]
impl MasterKey {
    /// The key in a file of 64 hex digits (as `consentry key master` writes it; surrounding
    /// whitespace ignored), read in this process.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<MasterKey> {
        // Refused before opening too: opening a FIFO or device planted at the path would block
        // or read a stream; the check after opening holds for what was actually opened.
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => {}
            _ => return Err(unreadable(py, &path)),
        }
        let file = std::fs::File::open(&path).map_err(|_| unreadable(py, &path))?;
        match file.metadata() {
            Ok(m) if m.is_file() && m.len() <= MAX_KEY_FILE => {}
            _ => return Err(unreadable(py, &path)),
        }
        let mut bytes = Zeroizing::new(Vec::new());
        file.take(MAX_KEY_FILE + 1)
            .read_to_end(&mut bytes)
            .map_err(|_| unreadable(py, &path))?;
        let text = std::str::from_utf8(&bytes).map_err(|_| unreadable(py, &path))?;
        from_hex_named(py, text, &format!("file `{}`", path.display()))
    }

    /// The key in environment variable `name` (64 hex digits) of this process.
    #[staticmethod]
    fn from_env(py: Python<'_>, name: &str) -> PyResult<MasterKey> {
        let text = Zeroizing::new(std::env::var(name).map_err(|_| {
            raise(
                py,
                Code::KeyEnvUnset,
                format!("environment variable `{name}` is not set or not utf-8"),
            )
        })?);
        from_hex_named(py, &text, &format!("in `{name}`"))
    }

    /// The key from 64 hex digits.
    #[staticmethod]
    fn from_hex(py: Python<'_>, hex: &str) -> PyResult<MasterKey> {
        from_hex_named(py, hex, "text")
    }

    /// The key from its 32 bytes.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, key: &[u8]) -> PyResult<MasterKey> {
        consentry::pseudo::MasterKey::from_slice(key)
            .map(|inner| MasterKey { inner })
            .map_err(|e| from_error(py, &e))
    }

    fn __repr__(&self) -> &'static str {
        "MasterKey(..)"
    }

    /// Refused: a key never travels as a value.
    fn __reduce__(&self, py: Python<'_>) -> PyResult<()> {
        Err(not_picklable(py))
    }

    /// Refused: a key never travels as a value.
    fn __reduce_ex__(&self, py: Python<'_>, _protocol: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(not_picklable(py))
    }

    /// Refused: a key never travels as a value.
    fn __getstate__(&self, py: Python<'_>) -> PyResult<()> {
        Err(not_picklable(py))
    }

    /// Refused: a key is not copied.
    fn __copy__(&self, py: Python<'_>) -> PyResult<()> {
        Err(not_picklable(py))
    }

    /// Refused: a key is not copied.
    fn __deepcopy__(&self, py: Python<'_>, _memo: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(not_picklable(py))
    }
}

fn not_picklable(py: Python<'_>) -> PyErr {
    raise(
        py,
        Code::MasterKeyNotPicklable,
        "a `MasterKey` is not pickled or copied: send a `KeyRef` (`KeyRef.file` or `KeyRef.env`) and resolve it where it is used",
    )
}
