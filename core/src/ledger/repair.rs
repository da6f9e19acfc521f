//! What a writer may do with a ledger file: find where to append, or plan the removal of a
//! torn tail, and nothing else.

use super::verify::tail_error;
use super::{scan, BadRecord, Head, LedgerError, Scan, Tail};

/// Where a writer appends: the head of a ledger file's bytes (empty = a new ledger).
///
/// A writer never repairs: a file that is not a ledger ([`LedgerError::NotALedger`]), ends in
/// a torn tail ([`LedgerError::TornTail`], see [`repair_plan`]) or is corrupt
/// ([`LedgerError::Frame`]) is refused as it is, and so is a last record that does not decode.
/// When this returns, the next frame goes at `buf.len()`.
pub fn writer_head(buf: &[u8]) -> Result<Head, BadRecord> {
    let scan = scan(buf);
    if let Some(e) = tail_error(&scan, scan.tail) {
        return Err(e);
    }
    last_head(&scan)
}

fn last_head(scan: &Scan<'_>) -> Result<Head, BadRecord> {
    match scan.records.last() {
        None => Ok(Head::GENESIS),
        Some(f) => Head::after(f.record).map_err(|error| BadRecord {
            index: scan.records.len() as u64 - 1,
            offset: f.offset,
            error,
        }),
    }
}

/// What [`repair_plan`] keeps and drops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Repair {
    /// The records kept (every complete, valid frame).
    pub records: u64,
    /// The `seq` of the last record kept (`None` for an empty ledger).
    pub last_seq: Option<u64>,
    /// The hash of the last record kept.
    pub head: [u8; 32],
    /// Bytes kept: truncate the file to this length.
    pub keep: u64,
    /// The torn tail dropped: `(offset, bytes, reason)`; `None` when the file ends cleanly.
    pub drop: Option<(u64, u64, &'static str)>,
}

impl Repair {
    /// The JSON form: `{"records", "last_seq", "head", "keep", "dropped": {"offset", "bytes",
    /// "reason"} | null}`.
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::json!({
            "records": self.records,
            "last_seq": self.last_seq,
            "head": crate::b64::encode(&self.head),
            "keep": self.keep,
            "dropped": self.drop.map(|(offset, bytes, reason)| serde_json::json!({
                "offset": offset, "bytes": bytes, "reason": reason,
            })),
        })
    }
}

/// What `ledger repair` may do to a ledger file's bytes: drop a torn tail after the last valid
/// record, and nothing else. A file that is not a ledger, a corrupt one (damage followed by a
/// valid frame or by more than one batch) and one whose last record does not decode are
/// refused: nothing there is a crash's leftover.
pub fn repair_plan(buf: &[u8]) -> Result<Repair, BadRecord> {
    let scan = scan(buf);
    let drop = match scan.tail {
        Tail::Clean => None,
        Tail::Torn {
            offset,
            len,
            reason,
        } => Some((offset, len, reason)),
        t => {
            return Err(tail_error(&scan, t).unwrap_or(BadRecord {
                index: 0,
                offset: 0,
                error: LedgerError::NotALedger {
                    len: buf.len() as u64,
                },
            }))
        }
    };
    let head = last_head(&scan)?;
    Ok(Repair {
        records: scan.records.len() as u64,
        last_seq: head.next_seq.checked_sub(1),
        head: head.hash,
        keep: scan.valid_len,
        drop,
    })
}
