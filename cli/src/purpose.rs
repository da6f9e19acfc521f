//! `consentry decide` and `consentry filter`: purpose limitation at the point of use.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use consentry::{Decision, HasCode, Mode, Request};

use crate::util::{self, CliError, EXIT_ERROR, EXIT_REJECTED};

/// Arguments of `decide`.
#[derive(clap::Args, Debug)]
pub(crate) struct DecideArgs {
    /// Trusted issuer keys: a JWK Set (also checks the status list).
    #[arg(long)]
    pub(crate) trust: PathBuf,
    /// The recipient (must be in the artefact's `aud`).
    #[arg(long)]
    pub(crate) aud: String,
    /// The purpose code of the use, e.g. `abdm:CAREMGT`.
    #[arg(long)]
    pub(crate) purpose: String,
    /// The operation: view, store, query or stream.
    #[arg(long)]
    pub(crate) op: String,
    /// Comma-separated field selectors, e.g. `/name,/address/pincode`.
    #[arg(long)]
    pub(crate) fields: String,
    /// A taxonomy JSON file added to the shipped packs (repeatable).
    #[arg(long)]
    pub(crate) taxonomy: Vec<PathBuf>,
    /// Let the `--taxonomy` files flag legitimate uses (a basis that skips consent and the
    /// parental-consent check); refused without this flag.
    #[arg(long)]
    pub(crate) taxonomy_allow_legitimate_uses: bool,
    /// A signed status list to check the artefact's status in.
    #[arg(long)]
    pub(crate) status_list: Option<PathBuf>,
    /// Seconds since the epoch (default: the clock).
    #[arg(long)]
    pub(crate) now: Option<i64>,
    /// Uses already made in the grant's frequency window.
    #[arg(long)]
    pub(crate) uses: Option<u64>,
    /// Clock-skew leeway in seconds (at most 300).
    #[arg(long, default_value_t = consentry::DEFAULT_LEEWAY)]
    pub(crate) leeway: u64,
    /// Permit even when the artefact's status could not be checked.
    #[arg(long)]
    pub(crate) accept_unknown_status: bool,
    /// For an Account Aggregator consent: its status as the AA reported it (`ACTIVE`,
    /// `PAUSED`, `REVOKED`, ...). Without it the status is unknown: denied unless
    /// --accept-unknown-status.
    #[arg(long, value_name = "STATUS")]
    pub(crate) aa_status: Option<String>,
    /// For an Account Aggregator consent: the entity id its signing key must be bound to.
    #[arg(long, value_name = "ENTITY")]
    pub(crate) aa_issuer: Option<String>,
    /// The artefact: base64url text, a file holding it, or `-` for stdin. An Account
    /// Aggregator consent (a compact JWS, `header.payload.signature`) is detected by its form
    /// and decided on with the AA keys of --trust.
    pub(crate) artefact: String,
}

fn interop_err(e: consentry::interop::ErrorBody, exit: u8) -> CliError {
    CliError::core_code(e.code(), e.message, exit)
}

/// Decides the request `a` describes at `now`.
fn decision(a: &DecideArgs, now: i64) -> Result<Decision, CliError> {
    let op = Mode::from_name(&a.op)
        .ok_or_else(|| CliError::usage("--op must be view, store, query or stream"))?;
    let fields: Vec<&str> = a
        .fields
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    let mut request = Request::new(&a.aud, &a.purpose, op, fields, now)
        .map_err(|e| CliError::usage(&format!("--fields: {e}")))?
        .with_leeway(a.leeway)
        .accept_unknown_status(a.accept_unknown_status);
    if let Some(u) = a.uses {
        request = request.with_uses(u);
    }
    let extra = a
        .taxonomy
        .iter()
        .map(|p| Ok((p.display().to_string(), util::read_text(p)?)))
        .collect::<Result<Vec<_>, CliError>>()?;
    let taxonomy =
        consentry::interop::taxonomy_with_options(&extra, a.taxonomy_allow_legitimate_uses)
            .map_err(|e| interop_err(e, EXIT_ERROR))?;
    let trust = util::load_mixed_trust(&a.trust)?;
    let raw = util::read_artefact_raw(&a.artefact)?;
    if let Some(jws) = util::as_aa_jws(&raw) {
        if a.status_list.is_some() {
            return Err(CliError::usage(
                "--status-list does not apply to an account aggregator consent: give its aa status with --aa-status",
            ));
        }
        return consentry::interop::aa_decide_with(
            &trust.aa,
            &taxonomy,
            jws,
            a.aa_issuer.as_deref(),
            &request,
            a.aa_status.as_deref(),
        )
        .map_err(|e| {
            let usage = matches!(
                e.code(),
                consentry::Code::RequestTooLarge | consentry::Code::RequestInvalid
            );
            interop_err(e, if usage { EXIT_ERROR } else { EXIT_REJECTED })
        });
    }
    if a.aa_status.is_some() || a.aa_issuer.is_some() {
        return Err(CliError::usage(
            "--aa-status and --aa-issuer apply to an account aggregator consent only",
        ));
    }
    let verifier = consentry::Verifier::new(trust.ours);
    let artefact = util::decode_artefact_text(&raw)?;
    let list = a
        .status_list
        .as_deref()
        .map(util::read_status_list)
        .transpose()?;
    consentry::interop::decide_with(&verifier, &taxonomy, &artefact, &request, list.as_deref())
        .map_err(|e| {
            // An artefact or status list that fails verification is refused input (exit 1, as
            // `verify` gives); a request outside its caps is a usage error (exit 2).
            let usage = matches!(
                e.code(),
                consentry::Code::RequestTooLarge | consentry::Code::RequestInvalid
            );
            interop_err(e, if usage { EXIT_ERROR } else { EXIT_REJECTED })
        })
}

/// Prints the decision JSON; exit 0 permit, 1 deny, 2 error.
pub(crate) fn decide(a: &DecideArgs) -> Result<ExitCode, CliError> {
    let d = decision(a, util::now_or(a.now)?)?;
    println!("{}", d.to_json());
    Ok(if d.is_allowed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_REJECTED)
    })
}

/// Arguments of `filter`.
#[derive(clap::Args, Debug)]
pub(crate) struct FilterArgs {
    /// A decision JSON file (what `decide` printed). It is NOT signed: anyone who can write the
    /// file can widen the permit, so apply only permits you produced; prefer --artefact.
    #[arg(
        long,
        required_unless_present = "artefact",
        conflicts_with = "artefact"
    )]
    pub(crate) decision: Option<PathBuf>,
    /// Decide here instead of reading a decision file: the artefact (base64url text, a file
    /// holding it, or `-` for stdin), with --trust, --aud, --purpose, --op and --fields as for
    /// `decide`. Records are filtered only on a permit.
    #[arg(long, requires_all = ["trust", "aud", "purpose", "op", "fields"])]
    pub(crate) artefact: Option<String>,
    /// With --artefact: trusted issuer keys (JWK Set).
    #[arg(long)]
    pub(crate) trust: Option<PathBuf>,
    /// With --artefact: the recipient (must be in the artefact's `aud`).
    #[arg(long)]
    pub(crate) aud: Option<String>,
    /// With --artefact: the purpose code of the use.
    #[arg(long)]
    pub(crate) purpose: Option<String>,
    /// With --artefact: the operation (view, store, query or stream).
    #[arg(long)]
    pub(crate) op: Option<String>,
    /// With --artefact: comma-separated field selectors.
    #[arg(long)]
    pub(crate) fields: Option<String>,
    /// With --artefact: a taxonomy JSON file added to the shipped packs (repeatable).
    #[arg(long, requires = "artefact")]
    pub(crate) taxonomy: Vec<PathBuf>,
    /// With --artefact: let the `--taxonomy` files flag legitimate uses.
    #[arg(long)]
    pub(crate) taxonomy_allow_legitimate_uses: bool,
    /// With --artefact: a signed status list to check the artefact's status in.
    #[arg(long, requires = "artefact")]
    pub(crate) status_list: Option<PathBuf>,
    /// With --artefact: uses already made in the grant's frequency window.
    #[arg(long, requires = "artefact")]
    pub(crate) uses: Option<u64>,
    /// With --artefact: clock-skew leeway in seconds (at most 300).
    #[arg(long, default_value_t = consentry::DEFAULT_LEEWAY)]
    pub(crate) leeway: u64,
    /// With --artefact: permit even when the artefact's status could not be checked.
    #[arg(long, requires = "artefact")]
    pub(crate) accept_unknown_status: bool,
    /// Seconds since the epoch (default: the clock): a permit whose `eraseBy` is not after
    /// now is refused.
    #[arg(long)]
    pub(crate) now: Option<i64>,
    /// Records, one JSON object per line.
    #[arg(long = "in")]
    pub(crate) input: PathBuf,
    /// Where to write the filtered records (written only if every record passes).
    #[arg(long)]
    pub(crate) out: PathBuf,
    /// A pseudonymisation policy whose rules apply the permit's required transforms.
    #[arg(long, requires = "key")]
    pub(crate) policy: Option<PathBuf>,
    /// The master key file (with --policy).
    #[arg(long, requires = "policy")]
    pub(crate) key: Option<PathBuf>,
}

fn denied(what: &str) -> CliError {
    CliError {
        code: consentry::Code::DecisionDenied,
        message: format!("{what} is a denial: nothing may leave"),
        exit: EXIT_REJECTED,
    }
}

/// `filter`: the permit from the decision file, or decided from the artefact, then applied.
pub(crate) fn filter(a: &FilterArgs) -> Result<ExitCode, CliError> {
    let now = util::now_or(a.now)?;
    let d = match (&a.decision, &a.artefact) {
        (Some(decision), None) => {
            let d: Decision =
                consentry::json::from_str(&util::read_text(decision)?).map_err(|e| CliError {
                    code: consentry::Code::RequestInvalid,
                    message: format!("`{}` is not a decision: {e}", decision.display()),
                    exit: EXIT_ERROR,
                })?;
            if !d.is_allowed() {
                return Err(denied(&format!("`{}`", decision.display())));
            }
            d
        }
        (None, Some(artefact)) => {
            let missing =
                || CliError::usage("--artefact needs --trust, --aud, --purpose, --op and --fields");
            let args = DecideArgs {
                trust: a.trust.clone().ok_or_else(missing)?,
                aud: a.aud.clone().ok_or_else(missing)?,
                purpose: a.purpose.clone().ok_or_else(missing)?,
                op: a.op.clone().ok_or_else(missing)?,
                fields: a.fields.clone().ok_or_else(missing)?,
                taxonomy: a.taxonomy.clone(),
                taxonomy_allow_legitimate_uses: a.taxonomy_allow_legitimate_uses,
                status_list: a.status_list.clone(),
                now: Some(now),
                uses: a.uses,
                leeway: a.leeway,
                accept_unknown_status: a.accept_unknown_status,
                aa_status: None,
                aa_issuer: None,
                artefact: artefact.clone(),
            };
            let d = decision(&args, now)?;
            if !d.is_allowed() {
                println!("{}", d.to_json());
                return Err(denied("the decision"));
            }
            d
        }
        _ => return Err(CliError::usage("give --decision FILE or --artefact")),
    };
    let policy = a.policy.as_deref().zip(a.key.as_deref());
    apply(&d, now, &a.input, &a.out, policy)
}

/// Applies a permit to JSON-lines records: only granted fields leave, each through its
/// required transform. Output is all or nothing: a record that cannot be filtered fails the
/// run (named by line), and no output file is left behind. An expired permit is refused.
fn apply(
    d: &Decision,
    now: i64,
    input: &Path,
    output: &Path,
    policy: Option<(&Path, &Path)>,
) -> Result<ExitCode, CliError> {
    let Some(permit) = d.permit() else {
        return Err(denied("the decision"));
    };
    permit
        .check_current(now)
        .map_err(|e| CliError::core(&e, EXIT_REJECTED))?;
    let hook: Box<dyn consentry::scope::TransformHook> = match policy {
        Some((policy, key)) => {
            let p = crate::pseudo::load_policy(policy)?;
            let k = crate::pseudo::load_master(key)?;
            Box::new(
                consentry::Pseudonymiser::new(&p, &k)
                    .map_err(|e| CliError::core(&e, EXIT_ERROR))?,
            )
        }
        None => Box::new(consentry::scope::NoTransforms),
    };
    let file = std::fs::File::open(input).map_err(|e| CliError::io("open", input, &e))?;
    let mut out = Vec::new();
    let (mut n, mut kept) = (0u64, 0u64);
    let mut lines = std::io::BufReader::new(file);
    while let Some(line) = util::read_line_capped(&mut lines, crate::pseudo::MAX_RECORD_LINE)
        .map_err(|e| CliError::io("read", input, &e))?
    {
        n += 1;
        let line = match line {
            util::Line::Text(l) => l,
            util::Line::TooLong => {
                return Err(CliError {
                    code: consentry::Code::InputTooLarge,
                    message: format!(
                        "line {n}: the record is longer than {} bytes",
                        crate::pseudo::MAX_RECORD_LINE
                    ),
                    exit: EXIT_ERROR,
                })
            }
            util::Line::NotUtf8 => {
                return Err(CliError::io(
                    "read",
                    input,
                    &std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "stream did not contain valid UTF-8",
                    ),
                ))
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let record: serde_json::Value = serde_json::from_str(&line).map_err(|e| CliError {
            code: consentry::Code::RecordJson,
            message: format!("line {n}: not a json record (column {})", e.column()),
            exit: EXIT_ERROR,
        })?;
        let filtered = permit.filter(&record, hook.as_ref()).map_err(|e| {
            let mut err = CliError::core(&e, EXIT_ERROR);
            err.message = format!("line {n}: {}", err.message);
            err
        })?;
        writeln!(out, "{filtered}").map_err(|e| CliError::io("write", output, &e))?;
        kept += 1;
    }
    // Filtered records are personal data: 0600, replaced atomically.
    util::write_private(output, &out, true)?;
    crate::util::note(&format!(
        "filtered {kept} record(s) to {} field selector(s): {}",
        permit.fields.len(),
        output.display()
    ));
    Ok(ExitCode::SUCCESS)
}
