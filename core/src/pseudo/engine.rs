//! The pseudonymiser: a policy with its domain keys, applied per value, JSON record or CSV row.

use std::borrow::Cow;
use std::ops::Deref;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;

use super::dates::Date;
use super::keys::{DomainKeys, MasterKey, KEY_CHECK_LEN};
use super::names::{fold_column_name, shown};
use super::policy::{
    FieldRule, GeneraliseSpec, MaskSpec, Policy, ShiftSpec, TransformSpec, Unlisted,
};
use super::primitives::{self, Ff1};
use super::types::{canonicalise, ValueType};
use crate::error::{Code, HasCode};
use crate::ids::{self, mask_keep_last, IdType};
use crate::scope::{index_of, PathStep as Step, Segment as Seg};

/// Prefix of `token` outputs (version 1 of the token format).
pub const TOKEN_PREFIX: &str = "t1.";

/// Longest canonical value `ff1` accepts, in characters (FF1 cost grows with the square of the
/// length; identifiers are far shorter).
pub const FF1_MAX_LEN: usize = 256;

/// Why a value, record or row could not be transformed. Row-independent: it names the field
/// (the policy key), never the value; the caller adds row or record numbers.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PseudoError {
    /// The value fails validation for the field's declared type.
    #[error("value of field `{field}` is not a valid `{value_type}`")]
    InvalidValue {
        /// The policy key.
        field: String,
        /// The declared type.
        value_type: ValueType,
    },
    /// The value is valid but outside what the transform accepts (a birth date after the
    /// reference date, an ff1 value shorter than `min_len` or longer than [`FF1_MAX_LEN`], a
    /// bucket past the integer range).
    #[error("value of field `{field}` is out of range for its transform")]
    OutOfRange {
        /// The policy key.
        field: String,
    },
    /// The field is not in the policy.
    #[error("field `{field}` is not in the policy")]
    UnknownField {
        /// The name asked for.
        field: String,
    },
    /// Only `token` and `ff1` fields can be reversed.
    #[error("field `{field}` is not reversible")]
    NotReversible {
        /// The policy key.
        field: String,
    },
    /// The value is not a token of this field under this key and domain.
    #[error("value of field `{field}` is not a valid token")]
    InvalidToken {
        /// The policy key.
        field: String,
    },
    /// The `shift` subject is absent from the record or row.
    #[error("subject of field `{field}` is missing")]
    MissingSubject {
        /// The policy key of the `shift` field.
        field: String,
    },
    /// A `shift` field was transformed without a subject.
    #[error("field `{field}` needs a subject")]
    SubjectRequired {
        /// The policy key.
        field: String,
    },
    /// The shifted date falls outside years 1..=9999.
    #[error("shifted date of field `{field}` is out of range")]
    DateOutOfRange {
        /// The policy key.
        field: String,
    },
    /// A JSON object, array or boolean where a value was expected.
    #[error("field `{field}` selects a JSON value its transform cannot take")]
    UnsupportedValue {
        /// The policy key.
        field: String,
    },
    /// The row does not have as many cells as the header.
    #[error("row has {actual} cells, header has {expected}")]
    RowLength {
        /// Header width.
        expected: usize,
        /// Row width.
        actual: usize,
    },
    /// The operation needs another transform (e.g. [`Pseudonymiser::shift_offset`] on a field
    /// that is not `shift`).
    #[error("field `{field}` does not use the transform this operation needs")]
    WrongTransform {
        /// The policy key.
        field: String,
    },
    /// The header names a column twice.
    #[error("column `{column}` appears twice in the header")]
    DuplicateColumn {
        /// The column name.
        column: String,
    },
    /// The key check value recorded with a pseudonymised file is not the one of this master
    /// key and domain: reversing would give wrong values (FF1 always decrypts to something), so
    /// it is refused.
    #[error("key check value does not match: the file was pseudonymised with another master key or domain (file domain `{file_domain}`, policy domain `{domain}`)")]
    KeyCheckMismatch {
        /// The domain recorded with the file.
        file_domain: String,
        /// The policy's domain.
        domain: String,
    },
    /// No key check value was found for a file to be reversed.
    #[error("no key check value: the file cannot be checked against the master key and domain")]
    KeyCheckMissing,
    /// A key check record is not `{"v":1,"domain":...,"kcv":...}` with a 16-hex-digit `kcv`.
    #[error("key check value is malformed")]
    KeyCheckMalformed,
    /// A CSV column is not in the policy, but its name differs from a policy key only by case,
    /// white space, invisible or look-alike characters ([`super::fold_column_name`]); with
    /// `"unlisted": "keep"` its values would pass through untouched.
    #[error("column `{}` is not in the policy but looks like policy key `{field}` (case, spaces, invisible or look-alike characters): rename the column or fold column names", shown(.column))]
    ColumnNearMiss {
        /// The column name as written.
        column: String,
        /// The policy key it resembles.
        field: String,
    },
    /// A column the policy does not list holds valid identifiers.
    #[error("column `{}` is not in the policy and holds {count} valid aadhaar number(s)", shown(.column))]
    UnlistedIdentifier {
        /// The column name.
        column: String,
        /// How many cells hold one.
        count: u64,
    },
    /// Key material is malformed.
    #[error("key is malformed")]
    InvalidKey,
    /// The master key's 32 bytes are all the same (all zero, for example): a placeholder or a
    /// broken generator, never a real key.
    #[error("master key is weak: its 32 bytes are all the same")]
    WeakKey,
    /// A cryptographic primitive failed where it cannot (never expected).
    #[error("internal cryptographic failure")]
    Internal,
}

impl HasCode for PseudoError {
    fn code(&self) -> Code {
        match self {
            PseudoError::InvalidValue { .. } | PseudoError::OutOfRange { .. } => {
                Code::PseudoInvalidValue
            }
            PseudoError::UnknownField { .. } => Code::PseudoUnknownField,
            PseudoError::NotReversible { .. } => Code::PseudoNotReversible,
            PseudoError::InvalidToken { .. } => Code::PseudoInvalidToken,
            PseudoError::MissingSubject { .. } => Code::PseudoMissingSubject,
            PseudoError::SubjectRequired { .. } => Code::PseudoSubjectRequired,
            PseudoError::DateOutOfRange { .. } => Code::PseudoDateOutOfRange,
            PseudoError::UnsupportedValue { .. } => Code::PseudoUnsupportedValue,
            PseudoError::RowLength { .. } => Code::PseudoRowLength,
            PseudoError::DuplicateColumn { .. } => Code::PseudoDuplicateColumn,
            PseudoError::WrongTransform { .. } => Code::PseudoWrongTransform,
            PseudoError::KeyCheckMismatch { .. } => Code::PseudoKeyCheckMismatch,
            PseudoError::KeyCheckMissing => Code::PseudoKeyCheckMissing,
            PseudoError::KeyCheckMalformed => Code::PseudoKeyCheckMalformed,
            PseudoError::ColumnNearMiss { .. } => Code::PseudoColumnNearMiss,
            PseudoError::UnlistedIdentifier { .. } => Code::PseudoUnlistedIdentifier,
            PseudoError::InvalidKey => Code::PseudoInvalidKey,
            PseudoError::WeakKey => Code::MasterKeyWeak,
            PseudoError::Internal => Code::PseudoInternal,
        }
    }
}

impl PseudoError {
    /// The policy key the error is about, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            PseudoError::InvalidValue { field, .. }
            | PseudoError::OutOfRange { field }
            | PseudoError::UnknownField { field }
            | PseudoError::NotReversible { field }
            | PseudoError::InvalidToken { field }
            | PseudoError::MissingSubject { field }
            | PseudoError::SubjectRequired { field }
            | PseudoError::DateOutOfRange { field }
            | PseudoError::UnsupportedValue { field }
            | PseudoError::WrongTransform { field } => Some(field),
            PseudoError::RowLength { .. }
            | PseudoError::DuplicateColumn { .. }
            | PseudoError::KeyCheckMismatch { .. }
            | PseudoError::KeyCheckMissing
            | PseudoError::KeyCheckMalformed
            | PseudoError::ColumnNearMiss { .. }
            | PseudoError::UnlistedIdentifier { .. }
            | PseudoError::InvalidKey
            | PseudoError::WeakKey
            | PseudoError::Internal => None,
        }
    }
}

/// A policy bound to its domain keys. Immutable, `Send + Sync`; build once, use for many
/// values. Deterministic and pure: no clock, no I/O, no randomness.
///
/// ```
/// use consentry::pseudo::{MasterKey, Policy, Pseudonymiser};
/// let policy = Policy::from_json(r#"{"domain": "tn.health/research", "unlisted": "drop",
///   "fields": {
///     "aadhaar": {"type": "aadhaar", "transform": "pseudonym"},
///     "mobile": {"type": "mobile", "transform": "token"},
///     "/members/*/aadhaar": {"type": "aadhaar", "transform": "ff1"}
///   }}"#).unwrap();
/// let ps = Pseudonymiser::new(&policy, &MasterKey::from_bytes(*b"an example key, never use it! 32")).unwrap();
///
/// let p = ps.transform_value("aadhaar", "2345 6789 0124").unwrap().unwrap();
/// assert_eq!(p.len(), 26);
/// let t = ps.transform_value("mobile", "98765 43210").unwrap().unwrap();
/// assert_eq!(ps.reverse_value("mobile", &t).unwrap(), "+919876543210");
///
/// let mut rec = serde_json::json!({"members": [{"aadhaar": "234567890124", "age": 4}], "x": 1});
/// ps.apply_json(&mut rec).unwrap();
/// let tok = rec["members"][0]["aadhaar"].as_str().unwrap().to_owned();
/// assert!(!consentry::ids::is_valid(consentry::ids::IdType::Aadhaar, &tok));
/// assert_eq!(rec, serde_json::json!({"members": [{"aadhaar": tok}]}));
/// ```
pub struct Pseudonymiser {
    policy: Policy,
    keys: DomainKeys,
    /// Policy keys and their aliases, sorted by length and then bytes ([`by_len_then_bytes`]),
    /// for binary search: most probes then settle on the length without comparing bytes.
    index: Vec<(String, usize)>,
    /// CSV column name → rule, for the one-step literal selectors (`x` and `/x` both select
    /// column `x`), sorted by [`sort_keys`].
    columns: Vec<(String, usize)>,
    /// The rule of a `/*` selector (it selects every column), if any.
    any_column: Option<usize>,
    /// [`fold_column_name`] of each one-step literal selector → rule (the first in key order),
    /// sorted by [`sort_keys`].
    folded: Vec<(String, usize)>,
    /// Per rule, per selector step: the folded literal (`None` for `*`), for near-miss JSON
    /// keys.
    folded_steps: Vec<Vec<Option<String>>>,
}

impl core::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pseudonymiser")
            .field("domain", &self.policy.domain())
            .finish_non_exhaustive()
    }
}

/// The order of [`Pseudonymiser`]'s field index.
fn by_len_then_bytes(a: &str, b: &str) -> core::cmp::Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

/// Sorts a key table by [`by_len_then_bytes`], stably: equal keys keep their order. Sorted
/// tables rather than hash maps: one shared sort and search keep the npm module small, and the
/// cost stays n log n.
fn sort_keys(table: &mut [(String, usize)]) {
    table.sort_by(|(a, _), (b, _)| by_len_then_bytes(a, b));
}

/// The value of the first entry with key `key` in a table sorted by [`sort_keys`].
fn find_key(table: &[(String, usize)], key: &str) -> Option<usize> {
    let at = table.partition_point(|(k, _)| by_len_then_bytes(k, key).is_lt());
    table.get(at).filter(|(k, _)| k == key).map(|(_, v)| *v)
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

impl Pseudonymiser {
    /// Binds `policy` to the keys derived from `master` for the policy's domain (derived once
    /// here, for every key kind).
    pub fn new(policy: &Policy, master: &MasterKey) -> Result<Pseudonymiser, PseudoError> {
        let keys = DomainKeys::derive(master, policy.domain())?;
        let mut index: Vec<(String, usize)> = Vec::new();
        for (i, f) in policy.fields().iter().enumerate() {
            index.push((f.name.clone(), i));
            // A one-step selector is also reachable by its other spelling (`x` and `/x`).
            if let [Seg::Key(x)] = f.selector.segments() {
                let alias = if f.name.starts_with('/') {
                    x.clone()
                } else {
                    format!("/{}", escape_pointer(x))
                };
                if !index.iter().any(|(k, _)| *k == alias) {
                    index.push((alias, i));
                }
            }
        }
        sort_keys(&mut index);
        let mut columns = Vec::new();
        let mut folded = Vec::new();
        let mut any_column = None;
        for (i, f) in policy.fields().iter().enumerate() {
            match f.selector.segments() {
                [Seg::Key(x)] => {
                    columns.push((x.clone(), i));
                    folded.push((fold_column_name(x), i));
                }
                [Seg::Any] => any_column = any_column.or(Some(i)),
                _ => {}
            }
        }
        sort_keys(&mut columns);
        sort_keys(&mut folded);
        let folded_steps = policy
            .fields()
            .iter()
            .map(|f| {
                f.selector
                    .segments()
                    .iter()
                    .map(|seg| match seg {
                        Seg::Key(x) => Some(fold_column_name(x)),
                        Seg::Any => None,
                    })
                    .collect()
            })
            .collect();
        Ok(Pseudonymiser {
            policy: policy.clone(),
            keys,
            index,
            columns,
            any_column,
            folded,
            folded_steps,
        })
    }

    /// The key check value of this pseudonymiser's master key and domain
    /// ([`super::key_check_value`]): 16 lower-case hex digits, not secret. Written beside a
    /// pseudonymised file ([`Pseudonymiser::key_check_json`]) so that reversal can refuse a
    /// wrong key or domain: FF1 is unauthenticated and decrypts anything to some valid-looking
    /// value.
    pub fn key_check(&self) -> &str {
        &self.keys.kcv
    }

    /// The key check record as compact JSON: `{"v":1,"domain":...,"kcv":...}`.
    pub fn key_check_json(&self) -> String {
        let domain = Value::String(self.keys.domain.clone());
        format!(r#"{{"v":1,"domain":{domain},"kcv":"{}"}}"#, self.keys.kcv)
    }

    /// Checks a key check value recorded for `domain` against this pseudonymiser's master key
    /// and domain: [`PseudoError::KeyCheckMismatch`] when either differs,
    /// [`PseudoError::KeyCheckMalformed`] when `kcv` is not 16 hex digits.
    pub fn check_key(&self, domain: &str, kcv: &str) -> Result<(), PseudoError> {
        if kcv.len() != KEY_CHECK_LEN * 2 || !kcv.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(PseudoError::KeyCheckMalformed);
        }
        let same = kcv.eq_ignore_ascii_case(&self.keys.kcv) && domain == self.keys.domain;
        if same {
            Ok(())
        } else {
            Err(PseudoError::KeyCheckMismatch {
                file_domain: domain.to_owned(),
                domain: self.keys.domain.clone(),
            })
        }
    }

    /// Checks a key check record ([`Pseudonymiser::key_check_json`]'s form; unknown members and
    /// other versions are [`PseudoError::KeyCheckMalformed`]) as [`Pseudonymiser::check_key`].
    ///
    /// ```
    /// use consentry::pseudo::{MasterKey, Policy, Pseudonymiser};
    /// use consentry::HasCode as _;
    /// let policy = Policy::from_json(r#"{"domain": "d1", "unlisted": "drop",
    ///   "fields": {"aadhaar": {"type": "aadhaar", "transform": "ff1"}}}"#).unwrap();
    /// let a = Pseudonymiser::new(&policy, &MasterKey::from_bytes(*b"one master key, thirty-two bytes")).unwrap();
    /// let b = Pseudonymiser::new(&policy, &MasterKey::from_bytes(*b"another master key, also 32 byte")).unwrap();
    /// assert!(a.check_key_json(&a.key_check_json()).is_ok());
    /// let e = b.check_key_json(&a.key_check_json()).unwrap_err();
    /// assert_eq!(e.code().as_str(), "pseudo_key_check_mismatch");
    /// ```
    pub fn check_key_json(&self, json: &str) -> Result<(), PseudoError> {
        // Read through `Value` (already in every build) rather than a derived deserialiser.
        let doc: Value = serde_json::from_str(json).map_err(|_| PseudoError::KeyCheckMalformed)?;
        let m = doc.as_object().ok_or(PseudoError::KeyCheckMalformed)?;
        let member = |k: &str| m.get(k).ok_or(PseudoError::KeyCheckMalformed);
        let v = member("v")?.as_u64();
        let domain = member("domain")?.as_str();
        let kcv = member("kcv")?.as_str();
        match (v, domain, kcv) {
            (Some(1), Some(domain), Some(kcv)) if m.len() == 3 => self.check_key(domain, kcv),
            _ => Err(PseudoError::KeyCheckMalformed),
        }
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    fn rule(&self, field: &str) -> Result<&FieldRule, PseudoError> {
        find_key(&self.index, field)
            .and_then(|i| self.policy.fields().get(i))
            .ok_or_else(|| PseudoError::UnknownField {
                field: field.to_owned(),
            })
    }

    /// Transforms one value of `field` (a policy key). `Ok(None)` means the field is dropped.
    /// `shift` fields need [`Pseudonymiser::transform_shift`].
    pub fn transform_value(&self, field: &str, value: &str) -> Result<Option<String>, PseudoError> {
        let rule = self.rule(field)?;
        self.apply_rule(rule, value, None)
    }

    /// Transforms one value of a `shift` field, with the raw value of its subject.
    pub fn transform_shift(
        &self,
        field: &str,
        value: &str,
        subject: &str,
    ) -> Result<Option<String>, PseudoError> {
        let rule = self.rule(field)?;
        self.apply_rule(rule, value, Some(subject))
    }

    /// The day offset `shift` applies for `subject` on `field`: the first 8 bytes of
    /// HMAC-SHA256(shift key, canonical subject) as a big-endian integer, modulo 2N+1, minus N.
    pub fn shift_offset(&self, field: &str, subject: &str) -> Result<i64, PseudoError> {
        let rule = self.rule(field)?;
        match &rule.transform {
            TransformSpec::Shift(s) => self.offset_for(rule, s, subject),
            _ => Err(PseudoError::WrongTransform {
                field: field.to_owned(),
            }),
        }
    }

    /// Reverses a `token` or `ff1` output of `field` to the canonical value.
    pub fn reverse_value(&self, field: &str, value: &str) -> Result<String, PseudoError> {
        let rule = self.rule(field)?;
        self.reverse_rule(rule, value)
    }

    // ----- per value -----

    fn invalid(rule: &FieldRule) -> PseudoError {
        PseudoError::InvalidValue {
            field: rule.name.clone(),
            value_type: rule.value_type,
        }
    }

    fn apply_rule(
        &self,
        rule: &FieldRule,
        value: &str,
        subject: Option<&str>,
    ) -> Result<Option<String>, PseudoError> {
        match rule.transform {
            TransformSpec::Drop => return Ok(None),
            TransformSpec::Keep => return Ok(Some(value.to_owned())),
            _ => {}
        }
        let canon = canonicalise(rule.value_type, value).ok_or_else(|| Self::invalid(rule))?;
        let out = match &rule.transform {
            TransformSpec::Drop => return Ok(None),
            TransformSpec::Keep => return Ok(Some(value.to_owned())),
            TransformSpec::Pseudonym => self.pseudonym(&canon),
            TransformSpec::Token => self.token(&canon)?,
            TransformSpec::Ff1 { radix, min_len } => {
                self.ff1_encrypt(rule, &canon, *radix, *min_len)?
            }
            TransformSpec::Mask(m) => mask(rule, &canon, *m)?,
            TransformSpec::Generalise(g) => generalise(rule, &canon, *g)?,
            TransformSpec::Shift(s) => {
                let subject = subject.ok_or_else(|| PseudoError::SubjectRequired {
                    field: rule.name.clone(),
                })?;
                let offset = self.offset_for(rule, s, subject)?;
                let date = Date::parse(&canon).ok_or_else(|| Self::invalid(rule))?;
                date.to_days()
                    .checked_add(offset)
                    .and_then(Date::from_days)
                    .ok_or_else(|| PseudoError::DateOutOfRange {
                        field: rule.name.clone(),
                    })?
                    .to_iso()
            }
        };
        Ok(Some(out))
    }

    fn pseudonym(&self, canon: &str) -> String {
        let mac = primitives::hmac_sha256(&self.keys.pseudonym, canon.as_bytes());
        let mut first = [0u8; 16];
        for (f, m) in first.iter_mut().zip(mac.iter()) {
            *f = *m;
        }
        primitives::base32_lower_16(&first)
    }

    fn token(&self, canon: &str) -> Result<String, PseudoError> {
        let ad = [self.keys.domain.as_bytes()];
        let ct = primitives::siv_encrypt(&self.keys.token, &ad, canon.as_bytes())
            .map_err(|_| PseudoError::Internal)?;
        let mut out = String::with_capacity(TOKEN_PREFIX.len() + (ct.len() * 4).div_ceil(3));
        out.push_str(TOKEN_PREFIX);
        URL_SAFE_NO_PAD.encode_string(&ct, &mut out);
        Ok(out)
    }

    fn offset_for(
        &self,
        rule: &FieldRule,
        s: &ShiftSpec,
        subject: &str,
    ) -> Result<i64, PseudoError> {
        let canon =
            canonicalise(s.subject_type, subject).ok_or_else(|| PseudoError::InvalidValue {
                field: s.subject_name.clone(),
                value_type: s.subject_type,
            })?;
        let mac = primitives::hmac_sha256(&self.keys.shift, canon.as_bytes());
        let mut first = [0u8; 8];
        for (d, m) in first.iter_mut().zip(mac.iter()) {
            *d = *m;
        }
        let x = u64::from_be_bytes(first);
        let n = u64::from(s.max_days);
        let span = n * 2 + 1;
        let r = i64::try_from(x % span).map_err(|_| PseudoError::DateOutOfRange {
            field: rule.name.clone(),
        })?;
        Ok(r - i64::from(s.max_days))
    }

    fn ff1_cipher(&self, radix: u32) -> &Ff1 {
        if radix == 10 {
            &self.keys.ff1_10
        } else {
            &self.keys.ff1_36
        }
    }

    fn ff1_encrypt(
        &self,
        rule: &FieldRule,
        canon: &str,
        radix: u32,
        min_len: usize,
    ) -> Result<String, PseudoError> {
        let cipher = self.ff1_cipher(radix);
        let tweak = self.keys.domain.as_bytes();
        let enc = |s: &str| cipher.encrypt(tweak, s).map_err(|_| Self::invalid(rule));
        match rule.value_type {
            ValueType::Aadhaar => {
                let body = canon.get(..11).ok_or_else(|| Self::invalid(rule))?;
                let mut ct = enc(body)?;
                let valid = ids::verhoeff_check_digit(&ct).ok_or(PseudoError::Internal)?;
                // Any other digit fails Verhoeff (it detects every single-digit error);
                // valid + 1 (mod 10) is the fixed, cross-face choice.
                ct.push(char::from(b'0' + (valid + 1) % 10));
                Ok(ct)
            }
            ValueType::Mobile => {
                let national = ids::national_mobile(canon);
                Ok(format!("+91{}", enc(national)?))
            }
            _ => {
                let n = canon.len();
                if n < min_len || n > FF1_MAX_LEN {
                    return Err(PseudoError::OutOfRange {
                        field: rule.name.clone(),
                    });
                }
                enc(canon)
            }
        }
    }

    fn reverse_rule(&self, rule: &FieldRule, value: &str) -> Result<String, PseudoError> {
        let bad = || PseudoError::InvalidToken {
            field: rule.name.clone(),
        };
        match &rule.transform {
            TransformSpec::Token => {
                let b64 = value.trim().strip_prefix(TOKEN_PREFIX).ok_or_else(bad)?;
                let ct = URL_SAFE_NO_PAD.decode(b64).map_err(|_| bad())?;
                let ad = [self.keys.domain.as_bytes()];
                let pt = primitives::siv_decrypt(&self.keys.token, &ad, &ct).map_err(|_| bad())?;
                String::from_utf8(pt).map_err(|_| bad())
            }
            TransformSpec::Ff1 { radix, .. } => {
                let cipher = self.ff1_cipher(*radix);
                let tweak = self.keys.domain.as_bytes();
                let dec = |s: &str| cipher.decrypt(tweak, s).map_err(|_| bad());
                let v = value.trim();
                match rule.value_type {
                    ValueType::Aadhaar => {
                        let d: String = v.chars().filter(|c| *c != ' ' && *c != '-').collect();
                        if d.len() != 12 || ids::verhoeff_valid(&d) {
                            return Err(bad());
                        }
                        let body = dec(d.get(..11).ok_or_else(bad)?)?;
                        let check = ids::verhoeff_check_digit(&body).ok_or_else(bad)?;
                        let full = format!("{body}{check}");
                        ids::normalise(ids::IdType::Aadhaar, &full).map_err(|_| bad())
                    }
                    ValueType::Mobile => {
                        let d: String = v.chars().filter(|c| *c != ' ' && *c != '-').collect();
                        let national = d.strip_prefix("+91").unwrap_or(&d);
                        if national.len() != 10 {
                            return Err(bad());
                        }
                        let pt = dec(national)?;
                        ids::normalise(ids::IdType::Mobile, &pt).map_err(|_| bad())
                    }
                    ty => {
                        let input = if *radix == 36 {
                            v.to_ascii_uppercase()
                        } else {
                            v.to_owned()
                        };
                        if input.len() > FF1_MAX_LEN {
                            return Err(bad());
                        }
                        let pt = dec(&input)?;
                        canonicalise(ty, &pt).map(Cow::into_owned).ok_or_else(bad)
                    }
                }
            }
            _ => Err(PseudoError::NotReversible {
                field: rule.name.clone(),
            }),
        }
    }

    // ----- JSON -----

    /// Applies the policy to one JSON record in place: every selected value is transformed,
    /// `drop` fields are removed, and with `"unlisted": "drop"` everything no selector reaches
    /// is removed too. Selectors that match nothing are skipped; `null` and `""` are left as
    /// they are (no value to transform). Outputs are JSON strings. On error the record may be
    /// partly transformed and must be discarded.
    pub fn apply_json(&self, record: &mut Value) -> Result<(), PseudoError> {
        if self.policy.unlisted() == Unlisted::Keep {
            for (rule, steps) in self.policy.fields().iter().zip(&self.folded_steps) {
                near_miss_key(record, rule.selector.segments(), steps, rule)?;
            }
        }
        let mut jobs: Vec<(usize, Vec<Step>, Option<String>)> = Vec::new();
        let mut drops: Vec<Vec<Step>> = Vec::new();
        for (i, rule) in self.policy.fields().iter().enumerate() {
            for path in rule.selector.locate(record) {
                if rule.transform == TransformSpec::Drop {
                    drops.push(path);
                    continue;
                }
                if rule.transform == TransformSpec::Keep {
                    continue;
                }
                let Some(v) = get_path(record, &path) else {
                    continue;
                };
                if leaf_text(rule, v)?.is_none() {
                    continue;
                }
                let subject = match &rule.transform {
                    TransformSpec::Shift(s) => {
                        Some(subject_of(record, rule, s, &path)?.ok_or_else(|| {
                            PseudoError::MissingSubject {
                                field: rule.name.clone(),
                            }
                        })?)
                    }
                    _ => None,
                };
                jobs.push((i, path, subject));
            }
        }
        for (i, path, subject) in jobs {
            let Some(rule) = self.policy.fields().get(i) else {
                continue;
            };
            let Some(v) = get_path_mut(record, &path) else {
                continue;
            };
            let Some(text) = leaf_text(rule, v)? else {
                continue;
            };
            if let Some(out) = self.apply_rule(rule, &text, subject.as_deref())? {
                *v = Value::String(out);
            }
        }
        drops.sort();
        for path in drops.iter().rev() {
            remove_path(record, path);
        }
        if self.policy.unlisted() == Unlisted::Drop {
            let sels: Vec<&[Seg]> = self
                .policy
                .fields()
                .iter()
                .map(|f| f.selector.segments())
                .collect();
            prune(record, &sels);
        }
        Ok(())
    }

    /// Reverses every `token` and `ff1` field of a pseudonymised JSON record in place, to the
    /// canonical values; everything else is left as it is. A key that is a near miss of a
    /// policy key ([`fold_column_name`]) is refused ([`PseudoError::ColumnNearMiss`]), as in a
    /// forward run with `"unlisted": "keep"`.
    pub fn reverse_json(&self, record: &mut Value) -> Result<(), PseudoError> {
        // Everything not restored is kept: a near-miss key is refused as in a forward run.
        for (rule, steps) in self.policy.fields().iter().zip(&self.folded_steps) {
            near_miss_key(record, rule.selector.segments(), steps, rule)?;
        }
        for rule in self.policy.fields().iter().filter(|r| r.is_reversible()) {
            for path in rule.selector.locate(record) {
                let Some(v) = get_path_mut(record, &path) else {
                    continue;
                };
                if let Some(text) = leaf_text(rule, v)? {
                    *v = Value::String(self.reverse_rule(rule, &text)?);
                }
            }
        }
        Ok(())
    }

    // ----- CSV -----

    /// The rule index a column name selects exactly (`x`, `/x`, or `/*`).
    fn column_rule(&self, name: &str) -> Option<usize> {
        find_key(&self.columns, name).or(self.any_column)
    }

    /// The rule index a column name resembles ([`fold_column_name`]), when it selects none.
    fn near_miss_rule(&self, name: &str) -> Option<usize> {
        find_key(&self.folded, &fold_column_name(name))
    }

    /// Plans the transformation of CSV rows with this header: which column gets which rule,
    /// which are dropped, and the output header. Policy keys match a column when they are the
    /// column name, `/` + the (escaped) column name, or `/*`. With `"unlisted": "keep"`, a
    /// column whose name is a near miss of a policy key ([`fold_column_name`]) is refused
    /// ([`PseudoError::ColumnNearMiss`]); see [`Pseudonymiser::csv_plan_with`] to fold instead.
    /// Cost linear in the number of columns.
    pub fn csv_plan<S: AsRef<str>>(&self, header: &[S]) -> Result<CsvPlan<&Self>, PseudoError> {
        CsvPlan::new(self, header, CsvOptions::default())
    }

    /// [`Pseudonymiser::csv_plan`] with options: reversal, folding of near-miss column names.
    pub fn csv_plan_with<S: AsRef<str>>(
        &self,
        header: &[S],
        options: CsvOptions,
    ) -> Result<CsvPlan<&Self>, PseudoError> {
        CsvPlan::new(self, header, options)
    }

    /// Transforms one CSV row given its header (plans on every call; for many rows, use
    /// [`Pseudonymiser::csv_plan`] once). Empty cells stay empty.
    pub fn apply_csv_row<S: AsRef<str>, T: AsRef<str>>(
        &self,
        header: &[S],
        row: &[T],
    ) -> Result<Vec<String>, PseudoError> {
        self.csv_plan(header)?.apply_row(row)
    }

    /// Reverses the `token` and `ff1` cells of a pseudonymised CSV row; `header` is the output
    /// header ([`CsvPlan::header`]). Other cells are returned unchanged. Plans on every call;
    /// for many rows, use [`Pseudonymiser::csv_plan_with`] and [`CsvOptions::reverse`] once.
    pub fn reverse_csv_row<S: AsRef<str>, T: AsRef<str>>(
        &self,
        header: &[S],
        row: &[T],
    ) -> Result<Vec<String>, PseudoError> {
        self.csv_plan_with(header, CsvOptions::default().reverse(true))?
            .apply_row(row)
    }
}

/// Options of a [`CsvPlan`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CsvOptions {
    reverse: bool,
    fold_column_names: bool,
}

impl CsvOptions {
    /// Restore `token` and `ff1` cells instead of applying the policy; the header is the
    /// pseudonymised file's and is kept as it is. A near-miss column is refused
    /// ([`PseudoError::ColumnNearMiss`]) whatever `"unlisted"` says (reversal keeps every
    /// column it does not restore), unless [`CsvOptions::fold_column_names`].
    pub fn reverse(mut self, yes: bool) -> Self {
        self.reverse = yes;
        self
    }

    /// Treat a column whose name is a near miss of a policy key ([`fold_column_name`]) as that
    /// key instead of refusing it.
    pub fn fold_column_names(mut self, yes: bool) -> Self {
        self.fold_column_names = yes;
        self
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    /// Passed through; `unlisted` when no policy key selects it.
    Keep {
        unlisted: bool,
    },
    Drop,
    Apply {
        rule: usize,
        subject: Option<usize>,
    },
    Reverse {
        rule: usize,
    },
}

/// A CSV header resolved against a policy (see [`Pseudonymiser::csv_plan`]): build once per
/// header, then transform every row with it. `P` is how the plan holds its pseudonymiser (a
/// reference, or an `Arc` for a plan that outlives the borrow).
#[derive(Debug)]
pub struct CsvPlan<P> {
    ps: P,
    cols: Vec<Col>,
    header: Vec<String>,
}

impl<P: Deref<Target = Pseudonymiser>> CsvPlan<P> {
    /// Plans `header` for `ps` (see [`Pseudonymiser::csv_plan`]). A column named twice is
    /// [`PseudoError::DuplicateColumn`].
    pub fn new<S: AsRef<str>>(
        ps: P,
        header: &[S],
        options: CsvOptions,
    ) -> Result<CsvPlan<P>, PseudoError> {
        let names: Vec<&str> = header.iter().map(AsRef::as_ref).collect();
        let mut positions: Vec<(String, usize)> = names
            .iter()
            .enumerate()
            .map(|(i, n)| ((*n).to_owned(), i))
            .collect();
        sort_keys(&mut positions);
        if let Some([(dup, _), _]) = positions
            .windows(2)
            .find(|w| matches!(w, [(a, _), (b, _)] if a == b))
        {
            return Err(PseudoError::DuplicateColumn {
                column: dup.clone(),
            });
        }
        let p: &Pseudonymiser = &ps;
        let keep_unlisted = p.policy.unlisted() == Unlisted::Keep;
        // Folded column names → position, for `shift` subjects when folding (first wins).
        let mut folded_positions: Vec<(String, usize)> = Vec::new();
        if options.fold_column_names {
            folded_positions = names
                .iter()
                .enumerate()
                .map(|(i, n)| (fold_column_name(n), i))
                .collect();
            sort_keys(&mut folded_positions);
        }
        let mut cols = Vec::with_capacity(names.len());
        let mut out_header = Vec::with_capacity(names.len());
        for name in &names {
            let mut found = p.column_rule(name);
            if found.is_none() {
                if let Some(i) = p.near_miss_rule(name) {
                    if options.fold_column_names {
                        found = Some(i);
                    } else if keep_unlisted || options.reverse {
                        // Reversal keeps every column it does not restore, so a near miss
                        // would leave its pseudonymised values in place: refused as forward.
                        let field = p.policy.fields().get(i).map(|r| r.name.clone());
                        return Err(PseudoError::ColumnNearMiss {
                            column: (*name).to_owned(),
                            field: field.unwrap_or_default(),
                        });
                    }
                }
            }
            let rule = found.and_then(|i| p.policy.fields().get(i).map(|r| (i, r)));
            let col = match rule {
                None if options.reverse => Col::Keep { unlisted: false },
                None if keep_unlisted => Col::Keep { unlisted: true },
                None => Col::Drop,
                Some((i, r)) if options.reverse => {
                    if r.is_reversible() {
                        Col::Reverse { rule: i }
                    } else {
                        Col::Keep { unlisted: false }
                    }
                }
                Some((_, r)) if r.transform == TransformSpec::Drop => Col::Drop,
                Some((_, r)) if r.transform == TransformSpec::Keep => Col::Keep { unlisted: false },
                Some((i, r)) => {
                    let subject = match &r.transform {
                        TransformSpec::Shift(s) => {
                            let pos = match s.subject.segments() {
                                [Seg::Key(x)] => find_key(&positions, x)
                                    .or_else(|| find_key(&folded_positions, &fold_column_name(x))),
                                _ => None,
                            };
                            Some(pos.ok_or_else(|| PseudoError::MissingSubject {
                                field: r.name.clone(),
                            })?)
                        }
                        _ => None,
                    };
                    Col::Apply { rule: i, subject }
                }
            };
            if col != Col::Drop {
                out_header.push((*name).to_owned());
            }
            cols.push(col);
        }
        Ok(CsvPlan {
            ps,
            cols,
            header: out_header,
        })
    }

    /// The output header (dropped columns removed; for reversal, the input header).
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The positions (in the input header) of the columns no policy key selects and that
    /// are kept (`"unlisted": "keep"`).
    pub fn unlisted_columns(&self) -> impl Iterator<Item = usize> + '_ {
        self.cols
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c, Col::Keep { unlisted: true }))
            .map(|(i, _)| i)
    }

    /// The positions of the unlisted kept columns ([`CsvPlan::unlisted_columns`]) whose cell
    /// in `row` holds a valid Aadhaar number ([`crate::ids::detect`]: Verhoeff checked), so
    /// that a caller can warn that identifiers leave untransformed. Never the values.
    pub fn unlisted_aadhaar<T: AsRef<str>>(&self, row: &[T]) -> Vec<usize> {
        self.unlisted_columns()
            .filter(|&i| {
                row.get(i).is_some_and(|c| {
                    ids::detect(c.as_ref())
                        .iter()
                        .any(|s| s.kind == IdType::Aadhaar)
                })
            })
            .collect()
    }

    /// Transforms (or, planned for reversal, restores) one row. Empty cells stay empty; errors
    /// name the field.
    pub fn apply_row<T: AsRef<str>>(&self, row: &[T]) -> Result<Vec<String>, PseudoError> {
        if row.len() != self.cols.len() {
            return Err(PseudoError::RowLength {
                expected: self.cols.len(),
                actual: row.len(),
            });
        }
        let ps: &Pseudonymiser = &self.ps;
        let rule_at = |i: usize| ps.policy.fields().get(i).ok_or(PseudoError::Internal);
        let mut out = Vec::with_capacity(self.header.len());
        for (col, cell) in self.cols.iter().zip(row) {
            let cell = cell.as_ref();
            match col {
                Col::Drop => {}
                Col::Keep { .. } => out.push(cell.to_owned()),
                Col::Apply { .. } | Col::Reverse { .. } if cell.is_empty() => {
                    out.push(String::new());
                }
                Col::Reverse { rule } => out.push(ps.reverse_rule(rule_at(*rule)?, cell)?),
                Col::Apply { rule, subject } => {
                    let r = rule_at(*rule)?;
                    let subject = match subject {
                        Some(j) => Some(
                            row.get(*j)
                                .map(AsRef::as_ref)
                                .filter(|s| !s.is_empty())
                                .ok_or_else(|| PseudoError::MissingSubject {
                                    field: r.name.clone(),
                                })?,
                        ),
                        None => None,
                    };
                    if let Some(v) = ps.apply_rule(r, cell, subject)? {
                        out.push(v);
                    }
                }
            }
        }
        Ok(out)
    }
}

// ----- transforms without keys -----

fn mask(rule: &FieldRule, canon: &str, m: MaskSpec) -> Result<String, PseudoError> {
    Ok(match m {
        MaskSpec::Preset(id) => ids::mask(id, canon).map_err(|_| Pseudonymiser::invalid(rule))?,
        MaskSpec::KeepLast(n) if rule.value_type == ValueType::Mobile => {
            mask_keep_last(ids::national_mobile(canon), n)
        }
        MaskSpec::KeepLast(n) => mask_keep_last(canon, n),
    })
}

fn generalise(rule: &FieldRule, canon: &str, g: GeneraliseSpec) -> Result<String, PseudoError> {
    let out_of_range = || PseudoError::OutOfRange {
        field: rule.name.clone(),
    };
    let invalid = || Pseudonymiser::invalid(rule);
    Ok(match g {
        GeneraliseSpec::Year => Date::parse(canon).ok_or_else(invalid)?.year.to_string(),
        GeneraliseSpec::AgeBand { years, reference } => {
            let dob = Date::parse(canon).ok_or_else(invalid)?;
            let age = u32::try_from(dob.age_at(reference)).map_err(|_| out_of_range())?;
            let lo = age / years * years;
            if years == 1 {
                lo.to_string()
            } else {
                format!("{lo}-{}", lo + (years - 1))
            }
        }
        GeneraliseSpec::PinPrefix { digits } => canon.get(..digits).ok_or_else(invalid)?.to_owned(),
        GeneraliseSpec::Bucket { width } => {
            let n: i64 = canon.parse().map_err(|_| invalid())?;
            let w = i64::try_from(width).map_err(|_| out_of_range())?;
            let lo = n.div_euclid(w).checked_mul(w).ok_or_else(out_of_range)?;
            if w == 1 {
                lo.to_string()
            } else {
                let hi = lo.checked_add(w - 1).ok_or_else(out_of_range)?;
                if lo < 0 {
                    // `-10--1` would read as a formula or a typo; a bucket never spans zero
                    // (lo < 0 implies hi < 0), so negative buckets alone use `..`.
                    format!("{lo}..{hi}")
                } else {
                    format!("{lo}-{hi}")
                }
            }
        }
    })
}

// ----- JSON walking -----

/// Refuses an object key on the way along `segs` that is not the selector's literal step but
/// folds to it ([`fold_column_name`]): with `"unlisted": "keep"` its value would pass through
/// untransformed. `folded` holds the folded literal of each step.
fn near_miss_key(
    v: &Value,
    segs: &[Seg],
    folded: &[Option<String>],
    rule: &FieldRule,
) -> Result<(), PseudoError> {
    let (Some((seg, rest)), Some((fold, fold_rest))) = (segs.split_first(), folded.split_first())
    else {
        return Ok(());
    };
    match (seg, v) {
        (Seg::Key(x), Value::Object(m)) => {
            if let Some(fx) = fold {
                if let Some(k) = m.keys().find(|k| *k != x && folds_to(k, fx)) {
                    return Err(PseudoError::ColumnNearMiss {
                        column: k.clone(),
                        field: rule.name.clone(),
                    });
                }
            }
            match m.get(x) {
                Some(child) => near_miss_key(child, rest, fold_rest, rule),
                None => Ok(()),
            }
        }
        (Seg::Key(x), Value::Array(a)) => match index_of(x).and_then(|i| a.get(i)) {
            Some(child) => near_miss_key(child, rest, fold_rest, rule),
            None => Ok(()),
        },
        (Seg::Any, Value::Object(m)) => m
            .values()
            .try_for_each(|c| near_miss_key(c, rest, fold_rest, rule)),
        (Seg::Any, Value::Array(a)) => a
            .iter()
            .try_for_each(|c| near_miss_key(c, rest, fold_rest, rule)),
        _ => Ok(()),
    }
}

/// Whether [`fold_column_name`]`(key) == folded`, without allocating for ASCII keys (most of
/// them): white space dropped, letters lower-cased, compared byte by byte.
fn folds_to(key: &str, folded: &str) -> bool {
    if key.is_ascii() {
        let mut k = key
            .bytes()
            .filter(|b| *b != b' ' && !b.is_ascii_control())
            .map(|b| b.to_ascii_lowercase());
        let mut f = folded.bytes();
        loop {
            match (k.next(), f.next()) {
                (None, None) => return true,
                (Some(a), Some(b)) if a == b => {}
                _ => return false,
            }
        }
    }
    fold_column_name(key) == folded
}

/// The text of a JSON leaf: `None` for null and `""` (nothing to transform), an error for
/// objects, arrays and booleans.
pub(super) fn leaf_text(rule: &FieldRule, v: &Value) -> Result<Option<String>, PseudoError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Bool(_) | Value::Array(_) | Value::Object(_) => Err(PseudoError::UnsupportedValue {
            field: rule.name.clone(),
        }),
    }
}

fn get_path<'v>(v: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter().try_fold(v, |cur, step| match (step, cur) {
        (Step::Key(k), Value::Object(m)) => m.get(k),
        (Step::Index(i), Value::Array(a)) => a.get(*i),
        _ => None,
    })
}

fn get_path_mut<'v>(v: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(v, |cur, step| match (step, cur) {
        (Step::Key(k), Value::Object(m)) => m.get_mut(k),
        (Step::Index(i), Value::Array(a)) => a.get_mut(*i),
        _ => None,
    })
}

fn remove_path(v: &mut Value, path: &[Step]) {
    let Some((last, parent)) = path.split_last() else {
        return;
    };
    match (last, get_path_mut(v, parent)) {
        (Step::Key(k), Some(Value::Object(m))) => {
            m.remove(k);
        }
        (Step::Index(i), Some(Value::Array(a))) if *i < a.len() => {
            a.remove(*i);
        }
        _ => {}
    }
}

/// The subject value for a `shift` target at `path`: the subject selector with its `*` steps
/// bound, in order, to the target's wildcard steps. `Ok(None)` when absent, null or empty.
pub(super) fn subject_of(
    record: &Value,
    rule: &FieldRule,
    s: &ShiftSpec,
    path: &[Step],
) -> Result<Option<String>, PseudoError> {
    let Some(cur) = s.subject.bind(record, &rule.selector, path) else {
        return Ok(None);
    };
    match cur {
        Value::Null => Ok(None),
        Value::String(x) if x.is_empty() => Ok(None),
        Value::String(x) => Ok(Some(x.clone())),
        Value::Number(n) => Ok(Some(n.to_string())),
        _ => Err(PseudoError::UnsupportedValue {
            field: s.subject_name.clone(),
        }),
    }
}

/// Removes everything no selector reaches (`"unlisted": "drop"`). A node reached by a complete
/// selector is kept whole; containers on the way to a selector are kept (possibly emptied).
fn prune(v: &mut Value, sels: &[&[Seg]]) {
    fn next<'s>(sels: &[&'s [Seg]], key: &str) -> Vec<&'s [Seg]> {
        sels.iter()
            .filter_map(|s| match s.split_first() {
                Some((Seg::Key(x), rest)) if x == key => Some(rest),
                Some((Seg::Any, rest)) => Some(rest),
                _ => None,
            })
            .collect()
    }
    fn keep(child: &mut Value, sub: &[&[Seg]]) -> bool {
        if sub.is_empty() {
            return false;
        }
        if sub.iter().any(|s| s.is_empty()) {
            return true;
        }
        match child {
            Value::Object(_) | Value::Array(_) => {
                prune(child, sub);
                true
            }
            _ => false,
        }
    }
    match v {
        Value::Object(m) => m.retain(|k, child| keep(child, &next(sels, k))),
        Value::Array(a) => {
            let mut i = 0usize;
            a.retain_mut(|child| {
                let k = i.to_string();
                i += 1;
                keep(child, &next(sels, &k))
            });
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_fold_comparison_agrees_with_the_fold() {
        for (k, f) in [
            ("Aa B\t", "aab"),
            ("\u{b}X\r\n", "x"),
            ("ab", "abc"),
            ("abc", "ab"),
            ("a_b", "ab"),
            ("\u{430}b", "ab"),
            ("a\u{7f}b\u{1}", "ab"),
            ("a\u{0}B", "ab"),
        ] {
            assert_eq!(folds_to(k, f), fold_column_name(k) == f, "{k:?}");
        }
    }
}
