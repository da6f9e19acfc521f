//! `consentry issue`, `inspect` and `verify` (one artefact, or a batch file).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use consentry::{Claims, Verifier};

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

/// Lines per chunk: the unit read (a read error ends the input at its chunk); small enough that
/// memory stays flat however long the file is.
const CHUNK: usize = 1024;
/// Bytes of line text per chunk at most (each line is capped at
/// [`util::MAX_ARTEFACT_TEXT`], so a chunk of long lines stops early).
const CHUNK_BYTES: usize = 16 << 20;

/// Lines per part: the unit a worker verifies (a chunk is cut into parts).
const PART: usize = 128;

/// A chunk of batch lines as read: (line number, line), and the blank lines skipped in it.
struct Lines {
    lines: Vec<(u64, util::Line)>,
    blank: u64,
}

impl crate::pipeline::Chunk for Lines {
    fn len(&self) -> usize {
        self.lines.len()
    }
    /// The blank lines stay counted with the first part.
    fn split_off(&mut self, at: usize) -> Self {
        Lines {
            lines: self.lines.split_off(at),
            blank: 0,
        }
    }
}

/// A verified chunk: its output lines and counts.
struct Verified {
    text: Vec<u8>,
    valid: u64,
    rejected: u64,
    blank: u64,
}

/// Verifies one base64url artefact per line; prints one JSON result per non-blank line, in order.
///
/// Each line is read with a cap ([`util::MAX_ARTEFACT_TEXT`]): a longer line is skipped to its
/// newline without being held, and reported rejected (`input_too_large`); a line that is not
/// UTF-8 is reported rejected (`invalid_utf8`). Either way the batch goes on.
///
/// A [`crate::pipeline`]: a reader thread reads chunks of lines and cuts them into parts of
/// [`PART`] lines, `threads` workers (default: every core) verify parts and format their
/// results, and the calling thread prints them in input order; at most
/// [`crate::pipeline::depth`] parts are held between reading and writing, plus the chunk being
/// read (at most [`CHUNK`] lines and [`CHUNK_BYTES`] of text).
pub(crate) fn verify_batch(
    opts: &VerifyOpts,
    file: &str,
    threads: Option<usize>,
) -> Result<ExitCode, CliError> {
    let now = util::now_or(opts.now)?;
    let v = Checker::new(opts, now)?;
    let mut input: Box<dyn std::io::BufRead + Send> = if file == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let path = Path::new(file);
        Box::new(std::io::BufReader::new(
            std::fs::File::open(path).map_err(|e| CliError::io("open", path, &e))?,
        ))
    };
    let workers = crate::pipeline::workers(threads);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut valid, mut rejected, mut blank) = (0u64, 0u64, 0u64);
    let mut line_no = 0u64;
    let path = PathBuf::from(file);
    let read = move || -> Option<Result<Lines, CliError>> {
        let mut chunk = Lines {
            lines: Vec::with_capacity(CHUNK),
            blank: 0,
        };
        let mut bytes = 0usize;
        loop {
            let line = match util::read_line_capped(&mut input, util::MAX_ARTEFACT_TEXT) {
                Ok(Some(line)) => line,
                Ok(None) => break,
                Err(e) => return Some(Err(CliError::io("read", &path, &e))),
            };
            line_no += 1;
            if let util::Line::Text(t) = &line {
                if t.trim().is_empty() {
                    chunk.blank += 1;
                    continue;
                }
                bytes += t.len();
            }
            chunk.lines.push((line_no, line));
            if chunk.lines.len() == CHUNK || bytes >= CHUNK_BYTES {
                break;
            }
        }
        // Blank lines after the last artefact are counted with an empty chunk.
        (!chunk.lines.is_empty() || chunk.blank > 0).then_some(Ok(chunk))
    };
    let read = crate::pipeline::in_parts(read, PART);
    let work = |chunk: Lines| -> Verified {
        let mut done = Verified {
            text: Vec::new(),
            valid: 0,
            rejected: 0,
            blank: chunk.blank,
        };
        for (n, line) in &chunk.lines {
            let (ok, json) = verify_line(&v, opts, now, *n, line);
            if ok {
                done.valid += 1;
            } else {
                done.rejected += 1;
            }
            // `Display` of a value is its compact JSON text.
            let _ = writeln!(done.text, "{json}");
        }
        done
    };
    let write = |done: Verified| -> Result<(), CliError> {
        valid += done.valid;
        rejected += done.rejected;
        blank += done.blank;
        out.write_all(&done.text)
            .map_err(|e| CliError::io("write", Path::new("<stdout>"), &e))
    };
    crate::pipeline::run(workers, read, work, write, crate::pipeline::cli_fault)?;
    out.flush()
        .map_err(|e| CliError::io("write", Path::new("<stdout>"), &e))?;
    crate::util::note(&format!(
        "verified {} artefact(s) on {workers} thread(s): {valid} valid, {rejected} rejected, {blank} blank line(s) skipped",
        valid + rejected,
    ));
    Ok(if rejected == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_REJECTED)
    })
}

/// Verifies one batch line: whether it is valid, and its JSON result (the verified claims, or
/// the error), with its line number.
fn verify_line(
    v: &Checker,
    opts: &VerifyOpts,
    now: i64,
    n: u64,
    line: &util::Line,
) -> (bool, serde_json::Value) {
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
        Ok(view) => (true, util::with_members(view, &[("line", n.into())])),
        Err(e) => (
            false,
            util::with_members(
                e.to_json(),
                &[("line", n.into()), ("verified", false.into())],
            ),
        ),
    }
}
