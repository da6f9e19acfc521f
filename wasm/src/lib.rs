//! WebAssembly bindings of consentry: the npm package `consentry`.
//!
//! Argument conversion only. Every operation is the core's, reached through the binding-neutral
//! [`consentry::interop`] layer; this crate turns `Uint8Array`s and base64url strings into bytes,
//! JS objects into JSON, fills in `now` from `Date.now()` when the caller leaves it out, and
//! turns [`consentry::interop::ErrorBody`] into a thrown `ConsentryError` (a real `Error`
//! subclass defined in `js/error.js`, so that every target gets the same class).
//!
//! The crate is built with `wasm-bindgen`'s CLI for the `bundler`, `nodejs` and `web` targets
//! from one `.wasm` (see `scripts/test-npm` and `wasm/README.md`). Without its default feature
//! `services` (`decide` and taxonomies, pseudonymisation, issuing, private keys and the generic
//! `callJson`, the Account Aggregator functions) it is the portal module `consentry/portal`: what
//! a citizen-facing page needs (verify, inspect, status lists, identifiers) at a fraction of the
//! size. With only the feature `aa` it is the portal-aa module `consentry/portal-aa`: the portal
//! module plus Account Aggregator consents verified and displayed (`AaTrust`, `aaVerify`,
//! `aaDisplay`).
#![forbid(unsafe_code)]

use consentry::interop::{self, ErrorBody};
use consentry::Code;
use js_sys::{Object, Reflect, Uint8Array, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub use consentry;

#[wasm_bindgen(module = "/js/error.js")]
extern "C" {
    /// The error every function of the package throws (`code`, `numericCode`, `message`),
    /// re-exported from the package entry of every target. Its TypeScript declaration is the
    /// class in `TS_TYPES` (so that `instanceof` narrows); scripts/test-npm removes the
    /// `let ConsentryError: unknown` wasm-bindgen also writes for a re-export.
    #[wasm_bindgen(reexport)]
    pub type ConsentryError;

    #[wasm_bindgen(constructor)]
    fn new(message: &str, code: &str, numeric_code: u32) -> ConsentryError;
}

#[cfg(feature = "bench-probes")]
#[doc(hidden)]
pub mod probes;

#[cfg(feature = "aa")]
mod aa;
mod ids;
#[cfg(feature = "services")]
mod pseudo;
#[cfg(test)]
mod ts_check;

#[cfg(feature = "services")]
pub use aa::{aa_decide, aa_verify_detached};
#[cfg(feature = "aa")]
pub use aa::{aa_display, aa_verify, AaTrust};
pub use ids::{id_detect, id_mask, id_validate};
#[cfg(feature = "services")]
pub use pseudo::Pseudonymiser;

type JsResult<T> = Result<T, JsValue>;

/// The thrown form of an error body.
fn thrown(e: &ErrorBody) -> JsValue {
    ConsentryError::new(&e.message, &e.code, e.numeric_code).into()
}

fn invalid(message: String) -> JsValue {
    thrown(&ErrorBody::new(Code::RequestInvalid, message))
}

fn lift<T>(r: Result<T, ErrorBody>) -> JsResult<T> {
    r.map_err(|e| thrown(&e))
}

/// Bytes from a `Uint8Array` or a base64url string.
fn bytes_of(name: &str, v: &JsValue) -> JsResult<Vec<u8>> {
    if let Some(s) = v.as_string() {
        return consentry::b64::decode(&s)
            .ok_or_else(|| invalid(format!("`{name}` is not base64url without padding")));
    }
    match v.dyn_ref::<Uint8Array>() {
        Some(a) => Ok(a.to_vec()),
        None => Err(invalid(format!(
            "`{name}` must be a Uint8Array or a base64url string"
        ))),
    }
}

/// JSON from a JS value or a JSON string.
fn json_of(name: &str, v: &JsValue) -> JsResult<serde_json::Value> {
    let text = match v.as_string() {
        Some(s) => s,
        None if v.is_object() => JSON::stringify(v)
            .ok()
            .and_then(|s| s.as_string())
            .ok_or_else(|| invalid(format!("`{name}` cannot be written as json")))?,
        None => {
            return Err(invalid(format!(
                "`{name}` must be an object or a json string"
            )))
        }
    };
    // Any JSON value fits, so only syntax errors arise: they name positions, never values.
    serde_json::from_str(&text).map_err(|e| invalid(format!("`{name}` is not json: {e}")))
}

/// A JS value from a typed response of the core (through its JSON text, as every face
/// writes it: [`interop::to_json_text`]).
fn js_of<T: serde::Serialize + ?Sized>(v: &T) -> JsResult<JsValue> {
    let text = lift(interop::to_json_text(v))?;
    JSON::parse(&text)
        .map_err(|_| thrown(&ErrorBody::new(Code::RequestInvalid, "result is not json")))
}

/// An options object whose members must all be in `known` (the interop layer refuses unknown
/// members too); `undefined` and `null` mean no options.
struct Options(Option<Object>);

impl Options {
    fn parse(name: &str, v: Option<Object>, known: &[&str]) -> JsResult<Self> {
        let Some(obj) = v else {
            return Ok(Options(None));
        };
        if !obj.is_object() {
            return Err(invalid(format!("`{name}` must be an object")));
        }
        for key in Object::keys(&obj).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                return Err(invalid(format!(
                    "`{name}`: unknown option `{key}`; known: {}",
                    known.join(", ")
                )));
            }
        }
        Ok(Options(Some(obj)))
    }

    /// The member `key`, `None` when absent, `undefined` or `null`.
    fn get(&self, key: &str) -> Option<JsValue> {
        let obj = self.0.as_ref()?;
        let v = Reflect::get(obj, &JsValue::from_str(key)).ok()?;
        if v.is_undefined() || v.is_null() {
            None
        } else {
            Some(v)
        }
    }

    /// `now` in seconds since the epoch; the clock (`Date.now()`) when absent.
    fn now(&self) -> JsResult<i64> {
        match self.get("now") {
            None => Ok((js_sys::Date::now() / 1000.0).floor() as i64),
            Some(v) => integer("now", &v, -MAX_SAFE, MAX_SAFE),
        }
    }
}

/// 2^53 - 1, the largest integer a JS number holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// An integer in `[min, max]` (both within ±2^53), from a JS number. The bounds are formatted
/// as integers: formatting an `f64` would pull float printing into the `.wasm`.
fn integer(name: &str, v: &JsValue, min: f64, max: f64) -> JsResult<i64> {
    match v.as_f64() {
        Some(f) if f.is_finite() && f.fract() == 0.0 && (min..=max).contains(&f) => Ok(f as i64),
        _ => Err(invalid(format!(
            "`{name}` must be an integer from {} to {}",
            min as i64, max as i64
        ))),
    }
}

fn unsigned(name: &str, v: &JsValue) -> JsResult<u64> {
    integer(name, v, 0.0, MAX_SAFE).map(|n| n.unsigned_abs())
}

/// Trusted issuer keys: `kid` → public key (Ed25519 or P-256). Keys are checked on entry
/// (weak and malformed keys are refused); a key is reachable by its RFC 9679 thumbprint and by
/// the JWK's own `kid`.
#[wasm_bindgen]
#[derive(Default)]
pub struct TrustStore {
    inner: consentry::TrustStore,
}

#[wasm_bindgen]
impl TrustStore {
    /// An empty trust store.
    #[wasm_bindgen(constructor)]
    pub fn new() -> TrustStore {
        TrustStore::default()
    }

    /// Adds one public JWK (an object or its JSON text).
    #[wasm_bindgen(js_name = addJwk)]
    pub fn add_jwk(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Jwk | string")] jwk: JsValue,
    ) -> JsResult<()> {
        let jwk = json_of("jwk", &jwk)?;
        lift(
            self.inner
                .add_jwk(&jwk)
                .map_err(|e| ErrorBody::from_error(&e)),
        )
    }

    /// Adds every key of a JWK Set (`{"keys": [...]}`), all or nothing.
    #[wasm_bindgen(js_name = addJwks)]
    pub fn add_jwks(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Jwks | string")] jwks: JsValue,
    ) -> JsResult<()> {
        let jwks = json_of("jwks", &jwks)?;
        lift(
            self.inner
                .add_jwk_set(&jwks)
                .map_err(|e| ErrorBody::from_error(&e)),
        )
    }

    /// The number of `kid` bindings.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.len()
    }
}

/// Verifies consent artefacts against a snapshot of a trust store (keys added to the store
/// later do not reach this verifier).
#[wasm_bindgen]
pub struct Verifier {
    inner: consentry::Verifier,
    /// Extra taxonomy documents (origin, JSON text) added to the shipped packs.
    #[cfg(feature = "services")]
    taxonomies: Vec<(String, String)>,
    /// Whether `taxonomies` may flag legitimate uses.
    #[cfg(feature = "services")]
    allow_legitimate_uses: bool,
    /// Built on the first `decide`, then kept.
    #[cfg(feature = "services")]
    taxonomy: std::cell::OnceCell<consentry::Taxonomy>,
}

#[wasm_bindgen]
impl Verifier {
    /// A verifier over a copy of `trustStore`; `leeway` in seconds (default 60, at most 300);
    /// `taxonomies`: purpose taxonomy documents (objects or JSON text) added to the shipped packs
    /// for `decide` (not in the portal module, which has no `decide`); they may not use a shipped
    /// prefix or parent, nor flag legitimate uses unless `taxonomyAllowLegitimateUses` is true.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = trustStore)] trust_store: &TrustStore,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifierOptions")] options: Option<Object>,
    ) -> JsResult<Verifier> {
        let known: &[&str] = if cfg!(feature = "services") {
            &["leeway", "taxonomies", "taxonomyAllowLegitimateUses"]
        } else {
            &["leeway"]
        };
        let opts = Options::parse("options", options, known)?;
        let leeway = opts
            .get("leeway")
            .map(|v| unsigned("leeway", &v))
            .transpose()?;
        #[cfg(feature = "services")]
        let mut taxonomies = Vec::new();
        #[cfg(feature = "services")]
        if let Some(list) = opts.get("taxonomies") {
            let Some(list) = list.dyn_ref::<js_sys::Array>() else {
                return Err(invalid("`taxonomies` must be an array".to_owned()));
            };
            for (i, t) in list.iter().enumerate() {
                let name = format!("taxonomies[{i}]");
                let text = json_of(&name, &t)?.to_string();
                taxonomies.push((name, text));
            }
        }
        #[cfg(feature = "services")]
        let allow_legitimate_uses = match opts.get("taxonomyAllowLegitimateUses") {
            None => false,
            Some(v) => v.as_bool().ok_or_else(|| {
                invalid("`taxonomyAllowLegitimateUses` must be a boolean".to_owned())
            })?,
        };
        let inner = consentry::Verifier::new(trust_store.inner.clone());
        let inner = match leeway {
            None => inner,
            Some(l) => lift(inner.with_leeway(l).map_err(|e| ErrorBody::from_error(&e)))?,
        };
        Ok(Verifier {
            inner,
            #[cfg(feature = "services")]
            taxonomies,
            #[cfg(feature = "services")]
            allow_legitimate_uses,
            #[cfg(feature = "services")]
            taxonomy: std::cell::OnceCell::new(),
        })
    }

    /// Decides whether `request` (`{recipient, purpose, operation, fields, now?, uses?, ...}`)
    /// may go ahead under `artefact`: the artefact is authenticated (a forged or malformed one
    /// throws), then every other check (time, audience, status, purpose, fields) is part of the
    /// decision: `{allowed: true, fields, transforms, eraseBy}` or `{allowed: false, reasons}`.
    /// `request.now` defaults to the clock. Not in the portal module.
    #[cfg(feature = "services")]
    #[wasm_bindgen(unchecked_return_type = "Decision")]
    pub fn decide(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] artefact: JsValue,
        #[wasm_bindgen(unchecked_param_type = "DecideRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "DecideOptions")] options: Option<Object>,
    ) -> JsResult<JsValue> {
        let opts = Options::parse("options", options, &["statusList"])?;
        let list = opts
            .get("statusList")
            .map(|v| bytes_of("statusList", &v))
            .transpose()?;
        let mut req = json_of("request", &request)?;
        if let Some(obj) = req.as_object_mut() {
            if !obj.contains_key("now") {
                let now = Options(None).now()?;
                obj.insert("now".to_owned(), now.into());
            }
        }
        let req: consentry::Request =
            consentry::json::from_value(&req).map_err(|e| invalid(format!("`request`: {e}")))?;
        let artefact = bytes_of("artefact", &artefact)?;
        let taxonomy = match self.taxonomy.get() {
            Some(t) => t,
            None => {
                let t = lift(interop::taxonomy_with_options(
                    &self.taxonomies,
                    self.allow_legitimate_uses,
                ))?;
                self.taxonomy.get_or_init(|| t)
            }
        };
        let d = lift(interop::decide_with(
            &self.inner,
            taxonomy,
            &artefact,
            &req,
            list.as_deref(),
        ))?;
        js_of(&d)
    }

    /// Verifies `artefact` for the relying party `audience` at `now` (default: the clock),
    /// checking its status in `statusList` when given. With a list it fails closed: only the
    /// artefact's own issuer's fresh list showing VALID passes (`status_list_foreign`,
    /// `status_list_other_uri`, `status_list_stale`, `status_list_issued_in_future`,
    /// `status_value_unknown` otherwise), unless
    /// `acceptUnknownStatus: true`, which reports the unknown status instead. Returns the
    /// verified artefact as a plain object; throws `ConsentryError` on any failure.
    #[wasm_bindgen(unchecked_return_type = "VerifiedArtefact")]
    pub fn verify(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] artefact: JsValue,
        audience: &str,
        #[wasm_bindgen(unchecked_optional_param_type = "VerifyOptions")] options: Option<Object>,
    ) -> JsResult<JsValue> {
        let opts = Options::parse(
            "options",
            options,
            &["now", "statusList", "acceptUnknownStatus"],
        )?;
        let now = opts.now()?;
        let list = opts
            .get("statusList")
            .map(|v| bytes_of("statusList", &v))
            .transpose()?;
        let accept = match opts.get("acceptUnknownStatus") {
            None => false,
            Some(v) => v
                .as_bool()
                .ok_or_else(|| invalid("`acceptUnknownStatus` must be a boolean".to_owned()))?,
        };
        let artefact = bytes_of("artefact", &artefact)?;
        let v = lift(interop::verify_with(
            &self.inner,
            &artefact,
            audience,
            now,
            list.as_deref(),
            accept,
        ))?;
        js_of(&v)
    }

    /// The leeway in seconds.
    #[wasm_bindgen(getter)]
    pub fn leeway(&self) -> u32 {
        u32::try_from(self.inner.leeway()).unwrap_or(u32::MAX)
    }
}

/// Decodes an artefact strictly WITHOUT checking its signature, time or audience (display and
/// debugging only; the result is marked `verified: false`).
#[wasm_bindgen(unchecked_return_type = "Inspected")]
pub fn inspect(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] artefact: JsValue,
) -> JsResult<JsValue> {
    js_of(&lift(interop::inspect_bytes(&bytes_of(
        "artefact", &artefact,
    )?))?)
}

#[cfg(feature = "services")]
/// Issues (signs) a consent artefact from the JSON view of its claims with a PKCS#8 private
/// key; `iat` defaults to `now` (default: the clock), `cti` to 16 random bytes.
#[wasm_bindgen(unchecked_return_type = "IssueResult")]
pub fn issue(
    #[wasm_bindgen(unchecked_param_type = "ClaimsInput | string")] claims: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] pkcs8: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "NowOptions")] options: Option<Object>,
) -> JsResult<JsValue> {
    let opts = Options::parse("options", options, &["now"])?;
    let claims = json_of("claims", &claims)?.to_string();
    let pkcs8 = zeroize::Zeroizing::new(bytes_of("pkcs8", &pkcs8)?);
    let rng = ring::rand::SystemRandom::new();
    js_of(&lift(interop::issue_pkcs8(
        &pkcs8,
        &claims,
        opts.now()?,
        &rng,
    ))?)
}

/// Verifies a signed status list with the keys of `trustStore` at `now` (default: the clock)
/// and returns the entry at `idx`.
#[wasm_bindgen(js_name = statusGet, unchecked_return_type = "StatusEntry")]
pub fn status_get(
    #[wasm_bindgen(js_name = statusList, unchecked_param_type = "Uint8Array | string")]
    status_list: JsValue,
    #[wasm_bindgen(js_name = trustStore)] trust_store: &TrustStore,
    idx: f64,
    #[wasm_bindgen(unchecked_optional_param_type = "NowOptions")] options: Option<Object>,
) -> JsResult<JsValue> {
    let opts = Options::parse("options", options, &["now"])?;
    let idx = unsigned("idx", &JsValue::from_f64(idx))?;
    let list = bytes_of("statusList", &status_list)?;
    let v = lift(interop::status_get_with(
        &trust_store.inner,
        &list,
        idx,
        opts.now()?,
    ))?;
    js_of(&v)
}

/// The public JWK (`kid` = base64url RFC 9679 thumbprint) of a PKCS#8 private key.
#[cfg(feature = "services")]
#[wasm_bindgen(js_name = keyPublic, unchecked_return_type = "Jwk")]
pub fn key_public(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] pkcs8: JsValue,
) -> JsResult<JsValue> {
    let pkcs8 = zeroize::Zeroizing::new(bytes_of("pkcs8", &pkcs8)?);
    js_of(&lift(interop::key_public_pkcs8(
        &pkcs8,
        &ring::rand::SystemRandom::new(),
    ))?)
}

/// Checks a public JWK (weak and malformed keys are refused) and returns its canonical form,
/// with `kid` = the base64url RFC 9679 thumbprint.
#[wasm_bindgen(js_name = publicJwk, unchecked_return_type = "Jwk")]
pub fn public_jwk(
    #[wasm_bindgen(unchecked_param_type = "Jwk | string")] jwk: JsValue,
) -> JsResult<JsValue> {
    let jwk = json_of("jwk", &jwk)?;
    let key = lift(consentry::VerifyingKey::from_jwk(&jwk).map_err(|e| ErrorBody::from_error(&e)))?;
    js_of(&key.to_jwk())
}

/// Every error code, in numeric order (`consentry::Code::ALL`): `[{code, numericCode}]`.
#[wasm_bindgen(unchecked_return_type = "CodeInfo[]")]
pub fn codes() -> JsResult<JsValue> {
    js_of(&code_infos())
}

/// An entry of [`codes`].
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeInfo {
    code: &'static str,
    numeric_code: u32,
}

fn code_infos() -> Vec<CodeInfo> {
    Code::ALL
        .iter()
        .map(|c| CodeInfo {
            code: c.as_str(),
            numeric_code: c.as_u32(),
        })
        .collect()
}

#[cfg(feature = "services")]
/// Runs any operation of the core's JSON layer (`interop::call`): `request` is an object
/// or JSON text. Returns the operation's result; throws `ConsentryError` on failure. New core
/// operations (for example `decide`, `pseudonymise`) are reachable here with no new binding.
#[wasm_bindgen(js_name = callJson)]
pub fn call_json(op: &str, request: JsValue) -> JsResult<JsValue> {
    let text = match request.as_string() {
        Some(s) => s,
        None => json_of("request", &request)?.to_string(),
    };
    js_of(&lift(interop::call(
        op,
        &text,
        &ring::rand::SystemRandom::new(),
    ))?)
}

#[cfg(feature = "services")]
/// The operations [`call_json`] knows.
#[wasm_bindgen]
pub fn operations() -> Vec<String> {
    interop::OPERATIONS
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
}

/// The package's TypeScript declarations of results and options, a file of its own
/// (`types.d.ts`) that `ts_check` holds to the Rust types.
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = include_str!("types.d.ts");
