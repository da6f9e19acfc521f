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

use ring::rand::SecureRandom;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::artefact::Cti;
use crate::cbor::{write_head, Reader};
use crate::cose;
use crate::error::{Code, HasCode};
use crate::keys::{sha256, SigningKey, TrustStore};
use crate::verify::check_profile_headers;
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

/// What happened to a consent artefact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum EventKind {
    /// The principal gave consent (an artefact was issued).
    Granted,
    /// The principal refused consent.
    Denied,
    /// The principal withdrew consent.
    Withdrawn,
    /// Consent was paused.
    Suspended,
    /// Paused consent was resumed.
    Resumed,
    /// Consent reached its `exp`.
    Expired,
    /// Data was used under the artefact.
    Used,
    /// Data was shared with a recipient under the artefact.
    Shared,
    /// Data was erased (purpose served or consent withdrawn).
    Erased,
}

impl EventKind {
    /// Every kind.
    pub const ALL: &'static [EventKind] = &[
        EventKind::Granted,
        EventKind::Denied,
        EventKind::Withdrawn,
        EventKind::Suspended,
        EventKind::Resumed,
        EventKind::Expired,
        EventKind::Used,
        EventKind::Shared,
        EventKind::Erased,
    ];

    /// The wire and JSON name, e.g. `"withdrawn"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::Granted => "granted",
            EventKind::Denied => "denied",
            EventKind::Withdrawn => "withdrawn",
            EventKind::Suspended => "suspended",
            EventKind::Resumed => "resumed",
            EventKind::Expired => "expired",
            EventKind::Used => "used",
            EventKind::Shared => "shared",
            EventKind::Erased => "erased",
        }
    }

    /// The kind with this name, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        EventKind::ALL.iter().copied().find(|k| k.as_str() == name)
    }
}

/// Wire name of the checkpoint record kind.
const CHECKPOINT_KIND: &str = "checkpoint";

/// A consent event, as a caller records it. Its JSON form (one line of `ledger append
/// --stdin`) is `{"event": "shared", "sub": .., "cti": base64url, "recipient": .., "purpose": ..}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// What happened.
    #[serde(rename = "event")]
    pub kind: EventKind,
    /// The data principal's pseudonymous id (never a raw identifier).
    pub sub: String,
    /// The consent artefact's id.
    pub cti: Cti,
    /// Who received or used the data, when it matters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// The purpose code, when it matters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
}

impl Event {
    /// An event without recipient or purpose.
    pub fn new(kind: EventKind, sub: &str, cti: Cti) -> Self {
        Event {
            kind,
            sub: sub.to_owned(),
            cti,
            recipient: None,
            purpose: None,
        }
    }

    /// Sets the recipient.
    #[must_use]
    pub fn recipient(mut self, recipient: &str) -> Self {
        self.recipient = Some(recipient.to_owned());
        self
    }

    /// Sets the purpose.
    #[must_use]
    pub fn purpose(mut self, purpose: &str) -> Self {
        self.purpose = Some(purpose.to_owned());
        self
    }

    /// Parses and checks the JSON form.
    pub fn from_json(json: &str) -> Result<Self, LedgerError> {
        // serde_json's messages may quote values (a `sub` of the wrong type): a fixed reason.
        let ev: Event = serde_json::from_str(json).map_err(|_| {
            invalid(
                "event",
                "not a json event object with `event`, `sub`, `cti` (base64url, 16 bytes) and optional `recipient`, `purpose`",
            )
        })?;
        ev.validate()?;
        Ok(ev)
    }

    /// Checks the text fields: `sub` non-empty, every text at most [`MAX_TEXT_LEN`] bytes,
    /// `recipient` and `purpose` non-empty when present.
    pub fn validate(&self) -> Result<(), LedgerError> {
        check_text("sub", &self.sub)?;
        if let Some(r) = &self.recipient {
            check_text("recipient", r)?;
        }
        if let Some(p) = &self.purpose {
            check_text("purpose", p)?;
        }
        Ok(())
    }
}

fn check_text(field: &'static str, s: &str) -> Result<(), LedgerError> {
    if s.is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if s.len() > MAX_TEXT_LEN {
        return Err(invalid(field, "longer than 256 bytes"));
    }
    Ok(())
}

/// What a record holds.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Body {
    /// A consent event.
    Event(Event),
    /// A checkpoint: the tagged COSE_Sign1 bytes.
    Checkpoint(Vec<u8>),
}

/// One decoded record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Position in the ledger.
    pub seq: u64,
    /// Seconds since the epoch.
    pub time: i64,
    /// SHA-256 of the previous record ([`GENESIS_PREV`] for the first).
    pub prev: [u8; 32],
    /// The event or checkpoint.
    pub body: Body,
}

fn write_text(out: &mut Vec<u8>, s: &str) {
    write_head(out, 3, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn write_bytes(out: &mut Vec<u8>, b: &[u8]) {
    write_head(out, 2, b.len() as u64);
    out.extend_from_slice(b);
}

fn write_int(out: &mut Vec<u8>, v: i64) {
    if v >= 0 {
        write_head(out, 0, v.unsigned_abs());
    } else {
        write_head(out, 1, (-1 - v).unsigned_abs());
    }
}

impl Entry {
    /// The deterministic CBOR encoding (keys written in ascending order, shortest heads).
    ///
    /// Checks the event's text fields and the size cap.
    pub fn to_cbor(&self) -> Result<Vec<u8>, LedgerError> {
        let mut out = Vec::with_capacity(128);
        let (n, kind) = match &self.body {
            Body::Event(ev) => {
                ev.validate()?;
                (
                    6 + u64::from(ev.recipient.is_some()) + u64::from(ev.purpose.is_some()),
                    ev.kind.as_str(),
                )
            }
            Body::Checkpoint(_) => (5, CHECKPOINT_KIND),
        };
        write_head(&mut out, 5, n);
        write_head(&mut out, 0, key::SEQ);
        write_head(&mut out, 0, self.seq);
        write_head(&mut out, 0, key::TIME);
        write_int(&mut out, self.time);
        write_head(&mut out, 0, key::PREV);
        write_bytes(&mut out, &self.prev);
        write_head(&mut out, 0, key::KIND);
        write_text(&mut out, kind);
        match &self.body {
            Body::Event(ev) => {
                write_head(&mut out, 0, key::SUB);
                write_text(&mut out, &ev.sub);
                write_head(&mut out, 0, key::CTI);
                write_bytes(&mut out, &ev.cti.0);
                if let Some(r) = &ev.recipient {
                    write_head(&mut out, 0, key::RECIPIENT);
                    write_text(&mut out, r);
                }
                if let Some(p) = &ev.purpose {
                    write_head(&mut out, 0, key::PURPOSE);
                    write_text(&mut out, p);
                }
            }
            Body::Checkpoint(cose) => {
                write_head(&mut out, 0, key::CHECKPOINT);
                write_bytes(&mut out, cose);
            }
        }
        if out.len() > MAX_ENTRY_SIZE {
            return Err(LedgerError::TooLarge {
                size: out.len(),
                max: MAX_ENTRY_SIZE,
            });
        }
        Ok(out)
    }

    /// Strictly decodes one record: exactly one deterministic CBOR map, no unknown keys, every
    /// field of the right type, the fields of its kind and no others.
    pub fn from_cbor(bytes: &[u8]) -> Result<Self, LedgerError> {
        if bytes.len() > MAX_ENTRY_SIZE {
            return Err(LedgerError::TooLarge {
                size: bytes.len(),
                max: MAX_ENTRY_SIZE,
            });
        }
        let mut r = Reader::new(bytes);
        let mut keys = r.map()?;
        let (mut seq, mut time, mut prev, mut kind) = (None, None, None, None);
        let (mut sub, mut cti, mut recipient, mut purpose, mut checkpoint) =
            (None, None, None, None, None);
        for _ in 0..keys.len {
            let start = r.position();
            let k = r.uint()?;
            keys.check(&r, start)?;
            match k {
                key::SEQ => seq = Some(r.uint()?),
                key::TIME => time = Some(r.int()?),
                key::PREV => {
                    prev = Some(
                        <[u8; 32]>::try_from(r.bytes()?)
                            .map_err(|_| invalid("prev", "must be 32 bytes"))?,
                    );
                }
                key::KIND => kind = Some(r.text()?),
                key::SUB => sub = Some(r.text()?.to_owned()),
                key::CTI => {
                    cti = Some(Cti(<[u8; 16]>::try_from(r.bytes()?)
                        .map_err(|_| invalid("cti", "must be 16 bytes"))?));
                }
                key::RECIPIENT => recipient = Some(r.text()?.to_owned()),
                key::PURPOSE => purpose = Some(r.text()?.to_owned()),
                key::CHECKPOINT => checkpoint = Some(r.bytes()?.to_vec()),
                _ => return Err(invalid("record", "unknown key")),
            }
        }
        r.leave();
        r.finish()?;
        let seq = seq.ok_or_else(|| invalid("seq", "missing"))?;
        let time = time.ok_or_else(|| invalid("time", "missing"))?;
        let prev = prev.ok_or_else(|| invalid("prev", "missing"))?;
        let kind = kind.ok_or_else(|| invalid("kind", "missing"))?;
        let body = if kind == CHECKPOINT_KIND {
            if sub.is_some() || cti.is_some() || recipient.is_some() || purpose.is_some() {
                return Err(invalid("checkpoint", "holds event fields"));
            }
            Body::Checkpoint(checkpoint.ok_or_else(|| invalid("checkpoint", "missing"))?)
        } else {
            let kind = EventKind::from_name(kind).ok_or_else(|| invalid("kind", "unknown"))?;
            if checkpoint.is_some() {
                return Err(invalid("checkpoint", "present in an event"));
            }
            let ev = Event {
                kind,
                sub: sub.ok_or_else(|| invalid("sub", "missing"))?,
                cti: cti.ok_or_else(|| invalid("cti", "missing"))?,
                recipient,
                purpose,
            };
            ev.validate()?;
            Body::Event(ev)
        };
        Ok(Entry {
            seq,
            time,
            prev,
            body,
        })
    }

    /// The event, if this record is one.
    pub fn event(&self) -> Option<&Event> {
        match &self.body {
            Body::Event(e) => Some(e),
            Body::Checkpoint(_) => None,
        }
    }

    /// The JSON form of an event record, as exported to the principal, with `hash` = SHA-256
    /// of the record: `{"seq", "time", "event", "sub", "cti", "recipient"?, "purpose"?, "prev",
    /// "hash"}` (bytes as base64url). A checkpoint has `"event": "checkpoint"` and `"cose"`.
    pub fn to_json_value(&self, hash: &[u8; 32]) -> serde_json::Value {
        let mut v = match &self.body {
            Body::Event(ev) => serde_json::to_value(ev).unwrap_or_default(),
            Body::Checkpoint(c) => {
                serde_json::json!({ "event": CHECKPOINT_KIND, "cose": crate::b64::encode(c) })
            }
        };
        if let Some(o) = v.as_object_mut() {
            o.insert("seq".into(), self.seq.into());
            o.insert("time".into(), self.time.into());
            o.insert("prev".into(), crate::b64::encode(&self.prev).into());
            o.insert("hash".into(), crate::b64::encode(hash).into());
        }
        v
    }
}

/// The chain state a writer appends to: the next `seq` and the hash of the last record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Head {
    /// The `seq` the next record gets (= number of records so far).
    pub next_seq: u64,
    /// SHA-256 of the last record ([`GENESIS_PREV`] when empty).
    pub hash: [u8; 32],
}

impl Head {
    /// The head of an empty ledger.
    pub const GENESIS: Head = Head {
        next_seq: 0,
        hash: GENESIS_PREV,
    };

    /// The head after the record `last` (its bytes as stored).
    pub fn after(last: &[u8]) -> Result<Head, LedgerError> {
        let e = Entry::from_cbor(last)?;
        Ok(Head {
            next_seq: e.seq.saturating_add(1),
            hash: sha256(last),
        })
    }

    /// Encodes `body` as the next record at `time` and advances the head. Returns the record's
    /// bytes (frame them with [`frame_into`] to store them).
    pub fn append(&mut self, time: i64, body: Body) -> Result<Vec<u8>, LedgerError> {
        let bytes = Entry {
            seq: self.next_seq,
            time,
            prev: self.hash,
            body,
        }
        .to_cbor()?;
        self.next_seq += 1;
        self.hash = sha256(&bytes);
        Ok(bytes)
    }

    /// Appends an event; see [`Head::append`].
    pub fn append_event(&mut self, time: i64, event: &Event) -> Result<Vec<u8>, LedgerError> {
        self.append(time, Body::Event(event.clone()))
    }

    /// Signs a checkpoint over the current head at `time` and appends it; see [`Head::append`].
    pub fn append_checkpoint(
        &mut self,
        time: i64,
        key: &SigningKey,
        rng: &dyn SecureRandom,
    ) -> Result<Vec<u8>, LedgerError> {
        let payload = checkpoint_payload(self.next_seq, &self.hash, time);
        let cose = cose::sign1(&payload, CHECKPOINT_TYP, key, rng)?;
        self.append(time, Body::Checkpoint(cose))
    }
}

fn checkpoint_payload(seq: u64, prev: &[u8; 32], time: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(48);
    write_head(&mut out, 5, 3);
    write_head(&mut out, 0, 1);
    write_head(&mut out, 0, seq);
    write_head(&mut out, 0, 2);
    write_bytes(&mut out, prev);
    write_head(&mut out, 0, 3);
    write_int(&mut out, time);
    out
}

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

/// Appends the frame of one record to `out`.
pub fn frame_into(record: &[u8], out: &mut Vec<u8>) -> Result<(), LedgerError> {
    if record.is_empty() || record.len() > MAX_ENTRY_SIZE {
        return Err(LedgerError::TooLarge {
            size: record.len(),
            max: MAX_ENTRY_SIZE,
        });
    }
    let start = out.len();
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&(record.len() as u32).to_be_bytes());
    out.extend_from_slice(record);
    let crc = crc32c(out.get(start..).unwrap_or_default());
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
    let header = buf.get(..8).ok_or("incomplete frame header")?;
    if header.get(..4) != Some(&MAGIC[..]) {
        return Err("bad magic");
    }
    let mut len = [0u8; 4];
    len.copy_from_slice(header.get(4..8).unwrap_or(&[0; 4]));
    let len = u32::from_be_bytes(len) as usize;
    if len == 0 || len > MAX_ENTRY_SIZE {
        return Err("bad length");
    }
    let total = len + FRAME_OVERHEAD;
    let body = buf
        .get(..len + 8)
        .ok_or("record cut off by the end of the file")?;
    let crc = buf
        .get(len + 8..total)
        .ok_or("record cut off by the end of the file")?;
    if crc32c(body).to_be_bytes() != crc {
        return Err("checksum mismatch");
    }
    Ok((body.get(8..).unwrap_or_default(), total))
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
        if !cand.starts_with(&MAGIC) {
            continue;
        }
        let mut len = [0u8; 4];
        len.copy_from_slice(cand.get(4..8).unwrap_or(&[0; 4]));
        let len = u32::from_be_bytes(len) as usize;
        if len == 0 || len > MAX_ENTRY_SIZE {
            continue;
        }
        let (end, total) = (i + 8 + len, i + len + FRAME_OVERHEAD);
        let Some(stored) = rest.get(end..total) else {
            continue;
        };
        let prefix = prefix.get_or_insert_with(|| crc32c_prefixes(rest));
        if crc32c_of_range(prefix, i, end).map(u32::to_be_bytes)
            == Some([
                stored.first().copied().unwrap_or(0),
                stored.get(1).copied().unwrap_or(0),
                stored.get(2).copied().unwrap_or(0),
                stored.get(3).copied().unwrap_or(0),
            ])
        {
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
fn walk(
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
fn tail_error(scan: &Scan<'_>, tail: Tail) -> Option<BadRecord> {
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

/// All event records of the data principal `sub`, in order, as JSON objects (one JSON line
/// each; see [`Entry::to_json_value`]). The chain is checked on the way (framing, records,
/// links), checkpoint signatures are not: use [`verify`] for that.
pub fn export(buf: &[u8], sub: &str) -> Result<Vec<serde_json::Value>, BadRecord> {
    let mut out = Vec::new();
    walk(buf, None, &VerifyOptions::default(), |e, h| {
        if e.event().is_some_and(|ev| ev.sub == sub) {
            out.push(e.to_json_value(h));
        }
    })?;
    Ok(out)
}

/// `crc32c(&data[..k])` for every `k` in `0..=data.len()`.
fn crc32c_prefixes(data: &[u8]) -> Vec<u32> {
    let mut out = Vec::with_capacity(data.len() + 1);
    let mut crc = !0u32;
    out.push(0);
    for &b in data {
        let idx = usize::from((crc as u8) ^ b);
        crc = (crc >> 8) ^ CRC_TABLE.get(idx).copied().unwrap_or(0);
        out.push(!crc);
    }
    out
}

/// `crc32c(&data[start..end])` from the prefix CRCs of `data` ([`crc32c_prefixes`]), in
/// O(log(end - start)): CRC is linear, so `crc(A ++ B) = crc(A) * x^(8 |B|) + crc(B)` (mod the
/// polynomial; zlib's `crc32_combine`), solved for `crc(B)`.
fn crc32c_of_range(prefix: &[u32], start: usize, end: usize) -> Option<u32> {
    let a = *prefix.get(start)?;
    let ab = *prefix.get(end)?;
    let n = end.checked_sub(start)?;
    Some(ab ^ gf2_mul(x8n_mod_p(n as u64), a))
}

/// Reflected CRC-32C polynomial.
const CRC_POLY: u32 = 0x82f6_3b78;

/// Product of two polynomials modulo the CRC polynomial (reflected bit order: x^0 is the top
/// bit).
const fn gf2_mul(a: u32, mut b: u32) -> u32 {
    let mut p = 0u32;
    let mut m = 1u32 << 31;
    while m != 0 {
        if a & m != 0 {
            p ^= b;
        }
        b = if b & 1 != 0 {
            (b >> 1) ^ CRC_POLY
        } else {
            b >> 1
        };
        m >>= 1;
    }
    p
}

/// `x^(2^k)` modulo the CRC polynomial, for k = 0..67 (enough for `x^(8 n)`, any 64-bit n).
const X2N: [u32; 67] = {
    let mut t = [0u32; 67];
    let mut p = 1u32 << 30; // x^1
    let mut k = 0;
    while k < 67 {
        #[expect(
            clippy::indexing_slicing,
            reason = "const evaluation: an out-of-range index fails the build, not at run time"
        )]
        {
            t[k] = p;
        }
        p = gf2_mul(p, p);
        k += 1;
    }
    t
};

/// `x^(8 n)` modulo the CRC polynomial: the operator that shifts a CRC past `n` zero bytes.
fn x8n_mod_p(mut n: u64) -> u32 {
    let mut p = 1u32 << 31; // x^0
    let mut k = 3usize; // x^(8 n) = x^(n * 2^3)
    while n != 0 {
        if n & 1 != 0 {
            p = gf2_mul(X2N.get(k).copied().unwrap_or(0), p);
        }
        n >>= 1;
        k += 1;
    }
    p
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as used by iSCSI, ext4 and LevelDB.
///
/// ```
/// assert_eq!(consentry::ledger::crc32c(b"123456789"), 0xe306_9283);
/// ```
pub fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        let idx = usize::from((crc as u8) ^ b);
        crc = (crc >> 8) ^ CRC_TABLE.get(idx).copied().unwrap_or(0);
    }
    !crc
}

#[expect(
    clippy::indexing_slicing,
    reason = "const evaluation: an out-of-range index fails the build, not at run time"
)]
const CRC_TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 {
                (c >> 1) ^ 0x82f6_3b78
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn range_crcs_from_prefixes_equal_direct_crcs() {
        let mut data = Vec::new();
        let mut x = 0x2545_f491_u32;
        for _ in 0..5000 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            data.push(x as u8);
        }
        let prefix = crc32c_prefixes(&data);
        assert_eq!(prefix[data.len()], crc32c(&data));
        for (start, end) in [
            (0, 0),
            (0, 1),
            (3, 3),
            (1, 4999),
            (17, 4113),
            (4999, 5000),
            (0, 5000),
        ] {
            assert_eq!(
                crc32c_of_range(&prefix, start, end),
                Some(crc32c(&data[start..end])),
                "{start}..{end}"
            );
        }
        assert_eq!(crc32c_of_range(&prefix, 10, 5001), None);
        assert_eq!(crc32c_of_range(&prefix, 11, 10), None);
    }
}
