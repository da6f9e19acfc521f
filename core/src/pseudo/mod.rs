//! Field-level pseudonymisation: keys, transforms, policies and their application to values,
//! JSON records and CSV rows.
//!
//! Keys: a 32-byte [`MasterKey`]; per-domain keys are
//! `HKDF-SHA256(salt = "consentry/v1/" + kind, ikm = master, info = domain)` ([`KeyKind`]),
//! derived once when a [`Pseudonymiser`] is built.
//!
//! Key check: [`key_check_value`] (16 hex digits, a MAC of a fixed label and the domain under
//! the [`KeyKind::Check`] key) identifies the (master key, domain) pair without revealing a key
//! that protects data. Store it with pseudonymised data ([`Pseudonymiser::key_check_json`]) and
//! check it before reversing ([`Pseudonymiser::check_key_json`]): `ff1` is unauthenticated, and
//! under a wrong key or domain it reverses to wrong but well-formed values. `token` (AES-SIV)
//! is authenticated and the better choice for fields that must be reversed.
//!
//! | transform | output |
//! |---|---|
//! | `pseudonym` | HMAC-SHA256(pseudonym key, canonical value), first 16 bytes, base32 lower case, no padding (26 chars). One-way. |
//! | `token` | `t1.` + base64url (no padding) of AES-SIV (RFC 5297, 64-byte key, associated data `[domain]`) of the canonical value. Reversible. |
//! | `ff1` | FF1 (SP 800-38G Rev. 1, AES-256, tweak = domain) over the canonical digits (radix 10) or upper-case alphanumerics (radix 36). Aadhaar: the first 11 digits are encrypted and the 12th is the Verhoeff digit + 1 (mod 10), which always fails Verhoeff; mobile: the 10 national digits, output `+91` + 10 digits. Reversible, unauthenticated (check the key first). |
//! | `mask` | the identifier type's display mask ([`crate::ids::mask`]: Aadhaar `XXXX XXXX 1234`, mobile `XXXXXX1234`, ...), or `keep_last` N. Display only. |
//! | `generalise` | date → `year` or `age_band` of N years at a reference date; PIN code → first N digits; number → `bucket` of width W (`lo-hi`, inclusive; a negative bucket `lo..hi`, e.g. `-10..-1`). |
//! | `shift` | date moved by `offset = (BE64(HMAC(shift key, canonical subject)[..8]) mod (2N+1)) - N` days. |
//! | `drop` | removed. |
//! | `keep` | unchanged (not validated). |
//!
//! Policy parameters (unknown or missing ones are refused when the policy is loaded):
//!
//! | transform | parameters |
//! |---|---|
//! | `pseudonym`, `token`, `drop`, `keep` | none (`drop` and `keep` need no `type` either) |
//! | `ff1` | `radix` (10 or 36, optional; default 10 for digit types, 36 otherwise); `min_len` (required for `digits` and `alnum`, refused otherwise) |
//! | `mask` | at most one of `preset` (the field's own identifier type, e.g. `"aadhaar"` on type aadhaar) and `keep_last` (0–64; at most 4 on aadhaar and vid); neither: the identifier type's preset (other types need `keep_last`) |
//! | `generalise` | date: `to` = `"year"`, or `"age_band"` with `years` (1–200) and `reference` (`YYYY-MM-DD`); pincode: `digits` (1–5); number: `bucket` (≥ 1) |
//! | `shift` | `max_days` N (1–36500) and `subject` (a selector or column; its `*` steps bind to the field's, in order). The subject is canonicalised by its own declared type when the policy lists it, else as `text`. |
//!
//! Every keyed transform first validates and canonicalises the value by its declared
//! [`ValueType`]; an invalid value is an error naming the field, never passed through.

mod csv_line;
mod csv_plan;
pub(crate) mod dates;
mod engine;
mod error;
mod json;
mod keys;
mod names;
mod on_error;
mod policy;
#[doc(hidden)]
pub mod primitives;
mod types;

mod hook;

pub use csv_line::{csv_record, parse_csv_line, CsvLineError, CsvWriter};
pub use csv_plan::{CsvOptions, CsvPlan, PlannedColumn};
pub use engine::{Pseudonymiser, FF1_MAX_LEN, TOKEN_PREFIX};
pub use error::PseudoError;
pub use keys::{derive_domain_key, key_check_value, KeyKind, MasterKey, KEY_CHECK_LEN};
pub use names::{csv_safe_cell, fold_column_name, is_formula_like};
pub use on_error::{Applied, OnError};
pub use policy::{FieldRule, Policy, PolicyError, Unlisted, TRANSFORM_IDS};
pub use types::ValueType;
