//! `consentry`: keys; issuing, inspecting and verifying consent artefacts; purpose decisions and
//! filtering; status lists, withdrawal and the consent ledger; pseudonymisation of CSV and
//! JSON-lines files; identifier detection and redaction in text; and a demo.
//!
//! Every failure prints `{"code": ..., "message": ...}` on stderr. Exit codes: 0 success (or
//! permit), 1 a verdict against the input (artefact rejected, decision denied), 2 anything else
//! (usage, files, keys).
#![forbid(unsafe_code)]

mod aa;
mod artefact;
mod demo;
mod ids;
mod keys;
mod ledger;
mod pipeline;
mod pseudo;
mod purpose;
mod status;
mod util;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// The command line; its `--help` summary is the crate description in `cli/Cargo.toml`.
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
    /// Account Aggregator (ReBIT API 2.x) consents: verify, verify detached signatures, sign.
    #[command(subcommand)]
    Aa(aa::AaCommand),
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
        /// A status list (signed file) to check the artefact's status in; verified with --trust.
        /// Fails closed: succeeds only when the artefact's own issuer's fresh list shows it
        /// valid (a list signed by another key, published elsewhere, stale, expired or issued
        /// in the future, or a value above 2 exits 1).
        #[arg(long, value_name = "LIST")]
        status_list: Option<PathBuf>,
        /// With --status-list: accept an unknown status (another issuer's or URI's list, a
        /// stale list, a value above 2) and report it; revoked and suspended still exit 1.
        #[arg(long, requires = "status_list")]
        accept_unknown_status: bool,
        /// Verify one base64url artefact per line of FILE (`-` for stdin) and print one JSON
        /// result per line, in input order, using every core.
        #[arg(long, value_name = "FILE", conflicts_with = "artefact")]
        batch: Option<String>,
        /// With --batch: worker threads (default, or 0: every core). A reader thread and the
        /// writer run beside them. Memory: at most 2 x threads + 2 parts of 128 lines between
        /// reading and writing, plus the chunk being read (1024 lines or 16 MiB of text).
        #[arg(long)]
        threads: Option<usize>,
        /// The artefact: base64url text, a file holding it, or `-` for stdin.
        #[arg(required_unless_present = "batch")]
        artefact: Option<String>,
    },
    /// Decide whether a recipient may use fields for a purpose now, from a verified artefact.
    /// Prints the decision JSON; exit 0 permit, 1 deny, 2 error.
    Decide(purpose::DecideArgs),
    /// Apply a permit to JSON-lines records: from a decision file (`decide`'s JSON), or decided
    /// here from an artefact and a request (`--artefact` with the `decide` options). A decision
    /// file is NOT signed: anyone who can write it can widen it, so prefer `--artefact`; an
    /// expired permit (`eraseBy` passed) is refused either way.
    Filter(purpose::FilterArgs),
    /// Pseudonymise (or, with --reverse, restore) a CSV or JSON-lines file under a policy.
    /// Streaming, on every core, in row order; no output file unless the run succeeds.
    Pseudonymise(pseudo::PseudonymiseArgs),
    /// Find Indian identifiers in free text: JSON lines of byte offsets and types.
    Detect {
        /// A text file (default: stdin).
        #[arg(long = "in")]
        input: Option<PathBuf>,
    },
    /// Replace Indian identifiers in free text with `[type]` (or, with --mask, their display mask).
    Redact {
        /// A text file (default: stdin).
        #[arg(long = "in")]
        input: Option<PathBuf>,
        /// Show the display mask (e.g. `XXXX XXXX 1234`) instead of the type.
        #[arg(long)]
        mask: bool,
    },
    /// Withdraw (or suspend, or resume) consent in one step: record the event in the ledger, set
    /// the artefact's bit in the status list, re-sign the list.
    Withdraw {
        /// The artefact: base64url text, a file holding it, or `-` for stdin.
        artefact: String,
        /// The issuer's signed status list file.
        #[arg(long)]
        list: PathBuf,
        /// The list issuer's PKCS#8 PEM private key.
        #[arg(long)]
        key: PathBuf,
        /// The consent ledger file.
        #[arg(long)]
        ledger: PathBuf,
        /// Keys that signed the artefact (default: the list key).
        #[arg(long)]
        trust: Option<PathBuf>,
        /// What to record.
        #[arg(long, value_enum, default_value_t = status::Action::Withdraw)]
        action: status::Action,
        /// Seconds since the epoch (default: the clock).
        #[arg(long)]
        now: Option<i64>,
    },
    /// Token Status Lists: revoke, suspend and resume artefacts at scale.
    #[command(subcommand)]
    Status(StatusCommand),
    /// A short end-to-end tour on built-in sample data.
    Demo,
    /// The consent ledger: append events, verify, export a principal's records, checkpoint.
    #[command(subcommand)]
    Ledger(ledger::LedgerCommand),
}

#[derive(Subcommand, Debug)]
enum StatusCommand {
    /// Create a signed status list with every entry VALID.
    New {
        /// PKCS#8 PEM private key of the list's issuer.
        #[arg(long)]
        key: PathBuf,
        /// Number of entries.
        #[arg(long)]
        size: u64,
        /// Bits per entry: 1 (valid/revoked) or 2 (also suspended).
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=8))]
        bits: u8,
        /// Where the list is published (artefacts name it in `status.status_list.uri`).
        #[arg(long)]
        uri: String,
        /// Where to write the signed list.
        #[arg(long)]
        out: PathBuf,
        /// Seconds after issue within which relying parties should refresh the list.
        #[arg(long)]
        ttl: Option<u64>,
        /// Expiry of the list (seconds since the epoch).
        #[arg(long)]
        exp: Option<i64>,
        /// Seconds since the epoch to use as now (default: the clock).
        #[arg(long)]
        now: Option<i64>,
    },
    /// Set one entry (valid, invalid = revoked, suspended) and re-sign the list in place.
    Set {
        /// The signed list file.
        #[arg(long)]
        list: PathBuf,
        /// The issuer's PKCS#8 PEM private key.
        #[arg(long)]
        key: PathBuf,
        /// Index of the entry.
        #[arg(long)]
        idx: u64,
        /// New status: valid, invalid (or revoked), suspended.
        #[arg(long)]
        value: String,
        /// Allow an entry that is invalid (revoked: consent withdrawn) to change; without it,
        /// invalid is final and the change is refused with `status_transition_refused`.
        #[arg(long)]
        force_unrevoke: bool,
        /// Seconds since the epoch to use as now (default: the clock).
        #[arg(long)]
        now: Option<i64>,
    },
    /// Print one entry (verified when --trust is given).
    Get {
        /// The signed list file.
        #[arg(long)]
        list: PathBuf,
        /// Index of the entry.
        #[arg(long)]
        idx: u64,
        /// Trusted issuer keys (JWK Set): verify the list first.
        #[arg(long)]
        trust: Option<PathBuf>,
        /// Seconds since the epoch to use as now (default: the clock).
        #[arg(long)]
        now: Option<i64>,
    },
    /// Verify a list and print its summary.
    Verify {
        /// Trusted issuer keys (JWK Set).
        #[arg(long)]
        trust: PathBuf,
        /// The signed list file.
        list: PathBuf,
        /// Seconds since the epoch to use as now (default: the clock).
        #[arg(long)]
        now: Option<i64>,
    },
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
        /// With `--alg rs256`: the `kid` the key will be published under (default: its RFC 7638
        /// thumbprint); give the same to `key public --kid` and `aa sign --kid`.
        #[arg(long)]
        kid: Option<String>,
    },
    /// Generate a 32-byte pseudonymisation master key (hex, file mode 0600).
    Master {
        /// Where to write the key (refuses to overwrite unless --force).
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
        /// For an RSA key: the `kid` of the JWK (default: its RFC 7638 thumbprint).
        #[arg(long)]
        kid: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Alg {
    /// EdDSA with Ed25519 (COSE -8).
    Ed25519,
    /// ECDSA P-256 with SHA-256 (COSE -7).
    Es256,
    /// RSASSA-PKCS1-v1_5 with SHA-256, 2048 bits: Account Aggregator signing (`aa sign`).
    Rs256,
}

/// A command-line error from clap as the CLI's JSON error (`cli_usage`, exit 2); `--help` and
/// `--version` print their text on stdout and exit 0. The message names arguments, never the
/// values given (a value may be personal data or a secret).
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let context = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join("`, `")),
        _ => None,
    };
    let arg = context(ContextKind::InvalidArg).unwrap_or_default();
    let message = match e.kind() {
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let valid = context(ContextKind::ValidValue)
                .map(|v| format!(" (expected one of `{v}`)"))
                .unwrap_or_default();
            format!("invalid value for `{arg}`{valid}")
        }
        // The option's name only: `--opt=value` and `-xvalue` lose their value.
        ErrorKind::UnknownArgument if arg.starts_with("--") => format!(
            "unexpected argument `{}`",
            arg.split('=').next().unwrap_or_default()
        ),
        ErrorKind::UnknownArgument if arg.starts_with('-') => {
            format!("unexpected argument `{}`", arg.get(..2).unwrap_or_default())
        }
        ErrorKind::UnknownArgument => {
            "unexpected argument (a value with no option before it)".into()
        }
        ErrorKind::InvalidSubcommand => {
            let hint = context(ContextKind::SuggestedSubcommand)
                .map(|v| format!(" (did you mean `{v}`?)"))
                .unwrap_or_default();
            format!("unknown subcommand{hint}")
        }
        ErrorKind::MissingRequiredArgument => format!("missing required argument(s) `{arg}`"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "a subcommand is required".into()
        }
        ErrorKind::ArgumentConflict => match context(ContextKind::PriorArg) {
            Some(prior) => format!("`{arg}` cannot be used with `{prior}`"),
            None => format!("`{arg}` cannot be used with an argument given"),
        },
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("wrong number of values for `{arg}`")
        }
        ErrorKind::NoEquals => format!("`{arg}` needs `=` before its value"),
        ErrorKind::InvalidUtf8 => "an argument is not utf-8".into(),
        _ => "invalid command line".into(),
    };
    let err = util::CliError::usage(&format!("{message}; see `consentry --help`"));
    err.print();
    ExitCode::from(err.exit)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let result = match cli.command {
        Command::Key(KeyCommand::New {
            alg,
            out,
            force,
            kid,
        }) => match alg {
            Alg::Ed25519 => keys::new(consentry::Algorithm::Ed25519, &out, force, kid.as_deref()),
            Alg::Es256 => keys::new(consentry::Algorithm::Es256, &out, force, kid.as_deref()),
            Alg::Rs256 => keys::new_rsa(&out, force, kid.as_deref()),
        },
        Command::Key(KeyCommand::Public { key, jwks, kid }) => {
            keys::public(&key, jwks, kid.as_deref())
        }
        Command::Key(KeyCommand::Master { out, force }) => pseudo::key_master(&out, force),
        Command::Pseudonymise(args) => pseudo::pseudonymise(&args),
        Command::Detect { input } => ids::detect(input.as_deref()),
        Command::Redact { input, mask } => ids::redact(input.as_deref(), mask),
        Command::Issue { key, claims, now } => artefact::issue(&key, &claims, now),
        Command::Inspect { artefact } => artefact::inspect(&artefact),
        Command::Verify {
            trust,
            aud,
            now,
            leeway,
            status_list,
            accept_unknown_status,
            batch,
            threads,
            artefact,
        } => {
            let opts = artefact::VerifyOpts {
                trust,
                aud,
                now,
                leeway,
                status_list,
                accept_unknown_status,
            };
            match (batch, artefact) {
                (Some(file), _) => artefact::verify_batch(&opts, &file, threads),
                (None, Some(_)) if threads.is_some() => {
                    Err(util::CliError::usage("--threads applies to --batch only"))
                }
                (None, Some(a)) => artefact::verify_one(&opts, &a),
                (None, None) => Err(util::CliError::usage("give an artefact or --batch FILE")),
            }
        }
        Command::Status(StatusCommand::New {
            key,
            size,
            bits,
            uri,
            out,
            ttl,
            exp,
            now,
        }) => status::new(&key, size, bits, &uri, &out, ttl, exp, now),
        Command::Status(StatusCommand::Set {
            list,
            key,
            idx,
            value,
            force_unrevoke,
            now,
        }) => status::set(&list, &key, idx, &value, force_unrevoke, now),
        Command::Status(StatusCommand::Get {
            list,
            idx,
            trust,
            now,
        }) => status::get(&list, idx, trust.as_deref(), now),
        Command::Status(StatusCommand::Verify { trust, list, now }) => {
            status::verify(&list, &trust, now)
        }
        Command::Decide(args) => purpose::decide(&args),
        Command::Filter(args) => purpose::filter(&args),
        Command::Withdraw {
            artefact,
            list,
            key,
            ledger,
            trust,
            action,
            now,
        } => status::withdraw(
            &artefact,
            &list,
            &key,
            &ledger,
            trust.as_deref(),
            action,
            now,
        ),
        Command::Aa(cmd) => aa::run(cmd),
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
