//! AA signing keys: RSA public keys loaded from a JWK Set, a single JWK, or Sahamati Central
//! Registry entity records, each bound to its `kid` and, where the document gives one, to the
//! entity id that owns it.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::json;
use super::AaError;

/// Smallest RSA modulus accepted, in bits.
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted, in bits (ring's verifiers stop at 8192).
pub const MAX_RSA_BITS: usize = 8192;
/// Longest `kid`, in bytes (AA kids are UUIDs: 36 bytes).
pub const MAX_AA_KID_LEN: usize = 128;
/// Longest entity id, in bytes.
pub const MAX_ENTITY_ID_LEN: usize = 256;
/// Largest key document accepted by [`AaTrust::add_json`] (the whole Central Registry entity
/// list is well under it).
pub const MAX_TRUST_DOC_LEN: usize = 4 * 1024 * 1024;
/// Most keys one [`AaTrust`] holds.
pub const MAX_AA_KEYS: usize = 10_000;

/// The algorithm a key fixes. A JWK without `alg` fixes RS256, the AA network's algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AaAlg {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// RSASSA-PSS with SHA-256 (MGF1 SHA-256, salt of 32 bytes).
    Ps256,
}

impl AaAlg {
    /// The JOSE name (`RS256`, `PS256`).
    pub const fn name(self) -> &'static str {
        match self {
            AaAlg::Rs256 => "RS256",
            AaAlg::Ps256 => "PS256",
        }
    }

    /// The algorithm with this JOSE name, if allowed (`none`, HMAC and the rest are not).
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "RS256" => Some(AaAlg::Rs256),
            "PS256" => Some(AaAlg::Ps256),
            _ => None,
        }
    }

    pub(crate) fn params(self) -> &'static ring::signature::RsaParameters {
        match self {
            AaAlg::Rs256 => &ring::signature::RSA_PKCS1_2048_8192_SHA256,
            AaAlg::Ps256 => &ring::signature::RSA_PSS_2048_8192_SHA256,
        }
    }
}

/// One trusted RSA public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AaKey {
    /// Modulus, big-endian, without leading zero bytes.
    n: Vec<u8>,
    /// Public exponent, big-endian, without leading zero bytes.
    e: Vec<u8>,
    alg: AaAlg,
    entity: Option<String>,
}

impl AaKey {
    /// The algorithm this key fixes.
    pub fn alg(&self) -> AaAlg {
        self.alg
    }

    /// The entity id the key is bound to (a Central Registry `id`), if the document gave one.
    pub fn entity(&self) -> Option<&str> {
        self.entity.as_deref()
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        bit_len(&self.n)
    }

    /// Verifies `sig` over `msg` with this key and its algorithm (ring's RSA verifier).
    pub(crate) fn verify(&self, msg: &[u8], sig: &[u8]) -> Result<(), AaError> {
        let components = ring::signature::RsaPublicKeyComponents {
            n: self.n.as_slice(),
            e: self.e.as_slice(),
        };
        components
            .verify(self.alg.params(), msg, sig)
            .map_err(|_| AaError::Signature)
    }
}

fn bit_len(be: &[u8]) -> usize {
    match be.first() {
        None => 0,
        Some(&top) => (be.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
    }
}

fn strip_zeros(mut b: &[u8]) -> &[u8] {
    while let [0, rest @ ..] = b {
        b = rest;
    }
    b
}

/// Trusted AA keys by `kid`.
///
/// ```
/// use consentry::aa::AaTrust;
/// let mut trust = AaTrust::new();
/// let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/../tests/vectors/aa/spec_example_key.jwk.json"))?;
/// trust.add_json(&doc, None)?;
/// assert_eq!(trust.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AaTrust {
    keys: BTreeMap<String, AaKey>,
}

/// Private JWK members: never in a trust store.
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

impl AaTrust {
    /// An empty trust store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads a key document (see [`AaTrust::add_json`]) into a new store.
    pub fn from_json(doc: &str) -> Result<Self, AaError> {
        let mut t = Self::new();
        t.add_json(doc, None)?;
        Ok(t)
    }

    /// Number of `kid`s bound.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key is bound.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The key bound to `kid`.
    pub fn get(&self, kid: &str) -> Option<&AaKey> {
        self.keys.get(kid)
    }

    /// Binds `key` without the loader's checks (tests of the verifier's own checks).
    #[cfg(test)]
    pub(crate) fn insert_unchecked(&mut self, kid: &str, n: Vec<u8>, e: Vec<u8>, alg: AaAlg) {
        self.keys.insert(
            kid.to_owned(),
            AaKey {
                n,
                e,
                alg,
                entity: None,
            },
        );
    }

    /// Adds every key of a document, all or nothing (on error the store is unchanged):
    ///
    /// - a JWK Set `{"keys": [JWK, ...]}`;
    /// - a single RSA JWK (an object with `kty`);
    /// - a list of Central Registry entity records `[{"id": ENTITY, "certificate": JWK}, ...]`,
    ///   or the registry's response object holding that list under `entityinfo`: each key is
    ///   bound to its record's `id`; a record whose `certificate` is absent or `null` adds
    ///   nothing.
    ///
    /// `entity`, when given, binds every key of a JWK Set or single JWK to that entity id (a
    /// caller that knows whose keys it loads); entity records always carry their own.
    ///
    /// A JWK must have `kty` `RSA`, `n`, `e` and a string `kid` (1 to [`MAX_AA_KID_LEN`] bytes);
    /// `use`, when present, is `sig`; `alg`, when present, is `RS256` or `PS256` and fixes the
    /// key's algorithm (absent: RS256). Private members are refused; other members are ignored.
    pub fn add_json(&mut self, doc: &str, entity: Option<&str>) -> Result<(), AaError> {
        if doc.len() > MAX_TRUST_DOC_LEN {
            return Err(AaError::TooLarge {
                what: "trust document",
                cap: MAX_TRUST_DOC_LEN,
            });
        }
        let value = json::parse(doc.as_bytes()).map_err(|e| AaError::KeyJson(e.to_string()))?;
        if let Some(e) = entity {
            check_entity(e, "entity")?;
        }
        let mut staged = self.keys.clone();
        match &value {
            Value::Array(records) => add_records(&mut staged, records, "")?,
            Value::Object(o) if o.contains_key("keys") => {
                let keys = o
                    .get("keys")
                    .and_then(Value::as_array)
                    .ok_or_else(|| AaError::KeyJson("`keys` must be an array".into()))?;
                for (i, k) in keys.iter().enumerate() {
                    add_jwk(&mut staged, k, &format!("keys[{i}]"), entity)?;
                }
            }
            Value::Object(o) if o.contains_key("entityinfo") => {
                let records = o
                    .get("entityinfo")
                    .and_then(Value::as_array)
                    .ok_or_else(|| AaError::KeyJson("`entityinfo` must be an array".into()))?;
                add_records(&mut staged, records, "entityinfo")?;
            }
            Value::Object(o) if o.contains_key("kty") => {
                add_jwk(&mut staged, &value, "jwk", entity)?
            }
            _ => {
                return Err(AaError::KeyJson(
                    "expected a jwk set, a jwk or a list of entity records".into(),
                ))
            }
        }
        self.keys = staged;
        Ok(())
    }
}

fn check_entity(id: &str, at: &str) -> Result<(), AaError> {
    if id.is_empty() || id.len() > MAX_ENTITY_ID_LEN || id.chars().any(char::is_control) {
        return Err(AaError::KeyJson(format!(
            "`{at}` must be 1 to {MAX_ENTITY_ID_LEN} bytes without control characters"
        )));
    }
    Ok(())
}

fn add_records(
    staged: &mut BTreeMap<String, AaKey>,
    records: &[Value],
    prefix: &str,
) -> Result<(), AaError> {
    for (i, r) in records.iter().enumerate() {
        let at = format!("{prefix}[{i}]");
        let o = r
            .as_object()
            .ok_or_else(|| AaError::KeyJson(format!("`{at}` must be an entity record object")))?;
        let id = o
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| AaError::KeyJson(format!("`{at}.id` must be a string")))?;
        check_entity(id, &format!("{at}.id"))?;
        match o.get("certificate") {
            // A registry entity without a key (many FIPs and FIUs) is trusted for nothing.
            None | Some(Value::Null) => {}
            Some(cert @ Value::Object(_)) => {
                add_jwk(staged, cert, &format!("{at}.certificate"), Some(id))?;
            }
            Some(_) => {
                return Err(AaError::KeyJson(format!(
                    "`{at}.certificate` must be a jwk object"
                )))
            }
        }
    }
    Ok(())
}

fn str_member<'a>(
    o: &'a Map<String, Value>,
    name: &str,
    at: &str,
) -> Result<Option<&'a str>, AaError> {
    match o.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(AaError::KeyJson(format!("`{at}.{name}` must be a string"))),
    }
}

fn b64_member(o: &Map<String, Value>, name: &str, at: &str) -> Result<Vec<u8>, AaError> {
    let s = str_member(o, name, at)?
        .ok_or_else(|| AaError::KeyJson(format!("`{at}.{name}` is missing")))?;
    super::jws::b64_decode(s)
        .ok_or_else(|| AaError::KeyJson(format!("`{at}.{name}` is not base64url without padding")))
}

fn add_jwk(
    staged: &mut BTreeMap<String, AaKey>,
    jwk: &Value,
    at: &str,
    entity: Option<&str>,
) -> Result<(), AaError> {
    let o = jwk
        .as_object()
        .ok_or_else(|| AaError::KeyJson(format!("`{at}` must be a jwk object")))?;
    if PRIVATE_MEMBERS.iter().any(|m| o.contains_key(*m)) {
        return Err(AaError::KeyPrivate { at: at.to_owned() });
    }
    match str_member(o, "kty", at)? {
        Some("RSA") => {}
        Some(_) => {
            return Err(AaError::KeyUnsupported {
                at: at.to_owned(),
                reason: "`kty` must be `RSA`",
            })
        }
        None => return Err(AaError::KeyJson(format!("`{at}.kty` is missing"))),
    }
    if let Some(u) = str_member(o, "use", at)? {
        if u != "sig" {
            return Err(AaError::KeyUnsupported {
                at: at.to_owned(),
                reason: "`use` must be `sig`",
            });
        }
    }
    let alg = match str_member(o, "alg", at)? {
        None => AaAlg::Rs256,
        Some(a) => AaAlg::from_name(a).ok_or_else(|| AaError::KeyUnsupported {
            at: at.to_owned(),
            reason: "`alg` must be `RS256` or `PS256`",
        })?,
    };
    let kid = str_member(o, "kid", at)?
        .ok_or_else(|| AaError::KeyJson(format!("`{at}.kid` is missing")))?;
    if kid.is_empty() || kid.len() > MAX_AA_KID_LEN {
        return Err(AaError::KeyJson(format!(
            "`{at}.kid` must be 1 to {MAX_AA_KID_LEN} bytes"
        )));
    }
    let n_raw = b64_member(o, "n", at)?;
    let e_raw = b64_member(o, "e", at)?;
    let n = strip_zeros(&n_raw).to_vec();
    let e = strip_zeros(&e_raw).to_vec();
    let bits = bit_len(&n);
    if bits < MIN_RSA_BITS {
        return Err(AaError::KeyTooSmall {
            at: at.to_owned(),
            bits,
        });
    }
    if bits > MAX_RSA_BITS {
        return Err(AaError::KeyUnsupported {
            at: at.to_owned(),
            reason: "the modulus is over 8192 bits",
        });
    }
    if n.last().is_none_or(|b| b & 1 == 0) {
        return Err(AaError::KeyInvalid {
            at: at.to_owned(),
            reason: "`n` must be odd",
        });
    }
    // ring takes exponents from 3 to 2^33 - 1, odd.
    let e_ok = !e.is_empty()
        && e.len() <= 5
        && e.last().is_some_and(|b| b & 1 == 1)
        && (e.len() > 1 || e.first().is_some_and(|&b| b >= 3))
        && (e.len() < 5 || e.first().is_some_and(|&b| b <= 1));
    if !e_ok {
        return Err(AaError::KeyInvalid {
            at: at.to_owned(),
            reason: "`e` must be odd, at least 3 and below 2^33",
        });
    }
    let key = AaKey {
        n,
        e,
        alg,
        entity: entity.map(str::to_owned),
    };
    match staged.get(kid) {
        Some(existing) if *existing == key => Ok(()),
        Some(_) => Err(AaError::DuplicateKid { at: at.to_owned() }),
        None => {
            if staged.len() >= MAX_AA_KEYS {
                return Err(AaError::KeyJson(format!("more than {MAX_AA_KEYS} keys")));
            }
            staged.insert(kid.to_owned(), key);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_length_counts_from_the_top_set_bit() {
        assert_eq!(bit_len(&[]), 0);
        assert_eq!(bit_len(&[1]), 1);
        assert_eq!(bit_len(&[0x80, 0]), 16);
        assert_eq!(bit_len(strip_zeros(&[0, 0, 0x7f])), 7);
    }

    #[test]
    fn alg_names_are_an_allow_list() {
        assert_eq!(AaAlg::from_name("RS256"), Some(AaAlg::Rs256));
        assert_eq!(AaAlg::from_name("PS256"), Some(AaAlg::Ps256));
        for n in ["none", "HS256", "rs256", "RS512", ""] {
            assert_eq!(AaAlg::from_name(n), None, "{n}");
        }
    }
}
