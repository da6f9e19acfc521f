//! Records: consent events, checkpoints, their deterministic CBOR and the chain head a writer
//! appends to.

use ring::rand::SecureRandom;
use serde::{Deserialize, Serialize};

use super::{
    invalid, key, LedgerError, CHECKPOINT_TYP, GENESIS_PREV, MAX_ENTRY_SIZE, MAX_TEXT_LEN,
};
use crate::artefact::Cti;
use crate::cbor::{Encoder, Reader};
use crate::cose;
use crate::keys::{sha256, SigningKey};

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
pub(super) const CHECKPOINT_KIND: &str = "checkpoint";

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

impl Entry {
    /// The deterministic CBOR encoding (keys in ascending order, shortest heads).
    ///
    /// Checks the event's text fields and the size cap.
    pub fn to_cbor(&self) -> Result<Vec<u8>, LedgerError> {
        let kind = match &self.body {
            Body::Event(ev) => {
                ev.validate()?;
                ev.kind.as_str()
            }
            Body::Checkpoint(_) => CHECKPOINT_KIND,
        };
        let mut e = Encoder::with_capacity(128);
        e.map(|m| {
            m.uint(key::SEQ, |e| e.uint(self.seq))
                .uint(key::TIME, |e| e.int(self.time))
                .uint(key::PREV, |e| e.bytes(&self.prev))
                .uint(key::KIND, |e| e.text(kind));
            match &self.body {
                Body::Event(ev) => {
                    m.uint(key::SUB, |e| e.text(&ev.sub))
                        .uint(key::CTI, |e| e.bytes(&ev.cti.0));
                    if let Some(r) = &ev.recipient {
                        m.uint(key::RECIPIENT, |e| e.text(r));
                    }
                    if let Some(p) = &ev.purpose {
                        m.uint(key::PURPOSE, |e| e.text(p));
                    }
                }
                Body::Checkpoint(cose) => {
                    m.uint(key::CHECKPOINT, |e| e.bytes(cose));
                }
            }
        });
        let out = e.finish()?;
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
    /// bytes (frame them with [`frame_into`](super::frame_into) to store them).
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

/// What a checkpoint signs: `{1: seq, 2: prev, 3: time}`.
pub(super) fn checkpoint_payload(seq: u64, prev: &[u8; 32], time: i64) -> Vec<u8> {
    let mut e = Encoder::with_capacity(48);
    e.map(|m| {
        m.uint(1, |e| e.uint(seq))
            .uint(2, |e| e.bytes(prev))
            .uint(3, |e| e.int(time));
    });
    e.finish_fixed()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn records_and_checkpoint_payloads_are_strict_deterministic_cbor() {
        let ev = Event::new(EventKind::Shared, "pp-1", Cti([3; 16]))
            .recipient("tn.health")
            .purpose("aa:101");
        for body in [
            Body::Event(ev.clone()),
            Body::Event(Event::new(EventKind::Granted, "pp-1", Cti([3; 16]))),
            Body::Checkpoint(vec![0xd2; 40]),
        ] {
            let e = Entry {
                seq: 300,
                time: -5,
                prev: [9; 32],
                body,
            };
            let b = e.to_cbor().unwrap();
            crate::cbor::check_strict(&b).unwrap();
            assert_eq!(Entry::from_cbor(&b).unwrap(), e);
        }
        let p = checkpoint_payload(u64::MAX, &[1; 32], i64::MIN);
        crate::cbor::check_strict(&p).unwrap();
    }
}
