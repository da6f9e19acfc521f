//! On-disk framing: magic, length, record, CRC-32C; the scan that splits a file into frames
//! and tells a torn tail from corruption (see the module documentation).

use super::crc::{crc32c_of_range, crc32c_parts, crc32c_prefixes};
use super::{LedgerError, FRAME_OVERHEAD, MAGIC, MAX_ENTRY_SIZE, MAX_UNSYNCED};

/// Appends the frame of one record to `out`.
pub fn frame_into(record: &[u8], out: &mut Vec<u8>) -> Result<(), LedgerError> {
    if record.is_empty() || record.len() > MAX_ENTRY_SIZE {
        return Err(LedgerError::TooLarge {
            size: record.len(),
            max: MAX_ENTRY_SIZE,
        });
    }
    let len = (record.len() as u32).to_be_bytes();
    let crc = crc32c_parts(&[&MAGIC, &len, record]);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&len);
    out.extend_from_slice(record);
    out.extend_from_slice(&crc.to_be_bytes());
    Ok(())
}

/// One framed record found by [`scan`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Framed<'a> {
    /// Byte offset of the frame.
    pub offset: u64,
    /// The record bytes inside it.
    pub record: &'a [u8],
}

/// What follows the last valid frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tail {
    /// Nothing: the file ends with a complete frame.
    Clean,
    /// An interrupted append: `len` bytes from `offset` to the end, never acknowledged.
    Torn {
        /// where the torn bytes begin (truncate the file here)
        offset: u64,
        /// how many bytes
        len: u64,
        /// what is wrong with the frame at `offset`
        reason: &'static str,
    },
    /// Not a ledger: the file does not begin with [`MAGIC`] (nor a prefix of it, for a file
    /// under four bytes) and holds no valid frame within one batch. Never truncated.
    NotALedger {
        /// the file's size
        len: u64,
    },
    /// Damage that a crash cannot explain (see the module documentation).
    Corrupt {
        /// where the damaged frame begins
        offset: u64,
        /// bytes from there to the end
        len: u64,
        /// what is wrong with the frame
        reason: &'static str,
    },
}

/// The frames of a ledger file and how it ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scan<'a> {
    /// Every complete, valid frame from the start, in order.
    pub records: Vec<Framed<'a>>,
    /// The length of the valid prefix (where the next frame goes).
    pub valid_len: u64,
    /// What follows it.
    pub tail: Tail,
}

/// Checks the frame at the start of `buf`; returns the record and the frame length.
fn read_frame(buf: &[u8]) -> Result<(&[u8], usize), &'static str> {
    let header: [u8; 8] = buf
        .get(..8)
        .and_then(|h| h.try_into().ok())
        .ok_or("incomplete frame header")?;
    let [m0, m1, m2, m3, l0, l1, l2, l3] = header;
    if [m0, m1, m2, m3] != MAGIC {
        return Err("bad magic");
    }
    let len = u32::from_be_bytes([l0, l1, l2, l3]) as usize;
    if len == 0 || len > MAX_ENTRY_SIZE {
        return Err("bad length");
    }
    let total = len + FRAME_OVERHEAD;
    let record = buf
        .get(8..len + 8)
        .ok_or("record cut off by the end of the file")?;
    let crc = buf
        .get(len + 8..total)
        .ok_or("record cut off by the end of the file")?;
    if crc32c_parts(&[&header, record]).to_be_bytes() != crc {
        return Err("checksum mismatch");
    }
    Ok((record, total))
}

/// Does a complete, valid frame start anywhere after the first byte of `rest`?
///
/// Linear in `rest.len()`: candidate frames may overlap (a hostile tail can declare a 64 KiB
/// record every 8 bytes), so each candidate's CRC is not computed over its bytes but derived
/// from prefix CRCs of `rest` in O(log len) ([`crc32c_of_range`]).
fn holds_a_frame(rest: &[u8]) -> bool {
    let mut prefix: Option<Vec<u32>> = None;
    for i in 1..rest.len() {
        let Some(cand) = rest.get(i..) else {
            break;
        };
        let Some([m0, m1, m2, m3, l0, l1, l2, l3]) =
            cand.get(..8).and_then(|h| <[u8; 8]>::try_from(h).ok())
        else {
            continue;
        };
        if [m0, m1, m2, m3] != MAGIC {
            continue;
        }
        let len = u32::from_be_bytes([l0, l1, l2, l3]) as usize;
        if len == 0 || len > MAX_ENTRY_SIZE {
            continue;
        }
        let (end, total) = (i + 8 + len, i + len + FRAME_OVERHEAD);
        let Some(stored) = rest
            .get(end..total)
            .and_then(|c| <[u8; 4]>::try_from(c).ok())
        else {
            continue;
        };
        let prefix = prefix.get_or_insert_with(|| crc32c_prefixes(rest));
        if crc32c_of_range(prefix, i, end).map(u32::to_be_bytes) == Some(stored) {
            return true;
        }
    }
    false
}

/// Is a file of `len` bytes beginning with `start` (its first bytes, at least four when it has
/// them) certainly not a ledger, without reading the rest? True when it does not begin with
/// [`MAGIC`] and is over [`MAX_UNSYNCED`] bytes: [`scan`] of the whole file says
/// [`Tail::NotALedger`] then too. Lets a writer refuse a large foreign file before reading it.
pub fn foreign_at_start(start: &[u8], len: u64) -> bool {
    len > MAX_UNSYNCED as u64 && foreign_start(start)
}

/// Does the start of the file say "not a ledger": its first bytes are neither [`MAGIC`] nor,
/// for a file shorter than the magic, a prefix of it?
fn foreign_start(buf: &[u8]) -> bool {
    !buf.is_empty() && !MAGIC.starts_with(buf.get(..4).unwrap_or(buf))
}

/// Splits a ledger file into its frames and classifies its tail (torn or corrupt), following
/// the rule in the module documentation.
pub fn scan(buf: &[u8]) -> Scan<'_> {
    let mut records = Vec::new();
    let mut pos = 0usize;
    while let Some(rest) = buf.get(pos..).filter(|r| !r.is_empty()) {
        match read_frame(rest) {
            Ok((record, len)) => {
                records.push(Framed {
                    offset: pos as u64,
                    record,
                });
                pos += len;
            }
            Err(reason) => {
                let (offset, len) = (pos as u64, rest.len() as u64);
                let crash_like = rest.len() <= MAX_UNSYNCED && !holds_a_frame(rest);
                let tail =
                    if pos == 0 && foreign_start(rest) && (crash_like || rest.len() > MAX_UNSYNCED)
                    {
                        // Not ours: no frame at the start and none after it (or too big to be
                        // one batch). A damaged first frame followed by valid frames is corruption.
                        Tail::NotALedger { len }
                    } else if crash_like {
                        Tail::Torn {
                            offset,
                            len,
                            reason,
                        }
                    } else {
                        Tail::Corrupt {
                            offset,
                            len,
                            reason,
                        }
                    };
                return Scan {
                    records,
                    valid_len: offset,
                    tail,
                };
            }
        }
    }
    Scan {
        records,
        valid_len: pos as u64,
        tail: Tail::Clean,
    }
}
