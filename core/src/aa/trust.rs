//! One trust document holding both consentry's own keys (Ed25519, P-256) and AA RSA keys:
//! split once, here, for every face (`decide`, `verify --batch`, the `aa*` operations).

use serde_json::Value;

use super::{AaError, AaTrust};
use crate::TrustStore;

/// A trust document split into consentry's own keys and the AA RSA keys.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct MixedTrust {
    /// consentry's own issuer keys (every non-RSA JWK).
    pub ours: TrustStore,
    /// The AA RSA keys (every `kty` `RSA` JWK, and every Central Registry entity record).
    pub aa: AaTrust,
}

/// Splits a trust document into [`MixedTrust`]: a JWK Set's `kty` `RSA` members go to the AA
/// store (bound to `entity` when given), the others to consentry's store, each through its
/// own loader with its own checks; a single JWK goes to the store its `kty` selects; a list
/// of Central Registry entity records (or the registry's `entityinfo` response) to the AA
/// store. All or nothing: the first refused key is the error.
pub fn split_trust(doc: &Value, entity: Option<&str>) -> Result<MixedTrust, AaError> {
    let mut out = MixedTrust::default();
    let is_rsa = |k: &Value| k.get("kty").and_then(Value::as_str) == Some("RSA");
    let ours_err = |at: String| move |e: crate::KeyError| AaError::OwnKey { at, source: e };
    match doc {
        // Both a JWK Set and a JWK: refused, not guessed (as consentry's own loader does).
        Value::Object(o) if o.contains_key("keys") && o.contains_key("kty") => {
            return Err(AaError::KeyJson(
                "a document with both `keys` and `kty` is neither a jwk set nor a jwk".into(),
            ));
        }
        Value::Object(o) if o.contains_key("keys") => {
            let keys = o
                .get("keys")
                .and_then(Value::as_array)
                .ok_or_else(|| AaError::KeyJson("`keys` must be an array".into()))?;
            let (rsa, other): (Vec<&Value>, Vec<&Value>) = keys.iter().partition(|k| is_rsa(k));
            if !rsa.is_empty() {
                let set = serde_json::json!({ "keys": rsa });
                out.aa.add_json(&set.to_string(), entity)?;
            }
            for (i, k) in other.into_iter().enumerate() {
                out.ours
                    .add_jwk(k)
                    .map_err(ours_err(format!("keys[{i}]")))?;
            }
        }
        Value::Object(o) if o.contains_key("kty") && !is_rsa(doc) => {
            out.ours.add_jwk(doc).map_err(ours_err("jwk".into()))?;
        }
        _ => out.aa.add_json(&doc.to_string(), entity)?,
    }
    Ok(out)
}
