//! Account Aggregator consents (a compact JWS, RS256, over a `SignedConsentDetail`) and
//! detached `x-jws-signature` values (feature `aa`): `AaTrust`, `aaVerify` and `aaDisplay` in
//! the full module and the portal-aa module (`consentry/portal-aa`), `aaVerifyDetached` and
//! `aaDecide` in the full module only. The plain portal module has none of them. The contract is `docs/aa.md`; every
//! operation is the core's (`consentry::aa`, `consentry::interop`).

use consentry::interop::{self, ErrorBody};
use js_sys::Object;
use wasm_bindgen::prelude::*;

use crate::{invalid, js_of, json_of, lift, JsResult, Options};

/// Account Aggregator keys: RSA public keys, each bound to the entity id of the AA that owns
/// it when the document gives one. Immutable.
#[wasm_bindgen]
pub struct AaTrust {
    inner: consentry::aa::AaTrust,
}

#[wasm_bindgen]
impl AaTrust {
    /// AA keys from a key document (an object or its JSON text): a JWK Set (consentry's own
    /// keys in it are checked and set aside), a single RSA JWK, or Central Registry entity
    /// records `[{id, certificate}]` (or the registry's `{entityinfo}` response), which bind
    /// each key to its `id`. `entity` binds every key of a JWK Set or JWK to that entity id.
    /// All or nothing: a refused key throws with its code (`aa_key_too_small` for a modulus
    /// under 2048 bits, `key_private_material`, `key_duplicate_kid`, ...).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "AaKeys | string")] keys: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "AaTrustOptions")] options: Option<Object>,
    ) -> JsResult<AaTrust> {
        let opts = Options::parse("options", options, &["entity"])?;
        let entity = text_option(&opts, "entity")?;
        let doc = json_of("keys", &keys)?;
        let split = lift(
            consentry::aa::split_trust(&doc, entity.as_deref())
                .map_err(|e| ErrorBody::from_error(&e)),
        )?;
        Ok(AaTrust { inner: split.aa })
    }

    /// The number of AA keys (`kid` bindings).
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.len()
    }
}

/// The time an AA consent's window is checked at: `now` (default: the clock), or none with
/// `checkWindow: false` (verifying the evidence of a consent that has ended).
fn window_time(opts: &Options) -> JsResult<Option<i64>> {
    let check = match opts.get("checkWindow") {
        None => true,
        Some(v) => v
            .as_bool()
            .ok_or_else(|| invalid("`checkWindow` must be a boolean".to_owned()))?,
    };
    if check {
        opts.now().map(Some)
    } else {
        Ok(None)
    }
}

/// A string option, `None` when absent.
fn text_option(opts: &Options, key: &str) -> JsResult<Option<String>> {
    opts.get(key)
        .map(|v| {
            v.as_string()
                .ok_or_else(|| invalid(format!("`{key}` must be a string")))
        })
        .transpose()
}

/// Verifies an AA signed consent (`signedConsent`, compact JWS text) against `trust`, imports
/// its detail and checks its window at `now` (default: the clock): `not_yet_valid` before
/// `consentStart`, `expired` from `consentExpiry` (`checkWindow: false` skips the window, to
/// verify the evidence of a consent that has ended). With `issuer`, the signing key must be bound
/// to that entity id (`aa_issuer_mismatch`). Returns `{kid, alg, b64, issuer, payload, claims,
/// evidence}`; throws `ConsentryError` with the first failing check's code.
#[wasm_bindgen(js_name = aaVerify, unchecked_return_type = "AaVerified")]
pub fn aa_verify(
    jws: &str,
    trust: &AaTrust,
    #[wasm_bindgen(unchecked_optional_param_type = "AaVerifyOptions")] options: Option<Object>,
) -> JsResult<JsValue> {
    let opts = Options::parse("options", options, &["issuer", "now", "checkWindow"])?;
    let issuer = text_option(&opts, "issuer")?;
    let now = window_time(&opts)?;
    js_of(&lift(interop::aa_verify_with(
        &trust.inner,
        jws,
        issuer.as_deref(),
        now,
    ))?)
}

/// Verifies an AA signed consent exactly as `aaVerify` does and returns what a citizen-facing
/// page shows of it: the purpose (its code, its name and category from the shipped AA
/// taxonomy, the AA's own text), the recipient, the mode, the window, the FI types, consent
/// types and field selectors, the data life, the frequency, the data range and filters, the
/// signing entity and the evidence (SHA-256 of the JWS). Throws as `aaVerify`.
#[wasm_bindgen(js_name = aaDisplay, unchecked_return_type = "AaDisplay")]
pub fn aa_display(
    jws: &str,
    trust: &AaTrust,
    #[wasm_bindgen(unchecked_optional_param_type = "AaVerifyOptions")] options: Option<Object>,
) -> JsResult<JsValue> {
    let opts = Options::parse("options", options, &["issuer", "now", "checkWindow"])?;
    let issuer = text_option(&opts, "issuer")?;
    let now = window_time(&opts)?;
    let err = |e: consentry::aa::AaError| ErrorBody::from_error(&e);
    let (_, imported) = lift(
        consentry::aa::verify_current(jws, &trust.inner, issuer.as_deref(), now).map_err(err),
    )?;
    js_of(&imported.display_json())
}

/// Verifies a detached AA signature (`x-jws-signature`, `header..signature`) over the exact
/// `body` bytes (a `Uint8Array`, or base64url text), in the three `b64` variants. With
/// `issuer`, the signing key must be bound to that entity id. Returns `{kid, alg, b64,
/// issuer}`; throws `ConsentryError` on any failure (`signature_invalid` for a changed body).
/// Not in the portal module.
#[cfg(feature = "services")]
#[wasm_bindgen(js_name = aaVerifyDetached, unchecked_return_type = "AaDetached")]
pub fn aa_verify_detached(
    signature: &str,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] body: JsValue,
    trust: &AaTrust,
    #[wasm_bindgen(unchecked_optional_param_type = "AaDetachedOptions")] options: Option<Object>,
) -> JsResult<JsValue> {
    let opts = Options::parse("options", options, &["issuer"])?;
    let issuer = text_option(&opts, "issuer")?;
    let body = crate::bytes_of("body", &body)?;
    js_of(&lift(interop::aa_verify_detached_with(
        &trust.inner,
        signature,
        &body,
        issuer.as_deref(),
    ))?)
}

/// Decides whether `request` (`{recipient, purpose, operation, fields, now?, uses?, ...}`, as
/// for `Verifier.decide`) may go ahead under an AA signed consent: the JWS is verified against
/// `trust` (with `issuer`) and imported, failures throw; time, recipient, purpose, mode,
/// fields and status are decision checks. `status` is the consent's status as the caller
/// learnt it from the AA (`ACTIVE` valid, `PAUSED` suspended, any other value revoked);
/// absent, the decision fails closed (`status_unknown`) unless the request sets
/// `acceptUnknownStatus`. `taxonomies` and `taxonomyAllowLegitimateUses` as for `Verifier`.
/// `request.now` defaults to the clock. Not in the portal module.
#[cfg(feature = "services")]
#[wasm_bindgen(js_name = aaDecide, unchecked_return_type = "Decision")]
pub fn aa_decide(
    jws: &str,
    trust: &AaTrust,
    #[wasm_bindgen(unchecked_param_type = "DecideRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "AaDecideOptions")] options: Option<Object>,
) -> JsResult<JsValue> {
    let opts = Options::parse(
        "options",
        options,
        &[
            "issuer",
            "status",
            "taxonomies",
            "taxonomyAllowLegitimateUses",
        ],
    )?;
    let issuer = text_option(&opts, "issuer")?;
    let status = text_option(&opts, "status")?;
    let mut taxonomies = Vec::new();
    if let Some(list) = opts.get("taxonomies") {
        let Some(list) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Array>(&list) else {
            return Err(invalid("`taxonomies` must be an array".to_owned()));
        };
        for (i, t) in list.iter().enumerate() {
            let name = format!("taxonomies[{i}]");
            let text = json_of(&name, &t)?.to_string();
            taxonomies.push((name, text));
        }
    }
    let allow = match opts.get("taxonomyAllowLegitimateUses") {
        None => false,
        Some(v) => v
            .as_bool()
            .ok_or_else(|| invalid("`taxonomyAllowLegitimateUses` must be a boolean".to_owned()))?,
    };
    let mut req = json_of("request", &request)?;
    if let Some(obj) = req.as_object_mut() {
        if !obj.contains_key("now") {
            let now = Options(None).now()?;
            obj.insert("now".to_owned(), now.into());
        }
    }
    let req: consentry::Request =
        consentry::json::from_value(&req).map_err(|e| invalid(format!("`request`: {e}")))?;
    let taxonomy = lift(interop::taxonomy_with_options(&taxonomies, allow))?;
    js_of(&lift(interop::aa_decide_with(
        &trust.inner,
        &taxonomy,
        jws,
        issuer.as_deref(),
        &req,
        status.as_deref(),
    ))?)
}
