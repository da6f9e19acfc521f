//! Requests, decisions and the decision procedure.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::retention::Retention;
use super::taxonomy::Taxonomy;
use crate::artefact::{Grant, GrantorRole, Mode};
use crate::scope::{filter_record, FilterError, Segment, Selector, SelectorError, TransformHook};
use crate::verify::{VerifiedArtefact, DEFAULT_LEEWAY, MAX_LEEWAY};

/// The artefact's current status, as the caller found it (for example in a Token Status List).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum StatusInput {
    /// Active (status list value 0, VALID).
    Valid,
    /// Withdrawn for good (status list value 1, INVALID).
    Revoked,
    /// Paused (status list value 2, SUSPENDED).
    Suspended,
    /// Not checked, or not available (no list, a stale list, an application-specific value).
    Unknown,
    /// The artefact's status index lies past the end of its own issuer's list: malformed
    /// evidence. Always denied (`status_unknown`), even when the request accepts an unknown
    /// status.
    Malformed,
}

impl StatusInput {
    /// The status for a Token Status List value: 0 VALID, 1 INVALID (revoked), 2 SUSPENDED,
    /// anything else (application-specific or reserved) unknown.
    ///
    /// ```
    /// use consentry::purpose::StatusInput;
    /// assert_eq!(StatusInput::from_status_value(1), StatusInput::Revoked);
    /// assert_eq!(StatusInput::from_status_value(3), StatusInput::Unknown);
    /// ```
    pub const fn from_status_value(value: u8) -> Self {
        match value {
            0 => StatusInput::Valid,
            1 => StatusInput::Revoked,
            2 => StatusInput::Suspended,
            _ => StatusInput::Unknown,
        }
    }

    /// The status of a verified artefact in a verified status list (or none), by the one rule
    /// of [`crate::StatusCheck::input`]: no status claim is VALID; no list, a list published at
    /// another URI, or a list signed by a key other than the artefact's (another issuer's list
    /// can neither revoke nor un-revoke) is UNKNOWN; an index past the end of the artefact's own
    /// list is MALFORMED (denied even when unknown is accepted, as `verify` refuses it);
    /// otherwise the list's value, where values above 2 are UNKNOWN, and a list that is not
    /// fresh (stale, expired, issued in the future) still proves revocation and suspension but
    /// cannot prove VALID, which becomes UNKNOWN. Both must have been verified with the same
    /// trust store.
    pub fn from_list(
        verified: &crate::VerifiedArtefact,
        list: Option<&crate::status::VerifiedStatusList>,
    ) -> Self {
        verified
            .status_in(list)
            .map_or(StatusInput::Malformed, |c| c.input())
    }
}

/// Most selectors a [`Request`] may name in `fields`.
pub const MAX_REQUEST_FIELDS: usize = 4096;

/// Longest requested selector, in bytes of its text form.
pub const MAX_SELECTOR_LEN: usize = 1024;

/// Most segments a requested selector may have.
pub const MAX_SELECTOR_DEPTH: usize = 32;

/// Steps (trie nodes visited, selectors produced, field × transform pairs) one decision may spend
/// computing the granted fields. Beyond it the decision denies with `invalid_request`: it bounds
/// the work for every input, including grants (which come from the artefact, not the caller).
pub const MAX_FIELD_STEPS: usize = 1 << 22;

/// A [`Request`] over one of the caps ([`MAX_REQUEST_FIELDS`], [`MAX_SELECTOR_LEN`],
/// [`MAX_SELECTOR_DEPTH`]). The message names the member and the cap, never the selector.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RequestTooLarge {
    message: String,
}

impl crate::error::HasCode for RequestTooLarge {
    fn code(&self) -> crate::Code {
        crate::Code::RequestTooLarge
    }
}

fn default_leeway() -> u64 {
    DEFAULT_LEEWAY
}

/// What the recipient wants to do. JSON form: camelCase members, unknown members rejected;
/// `uses`, `leeway` (default 60) and `acceptUnknownStatus` (default false) are optional.
///
/// ```
/// use consentry::purpose::Request;
/// use consentry::Mode;
/// let r: Request = serde_json::from_str(
///     r#"{"recipient":"fiu.example","purpose":"aa:101","operation":"view",
///         "fields":["/name","/accounts/*/balance"],"now":1750000000,"uses":3}"#)?;
/// assert_eq!(r.operation, Mode::View);
/// assert_eq!(r.leeway, 60);
/// assert!(serde_json::from_str::<Request>(r#"{"recipient":"x","purpose":"p",
///     "operation":"view","fields":["name"],"now":0}"#).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Request {
    /// Who will receive the data (must be in the artefact's `aud`).
    pub recipient: String,
    /// The purpose code of the use.
    pub purpose: String,
    /// What the recipient will do with the data.
    pub operation: Mode,
    /// The fields wanted.
    pub fields: Vec<Selector>,
    /// The time of the use, seconds since the epoch.
    pub now: i64,
    /// Uses already made under this artefact's grant in the trailing window of the grant's
    /// `frequency.per` seconds. Required when the grant has a budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses: Option<u64>,
    /// Clock-skew leeway in seconds (default 60, at most 300).
    #[serde(default = "default_leeway")]
    pub leeway: u64,
    /// Permit when the artefact has a status claim but its status is [`StatusInput::Unknown`].
    #[serde(default)]
    pub accept_unknown_status: bool,
}

impl Request {
    /// A request without a use count, with the default leeway, not accepting unknown status.
    pub fn new<I, S>(
        recipient: &str,
        purpose: &str,
        operation: Mode,
        fields: I,
        now: i64,
    ) -> Result<Self, SelectorError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Ok(Request {
            recipient: recipient.to_owned(),
            purpose: purpose.to_owned(),
            operation,
            fields: fields
                .into_iter()
                .map(|f| Selector::parse(f.as_ref()))
                .collect::<Result<_, _>>()?,
            now,
            uses: None,
            leeway: DEFAULT_LEEWAY,
            accept_unknown_status: false,
        })
    }

    /// Sets the number of uses already made in the budget window.
    #[must_use]
    pub fn with_uses(mut self, uses: u64) -> Self {
        self.uses = Some(uses);
        self
    }

    /// Sets the leeway (a value over 300 s makes the decision deny with `invalid_request`).
    #[must_use]
    pub fn with_leeway(mut self, seconds: u64) -> Self {
        self.leeway = seconds;
        self
    }

    /// Sets the time of the use.
    #[must_use]
    pub fn at(mut self, now: i64) -> Self {
        self.now = now;
        self
    }

    /// Accepts (or not) an unknown status for artefacts that have a status claim.
    #[must_use]
    pub fn accept_unknown_status(mut self, accept: bool) -> Self {
        self.accept_unknown_status = accept;
        self
    }

    /// Checks the size caps: at most [`MAX_REQUEST_FIELDS`] selectors, each at most
    /// [`MAX_SELECTOR_LEN`] bytes and [`MAX_SELECTOR_DEPTH`] segments. Every face refuses an
    /// over-cap request with `request_too_large` before deciding; [`decide`] itself denies it
    /// with `invalid_request`.
    ///
    /// ```
    /// use consentry::purpose::{Request, MAX_REQUEST_FIELDS};
    /// use consentry::Mode;
    /// let many: Vec<String> = (0..=MAX_REQUEST_FIELDS).map(|i| format!("/f{i}")).collect();
    /// let r = Request::new("fiu", "aa:101", Mode::View, &many, 0)?;
    /// assert_eq!(r.check_limits().unwrap_err().to_string(),
    ///     "`fields` names 4097 selectors; at most 4096 are allowed");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_limits(&self) -> Result<(), RequestTooLarge> {
        if self.fields.len() > MAX_REQUEST_FIELDS {
            return Err(RequestTooLarge {
                message: format!(
                    "`fields` names {} selectors; at most {MAX_REQUEST_FIELDS} are allowed",
                    self.fields.len()
                ),
            });
        }
        for (i, f) in self.fields.iter().enumerate() {
            if f.len() > MAX_SELECTOR_DEPTH {
                return Err(RequestTooLarge {
                    message: format!("`fields[{i}]` has more than {MAX_SELECTOR_DEPTH} segments"),
                });
            }
            if f.text_len() > MAX_SELECTOR_LEN {
                return Err(RequestTooLarge {
                    message: format!("`fields[{i}]` is longer than {MAX_SELECTOR_LEN} bytes"),
                });
            }
        }
        Ok(())
    }
}

macro_rules! reason_codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $num:literal => $name:literal, )*) => {
        /// Why a request was denied. The declaration order is the order of the checks and of the
        /// reasons in a denial (and the order of [`Ord`]); numbers and strings are stable and
        /// never reused, so a reason added later has a higher number but keeps its place.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        #[repr(u32)]
        pub enum ReasonCode { $( $(#[doc = $doc])* $variant = $num, )* }

        impl ReasonCode {
            /// Every reason code, in check order.
            pub const ALL: &'static [ReasonCode] = &[ $(ReasonCode::$variant,)* ];

            /// The stable string form, e.g. `"purpose_not_granted"`.
            pub const fn as_str(self) -> &'static str {
                match self { $(ReasonCode::$variant => $name,)* }
            }

            /// The stable number (its own space, starting at 1; not a [`crate::Code`]).
            pub const fn as_u32(self) -> u32 {
                self as u32
            }

            /// The reason code with this string form.
            pub fn from_name(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.as_str() == s)
            }

            /// The place of the check in the order of checks (0 first).
            pub fn rank(self) -> usize {
                Self::ALL.iter().position(|c| *c == self).unwrap_or(usize::MAX)
            }
        }

        impl PartialOrd for ReasonCode {
            fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        /// Check order (the declaration order), not numeric order.
        impl Ord for ReasonCode {
            fn cmp(&self, other: &Self) -> core::cmp::Ordering {
                self.rank().cmp(&other.rank())
            }
        }
    };
}

reason_codes! {
    /// the request itself is malformed (leeway over 300 s, empty recipient, purpose or fields, over
    /// the size caps) or its fields cannot be computed within the step budget
    InvalidRequest = 1 => "invalid_request",
    /// now is before `nbf` minus leeway
    NotYetValid = 2 => "not_yet_valid",
    /// now is at or after `exp` plus leeway
    Expired = 3 => "expired",
    /// `iat` is after now plus leeway (an artefact `verify` rejects as issued in the future)
    IssuedInFuture = 19 => "issued_in_future",
    /// the recipient is not in `aud`
    AudienceMismatch = 4 => "audience_mismatch",
    /// the artefact was revoked (withdrawn)
    Revoked = 5 => "revoked",
    /// the artefact is suspended (paused)
    Suspended = 6 => "suspended",
    /// the artefact has a status claim but its status is unknown and the request does not accept
    /// that, or its index lies past the end of its issuer's list (denied even when accepted)
    StatusUnknown = 7 => "status_unknown",
    /// the basis is neither `consent` nor a legitimate use in the taxonomy
    BasisInvalid = 8 => "basis_invalid",
    /// a child's consent without a parent or guardian grantor with evidence
    ChildConsentUnverified = 9 => "child_consent_unverified",
    /// the requested purpose is not in the taxonomy
    PurposeUnknown = 10 => "purpose_unknown",
    /// the requested purpose is prohibited for children and the artefact is a child's
    ChildProhibited = 11 => "child_prohibited",
    /// no grant's purpose equals or is an ancestor of the requested purpose
    PurposeNotGranted = 12 => "purpose_not_granted",
    /// nothing covers the request and some grants name purposes the taxonomy does not know
    GrantPurposeUnknown = 13 => "grant_purpose_unknown",
    /// a covering grant holds a selector that does not parse, or conflicting transforms
    GrantInvalid = 14 => "grant_invalid",
    /// the grant's mode does not allow the operation
    ModeNotGranted = 15 => "mode_not_granted",
    /// no requested field intersects the grant's fields
    FieldsNotGranted = 16 => "fields_not_granted",
    /// the grant has a usage budget but the request gives no use count
    FrequencyUnchecked = 17 => "frequency_unchecked",
    /// the usage budget is spent
    FrequencyExceeded = 18 => "frequency_exceeded",
}

impl core::fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ReasonCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ReasonCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ReasonCode::from_name(&s).ok_or_else(|| D::Error::custom("unknown reason code"))
    }
}

/// One failed check: a stable code and a lower-case message (names claims, purpose codes and
/// selectors; never personal values).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// The stable code.
    pub code: ReasonCode,
    /// Explanation for people.
    pub message: String,
}

/// What a permit allows.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Permit {
    /// The granted fields: intersections of requested and consented selectors, minimal (none
    /// covers another), sorted segment by segment (keys in byte order, a key before `*`).
    pub fields: Vec<Selector>,
    /// Selector ⇒ transform every value there must go through before it leaves.
    pub transforms: BTreeMap<Selector, String>,
    /// When the recipient must have erased the data: `min(now + data_life, exp)`.
    pub erase_by: i64,
}

impl Permit {
    /// A permit from its parts (for example one received as JSON from another face).
    pub fn new(
        fields: Vec<Selector>,
        transforms: BTreeMap<Selector, String>,
        erase_by: i64,
    ) -> Self {
        Permit {
            fields,
            transforms,
            erase_by,
        }
    }

    /// Applies the permit to a record: only granted fields remain, each passed through its
    /// required transform by `hook` (see [`filter_record`]).
    pub fn filter(
        &self,
        record: &serde_json::Value,
        hook: &dyn TransformHook,
    ) -> Result<serde_json::Value, FilterError> {
        filter_record(record, &self.fields, &self.transforms, hook)
    }

    /// Whether the permit may still be applied at `now`: refuses it from its `eraseBy` on
    /// (`permit_expired`). A permit is not signed: whoever holds the file can edit it, so apply
    /// only permits your own `decide` produced, or decide again from the artefact.
    pub fn check_current(&self, now: i64) -> Result<(), crate::VerifyError> {
        if now >= self.erase_by {
            return Err(crate::VerifyError::PermitExpired {
                erase_by: self.erase_by,
                now,
            });
        }
        Ok(())
    }

    /// Retention deadlines for a use at `used_at` under this permit.
    pub fn retention(&self, used_at: i64) -> Retention {
        Retention::from_erase_by(self.erase_by, used_at)
    }
}

/// The answer to a [`Request`].
///
/// JSON: `{"allowed":true,"fields":[..],"transforms":{..},"eraseBy":N}` or
/// `{"allowed":false,"reasons":[{"code":..,"message":..}]}`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decision {
    /// The use is allowed, within the permit.
    Permit(Permit),
    /// The use is not allowed.
    Deny {
        /// Every failed check, in [`ReasonCode`] order (at least one).
        reasons: Vec<Reason>,
    },
}

impl Decision {
    /// Whether the use is allowed.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Permit(_))
    }

    /// The permit, if allowed.
    pub fn permit(&self) -> Option<&Permit> {
        match self {
            Decision::Permit(p) => Some(p),
            Decision::Deny { .. } => None,
        }
    }

    /// The reasons of a denial (empty for a permit).
    pub fn reasons(&self) -> &[Reason] {
        match self {
            Decision::Permit(_) => &[],
            Decision::Deny { reasons } => reasons,
        }
    }

    /// The JSON form (compact, members in the documented order).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Serialize for Decision {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Decision::Permit(p) => {
                let mut m = s.serialize_map(Some(4))?;
                m.serialize_entry("allowed", &true)?;
                m.serialize_entry("fields", &p.fields)?;
                m.serialize_entry("transforms", &p.transforms)?;
                m.serialize_entry("eraseBy", &p.erase_by)?;
                m.end()
            }
            Decision::Deny { reasons } => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("allowed", &false)?;
                m.serialize_entry("reasons", reasons)?;
                m.end()
            }
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DecisionJson {
    allowed: bool,
    fields: Option<Vec<Selector>>,
    transforms: Option<BTreeMap<Selector, String>>,
    erase_by: Option<i64>,
    reasons: Option<Vec<Reason>>,
}

impl<'de> Deserialize<'de> for Decision {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let j = DecisionJson::deserialize(d)?;
        match j {
            DecisionJson {
                allowed: true,
                fields: Some(fields),
                transforms: Some(transforms),
                erase_by: Some(erase_by),
                reasons: None,
            } if !fields.is_empty() => Ok(Decision::Permit(Permit {
                fields,
                transforms,
                erase_by,
            })),
            DecisionJson {
                allowed: false,
                fields: None,
                transforms: None,
                erase_by: None,
                reasons: Some(reasons),
            } if !reasons.is_empty() => Ok(Decision::Deny { reasons }),
            _ => Err(D::Error::custom(
                "a permit needs non-empty `fields`, `transforms` and `eraseBy`; a denial needs non-empty `reasons`",
            )),
        }
    }
}

/// Whether a grant in mode `granted` allows the operation `requested`.
///
/// The lattice is deliberately small: `store` implies `view` (a recipient allowed to keep a copy
/// may display it); `view`, `query` and `stream` allow only themselves.
///
/// ```
/// use consentry::purpose::mode_allows;
/// use consentry::Mode;
/// assert!(mode_allows(Mode::Store, Mode::View));
/// assert!(!mode_allows(Mode::View, Mode::Store));
/// assert!(!mode_allows(Mode::Stream, Mode::View));
/// ```
pub fn mode_allows(granted: Mode, requested: Mode) -> bool {
    granted == requested || (granted == Mode::Store && requested == Mode::View)
}

/// What a covering grant allows, when it passes every grant-level check.
struct Granted {
    fields: Vec<Selector>,
    transforms: BTreeMap<Selector, String>,
}

fn reason(code: ReasonCode, message: impl Into<String>) -> Reason {
    Reason {
        code,
        message: message.into(),
    }
}

/// Decides a request (see the [module docs](crate::purpose) for the checks and their order).
///
/// Deterministic and total: the same inputs give the same decision, and no input panics.
pub fn decide(
    verified: &VerifiedArtefact,
    request: &Request,
    taxonomy: &Taxonomy,
    status: StatusInput,
) -> Decision {
    decide_claims(&verified.claims, request, taxonomy, status)
}

/// [`decide`] on authenticated claims: a verified artefact's, or an imported Account
/// Aggregator consent's (`crate::aa::ImportedConsent::decide`). Crate-private so that no caller
/// decides on claims nobody verified.
pub(crate) fn decide_claims(
    c: &crate::artefact::Claims,
    request: &Request,
    taxonomy: &Taxonomy,
    status: StatusInput,
) -> Decision {
    let mut reasons = Vec::new();

    if request.leeway > MAX_LEEWAY {
        reasons.push(reason(
            ReasonCode::InvalidRequest,
            "`leeway` must be at most 300 seconds",
        ));
    }
    if request.recipient.is_empty() {
        reasons.push(reason(
            ReasonCode::InvalidRequest,
            "`recipient` must not be empty",
        ));
    }
    if request.purpose.is_empty() {
        reasons.push(reason(
            ReasonCode::InvalidRequest,
            "`purpose` must not be empty",
        ));
    }
    if request.fields.is_empty() {
        reasons.push(reason(
            ReasonCode::InvalidRequest,
            "`fields` must name at least one selector",
        ));
    }
    let too_large = request.check_limits().err();
    if let Some(e) = &too_large {
        reasons.push(reason(ReasonCode::InvalidRequest, e.to_string()));
    }

    let leeway = i128::from(request.leeway.min(MAX_LEEWAY));
    let now = i128::from(request.now);
    if let Some(nbf) = c.nbf {
        if now < i128::from(nbf) - leeway {
            reasons.push(reason(
                ReasonCode::NotYetValid,
                format!("artefact not yet valid: `nbf` {nbf} - leeway {leeway} s > now {now}"),
            ));
        }
    }
    if now >= i128::from(c.exp) + leeway {
        reasons.push(reason(
            ReasonCode::Expired,
            format!(
                "artefact expired: `exp` {} + leeway {leeway} s <= now {now}",
                c.exp
            ),
        ));
    }

    if i128::from(c.iat) > now + leeway {
        reasons.push(reason(
            ReasonCode::IssuedInFuture,
            format!(
                "artefact issued in the future: `iat` {} is after now {now} + leeway {leeway} s",
                c.iat
            ),
        ));
    }

    if !c.aud.contains(&request.recipient) {
        reasons.push(reason(
            ReasonCode::AudienceMismatch,
            "recipient is not in `aud`",
        ));
    }

    match status {
        StatusInput::Revoked => reasons.push(reason(ReasonCode::Revoked, "artefact is revoked")),
        StatusInput::Suspended => {
            reasons.push(reason(ReasonCode::Suspended, "artefact is suspended"));
        }
        StatusInput::Unknown if c.status.is_some() && !request.accept_unknown_status => {
            reasons.push(reason(
                ReasonCode::StatusUnknown,
                "artefact's status in its `status` list is unknown",
            ));
        }
        StatusInput::Malformed => {
            reasons.push(reason(
                ReasonCode::StatusUnknown,
                "artefact's `status` index lies past the end of its issuer's list",
            ));
        }
        StatusInput::Valid | StatusInput::Unknown => {}
    }

    let basis = c.consent.basis.as_str();
    let legitimate_use = basis != "consent" && taxonomy.is_legitimate_use(basis);
    if basis != "consent" && !legitimate_use {
        reasons.push(reason(
            ReasonCode::BasisInvalid,
            "`consent.basis` is neither `consent` nor a legitimate use in the taxonomy",
        ));
    }

    let child = c.consent.child == Some(true);
    // Verifiable parental consent (DPDP s.9(1)) unless a valid legitimate use is the basis.
    if child && !legitimate_use {
        let verified_grantor = c.consent.grantor.as_ref().is_some_and(|g| {
            matches!(g.role, GrantorRole::Parent | GrantorRole::Guardian)
                && !g.evidence.trim().is_empty()
        });
        if !verified_grantor {
            reasons.push(reason(
                ReasonCode::ChildConsentUnverified,
                "a child's consent needs `consent.grantor` with role `parent` or `guardian` and evidence",
            ));
        }
    }

    let requested = taxonomy.index_of(&request.purpose);
    match requested {
        None => reasons.push(reason(
            ReasonCode::PurposeUnknown,
            format!("purpose `{}` is not in the taxonomy", request.purpose),
        )),
        Some(r) if child && taxonomy.child_prohibited_at(r) => reasons.push(reason(
            ReasonCode::ChildProhibited,
            format!(
                "purpose `{}` is prohibited for children (dpdp s.9(3))",
                request.purpose
            ),
        )),
        Some(_) => {}
    }

    // Grants covering the requested purpose, in artefact order.
    let mut chain = [usize::MAX; super::taxonomy::MAX_DEPTH + 1];
    let mut chain_len = 0;
    for (slot, i) in chain.iter_mut().zip(taxonomy.chain(requested)) {
        *slot = i;
        chain_len += 1;
    }
    let chain = chain.get(..chain_len).unwrap_or(&[]);
    let mut covering = Vec::new();
    let mut unknown_grants = 0usize;
    for (i, g) in c.consent.purposes.iter().enumerate() {
        match taxonomy.index_of(&g.purpose) {
            None => unknown_grants += 1,
            Some(gi) if chain.contains(&gi) => covering.push(i),
            Some(_) => {}
        }
    }
    if covering.is_empty() {
        if requested.is_some() {
            reasons.push(reason(
                ReasonCode::PurposeNotGranted,
                format!("no grant covers purpose `{}`", request.purpose),
            ));
        }
        if unknown_grants > 0 {
            reasons.push(reason(
                ReasonCode::GrantPurposeUnknown,
                format!("{unknown_grants} grant(s) in `consent.purposes` name purposes not in the taxonomy"),
            ));
        }
    }

    let mut best: Option<(usize, Granted)> = None;
    let mut grant_reasons = Vec::new();
    let mut budget = Budget::new(MAX_FIELD_STEPS);
    // An over-cap request is denied above; its fields are not computed.
    let covering = if too_large.is_some() {
        Vec::new()
    } else {
        covering
    };
    for &i in &covering {
        let Some(g) = c.consent.purposes.get(i) else {
            continue;
        };
        match evaluate(g, i, request, &mut budget) {
            Ok(granted) => {
                let better = best
                    .as_ref()
                    .is_none_or(|(_, b)| granted.fields.len() > b.fields.len());
                if better {
                    best = Some((i, granted));
                }
            }
            Err(mut rs) => grant_reasons.append(&mut rs),
        }
    }
    if best.is_none() {
        reasons.append(&mut grant_reasons);
    }
    if budget.exhausted() {
        reasons.push(reason(
            ReasonCode::InvalidRequest,
            format!("the requested fields meet the granted ones in too many ways (over {MAX_FIELD_STEPS} steps)"),
        ));
    }

    match best {
        Some((i, granted)) if reasons.is_empty() => {
            let data_life = c
                .consent
                .purposes
                .get(i)
                .and_then(|g| g.data_life)
                .map(|d| i64::try_from(d).unwrap_or(i64::MAX));
            let erase_by = match data_life {
                Some(d) => request.now.saturating_add(d).min(c.exp),
                None => c.exp,
            };
            Decision::Permit(Permit {
                fields: granted.fields,
                transforms: granted.transforms,
                erase_by,
            })
        }
        _ => {
            if reasons.is_empty() {
                // Unreachable by construction; fail closed all the same.
                reasons.push(reason(
                    ReasonCode::PurposeNotGranted,
                    format!("no grant covers purpose `{}`", request.purpose),
                ));
            }
            reasons.sort_by_key(|r| r.code);
            Decision::Deny { reasons }
        }
    }
}

/// The grant-level checks (14–18) for grant `i`.
fn evaluate(
    g: &Grant,
    i: usize,
    request: &Request,
    budget: &mut Budget,
) -> Result<Granted, Vec<Reason>> {
    let at = |m: &str| format!("consent.purposes[{i}].{m}");
    let mut rs = Vec::new();

    let mut granted = Vec::with_capacity(g.fields.len());
    for (j, f) in g.fields.iter().enumerate() {
        match Selector::parse(f) {
            Ok(s) => granted.push(s),
            Err(e) => rs.push(reason(
                ReasonCode::GrantInvalid,
                format!("`{}[{j}]`: {}", at("fields"), e.reason()),
            )),
        }
    }
    let mut required = Vec::new();
    for (sel, id) in g.transforms.iter().flatten() {
        match Selector::parse(sel) {
            Ok(s) => required.push((s, id)),
            Err(e) => rs.push(reason(
                ReasonCode::GrantInvalid,
                format!("`{}`: {}", at("transforms"), e.reason()),
            )),
        }
    }

    if !mode_allows(g.mode, request.operation) {
        rs.push(reason(
            ReasonCode::ModeNotGranted,
            format!(
                "`{}` is `{}`, which does not allow `{}`",
                at("mode"),
                g.mode.as_str(),
                request.operation.as_str()
            ),
        ));
    }

    let Some(fields) = intersect_all(&request.fields, &granted, budget) else {
        // Out of budget: `decide` denies with `invalid_request`.
        return Err(Vec::new());
    };
    if fields.is_empty() {
        rs.push(reason(
            ReasonCode::FieldsNotGranted,
            format!("no requested field is within `{}`", at("fields")),
        ));
    }

    if let Some(fr) = g.frequency {
        match request.uses {
            None => rs.push(reason(
                ReasonCode::FrequencyUnchecked,
                format!(
                    "`{}` sets a budget but the request gives no `uses`",
                    at("frequency")
                ),
            )),
            Some(u) if u >= fr.max => rs.push(reason(
                ReasonCode::FrequencyExceeded,
                format!(
                    "{u} uses already made; `{}` allows {} per {} s",
                    at("frequency"),
                    fr.max,
                    fr.per
                ),
            )),
            Some(_) => {}
        }
    }

    let mut transforms: BTreeMap<Selector, String> = BTreeMap::new();
    if !budget.spend(fields.len().saturating_mul(required.len())) {
        return Err(Vec::new());
    }
    for f in &fields {
        for (t, id) in &required {
            let Some(m) = f.intersect(t) else { continue };
            match transforms.get(&m) {
                Some(prev) if prev != *id => rs.push(reason(
                    ReasonCode::GrantInvalid,
                    format!(
                        "`{}` requires different transforms at `{m}`",
                        at("transforms")
                    ),
                )),
                Some(_) => {}
                None => {
                    transforms.insert(m, (*id).clone());
                }
            }
        }
    }

    if rs.is_empty() {
        Ok(Granted { fields, transforms })
    } else {
        Err(rs)
    }
}

/// A step budget for computing granted fields (see [`MAX_FIELD_STEPS`]).
struct Budget {
    left: usize,
    out: bool,
}

impl Budget {
    fn new(steps: usize) -> Self {
        Budget {
            left: steps,
            out: false,
        }
    }

    /// Spends `n` steps; `false` (and the budget is spent from then on) when there were fewer.
    fn spend(&mut self, n: usize) -> bool {
        match self.left.checked_sub(n) {
            Some(left) if !self.out => {
                self.left = left;
                true
            }
            _ => {
                self.out = true;
                false
            }
        }
    }

    fn exhausted(&self) -> bool {
        self.out
    }
}

/// Budget steps for copying `segs`: one, plus one per 8 bytes of keys (so that long keys from
/// the artefact cannot make a bounded number of steps copy unbounded text).
fn bytes_cost(segs: &[Segment]) -> usize {
    segs.iter().fold(1, |acc, s| match s {
        Segment::Key(k) => acc.saturating_add(k.len() / 8),
        Segment::Any => acc,
    })
}

/// A trie of selectors, one path of segments per selector.
#[derive(Default)]
struct Trie<'a> {
    nodes: Vec<TrieNode<'a>>,
}

#[derive(Default)]
struct TrieNode<'a> {
    /// Children by key segment, sorted by key (selectors go in sorted, so keys arrive in order).
    keys: Vec<(&'a str, usize)>,
    /// The child by `*`.
    any: Option<usize>,
    /// Whether a selector ends here.
    end: bool,
}

impl<'a> TrieNode<'a> {
    fn key(&self, k: &str) -> Option<usize> {
        self.keys
            .binary_search_by(|(x, _)| (*x).cmp(k))
            .ok()
            .and_then(|i| self.keys.get(i))
            .map(|&(_, c)| c)
    }
}

impl<'a> Trie<'a> {
    /// A trie of `selectors`, which must be sorted (children are appended in key order).
    fn new(selectors: &'a [Selector]) -> Self {
        let mut t = Trie {
            nodes: vec![TrieNode::default()],
        };
        for s in selectors {
            let mut cur = 0;
            for seg in s.segments() {
                let next = t.nodes.len();
                let Some(node) = t.nodes.get_mut(cur) else {
                    break;
                };
                cur = match seg {
                    Segment::Any => *node.any.get_or_insert(next),
                    Segment::Key(k) => match node.keys.last() {
                        Some(&(last, c)) if last == k.as_str() => c,
                        _ => {
                            node.keys.push((k.as_str(), next));
                            next
                        }
                    },
                };
                if cur == next {
                    t.nodes.push(TrieNode::default());
                }
            }
            if let Some(node) = t.nodes.get_mut(cur) {
                node.end = true;
            }
        }
        t
    }

    fn node(&self, i: usize) -> Option<&TrieNode<'a>> {
        self.nodes.get(i)
    }

    /// Pushes to `out` the intersection of `r` with every selector in the trie (walking only
    /// the branches that meet `r`); `prefix` holds the merged segments above `node`, at depth
    /// `d`. `false` when the budget ran out.
    fn intersect(
        &self,
        node: usize,
        r: &[Segment],
        d: usize,
        prefix: &mut Vec<Segment>,
        out: &mut Vec<Selector>,
        budget: &mut Budget,
    ) -> bool {
        let Some(n) = self.node(node) else {
            return true;
        };
        if !budget.spend(1) {
            return false;
        }
        let rest = r.get(d..).unwrap_or(&[]);
        if n.end && d > 0 {
            // A granted selector of length `d` (at most `r`'s): the merged prefix, then `r`'s rest.
            let mut segs = prefix.clone();
            segs.extend(rest.iter().cloned());
            if !budget.spend(bytes_cost(&segs)) {
                return false;
            }
            out.extend(Selector::from_segments(segs));
        }
        match rest.first() {
            // `r` ends here: every longer granted selector below, as it is.
            None => self.below(node, prefix, out, budget),
            Some(Segment::Key(k)) => {
                for child in [n.key(k), n.any].into_iter().flatten() {
                    if !budget.spend(1 + k.len() / 8) {
                        return false;
                    }
                    prefix.push(Segment::Key(k.clone()));
                    let ok = self.intersect(child, r, d + 1, prefix, out, budget);
                    prefix.pop();
                    if !ok {
                        return false;
                    }
                }
                true
            }
            Some(Segment::Any) => {
                let keyed = n.keys.iter().map(|&(k, c)| (Segment::Key(k.to_owned()), c));
                for (seg, child) in keyed.chain(n.any.map(|c| (Segment::Any, c))) {
                    if !budget.spend(bytes_cost(core::slice::from_ref(&seg))) {
                        return false;
                    }
                    prefix.push(seg);
                    let ok = self.intersect(child, r, d + 1, prefix, out, budget);
                    prefix.pop();
                    if !ok {
                        return false;
                    }
                }
                true
            }
        }
    }

    /// Pushes every selector strictly below `node` (whose path is `prefix`).
    fn below(
        &self,
        node: usize,
        prefix: &mut Vec<Segment>,
        out: &mut Vec<Selector>,
        budget: &mut Budget,
    ) -> bool {
        let Some(n) = self.node(node) else {
            return true;
        };
        let keyed = n.keys.iter().map(|&(k, c)| (Segment::Key(k.to_owned()), c));
        for (seg, child) in keyed.chain(n.any.map(|c| (Segment::Any, c))) {
            if !budget.spend(bytes_cost(core::slice::from_ref(&seg))) {
                return false;
            }
            prefix.push(seg);
            let end = self.node(child).is_some_and(|c| c.end);
            if end {
                if !budget.spend(bytes_cost(prefix)) {
                    prefix.pop();
                    return false;
                }
                out.extend(Selector::from_segments(prefix.clone()));
            }
            let ok = self.below(child, prefix, out, budget);
            prefix.pop();
            if !ok {
                return false;
            }
        }
        true
    }

    /// Whether a selector in the trie other than `s` covers `s` (`s` is in the trie). Follows,
    /// level by level, only the key equal to `s`'s and `*`: at most the selectors that could
    /// cover a prefix of `s`. `None` when the budget ran out.
    fn covered(
        &self,
        node: usize,
        s: &[Segment],
        d: usize,
        exact: bool,
        budget: &mut Budget,
    ) -> Option<bool> {
        let n = self.node(node)?;
        if !budget.spend(1) {
            return None;
        }
        match s.get(d) {
            None => Some(n.end && !exact),
            Some(_) if n.end && d > 0 => Some(true),
            Some(Segment::Any) => match n.any {
                Some(c) => self.covered(c, s, d + 1, exact, budget),
                None => Some(false),
            },
            Some(Segment::Key(k)) => {
                if let Some(c) = n.key(k) {
                    if self.covered(c, s, d + 1, exact, budget)? {
                        return Some(true);
                    }
                }
                match n.any {
                    Some(c) => self.covered(c, s, d + 1, false, budget),
                    None => Some(false),
                }
            }
        }
    }
}

/// The minimal sorted set of pairwise intersections of `requested` and `granted` (none covers
/// another), or `None` when it would take more than the budget.
///
/// Cost: the granted selectors go into a trie; each requested selector walks only the branches
/// it meets (a key follows its own key and `*`; a `*` follows every child). The intersections go
/// into a second trie, and each is checked for a cover by walking only its own keys and `*`. No
/// pass is quadratic in the number of requested selectors; every step is counted against
/// `budget` (copying a key costs one step per 8 bytes), so the work and the memory are at most
/// `O(R·L + G·L + MAX_FIELD_STEPS)` for `R` requested and `G` granted selectors of at most `L`
/// segments, whatever the artefact holds.
fn intersect_all(
    requested: &[Selector],
    granted: &[Selector],
    budget: &mut Budget,
) -> Option<Vec<Selector>> {
    let mut sorted = granted.to_vec();
    sorted.sort();
    let grants = Trie::new(&sorted);
    let mut all = Vec::new();
    let mut prefix = Vec::new();
    for r in requested {
        if !grants.intersect(0, r.segments(), 0, &mut prefix, &mut all, budget) {
            return None;
        }
    }
    all.sort();
    all.dedup();
    let found = Trie::new(&all);
    let mut keep = Vec::with_capacity(all.len());
    for s in &all {
        keep.push(!found.covered(0, s.segments(), 0, true, budget)?);
    }
    Some(
        all.into_iter()
            .zip(keep)
            .filter_map(|(s, k)| k.then_some(s))
            .collect(),
    )
}

/// The quadratic reference the trie version replaced: pairwise intersections, then an
/// all-pairs minimality pass. Tests compare the two.
#[cfg(test)]
fn intersect_all_reference(requested: &[Selector], granted: &[Selector]) -> Vec<Selector> {
    let mut all: Vec<Selector> = requested
        .iter()
        .flat_map(|r| granted.iter().filter_map(move |g| r.intersect(g)))
        .collect();
    all.sort();
    all.dedup();
    let keep: Vec<bool> = all
        .iter()
        .enumerate()
        .map(|(i, s)| !all.iter().enumerate().any(|(j, o)| j != i && o.covers(s)))
        .collect();
    all.into_iter()
        .zip(keep)
        .filter_map(|(s, k)| k.then_some(s))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;
    use proptest::prelude::*;

    fn sel() -> impl Strategy<Value = Selector> {
        prop::collection::vec(
            prop_oneof![Just("*"), Just("a"), Just("b"), Just("0")],
            1..5,
        )
        .prop_map(|segs| Selector::parse(&format!("/{}", segs.join("/"))).unwrap())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn trie_fields_equal_the_pairwise_reference(
            requested in prop::collection::vec(sel(), 0..12),
            granted in prop::collection::vec(sel(), 0..12),
        ) {
            let mut budget = Budget::new(MAX_FIELD_STEPS);
            let fast = intersect_all(&requested, &granted, &mut budget).unwrap();
            prop_assert_eq!(fast, intersect_all_reference(&requested, &granted));
        }
    }

    #[test]
    fn two_thousand_requested_selectors_give_the_reference_answer() {
        let granted: Vec<Selector> = (0..20)
            .map(|i| Selector::parse(&format!("/g{i}/*")).unwrap())
            .chain([Selector::parse("/accounts/*/balance").unwrap()])
            .collect();
        let requested: Vec<Selector> = (0..2000)
            .map(|i| Selector::parse(&format!("/g{}/k{i}", i % 25)).unwrap())
            .chain([
                Selector::parse("/accounts").unwrap(),
                Selector::parse("/*/x").unwrap(),
            ])
            .collect();
        let mut budget = Budget::new(MAX_FIELD_STEPS);
        let fast = intersect_all(&requested, &granted, &mut budget).unwrap();
        assert_eq!(fast, intersect_all_reference(&requested, &granted));
        assert!(fast.len() > 1500);
    }

    #[test]
    fn long_granted_keys_cannot_multiply_into_unbounded_output() {
        // 4,096 requested `*` selectors each meeting one 60,000-byte granted key would copy
        // 245 MB; the budget stops it first.
        let granted = vec![Selector::parse(&format!("/{}", "k".repeat(60_000))).unwrap()];
        let requested: Vec<Selector> = (0..MAX_REQUEST_FIELDS)
            .map(|i| Selector::parse(&format!("/*/a{i}")).unwrap())
            .collect();
        let mut budget = Budget::new(MAX_FIELD_STEPS);
        assert_eq!(intersect_all(&requested, &granted, &mut budget), None);
        assert!(budget.exhausted());
    }

    #[test]
    fn an_exhausted_budget_gives_no_fields() {
        let granted = vec![Selector::parse("/a").unwrap()];
        let requested = vec![Selector::parse("/a/b").unwrap()];
        assert_eq!(
            intersect_all(&requested, &granted, &mut Budget::new(1)),
            None
        );
    }
}
