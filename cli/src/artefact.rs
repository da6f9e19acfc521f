//! `consentry issue`, `inspect` and `verify` (one artefact, or a batch file).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use consentry::{Claims, Verifier};
use rayon::prelude::*;

use crate::util::{self, CliError, EXIT_ERROR, EXIT_REJECTED};

/// Issues an artefact and prints it as base64url.
pub(crate) fn issue(key: &Path, claims: &Path, now: Option<i64>) -> Result<ExitCode, CliError> {
    let rng = ring::rand::SystemRandom::new();
    let sk = util::load_signing_key(key, &rng)?;
    let json = util::read_text(claims)?;
    let now = util::now_or(now)?;
    let c = Claims::from_json_with_defaults(&json, now, &rng).map_err(|e| {
        let mut err = CliError::core(&e, EXIT_ERROR);
        err.message = format!("claims `{}`: {}", claims.display(), err.message);
        err
    })?;
    let bytes = consentry::issue(&c, &sk, &rng).map_err(|e| CliError::core(&e, EXIT_ERROR))?;
    println!("{}", consentry::b64::encode(&bytes));
    crate::util::note(&format!(
        "issued artefact cti {} ({} bytes, {} purpose(s), {}, kid {})",
        c.cti.to_base64(),
        bytes.len(),
        c.consent.purposes.len(),
        sk.algorithm().name(),
        consentry::b64::encode(&sk.verifying_key().thumbprint())
    ));
    Ok(ExitCode::SUCCESS)
}

/// Prints the JSON view of an artefact, marked unverified.
pub(crate) fn inspect(arg: &str) -> Result<ExitCode, CliError> {
    let bytes = util::read_artefact(arg)?;
    let u = consentry::inspect(&bytes).map_err(|e| CliError::core(&e, EXIT_REJECTED))?;
    let view = u
        .to_json_value()
        .map_err(|e| CliError::core(&e, util::EXIT_ERROR))?;
    println!("{view:#}");
    crate::util::note(
        "NOTE: the signature was NOT checked; use `consentry verify` before relying on this",
    );
    Ok(ExitCode::SUCCESS)
}

/// Options shared by single and batch verification.
pub(crate) struct VerifyOpts {
    pub(crate) trust: PathBuf,
    pub(crate) aud: String,
    pub(crate) now: Option<i64>,
    pub(crate) leeway: u64,
    pub(crate) status_list: Option<PathBuf>,
    pub(crate) accept_unknown_status: bool,
}

/// The verifier, the AA keys of the trust file, and the verified status list when one was
/// given.
struct Checker {
    verifier: Verifier,
    aa: consentry::aa::AaTrust,
    list: Option<consentry::status::VerifiedStatusList>,
    accept_unknown_status: bool,
}

impl Checker {
    fn new(opts: &VerifyOpts, now: i64) -> Result<Self, CliError> {
        // A trust file may mix our keys and AA RSA keys (the core's one split).
        let trust = util::load_mixed_trust(&opts.trust)?;
        let list = match &opts.status_list {
            Some(p) => Some(crate::status::verify_list(
                &util::read_status_list(p)?,
                &opts.trust,
                now,
            )?),
            None => None,
        };
        let verifier = Verifier::new(trust.ours)
            .with_leeway(opts.leeway)
            .map_err(|e| CliError::core(&e, EXIT_ERROR))?;
        Ok(Checker {
            verifier,
            aa: trust.aa,
            list,
            accept_unknown_status: opts.accept_unknown_status,
        })
    }

    fn verify(
        &self,
        bytes: &[u8],
        aud: &str,
        now: i64,
    ) -> Result<consentry::VerifiedArtefact, consentry::VerifyError> {
        match &self.list {
            Some(l) if self.accept_unknown_status => self
                .verifier
                .verify_with_status_accepting_unknown(bytes, aud, now, l),
            Some(l) => self.verifier.verify_with_status(bytes, aud, now, l),
            None => self.verifier.verify(bytes, aud, now),
        }
    }

    /// Verifies one artefact as given (base64url text or raw COSE bytes, or an Account
    /// Aggregator compact JWS told apart by its form, `consentry::aa::as_compact_jws`) and
    /// returns its JSON view. Ours: the verified artefact's view. An AA JWS: verified with the
    /// AA keys of the trust file, imported, inside its window at `now` (no leeway) and for
    /// `aud` (`DataConsumer.id`), viewed as `aa verify` prints it with `"verified": true`;
    /// a status list does not apply to it (`cli_usage`). A refusal keeps its code (exit 1).
    fn verify_item(&self, raw: &[u8], aud: &str, now: i64) -> Result<serde_json::Value, CliError> {
        let rejected = |e: consentry::aa::AaError| CliError::core(&e, EXIT_REJECTED);
        if let Some(jws) = consentry::aa::as_compact_jws(raw) {
            if self.list.is_some() {
                return Err(CliError::usage(
                    "--status-list does not apply to an account aggregator consent",
                ));
            }
            let (v, imported) =
                consentry::aa::verify_current(jws, &self.aa, None, Some(now)).map_err(rejected)?;
            imported.check_audience(aud).map_err(rejected)?;
            let view = consentry::interop::aa_verify_response(&v, &imported).map_err(|e| {
                CliError::core_code(consentry::HasCode::code(&e), e.message, EXIT_ERROR)
            })?;
            let view = serde_json::to_value(&view).map_err(|_| {
                CliError::core_code(
                    consentry::Code::Internal,
                    "the aa view does not serialise".into(),
                    EXIT_ERROR,
                )
            })?;
            return Ok(util::with_members(view, &[("verified", true.into())]));
        }
        let bytes = util::decode_artefact_text(raw)?;
        let ok = self
            .verify(&bytes, aud, now)
            .map_err(|e| CliError::core(&e, EXIT_REJECTED))?;
        ok.to_json_value()
            .map_err(|e| CliError::core(&e, util::EXIT_ERROR))
    }
}

/// Verifies one artefact: the verified claims on stdout, or the error on stderr.
pub(crate) fn verify_one(opts: &VerifyOpts, arg: &str) -> Result<ExitCode, CliError> {
    let now = util::now_or(opts.now)?;
    let v = Checker::new(opts, now)?;
    let raw = util::read_artefact_raw(arg)?;
    let view = v.verify_item(&raw, &opts.aud, now)?;
    println!("{view:#}");
    Ok(ExitCode::SUCCESS)
}

/// Lines verified per parallel chunk: large enough to keep every core busy, small enough that
/// memory stays flat however long the file is.
const CHUNK: usize = 4096;
/// Bytes of line text per chunk at most (each line is capped at
/// [`util::MAX_ARTEFACT_TEXT`], so a chunk of long lines stops early).
const CHUNK_BYTES: usize = 16 << 20;

/// Verifies one base64url artefact per line; prints one JSON result per non-blank line, in order.
///
/// Each line is read with a cap ([`util::MAX_ARTEFACT_TEXT`]): a longer line is skipped to its
/// newline without being held, and reported rejected (`input_too_large`); a line that is not
/// UTF-8 is reported rejected (`invalid_utf8`). Either way the batch goes on.
pub(crate) fn verify_batch(opts: &VerifyOpts, file: &str) -> Result<ExitCode, CliError> {
    let now = util::now_or(opts.now)?;
    let v = Checker::new(opts, now)?;
    let mut input: Box<dyn std::io::BufRead> = if file == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let path = Path::new(file);
        Box::new(std::io::BufReader::new(
            std::fs::File::open(path).map_err(|e| CliError::io("open", path, &e))?,
        ))
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut valid, mut rejected, mut blank) = (0u64, 0u64, 0u64);
    let mut chunk: Vec<(u64, util::Line)> = Vec::with_capacity(CHUNK);
    let mut line_no = 0u64;
    loop {
        chunk.clear();
        let mut bytes = 0usize;
        while let Some(line) = util::read_line_capped(&mut input, util::MAX_ARTEFACT_TEXT)
            .map_err(|e| CliError::io("read", Path::new(file), &e))?
        {
            line_no += 1;
            if let util::Line::Text(t) = &line {
                if t.trim().is_empty() {
                    blank += 1;
                    continue;
                }
                bytes += t.len();
            }
            chunk.push((line_no, line));
            if chunk.len() == CHUNK || bytes >= CHUNK_BYTES {
                break;
            }
        }
        if chunk.is_empty() {
            break;
        }
        let results: Vec<(bool, serde_json::Value)> = chunk
            .par_iter()
            .map(|(n, line)| {
                let res = match line {
                    util::Line::Text(t) => v.verify_item(t.trim().as_bytes(), &opts.aud, now),
                    util::Line::TooLong => Err(util::too_large("the line")),
                    util::Line::NotUtf8 => Err(CliError {
                        code: consentry::Code::InvalidUtf8,
                        message: "the line is not utf-8 text".into(),
                        exit: EXIT_REJECTED,
                    }),
                };
                match res {
                    Ok(view) => (true, util::with_members(view, &[("line", (*n).into())])),
                    Err(e) => (
                        false,
                        util::with_members(
                            e.to_json(),
                            &[("line", (*n).into()), ("verified", false.into())],
                        ),
                    ),
                }
            })
            .collect();
        for (ok, json) in results {
            if ok {
                valid += 1;
            } else {
                rejected += 1;
            }
            writeln!(out, "{json}")
                .map_err(|e| CliError::io("write", Path::new("<stdout>"), &e))?;
        }
    }
    out.flush()
        .map_err(|e| CliError::io("write", Path::new("<stdout>"), &e))?;
    crate::util::note(&format!(
        "verified {} artefact(s) on {} thread(s): {valid} valid, {rejected} rejected, {blank} blank line(s) skipped",
        valid + rejected,
        rayon::current_num_threads()
    ));
    Ok(if rejected == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_REJECTED)
    })
}
