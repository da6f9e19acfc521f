//! Python bindings of consentry: the native module `consentry._native` of the `consentry`
//! package (PyO3, one abi3 wheel per platform for CPython ≥ 3.10).
//!
//! Argument conversion only, as in the other faces: verification, decisions, issuing and status
//! lists go through the core's binding-neutral [`consentry::interop`] layer (results are its
//! JSON shapes, turned into Python dicts); pseudonymisation of values and records through the
//! core's [`consentry::Pseudonymiser`]; Arrow columns and record batches through
//! `consentry-arrow`, fed by the Arrow PyCapsule interface (module `arrow_io`). Every error is a
//! `consentry.ConsentryError` carrying the core's stable code.
//!
//! The module starts no thread, ever: Spark forks its Python workers from a daemon, and a
//! native pool created before a fork can deadlock. The columnar calls release the GIL while
//! they work, so callers that want parallelism bring their own threads.

use pyo3::prelude::*;

mod arrow_io;
mod errors;
mod keys;
mod pseudo;
mod verify;

/// The native module. Its classes are re-exported by `consentry/__init__.py`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<keys::MasterKey>()?;
    m.add_class::<verify::TrustStore>()?;
    m.add_class::<verify::Verifier>()?;
    m.add_class::<verify::SigningKey>()?;
    m.add_class::<pseudo::Pseudonymiser>()?;
    m.add_class::<arrow_io::ArrowArray>()?;
    m.add_class::<arrow_io::ArrowStream>()?;
    m.add_function(wrap_pyfunction!(verify::inspect, m)?)?;
    m.add_function(wrap_pyfunction!(verify::codes, m)?)?;
    m.add_function(wrap_pyfunction!(pseudo::output_schema, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
