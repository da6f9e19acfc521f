//! Public keys: Ed25519 and P-256 verifying keys, their checks on construction, JWK and
//! COSE_Key forms, and RFC 9679 thumbprints.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use ring::signature as sig;

use super::{jwk_err, sha256, Algorithm};
use crate::cbor::{Encoder, MapEncoder, Reader};
use crate::KeyError;

/// The required COSE_Key parameters of a public key: `kty` (1), `crv` (-1), `x` (-2) and, for
/// P-256, `y` (-3).
fn cose_key_params(m: &mut MapEncoder, alg: Algorithm, x: &[u8], y: &[u8]) {
    let (kty, crv) = match alg {
        Algorithm::Ed25519 => (1, 6), // OKP, Ed25519
        Algorithm::Es256 => (2, 1),   // EC2, P-256
    };
    m.int(1, |e| e.int(kty))
        .int(-1, |e| e.int(crv))
        .int(-2, |e| e.bytes(x));
    if alg == Algorithm::Es256 {
        m.int(-3, |e| e.bytes(y));
    }
}

/// What an RFC 9679 thumbprint hashes: the COSE_Key with its required parameters only.
fn thumbprint_input(alg: Algorithm, x: &[u8], y: &[u8]) -> Vec<u8> {
    let mut e = Encoder::with_capacity(80);
    e.map(|m| cose_key_params(m, alg, x, y));
    e.finish_fixed()
}

/// A public key that can verify signatures, with its RFC 9679 thumbprint.
///
/// Ed25519 keys are checked on construction: small-order points and non-canonical encodings
/// are refused, because `ring` accepts signatures under them.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyingKey {
    pub(super) alg: Algorithm,
    /// Ed25519: 32 bytes; P-256: 65-byte uncompressed SEC1 point.
    bytes: Vec<u8>,
    /// The coordinates the key is made of: Ed25519's 32 bytes, or P-256's `x`; and P-256's `y`
    /// (none for Ed25519). Kept as built, so the JWK and COSE_Key forms need no re-slicing.
    x: [u8; 32],
    y: Option<[u8; 32]>,
    pub(super) thumbprint: [u8; 32],
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
        Ok(VerifyingKey {
            alg: Algorithm::Ed25519,
            bytes: a.to_vec(),
            x: a,
            y: None,
            thumbprint: sha256(&thumbprint_input(Algorithm::Ed25519, &a, &[])),
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
        let (Ok(xa), Ok(ya)) = (<[u8; 32]>::try_from(x), <[u8; 32]>::try_from(y)) else {
            return Err(KeyError::Invalid {
                reason: "p-256 coordinates must be 32 bytes each",
            });
        };
        if !crate::curve::p256_on_curve(x, y) {
            return Err(KeyError::NotOnCurve);
        }
        let mut bytes = Vec::with_capacity(65);
        bytes.push(0x04);
        bytes.extend_from_slice(x);
        bytes.extend_from_slice(y);
        Ok(VerifyingKey {
            alg: Algorithm::Es256,
            bytes,
            x: xa,
            y: Some(ya),
            thumbprint: sha256(&thumbprint_input(Algorithm::Es256, x, y)),
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

    /// The public key's coordinates: Ed25519's 32 bytes (and no `y`), or P-256's `x` and `y`.
    fn coordinates(&self) -> (&[u8], &[u8]) {
        (&self.x, self.y.as_ref().map_or(&[][..], |y| &y[..]))
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

    /// The key as a COSE_Key (RFC 9052 §7), deterministic CBOR, with `kid` (2) = thumbprint:
    /// `{1: 1, 2: kid, 3: -8, -1: 6, -2: x}` (Ed25519) or
    /// `{1: 2, 2: kid, 3: -7, -1: 1, -2: x, -3: y}` (P-256).
    pub fn to_cose_key(&self) -> Vec<u8> {
        let (x, y) = self.coordinates();
        let mut e = Encoder::with_capacity(120);
        e.map(|m| {
            cose_key_params(m, self.alg, x, y);
            m.int(2, |e| e.bytes(&self.thumbprint))
                .int(3, |e| e.int(self.alg.cose_id()));
        });
        e.finish_fixed()
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

/// A signature did not verify. Deliberately carries no detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignatureError;

impl core::fmt::Display for SignatureError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("signature does not verify")
    }
}

impl std::error::Error for SignatureError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SigningKey;

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
}
