//! The `Pseudonymiser` class: a handle built from a typed `Policy` and `MasterKey`.

use consentry::interop::{self, ErrorBody};
use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::{invalid, js_of, json_of, lift, JsResult};

/// Field-level pseudonymisation under a policy (`{domain, fields: {...}}`) with a 32-byte
/// master key; the per-domain keys are derived once, here. Batch entry points (`record`,
/// `csv`) keep the JS↔WASM crossings per row, not per value.
#[wasm_bindgen]
pub struct Pseudonymiser {
    inner: consentry::Pseudonymiser,
}

#[wasm_bindgen]
impl Pseudonymiser {
    /// A pseudonymiser from a policy (object or JSON text) and the master key (64 hex digits
    /// or 32 bytes). The key is never echoed in errors.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "object | string")] policy: JsValue,
        #[wasm_bindgen(js_name = masterKey, unchecked_param_type = "Uint8Array | string")]
        master_key: JsValue,
    ) -> JsResult<Pseudonymiser> {
        let policy = lift(interop::policy_of(&json_of("policy", &policy)?))?;
        let key = match master_key.as_string() {
            Some(hex) => consentry::MasterKey::from_hex(&zeroize::Zeroizing::new(hex)),
            None => match master_key.dyn_ref::<Uint8Array>() {
                Some(a) => consentry::MasterKey::from_slice(&zeroize::Zeroizing::new(a.to_vec())),
                None => {
                    return Err(invalid(
                        "`masterKey` must be 64 hex digits or a Uint8Array".to_owned(),
                    ))
                }
            },
        };
        let key = lift(key.map_err(|e| ErrorBody::from_error(&e)))?;
        let inner = consentry::Pseudonymiser::new(&policy, &key);
        Ok(Pseudonymiser {
            inner: lift(inner.map_err(|e| ErrorBody::from_error(&e)))?,
        })
    }

    /// A JSON record through the policy, forwards or in reverse.
    fn run_record(&self, reverse: bool, record: &JsValue) -> JsResult<JsValue> {
        let mut rec = json_of("record", record)?;
        if !rec.is_object() {
            return Err(invalid("`record` must be an object".to_owned()));
        }
        lift(interop::pseudonymise_record(&self.inner, reverse, &mut rec))?;
        js_of(&rec)
    }

    /// One value of policy field `field`: its pseudonym, token or masked form; `undefined` when
    /// the policy drops the field (the JSON operation `pseudonymise` writes `{"value": null}`).
    pub fn value(&self, field: &str, value: &str) -> JsResult<Option<String>> {
        lift(interop::pseudonymise_value(
            &self.inner,
            false,
            field,
            value,
        ))
    }

    /// Undoes `token` / `ff1` on one value.
    #[wasm_bindgen(js_name = reverseValue)]
    pub fn reverse_value(&self, field: &str, value: &str) -> JsResult<String> {
        lift(
            self.inner
                .reverse_value(field, value)
                .map_err(|e| ErrorBody::from_error(&e)),
        )
    }

    /// The key check record of this master key and domain, JSON text
    /// `{"v":1,"domain":...,"kcv":...}` (a keyed fingerprint; no key material). Store it with
    /// pseudonymised data and pass it to `checkKey` before reversing: `ff1` is unauthenticated
    /// and reverses under a wrong key or domain to wrong but valid-looking values.
    #[wasm_bindgen(getter, js_name = keyCheck)]
    pub fn key_check(&self) -> String {
        self.inner.key_check_json()
    }

    /// Throws `pseudo_key_check_mismatch` when a key check record (from `keyCheck` or a CLI
    /// `<file>.kcv`) was made with another master key or domain, `pseudo_key_check_malformed`
    /// when it is not one.
    #[wasm_bindgen(js_name = checkKey)]
    pub fn check_key(&self, key_check: &str) -> JsResult<()> {
        lift(
            self.inner
                .check_key_json(key_check)
                .map_err(|e| ErrorBody::from_error(&e)),
        )
    }

    /// A whole JSON record through the policy.
    #[wasm_bindgen(unchecked_return_type = "Record<string, unknown>")]
    pub fn record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] record: JsValue,
    ) -> JsResult<JsValue> {
        self.run_record(false, &record)
    }

    /// Undoes `token` / `ff1` in a record.
    #[wasm_bindgen(js_name = reverseRecord, unchecked_return_type = "Record<string, unknown>")]
    pub fn reverse_record(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] record: JsValue,
    ) -> JsResult<JsValue> {
        self.run_record(true, &record)
    }

    /// CSV rows (`{header, rows}`) through the policy: `{header, rows}` (dropped columns gone).
    #[wasm_bindgen(unchecked_return_type = "CsvRows")]
    pub fn csv(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CsvRows")] csv: JsValue,
    ) -> JsResult<JsValue> {
        let csv: interop::CsvRows = consentry::json::from_value(&json_of("csv", &csv)?)
            .map_err(|e| invalid(format!("`csv`: {e}")))?;
        js_of(&lift(interop::pseudonymise_csv(&self.inner, false, &csv))?)
    }
}
