//! `ledger append --stdin`: group commit of a stream of events.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::sync::mpsc;

use consentry::ledger::{self, Event, Head};
use consentry::Code;

use super::*;
use crate::util::{self, CliError, EXIT_ERROR};

/// What one input became: its line (stdin mode), and its seq and record hash or the error.
pub(super) type Outcome = (Option<u64>, Result<(u64, [u8; 32]), CliError>);

/// Frames waiting for one fsync, and what to print for each input once it is durable.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) frames: Vec<u8>,
    pub(super) results: Vec<Outcome>,
}

impl Batch {
    pub(super) fn add_event(
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
    pub(super) fn acks(&self) -> impl Iterator<Item = String> + '_ {
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
pub(super) const QUEUE: usize = 8192;

/// An upper bound of an event's frame: every fixed field at its largest encoding (seq and time
/// 9 bytes, heads 3), plus the texts. The batch is built under the lock, after the head is
/// known, so its size is bounded before.
pub(super) fn frame_bound(ev: &Event) -> usize {
    128 + ev.sub.len()
        + ev.recipient.as_ref().map_or(0, String::len)
        + ev.purpose.as_ref().map_or(0, String::len)
}

/// The largest [`frame_bound`] of a valid event.
pub(super) const MAX_FRAME_BOUND: usize = 128 + 3 * ledger::MAX_TEXT_LEN;

/// Reads JSON-lines events from stdin; appends them with group commit; acknowledges each after
/// the fsync of its batch. Each batch takes the lock, reads the head if another writer moved it,
/// appends, fsyncs and lets the lock go.
pub(super) fn append_stdin(path: &Path, now: Option<i64>) -> Result<ExitCode, CliError> {
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
