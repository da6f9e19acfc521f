//! `consentry ledger`: the consent ledger kept in a file with crash-safe appends.
//!
//! The format (records, framing, the torn-tail rule, what a writer accepts and what repair
//! drops) is the core's, `consentry::ledger`; this module only does the I/O. An append is
//! acknowledged after `fdatasync` returns for the batch that holds it; `append --stdin` batches
//! whatever events are waiting while the previous batch syncs (group commit), capped at
//! `ledger::MAX_UNSYNCED` bytes per sync.
//!
//! Files: a ledger is opened without following a symbolic link (`O_NOFOLLOW`; a link is
//! refused, `ledger_symlink`) and must be a regular file (`ledger_not_a_file`); a missing one is
//! created with `O_CREAT|O_EXCL`, mode 0600; an existing one writable by its group or others
//! is refused by writers (`ledger_insecure_permissions`). Every writer takes an exclusive lock (`flock`) for
//! read head → append → fsync and reads the head under it, so concurrent writers (processes)
//! extend one chain. A writer never truncates: a file that is not a ledger
//! (`ledger_not_a_ledger`), a torn tail (`ledger_torn_tail`) or corruption is refused with
//! nothing written. `ledger repair` shows and removes a torn tail, and only that. `verify` and
//! `export` read under a shared lock, so they never see a batch half written.

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;

use clap::Subcommand;
use consentry::ledger::{self, BadRecord, Event, EventKind, Head, LedgerError, VerifyOptions};
use consentry::{Code, Cti};

use crate::util::{self, CliError, EXIT_ERROR, EXIT_REJECTED};

/// `consentry ledger ...`
#[derive(Subcommand, Debug)]
pub(crate) enum LedgerCommand {
    /// Append consent events (one from flags, or JSON lines from stdin), each acknowledged on
    /// stdout only after it is on disk.
    Append {
        /// The ledger file (created if missing, mode 0600; never through a symbolic link).
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
    /// Verify the chain and every checkpoint; exit 1 naming the first bad record. Records whose
    /// time runs backwards are reported (a warning on stderr), not failed, unless `--strict`.
    Verify {
        /// The ledger file.
        #[arg(long)]
        ledger: PathBuf,
        /// Keys trusted to sign checkpoints: a JWK Set (or a single JWK).
        #[arg(long)]
        trust: PathBuf,
        /// Fail (exit 1) on time running backwards and on a torn tail, not only report them.
        #[arg(long)]
        strict: bool,
        /// Fail unless the hash of the last record is this (base64url, as `hash` in an
        /// acknowledgement or `head` in a report): an anchor kept elsewhere.
        #[arg(long, value_name = "HASH")]
        expect_head: Option<String>,
        /// Fail unless the last record is a checkpoint covering every record.
        #[arg(long)]
        sealed: bool,
    },
    /// Show, then remove, a torn tail (an interrupted append) after the last valid record.
    /// Nothing else is ever removed: a corrupt file or one that is not a ledger is refused.
    Repair {
        /// The ledger file.
        #[arg(long)]
        ledger: PathBuf,
        /// Only show what would be removed.
        #[arg(long)]
        dry_run: bool,
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
            let now = util::now_or(now)?;
            let mut store = match Store::open(&ledger) {
                Ok(s) => s,
                Err(e) => return refuse(&ledger, e),
            };
            println!("{}", store.append(now, &ev)?);
            Ok(ExitCode::SUCCESS)
        }
        LedgerCommand::Verify {
            ledger,
            trust,
            strict,
            expect_head,
            sealed,
        } => {
            let expect_head = expect_head
                .map(|h| {
                    consentry::b64::decode(&h)
                        .and_then(|b| <[u8; 32]>::try_from(b).ok())
                        .ok_or_else(|| {
                            CliError::usage("`--expect-head` must be 32 bytes as base64url")
                        })
                })
                .transpose()?;
            let opts = VerifyOptions::default()
                .strict(strict)
                .expect_head(expect_head)
                .sealed(sealed);
            verify(&ledger, &trust, &opts)
        }
        LedgerCommand::Export { ledger, sub } => export(&ledger, &sub),
        LedgerCommand::Checkpoint { ledger, key, now } => checkpoint(&ledger, &key, now),
        LedgerCommand::Repair { ledger, dry_run } => repair(&ledger, dry_run),
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

/// Appends one event durably (under the ledger's lock, fsync before returning) and returns its
/// acknowledgement line. Refuses, writing nothing, a file that is not a ledger, a symbolic
/// link, a torn tail or corruption.
pub(crate) fn append_one(path: &Path, now: i64, ev: &ledger::Event) -> Result<String, CliError> {
    Store::open(path)
        .map_err(|e| e.into_cli(path))?
        .append(now, ev)
}

fn ledger_err(path: &Path, e: &BadRecord, exit: u8) -> CliError {
    let mut err = CliError::core(e, exit);
    err.message = format!("ledger `{}`: {}", path.display(), err.message);
    err
}

fn cli_err(code: Code, message: String) -> CliError {
    CliError::core_code(code, message, EXIT_ERROR)
}

/// Why a ledger could not be opened for writing: a file problem, or what the file holds.
enum OpenError {
    Cli(CliError),
    Bad(BadRecord),
}

impl From<CliError> for OpenError {
    fn from(e: CliError) -> Self {
        OpenError::Cli(e)
    }
}

impl OpenError {
    fn into_cli(self, path: &Path) -> CliError {
        match self {
            OpenError::Cli(e) => e,
            OpenError::Bad(e) => ledger_err(path, &e, EXIT_ERROR),
        }
    }
}

/// Prints why a writer refused the file (what it holds, with `index`, `offset` and, for a tail,
/// `bytes`) and exits 2; a file problem goes back as an error.
fn refuse(path: &Path, e: OpenError) -> Result<ExitCode, CliError> {
    match e {
        OpenError::Cli(e) => Err(e),
        OpenError::Bad(e) => {
            report_bad_record(path, &e, EXIT_ERROR);
            Ok(ExitCode::from(EXIT_ERROR))
        }
    }
}

/// Opens the ledger file for reading and appending without following a symbolic link; with
/// `create`, a missing file is created (`O_EXCL`, 0600). `Ok(None)`: it appeared or vanished
/// in between, try again.
fn open_file(path: &Path, create: bool) -> Result<Option<File>, CliError> {
    let mut opts = OpenOptions::new();
    opts.read(true).append(true);
    no_follow(&mut opts);
    match opts.open(path) {
        Ok(f) => return regular(f, path).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {}
        Err(e) => return Err(open_error(path, &e)),
    }
    opts.create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(f) => {
            // The new file's directory entry must be durable before the first acknowledgement.
            sync_dir(path)?;
            Ok(Some(f))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(None),
        Err(e) => Err(open_error(path, &e)),
    }
}

#[cfg(unix)]
fn no_follow(opts: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt as _;
    opts.custom_flags(libc::O_NOFOLLOW);
}

#[cfg(not(unix))]
fn no_follow(_: &mut OpenOptions) {}

fn open_error(path: &Path, e: &std::io::Error) -> CliError {
    #[cfg(unix)]
    let looped = e.raw_os_error() == Some(libc::ELOOP);
    #[cfg(not(unix))]
    let looped = false;
    let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if looped || link {
        return cli_err(
            Code::LedgerSymlink,
            format!(
                "ledger `{}` is a symbolic link: it is not followed (name the ledger file itself)",
                path.display()
            ),
        );
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) {
        return cli_err(
            Code::LedgerNotAFile,
            format!(
                "ledger `{}` is not a regular file (a directory, device or pipe)",
                path.display()
            ),
        );
    }
    CliError::io("open", path, e)
}

fn regular(f: File, path: &Path) -> Result<File, CliError> {
    let meta = f
        .metadata()
        .map_err(|e| CliError::io("inspect", path, &e))?;
    if !meta.is_file() {
        return Err(cli_err(
            Code::LedgerNotAFile,
            format!(
                "ledger `{}` is not a regular file (a directory, device or pipe)",
                path.display()
            ),
        ));
    }
    insecure_mode(&meta, path)?;
    Ok(f)
}

/// Refuses an existing ledger file writable by its group or by others (say, one an attacker
/// created 0666 before the first append): anyone could then rewrite or truncate it. The mode
/// is left as it is; the message says how to fix it.
#[cfg(unix)]
fn insecure_mode(meta: &std::fs::Metadata, path: &Path) -> Result<(), CliError> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o022 == 0 {
        return Ok(());
    }
    Err(cli_err(
        Code::LedgerInsecurePermissions,
        format!(
            "ledger `{}` is writable by its group or others (mode {mode:03o}): check who made \
             it, then `chmod 600` it (nothing written)",
            path.display()
        ),
    ))
}

#[cfg(not(unix))]
fn insecure_mode(_: &std::fs::Metadata, _: &Path) -> Result<(), CliError> {
    Ok(())
}

/// Is the open file still the one the path names (not renamed away or replaced)?
#[cfg(unix)]
fn same_file(f: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (f.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, _: &Path) -> bool {
    true
}

/// How often a writer retries when the file is created, replaced or renamed under it.
const OPEN_TRIES: usize = 4;

/// A ledger file open for appending, positioned after its last valid record. Appends happen
/// under its exclusive lock ([`Store::open`] returns it locked; [`Store::relock`] takes it
/// again after [`Store::unlock`]).
struct Store {
    file: File,
    path: PathBuf,
    head: Head,
    len: u64,
}

impl Store {
    /// Opens (or creates) the ledger, takes the lock and reads the head under it. Refuses a
    /// file that is not a ledger, a torn tail and a corrupt file, writing nothing.
    fn open(path: &Path) -> Result<Store, OpenError> {
        for _ in 0..OPEN_TRIES {
            let Some(file) = open_file(path, true)? else {
                continue;
            };
            file.lock().map_err(|e| CliError::io("lock", path, &e))?;
            if !same_file(&file, path) {
                continue; // replaced between open and lock: open what the path names now
            }
            let mut store = Store {
                file,
                path: path.to_owned(),
                head: Head::GENESIS,
                len: 0,
            };
            store.reread()?;
            return Ok(store);
        }
        Err(replaced(path).into())
    }

    /// Reads the whole file and its head (under the lock).
    fn reread(&mut self) -> Result<(), OpenError> {
        let buf = read_ledger(&mut self.file, &self.path)?;
        self.head = ledger::writer_head(&buf).map_err(OpenError::Bad)?;
        self.len = buf.len() as u64;
        Ok(())
    }

    /// Takes the lock again and refreshes the head if another writer appended meanwhile.
    fn relock(&mut self) -> Result<(), OpenError> {
        self.file
            .lock()
            .map_err(|e| CliError::io("lock", &self.path, &e))?;
        if !same_file(&self.file, &self.path) {
            let _ = self.file.unlock();
            return Err(replaced(&self.path).into());
        }
        let len = self
            .file
            .metadata()
            .map_err(|e| CliError::io("inspect", &self.path, &e))?
            .len();
        if len != self.len {
            if let Err(e) = self.reread() {
                let _ = self.file.unlock();
                return Err(e);
            }
        }
        Ok(())
    }

    fn unlock(&self) {
        let _ = self.file.unlock();
    }

    /// Appends one event (the lock is held) and returns its acknowledgement line.
    fn append(&mut self, now: i64, ev: &Event) -> Result<String, CliError> {
        let mut batch = Batch::default();
        batch.add_event(&mut self.head, now, ev, None)?;
        self.commit(&batch.frames)?;
        let ack = batch.acks().next().unwrap_or_default();
        Ok(ack)
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

/// Reads a ledger file from its start; a large file that does not begin with the magic is
/// refused after four bytes, not read whole.
fn read_ledger(file: &mut File, path: &Path) -> Result<Vec<u8>, OpenError> {
    let io = |e: std::io::Error| CliError::io("read", path, &e);
    let len = file.metadata().map_err(io)?.len();
    let mut start = Vec::with_capacity(4);
    file.rewind().map_err(io)?;
    (&*file).take(4).read_to_end(&mut start).map_err(io)?;
    if ledger::foreign_at_start(&start, len) {
        return Err(OpenError::Bad(BadRecord {
            index: 0,
            offset: 0,
            error: LedgerError::NotALedger { len },
        }));
    }
    let mut buf = start;
    file.read_to_end(&mut buf).map_err(io)?;
    Ok(buf)
}

fn replaced(path: &Path) -> CliError {
    cli_err(
        Code::LedgerFileReplaced,
        format!(
            "ledger `{}` was replaced or moved while it was open: nothing was written",
            path.display()
        ),
    )
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
}

/// Most events waiting in the channel between the stdin reader and the writer.
const QUEUE: usize = 8192;

/// An upper bound of an event's frame: every fixed field at its largest encoding (seq and time
/// 9 bytes, heads 3), plus the texts. The batch is built under the lock, after the head is
/// known, so its size is bounded before.
fn frame_bound(ev: &Event) -> usize {
    128 + ev.sub.len()
        + ev.recipient.as_ref().map_or(0, String::len)
        + ev.purpose.as_ref().map_or(0, String::len)
}

/// The largest [`frame_bound`] of a valid event.
const MAX_FRAME_BOUND: usize = 128 + 3 * ledger::MAX_TEXT_LEN;

/// Reads JSON-lines events from stdin; appends them with group commit; acknowledges each after
/// the fsync of its batch. Each batch takes the lock, reads the head if another writer moved it,
/// appends, fsyncs and lets the lock go.
fn append_stdin(path: &Path, now: Option<i64>) -> Result<ExitCode, CliError> {
    let mut store = match Store::open(path) {
        Ok(s) => s,
        Err(e) => return refuse(path, e),
    };
    store.unlock();
    let (tx, rx) = mpsc::sync_channel::<(u64, Result<Event, CliError>)>(QUEUE);
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        let mut line_no = 0u64;
        // A line is held only up to the cap: a longer one is skipped to its end and refused.
        while let Ok(Some(line)) = util::read_line_capped(&mut input, ledger::MAX_ENTRY_SIZE) {
            line_no += 1;
            let parsed = match line {
                util::Line::Text(l) if l.trim().is_empty() => continue,
                util::Line::Text(l) => {
                    Event::from_json(&l).map_err(|e| CliError::core(&e, EXIT_ERROR))
                }
                util::Line::TooLong => Err(cli_err(
                    Code::LedgerEntryTooLarge,
                    format!(
                        "the event line is longer than {} bytes",
                        ledger::MAX_ENTRY_SIZE
                    ),
                )),
                util::Line::NotUtf8 => Err(CliError::usage("the line is not utf-8 text")),
            };
            if tx.send((line_no, parsed)).is_err() {
                break;
            }
        }
    });
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = 0u64;
    while let Ok(first) = rx.recv() {
        let now = util::now_or(now)?;
        // Group commit: take what is already waiting, up to one batch of bytes.
        let mut pending = Vec::new();
        let mut bytes = 0usize;
        let mut next = Some(first);
        while let Some((line, parsed)) = next.take() {
            if let Ok(ev) = &parsed {
                bytes += frame_bound(ev);
            }
            pending.push((line, parsed));
            if bytes + MAX_FRAME_BOUND <= ledger::MAX_UNSYNCED {
                next = rx.try_recv().ok();
            }
        }
        store.relock().map_err(|e| e.into_cli(path))?;
        let mut batch = Batch::default();
        for (line, parsed) in pending {
            let added =
                parsed.and_then(|ev| batch.add_event(&mut store.head, now, &ev, Some(line)));
            if let Err(e) = added {
                failed += 1;
                batch.results.push((Some(line), Err(e)));
            }
        }
        let committed = store.commit(&batch.frames);
        store.unlock();
        committed?;
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

fn verify(path: &Path, trust: &Path, opts: &VerifyOptions) -> Result<ExitCode, CliError> {
    let trust = util::load_trust(trust)?;
    let buf = read_shared(path)?;
    match ledger::verify_with(&buf, &trust, opts) {
        Ok(report) => {
            if let Some(t) = report.first_time_backwards {
                let e = BadRecord {
                    index: t.index,
                    offset: t.offset,
                    error: LedgerError::TimeBackwards {
                        time: t.time,
                        previous: t.previous,
                    },
                };
                let err = ledger_err(path, &e, EXIT_REJECTED);
                crate::util::note(&format!(
                    "{}",
                    serde_json::json!({
                        "warning": err.code.as_str(),
                        "message": format!("{} ({} record(s) in all; `--strict` fails on this)", err.message, report.time_backwards),
                        "index": t.index,
                        "offset": t.offset,
                    })
                ));
            }
            println!(
                "{}",
                serde_json::to_string_pretty(&report.to_json_value()).unwrap_or_default()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            report_bad_record(path, &e, EXIT_REJECTED);
            Ok(ExitCode::from(EXIT_REJECTED))
        }
    }
}

/// Prints a bad record on stderr: `{"code", "message", "index", "offset", "bytes"?}` (`bytes`:
/// the size of a torn tail, or of the data from a damaged frame to the end).
fn report_bad_record(path: &Path, e: &BadRecord, exit: u8) {
    let err = ledger_err(path, e, exit);
    let mut members = vec![("index", e.index.into()), ("offset", e.offset.into())];
    match e.error {
        LedgerError::TornTail { len, .. } | LedgerError::NotALedger { len } => {
            members.push(("bytes", len.into()));
        }
        LedgerError::Frame { following, .. } => members.push(("bytes", following.into())),
        _ => {}
    }
    crate::util::note(&util::with_members(err.to_json(), &members).to_string());
}

/// Reads the whole ledger under a shared lock: a snapshot between two writers' batches, never
/// one cut inside a batch being written (which would look like a torn tail).
fn read_shared(path: &Path) -> Result<Vec<u8>, CliError> {
    let mut file = File::open(path).map_err(|e| CliError::io("read", path, &e))?;
    file.lock_shared()
        .map_err(|e| CliError::io("lock", path, &e))?;
    let mut buf = Vec::new();
    file.read_to_end(&mut buf)
        .map_err(|e| CliError::io("read", path, &e))?;
    Ok(buf)
}

fn export(path: &Path, sub: &str) -> Result<ExitCode, CliError> {
    let buf = read_shared(path)?;
    let lines = match ledger::export(&buf, sub) {
        Ok(l) => l,
        Err(e) => {
            report_bad_record(path, &e, EXIT_REJECTED);
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
    let mut store = match Store::open(path) {
        Ok(s) => s,
        Err(e) => return refuse(path, e),
    };
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
            "hash": consentry::b64::encode(&store.head.hash),
            "time": now,
        })
    );
    Ok(ExitCode::SUCCESS)
}

/// `ledger repair`: under the lock, shows what follows the last valid record and, unless
/// `dry_run`, truncates a torn tail there. Refuses (exit 2, nothing touched) a file that is not
/// a ledger, a corrupt one and a symbolic link; never creates a file.
fn repair(path: &Path, dry_run: bool) -> Result<ExitCode, CliError> {
    let mut opened = None;
    for _ in 0..OPEN_TRIES {
        let Some(file) = open_file(path, false)? else {
            continue;
        };
        file.lock().map_err(|e| CliError::io("lock", path, &e))?;
        if same_file(&file, path) {
            opened = Some(file);
            break;
        }
    }
    let mut file = opened.ok_or_else(|| replaced(path))?;
    let plan = match read_ledger(&mut file, path)
        .and_then(|buf| ledger::repair_plan(&buf).map_err(OpenError::Bad))
    {
        Ok(p) => p,
        Err(e) => return refuse(path, e),
    };
    let repaired = plan.drop.is_some() && !dry_run;
    if repaired {
        file.set_len(plan.keep)
            .and_then(|()| file.sync_all())
            .map_err(|e| CliError::io("truncate the torn tail of", path, &e))?;
    }
    if let Some((offset, bytes, reason)) = plan.drop {
        let after = plan.last_seq.map_or_else(
            || "at the start".to_owned(),
            |s| format!("after record {s}"),
        );
        crate::util::note(&format!(
            "{} {bytes} bytes of an interrupted append at byte {offset} ({reason}), {after}; the {} records before them are kept",
            if repaired { "removed" } else { "would remove" },
            plan.records
        ));
    }
    let out = util::with_members(
        plan.to_json_value(),
        &[("repaired", repaired.into()), ("dry_run", dry_run.into())],
    );
    println!("{out}");
    Ok(ExitCode::SUCCESS)
}
