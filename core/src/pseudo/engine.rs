//! The pseudonymiser: a policy bound to its domain keys, and its transforms of single values.
//! Records are in [`super::json`], CSV rows in [`super::csv_plan`].

use std::borrow::Cow;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::Value;
use zeroize::Zeroize as _;

use super::dates::Date;
use super::error::PseudoError;
use super::keys::{DomainKeys, MasterKey, KEY_CHECK_LEN};
use super::names::fold_column_name;
use super::policy::{FieldRule, GeneraliseSpec, MaskSpec, Policy, ShiftSpec, TransformSpec};
use super::primitives::{self, Ff1Tweaked};
use super::types::{canonicalise, ValueType};
use crate::ids;
use crate::ids::mask_keep_last;
use crate::scope::Segment as Seg;

/// Prefix of `token` outputs (version 1 of the token format).
pub const TOKEN_PREFIX: &str = "t1.";

/// Longest canonical value `ff1` accepts, in characters (FF1 cost grows with the square of the
/// length; identifiers are far shorter).
pub const FF1_MAX_LEN: usize = 256;

/// Bytes a token's ciphertext may take on the stack; longer values use one heap buffer.
const STACK_TOKEN: usize = 272;

/// A policy field resolved once ([`Pseudonymiser::field`]): the per-value calls
/// ([`Pseudonymiser::transform_into`], [`Pseudonymiser::reverse_into`]) then skip the name
/// lookup. Only meaningful for the pseudonymiser that resolved it (another pseudonymiser's
/// handle names whatever rule sits at the same position there, or none).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FieldHandle(usize);

/// Runs `f` on a zeroed buffer of `len` bytes: on the stack up to [`STACK_TOKEN`] bytes,
/// else on the heap; the `len` bytes handed to `f` are zeroized afterwards (they may hold a
/// personal value; the rest of the stack buffer is never written).
fn with_buf<T>(len: usize, f: impl FnOnce(&mut [u8]) -> T) -> T {
    let mut stack = [0u8; STACK_TOKEN];
    if let Some(buf) = stack.get_mut(..len) {
        let r = f(buf);
        buf.zeroize();
        r
    } else {
        let mut heap = vec![0u8; len];
        let r = f(&mut heap);
        heap.zeroize();
        r
    }
}

/// Bytes of a token's ciphertext encoded per step into a stack buffer: a multiple of 3, so the
/// unpadded base64url of the pieces, concatenated, is that of the whole.
const B64_STEP: usize = 48;

/// Appends `TOKEN_PREFIX` and the unpadded base64url of `ct` to `out`, reserving once.
fn push_token_text(ct: &[u8], out: &mut String) -> Result<(), PseudoError> {
    out.reserve(TOKEN_PREFIX.len() + (ct.len() * 4).div_ceil(3));
    out.push_str(TOKEN_PREFIX);
    let mut text = [0u8; B64_STEP / 3 * 4];
    for piece in ct.chunks(B64_STEP) {
        let n = URL_SAFE_NO_PAD
            .encode_slice(piece, &mut text)
            .map_err(|_| PseudoError::Internal)?;
        let text = text.get(..n).ok_or(PseudoError::Internal)?;
        out.push_str(core::str::from_utf8(text).map_err(|_| PseudoError::Internal)?);
    }
    Ok(())
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
    pub(super) policy: Policy,
    pub(super) keys: DomainKeys,
    /// Policy keys and their aliases, sorted by length and then bytes ([`by_len_then_bytes`]),
    /// for binary search: most probes then settle on the length without comparing bytes.
    pub(super) index: Vec<(String, usize)>,
    /// CSV column name → rule, for the one-step literal selectors (`x` and `/x` both select
    /// column `x`), sorted by [`sort_keys`].
    pub(super) columns: Vec<(String, usize)>,
    /// The rule of a `/*` selector (it selects every column), if any.
    pub(super) any_column: Option<usize>,
    /// [`fold_column_name`] of each one-step literal selector → rule (the first in key order),
    /// sorted by [`sort_keys`].
    pub(super) folded: Vec<(String, usize)>,
    /// Per rule, per selector step: the folded literal (`None` for `*`), for near-miss JSON
    /// keys.
    pub(super) folded_steps: Vec<Vec<Option<String>>>,
    /// Each policy key as a record selector ([`super::on_error::field_selector`]; keys that do
    /// not parse as one are left out), for counting the values a record holds.
    pub(super) selectors: Vec<crate::scope::Selector>,
}

impl core::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pseudonymiser")
            .field("domain", &self.policy.domain())
            .finish_non_exhaustive()
    }
}

/// The order of [`Pseudonymiser`]'s field index.
pub(super) fn by_len_then_bytes(a: &str, b: &str) -> core::cmp::Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

/// Sorts a key table by [`by_len_then_bytes`], stably: equal keys keep their order. Sorted
/// tables rather than hash maps: one shared sort and search keep the npm module small, and the
/// cost stays n log n.
pub(super) fn sort_keys(table: &mut [(String, usize)]) {
    table.sort_by(|(a, _), (b, _)| by_len_then_bytes(a, b));
}

/// The value of the first entry with key `key` in a table sorted by [`sort_keys`].
pub(super) fn find_key(table: &[(String, usize)], key: &str) -> Option<usize> {
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
            selectors: policy
                .fields()
                .iter()
                .filter_map(|f| super::on_error::field_selector(&f.name))
                .collect(),
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

    /// Resolves `field` (a policy key or its other one-step spelling, as
    /// [`Pseudonymiser::transform_value`] accepts) once, for the per-value calls.
    pub fn field(&self, field: &str) -> Result<FieldHandle, PseudoError> {
        find_key(&self.index, field)
            .filter(|i| *i < self.policy.fields().len())
            .map(FieldHandle)
            .ok_or_else(|| PseudoError::UnknownField {
                field: field.to_owned(),
            })
    }

    /// The policy key a handle resolved to (`None` for a handle this pseudonymiser did not
    /// issue).
    pub fn field_name(&self, field: FieldHandle) -> Option<&str> {
        self.policy.fields().get(field.0).map(|r| r.name.as_str())
    }

    fn rule_at(&self, field: FieldHandle) -> Result<&FieldRule, PseudoError> {
        self.policy
            .fields()
            .get(field.0)
            .ok_or_else(|| PseudoError::UnknownField {
                field: format!("#{}", field.0),
            })
    }

    /// Transforms one value of a resolved field, appending the output to `out`: `Ok(true)`
    /// when a value was appended, `Ok(false)` when the field is dropped (nothing appended).
    /// On error nothing is appended (`out` keeps its length). Outputs are exactly
    /// [`Pseudonymiser::transform_value`]'s, which is a wrapper over this.
    ///
    /// `pseudonym`, `token` (values up to 256 bytes) and `ff1` (values of up to 76 digits or
    /// 48 alphanumerics) allocate nothing on the heap beyond `out` growing, when the value is
    /// already canonical: every type borrows a canonical value as it stands (a name already
    /// NFC and single-spaced, a mobile already `+91…`, an e-mail already lower case, and so
    /// on); canonicalising a value that is not, and `mask`, `generalise` and `shift`, allocate. `shift` fields need [`Pseudonymiser::transform_shift_into`].
    ///
    /// ```
    /// use consentry::pseudo::{MasterKey, Policy, Pseudonymiser};
    /// let policy = Policy::from_json(r#"{"domain": "d1", "unlisted": "drop", "fields": {
    ///   "aadhaar": {"type": "aadhaar", "transform": "ff1"},
    ///   "mobile": {"type": "mobile", "transform": "token"},
    ///   "name": {"type": "name", "transform": "drop"}}}"#)?;
    /// let ps = Pseudonymiser::new(&policy, &MasterKey::from_bytes(*b"an example key, never use it! 32"))?;
    /// let aadhaar = ps.field("aadhaar")?; // resolve once
    /// let mut out = String::new();
    /// for value in ["234567890124", "345678901238"] {
    ///     out.clear();
    ///     assert!(ps.transform_into(aadhaar, value, &mut out)?);
    ///     assert_eq!(Some(out.as_str()), ps.transform_value("aadhaar", value)?.as_deref());
    /// }
    /// // reverse into a buffer too
    /// let mut back = String::new();
    /// ps.reverse_into(aadhaar, &out, &mut back)?;
    /// assert_eq!(back, "345678901238");
    /// // a dropped field appends nothing
    /// assert!(!ps.transform_into(ps.field("name")?, "Asha", &mut out)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn transform_into(
        &self,
        field: FieldHandle,
        value: &str,
        out: &mut String,
    ) -> Result<bool, PseudoError> {
        let rule = self.rule_at(field)?;
        self.apply_rule_into(rule, value, None, out)
    }

    /// [`Pseudonymiser::transform_into`] for a `shift` field, with the raw value of its
    /// subject (any other field ignores `subject`).
    pub fn transform_shift_into(
        &self,
        field: FieldHandle,
        value: &str,
        subject: &str,
        out: &mut String,
    ) -> Result<bool, PseudoError> {
        let rule = self.rule_at(field)?;
        self.apply_rule_into(rule, value, Some(subject), out)
    }

    /// Reverses a `token` or `ff1` output of a resolved field to the canonical value,
    /// appended to `out` (nothing appended on error). Outputs are exactly
    /// [`Pseudonymiser::reverse_value`]'s, which is a wrapper over this. Tokens up to 256
    /// plaintext bytes decrypt on the stack (zeroized after).
    pub fn reverse_into(
        &self,
        field: FieldHandle,
        value: &str,
        out: &mut String,
    ) -> Result<(), PseudoError> {
        let rule = self.rule_at(field)?;
        let start = out.len();
        let r = self.reverse_rule_into(rule, value, out);
        if r.is_err() {
            out.truncate(start);
        }
        r
    }

    /// Transforms one value of `field` (a policy key). `Ok(None)` means the field is dropped.
    /// `shift` fields need [`Pseudonymiser::transform_shift`]. For many values, resolve the
    /// field once and use [`Pseudonymiser::transform_into`].
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

    pub(super) fn invalid(rule: &FieldRule) -> PseudoError {
        PseudoError::InvalidValue {
            field: rule.name.clone(),
            value_type: rule.value_type,
        }
    }

    pub(super) fn apply_rule(
        &self,
        rule: &FieldRule,
        value: &str,
        subject: Option<&str>,
    ) -> Result<Option<String>, PseudoError> {
        let mut out = String::new();
        let written = self.apply_rule_into(rule, value, subject, &mut out)?;
        Ok(written.then_some(out))
    }

    /// [`Pseudonymiser::transform_into`] on a rule: appends, and on error restores `out`'s
    /// length.
    pub(super) fn apply_rule_into(
        &self,
        rule: &FieldRule,
        value: &str,
        subject: Option<&str>,
        out: &mut String,
    ) -> Result<bool, PseudoError> {
        let start = out.len();
        let r = self.apply_rule_inner(rule, value, subject, out);
        if !matches!(r, Ok(true)) {
            out.truncate(start);
        }
        r
    }

    fn apply_rule_inner(
        &self,
        rule: &FieldRule,
        value: &str,
        subject: Option<&str>,
        out: &mut String,
    ) -> Result<bool, PseudoError> {
        match rule.transform {
            TransformSpec::Drop => return Ok(false),
            TransformSpec::Keep => {
                out.push_str(value);
                return Ok(true);
            }
            _ => {}
        }
        let canon = canonicalise(rule.value_type, value).ok_or_else(|| Self::invalid(rule))?;
        match &rule.transform {
            TransformSpec::Drop => return Ok(false),
            TransformSpec::Keep => out.push_str(value),
            TransformSpec::Pseudonym => self.pseudonym_into(&canon, out),
            TransformSpec::Token => self.token_into(&canon, out)?,
            TransformSpec::Ff1 { radix, min_len } => {
                self.ff1_encrypt_into(rule, &canon, *radix, *min_len, out)?
            }
            TransformSpec::Mask(m) => out.push_str(&mask(rule, &canon, *m)?),
            TransformSpec::Generalise(g) => out.push_str(&generalise(rule, &canon, *g)?),
            TransformSpec::Shift(s) => {
                let subject = subject.ok_or_else(|| PseudoError::SubjectRequired {
                    field: rule.name.clone(),
                })?;
                let offset = self.offset_for(rule, s, subject)?;
                let date = Date::parse(&canon).ok_or_else(|| Self::invalid(rule))?;
                let shifted = date
                    .to_days()
                    .checked_add(offset)
                    .and_then(Date::from_days)
                    .ok_or_else(|| PseudoError::DateOutOfRange {
                        field: rule.name.clone(),
                    })?;
                out.push_str(&shifted.to_iso());
            }
        }
        Ok(true)
    }

    fn pseudonym_into(&self, canon: &str, out: &mut String) {
        let mac = primitives::hmac_sha256(&self.keys.pseudonym, canon.as_bytes());
        let mut first = [0u8; 16];
        for (f, m) in first.iter_mut().zip(mac.iter()) {
            *f = *m;
        }
        primitives::push_base32_lower_16(&first, out);
    }

    fn token_into(&self, canon: &str, out: &mut String) -> Result<(), PseudoError> {
        let msg = canon.as_bytes();
        let len = msg.len() + 16;
        // Once sealed, the buffer holds the token's own bytes (SIV and ciphertext; the
        // plaintext is encrypted in place inside `seal_into`): nothing personal to zeroize.
        let mut stack = [0u8; STACK_TOKEN];
        let mut heap = Vec::new();
        let ct = match stack.get_mut(..len) {
            Some(ct) => ct,
            None => {
                heap.resize(len, 0);
                heap.as_mut_slice()
            }
        };
        self.keys
            .token
            .seal_into(&self.keys.token_ad, msg, ct)
            .map_err(|_| PseudoError::Internal)?;
        let start = out.len();
        let r = push_token_text(ct, out);
        if r.is_err() {
            out.truncate(start);
        }
        r
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

    fn ff1_cipher(&self, radix: u32) -> &Ff1Tweaked {
        if radix == 10 {
            &self.keys.ff1_10
        } else {
            &self.keys.ff1_36
        }
    }

    fn ff1_encrypt_into(
        &self,
        rule: &FieldRule,
        canon: &str,
        radix: u32,
        min_len: usize,
        out: &mut String,
    ) -> Result<(), PseudoError> {
        let cipher = self.ff1_cipher(radix);
        match rule.value_type {
            ValueType::Aadhaar => {
                let body = canon.get(..11).ok_or_else(|| Self::invalid(rule))?;
                let start = out.len();
                cipher
                    .encrypt_into(body, out)
                    .map_err(|_| Self::invalid(rule))?;
                let ct = out.get(start..).ok_or(PseudoError::Internal)?;
                let valid = ids::verhoeff_check_digit(ct).ok_or(PseudoError::Internal)?;
                // Any other digit fails Verhoeff (it detects every single-digit error);
                // valid + 1 (mod 10) is the fixed, cross-face choice.
                out.push(char::from(b'0' + (valid + 1) % 10));
                Ok(())
            }
            ValueType::Mobile => {
                let national = ids::national_mobile(canon);
                out.push_str("+91");
                cipher
                    .encrypt_into(national, out)
                    .map_err(|_| Self::invalid(rule))
            }
            _ => {
                let n = canon.len();
                if n < min_len || n > FF1_MAX_LEN {
                    return Err(PseudoError::OutOfRange {
                        field: rule.name.clone(),
                    });
                }
                cipher
                    .encrypt_into(canon, out)
                    .map_err(|_| Self::invalid(rule))
            }
        }
    }

    /// [`Pseudonymiser::reverse_into`] into a new string.
    pub(super) fn reverse_rule(
        &self,
        rule: &FieldRule,
        value: &str,
    ) -> Result<String, PseudoError> {
        let mut out = String::new();
        self.reverse_rule_into(rule, value, &mut out)?;
        Ok(out)
    }

    pub(super) fn reverse_rule_into(
        &self,
        rule: &FieldRule,
        value: &str,
        out: &mut String,
    ) -> Result<(), PseudoError> {
        let bad = || PseudoError::InvalidToken {
            field: rule.name.clone(),
        };
        match &rule.transform {
            TransformSpec::Token => {
                let b64 = value.trim().strip_prefix(TOKEN_PREFIX).ok_or_else(bad)?;
                // Decoded length: 3 bytes per 4 symbols, plus 1 or 2 for a short last group.
                let ct_len = b64.len() / 4 * 3 + (b64.len() % 4).saturating_sub(1);
                with_buf(ct_len, |ct| {
                    let n = URL_SAFE_NO_PAD.decode_slice(b64, ct).map_err(|_| bad())?;
                    let ct = ct.get(..n).ok_or_else(bad)?;
                    with_buf(n.saturating_sub(16), |pt| {
                        self.keys
                            .token
                            .open_into(&self.keys.token_ad, ct, pt)
                            .map_err(|_| bad())?;
                        out.push_str(core::str::from_utf8(pt).map_err(|_| bad())?);
                        Ok(())
                    })
                })
            }
            TransformSpec::Ff1 { radix, .. } => {
                let cipher = self.ff1_cipher(*radix);
                let dec = |s: &str| cipher.decrypt(s).map_err(|_| bad());
                let v = value.trim();
                let plain = match rule.value_type {
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
                }?;
                out.push_str(&plain);
                Ok(())
            }
            _ => Err(PseudoError::NotReversible {
                field: rule.name.clone(),
            }),
        }
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn token_text_in_48_byte_pieces_equals_the_whole_base64url_at_every_length() {
        for len in 0..=400usize {
            let ct: Vec<u8> = (0..len).map(|i| (i * 131 + 7) as u8).collect();
            let mut out = String::from("x");
            push_token_text(&ct, &mut out).unwrap();
            assert_eq!(
                out,
                format!("x{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(&ct)),
                "{len}"
            );
        }
    }

    #[test]
    fn long_text_tokens_past_the_stack_buffer_round_trip_and_match_the_primitive() {
        let policy = Policy::from_json(
            r#"{"domain": "d1", "unlisted": "drop",
                "fields": {"t": {"type": "text", "transform": "token"}}}"#,
        )
        .unwrap();
        let master = MasterKey::from_bytes(*b"an example key, never use it! 32");
        let ps = Pseudonymiser::new(&policy, &master).unwrap();
        let key =
            super::super::derive_domain_key(&master, super::super::KeyKind::Token, "d1").unwrap();
        for len in [1usize, 255, 256, 257, 300, 1000] {
            let value: String = "ab\u{e9}".chars().cycle().take(len).collect();
            let tok = ps.transform_value("t", &value).unwrap().unwrap();
            let raw = primitives::siv_encrypt(&key, &[b"d1"], value.as_bytes()).unwrap();
            assert_eq!(
                tok,
                format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(raw)),
                "{len}"
            );
            assert_eq!(ps.reverse_value("t", &tok).unwrap(), value);
        }
    }
}
