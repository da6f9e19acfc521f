//! The consent artefact's claims (the CDDL in `docs/artefact.md`): the typed model
//! (`model.rs`), its builder (`builder.rs`), the rules types cannot express and the JSON view
//! (here), deterministic CBOR encoding (`encode.rs`) and strict decoding (`decode.rs`).

use ring::rand::SecureRandom;

use crate::cbor::{Encoder, Reader};
use crate::scope::Selector;
use crate::CborError;

mod error;
pub use error::{ClaimsError, IssueError};

/// CWT claim keys (RFC 8392) and the status claim of the Token Status List draft.
mod label {
    pub(super) const ISS: i64 = 1;
    pub(super) const SUB: i64 = 2;
    pub(super) const AUD: i64 = 3;
    pub(super) const EXP: i64 = 4;
    pub(super) const NBF: i64 = 5;
    pub(super) const IAT: i64 = 6;
    pub(super) const CTI: i64 = 7;
    pub(super) const STATUS: i64 = 65535;
    pub(super) const CONSENT: &str = "consent";
}

mod builder;
mod decode;
mod encode;
mod model;

pub use builder::ClaimsBuilder;
pub use model::{
    Audience, Claims, Consent, Cti, DataRange, Frequency, Grant, Grantor, GrantorRole, Mode,
    Notice, Status, StatusListRef, V1,
};

use decode::decode_claims;

fn cbor_err(claim: impl Into<String>, source: CborError) -> ClaimsError {
    ClaimsError::Cbor {
        claim: claim.into(),
        source,
    }
}

pub(super) fn invalid(claim: impl Into<String>, reason: &'static str) -> ClaimsError {
    ClaimsError::Invalid {
        claim: claim.into(),
        reason,
    }
}

fn nonempty(s: &str, claim: impl FnOnce() -> String) -> Result<(), ClaimsError> {
    if s.is_empty() {
        return Err(invalid(claim(), "must not be empty"));
    }
    Ok(())
}

impl Claims {
    /// Checks the profile's rules that types alone do not express.
    pub fn validate(&self) -> Result<(), ClaimsError> {
        nonempty(&self.iss, || "iss".into())?;
        nonempty(&self.sub, || "sub".into())?;
        match &self.aud {
            Audience::One(a) => nonempty(a, || "aud".into())?,
            Audience::Many(v) => {
                if v.is_empty() {
                    return Err(invalid("aud", "must name at least one recipient"));
                }
                for (i, a) in v.iter().enumerate() {
                    nonempty(a, || format!("aud[{i}]"))?;
                }
            }
        }
        if self.exp <= self.iat {
            return Err(invalid("exp", "must be after `iat`"));
        }
        if let Some(nbf) = self.nbf {
            if self.exp <= nbf {
                return Err(invalid("exp", "must be after `nbf`"));
            }
        }
        if let Some(st) = &self.status {
            nonempty(&st.status_list.uri, || "status.status_list.uri".into())?;
        }
        let c = &self.consent;
        nonempty(&c.basis, || "consent.basis".into())?;
        if c.purposes.is_empty() {
            return Err(invalid("consent.purposes", "must hold at least one grant"));
        }
        for (i, g) in c.purposes.iter().enumerate() {
            let at = |m: &str| format!("consent.purposes[{i}].{m}");
            nonempty(&g.purpose, || at("purpose"))?;
            if g.fields.is_empty() {
                return Err(invalid(at("fields"), "must hold at least one selector"));
            }
            for (j, f) in g.fields.iter().enumerate() {
                Selector::parse(f)
                    .map_err(|e| invalid(format!("{}[{j}]", at("fields")), e.reason()))?;
            }
            if let Some(fr) = g.frequency {
                if fr.max == 0 || fr.per == 0 {
                    return Err(invalid(
                        at("frequency"),
                        "`max` and `per` must be at least 1",
                    ));
                }
            }
            if let Some(t) = &g.transforms {
                for (sel, tr) in t {
                    Selector::check(sel).map_err(|e| invalid(at("transforms"), e.reason()))?;
                    nonempty(tr, || at("transforms"))?;
                    if !g.fields.iter().any(|f| f == sel) {
                        return Err(invalid(
                            at("transforms"),
                            "names a selector not in `fields`",
                        ));
                    }
                }
            }
        }
        nonempty(&c.notice.id, || "consent.notice.id".into())?;
        let lang_ok = !c.notice.lang.is_empty()
            && c.notice.lang.split('-').all(|p| {
                (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric())
            });
        if !lang_ok {
            return Err(invalid(
                "consent.notice.lang",
                "must be a bcp 47 language tag",
            ));
        }
        if let Some(g) = &c.grantor {
            nonempty(&g.evidence, || "consent.grantor.evidence".into())?;
        }
        if let Some(r) = c.range {
            if r.to < r.from {
                return Err(invalid("consent.range", "`to` must not be before `from`"));
            }
        }
        Ok(())
    }

    /// The JSON view: the same structure as the CBOR, bytes as base64url. Serialisation fails
    /// only on a state serde cannot write (`claims_json`), which these types never hold.
    pub fn to_json(&self) -> Result<String, ClaimsError> {
        serde_json::to_string(self).map_err(not_serialisable)
    }

    /// The JSON view as a value (see [`Claims::to_json`]).
    pub fn to_json_value(&self) -> Result<serde_json::Value, ClaimsError> {
        serde_json::to_value(self).map_err(not_serialisable)
    }

    /// Parses and validates the JSON view.
    pub fn from_json(json: &str) -> Result<Self, ClaimsError> {
        let c: Claims = crate::json::from_str(json).map_err(json_err)?;
        c.validate()?;
        Ok(c)
    }

    /// Parses the JSON view for issuing: `iat` defaults to `now` and `cti` to 16 bytes from
    /// `rng` when absent.
    pub fn from_json_with_defaults(
        json: &str,
        now: i64,
        rng: &dyn SecureRandom,
    ) -> Result<Self, ClaimsError> {
        let mut v: serde_json::Value = crate::json::from_str(json).map_err(json_err)?;
        let obj = v.as_object_mut().ok_or_else(|| ClaimsError::Json {
            reason: "claims must be a json object".into(),
        })?;
        let complete = obj.contains_key("iat") && obj.contains_key("cti");
        obj.entry("iat").or_insert_with(|| now.into());
        if !obj.contains_key("cti") {
            let cti = Cti::random(rng).map_err(|_| ClaimsError::Json {
                reason: "random source failed while drawing `cti`".into(),
            })?;
            obj.insert("cti".into(), cti.to_base64().into());
        }
        // With nothing added, the text itself gives line and column; otherwise the member.
        let c: Claims = if complete {
            crate::json::from_str(json)
        } else {
            crate::json::from_value(&v)
        }
        .map_err(json_err)?;
        c.validate()?;
        Ok(c)
    }

    /// Deterministic CBOR (RFC 8949 §4.2.1) of the claims set, after validation.
    pub fn to_cbor(&self) -> Result<Vec<u8>, ClaimsError> {
        self.validate()?;
        let mut e = Encoder::with_capacity(256);
        self.encode(&mut e);
        e.finish().map_err(|source| cbor_err("claims", source))
    }

    /// Strictly decodes a CBOR claims set and checks the profile's rules.
    ///
    /// Exactly one item, no trailing bytes, deterministic encoding, no duplicate keys, no
    /// unknown claims, every known claim of the right type.
    pub fn from_cbor(bytes: &[u8]) -> Result<Self, ClaimsError> {
        let mut r = Reader::new(bytes);
        let claims = decode_claims(&mut r)?;
        r.finish().map_err(|e| cbor_err("claims", e))?;
        claims.validate()?;
        Ok(claims)
    }
}

fn json_err(e: crate::json::JsonError) -> ClaimsError {
    // Names members and positions, never values (see `crate::json`).
    ClaimsError::Json {
        reason: e.to_string(),
    }
}

/// The typed error for claims serde cannot write (never the value: serde's message names the
/// kind of problem only).
fn not_serialisable(e: serde_json::Error) -> ClaimsError {
    ClaimsError::Json {
        reason: format!("claims do not serialise: {e}"),
    }
}
