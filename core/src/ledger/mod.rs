//! The consent ledger: an append-only, hash-chained log of consent events with signed
//! checkpoints, its on-disk framing, verification and the per-principal export.
//!
//! # Records
//!
//! A ledger is a sequence of records numbered from 0. Each record is one deterministic CBOR
//! map (RFC 8949 §4.2.1) and is either a consent **event** or a signed **checkpoint**:
//!
//! ```text
//! record = {
//!   0 => uint,             ; seq: the record's position, 0, 1, 2, ...
//!   1 => int,              ; time, seconds since the epoch (from the writer's clock)
//!   2 => bstr .size 32,    ; prev: SHA-256 of the previous record's bytes; 32 zero bytes for seq 0
//!   3 => tstr,             ; kind: "granted" / "denied" / "withdrawn" / "suspended" / "resumed" /
//!                          ;       "expired" / "used" / "shared" / "erased" / "checkpoint"
//!   ? 4 => tstr,           ; sub: the data principal's pseudonymous id (events: required)
//!   ? 5 => bstr .size 16,  ; cti: the consent artefact's id (events: required)
//!   ? 6 => tstr,           ; recipient (events: optional)
//!   ? 7 => tstr,           ; purpose code (events: optional)
//!   ? 8 => bstr,           ; checkpoint: a tagged COSE_Sign1 (checkpoints: required, alone)
//! }
//! ```
//!
//! The hash of a record is SHA-256 of exactly these bytes. A **checkpoint** is a record whose
//! COSE_Sign1 (protected header `alg`, `kid` = RFC 9679 thumbprint, `typ` = [`CHECKPOINT_TYP`])
//! signs `{1: seq, 2: prev, 3: time}`: the checkpoint's own seq, prev and time, that is, the
//! number of records it covers, the hash of the last of them, and when it was made.
//!
//! # Verification
//!
//! [`verify`] walks the records in order and reports the **first** bad one ([`BadRecord`]): a
//! damaged frame that is not a torn tail, an undecodable or invalid record, a wrong `seq`
//! (a record missing, inserted or out of order), a `prev` that is not the previous record's
//! hash, or a checkpoint whose signature, key or signed values do not hold. Where the evidence
//! pins the culprit it is named rather than its neighbour: an edited record is reported itself
//! (its successor, confirmed by the record after it or by its own checkpoint signature, holds
//! a different hash for it), and an inserted record is reported itself (the record after it
//! claims the same place and is confirmed).
//!
//! Any edit, deletion, reordering or insertion before the last checkpoint is detected: either
//! the chain breaks, or, if the rewriter recomputed every later hash, the checkpoint's signed
//! head no longer matches (the checkpoint is then reported). Records after the last checkpoint
//! are protected by the chain only; truncation of the ledger back to an earlier point, last
//! checkpoint included, is only detectable against a checkpoint kept elsewhere (see
//! [`Report::sealed`]).
//!
//! # Framing (files)
//!
//! On disk every record is framed as
//!
//! ```text
//! magic "CLg1" (4 bytes) | len: u32 big-endian (1..=MAX_ENTRY_SIZE) | record (len bytes) | crc
//! ```
//!
//! where `crc` is CRC-32C (Castagnoli) over magic, len and record, stored big-endian. A writer
//! appends whole frames and must fsync before more than [`MAX_UNSYNCED`] bytes are written and
//! not yet synced (its group-commit batch cap); an append is acknowledged only after its fsync.
//!
//! **Torn tail versus corruption.** [`scan`] reads frames from the start. At the first offset
//! `o` where a frame is not complete and valid (short header, bad magic, bad length, record
//! cut off by the end of the file, or CRC mismatch), the rest of the file `[o, end)` is:
//!
//! - a **torn tail** if `end - o <= MAX_UNSYNCED` **and** no complete, valid frame starts
//!   anywhere in `(o, end)`: what an interrupted append leaves (a prefix of its batch cut inside
//!   a frame, or zeros where the file grew but the data never reached the disk). None of it was
//!   acknowledged: an append is acknowledged only after the fsync that made every byte before
//!   it durable, and the damage lies before it. Readers ignore it and report it; writers
//!   refuse to append ([`LedgerError::TornTail`], naming its offset and size) and write
//!   nothing: only an explicit repair ([`repair_plan`]) removes it, after showing what it drops.
//! - **corruption** otherwise: a valid frame after the damage, or more than one batch of data,
//!   cannot come from a crashed append. Nothing is truncated; [`verify`] reports it as the first
//!   bad record ([`LedgerError::Frame`]) and writers refuse to append.
//!
//! A file whose first bytes are not [`MAGIC`] (nor, under four bytes, a prefix of it) and that
//! holds no valid frame is **not a ledger** ([`Tail::NotALedger`], [`LedgerError::NotALedger`]):
//! writers and repair refuse it, whatever its size, and never truncate it. The search for a
//! valid frame after damage is linear in the size of the tail (candidate frames' checksums are
//! derived from prefix checksums, not recomputed over each candidate's bytes), and a tail over
//! [`MAX_UNSYNCED`] is corrupt without a search.
//!
//! **Time.** Records carry the writer's clock, which may step back. [`verify`] counts records
//! whose time is earlier than their predecessor's and reports the first
//! ([`Report::first_time_backwards`]); [`verify_with`] and [`VerifyOptions::strict`] make that
//! an error ([`LedgerError::TimeBackwards`]), as well as a torn tail. A caller that keeps an
//! anchor checks it with [`VerifyOptions::expect_head`] and [`VerifyOptions::sealed`].
//!
//! So a record sealed by a checkpoint is never dropped as a torn tail (its checkpoint's valid
//! frame follows it), and damage to any record but the last is reported, not repaired. The one
//! ambiguity left is damage confined to the final frame, which looks exactly like an
//! interrupted append; the chain cannot tell it from truncation either. This rests on the usual
//! storage assumptions: fsynced data is stable and a sector is written whole or not at all.
//!
//! ```
//! use consentry::ledger::{self, Event, EventKind, Head};
//! use consentry::{Cti, SigningKey, TrustStore};
//!
//! let rng = ring::rand::SystemRandom::new();
//! let key = SigningKey::from_ed25519_seed(&[7; 32])?;
//! let mut head = Head::GENESIS;
//! let mut file = Vec::new();
//! let ev = Event::new(EventKind::Granted, "pp-7f3a", Cti([1; 16])).recipient("tn.health");
//! ledger::frame_into(&head.append_event(1_764_300_000, &ev)?, &mut file)?;
//! ledger::frame_into(&head.append_checkpoint(1_764_300_060, &key, &rng)?, &mut file)?;
//!
//! let mut trust = TrustStore::new();
//! trust.add(key.verifying_key().clone())?;
//! let report = ledger::verify(&file, &trust)?;
//! assert_eq!((report.records, report.sealed), (2, 2));
//! assert_eq!(ledger::export(&file, "pp-7f3a")?.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use thiserror::Error;

use crate::error::{Code, HasCode};
use crate::{CborError, KeyError, VerifyError};

/// Media type in the `typ` header of a ledger checkpoint.
pub const CHECKPOINT_TYP: &str = "application/vnd.consentry.ledger-checkpoint+cbor";
/// The four bytes that open every frame.
pub const MAGIC: [u8; 4] = *b"CLg1";
/// Bytes a frame adds around a record: magic, length, CRC-32C.
pub const FRAME_OVERHEAD: usize = 12;
/// Largest record a frame may hold.
pub const MAX_ENTRY_SIZE: usize = 64 * 1024;
/// Most bytes a writer may have written and not yet fsynced; the torn-tail bound.
pub const MAX_UNSYNCED: usize = 1024 * 1024;
/// Longest `sub`, `recipient` or `purpose`, in bytes.
pub const MAX_TEXT_LEN: usize = 256;
/// `prev` of the first record.
pub const GENESIS_PREV: [u8; 32] = [0; 32];

mod crc;
mod export;
mod frame;
mod record;
mod repair;
mod verify;

pub use crc::crc32c;
pub use export::export;
pub use frame::{foreign_at_start, frame_into, scan, Framed, Scan, Tail};
pub use record::{Body, Entry, Event, EventKind, Head};
pub use repair::{repair_plan, writer_head, Repair};
pub use verify::{verify, verify_with, Report, TimeBackwards, VerifyOptions};

use record::CHECKPOINT_KIND;

mod key {
    pub(super) const SEQ: u64 = 0;
    pub(super) const TIME: u64 = 1;
    pub(super) const PREV: u64 = 2;
    pub(super) const KIND: u64 = 3;
    pub(super) const SUB: u64 = 4;
    pub(super) const CTI: u64 = 5;
    pub(super) const RECIPIENT: u64 = 6;
    pub(super) const PURPOSE: u64 = 7;
    pub(super) const CHECKPOINT: u64 = 8;
}

/// Why a ledger, a record or an event was refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// A damaged frame followed by more data than one crashed append can leave.
    #[error("damaged record frame ({reason}) followed by {following} bytes: corruption, not a torn tail")]
    Frame {
        /// what is wrong with the frame
        reason: &'static str,
        /// bytes from the damaged frame to the end of the file
        following: u64,
    },
    /// The record is not strict, deterministic CBOR.
    #[error("record: {source}")]
    Cbor {
        /// the CBOR violation
        source: CborError,
    },
    /// A record or event breaks a rule of the format.
    #[error("record `{field}` is invalid: {reason}")]
    Invalid {
        /// the field at fault
        field: &'static str,
        /// the rule that is broken (never the value)
        reason: &'static str,
    },
    /// A record out of place: one is missing, inserted or reordered.
    #[error(
        "`seq` is {found}, expected {expected}: a record is missing, inserted or out of order"
    )]
    BadSeq {
        /// the position of the record
        expected: u64,
        /// its `seq`
        found: u64,
    },
    /// `prev` is not the hash of the previous record.
    #[error("`prev` is not the hash of the previous record: the chain is broken here")]
    BadLink,
    /// The record's hash differs from the one its confirmed successor holds.
    #[error(
        "the record's hash differs from the `prev` its successor holds: the record was altered"
    )]
    Altered,
    /// The record takes a place that its confirmed successor claims.
    #[error("the next record claims this record's place and links to its predecessor: this record was inserted")]
    Inserted,
    /// The checkpoint's COSE_Sign1 is malformed, from an unknown key or badly signed.
    #[error("checkpoint: {source}")]
    Checkpoint {
        /// why it was refused
        source: VerifyError,
    },
    /// The checkpoint's signed values differ from the record that carries it.
    #[error("checkpoint signs a different `{field}` than its record holds: the records before it were altered")]
    CheckpointMismatch {
        /// `seq`, `prev` or `time`
        field: &'static str,
    },
    /// Signing a checkpoint failed.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A record over [`MAX_ENTRY_SIZE`].
    #[error("record is {size} bytes, over the cap of {max}")]
    TooLarge {
        /// its size
        size: usize,
        /// the cap
        max: usize,
    },
    /// The file does not begin with [`MAGIC`] and holds no valid frame: it is not a ledger.
    #[error("the file does not begin with the ledger magic `CLg1`: it is not a ledger, or its first frame is damaged ({len} bytes); nothing in it is touched")]
    NotALedger {
        /// the file's size
        len: u64,
    },
    /// The ledger ends in a torn tail: writers stop until `ledger repair` removes it.
    #[error("the ledger ends in {len} bytes that are not a complete record, at byte {offset} ({reason}): an interrupted append; nothing was written (run `consentry ledger repair` to see and remove them)")]
    TornTail {
        /// where the torn bytes begin
        offset: u64,
        /// how many bytes
        len: u64,
        /// what is wrong with the frame there
        reason: &'static str,
    },
    /// The record's time is earlier than its predecessor's.
    #[error(
        "`time` is {time}, earlier than the previous record's {previous}: time runs backwards"
    )]
    TimeBackwards {
        /// the record's time
        time: i64,
        /// its predecessor's time
        previous: i64,
    },
    /// The chain's head is not the hash the caller expects.
    #[error("the ledger's head is not the expected hash: records were lost, added or replaced since the anchor was taken")]
    HeadMismatch,
    /// The ledger does not end with a checkpoint that covers every record.
    #[error(
        "the ledger is not sealed: {unsealed} of {records} records follow the last checkpoint"
    )]
    NotSealed {
        /// records after the last checkpoint
        unsealed: u64,
        /// records in all
        records: u64,
    },
}

impl HasCode for LedgerError {
    fn code(&self) -> Code {
        match self {
            LedgerError::Frame { .. } => Code::LedgerFrameCorrupt,
            LedgerError::Cbor { .. } => Code::LedgerEntryUndecodable,
            LedgerError::Invalid { .. } => Code::LedgerEntryInvalid,
            LedgerError::BadSeq { .. } => Code::LedgerBadSeq,
            LedgerError::BadLink => Code::LedgerBadLink,
            LedgerError::Altered => Code::LedgerEntryAltered,
            LedgerError::Inserted => Code::LedgerEntryInserted,
            LedgerError::Checkpoint { .. } => Code::LedgerCheckpointInvalid,
            LedgerError::CheckpointMismatch { .. } => Code::LedgerCheckpointMismatch,
            LedgerError::TooLarge { .. } => Code::LedgerEntryTooLarge,
            LedgerError::NotALedger { .. } => Code::LedgerNotALedger,
            LedgerError::TornTail { .. } => Code::LedgerTornTail,
            LedgerError::TimeBackwards { .. } => Code::LedgerTimeBackwards,
            LedgerError::HeadMismatch => Code::LedgerHeadMismatch,
            LedgerError::NotSealed { .. } => Code::LedgerNotSealed,
            LedgerError::Key(e) => e.code(),
        }
    }
}

impl From<CborError> for LedgerError {
    fn from(source: CborError) -> Self {
        LedgerError::Cbor { source }
    }
}

/// The first bad record of a ledger: where it is and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("record {index} (byte {offset}): {error}")]
pub struct BadRecord {
    /// Its position (the `seq` it should have).
    pub index: u64,
    /// Byte offset of its frame in the file (0 when checking records without frames).
    pub offset: u64,
    /// What is wrong.
    pub error: LedgerError,
}

impl HasCode for BadRecord {
    fn code(&self) -> Code {
        self.error.code()
    }
}

fn invalid(field: &'static str, reason: &'static str) -> LedgerError {
    LedgerError::Invalid { field, reason }
}
