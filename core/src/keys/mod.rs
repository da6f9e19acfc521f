//! Signing and verifying keys (Ed25519, ES256), their JWK and COSE_Key forms, RFC 9679
//! thumbprints, and the trust store that maps a `kid` to exactly one key.

use std::collections::HashMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use ring::rand::SecureRandom;
use ring::signature::{self as sig, KeyPair as _};
use zeroize::Zeroizing;

use crate::cbor::{write_bstr_head, Reader};
use crate::error::KeyError;

mod load;

/// Longest `kid` the trust store accepts.
pub const MAX_KID_LEN: usize = 64;

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

/// A public key that can verify signatures, with its RFC 9679 thumbprint.
///
/// Ed25519 keys are checked on construction: small-order points and non-canonical encodings
/// are refused, because `ring` accepts signatures under them.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyingKey {
    alg: Algorithm,
    /// Ed25519: 32 bytes; P-256: 65-byte uncompressed SEC1 point.
    bytes: Vec<u8>,
    thumbprint: [u8; 32],
}

impl core::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("alg", &self.alg)
            .field("thumbprint", &B64.encode(self.thumbprint))
            .finish()
    }
}

/// The y-coordinates (sign bit cleared) of the eight small-order points of edwards25519, plus
/// the two non-canonical encodings of small-order y values (p and p+1). Same list as libsodium.
const SMALL_ORDER_Y: [[u8; 32]; 7] = [
    [0; 32],
    [
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0,
    ],
    [
        0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98,
        0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53,
        0xfc, 0x05,
    ],
    [
        0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67,
        0x0f, 0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac,
        0x03, 0x7a,
    ],
    [
        0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [
        0xed, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
    [
        0xee, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0x7f,
    ],
];

fn check_ed25519_public(a: &[u8; 32]) -> Result<(), KeyError> {
    // The sign bit (x parity) does not change the order of a point: compare y alone.
    let mut y = *a;
    y[31] &= 0x7f;
    if SMALL_ORDER_Y.contains(&y) {
        return Err(KeyError::Weak {
            reason: "small-order",
        });
    }
    // y must be below p = 2^255 - 19: little-endian [0xed, 0xff x 30, 0x7f].
    let high_all_ones = y[1..31].iter().all(|&b| b == 0xff) && y[31] == 0x7f;
    if high_all_ones && y[0] >= 0xed {
        return Err(KeyError::Weak {
            reason: "non-canonical",
        });
    }
    Ok(())
}

impl VerifyingKey {
    /// An Ed25519 public key from its 32-byte encoding.
    ///
    /// ```
    /// use consentry::VerifyingKey;
    /// // The identity point has small order: refused.
    /// let mut id = [0u8; 32];
    /// id[0] = 1;
    /// assert!(VerifyingKey::from_ed25519(&id).is_err());
    /// ```
    pub fn from_ed25519(bytes: &[u8]) -> Result<Self, KeyError> {
        let a: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Invalid {
            reason: "ed25519 public key must be 32 bytes",
        })?;
        check_ed25519_public(&a)?;
        let mut tp = Vec::with_capacity(44);
        tp.extend_from_slice(&[0xa3, 0x01, 0x01, 0x20, 0x06, 0x21]);
        write_bstr_head(&mut tp, 32);
        tp.extend_from_slice(&a);
        Ok(VerifyingKey {
            alg: Algorithm::Ed25519,
            bytes: a.to_vec(),
            thumbprint: sha256(&tp),
        })
    }

    /// A P-256 public key from its affine coordinates (32 bytes each, big-endian).
    ///
    /// The point is validated here (both coordinates below p, y² = x³ − 3x + b), so a trust
    /// store never holds a point off the curve ([`KeyError::NotOnCurve`]).
    ///
    /// ```
    /// use consentry::VerifyingKey;
    /// // (0, 0) is not on P-256.
    /// let e = VerifyingKey::from_p256_coordinates(&[0; 32], &[0; 32]).unwrap_err();
    /// assert_eq!(consentry::HasCode::code(&e), consentry::Code::KeyNotOnCurve);
    /// ```
    pub fn from_p256_coordinates(x: &[u8], y: &[u8]) -> Result<Self, KeyError> {
        if x.len() != 32 || y.len() != 32 {
            return Err(KeyError::Invalid {
                reason: "p-256 coordinates must be 32 bytes each",
            });
        }
        if !crate::curve::p256_on_curve(x, y) {
            return Err(KeyError::NotOnCurve);
        }
        let mut bytes = Vec::with_capacity(65);
        bytes.push(0x04);
        bytes.extend_from_slice(x);
        bytes.extend_from_slice(y);
        let mut tp = Vec::with_capacity(80);
        tp.extend_from_slice(&[0xa4, 0x01, 0x02, 0x20, 0x01, 0x21]);
        write_bstr_head(&mut tp, 32);
        tp.extend_from_slice(x);
        tp.push(0x22);
        write_bstr_head(&mut tp, 32);
        tp.extend_from_slice(y);
        Ok(VerifyingKey {
            alg: Algorithm::Es256,
            bytes,
            thumbprint: sha256(&tp),
        })
    }

    /// A P-256 public key from its uncompressed SEC1 encoding (`04 ‖ x ‖ y`, 65 bytes).
    pub fn from_p256_sec1(bytes: &[u8]) -> Result<Self, KeyError> {
        match bytes.split_first() {
            Some((0x04, xy)) if xy.len() == 64 => {
                let (x, y) = xy.split_at(32);
                Self::from_p256_coordinates(x, y)
            }
            _ => Err(KeyError::Invalid {
                reason: "p-256 public key must be a 65-byte uncompressed point",
            }),
        }
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The raw public key: 32 bytes (Ed25519) or the 65-byte uncompressed point (P-256).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The RFC 9679 COSE Key thumbprint (SHA-256): consentry's `kid` for this key.
    pub fn thumbprint(&self) -> [u8; 32] {
        self.thumbprint
    }

    /// Verifies a raw signature over `msg`. One opaque error for every failure.
    pub fn verify_signature(&self, msg: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
        let alg: &dyn sig::VerificationAlgorithm = match self.alg {
            Algorithm::Ed25519 => &sig::ED25519,
            Algorithm::Es256 => &sig::ECDSA_P256_SHA256_FIXED,
        };
        sig::UnparsedPublicKey::new(alg, &self.bytes)
            .verify(msg, signature)
            .map_err(|_| SignatureError)
    }

    fn coordinates(&self) -> (&[u8], &[u8]) {
        match self.alg {
            Algorithm::Ed25519 => (&self.bytes, &[]),
            Algorithm::Es256 => {
                let xy = self.bytes.get(1..).unwrap_or_default();
                xy.split_at(xy.len().min(32))
            }
        }
    }

    /// The key as a JSON Web Key (RFC 7517 / RFC 8037) with `kid` = base64url(thumbprint).
    pub fn to_jwk(&self) -> serde_json::Value {
        let kid = B64.encode(self.thumbprint);
        let (x, y) = self.coordinates();
        match self.alg {
            Algorithm::Ed25519 => serde_json::json!({
                "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
                "x": B64.encode(x), "kid": kid,
            }),
            Algorithm::Es256 => serde_json::json!({
                "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig",
                "x": B64.encode(x), "y": B64.encode(y), "kid": kid,
            }),
        }
    }

    /// A public key from a JWK object (`OKP`/`Ed25519` or `EC`/`P-256`).
    ///
    /// Private members (`d`, …) are refused; `alg` and `use`, when present, must fit the key.
    pub fn from_jwk(jwk: &serde_json::Value) -> Result<Self, KeyError> {
        let obj = jwk
            .as_object()
            .ok_or_else(|| jwk_err("a jwk must be a json object"))?;
        for private in ["d", "p", "q", "dp", "dq", "qi", "k", "oth"] {
            if obj.contains_key(private) {
                return Err(KeyError::PrivateMaterial);
            }
        }
        let member = |name: &str| -> Result<Option<&str>, KeyError> {
            match obj.get(name) {
                None => Ok(None),
                Some(serde_json::Value::String(s)) => Ok(Some(s.as_str())),
                Some(_) => Err(jwk_err(&format!("`{name}` must be a string"))),
            }
        };
        let coord = |name: &str| -> Result<Vec<u8>, KeyError> {
            let s = member(name)?.ok_or_else(|| jwk_err(&format!("missing `{name}`")))?;
            B64.decode(s)
                .map_err(|_| jwk_err(&format!("`{name}` is not base64url without padding")))
        };
        if let Some(u) = member("use")? {
            if u != "sig" {
                return Err(KeyError::Unsupported {
                    what: "`use` other than `sig`",
                });
            }
        }
        let key = match (member("kty")?, member("crv")?) {
            (Some("OKP"), Some("Ed25519")) => Self::from_ed25519(&coord("x")?)?,
            (Some("EC"), Some("P-256")) => Self::from_p256_coordinates(&coord("x")?, &coord("y")?)?,
            (None, _) => return Err(jwk_err("missing `kty`")),
            (Some("OKP" | "EC"), _) => return Err(KeyError::Unsupported { what: "`crv`" }),
            _ => return Err(KeyError::Unsupported { what: "`kty`" }),
        };
        if let Some(alg) = member("alg")? {
            if alg != key.alg.name() {
                return Err(KeyError::Unsupported {
                    what: "`alg` that does not fit the key",
                });
            }
        }
        Ok(key)
    }

    /// The key as a COSE_Key (RFC 9052 §7), deterministic CBOR, with `kid` (2) = thumbprint.
    pub fn to_cose_key(&self) -> Vec<u8> {
        let (x, y) = self.coordinates();
        let mut out = Vec::with_capacity(120);
        match self.alg {
            // {1: 1, 2: kid, 3: -8, -1: 6, -2: x}
            Algorithm::Ed25519 => out.extend_from_slice(&[0xa5, 0x01, 0x01]),
            // {1: 2, 2: kid, 3: -7, -1: 1, -2: x, -3: y}
            Algorithm::Es256 => out.extend_from_slice(&[0xa6, 0x01, 0x02]),
        }
        out.push(0x02);
        write_bstr_head(&mut out, 32);
        out.extend_from_slice(&self.thumbprint);
        match self.alg {
            Algorithm::Ed25519 => out.extend_from_slice(&[0x03, 0x27, 0x20, 0x06, 0x21]),
            Algorithm::Es256 => out.extend_from_slice(&[0x03, 0x26, 0x20, 0x01, 0x21]),
        }
        write_bstr_head(&mut out, x.len());
        out.extend_from_slice(x);
        if self.alg == Algorithm::Es256 {
            out.push(0x22);
            write_bstr_head(&mut out, y.len());
            out.extend_from_slice(y);
        }
        out
    }

    /// A public key from a COSE_Key (strict CBOR). Returns the key and its `kid` (label 2), if any.
    pub fn from_cose_key(bytes: &[u8]) -> Result<(Self, Option<Vec<u8>>), KeyError> {
        let bad = |_| KeyError::Invalid {
            reason: "cose_key is not a strict cbor map",
        };
        let mut r = Reader::new(bytes);
        let mut keys = r.map().map_err(bad)?;
        let (mut kty, mut kid, mut alg, mut crv) = (None, None, None, None);
        let (mut x, mut y): (Option<&[u8]>, Option<&[u8]>) = (None, None);
        for _ in 0..keys.len {
            let start = r.position();
            let label = r.int().map_err(|_| KeyError::Unsupported {
                what: "cose_key text label",
            })?;
            keys.check(&r, start).map_err(bad)?;
            let wrong = |_| KeyError::Invalid {
                reason: "cose_key member of the wrong type",
            };
            match label {
                1 => kty = Some(r.int().map_err(wrong)?),
                2 => kid = Some(r.bytes().map_err(wrong)?.to_vec()),
                3 => alg = Some(r.int().map_err(wrong)?),
                -1 => crv = Some(r.int().map_err(wrong)?),
                -2 => x = Some(r.bytes().map_err(wrong)?),
                -3 => y = Some(r.bytes().map_err(wrong)?),
                -4 => return Err(KeyError::PrivateMaterial),
                _ => r.skip().map_err(bad)?,
            }
        }
        r.leave();
        r.finish().map_err(bad)?;
        let missing = |what| KeyError::Invalid { reason: what };
        let key = match (kty, crv) {
            (Some(1), Some(6)) => Self::from_ed25519(x.ok_or(missing("cose_key lacks `x`"))?)?,
            (Some(2), Some(1)) => Self::from_p256_coordinates(
                x.ok_or(missing("cose_key lacks `x`"))?,
                y.ok_or(missing(
                    "cose_key lacks `y` (compressed points are not supported)",
                ))?,
            )?,
            (None, _) => return Err(missing("cose_key lacks `kty`")),
            (Some(1 | 2), _) => return Err(KeyError::Unsupported { what: "`crv`" }),
            _ => return Err(KeyError::Unsupported { what: "`kty`" }),
        };
        if let Some(a) = alg {
            if a != key.alg.cose_id() {
                return Err(KeyError::Unsupported {
                    what: "`alg` that does not fit the key",
                });
            }
        }
        Ok((key, kid))
    }
}

fn jwk_err(reason: &str) -> KeyError {
    KeyError::Jwk {
        reason: reason.to_owned(),
    }
}

/// A signature did not verify. Deliberately carries no detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignatureError;

impl core::fmt::Display for SignatureError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("signature does not verify")
    }
}

impl std::error::Error for SignatureError {}

/// DER prefix of an RFC 8410 §7 PKCS#8 v1 Ed25519 private key, before the 32-byte seed:
/// SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } }.
const ED25519_PKCS8_V1_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

enum SigningInner {
    Ed25519(sig::Ed25519KeyPair),
    Es256(sig::EcdsaKeyPair),
}

/// A private key for issuing artefacts, loaded from PKCS#8 (DER).
pub struct SigningKey {
    inner: SigningInner,
    public: VerifyingKey,
}

impl core::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SigningKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Generates a new private key and returns it as a PKCS#8 DER document (zeroized on drop).
    ///
    /// Ed25519 keys are written in the PKCS#8 v1 form of RFC 8410 §7, which OpenSSL and most
    /// libraries read (ring's own v2 form is not read by OpenSSL 3); P-256 keys in ring's
    /// PKCS#8 form. [`SigningKey::from_pkcs8`] reads both, and OpenSSL-generated keys.
    pub fn generate_pkcs8(
        alg: Algorithm,
        rng: &dyn SecureRandom,
    ) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        match alg {
            Algorithm::Ed25519 => {
                let mut seed = Zeroizing::new([0u8; 32]);
                rng.fill(seed.as_mut())
                    .map_err(|_| KeyError::SigningFailed)?;
                let mut der = Zeroizing::new(Vec::with_capacity(48));
                der.extend_from_slice(&ED25519_PKCS8_V1_PREFIX);
                der.extend_from_slice(seed.as_ref());
                Ok(der)
            }
            Algorithm::Es256 => {
                let doc =
                    sig::EcdsaKeyPair::generate_pkcs8(&sig::ECDSA_P256_SHA256_FIXED_SIGNING, rng)
                        .map_err(|_| KeyError::SigningFailed)?;
                Ok(Zeroizing::new(doc.as_ref().to_vec()))
            }
        }
    }

    /// Loads a PKCS#8 private key (Ed25519 v1 or v2, or P-256). `rng` is used by `ring` to
    /// blind the ECDSA key check; Ed25519 does not use it.
    pub fn from_pkcs8(der: &[u8], rng: &dyn SecureRandom) -> Result<Self, KeyError> {
        if let Ok(kp) = sig::Ed25519KeyPair::from_pkcs8_maybe_unchecked(der) {
            let public = VerifyingKey::from_ed25519(kp.public_key().as_ref())?;
            return Ok(SigningKey {
                inner: SigningInner::Ed25519(kp),
                public,
            });
        }
        let kp = sig::EcdsaKeyPair::from_pkcs8(&sig::ECDSA_P256_SHA256_FIXED_SIGNING, der, rng)
            .map_err(|_| KeyError::Pkcs8Invalid)?;
        let public = VerifyingKey::from_p256_sec1(kp.public_key().as_ref())?;
        Ok(SigningKey {
            inner: SigningInner::Es256(kp),
            public,
        })
    }

    /// An Ed25519 key from a 32-byte seed. Meant for deterministic test corpora and demos;
    /// real keys come from [`SigningKey::generate_pkcs8`].
    pub fn from_ed25519_seed(seed: &[u8; 32]) -> Result<Self, KeyError> {
        let kp =
            sig::Ed25519KeyPair::from_seed_unchecked(seed).map_err(|_| KeyError::Pkcs8Invalid)?;
        let public = VerifyingKey::from_ed25519(kp.public_key().as_ref())?;
        Ok(SigningKey {
            inner: SigningInner::Ed25519(kp),
            public,
        })
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.public.alg
    }

    /// The matching public key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.public
    }

    /// Signs `msg`. Ed25519 is deterministic; ES256 draws a nonce from `rng`.
    pub fn sign(&self, msg: &[u8], rng: &dyn SecureRandom) -> Result<Vec<u8>, KeyError> {
        match &self.inner {
            SigningInner::Ed25519(kp) => Ok(kp.sign(msg).as_ref().to_vec()),
            SigningInner::Es256(kp) => kp
                .sign(rng, msg)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| KeyError::SigningFailed),
        }
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
    fn rfc9679_example_thumbprint() {
        let x = hex::decode("65eda5a12577c2bae829437fe338701a10aaa375e1bb5b5de108de439c08551d")
            .unwrap();
        let y = hex::decode("1e52ed75701163f7f9e40ddf9f341b3dc9ba860af7e0ca7ca7e9eecd0084d19c")
            .unwrap();
        let k = VerifyingKey::from_p256_coordinates(&x, &y).unwrap();
        assert_eq!(
            hex::encode(k.thumbprint()),
            "496bd8afadf307e5b08c64b0421bf9dc01528a344a43bda88fadd1669da253ec"
        );
    }

    #[test]
    fn jwk_and_cose_key_round_trip() {
        let rng = ring::rand::SystemRandom::new();
        for alg in [Algorithm::Ed25519, Algorithm::Es256] {
            let der = SigningKey::generate_pkcs8(alg, &rng).unwrap();
            let sk = SigningKey::from_pkcs8(&der, &rng).unwrap();
            let pk = sk.verifying_key();
            assert_eq!(&VerifyingKey::from_jwk(&pk.to_jwk()).unwrap(), pk);
            let (back, kid) = VerifyingKey::from_cose_key(&pk.to_cose_key()).unwrap();
            assert_eq!(&back, pk);
            assert_eq!(kid.unwrap(), pk.thumbprint().to_vec());
            crate::cbor::check_strict(&pk.to_cose_key()).unwrap();
            let s = sk.sign(b"m", &rng).unwrap();
            pk.verify_signature(b"m", &s).unwrap();
            assert!(pk.verify_signature(b"n", &s).is_err());
        }
    }

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
