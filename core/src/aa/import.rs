//! The import of a verified AA `SignedConsentDetail` into consentry's claims model, so that
//! [`decide`](crate::purpose::decide) runs on it exactly as on our own artefacts. The mapping is
//! the table of `docs/aa.md`.

use serde_json::{json, Map, Value};

use super::json::{self as j, integral};
use super::time::parse_instant;
use super::{AaError, VerifiedAa};
use crate::artefact::{
    Audience, Claims, Consent, Cti, DataRange, Frequency, Grant, Mode, Notice, V1,
};
use crate::purpose::{Decision, Reason, ReasonCode, Request, StatusInput, Taxonomy};

/// Most entries in `fiTypes`, `consentTypes` and `DataFilter`.
pub const MAX_AA_LIST: usize = 64;
/// Longest `Customer.id`, `DataConsumer.id`, FI type or `Purpose.code`, in bytes.
pub const MAX_AA_ID_LEN: usize = 256;

/// Seconds in one unit of `DataLife` / `Frequency`: documented day counts, not calendar
/// arithmetic (a data life counts from each use, which the core does not know in advance).
pub const SECONDS_PER_HOUR: u64 = 3_600;
/// One `DAY`.
pub const SECONDS_PER_DAY: u64 = 86_400;
/// One `MONTH`: 30 days.
pub const SECONDS_PER_MONTH: u64 = 30 * 86_400;
/// One `YEAR`: 365 days.
pub const SECONDS_PER_YEAR: u64 = 365 * 86_400;

/// The `notice.id` of every imported consent: the AA flow has no notice of its own; the signed
/// detail the customer approved stands in for it (`notice.sha256` is its SHA-256).
pub const IMPORTED_NOTICE_ID: &str = "aa:signed-consent";

/// A unit of `DataLife` or `Frequency`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AaUnit {
    /// `HOUR`: 3,600 s.
    Hour,
    /// `DAY`: 86,400 s.
    Day,
    /// `MONTH`: 30 days.
    Month,
    /// `YEAR`: 365 days.
    Year,
    /// `INF`: no limit (no data life, no budget).
    Inf,
}

impl AaUnit {
    /// The ReBIT name.
    pub const fn as_str(self) -> &'static str {
        match self {
            AaUnit::Hour => "HOUR",
            AaUnit::Day => "DAY",
            AaUnit::Month => "MONTH",
            AaUnit::Year => "YEAR",
            AaUnit::Inf => "INF",
        }
    }

    /// Seconds in one unit; `None` for `INF`.
    pub const fn seconds(self) -> Option<u64> {
        match self {
            AaUnit::Hour => Some(SECONDS_PER_HOUR),
            AaUnit::Day => Some(SECONDS_PER_DAY),
            AaUnit::Month => Some(SECONDS_PER_MONTH),
            AaUnit::Year => Some(SECONDS_PER_YEAR),
            AaUnit::Inf => None,
        }
    }

    fn from_name(s: &str) -> Option<Self> {
        [
            AaUnit::Hour,
            AaUnit::Day,
            AaUnit::Month,
            AaUnit::Year,
            AaUnit::Inf,
        ]
        .into_iter()
        .find(|u| u.as_str().eq_ignore_ascii_case(s))
    }
}

/// A `DataLife` or `Frequency` as signed: `value` per `unit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AaPeriod {
    /// The unit.
    pub unit: AaUnit,
    /// The count (0 for `INF` when the detail gives none).
    pub value: u64,
}

/// The signed `Purpose`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AaPurpose {
    /// `Purpose.code` as written (`101`); the grant's purpose is `aa:<code>`.
    pub code: String,
    /// `Purpose.text`.
    pub text: Option<String>,
    /// `Purpose.refUri`.
    pub ref_uri: Option<String>,
    /// `Purpose.Category.type`, carried as written (often a placeholder) and never used.
    pub category_type: Option<String>,
}

/// One `DataFilter` entry, carried for display and for the data provider; consentry does not
/// apply it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AaDataFilter {
    /// `type`, e.g. `TRANSACTIONAMOUNT`.
    pub kind: String,
    /// `operator`: one of `=`, `!=`, `>`, `<`, `>=`, `<=`.
    pub operator: String,
    /// `value`, as written (a number is kept as its JSON text).
    pub value: String,
}

/// An AA consent imported into consentry's claims model. Only [`import`] makes one, from a
/// [`VerifiedAa`], so its claims are always authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportedConsent {
    /// The claims view that [`ImportedConsent::decide`] decides on (mapping in `docs/aa.md`).
    pub claims: Claims,
    /// The signing entity (the key's Central Registry `id`), or `kid:<kid>` for a key loaded
    /// without one; also `claims.iss`.
    pub issuer: String,
    /// The JWS `kid`.
    pub kid: String,
    /// SHA-256 of the JWS text: the evidence of this consent.
    pub evidence: [u8; 32],
    /// `consentId`, when the detail carries one.
    pub consent_id: Option<String>,
    /// `fetchType` (`ONETIME`, `PERIODIC`), when present.
    pub fetch_type: Option<String>,
    /// The signed purpose.
    pub purpose: AaPurpose,
    /// The FI types, normalised (ASCII upper case, `-` written `_`), in order, without repeats.
    pub fi_types: Vec<String>,
    /// The consent types (`profile`, `summary`, `transactions`), in order, without repeats.
    pub consent_types: Vec<&'static str>,
    /// `DataLife` as signed.
    pub data_life: AaPeriod,
    /// `Frequency` as signed.
    pub frequency: AaPeriod,
    /// `FIDataRange`: the period of the data covered (also `claims.consent.range`).
    pub fi_data_range: Option<DataRange>,
    /// `DataFilter`, as signed.
    pub data_filter: Vec<AaDataFilter>,
}

impl ImportedConsent {
    /// [`decide`](crate::purpose::decide) on the imported claims: the same checks, reasons and
    /// permit as for a verified consentry artefact. `status` comes from the caller (an AA
    /// consent status notification, see [`status_input`]), never from the consent response.
    pub fn decide(&self, request: &Request, taxonomy: &Taxonomy, status: StatusInput) -> Decision {
        crate::purpose::decide_claims(&self.claims, request, taxonomy, status)
    }

    /// [`ImportedConsent::decide`] with the AA status as the caller learnt it (`ACTIVE`,
    /// `PAUSED`, `REVOKED`, ..., mapped by [`status_input`]). Fails closed when the caller has
    /// none: an absent status denies with `status_unknown` unless the request accepts an
    /// unknown status (an imported consent has no status list of its own to consult).
    pub fn decide_with_aa_status(
        &self,
        request: &Request,
        taxonomy: &Taxonomy,
        aa_status: Option<&str>,
    ) -> Decision {
        let d = self.decide(
            request,
            taxonomy,
            aa_status.map_or(StatusInput::Unknown, status_input),
        );
        if aa_status.is_some() || request.accept_unknown_status {
            return d;
        }
        let unknown = Reason {
            code: ReasonCode::StatusUnknown,
            message: "no aa consent status was given".into(),
        };
        let mut reasons = match d {
            Decision::Deny { reasons } => reasons,
            Decision::Permit(_) => Vec::new(),
        };
        let at = reasons.partition_point(|r| r.code <= ReasonCode::StatusUnknown);
        reasons.insert(at, unknown);
        Decision::Deny { reasons }
    }

    /// The consent's window at `now` (no leeway): before `consentStart` is
    /// [`AaError::NotYetValid`], at or after `consentExpiry` [`AaError::Expired`]. `decide`
    /// reports the same as denial reasons; this is for a bare verification given a time.
    pub fn check_current(&self, now: i64) -> Result<(), AaError> {
        if self.claims.nbf.is_some_and(|nbf| now < nbf) {
            return Err(AaError::NotYetValid);
        }
        if now >= self.claims.exp {
            return Err(AaError::Expired);
        }
        Ok(())
    }

    /// The consent's recipient: `DataConsumer.id` (the claims' `aud`) must be `audience`
    /// ([`AaError::AudienceMismatch`] otherwise), as a verifier checks our own artefacts'
    /// `aud`. `decide` reports the same as a denial reason.
    pub fn check_audience(&self, audience: &str) -> Result<(), AaError> {
        if self.claims.aud.contains(audience) {
            Ok(())
        } else {
            Err(AaError::AudienceMismatch)
        }
    }

    /// The JSON view shared by every face: `{"source": "aa", "issuer", "kid", "evidence"
    /// (base64url), "claims" (the claims' JSON view), "aa": {the signed AA terms}}`.
    pub fn to_json_value(&self) -> Result<Value, crate::ClaimsError> {
        let period = |p: &AaPeriod| json!({ "unit": p.unit.as_str(), "value": p.value });
        let mut aa = Map::new();
        if let Some(id) = &self.consent_id {
            aa.insert("consentId".into(), json!(id));
        }
        if let Some(f) = &self.fetch_type {
            aa.insert("fetchType".into(), json!(f));
        }
        aa.insert(
            "purpose".into(),
            json!({ "code": self.purpose.code, "text": self.purpose.text,
                    "refUri": self.purpose.ref_uri,
                    "categoryType": self.purpose.category_type }),
        );
        aa.insert("fiTypes".into(), json!(self.fi_types));
        aa.insert("consentTypes".into(), json!(self.consent_types));
        aa.insert("dataLife".into(), period(&self.data_life));
        aa.insert("frequency".into(), period(&self.frequency));
        if let Some(r) = self.fi_data_range {
            aa.insert("fiDataRange".into(), json!({ "from": r.from, "to": r.to }));
        }
        aa.insert(
            "dataFilter".into(),
            Value::Array(
                self.data_filter
                    .iter()
                    .map(|f| json!({ "type": f.kind, "operator": f.operator, "value": f.value }))
                    .collect(),
            ),
        );
        Ok(json!({
            "source": "aa",
            "issuer": self.issuer,
            "kid": self.kid,
            "evidence": crate::b64::encode(&self.evidence),
            "claims": self.claims.to_json_value()?,
            "aa": Value::Object(aa),
        }))
    }
}

impl ImportedConsent {
    /// What a citizen-facing page shows of a verified consent (the same view on every face):
    /// `{"source": "aa", "issuer", "kid", "evidence", "consentId"?, "purpose": {"code":
    /// "aa:<code>", "name", "category", "text"}, "recipient", "mode", "window": {"from",
    /// "to"}, "fiTypes", "consentTypes", "fields", "dataLife": {"unit", "value", "seconds"},
    /// "frequency": {"unit", "value"}, "fetchType"?, "fiDataRange"?, "dataFilter"}`.
    /// `purpose.name` and `purpose.category` (its parent's name) come from the shipped AA
    /// taxonomy pack (`null` for a code it does not know; read without building a
    /// [`Taxonomy`], so that a display-only face carries no taxonomy builder); `purpose.text`
    /// is the AA's own signed text. Times are seconds since the epoch (`window.from` is `null`
    /// without `consentStart`); `dataLife.seconds` is `null` for `INF`. The customer handle is
    /// left out: a page shows it from its own session, not from the consent.
    pub fn display_json(&self) -> Value {
        let grant = self.claims.consent.purposes.first();
        let code = grant.map_or("", |g| g.purpose.as_str());
        let pack: Value = serde_json::from_str(crate::purpose::Pack::AccountAggregator.json())
            .unwrap_or(Value::Null);
        let find = |c: &str| {
            pack.get("purposes")
                .and_then(Value::as_array)
                .and_then(|ps| {
                    ps.iter()
                        .find(|p| p.get("code").and_then(Value::as_str) == Some(c))
                })
        };
        let name_of = |p: &Value| p.get("name").and_then(Value::as_str).map(str::to_owned);
        let known = find(code);
        let name = known.and_then(name_of);
        let category = known
            .and_then(|p| p.get("parent").and_then(Value::as_str))
            .and_then(find)
            .and_then(name_of);
        let recipient = match &self.claims.aud {
            Audience::One(a) => a.as_str(),
            Audience::Many(v) => v.first().map_or("", String::as_str),
        };
        let mut out = Map::new();
        out.insert("source".into(), json!("aa"));
        out.insert("issuer".into(), json!(self.issuer));
        out.insert("kid".into(), json!(self.kid));
        out.insert("evidence".into(), json!(crate::b64::encode(&self.evidence)));
        if let Some(id) = &self.consent_id {
            out.insert("consentId".into(), json!(id));
        }
        out.insert(
            "purpose".into(),
            json!({ "code": code, "name": name,
                    "category": category, "text": self.purpose.text }),
        );
        out.insert("recipient".into(), json!(recipient));
        out.insert(
            "mode".into(),
            json!(grant.map_or("view", |g| g.mode.as_str())),
        );
        out.insert(
            "window".into(),
            json!({ "from": self.claims.nbf, "to": self.claims.exp }),
        );
        out.insert("fiTypes".into(), json!(self.fi_types));
        out.insert("consentTypes".into(), json!(self.consent_types));
        out.insert(
            "fields".into(),
            json!(grant.map_or(&[][..], |g| g.fields.as_slice())),
        );
        out.insert(
            "dataLife".into(),
            json!({ "unit": self.data_life.unit.as_str(), "value": self.data_life.value,
                    "seconds": grant.and_then(|g| g.data_life) }),
        );
        out.insert(
            "frequency".into(),
            json!({ "unit": self.frequency.unit.as_str(), "value": self.frequency.value }),
        );
        if let Some(f) = &self.fetch_type {
            out.insert("fetchType".into(), json!(f));
        }
        if let Some(r) = self.fi_data_range {
            out.insert("fiDataRange".into(), json!({ "from": r.from, "to": r.to }));
        }
        out.insert(
            "dataFilter".into(),
            Value::Array(
                self.data_filter
                    .iter()
                    .map(|f| json!({ "type": f.kind, "operator": f.operator, "value": f.value }))
                    .collect(),
            ),
        );
        Value::Object(out)
    }
}

/// The decision status for an AA consent status, as the caller learnt it from the AA
/// (`ACTIVE`, `PAUSED`, `REVOKED`, `EXPIRED`, `REJECTED`, `PENDING`): `ACTIVE` is valid,
/// `PAUSED` suspended, and every other value, known or not, revoked (fail closed).
pub fn status_input(aa_status: &str) -> StatusInput {
    match aa_status {
        "ACTIVE" => StatusInput::Valid,
        "PAUSED" => StatusInput::Suspended,
        _ => StatusInput::Revoked,
    }
}

fn bounded_str<'a>(v: &'a Value, at: &str) -> Result<&'a str, AaError> {
    let s = j::string(v, at)?;
    if s.is_empty() || s.len() > MAX_AA_ID_LEN {
        return Err(AaError::detail(at, "must be 1 to 256 bytes"));
    }
    Ok(s)
}

fn id_of(detail: &Map<String, Value>, object: &str) -> Result<String, AaError> {
    let o = j::object(j::required(detail, object, "")?, object)?;
    let at = format!("{object}.id");
    Ok(bounded_str(j::required(o, "id", object)?, &at)?.to_owned())
}

fn opt_string(o: &Map<String, Value>, name: &str, path: &str) -> Result<Option<String>, AaError> {
    j::optional(o, name, path)?
        .map(|v| j::string(v, &j::join(path, name)).map(str::to_owned))
        .transpose()
}

fn list<'a>(detail: &'a Map<String, Value>, name: &str) -> Result<&'a [Value], AaError> {
    let a = j::array(j::required(detail, name, "")?, name)?;
    if a.is_empty() {
        return Err(AaError::detail(name, "must not be empty"));
    }
    if a.len() > MAX_AA_LIST {
        return Err(AaError::detail(name, "has more than 64 entries"));
    }
    Ok(a)
}

fn instant(
    detail: &Map<String, Value>,
    name: &str,
    path: &str,
) -> Result<super::time::Instant, AaError> {
    let v = j::required(detail, name, path)?;
    parse_instant(v).ok_or_else(|| {
        AaError::detail(
            j::join(path, name),
            "must be a date-time with an offset or epoch milliseconds",
        )
    })
}

fn period(detail: &Map<String, Value>, name: &str) -> Result<AaPeriod, AaError> {
    let o = j::object(j::required(detail, name, "")?, name)?;
    let unit_at = format!("{name}.unit");
    let unit = AaUnit::from_name(j::string(j::required(o, "unit", name)?, &unit_at)?)
        .ok_or_else(|| AaError::detail(&unit_at, "must be HOUR, DAY, MONTH, YEAR or INF"))?;
    let value_at = format!("{name}.value");
    let value = match (unit, j::optional(o, "value", name)?) {
        (AaUnit::Inf, None) => 0,
        (_, None) => return Err(AaError::detail(value_at, "is missing")),
        (_, Some(v)) => integral(v)
            .and_then(|i| u64::try_from(i).ok())
            .ok_or_else(|| AaError::detail(&value_at, "must be a whole number, not negative"))?,
    };
    Ok(AaPeriod { unit, value })
}

/// `TERM-DEPOSIT` → `TERM_DEPOSIT`, `deposit` → `DEPOSIT`; `None` outside `[A-Za-z0-9_-]`.
fn fi_type(s: &str) -> Option<String> {
    let ok = !s.is_empty()
        && s.len() <= MAX_AA_ID_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    ok.then(|| {
        s.bytes()
            .map(|b| {
                if b == b'-' {
                    '_'
                } else {
                    char::from(b.to_ascii_uppercase())
                }
            })
            .collect()
    })
}

/// Imports a verified consent (mapping in `docs/aa.md`). It takes the [`VerifiedAa`], not the
/// bare detail, because the issuer (the signing entity) and the evidence (the JWS hash) come
/// from the verification, and so that only authenticated details are imported. Quirks accepted
/// without touching the signed bytes: offsets written `+0000`, epoch-millisecond numbers,
/// `TERM-DEPOSIT`, member names in another ASCII case, integral numbers written `4.0`, a
/// placeholder `Category.type`. `status`, `ConsentUse` and `createTimestamp` are ignored: they
/// are outside the signature.
pub fn import(verified: &VerifiedAa) -> Result<ImportedConsent, AaError> {
    let d = j::object(verified.detail(), "detail")?;

    let start = instant(d, "consentStart", "")?;
    let expiry = instant(d, "consentExpiry", "")?;
    let nbf = start.up();
    let exp = expiry.down();
    if exp <= nbf {
        return Err(AaError::detail(
            "consentExpiry",
            "must be after `consentStart`",
        ));
    }

    let mode_at = "consentMode";
    let mode = match j::string(j::required(d, mode_at, "")?, mode_at)?
        .to_ascii_lowercase()
        .as_str()
    {
        "view" => Mode::View,
        "store" => Mode::Store,
        "query" => Mode::Query,
        "stream" => Mode::Stream,
        _ => {
            return Err(AaError::detail(
                mode_at,
                "must be VIEW, STORE, QUERY or STREAM",
            ))
        }
    };

    let mut fi_types: Vec<String> = Vec::new();
    for (i, v) in list(d, "fiTypes")?.iter().enumerate() {
        let at = format!("fiTypes[{i}]");
        let t = fi_type(j::string(v, &at)?).ok_or_else(|| {
            AaError::detail(&at, "must be an FI type of letters, digits, `_` or `-`")
        })?;
        if !fi_types.contains(&t) {
            fi_types.push(t);
        }
    }
    let mut consent_types: Vec<&'static str> = Vec::new();
    for (i, v) in list(d, "consentTypes")?.iter().enumerate() {
        let at = format!("consentTypes[{i}]");
        let s = j::string(v, &at)?;
        let t = ["profile", "summary", "transactions"]
            .into_iter()
            .find(|t| t.eq_ignore_ascii_case(s))
            .ok_or_else(|| AaError::detail(&at, "must be PROFILE, SUMMARY or TRANSACTIONS"))?;
        if !consent_types.contains(&t) {
            consent_types.push(t);
        }
    }
    let mut fields = Vec::with_capacity(fi_types.len() * consent_types.len());
    for f in &fi_types {
        for t in &consent_types {
            fields.push(format!("/fi/{f}/{t}"));
        }
    }

    let aud = id_of(d, "DataConsumer")?;
    let sub = id_of(d, "Customer")?;

    let p = j::object(j::required(d, "Purpose", "")?, "Purpose")?;
    let code = match j::required(p, "code", "Purpose")? {
        Value::String(s) => s.clone(),
        v => integral(v)
            .filter(|i| *i >= 0)
            .map(|i| i.to_string())
            .ok_or_else(|| AaError::detail("Purpose.code", "must be a string or a whole number"))?,
    };
    let code_ok = !code.is_empty()
        && code.len() <= 32
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !code_ok {
        return Err(AaError::detail(
            "Purpose.code",
            "must be 1 to 32 letters, digits, `_` or `-`",
        ));
    }
    let category_type = match j::optional(p, "Category", "Purpose")? {
        None => None,
        Some(c) => opt_string(
            j::object(c, "Purpose.Category")?,
            "type",
            "Purpose.Category",
        )?,
    };
    let purpose = AaPurpose {
        text: opt_string(p, "text", "Purpose")?,
        ref_uri: opt_string(p, "refUri", "Purpose")?,
        category_type,
        code,
    };

    let data_life = period(d, "DataLife")?;
    let frequency = period(d, "Frequency")?;
    let data_life_seconds = match data_life.unit.seconds() {
        None => None,
        Some(s) => Some(
            data_life
                .value
                .checked_mul(s)
                .filter(|v| i64::try_from(*v).is_ok())
                .ok_or_else(|| AaError::detail("DataLife.value", "is too large"))?,
        ),
    };
    let budget = match frequency.unit.seconds() {
        None => None,
        Some(per) => {
            if frequency.value == 0 {
                return Err(AaError::detail("Frequency.value", "must be at least 1"));
            }
            Some(Frequency {
                max: frequency.value,
                per,
            })
        }
    };

    let fi_data_range = match j::optional(d, "FIDataRange", "")? {
        None => None,
        Some(r) => {
            let r = j::object(r, "FIDataRange")?;
            let from = instant(r, "from", "FIDataRange")?.up();
            let to = instant(r, "to", "FIDataRange")?.down();
            if to < from {
                return Err(AaError::detail(
                    "FIDataRange.to",
                    "must not be before `from`",
                ));
            }
            Some(DataRange { from, to })
        }
    };

    let mut data_filter = Vec::new();
    if let Some(f) = j::optional(d, "DataFilter", "")? {
        let a = j::array(f, "DataFilter")?;
        if a.len() > MAX_AA_LIST {
            return Err(AaError::detail("DataFilter", "has more than 64 entries"));
        }
        for (i, e) in a.iter().enumerate() {
            let at = format!("DataFilter[{i}]");
            let o = j::object(e, &at)?;
            let kind = j::string(j::required(o, "type", &at)?, &format!("{at}.type"))?.to_owned();
            let operator =
                j::string(j::required(o, "operator", &at)?, &format!("{at}.operator"))?.to_owned();
            if !["=", "!=", ">", "<", ">=", "<="].contains(&operator.as_str()) {
                return Err(AaError::detail(
                    format!("{at}.operator"),
                    "must be =, !=, >, <, >= or <=",
                ));
            }
            let value = match j::required(o, "value", &at)? {
                Value::String(s) => s.clone(),
                v @ Value::Number(_) => v.to_string(),
                _ => {
                    return Err(AaError::detail(
                        format!("{at}.value"),
                        "must be a string or a number",
                    ))
                }
            };
            data_filter.push(AaDataFilter {
                kind,
                operator,
                value,
            });
        }
    }

    let consent_id = opt_string(d, "consentId", "")?;
    let fetch_type = opt_string(d, "fetchType", "")?;

    let issuer = match &verified.issuer {
        Some(e) => e.clone(),
        None => format!("kid:{}", verified.kid),
    };
    let evidence = verified.evidence();
    let mut cti = [0u8; 16];
    for (dst, src) in cti.iter_mut().zip(evidence.iter()) {
        *dst = *src;
    }
    let mut grant = Grant::new(&format!("aa:{}", purpose.code), fields, mode);
    grant.data_life = data_life_seconds;
    grant.frequency = budget;
    let claims = Claims {
        iss: issuer.clone(),
        sub,
        aud: Audience::One(aud),
        exp,
        nbf: Some(nbf),
        iat: nbf,
        cti: Cti(cti),
        status: None,
        consent: Consent {
            v: V1,
            basis: "consent".into(),
            purposes: vec![grant],
            notice: Notice {
                id: IMPORTED_NOTICE_ID.into(),
                sha256: super::jws::sha256(&verified.payload),
                lang: "und".into(),
            },
            grantor: None,
            child: None,
            range: fi_data_range,
        },
    };
    claims
        .validate()
        .map_err(|_| AaError::detail("detail", "does not map to valid claims"))?;
    Ok(ImportedConsent {
        claims,
        issuer,
        kid: verified.kid.clone(),
        evidence,
        consent_id,
        fetch_type,
        purpose,
        fi_types,
        consent_types,
        data_life,
        frequency,
        fi_data_range,
        data_filter,
    })
}
