//! An ordered, bounded pipeline: one reader thread cuts the input into chunks, `N` worker
//! threads transform chunks, and the calling thread writes the results in input order.
//!
//! Reading, transforming and writing overlap, so a file keeps every core busy instead of
//! leaving the second idle while one thread reads or writes. Memory is bounded: at most
//! [`depth`]`(N)` chunks exist at any time between being read and being written (the reader
//! takes a slot before it reads a chunk and the writer returns it once the chunk is written),
//! so a slow worker holds the others back instead of letting finished chunks pile up.
//!
//! Errors keep their place: a chunk the reader could not read is delivered to the writer at its
//! position, after every earlier chunk has been written, exactly as a serial loop would stop
//! there. When the writer stops early (an error), the reader and workers stop at their next
//! chunk and the pipeline returns the writer's error.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Mutex;

/// A chunk that can be cut into parts (see [`in_parts`]).
pub(crate) trait Chunk: Sized {
    /// Items in the chunk.
    fn len(&self) -> usize;
    /// Splits the chunk at `at`: `self` keeps the items before it, the rest is returned.
    fn split_off(&mut self, at: usize) -> Self;
}

impl<T> Chunk for Vec<T> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn split_off(&mut self, at: usize) -> Self {
        Vec::split_off(self, at)
    }
}

/// A reader that hands out each chunk `read` returns in parts of at most `part` items, in
/// order, one per call: the workers share a chunk instead of one taking it whole. A chunk is
/// still read whole before any part of it is handed out, so a read error keeps its place: it
/// stands for its whole chunk, after every part of the chunks before it.
pub(crate) fn in_parts<C: Chunk, E>(
    mut read: impl FnMut() -> Option<Result<C, E>>,
    part: usize,
) -> impl FnMut() -> Option<Result<C, E>> {
    let part = part.max(1);
    // The parts still to hand out, last first.
    let mut parts: Vec<C> = Vec::new();
    move || {
        if let Some(p) = parts.pop() {
            return Some(Ok(p));
        }
        let mut chunk = match read()? {
            Ok(c) => c,
            Err(e) => return Some(Err(e)),
        };
        while chunk.len() > part {
            let at = (chunk.len() - 1) / part * part;
            parts.push(chunk.split_off(at));
        }
        Some(Ok(chunk))
    }
}

/// Why the pipeline itself failed (not a chunk's own error).
#[derive(Debug)]
pub(crate) enum Fault {
    /// A thread could not be started.
    Spawn(std::io::Error),
    /// A thread stopped without delivering its chunk (never expected).
    Stopped,
}

/// A [`Fault`] as the CLI reports it: a thread that cannot be started is `cli_usage` (too many
/// `--threads` for the system), one that stops early `internal`.
pub(crate) fn cli_fault(fault: Fault) -> crate::util::CliError {
    match fault {
        Fault::Spawn(e) => {
            crate::util::CliError::usage(&format!("cannot start worker threads: {e}"))
        }
        Fault::Stopped => crate::util::CliError::core_code(
            consentry::Code::Internal,
            "a worker thread stopped unexpectedly; the run is incomplete".into(),
            crate::util::EXIT_ERROR,
        ),
    }
}

/// Chunks in flight (read and not yet written) with `workers` worker threads: one being
/// transformed per worker, as many again queued or waiting for their turn to be written, and
/// two more so that the reader and the writer never wait on each other.
pub(crate) fn depth(workers: usize) -> usize {
    workers.max(1).saturating_mul(2).saturating_add(2)
}

/// The number of worker threads: `requested` when given and not 0, else every core (rayon's
/// default, which honours `RAYON_NUM_THREADS`).
pub(crate) fn workers(requested: Option<usize>) -> usize {
    match requested {
        Some(n) if n > 0 => n,
        _ => rayon::current_num_threads().max(1),
    }
}

/// Runs the pipeline. `read` is called on the reader thread for the next chunk until it
/// returns `None` (end of input) or `Some(Err)` (a read error, delivered in order; nothing is
/// read after it). `work` runs on `workers` threads. `write` runs on the calling thread, once
/// per chunk, in input order; the first error it returns (or a read error reaching it) ends the
/// run. `fault` makes the error returned when a thread cannot be started or stops without
/// delivering its chunk ([`Fault`]).
///
/// The reader thread owns its input (`'static`): when the writer stops early it is left to
/// finish its current read on its own (it may be waiting on a pipe that never closes) and
/// takes no further chunk; the workers are joined before this returns.
pub(crate) fn run<I, O, E>(
    workers: usize,
    read: impl FnMut() -> Option<Result<I, E>> + Send + 'static,
    work: impl Fn(I) -> O + Sync,
    mut write: impl FnMut(O) -> Result<(), E>,
    fault: impl Fn(Fault) -> E,
) -> Result<(), E>
where
    I: Send + 'static,
    O: Send,
    E: Send + 'static,
{
    let workers = workers.max(1);
    let depth = depth(workers);
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    // Slots: the reader takes one before reading a chunk, the writer gives it back after
    // writing it. The queues below hold at most `depth` chunks, so no send ever blocks.
    let (slot_tx, slot_rx) = sync_channel::<()>(depth);
    for _ in 0..depth {
        if slot_tx.send(()).is_err() {
            return Err(fault(Fault::Stopped));
        }
    }
    let (todo_tx, todo_rx) = sync_channel::<(u64, Result<I, E>)>(depth);
    let (done_tx, done_rx) = sync_channel::<(u64, Result<O, E>)>(depth);
    let mut read = read;
    let reader_stop = std::sync::Arc::clone(&stop);
    let reader = std::thread::Builder::new()
        .name("consentry-read".into())
        .spawn(move || {
            let mut seq = 0u64;
            while !reader_stop.load(Ordering::Relaxed) && slot_rx.recv().is_ok() {
                let Some(chunk) = read() else { break };
                let last = chunk.is_err();
                if todo_tx.send((seq, chunk)).is_err() || last {
                    break;
                }
                seq += 1;
            }
            // `todo_tx` is dropped here: the workers drain the queue and stop.
        })
        .map_err(|e| fault(Fault::Spawn(e)))?;
    let todo_rx = Mutex::new(todo_rx);
    let result = std::thread::scope(|s| {
        let (todo_rx, work, stop) = (&todo_rx, &work, &*stop);
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let started = std::thread::Builder::new()
                .name("consentry-work".into())
                .spawn_scoped(s, move || loop {
                    let next = match todo_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => break,
                    };
                    let Ok((seq, chunk)) = next else { break };
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    if done_tx.send((seq, chunk.map(work))).is_err() {
                        break;
                    }
                });
            if let Err(e) = started {
                stop.store(true, Ordering::Relaxed);
                return Err(fault(Fault::Spawn(e)));
            }
        }
        drop(done_tx);
        let result = write_in_order(&done_rx, &slot_tx, &mut write, &fault);
        stop.store(true, Ordering::Relaxed);
        // Unblock the reader (waiting for a slot) and the workers (sending results).
        drop(slot_tx);
        drop(done_rx);
        result
    });
    match result {
        // The reader has ended (every worker saw its queue close): a panic there would
        // otherwise look like the end of the input.
        Ok(()) => reader.join().map_err(|_| fault(Fault::Stopped)),
        Err(e) => Err(e),
    }
}

/// The writer's side of [`run`]: results in sequence order, held back until their turn.
fn write_in_order<O, E>(
    done_rx: &Receiver<(u64, Result<O, E>)>,
    slot_tx: &SyncSender<()>,
    write: &mut impl FnMut(O) -> Result<(), E>,
    fault: &impl Fn(Fault) -> E,
) -> Result<(), E> {
    let mut waiting: BTreeMap<u64, Result<O, E>> = BTreeMap::new();
    let mut next = 0u64;
    loop {
        while let Some(result) = waiting.remove(&next) {
            write(result?)?;
            next += 1;
            // The reader may have finished: a slot nobody takes is harmless.
            let _ = slot_tx.try_send(());
        }
        match done_rx.recv() {
            Ok((seq, result)) => {
                waiting.insert(seq, result);
            }
            // Every worker has finished: whatever is still waiting is out of sequence.
            Err(_) if waiting.is_empty() => return Ok(()),
            Err(_) => return Err(fault(Fault::Stopped)),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn numbers(n: u64) -> impl FnMut() -> Option<Result<Vec<u64>, String>> {
        let mut i = 0u64;
        move || {
            if i >= n {
                return None;
            }
            let chunk: Vec<u64> = (i..(i + 7).min(n)).collect();
            i += 7;
            Some(Ok(chunk))
        }
    }

    #[test]
    fn pipeline_keeps_input_order_with_many_workers() {
        for workers in [1, 2, 3, 8] {
            let mut seen = Vec::new();
            run(
                workers,
                numbers(1000),
                |c: Vec<u64>| {
                    // Uneven work so that chunks finish out of order.
                    if c[0].is_multiple_of(3) {
                        std::thread::sleep(std::time::Duration::from_micros(200));
                    }
                    c.iter().map(|x| x * 2).collect::<Vec<_>>()
                },
                |o: Vec<u64>| {
                    seen.extend(o);
                    Ok(())
                },
                |_| "internal".to_owned(),
            )
            .unwrap();
            assert_eq!(seen, (0..1000).map(|x| x * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn in_parts_cuts_chunks_in_order_and_keeps_a_read_error_in_place() {
        let mut chunks = vec![
            Err("bad"),
            Ok((10..15).collect::<Vec<u32>>()),
            Ok((0..10).collect()),
        ];
        let mut read = in_parts(move || chunks.pop(), 4);
        let mut got = Vec::new();
        while let Some(part) = read() {
            got.push(part);
        }
        assert_eq!(
            got,
            vec![
                Ok(vec![0, 1, 2, 3]),
                Ok(vec![4, 5, 6, 7]),
                Ok(vec![8, 9]),
                Ok(vec![10, 11, 12, 13]),
                Ok(vec![14]),
                Err("bad")
            ]
        );
    }

    #[test]
    fn pipeline_delivers_a_read_error_after_the_chunks_before_it() {
        let mut i = 0;
        let mut written = 0;
        let err = run(
            2,
            move || {
                i += 1;
                Some(if i == 5 {
                    Err(format!("bad {i}"))
                } else {
                    Ok(i)
                })
            },
            |c: i32| c,
            |_| {
                written += 1;
                Ok(())
            },
            |_| "internal".to_owned(),
        )
        .unwrap_err();
        assert_eq!((err.as_str(), written), ("bad 5", 4));
    }

    #[test]
    fn pipeline_stops_reading_when_the_writer_fails() {
        let read = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counter = std::sync::Arc::clone(&read);
        let err = run(
            2,
            // An endless input: only the writer's error ends it.
            move || Some(Ok(counter.fetch_add(1, Ordering::SeqCst))),
            |c: u64| c,
            |c| if c == 3 { Err("stop") } else { Ok(()) },
            |_| "internal",
        )
        .unwrap_err();
        assert_eq!(err, "stop");
        // Bounded: at most `depth` chunks beyond the failing one are ever read.
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(read.load(Ordering::SeqCst) <= 4 + depth(2) as u64);
    }

    #[test]
    fn pipeline_holds_at_most_depth_chunks_in_flight() {
        use std::sync::atomic::AtomicUsize;
        use std::sync::Arc;
        let in_flight = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let (reading, peak) = (Arc::clone(&in_flight), Arc::clone(&most));
        let mut n = 0;
        run(
            3,
            move || {
                n += 1;
                (n <= 200).then(|| {
                    let now = reading.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    Ok::<_, ()>(n)
                })
            },
            |c: i32| c,
            |_| {
                in_flight.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            },
            |_| (),
        )
        .unwrap();
        assert!(most.load(Ordering::SeqCst) <= depth(3));
    }
}
