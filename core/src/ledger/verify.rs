//! Verification: the walk along the chain that reports the first bad record, checkpoints
//! against a trust store, and the report of a sound ledger.

use super::record::checkpoint_payload;
use super::{scan, BadRecord, Body, Entry, LedgerError, Scan, Tail, CHECKPOINT_TYP, GENESIS_PREV};
use crate::cbor::Reader;
use crate::cose;
use crate::keys::{sha256, TrustStore};
use crate::verify::check_profile_headers;
use crate::VerifyError;

/// Checks a checkpoint record: profile headers, trusted key, signature, and that it signs
/// exactly the record's `seq`, `prev` and `time`.
fn check_checkpoint(e: &Entry, cose_bytes: &[u8], trust: &TrustStore) -> Result<(), LedgerError> {
    let cp = |source: VerifyError| LedgerError::Checkpoint { source };
    let msg = cose::parse_sign1(cose_bytes, true).map_err(cp)?;
    let (_, kid) = check_profile_headers(&msg, CHECKPOINT_TYP).map_err(cp)?;
    let key = trust.get(kid).ok_or(cp(VerifyError::UnknownKid))?;
    cose::verify_sign1(&msg, key, b"").map_err(cp)?;
    if msg.payload == checkpoint_payload(e.seq, &e.prev, e.time) {
        return Ok(());
    }
    // Signed, but not this record's values: name the first that differs.
    let mut r = Reader::new(msg.payload);
    let mut fields = (None, None, None);
    if let Ok(keys) = r.map() {
        for _ in 0..keys.len {
            match r.uint() {
                Ok(1) => fields.0 = r.uint().ok(),
                Ok(2) => fields.1 = r.bytes().ok(),
                Ok(3) => fields.2 = r.int().ok(),
                _ => break,
            }
        }
    }
    let field = if fields.0 != Some(e.seq) {
        "seq"
    } else if fields.1 != Some(&e.prev[..]) {
        "prev"
    } else {
        "time"
    };
    Err(LedgerError::CheckpointMismatch { field })
}

/// What [`verify`] found in a sound ledger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Number of records (events and checkpoints).
    pub records: u64,
    /// Number of checkpoints.
    pub checkpoints: u64,
    /// Records covered by the last checkpoint, the checkpoint included (0 without one).
    /// Records from here on are protected by the hash chain only.
    pub sealed: u64,
    /// Time of the last checkpoint.
    pub last_checkpoint_time: Option<i64>,
    /// SHA-256 of the last record: compare with a checkpoint or head kept elsewhere to detect
    /// truncation.
    pub head: [u8; 32],
    /// An interrupted append at the end of the file (not part of the ledger, not tampering).
    pub torn_tail: Option<Tail>,
    /// Number of records whose time is earlier than their predecessor's.
    pub time_backwards: u64,
    /// The first of them.
    pub first_time_backwards: Option<TimeBackwards>,
}

/// A record whose time is earlier than its predecessor's (see [`VerifyOptions::strict`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeBackwards {
    /// Its position.
    pub index: u64,
    /// Byte offset of its frame.
    pub offset: u64,
    /// Its time.
    pub time: i64,
    /// Its predecessor's time.
    pub previous: i64,
}

/// Extra checks for [`verify_with`], for callers that keep an anchor or want no warnings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyOptions {
    /// Fail on what is otherwise only reported: a record whose time is earlier than its
    /// predecessor's ([`LedgerError::TimeBackwards`]) and a torn tail
    /// ([`LedgerError::TornTail`]). Without it both are reported in the [`Report`] and the
    /// ledger verifies: an issuer's clock may step back a little, and a torn tail holds nothing
    /// that was acknowledged.
    pub strict: bool,
    /// Fail unless the hash of the last record is this ([`LedgerError::HeadMismatch`]): an
    /// anchor kept elsewhere (an acknowledgement's `hash` or a verified `head`) detects
    /// truncation and rewriting after it.
    pub expect_head: Option<[u8; 32]>,
    /// Fail unless the last record is a checkpoint, so that it covers every record
    /// ([`LedgerError::NotSealed`]; an empty ledger is not sealed), and nothing follows it:
    /// a torn tail fails too ([`LedgerError::TornTail`]).
    pub sealed: bool,
}

impl VerifyOptions {
    /// Sets [`VerifyOptions::strict`].
    #[must_use]
    pub fn strict(mut self, on: bool) -> Self {
        self.strict = on;
        self
    }

    /// Sets [`VerifyOptions::expect_head`].
    #[must_use]
    pub fn expect_head(mut self, head: Option<[u8; 32]>) -> Self {
        self.expect_head = head;
        self
    }

    /// Sets [`VerifyOptions::sealed`].
    #[must_use]
    pub fn sealed(mut self, on: bool) -> Self {
        self.sealed = on;
        self
    }
}

impl Report {
    /// The JSON form.
    pub fn to_json_value(&self) -> serde_json::Value {
        let torn = match self.torn_tail {
            Some(Tail::Torn {
                offset,
                len,
                reason,
            }) => serde_json::json!({ "offset": offset, "bytes": len, "reason": reason }),
            _ => serde_json::Value::Null,
        };
        serde_json::json!({
            "verified": true,
            "records": self.records,
            "checkpoints": self.checkpoints,
            "sealed": self.sealed,
            "unsealed": self.records - self.sealed,
            "last_checkpoint_time": self.last_checkpoint_time,
            "head": crate::b64::encode(&self.head),
            "torn_tail": torn,
            "time_backwards": self.first_time_backwards.map(|t| serde_json::json!({
                "records": self.time_backwards,
                "first": { "index": t.index, "offset": t.offset, "time": t.time, "previous": t.previous },
            })),
        })
    }
}

/// Walks the chain; with `trust`, checkpoints are verified too. Calls `visit` for each sound
/// record.
pub(super) fn walk(
    buf: &[u8],
    trust: Option<&TrustStore>,
    opts: &VerifyOptions,
    mut visit: impl FnMut(&Entry, &[u8; 32]),
) -> Result<Report, BadRecord> {
    let scan = scan(buf);
    let recs = &scan.records;
    let bad = |j: usize, error: LedgerError| BadRecord {
        index: j as u64,
        offset: recs.get(j).map_or(scan.valid_len, |f| f.offset),
        error,
    };
    let hash_at = |j: usize| recs.get(j).map(|f| sha256(f.record));
    // The prev that the record at position j must hold.
    let expected_prev = |j: usize| match j.checked_sub(1) {
        None => Some(GENESIS_PREV),
        Some(i) => hash_at(i),
    };
    // Is the record `e` at position j vouched for: it is a checkpoint whose signature covers
    // its own seq, prev and time, or the next record follows it (seq + 1) and links to it?
    let confirmed = |j: usize, e: &Entry| -> bool {
        if let (Body::Checkpoint(c), Some(t)) = (&e.body, trust) {
            if check_checkpoint(e, c, t).is_ok() {
                return true;
            }
        }
        match recs.get(j + 1).map(|f| Entry::from_cbor(f.record)) {
            Some(Ok(next)) => {
                Some(next.seq) == e.seq.checked_add(1) && Some(next.prev) == hash_at(j)
            }
            _ => false,
        }
    };
    let mut report = Report {
        records: recs.len() as u64,
        checkpoints: 0,
        sealed: 0,
        last_checkpoint_time: None,
        // the hash of the last sound record: the prev the next one must hold
        head: GENESIS_PREV,
        torn_tail: None,
        time_backwards: 0,
        first_time_backwards: None,
    };
    let mut previous_time = None;
    for (j, f) in recs.iter().enumerate() {
        let e = Entry::from_cbor(f.record).map_err(|err| bad(j, err))?;
        if e.seq != j as u64 {
            let twin = j
                .checked_sub(1)
                .is_some_and(|i| e.seq == i as u64 && Some(e.prev) == expected_prev(i));
            if twin && recs.get(j - 1).map(|p| p.record) != Some(f.record) && confirmed(j, &e) {
                return Err(bad(j - 1, LedgerError::Inserted));
            }
            return Err(bad(
                j,
                LedgerError::BadSeq {
                    expected: j as u64,
                    found: e.seq,
                },
            ));
        }
        if e.prev != report.head {
            if j > 0 && confirmed(j, &e) {
                return Err(bad(j - 1, LedgerError::Altered));
            }
            return Err(bad(j, LedgerError::BadLink));
        }
        if let Body::Checkpoint(c) = &e.body {
            if let Some(t) = trust {
                check_checkpoint(&e, c, t).map_err(|err| bad(j, err))?;
            }
            report.checkpoints += 1;
            report.sealed = j as u64 + 1;
            report.last_checkpoint_time = Some(e.time);
        }
        if let Some(previous) = previous_time.filter(|&p| e.time < p) {
            report.time_backwards += 1;
            report.first_time_backwards.get_or_insert(TimeBackwards {
                index: j as u64,
                offset: f.offset,
                time: e.time,
                previous,
            });
        }
        previous_time = Some(e.time);
        let h = sha256(f.record);
        visit(&e, &h);
        report.head = h;
    }
    match scan.tail {
        Tail::Clean => {}
        t @ Tail::Torn { .. } => report.torn_tail = Some(t),
        t => {
            if let Some(e) = tail_error(&scan, t) {
                return Err(e);
            }
        }
    }
    if opts.strict {
        if let Some(t) = report.first_time_backwards {
            return Err(BadRecord {
                index: t.index,
                offset: t.offset,
                error: LedgerError::TimeBackwards {
                    time: t.time,
                    previous: t.previous,
                },
            });
        }
    }
    // Strict, and sealed (nothing may follow the last checkpoint, torn bytes included): a
    // torn tail fails.
    if opts.strict || opts.sealed {
        if let Some(e) = tail_error(&scan, scan.tail) {
            return Err(e);
        }
    }
    let last = recs.len().saturating_sub(1);
    if opts.expect_head.is_some_and(|h| h != report.head) {
        return Err(bad(last, LedgerError::HeadMismatch));
    }
    if opts.sealed && (report.records == 0 || report.sealed != report.records) {
        return Err(bad(
            last,
            LedgerError::NotSealed {
                unsealed: report.records - report.sealed,
                records: report.records,
            },
        ));
    }
    Ok(report)
}

/// The error a writer gets for a file that does not end cleanly (`None` for [`Tail::Clean`]).
pub(super) fn tail_error(scan: &Scan<'_>, tail: Tail) -> Option<BadRecord> {
    let index = scan.records.len() as u64;
    let (offset, error) = match tail {
        Tail::Torn {
            offset,
            len,
            reason,
        } => (
            offset,
            LedgerError::TornTail {
                offset,
                len,
                reason,
            },
        ),
        Tail::NotALedger { len } => (0, LedgerError::NotALedger { len }),
        Tail::Corrupt {
            offset,
            len,
            reason,
        } => (
            offset,
            LedgerError::Frame {
                reason,
                following: len,
            },
        ),
        Tail::Clean => return None,
    };
    Some(BadRecord {
        index,
        offset,
        error,
    })
}

/// Verifies a ledger file's bytes: framing, every record, the hash chain, and every
/// checkpoint against `trust`. Returns the first bad record, or a report.
pub fn verify(buf: &[u8], trust: &TrustStore) -> Result<Report, BadRecord> {
    walk(buf, Some(trust), &VerifyOptions::default(), |_, _| {})
}

/// [`verify`] with the extra checks of `opts` (strict time order and tail, an expected head,
/// a sealed end).
pub fn verify_with(
    buf: &[u8],
    trust: &TrustStore,
    opts: &VerifyOptions,
) -> Result<Report, BadRecord> {
    walk(buf, Some(trust), opts, |_, _| {})
}
