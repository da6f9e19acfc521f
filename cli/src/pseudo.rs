//! `consentry key master` and `pseudonymise`.
//!
//! Files go through a [`crate::pipeline`]: a reader thread cuts the input into chunks of rows
//! (CSV with the `csv` crate's record reader, so quoted line breaks stay inside their field)
//! and those into parts of [`PART`] rows, `--threads` workers transform and encode parts, and
//! the calling thread writes them in input order. At most [`crate::pipeline::depth`] parts are
//! held between reading and writing, plus the chunk being read (at most [`CHUNK`] rows and
//! about [`CHUNK_BYTES`] of text), so memory stays flat whatever the file size.
//! Output goes to a temporary file renamed into place at the end: a failed run leaves none.

use std::io::IsTerminal as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::collections::BTreeMap;

use consentry::pseudo::{csv_safe_cell, Applied, CsvOptions, CsvWriter, PseudoError};
use consentry::{HasCode, MasterKey, Policy, Pseudonymiser};

use crate::pipeline;
use crate::util::{self, CliError, EXIT_ERROR, EXIT_REJECTED};

/// Records per chunk: the unit read (a record the reader refuses ends the input at its chunk).
pub(crate) const CHUNK: usize = 8192;
/// Records per part: the unit a worker transforms (a chunk is cut into parts).
pub(crate) const PART: usize = 512;
/// Bytes of input text per chunk, at most (plus the record that crosses it): a chunk ends at
/// [`CHUNK`] records or at this many bytes, whichever comes first.
pub(crate) const CHUNK_BYTES: usize = 8 << 20;

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

impl OnError {
    /// The core's mode (the core nulls and retries; the CLI stops or skips).
    fn core(self) -> consentry::pseudo::OnError {
        match self {
            OnError::Fail => consentry::pseudo::OnError::Fail,
            OnError::SkipRow => consentry::pseudo::OnError::SkipRow,
            OnError::NullField => consentry::pseudo::OnError::NullField,
        }
    }
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
    /// Worker threads (default, or 0: every core). A reader thread and the writer (the main
    /// thread) run beside them. Memory: at most 2 x threads + 2 parts of 512 rows between
    /// reading and writing, plus the chunk being read (8192 rows or about 8 MiB of text).
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
    let workers = pipeline::workers(args.threads);
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
        let tally = match format {
            Format::Csv => run_csv(&p, args, workers, reader, out),
            Format::Jsonl => run_jsonl(&p, args, workers, reader, out),
        }?;
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
        workers,
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

/// What a worker found in a chunk, in row order, for the writer to report and count.
enum Event {
    /// A value emptied or nulled (`--on-error null-field`): reported, the row kept.
    Note(Rejection),
    /// A row refused: the run fails (`--on-error fail`) or the row is left out.
    Rejected(Rejection),
    /// An error that ends the run whatever `--on-error` says (a record that is not JSON, a
    /// row that does not encode).
    Fatal(CliError),
}

/// A transformed chunk: its encoded output rows and what to report and count.
#[derive(Default)]
struct Done {
    /// Input records in the chunk (`rows` of the summary).
    rows: u64,
    /// The encoded rows kept, in order.
    bytes: Vec<u8>,
    written: u64,
    fields: u64,
    events: Vec<Event>,
    /// Unlisted kept columns holding valid Aadhaar numbers: (column, rows).
    unlisted: BTreeMap<usize, u64>,
}

impl Done {
    fn new(rows: usize) -> Self {
        Done {
            rows: rows as u64,
            ..Done::default()
        }
    }

    /// Records one row's core outcome; `Some(output)` when it is to be written, `None` when it
    /// is refused (and, with `--on-error fail`, `stop` is set: the rest of the chunk is moot).
    fn row<T>(
        &mut self,
        n: u64,
        r: Result<Applied<T>, PseudoError>,
        on_error: OnError,
        stop: &mut bool,
    ) -> Option<T> {
        match r {
            Ok(done) => {
                self.events.extend(
                    done.nulled
                        .iter()
                        .map(|e| Event::Note(Rejection::new(n, e))),
                );
                self.written += 1;
                self.fields += done.values;
                Some(done.output)
            }
            Err(e) => {
                self.events.push(Event::Rejected(Rejection::new(n, &e)));
                *stop = on_error == OnError::Fail;
                None
            }
        }
    }

    /// The writer's side, in chunk order: reports, counts, and the first error that ends the
    /// run (the same one, after the same reports, as a row-by-row loop would meet).
    fn settle(
        self,
        on_error: OnError,
        tally: &mut Tally,
        unlisted: &mut BTreeMap<usize, u64>,
    ) -> Result<Vec<u8>, CliError> {
        tally.rows += self.rows;
        for event in self.events {
            match event {
                Event::Note(r) => {
                    report(&r);
                    tally.emptied += 1;
                }
                Event::Rejected(r) if on_error == OnError::Fail => return Err(fail_on(r)),
                Event::Rejected(r) => {
                    report(&r);
                    tally.rejected += 1;
                }
                Event::Fatal(e) => return Err(e),
            }
        }
        tally.written += self.written;
        tally.fields += self.fields;
        for (i, count) in self.unlisted {
            *unlisted.entry(i).or_default() += count;
        }
        Ok(self.bytes)
    }
}

/// A chunk of CSV records as read: the number of the first, and the records.
struct CsvChunk {
    first: u64,
    records: Vec<csv::StringRecord>,
}

impl pipeline::Chunk for CsvChunk {
    fn len(&self) -> usize {
        self.records.len()
    }
    fn split_off(&mut self, at: usize) -> Self {
        CsvChunk {
            first: self.first + at as u64,
            records: self.records.split_off(at),
        }
    }
}

fn run_csv(
    p: &Pseudonymiser,
    args: &PseudonymiseArgs,
    workers: usize,
    input: impl std::io::Read + Send + 'static,
    output: impl std::io::Write,
) -> Result<Tally, CliError> {
    let input_path = args.input.clone();
    let io = move |e: csv::Error| CliError {
        code: consentry::Code::CliCsv,
        message: format!("`{}`: {}", input_path.display(), csv_message(&e)),
        exit: EXIT_ERROR,
    };
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(input);
    let header: Vec<String> = rd
        .headers()
        .map_err(&io)?
        .iter()
        .map(str::to_owned)
        .collect();
    let options = CsvOptions::default()
        .reverse(args.reverse)
        .fold_column_names(args.fold_column_names);
    let plan = p
        .csv_plan_with(&header, options)
        .map_err(|e| CliError::core(&e, EXIT_ERROR))?;
    let mut unlisted_ids: BTreeMap<usize, u64> = BTreeMap::new();
    if plan.listed_columns().is_empty() && !p.policy().fields().is_empty() {
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
    let mut output = output;
    let write_err = |e: std::io::Error| CliError::io("write", &args.out, &e);
    let mut header_writer = CsvWriter::new();
    let header_bytes = encode_csv(&mut header_writer, plan.header(), args.csv_safe)?;
    output.write_all(header_bytes).map_err(write_err)?;
    let mut tally = Tally::default();

    // Reader: records in chunks; a malformed record ends the input at its chunk.
    let mut rows = 0u64;
    let mut ended = false;
    // Records of transformed parts come back to the reader to be read into again (their
    // buffers reused instead of allocated per record); it keeps at most [`CHUNK`] spares.
    let (recycle, recycled) = std::sync::mpsc::channel::<Vec<csv::StringRecord>>();
    let mut spare: Vec<csv::StringRecord> = Vec::new();
    let read = move || -> Option<Result<CsvChunk, CliError>> {
        if ended {
            return None;
        }
        while let Ok(records) = recycled.try_recv() {
            let room = CHUNK.saturating_sub(spare.len());
            spare.extend(records.into_iter().take(room));
        }
        let mut chunk = CsvChunk {
            first: rows + 1,
            records: Vec::with_capacity(CHUNK),
        };
        let mut bytes = 0usize;
        while chunk.records.len() < CHUNK && bytes < CHUNK_BYTES {
            let mut rec = spare.pop().unwrap_or_default();
            match rd.read_record(&mut rec) {
                Ok(true) => {
                    rows += 1;
                    bytes += rec.as_slice().len();
                    chunk.records.push(rec);
                }
                Ok(false) => {
                    ended = true;
                    break;
                }
                Err(e) => {
                    ended = true;
                    return Some(Err(io(e)));
                }
            }
        }
        (!chunk.records.is_empty()).then_some(Ok(chunk))
    };
    let read = pipeline::in_parts(read, PART);
    let on_error = args.on_error.core();
    let work = |chunk: CsvChunk| -> Done {
        let mut done = Done::new(chunk.records.len());
        let mut w = CsvWriter::new();
        let mut stop = false;
        // One input row and one output row for the whole part: their buffers are reused.
        let mut row: Vec<&str> = Vec::new();
        let mut cells: Vec<String> = Vec::new();
        for (n, rec) in (chunk.first..).zip(&chunk.records) {
            row.clear();
            row.extend(rec.iter());
            if !args.reverse {
                for i in plan.unlisted_aadhaar(&row) {
                    *done.unlisted.entry(i).or_default() += 1;
                }
            }
            let r = plan.apply_row_on_error_into(&row, on_error, &mut cells);
            if done.row(n, r, args.on_error, &mut stop).is_some() {
                match encode_csv(&mut w, &cells, args.csv_safe) {
                    Ok(b) => done.bytes.extend_from_slice(b),
                    Err(e) => {
                        done.events.push(Event::Fatal(e));
                        stop = true;
                    }
                }
            }
            if stop {
                break;
            }
        }
        drop(row);
        // The reader may have finished: records nobody takes back are simply dropped.
        let _ = recycle.send(chunk.records);
        done
    };
    let write = |done: Done| -> Result<(), CliError> {
        let bytes = done.settle(args.on_error, &mut tally, &mut unlisted_ids)?;
        output.write_all(&bytes).map_err(write_err)
    };
    pipeline::run(workers, read, work, write, pipeline::cli_fault)?;
    report_unlisted(&header, &unlisted_ids, args.strict_unlisted)?;
    output.flush().map_err(write_err)?;
    Ok(tally)
}

/// One CSV record's bytes (`--csv-safe` applied), through the writer every face shares.
fn encode_csv<'w>(
    w: &'w mut CsvWriter,
    cells: &[String],
    csv_safe: bool,
) -> Result<&'w [u8], CliError> {
    let r = if csv_safe {
        let safe: Vec<String> = cells
            .iter()
            .map(|c| csv_safe_cell(c).into_owned())
            .collect();
        w.record(&safe)
    } else {
        w.record(cells)
    };
    r.map_err(|e| CliError::core(&e, EXIT_ERROR))
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

/// A chunk of JSON lines as read: (line number, the line, or `None` when it was too long).
type JsonChunk = Vec<(u64, Option<String>)>;

fn run_jsonl(
    p: &Pseudonymiser,
    args: &PseudonymiseArgs,
    workers: usize,
    input: impl std::io::Read + Send + 'static,
    mut output: impl std::io::Write,
) -> Result<Tally, CliError> {
    let mut tally = Tally::default();
    let mut lines = std::io::BufReader::new(input);
    let mut line_no = 0u64;
    let input_path = args.input.clone();
    let read = move || -> Option<Result<JsonChunk, CliError>> {
        // A record longer than the cap is skipped to its end, never held, and rejected.
        let mut chunk: Vec<(u64, Option<String>)> = Vec::with_capacity(CHUNK);
        let mut bytes = 0usize;
        while chunk.len() < CHUNK && bytes < CHUNK_BYTES {
            let line = match util::read_line_capped(&mut lines, MAX_RECORD_LINE) {
                Ok(Some(line)) => line,
                Ok(None) => break,
                Err(e) => return Some(Err(CliError::io("read", &input_path, &e))),
            };
            line_no += 1;
            let line = match line {
                util::Line::Text(l) if l.trim().is_empty() => continue,
                util::Line::Text(l) => Some(l),
                util::Line::TooLong => None,
                util::Line::NotUtf8 => {
                    return Some(Err(CliError::io(
                        "read",
                        &input_path,
                        &std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            "stream did not contain valid UTF-8",
                        ),
                    )))
                }
            };
            bytes += line.as_ref().map_or(0, String::len);
            chunk.push((line_no, line));
        }
        (!chunk.is_empty()).then_some(Ok(chunk))
    };
    let read = pipeline::in_parts(read, PART);
    let on_error = args.on_error.core();
    let work = |chunk: JsonChunk| -> Done {
        let mut done = Done::new(chunk.len());
        let mut stop = false;
        for (n, line) in chunk {
            let Some(line) = line else {
                done.events.push(Event::Rejected(Rejection::too_long(n)));
                if args.on_error == OnError::Fail {
                    break;
                }
                continue;
            };
            let record: serde_json::Value = match serde_json::from_str(&line) {
                Ok(r) => r,
                Err(e) => {
                    done.events.push(Event::Fatal(CliError {
                        code: consentry::Code::RecordJson,
                        message: format!("line {n}: not a json record (column {})", e.column()),
                        exit: EXIT_ERROR,
                    }));
                    break;
                }
            };
            let r = p.apply_json_on_error(&record, args.reverse, on_error);
            if let Some(out) = done.row(n, r, args.on_error, &mut stop) {
                // `Display` of a value is its compact JSON text, one record per line.
                let _ = writeln!(done.bytes, "{out}");
            }
            if stop {
                break;
            }
        }
        done
    };
    let write_err = |e: std::io::Error| CliError::io("write", &args.out, &e);
    let mut unlisted = BTreeMap::new();
    let write = |done: Done| -> Result<(), CliError> {
        let bytes = done.settle(args.on_error, &mut tally, &mut unlisted)?;
        output.write_all(&bytes).map_err(write_err)
    };
    pipeline::run(workers, read, work, write, pipeline::cli_fault)?;
    output.flush().map_err(write_err)?;
    Ok(tally)
}
