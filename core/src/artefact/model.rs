//! The claims model: the typed claims set of a consent artefact and its JSON (serde) form.

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use ring::rand::SecureRandom;
use serde::{Deserialize, Serialize};

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

    pub(super) fn from_name(s: &str) -> Option<Self> {
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
