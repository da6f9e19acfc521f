//! `consentry aa verify`, `aa verify-detached` and `aa sign`: Account Aggregator consents
//! (ReBIT API 2.x). The logic is the core's (`consentry::aa`, `consentry::interop`); this file
//! reads files and prints.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use consentry::aa::{self, AaAlg, AaSigningKey, AaTrust, B64Mode};
use consentry::interop::{self, ErrorBody};
use consentry::{Code, HasCode};

use crate::util::{self, CliError, EXIT_ERROR, EXIT_REJECTED};

/// `consentry aa ...`.
#[derive(Subcommand, Debug)]
pub(crate) enum AaCommand {
    /// Verify an AA signed consent (compact JWS, RS256) and print its detail and imported view.
    /// Exit 0 verified, 1 refused (`{"code","message"}` on stderr), 2 usage or files.
    Verify {
        /// AA keys: a JWK Set (our own keys in it are set aside), an RSA JWK, or Central
        /// Registry entity records `[{"id", "certificate": JWK}]`.
        #[arg(long)]
        trust: PathBuf,
        /// The entity id the signing key must be bound to (a consent from another AA is refused).
        #[arg(long)]
        issuer: Option<String>,
        /// Seconds since the epoch at which the consent must be inside its window (default:
        /// the clock).
        #[arg(long)]
        now: Option<i64>,
        /// The JWS: its text, a file holding it, or `-` for stdin.
        jws: String,
    },
    /// Verify a detached `x-jws-signature` (`HDR..SIG`) over a body file, in every `b64` variant.
    VerifyDetached {
        /// AA keys (as for `aa verify`).
        #[arg(long)]
        trust: PathBuf,
        /// The entity id the signing key must be bound to.
        #[arg(long)]
        issuer: Option<String>,
        /// The header value `HDR..SIG`.
        #[arg(long)]
        signature: String,
        /// The body exactly as sent.
        #[arg(long)]
        body: PathBuf,
    },
    /// Sign a file's bytes exactly as read, as AA implementations do (a test-traffic signer).
    Sign {
        /// PKCS#8 PEM RSA private key (2048 to 4096 bits).
        #[arg(long)]
        key: PathBuf,
        /// The `kid` to put in the header.
        #[arg(long)]
        kid: String,
        /// The payload (compact) or body (detached) file.
        #[arg(long)]
        payload: PathBuf,
        /// Print a detached `HDR..SIG` instead of a compact JWS.
        #[arg(long)]
        detached: bool,
        /// The header's `b64`: false (the AA form, with `crit`), true (with `crit`) or omit.
        #[arg(long, value_enum, default_value_t = B64Arg::False)]
        b64: B64Arg,
    },
}

/// `--b64`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum B64Arg {
    /// `"b64": false`, `"crit": ["b64"]`.
    False,
    /// `"b64": true`, `"crit": ["b64"]`.
    True,
    /// No `b64` member.
    Omit,
}

/// Runs an `aa` command.
pub(crate) fn run(cmd: AaCommand) -> Result<ExitCode, CliError> {
    match cmd {
        AaCommand::Verify {
            trust,
            issuer,
            now,
            jws,
        } => {
            let trust = load(&trust)?;
            let jws = read_jws(&jws)?;
            let now = util::now_or(now)?;
            let out = interop::aa_verify_with(&trust, &jws, issuer.as_deref(), Some(now))
                .map_err(refused)?;
            print(&serde_json::to_value(&out).unwrap_or_default())
        }
        AaCommand::VerifyDetached {
            trust,
            issuer,
            signature,
            body,
        } => {
            let trust = load(&trust)?;
            let body = util::read_file_capped(&body, aa::MAX_DETACHED_BODY)?;
            let out =
                interop::aa_verify_detached_with(&trust, &signature, &body, issuer.as_deref())
                    .map_err(refused)?;
            print(&serde_json::to_value(&out).unwrap_or_default())
        }
        AaCommand::Sign {
            key,
            kid,
            payload,
            detached,
            b64,
        } => sign(&key, &kid, &payload, detached, b64),
    }
}

/// A refused JWS: its code, exit 1.
fn refused(e: ErrorBody) -> CliError {
    CliError::core_code(e.code(), e.message, EXIT_REJECTED)
}

fn print(value: &serde_json::Value) -> Result<ExitCode, CliError> {
    let text = interop::to_json_text(value)
        .map_err(|e| CliError::core_code(e.code(), e.message, EXIT_ERROR))?;
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}

/// The AA keys of a trust file (`consentry::aa::split_trust`: our own keys are set aside).
pub(crate) fn load(path: &Path) -> Result<AaTrust, CliError> {
    util::load_mixed_trust(path).map(|t| t.aa)
}

/// The JWS argument: `-` (stdin), a file, or the text itself; at most [`aa::MAX_JWS_LEN`]
/// bytes plus 1 KiB of surrounding white space are read.
fn read_jws(arg: &str) -> Result<String, CliError> {
    const CAP: usize = aa::MAX_JWS_LEN + 1024;
    let too_large = || {
        CliError::core_code(
            Code::InputTooLarge,
            format!("the jws is longer than {CAP} bytes"),
            EXIT_REJECTED,
        )
    };
    let raw = if arg == "-" {
        util::read_capped(std::io::stdin().lock(), CAP, Path::new("<stdin>"))?
            .ok_or_else(too_large)?
    } else if Path::new(arg).is_file() {
        let path = Path::new(arg);
        let f = std::fs::File::open(path).map_err(|e| CliError::io("open", path, &e))?;
        util::read_capped(f, CAP, path)?.ok_or_else(too_large)?
    } else {
        arg.as_bytes().to_vec()
    };
    String::from_utf8(raw).map_err(|_| {
        CliError::core_code(
            Code::InvalidUtf8,
            "the jws is not utf-8 text".into(),
            EXIT_REJECTED,
        )
    })
}

/// `aa sign`: the compact JWS or `HDR..SIG` on stdout.
fn sign(
    key: &Path,
    kid: &str,
    payload: &Path,
    detached: bool,
    b64: B64Arg,
) -> Result<ExitCode, CliError> {
    let pem = util::read_key_file(key)?;
    let bad = || {
        CliError::core_code(
            Code::KeyPkcs8Invalid,
            format!(
                "`{}` is not a pkcs#8 pem private key (`-----BEGIN PRIVATE KEY-----`)",
                key.display()
            ),
            EXIT_ERROR,
        )
    };
    let (label, der) = pem_rfc7468::decode_vec(&pem).map_err(|_| bad())?;
    let der = zeroize::Zeroizing::new(der);
    if label != "PRIVATE KEY" {
        return Err(bad());
    }
    let signer = AaSigningKey::from_pkcs8(&der, AaAlg::Rs256, kid)
        .map_err(|e| CliError::core(&e, EXIT_ERROR))?;
    let cap = if detached {
        aa::MAX_DETACHED_BODY
    } else {
        aa::MAX_JWS_LEN
    };
    let bytes = util::read_file_capped(payload, cap)?;
    let mode = match b64 {
        B64Arg::False => B64Mode::False,
        B64Arg::True => B64Mode::True,
        B64Arg::Omit => B64Mode::Absent,
    };
    let rng = ring::rand::SystemRandom::new();
    let out = if detached {
        aa::sign_detached(&bytes, &signer, mode, &rng)
    } else {
        aa::sign_compact(&bytes, &signer, mode, &rng)
    }
    .map_err(|e| CliError::core(&e, EXIT_ERROR))?;
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}
