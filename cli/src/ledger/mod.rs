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

use std::fs::File;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use consentry::ledger::{self, BadRecord, Event, EventKind, LedgerError, VerifyOptions};
use consentry::Cti;

use crate::util::{self, CliError, EXIT_ERROR, EXIT_REJECTED};

mod append;
mod store;
use append::*;
use store::*;

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
        /// The consent artefact's `cti` (base64url, 16 bytes; may begin with `-`).
        #[arg(long, required_unless_present = "stdin", allow_hyphen_values = true)]
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
        /// acknowledgement or `head` in a report): an anchor kept elsewhere. Base64url may
        /// begin with `-`: it is taken as the value, not as an option.
        #[arg(long, value_name = "HASH", allow_hyphen_values = true)]
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
            println!("{:#}", report.to_json_value());
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
