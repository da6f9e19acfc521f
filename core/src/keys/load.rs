//! The one trust-store loader: a JWK, a JWK Set or a COSE_Key, told apart by one rule that every
//! face (JSON operations, CLI `--trust`, C `consentry_trust_store_add_jwk`, npm `addJwks`) uses.
//!
//! Detection ([`TrustStore::add_keys`]):
//! - bytes whose first byte is a CBOR map head (`0xa0`–`0xbf`) are a **COSE_Key**;
//! - anything else must be UTF-8 **JSON text** holding an object:
//!   - with a `keys` member and no `kty`: a **JWK Set**, added all or nothing;
//!   - with a `kty` member and no `keys`: **one JWK**;
//!   - with both, or with neither: refused (`key_jwk_invalid`), never guessed.
//!
//! A set is checked key by key into a copy of the store, so a bad key (named `keys[i]` in the
//! message) refuses the whole set with that key's code and leaves the store unchanged.

use super::{KeyError, TrustStore};

fn jwk_err(reason: impl Into<String>) -> KeyError {
    KeyError::Jwk {
        reason: reason.into(),
    }
}

/// Parses JSON text, naming the position (never a value) on failure.
fn parse(what: &str, text: &str) -> Result<serde_json::Value, KeyError> {
    serde_json::from_str(text).map_err(|e| {
        jwk_err(format!(
            "{what} is not json (line {}, column {})",
            e.line(),
            e.column()
        ))
    })
}

impl TrustStore {
    /// Adds keys from bytes: a COSE_Key (a CBOR map) or JSON text holding one JWK or a JWK Set
    /// (see the module's detection rule). All or nothing.
    pub fn add_keys(&mut self, bytes: &[u8]) -> Result<(), KeyError> {
        match bytes.first() {
            Some(0xa0..=0xbf) => self.add_cose_key(bytes),
            _ => {
                let text = core::str::from_utf8(bytes)
                    .map_err(|_| jwk_err("neither a cose_key nor utf-8 json text"))?;
                self.add_json(text)
            }
        }
    }

    /// Adds JSON text holding one JWK or a JWK Set (`{"keys": [...]}`, all or nothing).
    pub fn add_json(&mut self, text: &str) -> Result<(), KeyError> {
        self.add_json_value(&parse("jwk or jwk set", text)?)
    }

    /// A trust store from JSON text holding one JWK or a JWK Set.
    pub fn from_json(text: &str) -> Result<Self, KeyError> {
        let mut store = TrustStore::new();
        store.add_json(text)?;
        Ok(store)
    }

    /// [`TrustStore::add_json`] on a parsed value: an object with `keys` (and no `kty`) is a JWK
    /// Set, one with `kty` (and no `keys`) a JWK; both or neither is `key_jwk_invalid`.
    pub fn add_json_value(&mut self, v: &serde_json::Value) -> Result<(), KeyError> {
        let obj = v
            .as_object()
            .ok_or_else(|| jwk_err("a jwk or jwk set must be a json object"))?;
        match (obj.contains_key("keys"), obj.contains_key("kty")) {
            (true, false) => self.add_jwk_set(v),
            (false, true) => self.add_jwk(v),
            (true, true) => Err(jwk_err(
                "both `keys` and `kty`: give one jwk or one jwk set",
            )),
            (false, false) => Err(jwk_err("neither a jwk (`kty`) nor a jwk set (`keys`)")),
        }
    }

    /// Adds every key of a JWK Set value (`{"keys": [...]}`), all or nothing: the keys go into
    /// a copy first, so a bad key (named `keys[i]`) leaves the store unchanged.
    pub fn add_jwk_set(&mut self, set: &serde_json::Value) -> Result<(), KeyError> {
        let keys = set
            .get("keys")
            .and_then(|k| k.as_array())
            .ok_or_else(|| jwk_err("a jwk set needs a `keys` array"))?;
        let mut next = self.clone();
        for (i, k) in keys.iter().enumerate() {
            next.add_jwk(k).map_err(|e| match e {
                KeyError::Jwk { reason } => jwk_err(format!("`keys[{i}]`: {reason}")),
                other => other,
            })?;
        }
        *self = next;
        Ok(())
    }

    /// A trust store from JWK Set JSON text (a set only; [`TrustStore::from_json`] also takes
    /// one JWK).
    pub fn from_jwks(json: &str) -> Result<Self, KeyError> {
        let mut store = TrustStore::new();
        store.add_jwk_set(&parse("jwk set", json)?)?;
        Ok(store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Code, HasCode, SigningKey};

    fn keys() -> (SigningKey, SigningKey) {
        (
            SigningKey::from_ed25519_seed(&[7; 32]).unwrap(),
            SigningKey::from_ed25519_seed(&[9; 32]).unwrap(),
        )
    }

    /// The store's bindings as the public API shows them: how many, and the key bytes under
    /// each of the given kids.
    fn bindings(store: &TrustStore) -> (usize, Vec<Option<Vec<u8>>>) {
        let (a, b) = keys();
        let kids = [a, b].map(|k| k.verifying_key().thumbprint().to_vec());
        let keys = kids
            .iter()
            .map(|kid| store.get(kid).map(|k| k.as_bytes().to_vec()))
            .collect();
        (store.len(), keys)
    }

    #[test]
    fn the_same_key_through_every_input_form_gives_the_same_store() {
        let (a, _) = keys();
        let jwk = a.verifying_key().to_jwk();
        let set = serde_json::json!({ "keys": [jwk] });
        let cose = a.verifying_key().to_cose_key();
        let mut direct = TrustStore::new();
        direct.add(a.verifying_key().clone()).unwrap();
        let forms = [
            TrustStore::from_json(&jwk.to_string()).unwrap(),
            TrustStore::from_json(&set.to_string()).unwrap(),
            TrustStore::from_jwks(&set.to_string()).unwrap(),
            {
                let mut s = TrustStore::new();
                s.add_keys(jwk.to_string().as_bytes()).unwrap();
                s
            },
            {
                let mut s = TrustStore::new();
                s.add_keys(set.to_string().as_bytes()).unwrap();
                s
            },
            {
                let mut s = TrustStore::new();
                s.add_keys(&cose).unwrap();
                s
            },
        ];
        for (i, s) in forms.iter().enumerate() {
            assert_eq!(bindings(s), bindings(&direct), "form {i}");
        }
    }

    #[test]
    fn a_jwk_set_with_one_bad_key_is_refused_whole_and_leaves_the_store_unchanged() {
        let (a, b) = keys();
        let mut store = TrustStore::new();
        store.add(a.verifying_key().clone()).unwrap();
        let before = bindings(&store);
        let set = serde_json::json!({ "keys": [b.verifying_key().to_jwk(),
            {"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}] });
        let e = store.add_json(&set.to_string()).unwrap_err();
        assert_eq!(e.code(), Code::KeyInvalid);
        assert_eq!(bindings(&store), before);
        let set = serde_json::json!({ "keys": [b.verifying_key().to_jwk(), {"kty": 1}] });
        let e = store.add_json(&set.to_string()).unwrap_err();
        assert_eq!(e.code(), Code::KeyJwkInvalid);
        assert!(e.to_string().contains("`keys[1]`"), "{e}");
        assert_eq!(bindings(&store), before);
        let set =
            serde_json::json!({ "keys": [b.verifying_key().to_jwk(), {"kty": "OKP", "d": "x"}] });
        let e = store.add_json(&set.to_string()).unwrap_err();
        assert_eq!(e.code(), Code::KeyPrivateMaterial);
        assert_eq!(bindings(&store), before);
    }

    #[test]
    fn ambiguous_or_unrecognisable_key_documents_are_refused_not_guessed() {
        let (a, _) = keys();
        let mut both = a.verifying_key().to_jwk();
        both["keys"] = serde_json::json!([]);
        for (text, needle) in [
            (both.to_string(), "both `keys` and `kty`"),
            ("{}".to_owned(), "neither"),
            (r#"{"crv": "Ed25519"}"#.to_owned(), "neither"),
            ("[]".to_owned(), "json object"),
            ("{not json".to_owned(), "not json"),
            (r#"{"keys": {}}"#.to_owned(), "`keys` array"),
        ] {
            let mut s = TrustStore::new();
            let e = s.add_json(&text).unwrap_err();
            assert_eq!(e.code(), Code::KeyJwkInvalid, "{text}");
            assert!(e.to_string().contains(needle), "{text}: {e}");
            assert!(s.is_empty());
            let e = s.add_keys(text.as_bytes()).unwrap_err();
            assert_eq!(e.code(), Code::KeyJwkInvalid, "{text}");
        }
        // Not UTF-8 and not a CBOR map.
        let e = TrustStore::new().add_keys(&[0xff, 0xfe]).unwrap_err();
        assert_eq!(e.code(), Code::KeyJwkInvalid);
        // A CBOR map is a COSE_Key, checked as one.
        let e = TrustStore::new().add_keys(&[0xa0]).unwrap_err();
        assert_ne!(e.code(), Code::KeyJwkInvalid);
        // A set is a set even when it is empty.
        let mut s = TrustStore::new();
        s.add_json(r#"{"keys": []}"#).unwrap();
        assert!(s.is_empty());
    }
}
