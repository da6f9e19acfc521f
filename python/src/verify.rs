//! `TrustStore`, `Verifier` (verify, decide, status lists), `SigningKey` (issue) and `inspect`:
//! the core's interop layer, its JSON shapes handed out as Python dicts.

use std::sync::OnceLock;

use consentry::interop::{self, ErrorBody};
use consentry::Code;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyString};
use zeroize::Zeroizing;

use crate::errors::{from_error, invalid, lift};

static JSON: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn json_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    JSON.get_or_try_init(py, || Ok::<_, PyErr>(py.import("json")?.unbind()))
        .map(|m| m.bind(py))
}

/// A Python value from a typed response of the core, through the JSON text every face hands
/// out ([`interop::to_json_text`]): the dict equals the npm value and the C JSON.
pub(crate) fn to_py<T: serde::Serialize + ?Sized>(py: Python<'_>, v: &T) -> PyResult<Py<PyAny>> {
    let text = lift(py, interop::to_json_text(v))?;
    Ok(json_module(py)?.call_method1("loads", (text,))?.unbind())
}

/// JSON text from a `str` (taken as JSON text) or any value `json.dumps` writes (a dict).
pub(crate) fn json_text_of(py: Python<'_>, name: &str, v: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(s.to_str()?.to_owned());
    }
    json_module(py)?
        .call_method1("dumps", (v,))
        .and_then(|t| t.extract::<String>())
        .map_err(|_| invalid(py, format!("`{name}` must be a dict or json text")))
}

/// A JSON value from a `str` (JSON text) or a dict.
pub(crate) fn json_of(
    py: Python<'_>,
    name: &str,
    v: &Bound<'_, PyAny>,
) -> PyResult<serde_json::Value> {
    let text = json_text_of(py, name, v)?;
    // Syntax errors name positions, never values.
    serde_json::from_str(&text).map_err(|e| invalid(py, format!("`{name}` is not json: {e}")))
}

/// Bytes from `bytes` / `bytearray` / `memoryview` or a base64url (no padding) `str`.
pub(crate) fn bytes_of(py: Python<'_>, name: &str, v: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = v.cast::<PyString>() {
        return consentry::b64::decode(s.to_str()?)
            .ok_or_else(|| {
                ErrorBody::new(
                    Code::NotBase64url,
                    format!("`{name}` is not base64url without padding"),
                )
            })
            .map_err(|e| crate::errors::from_body(py, &e));
    }
    if let Ok(b) = v.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    v.extract::<Vec<u8>>()
        .map_err(|_| invalid(py, format!("`{name}` must be bytes or a base64url string")))
}

fn opt_bytes(
    py: Python<'_>,
    name: &str,
    v: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<Vec<u8>>> {
    match v {
        Some(v) if !v.is_none() => bytes_of(py, name, v).map(Some),
        _ => Ok(None),
    }
}

/// Seconds since the epoch: `now`, or this machine's clock.
pub(crate) fn now_or_clock(now: Option<i64>) -> i64 {
    now.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    })
}

/// Trusted issuer keys: `kid` → public key (Ed25519 or P-256), checked on entry. A key is
/// reachable by its RFC 9679 thumbprint and by the JWK's own `kid`.
#[pyclass(module = "consentry._native")]
#[derive(Default)]
pub struct TrustStore {
    inner: consentry::TrustStore,
}

#[pymethods]
impl TrustStore {
    /// An empty trust store.
    #[new]
    fn new() -> Self {
        TrustStore::default()
    }

    /// A store from a JWK Set (dict or JSON text).
    #[staticmethod]
    fn from_jwks(py: Python<'_>, jwks: &Bound<'_, PyAny>) -> PyResult<Self> {
        let mut s = TrustStore::default();
        s.add_jwks(py, jwks)?;
        Ok(s)
    }

    /// A store from one JWK (dict or JSON text).
    #[staticmethod]
    fn from_jwk(py: Python<'_>, jwk: &Bound<'_, PyAny>) -> PyResult<Self> {
        let mut s = TrustStore::default();
        s.add_jwk(py, jwk)?;
        Ok(s)
    }

    /// A store from one COSE_Key (CBOR bytes).
    #[staticmethod]
    fn from_cose_key(py: Python<'_>, cose_key: &[u8]) -> PyResult<Self> {
        let mut s = TrustStore::default();
        s.add_cose_key(py, cose_key)?;
        Ok(s)
    }

    /// Adds one public JWK (dict or JSON text).
    fn add_jwk(&mut self, py: Python<'_>, jwk: &Bound<'_, PyAny>) -> PyResult<()> {
        let jwk = json_of(py, "jwk", jwk)?;
        self.inner.add_jwk(&jwk).map_err(|e| from_error(py, &e))
    }

    /// Adds every key of a JWK Set (`{"keys": [...]}`), all or nothing.
    fn add_jwks(&mut self, py: Python<'_>, jwks: &Bound<'_, PyAny>) -> PyResult<()> {
        let jwks = json_of(py, "jwks", jwks)?;
        self.inner
            .add_jwk_set(&jwks)
            .map_err(|e| from_error(py, &e))
    }

    /// Adds one COSE_Key (CBOR bytes).
    fn add_cose_key(&mut self, py: Python<'_>, cose_key: &[u8]) -> PyResult<()> {
        self.inner
            .add_cose_key(cose_key)
            .map_err(|e| from_error(py, &e))
    }

    /// Adds keys from bytes or text, told apart by the core's one rule: a CBOR map is a
    /// COSE_Key; JSON text with `keys` a JWK Set, with `kty` one JWK.
    fn add_keys(&mut self, py: Python<'_>, keys: &Bound<'_, PyAny>) -> PyResult<()> {
        let bytes = if let Ok(s) = keys.cast::<PyString>() {
            s.to_str()?.as_bytes().to_vec()
        } else {
            keys.extract::<Vec<u8>>()
                .map_err(|_| invalid(py, "`keys` must be bytes or text"))?
        };
        self.inner.add_keys(&bytes).map_err(|e| from_error(py, &e))
    }

    /// The number of `kid` bindings.
    fn __len__(&self) -> usize {
        self.inner.len()
    }
}

/// Verifies consent artefacts against a snapshot of a trust store, and decides requests
/// against them.
#[pyclass(module = "consentry._native", frozen)]
pub struct Verifier {
    inner: consentry::Verifier,
    taxonomies: Vec<(String, String)>,
    allow_legitimate_uses: bool,
    taxonomy: OnceLock<consentry::Taxonomy>,
}

impl Verifier {
    fn taxonomy(&self, py: Python<'_>) -> PyResult<&consentry::Taxonomy> {
        if let Some(t) = self.taxonomy.get() {
            return Ok(t);
        }
        let t = lift(
            py,
            interop::taxonomy_with_options(&self.taxonomies, self.allow_legitimate_uses),
        )?;
        Ok(self.taxonomy.get_or_init(|| t))
    }
}

#[pymethods]
impl Verifier {
    /// A verifier over a copy of `trust_store`; `leeway` in seconds (default 60, at most 300);
    /// `taxonomies`: purpose taxonomy documents (dicts or JSON text) added to the shipped packs
    /// for `decide`.
    #[new]
    #[pyo3(signature = (trust_store, leeway=None, taxonomies=None, taxonomy_allow_legitimate_uses=false))]
    fn new(
        py: Python<'_>,
        trust_store: &TrustStore,
        leeway: Option<u64>,
        taxonomies: Option<Vec<Bound<'_, PyAny>>>,
        taxonomy_allow_legitimate_uses: bool,
    ) -> PyResult<Self> {
        let mut docs = Vec::new();
        for (i, t) in taxonomies.unwrap_or_default().iter().enumerate() {
            let name = format!("taxonomies[{i}]");
            let text = json_text_of(py, &name, t)?;
            docs.push((name, text));
        }
        let inner = consentry::Verifier::new(trust_store.inner.clone());
        let inner = match leeway {
            None => inner,
            Some(l) => inner.with_leeway(l).map_err(|e| from_error(py, &e))?,
        };
        Ok(Verifier {
            inner,
            taxonomies: docs,
            allow_legitimate_uses: taxonomy_allow_legitimate_uses,
            taxonomy: OnceLock::new(),
        })
    }

    /// Verifies `artefact` (bytes or base64url) for the relying party `audience` at `now`
    /// (seconds; default: the clock), checking its status in `status_list` when given (fails
    /// closed unless `accept_unknown_status`). Returns the verified artefact
    /// (`{"verified": True, "alg", "kid", "status", "claims"}`); raises `ConsentryError`.
    #[pyo3(signature = (artefact, audience, now=None, status_list=None, accept_unknown_status=false))]
    fn verify(
        &self,
        py: Python<'_>,
        artefact: &Bound<'_, PyAny>,
        audience: &str,
        now: Option<i64>,
        status_list: Option<&Bound<'_, PyAny>>,
        accept_unknown_status: bool,
    ) -> PyResult<Py<PyAny>> {
        let artefact = bytes_of(py, "artefact", artefact)?;
        let list = opt_bytes(py, "status_list", status_list)?;
        let v = lift(
            py,
            interop::verify_with(
                &self.inner,
                &artefact,
                audience,
                now_or_clock(now),
                list.as_deref(),
                accept_unknown_status,
            ),
        )?;
        to_py(py, &v)
    }

    /// Decides whether `request` (`{"recipient", "purpose", "operation", "fields", "now"?, ...}`,
    /// a dict or JSON text; `now` defaults to the clock) may go ahead under `artefact`: a
    /// forged or malformed artefact raises; every other check is part of the decision
    /// (`{"allowed": True, "fields", "transforms", "eraseBy"}` or `{"allowed": False, "reasons"}`).
    #[pyo3(signature = (artefact, request, status_list=None))]
    fn decide(
        &self,
        py: Python<'_>,
        artefact: &Bound<'_, PyAny>,
        request: &Bound<'_, PyAny>,
        status_list: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let mut req = json_of(py, "request", request)?;
        if let Some(obj) = req.as_object_mut() {
            if !obj.contains_key("now") {
                obj.insert("now".to_owned(), now_or_clock(None).into());
            }
        }
        let req: consentry::Request = consentry::json::from_value(&req)
            .map_err(|e| invalid(py, format!("`request`: {e}")))?;
        let artefact = bytes_of(py, "artefact", artefact)?;
        let list = opt_bytes(py, "status_list", status_list)?;
        let taxonomy = self.taxonomy(py)?;
        let d = lift(
            py,
            interop::decide_with(&self.inner, taxonomy, &artefact, &req, list.as_deref()),
        )?;
        to_py(py, &d)
    }

    /// Verifies a signed status list with this verifier's keys at `now` (default: the clock)
    /// and looks up `idx`: `{"idx", "status", "value", "uri", "kid", "list"}`.
    #[pyo3(signature = (status_list, idx, now=None))]
    fn status(
        &self,
        py: Python<'_>,
        status_list: &Bound<'_, PyAny>,
        idx: u64,
        now: Option<i64>,
    ) -> PyResult<Py<PyAny>> {
        let list = bytes_of(py, "status_list", status_list)?;
        let e = lift(
            py,
            interop::status_get_with(self.inner.trust_store(), &list, idx, now_or_clock(now)),
        )?;
        to_py(py, &e)
    }

    /// The leeway in seconds.
    #[getter]
    fn leeway(&self) -> u64 {
        self.inner.leeway()
    }
}

/// A private signing key (Ed25519 or P-256) for issuing artefacts. Not picklable.
#[pyclass(module = "consentry._native", frozen)]
pub struct SigningKey {
    inner: consentry::SigningKey,
}

#[pymethods]
impl SigningKey {
    /// A key from a PKCS#8 document (DER bytes).
    #[staticmethod]
    fn from_pkcs8(py: Python<'_>, der: &[u8]) -> PyResult<Self> {
        let rng = ring::rand::SystemRandom::new();
        consentry::SigningKey::from_pkcs8(der, &rng)
            .map(|inner| SigningKey { inner })
            .map_err(|e| from_error(py, &e))
    }

    /// A new Ed25519 key (`alg="EdDSA"`, the default) or P-256 key (`alg="ES256"`).
    #[staticmethod]
    #[pyo3(signature = (alg="EdDSA"))]
    fn generate(py: Python<'_>, alg: &str) -> PyResult<Self> {
        let alg = match alg {
            "EdDSA" => consentry::Algorithm::Ed25519,
            "ES256" => consentry::Algorithm::Es256,
            _ => return Err(invalid(py, "`alg` must be `EdDSA` or `ES256`")),
        };
        let rng = ring::rand::SystemRandom::new();
        let der: Zeroizing<Vec<u8>> =
            consentry::SigningKey::generate_pkcs8(alg, &rng).map_err(|e| from_error(py, &e))?;
        Self::from_pkcs8(py, &der)
    }

    /// The public JWK (`kid` = base64url RFC 9679 thumbprint).
    fn public_jwk(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_py(py, &self.inner.verifying_key().to_jwk())
    }

    /// Issues an artefact from `claims` (dict or JSON text; `iat` defaults to `now`, `cti` to
    /// 16 random bytes) at `now` (default: the clock): `{"artefact", "cti"}`, both base64url.
    #[pyo3(signature = (claims, now=None))]
    fn issue(
        &self,
        py: Python<'_>,
        claims: &Bound<'_, PyAny>,
        now: Option<i64>,
    ) -> PyResult<Py<PyAny>> {
        let claims = json_text_of(py, "claims", claims)?;
        let rng = ring::rand::SystemRandom::new();
        let (bytes, c) = lift(
            py,
            interop::issue_with(&self.inner, &claims, now_or_clock(now), &rng),
        )?;
        to_py(
            py,
            &interop::IssueResponse {
                artefact: consentry::b64::encode(&bytes),
                cti: c.cti.to_base64(),
            },
        )
    }

    fn __repr__(&self) -> &'static str {
        "SigningKey(..)"
    }
}

/// Decodes an artefact strictly WITHOUT checking its signature, time or audience (display and
/// debugging only; the result is marked `"verified": False`).
#[pyfunction]
pub(crate) fn inspect(py: Python<'_>, artefact: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
    let artefact = bytes_of(py, "artefact", artefact)?;
    let v = lift(py, interop::inspect_bytes(&artefact))?;
    to_py(py, &v)
}

/// Every stable code: a list of `(name, number)`.
#[pyfunction]
pub(crate) fn codes() -> Vec<(&'static str, u32)> {
    Code::ALL.iter().map(|c| (c.as_str(), c.as_u32())).collect()
}
