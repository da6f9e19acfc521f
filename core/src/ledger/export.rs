//! The per-principal export: a principal's event records as JSON.

use super::verify::walk;
use super::{BadRecord, Body, Entry, VerifyOptions, CHECKPOINT_KIND};

impl Entry {
    /// The JSON form of an event record, as exported to the principal, with `hash` = SHA-256
    /// of the record: `{"seq", "time", "event", "sub", "cti", "recipient"?, "purpose"?, "prev",
    /// "hash"}` (bytes as base64url). A checkpoint has `"event": "checkpoint"` and `"cose"`.
    pub fn to_json_value(&self, hash: &[u8; 32]) -> serde_json::Value {
        let mut v = match &self.body {
            Body::Event(ev) => {
                // The event's own members, as its serde form writes them (built by hand: no
                // serialiser that could fail).
                let mut o = serde_json::Map::new();
                o.insert("event".into(), ev.kind.as_str().into());
                o.insert("sub".into(), ev.sub.clone().into());
                o.insert("cti".into(), ev.cti.to_base64().into());
                if let Some(r) = &ev.recipient {
                    o.insert("recipient".into(), r.clone().into());
                }
                if let Some(p) = &ev.purpose {
                    o.insert("purpose".into(), p.clone().into());
                }
                serde_json::Value::Object(o)
            }
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

/// All event records of the data principal `sub`, in order, as JSON objects (one JSON line
/// each; see [`Entry::to_json_value`]). The chain is checked on the way (framing, records,
/// links), checkpoint signatures are not: use [`verify`](super::verify()) for that.
pub fn export(buf: &[u8], sub: &str) -> Result<Vec<serde_json::Value>, BadRecord> {
    let mut out = Vec::new();
    walk(buf, None, &VerifyOptions::default(), |e, h| {
        if e.event().is_some_and(|ev| ev.sub == sub) {
            out.push(e.to_json_value(h));
        }
    })?;
    Ok(out)
}
