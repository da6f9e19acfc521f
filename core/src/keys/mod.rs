//! Signing and verifying keys (Ed25519, ES256), their JWK and COSE_Key forms, RFC 9679
//! thumbprints, and the trust store that maps a `kid` to exactly one key.

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;

mod error;
pub use error::KeyError;

mod load;

/// Longest `kid` the trust store accepts.
pub const MAX_KID_LEN: usize = 64;

mod signing;
mod verifying;

pub use signing::SigningKey;
pub use verifying::{SignatureError, VerifyingKey};

/// A signature algorithm. The key fixes the algorithm; an artefact's `alg` header must equal it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// EdDSA with Ed25519 (COSE `alg` -8).
    Ed25519,
    /// ECDSA with P-256 and SHA-256, signature as the 64-byte r‖s (COSE `alg` -7).
    Es256,
}

impl Algorithm {
    /// The COSE algorithm identifier.
    pub const fn cose_id(self) -> i64 {
        match self {
            Algorithm::Ed25519 => -8,
            Algorithm::Es256 => -7,
        }
    }

    /// The algorithm with this COSE identifier, if supported.
    pub const fn from_cose_id(id: i64) -> Option<Self> {
        match id {
            -8 => Some(Algorithm::Ed25519),
            -7 => Some(Algorithm::Es256),
            _ => None,
        }
    }

    /// The JOSE / COSE algorithm name (`EdDSA`, `ES256`).
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::Ed25519 => "EdDSA",
            Algorithm::Es256 => "ES256",
        }
    }
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    let d = ring::digest::digest(&ring::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

fn jwk_err(reason: &str) -> KeyError {
    KeyError::Jwk {
        reason: reason.to_owned(),
    }
}

/// Maps a `kid` (1 to 64 bytes) to exactly one trusted public key.
///
/// ```
/// use consentry::{SigningKey, TrustStore};
/// let key = SigningKey::from_ed25519_seed(&[7; 32])?;
/// let mut store = TrustStore::new();
/// store.add(key.verifying_key().clone())?;
/// assert!(store.get(&key.verifying_key().thumbprint()).is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct TrustStore {
    keys: HashMap<Vec<u8>, VerifyingKey>,
}

impl TrustStore {
    /// An empty trust store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a key under its RFC 9679 thumbprint (consentry's own `kid`).
    pub fn add(&mut self, key: VerifyingKey) -> Result<(), KeyError> {
        let kid = key.thumbprint.to_vec();
        self.insert(kid, key)
    }

    /// Binds `kid` to `key`. Rebinding a `kid` to the same key is a no-op; to another key, an error.
    pub fn insert(&mut self, kid: Vec<u8>, key: VerifyingKey) -> Result<(), KeyError> {
        if kid.is_empty() || kid.len() > MAX_KID_LEN {
            return Err(KeyError::KidInvalid { len: kid.len() });
        }
        match self.keys.get(&kid) {
            Some(existing) if *existing == key => Ok(()),
            Some(_) => Err(KeyError::DuplicateKid),
            None => {
                self.keys.insert(kid, key);
                Ok(())
            }
        }
    }

    /// Adds a JWK. The key is always reachable by its thumbprint; a `kid` member that is not the
    /// base64url thumbprint also binds the UTF-8 bytes of that `kid` (other issuers' kids, such
    /// as `"12"`, are plain text).
    pub fn add_jwk(&mut self, jwk: &serde_json::Value) -> Result<(), KeyError> {
        let key = VerifyingKey::from_jwk(jwk)?;
        let tp = B64.encode(key.thumbprint);
        match jwk.get("kid") {
            None => {}
            Some(serde_json::Value::String(kid)) if *kid == tp => {}
            Some(serde_json::Value::String(kid)) => {
                self.insert(kid.as_bytes().to_vec(), key.clone())?;
            }
            Some(_) => return Err(jwk_err("`kid` must be a string")),
        }
        self.add(key)
    }

    /// Adds a COSE_Key; its `kid` (label 2), when present, is bound as well as the thumbprint.
    pub fn add_cose_key(&mut self, bytes: &[u8]) -> Result<(), KeyError> {
        let (key, kid) = VerifyingKey::from_cose_key(bytes)?;
        if let Some(kid) = kid {
            self.insert(kid, key.clone())?;
        }
        self.add(key)
    }

    /// The key bound to `kid`.
    pub fn get(&self, kid: &[u8]) -> Option<&VerifyingKey> {
        self.keys.get(kid)
    }

    /// Number of `kid` bindings.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cose_keys_enter_the_trust_store_under_their_kid_and_thumbprint() {
        let sk = SigningKey::from_ed25519_seed(&[3; 32]).unwrap();
        let pk = sk.verifying_key();
        // {1: 1, 2: h'6b31', -1: 6, -2: x}: a COSE_Key with a short kid of its own.
        let mut ck = vec![
            0xa4, 0x01, 0x01, 0x02, 0x42, b'k', b'1', 0x20, 0x06, 0x21, 0x58, 0x20,
        ];
        ck.extend_from_slice(pk.as_bytes());
        let mut store = TrustStore::new();
        store.add_cose_key(&ck).unwrap();
        assert_eq!(store.get(b"k1"), Some(pk));
        assert_eq!(store.get(&pk.thumbprint()), Some(pk));
        // Private key material (-4) is refused; so is a wrong `alg`.
        let mut private = ck.clone();
        private[0] = 0xa5;
        private.extend_from_slice(&[0x23, 0x41, 0x00]);
        assert_eq!(
            TrustStore::new().add_cose_key(&private),
            Err(KeyError::PrivateMaterial)
        );
        let mut es = vec![0xa4, 0x01, 0x01, 0x03, 0x26, 0x20, 0x06, 0x21, 0x58, 0x20];
        es.extend_from_slice(pk.as_bytes());
        assert!(matches!(
            TrustStore::new().add_cose_key(&es),
            Err(KeyError::Unsupported { .. })
        ));
    }

    #[test]
    fn off_curve_p256_jwk_is_refused_when_added_to_the_trust_store() {
        let rng = ring::rand::SystemRandom::new();
        let der = SigningKey::generate_pkcs8(Algorithm::Es256, &rng).unwrap();
        let good = SigningKey::from_pkcs8(&der, &rng)
            .unwrap()
            .verifying_key()
            .to_jwk();
        TrustStore::new().add_jwk(&good).unwrap();
        // The attack: a y that does not fit x (one bit flipped), and the classic (0, 0).
        let mut y = B64.decode(good["y"].as_str().unwrap()).unwrap();
        y[31] ^= 1;
        let mut off = good.clone();
        off["y"] = serde_json::json!(B64.encode(&y));
        off.as_object_mut().unwrap().remove("kid");
        let e = TrustStore::new().add_jwk(&off).unwrap_err();
        assert_eq!(e, KeyError::NotOnCurve);
        assert_eq!(crate::HasCode::code(&e), crate::Code::KeyNotOnCurve);
        let zero = serde_json::json!({"kty": "EC", "crv": "P-256",
            "x": B64.encode([0u8; 32]), "y": B64.encode([0u8; 32])});
        assert_eq!(
            TrustStore::from_jwks(&serde_json::json!({"keys": [zero]}).to_string()).unwrap_err(),
            KeyError::NotOnCurve
        );
        let mut sec1 = vec![4u8];
        sec1.extend_from_slice(&B64.decode(good["x"].as_str().unwrap()).unwrap());
        sec1.extend_from_slice(&y);
        assert_eq!(
            VerifyingKey::from_p256_sec1(&sec1).unwrap_err(),
            KeyError::NotOnCurve
        );
    }

    #[test]
    fn trust_store_refuses_private_jwk_and_conflicting_kid() {
        let sk = SigningKey::from_ed25519_seed(&[1; 32]).unwrap();
        let mut jwk = sk.verifying_key().to_jwk();
        jwk["d"] = serde_json::json!("AAAA");
        assert_eq!(
            TrustStore::new().add_jwk(&jwk),
            Err(KeyError::PrivateMaterial)
        );
        let other = SigningKey::from_ed25519_seed(&[2; 32]).unwrap();
        let mut store = TrustStore::new();
        store
            .insert(b"k".to_vec(), sk.verifying_key().clone())
            .unwrap();
        store
            .insert(b"k".to_vec(), sk.verifying_key().clone())
            .unwrap();
        assert_eq!(
            store.insert(b"k".to_vec(), other.verifying_key().clone()),
            Err(KeyError::DuplicateKid)
        );
        assert_eq!(
            store.insert(vec![0; 65], other.verifying_key().clone()),
            Err(KeyError::KidInvalid { len: 65 })
        );
    }
}
