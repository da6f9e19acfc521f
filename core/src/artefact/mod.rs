//! The consent artefact's claims: typed model, builder, JSON view, deterministic CBOR encoding
//! and strict decoding (the CDDL in `docs/artefact.md`).

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use ciborium::Value;
use ring::rand::SecureRandom;
use serde::{Deserialize, Serialize};

use crate::cbor::{self, CborError, Reader};
use crate::scope::Selector;

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

/// Serde helpers: bytes as base64url without padding.
mod b64 {
    use super::B64;
    use base64::Engine as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer, const N: usize>(
        v: &[u8; N],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(&B64.encode(v))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>, const N: usize>(
        d: D,
    ) -> Result<[u8; N], D::Error> {
        let s = String::deserialize(d)?;
        let v = B64
            .decode(s.as_bytes())
            .map_err(|_| serde::de::Error::custom("not base64url without padding"))?;
        v.try_into()
            .map_err(|_| serde::de::Error::custom(format!("must decode to {N} bytes")))
    }
}

/// The artefact id (`cti`): 16 random bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cti(#[serde(with = "b64")] pub [u8; 16]);

impl Cti {
    /// 16 bytes from `rng`.
    pub fn random(rng: &dyn SecureRandom) -> Result<Self, crate::KeyError> {
        let mut b = [0u8; 16];
        rng.fill(&mut b)
            .map_err(|_| crate::KeyError::SigningFailed)?;
        Ok(Cti(b))
    }

    /// The id as base64url.
    pub fn to_base64(&self) -> String {
        B64.encode(self.0)
    }
}

/// The audience: one recipient or several.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// `aud` as a single text string.
    One(String),
    /// `aud` as an array of text strings (at least one).
    Many(Vec<String>),
}

impl Audience {
    /// Whether `party` is among the recipients.
    pub fn contains(&self, party: &str) -> bool {
        match self {
            Audience::One(a) => a == party,
            Audience::Many(v) => v.iter().any(|a| a == party),
        }
    }

    /// The recipients, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let (one, many) = match self {
            Audience::One(a) => (Some(a.as_str()), &[][..]),
            Audience::Many(v) => (None, v.as_slice()),
        };
        one.into_iter().chain(many.iter().map(String::as_str))
    }
}

impl From<&str> for Audience {
    fn from(s: &str) -> Self {
        Audience::One(s.to_owned())
    }
}

/// Where an artefact's status lives: an index in a Token Status List.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Status {
    /// The status list reference.
    pub status_list: StatusListRef,
}

/// An index into the status list at `uri`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusListRef {
    /// Index of this artefact's status in the list.
    pub idx: u64,
    /// Where the list is published.
    pub uri: String,
}

/// The consent object version: only `1` exists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct V1;

impl Serialize for V1 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(1)
    }
}

impl<'de> Deserialize<'de> for V1 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match u64::deserialize(d)? {
            1 => Ok(V1),
            _ => Err(serde::de::Error::custom(
                "unsupported consent version (only 1)",
            )),
        }
    }
}

/// What the recipient may do with the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Display only.
    View,
    /// Keep a copy (for `data_life` at most).
    Store,
    /// Answer queries over the data.
    Query,
    /// Receive a continuing feed.
    Stream,
}

impl Mode {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Mode::View => "view",
            Mode::Store => "store",
            Mode::Query => "query",
            Mode::Stream => "stream",
        }
    }

    /// The mode with this wire name.
    pub fn from_name(s: &str) -> Option<Self> {
        match s {
            "view" => Some(Mode::View),
            "store" => Some(Mode::Store),
            "query" => Some(Mode::Query),
            "stream" => Some(Mode::Stream),
            _ => None,
        }
    }
}

/// A usage budget: at most `max` uses per `per` seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Frequency {
    /// Uses allowed per window (at least 1).
    pub max: u64,
    /// Window length in seconds (at least 1).
    pub per: u64,
}

/// One purpose the data principal agreed to, with its fields and conditions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    /// Purpose code from a taxonomy, e.g. `aa:101`.
    pub purpose: String,
    /// Field selectors that may leave the data provider (at least one).
    pub fields: Vec<String>,
    /// What the recipient may do.
    pub mode: Mode,
    /// Seconds the recipient may keep the data; absent = until `exp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_life: Option<u64>,
    /// Usage budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<Frequency>,
    /// Selector ⇒ transform that must be applied before the field leaves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transforms: Option<BTreeMap<String, String>>,
}

impl Grant {
    /// A grant of `fields` for `purpose` in `mode`.
    pub fn new<I, S>(purpose: &str, fields: I, mode: Mode) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Grant {
            purpose: purpose.to_owned(),
            fields: fields.into_iter().map(Into::into).collect(),
            mode,
            data_life: None,
            frequency: None,
            transforms: None,
        }
    }

    /// Sets how long the recipient may keep the data.
    #[must_use]
    pub fn data_life(mut self, seconds: u64) -> Self {
        self.data_life = Some(seconds);
        self
    }

    /// Sets a usage budget.
    #[must_use]
    pub fn frequency(mut self, max: u64, per: u64) -> Self {
        self.frequency = Some(Frequency { max, per });
        self
    }

    /// Requires `transform` on the field at `selector`.
    #[must_use]
    pub fn transform(mut self, selector: &str, transform: &str) -> Self {
        self.transforms
            .get_or_insert_with(BTreeMap::new)
            .insert(selector.to_owned(), transform.to_owned());
        self
    }
}

/// The notice the data principal was shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// Notice id.
    pub id: String,
    /// SHA-256 of the notice text as shown.
    #[serde(with = "b64")]
    pub sha256: [u8; 32],
    /// Language of the notice (BCP 47, e.g. `ta-IN`).
    pub lang: String,
}

/// Who gave consent on the principal's behalf.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GrantorRole {
    /// Parent of a child.
    Parent,
    /// Lawful guardian.
    Guardian,
    /// Nominee.
    Nominee,
}

impl GrantorRole {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            GrantorRole::Parent => "parent",
            GrantorRole::Guardian => "guardian",
            GrantorRole::Nominee => "nominee",
        }
    }

    fn from_name(s: &str) -> Option<Self> {
        match s {
            "parent" => Some(GrantorRole::Parent),
            "guardian" => Some(GrantorRole::Guardian),
            "nominee" => Some(GrantorRole::Nominee),
            _ => None,
        }
    }
}

/// Consent given by someone other than the principal, with a reference to the evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grantor {
    /// The grantor's role.
    pub role: GrantorRole,
    /// Reference to the verification evidence (e.g. a DigiLocker token id), never the document.
    pub evidence: String,
}

/// Period of the data covered (seconds since the epoch).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataRange {
    /// Start of the period.
    pub from: i64,
    /// End of the period (not before `from`).
    pub to: i64,
}

/// The `consent` claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// Version, always 1.
    pub v: V1,
    /// Legal basis: `consent` or a DPDP s.7 legitimate use such as `dpdp:7(b)`.
    pub basis: String,
    /// The purposes granted (at least one).
    pub purposes: Vec<Grant>,
    /// The notice shown.
    pub notice: Notice,
    /// Who consented on the principal's behalf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grantor: Option<Grantor>,
    /// Whether the principal is a child.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child: Option<bool>,
    /// Period of the data covered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<DataRange>,
}

/// The claims of a consent artefact (a CWT claims set).
///
/// Build with [`Claims::builder`], or parse the JSON view with [`Claims::from_json`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    /// Issuer id (consent manager or fiduciary).
    pub iss: String,
    /// The data principal's pseudonymous id; never a raw identifier.
    pub sub: String,
    /// Recipient(s) allowed to rely on the artefact.
    pub aud: Audience,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Not before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    /// Issued at.
    pub iat: i64,
    /// Artefact id.
    pub cti: Cti,
    /// Status list reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// What was agreed.
    pub consent: Consent,
}

fn invalid(claim: impl Into<String>, reason: &'static str) -> ClaimsError {
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
    /// Starts building claims for `iss` about `sub` addressed to `aud`.
    ///
    /// ```
    /// use consentry::{Claims, Cti, Grant, Mode, Notice};
    /// let claims = Claims::builder("cm.example", "pp-7f3a", "tn.health")
    ///     .issued_at(1_700_000_000)
    ///     .expires(1_731_536_000)
    ///     .cti(Cti([1; 16]))
    ///     .notice(Notice { id: "n-1".into(), sha256: [0; 32], lang: "ta-IN".into() })
    ///     .grant(Grant::new("aa:101", ["/name", "/balance"], Mode::View))
    ///     .build()?;
    /// let cbor = claims.to_cbor()?;
    /// assert_eq!(Claims::from_cbor(&cbor)?, claims);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder(iss: &str, sub: &str, aud: impl Into<Audience>) -> ClaimsBuilder {
        ClaimsBuilder {
            iss: iss.to_owned(),
            sub: sub.to_owned(),
            aud: aud.into(),
            exp: None,
            nbf: None,
            iat: None,
            cti: None,
            status: None,
            basis: "consent".to_owned(),
            purposes: Vec::new(),
            notice: None,
            grantor: None,
            child: None,
            range: None,
        }
    }

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

    /// The JSON view: the same structure as the CBOR, bytes as base64url.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The JSON view as a value.
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
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
        Ok(cbor::to_deterministic_vec(self.to_value()))
    }

    fn to_value(&self) -> Value {
        let t = |s: &str| Value::Text(s.to_owned());
        let i = |n: i64| Value::Integer(n.into());
        let u = |n: u64| Value::Integer(n.into());
        let map =
            |e: Vec<(&str, Value)>| Value::Map(e.into_iter().map(|(k, v)| (t(k), v)).collect());
        let mut m = vec![
            (i(label::ISS), t(&self.iss)),
            (i(label::SUB), t(&self.sub)),
            (
                i(label::AUD),
                match &self.aud {
                    Audience::One(a) => t(a),
                    Audience::Many(v) => Value::Array(v.iter().map(|a| t(a)).collect()),
                },
            ),
            (i(label::EXP), i(self.exp)),
            (i(label::IAT), i(self.iat)),
            (i(label::CTI), Value::Bytes(self.cti.0.to_vec())),
        ];
        if let Some(nbf) = self.nbf {
            m.push((i(label::NBF), i(nbf)));
        }
        if let Some(st) = &self.status {
            m.push((
                i(label::STATUS),
                map(vec![(
                    "status_list",
                    map(vec![
                        ("idx", u(st.status_list.idx)),
                        ("uri", t(&st.status_list.uri)),
                    ]),
                )]),
            ));
        }
        let c = &self.consent;
        let grants = c
            .purposes
            .iter()
            .map(|g| {
                let mut e = vec![
                    ("purpose", t(&g.purpose)),
                    (
                        "fields",
                        Value::Array(g.fields.iter().map(|f| t(f)).collect()),
                    ),
                    ("mode", t(g.mode.as_str())),
                ];
                if let Some(d) = g.data_life {
                    e.push(("data_life", u(d)));
                }
                if let Some(f) = g.frequency {
                    e.push(("frequency", map(vec![("max", u(f.max)), ("per", u(f.per))])));
                }
                if let Some(tr) = &g.transforms {
                    e.push((
                        "transforms",
                        Value::Map(tr.iter().map(|(k, v)| (t(k), t(v))).collect()),
                    ));
                }
                map(e)
            })
            .collect();
        let mut ce = vec![
            ("v", u(1)),
            ("basis", t(&c.basis)),
            ("purposes", Value::Array(grants)),
            (
                "notice",
                map(vec![
                    ("id", t(&c.notice.id)),
                    ("sha256", Value::Bytes(c.notice.sha256.to_vec())),
                    ("lang", t(&c.notice.lang)),
                ]),
            ),
        ];
        if let Some(g) = &c.grantor {
            ce.push((
                "grantor",
                map(vec![
                    ("role", t(g.role.as_str())),
                    ("evidence", t(&g.evidence)),
                ]),
            ));
        }
        if let Some(ch) = c.child {
            ce.push(("child", Value::Bool(ch)));
        }
        if let Some(r) = c.range {
            ce.push(("range", map(vec![("from", i(r.from)), ("to", i(r.to))])));
        }
        m.push((t(label::CONSENT), map(ce)));
        Value::Map(m)
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

/// Builder for [`Claims`]. `exp`, `iat`, `cti`, a notice and at least one grant are required.
#[derive(Clone, Debug)]
pub struct ClaimsBuilder {
    iss: String,
    sub: String,
    aud: Audience,
    exp: Option<i64>,
    nbf: Option<i64>,
    iat: Option<i64>,
    cti: Option<Cti>,
    status: Option<Status>,
    basis: String,
    purposes: Vec<Grant>,
    notice: Option<Notice>,
    grantor: Option<Grantor>,
    child: Option<bool>,
    range: Option<DataRange>,
}

impl ClaimsBuilder {
    /// Sets `exp`.
    #[must_use]
    pub fn expires(mut self, exp: i64) -> Self {
        self.exp = Some(exp);
        self
    }
    /// Sets `nbf`.
    #[must_use]
    pub fn not_before(mut self, nbf: i64) -> Self {
        self.nbf = Some(nbf);
        self
    }
    /// Sets `iat`.
    #[must_use]
    pub fn issued_at(mut self, iat: i64) -> Self {
        self.iat = Some(iat);
        self
    }
    /// Sets `cti`.
    #[must_use]
    pub fn cti(mut self, cti: Cti) -> Self {
        self.cti = Some(cti);
        self
    }
    /// Points at index `idx` of the status list published at `uri`.
    #[must_use]
    pub fn status(mut self, idx: u64, uri: &str) -> Self {
        self.status = Some(Status {
            status_list: StatusListRef {
                idx,
                uri: uri.to_owned(),
            },
        });
        self
    }
    /// Sets the legal basis (default `consent`).
    #[must_use]
    pub fn basis(mut self, basis: &str) -> Self {
        self.basis = basis.to_owned();
        self
    }
    /// Adds a grant.
    #[must_use]
    pub fn grant(mut self, grant: Grant) -> Self {
        self.purposes.push(grant);
        self
    }
    /// Sets the notice.
    #[must_use]
    pub fn notice(mut self, notice: Notice) -> Self {
        self.notice = Some(notice);
        self
    }
    /// Records who consented on the principal's behalf.
    #[must_use]
    pub fn grantor(mut self, role: GrantorRole, evidence: &str) -> Self {
        self.grantor = Some(Grantor {
            role,
            evidence: evidence.to_owned(),
        });
        self
    }
    /// Marks the principal as a child (or not).
    #[must_use]
    pub fn child(mut self, child: bool) -> Self {
        self.child = Some(child);
        self
    }
    /// Sets the period of the data covered.
    #[must_use]
    pub fn range(mut self, from: i64, to: i64) -> Self {
        self.range = Some(DataRange { from, to });
        self
    }

    /// Builds and validates the claims.
    pub fn build(self) -> Result<Claims, ClaimsError> {
        let missing = |c: &str| ClaimsError::Missing {
            claim: c.to_owned(),
        };
        let claims = Claims {
            iss: self.iss,
            sub: self.sub,
            aud: self.aud,
            exp: self.exp.ok_or_else(|| missing("exp"))?,
            nbf: self.nbf,
            iat: self.iat.ok_or_else(|| missing("iat"))?,
            cti: self.cti.ok_or_else(|| missing("cti"))?,
            status: self.status,
            consent: Consent {
                v: V1,
                basis: self.basis,
                purposes: self.purposes,
                notice: self.notice.ok_or_else(|| missing("consent.notice"))?,
                grantor: self.grantor,
                child: self.child,
                range: self.range,
            },
        };
        claims.validate()?;
        Ok(claims)
    }
}

// ---------------------------------------------------------------------------------------------
// Strict typed decoding. Claim paths are formatted only when an error is reported.

/// Where in the claims a decoder is: a static path, or a member of the `i`th grant.
#[derive(Clone, Copy)]
enum At {
    Claim(&'static str),
    Grant(u64, &'static str),
}

impl At {
    fn path(self) -> String {
        match self {
            At::Claim(p) => p.to_owned(),
            At::Grant(i, "") => format!("consent.purposes[{i}]"),
            At::Grant(i, m) => format!("consent.purposes[{i}].{m}"),
        }
    }
}

fn cbor_err(claim: impl Into<String>, source: CborError) -> ClaimsError {
    ClaimsError::Cbor {
        claim: claim.into(),
        source,
    }
}

/// Maps a CBOR error while reading a claim's value: a type mismatch is `WrongType`, anything
/// else stays a CBOR error.
fn value<T>(res: Result<T, CborError>, at: At, expected: &'static str) -> Result<T, ClaimsError> {
    res.map_err(|e| match e {
        CborError::WrongType { .. } => ClaimsError::WrongType {
            claim: at.path(),
            expected,
        },
        other => cbor_err(at.path(), other),
    })
}

enum Key<'a> {
    Int(i64),
    Text(&'a str),
}

/// Reads a map key and checks deterministic order.
fn key<'a>(
    r: &mut Reader<'a>,
    keys: &mut cbor::MapKeys<'a>,
    within: At,
) -> Result<Key<'a>, ClaimsError> {
    let start = r.position();
    let k = match r.peek_major().map_err(|e| cbor_err(within.path(), e))? {
        0 | 1 => Key::Int(r.int().map_err(|e| cbor_err(within.path(), e))?),
        3 => Key::Text(r.text().map_err(|e| cbor_err(within.path(), e))?),
        _ => {
            return Err(ClaimsError::Unknown {
                within: within.path(),
                label: "of a non-integer, non-text type".into(),
            })
        }
    };
    keys.check(r, start)
        .map_err(|e| cbor_err(within.path(), e))?;
    Ok(k)
}

fn unknown(within: At, k: &Key<'_>) -> ClaimsError {
    ClaimsError::Unknown {
        within: within.path(),
        label: match k {
            Key::Int(n) => n.to_string(),
            // Text labels are attacker-chosen: do not echo them.
            Key::Text(_) => "(text label)".to_owned(),
        },
    }
}

fn text_key<'a>(
    r: &mut Reader<'a>,
    keys: &mut cbor::MapKeys<'a>,
    within: At,
) -> Result<&'a str, ClaimsError> {
    match key(r, keys, within)? {
        Key::Text(t) => Ok(t),
        k @ Key::Int(_) => Err(unknown(within, &k)),
    }
}

fn req<T>(v: Option<T>, at: At) -> Result<T, ClaimsError> {
    v.ok_or_else(|| ClaimsError::Missing { claim: at.path() })
}

fn text_of(r: &mut Reader<'_>, at: At) -> Result<String, ClaimsError> {
    Ok(value(r.text(), at, "a text string")?.to_owned())
}

fn int_of(r: &mut Reader<'_>, at: At) -> Result<i64, ClaimsError> {
    value(r.int(), at, "an integer")
}

fn uint_of(r: &mut Reader<'_>, at: At) -> Result<u64, ClaimsError> {
    value(r.uint(), at, "an unsigned integer")
}

/// Reads an array of text strings.
fn texts_of(r: &mut Reader<'_>, at: At) -> Result<Vec<String>, ClaimsError> {
    let n = value(r.array(), at, "an array")?;
    let mut v = Vec::new();
    for j in 0..n {
        let s = r.text().map_err(|e| match e {
            CborError::WrongType { .. } => ClaimsError::WrongType {
                claim: format!("{}[{j}]", at.path()),
                expected: "a text string",
            },
            other => cbor_err(at.path(), other),
        })?;
        v.push(s.to_owned());
    }
    r.leave();
    Ok(v)
}

/// Reads a map, calling `entry` with each text key; unknown keys are the callback's to refuse.
fn text_map<'a>(
    r: &mut Reader<'a>,
    at: At,
    mut entry: impl FnMut(&mut Reader<'a>, &'a str) -> Result<(), ClaimsError>,
) -> Result<(), ClaimsError> {
    let mut keys = value(r.map(), at, "a map")?;
    for _ in 0..keys.len {
        let k = text_key(r, &mut keys, at)?;
        entry(r, k)?;
    }
    r.leave();
    Ok(())
}

fn decode_claims(r: &mut Reader<'_>) -> Result<Claims, ClaimsError> {
    let within = At::Claim("claims");
    let mut keys = value(r.map(), within, "a map")?;
    let (mut iss, mut sub, mut aud, mut exp, mut nbf, mut iat, mut cti, mut status, mut consent) =
        (None, None, None, None, None, None, None, None, None);
    for _ in 0..keys.len {
        match key(r, &mut keys, within)? {
            Key::Int(label::ISS) => iss = Some(text_of(r, At::Claim("iss"))?),
            Key::Int(label::SUB) => sub = Some(text_of(r, At::Claim("sub"))?),
            Key::Int(label::AUD) => aud = Some(decode_aud(r)?),
            Key::Int(label::EXP) => exp = Some(int_of(r, At::Claim("exp"))?),
            Key::Int(label::NBF) => nbf = Some(int_of(r, At::Claim("nbf"))?),
            Key::Int(label::IAT) => iat = Some(int_of(r, At::Claim("iat"))?),
            Key::Int(label::CTI) => {
                let b = value(r.bytes(), At::Claim("cti"), "a byte string")?;
                let a: [u8; 16] = b
                    .try_into()
                    .map_err(|_| invalid("cti", "must be 16 bytes"))?;
                cti = Some(Cti(a));
            }
            Key::Int(label::STATUS) => status = Some(decode_status(r)?),
            Key::Text(label::CONSENT) => consent = Some(decode_consent(r)?),
            k => return Err(unknown(within, &k)),
        }
    }
    r.leave();
    Ok(Claims {
        iss: req(iss, At::Claim("iss"))?,
        sub: req(sub, At::Claim("sub"))?,
        aud: req(aud, At::Claim("aud"))?,
        exp: req(exp, At::Claim("exp"))?,
        nbf,
        iat: req(iat, At::Claim("iat"))?,
        cti: req(cti, At::Claim("cti"))?,
        status,
        consent: req(consent, At::Claim("consent"))?,
    })
}

fn decode_aud(r: &mut Reader<'_>) -> Result<Audience, ClaimsError> {
    let at = At::Claim("aud");
    match r.peek_major().map_err(|e| cbor_err("aud", e))? {
        3 => Ok(Audience::One(text_of(r, at)?)),
        4 => Ok(Audience::Many(texts_of(r, at)?)),
        _ => Err(ClaimsError::WrongType {
            claim: "aud".into(),
            expected: "a text string or an array of text strings",
        }),
    }
}

fn decode_status(r: &mut Reader<'_>) -> Result<Status, ClaimsError> {
    let mut list = None;
    text_map(r, At::Claim("status"), |r, k| {
        if k != "status_list" {
            return Err(unknown(At::Claim("status"), &Key::Text(k)));
        }
        let (mut idx, mut uri) = (None, None);
        text_map(r, At::Claim("status.status_list"), |r, k| {
            match k {
                "idx" => idx = Some(uint_of(r, At::Claim("status.status_list.idx"))?),
                "uri" => uri = Some(text_of(r, At::Claim("status.status_list.uri"))?),
                other => return Err(unknown(At::Claim("status.status_list"), &Key::Text(other))),
            }
            Ok(())
        })?;
        list = Some(StatusListRef {
            idx: req(idx, At::Claim("status.status_list.idx"))?,
            uri: req(uri, At::Claim("status.status_list.uri"))?,
        });
        Ok(())
    })?;
    Ok(Status {
        status_list: req(list, At::Claim("status.status_list"))?,
    })
}

fn decode_consent(r: &mut Reader<'_>) -> Result<Consent, ClaimsError> {
    let within = At::Claim("consent");
    let (mut v, mut basis, mut purposes, mut notice, mut grantor, mut child, mut range) =
        (None, None, None, None, None, None, None);
    text_map(r, within, |r, k| {
        match k {
            "v" => {
                if uint_of(r, At::Claim("consent.v"))? != 1 {
                    return Err(invalid("consent.v", "unsupported version (only 1)"));
                }
                v = Some(V1);
            }
            "basis" => basis = Some(text_of(r, At::Claim("consent.basis"))?),
            "purposes" => {
                let n = value(r.array(), At::Claim("consent.purposes"), "an array")?;
                let mut gs = Vec::new();
                for i in 0..n {
                    gs.push(decode_grant(r, i)?);
                }
                r.leave();
                purposes = Some(gs);
            }
            "notice" => notice = Some(decode_notice(r)?),
            "grantor" => {
                let (mut role, mut evidence) = (None, None);
                text_map(r, At::Claim("consent.grantor"), |r, k| {
                    match k {
                        "role" => {
                            let s = value(
                                r.text(),
                                At::Claim("consent.grantor.role"),
                                "a text string",
                            )?;
                            role = Some(GrantorRole::from_name(s).ok_or_else(|| {
                                invalid(
                                    "consent.grantor.role",
                                    "must be `parent`, `guardian` or `nominee`",
                                )
                            })?);
                        }
                        "evidence" => {
                            evidence = Some(text_of(r, At::Claim("consent.grantor.evidence"))?)
                        }
                        other => {
                            return Err(unknown(At::Claim("consent.grantor"), &Key::Text(other)))
                        }
                    }
                    Ok(())
                })?;
                grantor = Some(Grantor {
                    role: req(role, At::Claim("consent.grantor.role"))?,
                    evidence: req(evidence, At::Claim("consent.grantor.evidence"))?,
                });
            }
            "child" => child = Some(value(r.bool(), At::Claim("consent.child"), "a boolean")?),
            "range" => {
                let (mut from, mut to) = (None, None);
                text_map(r, At::Claim("consent.range"), |r, k| {
                    match k {
                        "from" => from = Some(int_of(r, At::Claim("consent.range.from"))?),
                        "to" => to = Some(int_of(r, At::Claim("consent.range.to"))?),
                        other => {
                            return Err(unknown(At::Claim("consent.range"), &Key::Text(other)))
                        }
                    }
                    Ok(())
                })?;
                range = Some(DataRange {
                    from: req(from, At::Claim("consent.range.from"))?,
                    to: req(to, At::Claim("consent.range.to"))?,
                });
            }
            other => return Err(unknown(within, &Key::Text(other))),
        }
        Ok(())
    })?;
    Ok(Consent {
        v: req(v, At::Claim("consent.v"))?,
        basis: req(basis, At::Claim("consent.basis"))?,
        purposes: req(purposes, At::Claim("consent.purposes"))?,
        notice: req(notice, At::Claim("consent.notice"))?,
        grantor,
        child,
        range,
    })
}

fn decode_notice(r: &mut Reader<'_>) -> Result<Notice, ClaimsError> {
    let (mut id, mut sha, mut lang) = (None, None, None);
    text_map(r, At::Claim("consent.notice"), |r, k| {
        match k {
            "id" => id = Some(text_of(r, At::Claim("consent.notice.id"))?),
            "sha256" => {
                let b = value(
                    r.bytes(),
                    At::Claim("consent.notice.sha256"),
                    "a byte string",
                )?;
                sha = Some(
                    <[u8; 32]>::try_from(b)
                        .map_err(|_| invalid("consent.notice.sha256", "must be 32 bytes"))?,
                );
            }
            "lang" => lang = Some(text_of(r, At::Claim("consent.notice.lang"))?),
            other => return Err(unknown(At::Claim("consent.notice"), &Key::Text(other))),
        }
        Ok(())
    })?;
    Ok(Notice {
        id: req(id, At::Claim("consent.notice.id"))?,
        sha256: req(sha, At::Claim("consent.notice.sha256"))?,
        lang: req(lang, At::Claim("consent.notice.lang"))?,
    })
}

fn decode_grant(r: &mut Reader<'_>, i: u64) -> Result<Grant, ClaimsError> {
    let at = |m: &'static str| At::Grant(i, m);
    let (mut purpose, mut fields, mut mode, mut data_life, mut frequency, mut transforms) =
        (None, None, None, None, None, None);
    text_map(r, at(""), |r, k| {
        match k {
            "purpose" => purpose = Some(text_of(r, at("purpose"))?),
            "fields" => fields = Some(texts_of(r, at("fields"))?),
            "mode" => {
                let s = value(r.text(), at("mode"), "a text string")?;
                mode = Some(Mode::from_name(s).ok_or_else(|| {
                    invalid(
                        at("mode").path(),
                        "must be `view`, `store`, `query` or `stream`",
                    )
                })?);
            }
            "data_life" => data_life = Some(uint_of(r, at("data_life"))?),
            "frequency" => {
                let (mut max, mut per) = (None, None);
                text_map(r, at("frequency"), |r, k| {
                    match k {
                        "max" => max = Some(uint_of(r, at("frequency.max"))?),
                        "per" => per = Some(uint_of(r, at("frequency.per"))?),
                        other => return Err(unknown(at("frequency"), &Key::Text(other))),
                    }
                    Ok(())
                })?;
                frequency = Some(Frequency {
                    max: req(max, at("frequency.max"))?,
                    per: req(per, at("frequency.per"))?,
                });
            }
            "transforms" => {
                let mut t = BTreeMap::new();
                text_map(r, at("transforms"), |r, sel| {
                    let tr = value(r.text(), at("transforms"), "a map of text to text")?;
                    t.insert(sel.to_owned(), tr.to_owned());
                    Ok(())
                })?;
                transforms = Some(t);
            }
            other => return Err(unknown(at(""), &Key::Text(other))),
        }
        Ok(())
    })?;
    Ok(Grant {
        purpose: req(purpose, at("purpose"))?,
        fields: req(fields, at("fields"))?,
        mode: req(mode, at("mode"))?,
        data_life,
        frequency,
        transforms,
    })
}
