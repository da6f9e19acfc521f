//! `consentry key master`, `pseudonymise`, `detect` and `redact`.
//!
//! Files are processed in chunks: each chunk is transformed in parallel (every core), written
//! in input order, and the next chunk is read, so memory stays flat whatever the file size.
//! Output goes to a temporary file renamed into place at the end: a failed run leaves none.

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::collections::{BTreeMap, HashMap, HashSet};

use consentry::pseudo::{csv_safe_cell, fold_column_name, CsvOptions, PseudoError};
use consentry::scope::{Segment, Selector};
use consentry::{HasCode, MasterKey, Policy, Pseudonymiser};
use rayon::prelude::*;

use crate::util::{self, CliError, EXIT_ERROR, EXIT_REJECTED};

/// Records per parallel chunk.
const CHUNK: usize = 8192;

/// Writes 32 random bytes as hex, mode 0600.
pub(crate) fn key_master(out: &Path, force: bool) -> Result<ExitCode, CliError> {
    use ring::rand::SecureRandom as _;
    let mut key = zeroize::Zeroizing::new([0u8; 32]);
    ring::rand::SystemRandom::new()
        .fill(key.as_mut())
        .map_err(|_| CliError::usage("the system random source failed"))?;
    let hex =
        zeroize::Zeroizing::new(key.iter().map(|b| format!("{b:02x}")).collect::<String>() + "\n");
    util::write_private(out, hex.as_bytes(), force)?;
    eprintln!(
        "wrote a new 32-byte master key to {} (mode 0600)",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// What to do with a record that cannot be transformed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OnError {
    /// Stop at the first bad record; no output file is left.
    Fail,
    /// Leave the record out of the output.
    SkipRow,
    /// Empty (CSV) or null (JSON) the failing field and keep the record.
    NullField,
}

/// Input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// Arguments of `pseudonymise`.
#[derive(clap::Args, Debug)]
pub(crate) struct PseudonymiseArgs {
    /// The policy (JSON): domain, fields (CSV column or JSON selector) → transform, unlisted.
    #[arg(long)]
    policy: PathBuf,
    /// The master key file (64 hex digits, from `consentry key master`).
    #[arg(long)]
    key: PathBuf,
    /// Input file (CSV or JSON lines).
    #[arg(long = "in")]
    input: PathBuf,
    /// Output file (written only when the run succeeds).
    #[arg(long)]
    out: PathBuf,
    /// Input format (default: from the extension: .csv, .jsonl or .ndjson).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Undo `token` and `ff1` fields instead of applying the policy. The input's key check
    /// file (`<in>.kcv`, written by the forward run) must match the key and the policy's
    /// domain: FF1 is unauthenticated, so a wrong key would otherwise give wrong but
    /// valid-looking values.
    #[arg(long)]
    reverse: bool,
    /// With --reverse: reverse even when `<in>.kcv` is missing (a wrong key or domain then goes
    /// undetected for `ff1` fields; `token` fields still fail).
    #[arg(long, requires = "reverse")]
    allow_missing_key_check: bool,
    /// CSV only: prefix a `'` to output cells starting with tab, CR or LF, or whose first
    /// character after leading spaces, tabs, CRs and LFs is `=`, `+`, `-`, `@`, `|` or a
    /// full-width form of one (numbers like `-5` included), so that spreadsheets show them as
    /// text instead of running them (CSV injection). Such a file is for viewing; keep the
    /// plain output for --reverse.
    #[arg(long)]
    csv_safe: bool,
    /// CSV only: treat a column whose name differs from a policy key only by case, spaces,
    /// invisible or look-alike characters as that key (default: refuse it with
    /// `pseudo_column_near_miss` when unlisted columns are kept).
    #[arg(long)]
    fold_column_names: bool,
    /// CSV only: fail (no output) when a kept column the policy does not list holds valid
    /// Aadhaar numbers (default: a warning naming the column and the count).
    #[arg(long)]
    strict_unlisted: bool,
    /// What to do with a record holding an invalid value.
    #[arg(long, value_enum, default_value_t = OnError::Fail)]
    on_error: OnError,
    /// Worker threads (default: every core).
    #[arg(long)]
    threads: Option<usize>,
}

/// Loads the master key file (hex, surrounding whitespace ignored).
pub(crate) fn load_master(path: &Path) -> Result<MasterKey, CliError> {
    let text = util::read_key_text(path)?;
    MasterKey::from_hex(text.trim()).map_err(|e| {
        let mut err = CliError::core(&e, EXIT_ERROR);
        err.message = format!("master key `{}`: {}", path.display(), err.message);
        err
    })
}

/// Loads a policy file.
pub(crate) fn load_policy(path: &Path) -> Result<Policy, CliError> {
    Policy::from_json(&util::read_text(path)?).map_err(|e| {
        let mut err = CliError::core(&e, EXIT_ERROR);
        err.message = format!("policy `{}`: {}", path.display(), err.message);
        err
    })
}

/// The key check file of a pseudonymised file: `<file>.kcv`, JSON `{"v":1,"domain":...,"kcv":...}`.
fn kcv_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".kcv");
    PathBuf::from(name)
}

/// Largest key check file read: it holds a few dozen bytes of JSON.
const MAX_KCV_FILE: usize = 4096;

/// Before reversing: the input's key check file must match the key and domain (or be absent
/// with --allow-missing-key-check).
fn check_key_file(p: &Pseudonymiser, args: &PseudonymiseArgs) -> Result<(), CliError> {
    let path = kcv_path(&args.input);
    let text = match util::read_regular_small(&path, MAX_KCV_FILE)? {
        Some(bytes) => bytes,
        None => {
            if args.allow_missing_key_check {
                eprintln!(
                    "warning: no key check file `{}`: a wrong master key or domain goes undetected for ff1 fields",
                    path.display()
                );
                return Ok(());
            }
            let e = PseudoError::KeyCheckMissing;
            return Err(CliError {
                code: e.code(),
                message: format!(
                    "{e}: `{}` not found (it is written beside every pseudonymised file; \
                     --allow-missing-key-check to reverse without it)",
                    path.display()
                ),
                exit: EXIT_ERROR,
            });
        }
    };
    let text = String::from_utf8(text).map_err(|_| PseudoError::KeyCheckMalformed);
    text.and_then(|t| p.check_key_json(&t)).map_err(|e| {
        let mut err = CliError::core(&e, EXIT_ERROR);
        err.message = format!("`{}`: {}; nothing reversed", path.display(), err.message);
        err
    })
}

fn format_of(args: &PseudonymiseArgs) -> Result<Format, CliError> {
    if let Some(f) = args.format {
        return Ok(f);
    }
    match args
        .input
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("csv") => Ok(Format::Csv),
        Some("jsonl" | "ndjson") => Ok(Format::Jsonl),
        _ => Err(CliError::usage(
            "cannot tell the format from the extension: pass --format csv|jsonl",
        )),
    }
}

/// A rejected record: its number, the field at fault, the code. Never the value.
struct Rejection {
    row: u64,
    field: Option<String>,
    code: consentry::Code,
    message: String,
}

impl Rejection {
    fn new(row: u64, e: &PseudoError) -> Self {
        Rejection {
            row,
            field: e.field().map(str::to_owned),
            code: e.code(),
            message: e.to_string(),
        }
    }

    /// A JSON-lines record longer than [`MAX_RECORD_LINE`] (`input_too_large`).
    fn too_long(row: u64) -> Self {
        Rejection {
            row,
            field: None,
            code: consentry::Code::InputTooLarge,
            message: format!("the record is longer than {MAX_RECORD_LINE} bytes"),
        }
    }

    fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "row": self.row, "column": self.field, "code": self.code.as_str(), "message": self.message })
    }
}

/// Most bytes of one JSON-lines record (`pseudonymise`, `filter`): a longer line is skipped
/// without being held and refused as `input_too_large`.
pub(crate) const MAX_RECORD_LINE: usize = 16 << 20;

/// Counts for the summary.
#[derive(Default)]
struct Tally {
    rows: u64,
    written: u64,
    rejected: u64,
    emptied: u64,
    fields: u64,
}

/// Applies (or reverses) a policy to a CSV or JSON-lines file.
pub(crate) fn pseudonymise(args: &PseudonymiseArgs) -> Result<ExitCode, CliError> {
    let format = format_of(args)?;
    if format == Format::Jsonl && (args.csv_safe || args.fold_column_names || args.strict_unlisted)
    {
        return Err(CliError::usage(
            "--csv-safe, --fold-column-names and --strict-unlisted apply to csv only",
        ));
    }
    let policy = load_policy(&args.policy)?;
    let key = load_master(&args.key)?;
    let p = Pseudonymiser::new(&policy, &key).map_err(|e| CliError::core(&e, EXIT_ERROR))?;
    if args.reverse {
        check_key_file(&p, args)?;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .map_err(|e| CliError::usage(&format!("cannot start worker threads: {e}")))?;
    let size = std::fs::metadata(&args.input).map(|m| m.len()).unwrap_or(0);
    let progress = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(size);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let file =
        std::fs::File::open(&args.input).map_err(|e| CliError::io("open", &args.input, &e))?;
    let reader = progress.wrap_read(std::io::BufReader::with_capacity(1 << 20, file));
    let started = std::time::Instant::now();
    let result: Result<Tally, CliError> = (|| {
        // Pseudonymised and re-identified records alike: 0600, random temporary name, no
        // symlink followed, renamed into place only on success (dropped, it is deleted).
        let mut file = util::OutFile::create(&args.out, util::Privacy::Private, true)?;
        let out = std::io::BufWriter::with_capacity(1 << 20, file.file());
        let tally = pool.install(|| match format {
            Format::Csv => run_csv(&p, args, reader, out),
            Format::Jsonl => run_jsonl(&p, args, reader, out),
        })?;
        file.commit()?;
        if !args.reverse {
            // The key check value beside the output, for --reverse (not secret).
            let mut kcv = p.key_check_json();
            kcv.push('\n');
            util::write_atomic(&kcv_path(&args.out), kcv.as_bytes())?;
        }
        Ok(tally)
    })();
    progress.finish_and_clear();
    let tally = result?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{} {} row(s) in {secs:.2} s ({:.0} rows/s, {} thread(s)): {} written, {} field value(s) transformed, {} row(s) rejected, {} invalid value(s) emptied -> {}",
        if args.reverse { "reversed" } else { "pseudonymised" },
        tally.rows,
        tally.rows as f64 / secs.max(1e-9),
        pool.current_num_threads(),
        tally.written,
        tally.fields,
        tally.rejected,
        tally.emptied,
        args.out.display()
    );
    Ok(if tally.rejected + tally.emptied == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_REJECTED)
    })
}

fn report(r: &Rejection) {
    eprintln!("{}", r.to_json());
}

fn fail_on(r: Rejection) -> CliError {
    CliError {
        code: r.code,
        message: format!(
            "row {}{}: {} (no output written; --on-error skip-row or null-field to continue)",
            r.row,
            r.field
                .as_deref()
                .map(|f| format!(", column `{f}`"))
                .unwrap_or_default(),
            r.message
        ),
        exit: EXIT_ERROR,
    }
}

/// Outcome of one record.
enum Out<T> {
    Ok(T, u64),
    Rejected(Rejection),
    Nulled(T, u64, Vec<Rejection>),
}

fn run_csv(
    p: &Pseudonymiser,
    args: &PseudonymiseArgs,
    input: impl std::io::Read,
    output: impl std::io::Write,
) -> Result<Tally, CliError> {
    let io = |e: csv::Error| CliError {
        code: consentry::Code::CliCsv,
        message: format!("`{}`: {}", args.input.display(), csv_message(&e)),
        exit: EXIT_ERROR,
    };
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(input);
    let header: Vec<String> = rd
        .headers()
        .map_err(io)?
        .iter()
        .map(str::to_owned)
        .collect();
    let options = CsvOptions::default()
        .reverse(args.reverse)
        .fold_column_names(args.fold_column_names);
    let plan = p
        .csv_plan_with(&header, options)
        .map_err(|e| CliError::core(&e, EXIT_ERROR))?;
    let out_header = plan.header().to_vec();
    // Columns named by a policy key as written (or, folding, by its folded form).
    let names: HashSet<&str> = p.policy().fields().iter().map(|f| f.name()).collect();
    let folded: HashSet<String> = if args.fold_column_names {
        names.iter().map(|n| fold_column_name(n)).collect()
    } else {
        HashSet::new()
    };
    let listed: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            names.contains(h.as_str())
                || (args.fold_column_names && folded.contains(&fold_column_name(h)))
        })
        .map(|(i, _)| i)
        .collect();
    // Policy key (as errors name it) or column name → column position.
    let mut positions: HashMap<&str, usize> = HashMap::with_capacity(header.len());
    let by_fold: HashMap<String, &str> = if args.fold_column_names {
        names.iter().map(|n| (fold_column_name(n), *n)).collect()
    } else {
        HashMap::new()
    };
    for (i, h) in header.iter().enumerate() {
        positions.entry(h.as_str()).or_insert(i);
    }
    for (i, h) in header.iter().enumerate() {
        if let Some(key) = by_fold.get(&fold_column_name(h)) {
            positions.entry(key).or_insert(i);
        }
    }
    let mut unlisted_ids: BTreeMap<usize, u64> = BTreeMap::new();
    let safe = |cells: &[String]| -> Vec<String> {
        cells
            .iter()
            .map(|c| {
                if args.csv_safe {
                    csv_safe_cell(c).into_owned()
                } else {
                    c.clone()
                }
            })
            .collect()
    };
    if listed.is_empty() && !p.policy().fields().is_empty() {
        return Err(CliError {
            code: consentry::Code::PseudoUnknownField,
            message: format!(
                "no column of `{}` is named in the policy (CSV columns are matched by plain name; \
                 keys starting with `/` are JSON selectors)",
                args.input.display()
            ),
            exit: EXIT_ERROR,
        });
    }
    let mut wr = csv::Writer::from_writer(output);
    wr.write_record(safe(&out_header)).map_err(io)?;
    let mut tally = Tally::default();
    let mut records = rd.into_records();
    loop {
        let mut chunk: Vec<(u64, Vec<String>)> = Vec::with_capacity(CHUNK);
        for rec in records.by_ref() {
            tally.rows += 1;
            let rec = rec.map_err(io)?;
            chunk.push((tally.rows, rec.iter().map(str::to_owned).collect()));
            if chunk.len() == CHUNK {
                break;
            }
        }
        if chunk.is_empty() {
            break;
        }
        let apply = |row: &[String]| plan.apply_row(row);
        let results: Vec<(Out<Vec<String>>, Vec<usize>)> = chunk
            .par_iter()
            .map(|(n, row)| {
                let ids = if args.reverse {
                    Vec::new()
                } else {
                    plan.unlisted_aadhaar(row)
                };
                (
                    apply_csv_record(*n, row, &listed, &positions, args, apply),
                    ids,
                )
            })
            .collect();
        for (r, ids) in results {
            for i in ids {
                *unlisted_ids.entry(i).or_default() += 1;
            }
            match r {
                Out::Ok(row, f) => {
                    wr.write_record(safe(&row)).map_err(io)?;
                    tally.written += 1;
                    tally.fields += f;
                }
                Out::Nulled(row, f, notes) => {
                    notes.iter().for_each(report);
                    tally.emptied += notes.len() as u64;
                    wr.write_record(safe(&row)).map_err(io)?;
                    tally.written += 1;
                    tally.fields += f;
                }
                Out::Rejected(r) if args.on_error == OnError::Fail => return Err(fail_on(r)),
                Out::Rejected(r) => {
                    report(&r);
                    tally.rejected += 1;
                }
            }
        }
    }
    report_unlisted(&header, &unlisted_ids, args.strict_unlisted)?;
    wr.flush()
        .map_err(|e| CliError::io("write", &args.out, &e))?;
    Ok(tally)
}

/// Warns (or with --strict-unlisted fails) about unlisted kept columns holding valid Aadhaar
/// numbers: the column and the count, never a value.
fn report_unlisted(
    header: &[String],
    counts: &BTreeMap<usize, u64>,
    strict: bool,
) -> Result<(), CliError> {
    for (&i, &count) in counts {
        let e = PseudoError::UnlistedIdentifier {
            column: header.get(i).cloned().unwrap_or_default(),
            count,
        };
        if strict {
            let mut err = CliError::core(&e, EXIT_ERROR);
            err.message = format!(
                "{} (--strict-unlisted; no output written: list the column in the policy)",
                err.message
            );
            return Err(err);
        }
        eprintln!(
            "{}",
            serde_json::json!({
                "warning": e.code().as_str(),
                "column": header.get(i),
                "count": count,
                "message": format!("{e}: list the column in the policy, or --strict-unlisted to refuse such files"),
            })
        );
    }
    Ok(())
}

/// One CSV record through `apply`, following --on-error.
fn apply_csv_record(
    n: u64,
    row: &[String],
    listed: &[usize],
    positions: &HashMap<&str, usize>,
    args: &PseudonymiseArgs,
    apply: impl Fn(&[String]) -> Result<Vec<String>, PseudoError>,
) -> Out<Vec<String>> {
    let nonempty = listed
        .iter()
        .filter(|&&i| row.get(i).is_some_and(|c| !c.is_empty()))
        .count() as u64;
    match apply(row) {
        Ok(out) => Out::Ok(out, nonempty),
        Err(e) if args.on_error != OnError::NullField => Out::Rejected(Rejection::new(n, &e)),
        Err(e) => {
            // Empty the failing cell (empty cells are "no value") and try again.
            let mut row = row.to_vec();
            let mut nulled = Vec::new();
            let mut err = e;
            for _ in 0..=row.len() {
                let col = err.field().and_then(|f| positions.get(f).copied());
                let Some(cell) = col.and_then(|c| row.get_mut(c)) else {
                    break;
                };
                cell.clear();
                nulled.push(Rejection::new(n, &err));
                match apply(&row) {
                    Ok(out) => return Out::Nulled(out, nonempty - nulled.len() as u64, nulled),
                    Err(e2) => err = e2,
                }
            }
            Out::Rejected(Rejection::new(n, &err))
        }
    }
}

/// csv errors name positions and counts, never cell contents.
fn csv_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => format!(
            "row {} has {len} field(s), the header {expected_len}",
            pos.as_ref().map_or(0, |p| p.record())
        ),
        csv::ErrorKind::Utf8 { pos, .. } => {
            format!(
                "row {} is not utf-8",
                pos.as_ref().map_or(0, |p| p.record())
            )
        }
        csv::ErrorKind::Io(e) => e.to_string(),
        _ => "malformed csv".to_owned(),
    }
}

/// Sets every value at `selector` in `v` to null.
fn null_at(v: &mut serde_json::Value, segs: &[Segment]) {
    let Some((first, rest)) = segs.split_first() else {
        return;
    };
    let children: Vec<&mut serde_json::Value> = match v {
        serde_json::Value::Object(m) => m
            .iter_mut()
            .filter(|(k, _)| first.matches(k))
            .map(|(_, c)| c)
            .collect(),
        serde_json::Value::Array(a) => a
            .iter_mut()
            .enumerate()
            .filter(|(i, _)| {
                matches!(first, Segment::Any)
                    || matches!(first, Segment::Key(k) if *k == i.to_string())
            })
            .map(|(_, c)| c)
            .collect(),
        _ => Vec::new(),
    };
    for c in children {
        if rest.is_empty() {
            *c = serde_json::Value::Null;
        } else {
            null_at(c, rest);
        }
    }
}

/// Counts the non-null values at `segs` in `v`.
fn count_at(v: &serde_json::Value, segs: &[Segment]) -> u64 {
    let Some((first, rest)) = segs.split_first() else {
        return u64::from(!v.is_null());
    };
    match v {
        serde_json::Value::Object(m) => m
            .iter()
            .filter(|(k, _)| first.matches(k))
            .map(|(_, c)| count_at(c, rest))
            .sum(),
        serde_json::Value::Array(a) => a
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                matches!(first, Segment::Any)
                    || matches!(first, Segment::Key(k) if *k == i.to_string())
            })
            .map(|(_, c)| count_at(c, rest))
            .sum(),
        _ => 0,
    }
}

fn field_selector(name: &str) -> Option<Selector> {
    if name.starts_with('/') {
        Selector::parse(name).ok()
    } else {
        Selector::parse(&format!("/{}", name.replace('~', "~0").replace('/', "~1"))).ok()
    }
}

fn run_jsonl(
    p: &Pseudonymiser,
    args: &PseudonymiseArgs,
    input: impl std::io::Read,
    mut output: impl std::io::Write,
) -> Result<Tally, CliError> {
    let selectors: Vec<Selector> = p
        .policy()
        .fields()
        .iter()
        .filter_map(|f| field_selector(f.name()))
        .collect();
    let mut tally = Tally::default();
    let mut lines = std::io::BufReader::new(input);
    let mut line_no = 0u64;
    loop {
        // A record longer than the cap is skipped to its end, never held, and rejected.
        let mut chunk: Vec<(u64, Option<String>)> = Vec::with_capacity(CHUNK);
        while let Some(line) = util::read_line_capped(&mut lines, MAX_RECORD_LINE)
            .map_err(|e| CliError::io("read", &args.input, &e))?
        {
            line_no += 1;
            let line = match line {
                util::Line::Text(l) if l.trim().is_empty() => continue,
                util::Line::Text(l) => Some(l),
                util::Line::TooLong => None,
                util::Line::NotUtf8 => {
                    return Err(CliError::io(
                        "read",
                        &args.input,
                        &std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            "stream did not contain valid UTF-8",
                        ),
                    ))
                }
            };
            tally.rows += 1;
            chunk.push((line_no, line));
            if chunk.len() == CHUNK {
                break;
            }
        }
        if chunk.is_empty() {
            break;
        }
        let apply = |r: &mut serde_json::Value| {
            if args.reverse {
                p.reverse_json(r)
            } else {
                p.apply_json(r)
            }
        };
        let results: Vec<Result<Out<String>, CliError>> = chunk
            .par_iter()
            .map(|(n, line)| {
                let Some(line) = line else {
                    return Ok(Out::Rejected(Rejection::too_long(*n)));
                };
                let mut record: serde_json::Value =
                    serde_json::from_str(line).map_err(|e| CliError {
                        code: consentry::Code::RecordJson,
                        message: format!("line {n}: not a json record (column {})", e.column()),
                        exit: EXIT_ERROR,
                    })?;
                let original = record.clone();
                let values: u64 = selectors
                    .iter()
                    .map(|s| count_at(&original, s.segments()))
                    .sum();
                match apply(&mut record) {
                    Ok(()) => Ok(Out::Ok(record.to_string(), values)),
                    Err(e) if args.on_error != OnError::NullField => {
                        Ok(Out::Rejected(Rejection::new(*n, &e)))
                    }
                    Err(e) => {
                        let mut base = original;
                        let mut nulled = Vec::new();
                        let mut err = e;
                        for _ in 0..=p.policy().fields().len() {
                            let Some(sel) = err.field().and_then(field_selector) else {
                                break;
                            };
                            null_at(&mut base, sel.segments());
                            nulled.push(Rejection::new(*n, &err));
                            let mut again = base.clone();
                            match apply(&mut again) {
                                Ok(()) => {
                                    let left: u64 = selectors
                                        .iter()
                                        .map(|s| count_at(&base, s.segments()))
                                        .sum();
                                    return Ok(Out::Nulled(again.to_string(), left, nulled));
                                }
                                Err(e2) => err = e2,
                            }
                        }
                        Ok(Out::Rejected(Rejection::new(*n, &err)))
                    }
                }
            })
            .collect();
        for r in results {
            match r? {
                Out::Ok(line, f) => {
                    writeln!(output, "{line}").map_err(|e| CliError::io("write", &args.out, &e))?;
                    tally.written += 1;
                    tally.fields += f;
                }
                Out::Nulled(line, f, notes) => {
                    tally.fields += f;
                    notes.iter().for_each(report);
                    tally.emptied += notes.len() as u64;
                    writeln!(output, "{line}").map_err(|e| CliError::io("write", &args.out, &e))?;
                    tally.written += 1;
                }
                Out::Rejected(r) if args.on_error == OnError::Fail => return Err(fail_on(r)),
                Out::Rejected(r) => {
                    report(&r);
                    tally.rejected += 1;
                }
            }
        }
    }
    output
        .flush()
        .map_err(|e| CliError::io("write", &args.out, &e))?;
    Ok(tally)
}

fn read_text_arg(input: Option<&Path>) -> Result<String, CliError> {
    match input {
        Some(p) => util::read_text(p),
        None => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| CliError::io("read", Path::new("<stdin>"), &e))?;
            Ok(s)
        }
    }
}

/// Prints the identifiers found in free text as JSON lines (offsets and types, never values).
pub(crate) fn detect(input: Option<&Path>) -> Result<ExitCode, CliError> {
    let text = read_text_arg(input)?;
    let spans = consentry::ids::detect(&text);
    for s in &spans {
        println!(
            "{}",
            serde_json::json!({ "start": s.start, "end": s.end, "type": s.kind.as_str() })
        );
    }
    eprintln!("found {} identifier(s)", spans.len());
    Ok(ExitCode::SUCCESS)
}

/// Replaces every identifier found in free text with `[type]` (or its display mask).
pub(crate) fn redact(input: Option<&Path>, mask: bool) -> Result<ExitCode, CliError> {
    let text = read_text_arg(input)?;
    let spans = consentry::ids::detect(&text);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in &spans {
        out.push_str(text.get(at..s.start).unwrap_or_default());
        let found = text.get(s.start..s.end).unwrap_or_default();
        let masked = if mask {
            consentry::ids::mask(s.kind, found).ok()
        } else {
            None
        };
        out.push_str(&masked.unwrap_or_else(|| format!("[{}]", s.kind.as_str())));
        at = s.end;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    print!("{out}");
    std::io::stdout()
        .flush()
        .map_err(|e| CliError::io("write", Path::new("<stdout>"), &e))?;
    eprintln!("redacted {} identifier(s)", spans.len());
    Ok(ExitCode::SUCCESS)
}
