//! `consentry ledger`: the consent ledger kept in a file with crash-safe appends.
//!
//! The format (records, framing, the torn-tail rule) is the core's, `consentry::ledger`; this
//! module only does the I/O. An append is acknowledged after `fdatasync` returns for the batch
//! that holds it; `append --stdin` batches whatever events are waiting while the previous batch
//! syncs (group commit), capped at `ledger::MAX_UNSYNCED` bytes per sync. On open, a writer
//! truncates a torn tail (and says so on stderr) and refuses a corrupt file. One writer at a
//! time: the file is not locked.

use std::fs::{File, OpenOptions};
use std::io::{BufRead as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;

use clap::Subcommand;
use consentry::ledger::{self, Event, EventKind, Head, Tail};
use consentry::Cti;

use crate::util::{self, CliError, EXIT_ERROR, EXIT_REJECTED};

/// `consentry ledger ...`
#[derive(Subcommand, Debug)]
pub(crate) enum LedgerCommand {
    /// Append consent events (one from flags, or JSON lines from stdin), each acknowledged on
    /// stdout only after it is on disk.
    Append {
        /// The ledger file (created if missing).
        #[arg(long)]
        ledger: PathBuf,
        /// Read one JSON event per line from stdin (`{"event", "sub", "cti", "recipient"?,
        /// "purpose"?}`) and print one acknowledgement line per event after its fsync.
        #[arg(long, conflicts_with_all = ["event", "sub", "cti", "recipient", "purpose"])]
        stdin: bool,
        /// What happened.
        #[arg(long, value_name = "KIND", required_unless_present = "stdin")]
        event: Option<String>,
        /// The data principal's pseudonymous id.
        #[arg(long, required_unless_present = "stdin")]
        sub: Option<String>,
        /// The consent artefact's `cti` (base64url, 16 bytes).
        #[arg(long, required_unless_present = "stdin")]
        cti: Option<String>,
        /// The recipient, if any.
        #[arg(long)]
        recipient: Option<String>,
        /// The purpose code, if any.
        #[arg(long)]
        purpose: Option<String>,
        /// Seconds since the epoch to record (default: the clock).
        #[arg(long)]
        now: Option<i64>,
    },
    /// Verify the chain and every checkpoint; exit 1 naming the first bad record.
    Verify {
        /// The ledger file.
        #[arg(long)]
        ledger: PathBuf,
        /// Keys trusted to sign checkpoints: a JWK Set (or a single JWK).
        #[arg(long)]
        trust: PathBuf,
    },
    /// Print every event of one data principal as JSON lines.
    Export {
        /// The ledger file.
        #[arg(long)]
        ledger: PathBuf,
        /// The data principal's pseudonymous id.
        #[arg(long)]
        sub: String,
    },
    /// Append a checkpoint signing the current head.
    Checkpoint {
        /// The ledger file.
        #[arg(long)]
        ledger: PathBuf,
        /// PKCS#8 PEM private key.
        #[arg(long)]
        key: PathBuf,
        /// Seconds since the epoch to record (default: the clock).
        #[arg(long)]
        now: Option<i64>,
    },
}

/// Runs one `ledger` subcommand.
pub(crate) fn run(cmd: LedgerCommand) -> Result<ExitCode, CliError> {
    match cmd {
        LedgerCommand::Append {
            ledger,
            stdin: true,
            now,
            ..
        } => append_stdin(&ledger, now),
        LedgerCommand::Append {
            ledger,
            event,
            sub,
            cti,
            recipient,
            purpose,
            now,
            ..
        } => {
            let ev = event_from_flags(event, sub, cti, recipient, purpose)?;
            println!("{}", append_one(&ledger, util::now_or(now)?, &ev)?);
            Ok(ExitCode::SUCCESS)
        }
        LedgerCommand::Verify { ledger, trust } => verify(&ledger, &trust),
        LedgerCommand::Export { ledger, sub } => export(&ledger, &sub),
        LedgerCommand::Checkpoint { ledger, key, now } => checkpoint(&ledger, &key, now),
    }
}

fn event_from_flags(
    event: Option<String>,
    sub: Option<String>,
    cti: Option<String>,
    recipient: Option<String>,
    purpose: Option<String>,
) -> Result<Event, CliError> {
    let kind = event
        .as_deref()
        .and_then(EventKind::from_name)
        .ok_or_else(|| {
            CliError::usage(
                "`--event` must be one of granted, denied, withdrawn, suspended, resumed, expired, used, shared, erased",
            )
        })?;
    let cti = cti
        .as_deref()
        .and_then(consentry::b64::decode)
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
        .ok_or_else(|| CliError::usage("`--cti` must be 16 bytes as base64url"))?;
    let ev = Event {
        kind,
        sub: sub.unwrap_or_default(),
        cti: Cti(cti),
        recipient,
        purpose,
    };
    ev.validate().map_err(|e| CliError::core(&e, EXIT_ERROR))?;
    Ok(ev)
}

/// Appends one event durably (fsync before returning) and returns its acknowledgement line.
pub(crate) fn append_one(path: &Path, now: i64, ev: &ledger::Event) -> Result<String, CliError> {
    let mut store = Store::open(path)?;
    let mut batch = Batch::default();
    batch.add_event(&mut store.head, now, ev, None)?;
    store.commit(&batch.frames)?;
    let ack = batch.acks().next().unwrap_or_default();
    Ok(ack)
}

fn ledger_err(path: &Path, e: &ledger::BadRecord, exit: u8) -> CliError {
    let mut err = CliError::core(e, exit);
    err.message = format!("ledger `{}`: {}", path.display(), err.message);
    err
}

/// A ledger file open for appending, positioned after its last valid record.
struct Store {
    file: File,
    path: PathBuf,
    head: Head,
    len: u64,
}

impl Store {
    /// Opens (or creates) the ledger, truncating a torn tail and refusing a corrupt file.
    fn open(path: &Path) -> Result<Store, CliError> {
        let existed = path.exists();
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| CliError::io("open", path, &e))?;
        if !existed {
            // The new file's directory entry must be durable before the first acknowledgement.
            sync_dir(path)?;
        }
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut buf)
            .map_err(|e| CliError::io("read", path, &e))?;
        let scan = ledger::scan(&buf);
        match scan.tail {
            Tail::Clean => {}
            Tail::Torn {
                offset,
                len,
                reason,
            } => {
                file.set_len(offset)
                    .and_then(|()| file.sync_all())
                    .map_err(|e| CliError::io("truncate the torn tail of", path, &e))?;
                eprintln!(
                    "{}",
                    serde_json::json!({
                        "notice": "ledger_torn_tail_truncated",
                        "message": format!("removed {len} bytes of an interrupted append at byte {offset} ({reason}); no acknowledged record is lost"),
                        "offset": offset,
                        "bytes": len,
                    })
                );
            }
            Tail::Corrupt {
                offset,
                len,
                reason,
            } => {
                let e = ledger::BadRecord {
                    index: scan.records.len() as u64,
                    offset,
                    error: ledger::LedgerError::Frame {
                        reason,
                        following: len,
                    },
                };
                let mut err = ledger_err(path, &e, EXIT_ERROR);
                err.message
                    .push_str("; refusing to append (run `consentry ledger verify`)");
                return Err(err);
            }
            _ => return Err(CliError::usage("unknown ledger tail state")),
        }
        let head = match scan.records.last() {
            None => Head::GENESIS,
            Some(f) => Head::after(f.record).map_err(|error| {
                let e = ledger::BadRecord {
                    index: scan.records.len() as u64 - 1,
                    offset: f.offset,
                    error,
                };
                ledger_err(path, &e, EXIT_ERROR)
            })?,
        };
        Ok(Store {
            file,
            path: path.to_owned(),
            head,
            len: scan.valid_len,
        })
    }

    /// Writes frames and fsyncs them; only then may they be acknowledged. On failure the file
    /// is cut back to its last durable length and the error returned (nothing acknowledged).
    fn commit(&mut self, frames: &[u8]) -> Result<(), CliError> {
        if frames.is_empty() {
            return Ok(());
        }
        let res = self
            .file
            .write_all(frames)
            .and_then(|()| self.file.sync_data());
        if let Err(e) = res {
            let _ = self.file.set_len(self.len);
            return Err(CliError::io("append to", &self.path, &e));
        }
        self.len += frames.len() as u64;
        Ok(())
    }
}

fn sync_dir(path: &Path) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| CliError::io("sync the directory of", path, &e))
}

/// What one input became: its line (stdin mode), and its seq and record hash or the error.
type Outcome = (Option<u64>, Result<(u64, [u8; 32]), CliError>);

/// Frames waiting for one fsync, and what to print for each input once it is durable.
#[derive(Default)]
struct Batch {
    frames: Vec<u8>,
    results: Vec<Outcome>,
}

impl Batch {
    fn add_event(
        &mut self,
        head: &mut Head,
        now: i64,
        ev: &Event,
        line: Option<u64>,
    ) -> Result<(), CliError> {
        let rec = head
            .append_event(now, ev)
            .map_err(|e| CliError::core(&e, EXIT_ERROR))?;
        ledger::frame_into(&rec, &mut self.frames).map_err(|e| CliError::core(&e, EXIT_ERROR))?;
        self.results
            .push((line, Ok((head.next_seq - 1, head.hash))));
        Ok(())
    }

    /// One JSON line per input: `{"line"?, "seq", "hash"}` or `{"line"?, "code", "message"}`.
    fn acks(&self) -> impl Iterator<Item = String> + '_ {
        self.results.iter().map(|(line, r)| {
            let v = match r {
                Ok((seq, hash)) => serde_json::json!({
                    "seq": seq,
                    "hash": consentry::b64::encode(hash),
                }),
                Err(e) => e.to_json(),
            };
            let v = match line {
                Some(n) => util::with_members(v, &[("line", (*n).into())]),
                None => v,
            };
            v.to_string()
        })
    }

    fn clear(&mut self) {
        self.frames.clear();
        self.results.clear();
    }
}

/// Most events waiting in the channel between the stdin reader and the writer.
const QUEUE: usize = 8192;

/// Reads JSON-lines events from stdin; appends them with group commit; acknowledges each after
/// the fsync of its batch.
fn append_stdin(path: &Path, now: Option<i64>) -> Result<ExitCode, CliError> {
    let mut store = Store::open(path)?;
    let (tx, rx) = mpsc::sync_channel::<(u64, Result<Event, CliError>)>(QUEUE);
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut line_no = 0u64;
        for line in stdin.lock().lines() {
            line_no += 1;
            let parsed = match line {
                Ok(l) if l.trim().is_empty() => continue,
                Ok(l) => Event::from_json(&l).map_err(|e| CliError::core(&e, EXIT_ERROR)),
                Err(_) => Err(CliError::usage("the line is not utf-8 text")),
            };
            if tx.send((line_no, parsed)).is_err() {
                break;
            }
        }
    });
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut batch = Batch::default();
    let mut failed = 0u64;
    while let Ok(first) = rx.recv() {
        batch.clear();
        let now = util::now_or(now)?;
        let mut next = Some(first);
        while let Some((line, parsed)) = next.take() {
            let added =
                parsed.and_then(|ev| batch.add_event(&mut store.head, now, &ev, Some(line)));
            if let Err(e) = added {
                failed += 1;
                batch.results.push((Some(line), Err(e)));
            }
            // Group commit: take what is already waiting, up to one batch of bytes.
            if batch.frames.len() + ledger::MAX_ENTRY_SIZE + ledger::FRAME_OVERHEAD
                <= ledger::MAX_UNSYNCED
            {
                next = rx.try_recv().ok();
            }
        }
        store.commit(&batch.frames)?;
        for ack in batch.acks() {
            writeln!(out, "{ack}").map_err(|e| CliError::io("write", Path::new("<stdout>"), &e))?;
        }
        out.flush()
            .map_err(|e| CliError::io("write", Path::new("<stdout>"), &e))?;
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_ERROR)
    })
}

fn verify(path: &Path, trust: &Path) -> Result<ExitCode, CliError> {
    let trust = util::load_trust(trust)?;
    let buf = util::read_file(path)?;
    match ledger::verify(&buf, &trust) {
        Ok(report) => {
            println!(
                "{}",
                serde_json::to_string_pretty(&report.to_json_value()).unwrap_or_default()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            report_bad_record(path, &e);
            Ok(ExitCode::from(EXIT_REJECTED))
        }
    }
}

/// Prints the first bad record on stderr: `{"code", "message", "index", "offset"}`.
fn report_bad_record(path: &Path, e: &ledger::BadRecord) {
    let err = ledger_err(path, e, EXIT_REJECTED);
    eprintln!(
        "{}",
        util::with_members(
            err.to_json(),
            &[("index", e.index.into()), ("offset", e.offset.into())]
        )
    );
}

fn export(path: &Path, sub: &str) -> Result<ExitCode, CliError> {
    let buf = util::read_file(path)?;
    let lines = match ledger::export(&buf, sub) {
        Ok(l) => l,
        Err(e) => {
            report_bad_record(path, &e);
            return Ok(ExitCode::from(EXIT_REJECTED));
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for l in &lines {
        writeln!(out, "{l}").map_err(|e| CliError::io("write", Path::new("<stdout>"), &e))?;
    }
    out.flush()
        .map_err(|e| CliError::io("write", Path::new("<stdout>"), &e))?;
    Ok(ExitCode::SUCCESS)
}

fn checkpoint(path: &Path, key: &Path, now: Option<i64>) -> Result<ExitCode, CliError> {
    let rng = ring::rand::SystemRandom::new();
    let key = util::load_signing_key(key, &rng)?;
    let now = util::now_or(now)?;
    let mut store = Store::open(path)?;
    let covered = store.head;
    let rec = store
        .head
        .append_checkpoint(now, &key, &rng)
        .map_err(|e| CliError::core(&e, EXIT_ERROR))?;
    let mut frames = Vec::new();
    ledger::frame_into(&rec, &mut frames).map_err(|e| CliError::core(&e, EXIT_ERROR))?;
    store.commit(&frames)?;
    println!(
        "{}",
        serde_json::json!({
            "seq": covered.next_seq,
            "covers": covered.next_seq,
            "head": consentry::b64::encode(&covered.hash),
            "time": now,
        })
    );
    Ok(ExitCode::SUCCESS)
}
