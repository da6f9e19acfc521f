//! `consentry`: keys, issuing, inspecting and verifying consent artefacts, and a demo.
//!
//! Every failure prints `{"code": ..., "message": ...}` on stderr. Exit codes: 0 success,
//! 1 a verdict against the input (artefact rejected), 2 anything else (usage, files, keys).
#![forbid(unsafe_code)]

mod artefact;
mod demo;
mod keys;
mod ledger;
mod util;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Provable consent and enforceable purpose limitation.
#[derive(Parser, Debug)]
#[command(name = "consentry", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create keys and print public keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Issue (sign) a consent artefact from the JSON view of its claims.
    Issue {
        /// PKCS#8 PEM private key (from `consentry key new`).
        #[arg(long)]
        key: PathBuf,
        /// Claims as JSON (the JSON view); `iat` defaults to now, `cti` to 16 random bytes.
        #[arg(long)]
        claims: PathBuf,
        /// Seconds since the epoch to use as now for a missing `iat` (default: the clock).
        #[arg(long)]
        now: Option<i64>,
    },
    /// Decode an artefact WITHOUT checking its signature (for display and debugging).
    Inspect {
        /// The artefact: base64url text, a file holding it, or `-` for stdin.
        artefact: String,
    },
    /// Verify artefacts against trusted issuer keys.
    Verify {
        /// Trusted issuer keys: an RFC 7517 JWK Set (a single JWK is accepted too).
        #[arg(long)]
        trust: PathBuf,
        /// The relying party: must be in the artefact's `aud`.
        #[arg(long)]
        aud: String,
        /// Seconds since the epoch to verify at (default: the clock).
        #[arg(long)]
        now: Option<i64>,
        /// Clock-skew leeway in seconds (at most 300).
        #[arg(long, default_value_t = consentry::DEFAULT_LEEWAY)]
        leeway: u64,
        /// Verify one base64url artefact per line of FILE (`-` for stdin) and print one JSON
        /// result per line, in input order, using every core.
        #[arg(long, value_name = "FILE", conflicts_with = "artefact")]
        batch: Option<String>,
        /// The artefact: base64url text, a file holding it, or `-` for stdin.
        #[arg(required_unless_present = "batch")]
        artefact: Option<String>,
    },
    /// A short end-to-end tour on built-in sample data.
    Demo,
    /// The consent ledger: append events, verify, export a principal's records, checkpoint.
    #[command(subcommand)]
    Ledger(ledger::LedgerCommand),
}

#[derive(Subcommand, Debug)]
enum KeyCommand {
    /// Generate a private key (PKCS#8 PEM, file mode 0600).
    New {
        /// Signature algorithm.
        #[arg(long, value_enum, default_value_t = Alg::Ed25519)]
        alg: Alg,
        /// Where to write the private key (refuses to overwrite unless --force).
        #[arg(long)]
        out: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Print the public key of a private key as a JWK (`kid` = base64url RFC 9679 thumbprint).
    Public {
        /// PKCS#8 PEM private key.
        #[arg(long)]
        key: PathBuf,
        /// Print a JWK Set (`{"keys": [...]}`) ready to use with `verify --trust`.
        #[arg(long)]
        jwks: bool,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Alg {
    /// EdDSA with Ed25519 (COSE -8).
    Ed25519,
    /// ECDSA P-256 with SHA-256 (COSE -7).
    Es256,
}

impl From<Alg> for consentry::Algorithm {
    fn from(a: Alg) -> Self {
        match a {
            Alg::Ed25519 => consentry::Algorithm::Ed25519,
            Alg::Es256 => consentry::Algorithm::Es256,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Key(KeyCommand::New { alg, out, force }) => keys::new(alg.into(), &out, force),
        Command::Key(KeyCommand::Public { key, jwks }) => keys::public(&key, jwks),
        Command::Issue { key, claims, now } => artefact::issue(&key, &claims, now),
        Command::Inspect { artefact } => artefact::inspect(&artefact),
        Command::Verify {
            trust,
            aud,
            now,
            leeway,
            batch,
            artefact,
        } => {
            let opts = artefact::VerifyOpts {
                trust,
                aud,
                now,
                leeway,
            };
            match (batch, artefact) {
                (Some(file), _) => artefact::verify_batch(&opts, &file),
                (None, Some(a)) => artefact::verify_one(&opts, &a),
                (None, None) => Err(util::CliError::usage("give an artefact or --batch FILE")),
            }
        }
        Command::Demo => demo::run(),
        Command::Ledger(cmd) => ledger::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            e.print();
            ExitCode::from(e.exit)
        }
    }
}
