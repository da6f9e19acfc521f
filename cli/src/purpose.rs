//! `consentry decide` and `consentry filter`: purpose limitation at the point of use.

use std::io::{BufRead as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use consentry::{Decision, Mode, Request};

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
    /// The artefact: base64url text, a file holding it, or `-` for stdin.
    pub(crate) artefact: String,
}

fn interop_err(e: consentry::interop::ErrorBody, exit: u8) -> CliError {
    CliError {
        code: e.code,
        message: e.message,
        exit,
    }
}

/// Prints the decision JSON; exit 0 permit, 1 deny, 2 error.
pub(crate) fn decide(a: &DecideArgs) -> Result<ExitCode, CliError> {
    let now = util::now_or(a.now)?;
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
    let verifier = consentry::Verifier::new(util::load_trust(&a.trust)?);
    let artefact = util::read_artefact(&a.artefact)?;
    let list = a.status_list.as_deref().map(util::read_file).transpose()?;
    let d =
        consentry::interop::decide_with(&verifier, &taxonomy, &artefact, &request, list.as_deref())
            .map_err(|e| interop_err(e, EXIT_ERROR))?;
    println!("{}", d.to_json());
    Ok(if d.is_allowed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_REJECTED)
    })
}

/// Applies a permit (the JSON `decide` printed) to JSON-lines records: only granted fields
/// leave, each through its required transform. Output is all or nothing: a record that cannot
/// be filtered fails the run (named by line), and no output file is left behind.
pub(crate) fn filter(
    decision: &Path,
    input: &Path,
    output: &Path,
    policy: Option<(&Path, &Path)>,
) -> Result<ExitCode, CliError> {
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
    let d: Decision =
        consentry::json::from_str(&util::read_text(decision)?).map_err(|e| CliError {
            code: consentry::Code::RequestInvalid.as_str().into(),
            message: format!("`{}` is not a decision: {e}", decision.display()),
            exit: EXIT_ERROR,
        })?;
    let Some(permit) = d.permit() else {
        return Err(CliError {
            code: "decision_denied".into(),
            message: format!("`{}` is a denial: nothing may leave", decision.display()),
            exit: EXIT_REJECTED,
        });
    };
    let file = std::fs::File::open(input).map_err(|e| CliError::io("open", input, &e))?;
    let mut out = Vec::new();
    let (mut n, mut kept) = (0u64, 0u64);
    for line in std::io::BufReader::new(file).lines() {
        n += 1;
        let line = line.map_err(|e| CliError::io("read", input, &e))?;
        if line.trim().is_empty() {
            continue;
        }
        let record: serde_json::Value = serde_json::from_str(&line).map_err(|e| CliError {
            code: "record_json".into(),
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
    util::write_atomic(output, &out)?;
    eprintln!(
        "filtered {kept} record(s) to {} field selector(s): {}",
        permit.fields.len(),
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}
