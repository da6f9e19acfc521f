//! `consentry key new` and `consentry key public`.

use std::path::Path;
use std::process::ExitCode;

use consentry::{Algorithm, SigningKey};

use crate::util::{self, CliError, EXIT_ERROR};

/// Generates a key and writes it as PKCS#8 PEM with mode 0600.
pub(crate) fn new(alg: Algorithm, out: &Path, force: bool) -> Result<ExitCode, CliError> {
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

/// Prints the public JWK (or a JWK Set) of a private key.
pub(crate) fn public(key: &Path, jwks: bool) -> Result<ExitCode, CliError> {
    let rng = ring::rand::SystemRandom::new();
    let sk = util::load_signing_key(key, &rng)?;
    let jwk = sk.verifying_key().to_jwk();
    let out = if jwks {
        serde_json::json!({ "keys": [jwk] })
    } else {
        jwk
    };
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    Ok(ExitCode::SUCCESS)
}
