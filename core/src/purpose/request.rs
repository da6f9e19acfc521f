//! What a recipient asks for ([`Request`]), its size caps, and the artefact's status as the
//! caller found it ([`StatusInput`]).

use serde::{Deserialize, Serialize};

use crate::artefact::Mode;
use crate::scope::{Selector, SelectorError};
use crate::status::StatusInput;
use crate::verify::DEFAULT_LEEWAY;

impl StatusInput {
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
/// computing the granted fields. Beyond it the decision denies with `undecidable_request`: it bounds
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

    /// Sets the leeway (a value over 300 s makes the decision deny with `undecidable_request`).
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
    /// over-cap request with `request_too_large` before deciding; [`decide`](super::decide()) itself denies it
    /// with `undecidable_request`.
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
