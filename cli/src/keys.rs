//! `consentry key new` and `consentry key public`.

use std::path::Path;
use std::process::ExitCode;

use consentry::aa::{AaAlg, AaSigningKey};
use consentry::{Algorithm, Code, SigningKey};

use crate::util::{self, CliError, EXIT_ERROR};

/// Bits of a generated RSA key (the AA network's size; the core refuses fewer).
const RSA_BITS: usize = 2048;

/// Generates a key and writes it as PKCS#8 PEM with mode 0600.
pub(crate) fn new(
    alg: Algorithm,
    out: &Path,
    force: bool,
    kid: Option<&str>,
) -> Result<ExitCode, CliError> {
    if kid.is_some() {
        return Err(CliError::usage(
            "`--kid` is for `--alg rs256`: other keys are named by their thumbprint",
        ));
    }
    let rng = ring::rand::SystemRandom::new();
    let der = SigningKey::generate_pkcs8(alg, &rng).map_err(|e| CliError::core(&e, EXIT_ERROR))?;
    let pem = pem_rfc7468::encode_string("PRIVATE KEY", pem_rfc7468::LineEnding::LF, &der)
        .map_err(|_| CliError::usage("cannot encode the key as pem"))?;
    util::write_private(out, pem.as_bytes(), force)?;
    let key = SigningKey::from_pkcs8(&der, &rng).map_err(|e| CliError::core(&e, EXIT_ERROR))?;
    crate::util::note(&format!(
        "wrote a new {} private key to {} (mode 0600); kid {}",
        alg.name(),
        out.display(),
        consentry::b64::encode(&key.verifying_key().thumbprint())
    ));
    Ok(ExitCode::SUCCESS)
}

/// ring's system randomness as the `rsa` crate's random source.
struct RingRng(ring::rand::SystemRandom);

/// The system random source failed.
#[derive(Debug)]
struct RngFailed;

impl core::fmt::Display for RngFailed {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("the system random source failed")
    }
}

impl core::error::Error for RngFailed {}

impl rsa::rand_core::TryRng for RingRng {
    type Error = RngFailed;

    fn try_next_u32(&mut self) -> Result<u32, RngFailed> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, RngFailed> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), RngFailed> {
        ring::rand::SecureRandom::fill(&self.0, dst).map_err(|_| RngFailed)
    }
}

impl rsa::rand_core::TryCryptoRng for RingRng {}

/// Generates a 2048-bit RSA key (public exponent 65537) from the operating system's
/// randomness and writes it as PKCS#8 PEM with mode 0600, through the same safe output path as
/// every key. The key is checked by loading it into the core's AA signer before it is written.
pub(crate) fn new_rsa(out: &Path, force: bool, kid: Option<&str>) -> Result<ExitCode, CliError> {
    use rsa::pkcs8::EncodePrivateKey as _;
    let failed = |what: &str| {
        CliError::core_code(
            Code::SigningFailed,
            format!("cannot generate an rsa key: {what}"),
            EXIT_ERROR,
        )
    };
    let key = rsa::PrivateKey::new(&mut RingRng(ring::rand::SystemRandom::new()), RSA_BITS)
        .map_err(|_| failed("generation failed"))?;
    let der = key.to_pkcs8_der().map_err(|_| failed("pkcs#8 encoding"))?;
    let der = zeroize::Zeroizing::new(der.as_bytes().to_vec());
    let signer = rsa_signer(&der, kid)?;
    let pem = zeroize::Zeroizing::new(
        pem_rfc7468::encode_string("PRIVATE KEY", pem_rfc7468::LineEnding::LF, &der)
            .map_err(|_| CliError::usage("cannot encode the key as pem"))?,
    );
    util::write_private(out, pem.as_bytes(), force)?;
    crate::util::note(&format!(
        "wrote a new RS256 ({RSA_BITS}-bit RSA) private key to {} (mode 0600); kid {}",
        out.display(),
        signer.kid()
    ));
    Ok(ExitCode::SUCCESS)
}

/// The core's AA signer for an RSA PKCS#8 key, its `kid` given or the RFC 7638 thumbprint.
fn rsa_signer(der: &[u8], kid: Option<&str>) -> Result<AaSigningKey, CliError> {
    let err = |e: consentry::aa::AaError| CliError::core(&e, EXIT_ERROR);
    let probe = AaSigningKey::from_pkcs8(der, AaAlg::Rs256, "-").map_err(err)?;
    let kid = match kid {
        Some(k) => k.to_owned(),
        None => thumbprint(&probe.public_jwk()),
    };
    AaSigningKey::from_pkcs8(der, AaAlg::Rs256, &kid).map_err(err)
}

/// The RFC 7638 thumbprint of an RSA JWK: SHA-256 of `{"e","kty","n"}`, base64url.
fn thumbprint(jwk: &serde_json::Value) -> String {
    let canonical = serde_json::json!({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}).to_string();
    let d = ring::digest::digest(&ring::digest::SHA256, canonical.as_bytes());
    consentry::b64::encode(d.as_ref())
}

/// Prints the public JWK (or a JWK Set) of a private key: an Ed25519 or P-256 key (`kid` =
/// its thumbprint), or an RSA key (`kid` = `--kid`, or its RFC 7638 thumbprint).
pub(crate) fn public(key: &Path, jwks: bool, kid: Option<&str>) -> Result<ExitCode, CliError> {
    let rng = ring::rand::SystemRandom::new();
    let jwk = match util::load_signing_key(key, &rng) {
        Ok(sk) if kid.is_none() => sk.verifying_key().to_jwk(),
        Ok(_) => {
            return Err(CliError::usage(
                "`--kid` is for rsa keys: other keys are named by their thumbprint",
            ))
        }
        Err(e) => {
            let pem = util::read_key_file(key)?;
            let Ok((label, der)) = pem_rfc7468::decode_vec(&pem) else {
                return Err(e);
            };
            let der = zeroize::Zeroizing::new(der);
            if label != "PRIVATE KEY" {
                return Err(e);
            }
            match rsa_signer(&der, kid) {
                Ok(signer) => signer.public_jwk(),
                // Not an RSA key either: the first loader's error names what is expected.
                Err(re) if re.code == Code::KeyPkcs8Invalid => return Err(e),
                Err(re) => return Err(re),
            }
        }
    };
    let out = if jwks {
        serde_json::json!({ "keys": [jwk] })
    } else {
        jwk
    };
    println!("{out:#}");
    Ok(ExitCode::SUCCESS)
}
