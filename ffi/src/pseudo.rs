//! Pseudonymisation (per value, per JSON record, per CSV line) and Indian identifiers.
//!
//! Conversion only: the transforms are `consentry::Pseudonymiser`'s, the identifier rules
//! `consentry::ids`'s, and CSV text is split and written by the core's one CSV codec
//! (`consentry::pseudo::parse_csv_line`, `csv_record`; the CLI writes with the same), so that a
//! C program streaming a file line by line writes the bytes the CLI writes.

use std::sync::Arc;

use consentry::ids::{self, IdType};
use consentry::pseudo::{csv_record, parse_csv_line, CsvOptions, CsvPlan};
use consentry::{Code, HasCode as _, MasterKey, Policy, Pseudonymiser};

use crate::boundary::{bytes, guard, guard_void, handle, text, Fail, Out, OutBuf};
use crate::{consentry_error, consentry_result};

/// The length of a pseudonymisation master key in bytes.
pub const CONSENTRY_MASTER_KEY_LEN: usize = 32;

/// A pseudonymiser: a policy bound to the keys derived from a master key for the policy's
/// domain. Immutable and thread-safe: one pseudonymiser may be used from any number of threads
/// at once.
pub struct consentry_pseudonymiser {
    pub(crate) inner: Arc<Pseudonymiser>,
}

/// A CSV header resolved against a pseudonymiser's policy, for transforming (or reversing) the
/// rows that follow it one line at a time. Immutable and thread-safe. It keeps its
/// pseudonymiser alive: either may be freed first.
pub struct consentry_csv_plan {
    /// The header resolved once (a hash lookup per column); every row reuses it.
    plan: CsvPlan<Arc<Pseudonymiser>>,
    /// The output header line, `\n`-terminated.
    out_header: Vec<u8>,
}

const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<consentry_pseudonymiser>();
    send_sync::<consentry_csv_plan>();
};

// ------------------------------------------------------------------------------------------
// CSV text <-> cells: the core's codec (`consentry::pseudo::parse_csv_line`, `csv_record`)

/// Splits one CSV line argument into its cells (`None` for a blank line). A line that is not
/// one record is `CONSENTRY_RESULT_INVALID_ARGUMENT` (the C ABI's code for an argument it
/// cannot take, kept from before the codec moved to the core), the message the core's.
fn csv_cells(line: &str, what: &str) -> Result<Option<Vec<String>>, Fail> {
    parse_csv_line(line).map_err(|e| Fail::new(Code::InvalidArgument, format!("`{what}` {e}")))
}

/// One CSV record terminated by `\n` (quoting only where needed).
fn csv_line<S: AsRef<[u8]>>(cells: &[S]) -> Result<Vec<u8>, Fail> {
    csv_record(cells).map_err(|e| Fail::new(Code::Internal, e.to_string()))
}

// ------------------------------------------------------------------------------------------
// Pseudonymiser

/// Creates a pseudonymiser in `*out` from a policy (JSON text: `domain`, `fields`, `unlisted`)
/// and a master key of `CONSENTRY_MASTER_KEY_LEN` (32) raw bytes (a CLI key file holds them as
/// 64 hex digits; decode first). Keys for the policy's domain are derived once here. Free it
/// with `consentry_pseudonymiser_free`. Policy errors are `CONSENTRY_RESULT_POLICY_*`; a key
/// of another length is `CONSENTRY_RESULT_PSEUDO_INVALID_KEY`.
///
/// # Safety
/// `policy_json` and `master_key` must point to their lengths of readable bytes; `out` valid
/// for one write; `err` NULL or a live error object.
#[no_mangle]
pub unsafe extern "C" fn consentry_pseudonymiser_new(
    policy_json: *const u8,
    policy_json_len: usize,
    master_key: *const u8,
    master_key_len: usize,
    out: *mut *const consentry_pseudonymiser,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (policy, key) = unsafe {
            (
                text(policy_json, policy_json_len, "policy_json")?,
                bytes(master_key, master_key_len, "master_key")?,
            )
        };
        let out = Out::new(out, "out")?;
        let policy = Policy::from_json(policy).map_err(|e| Fail::of(&e))?;
        let key = MasterKey::from_slice(key).map_err(|e| Fail::of(&e))?;
        let inner = Pseudonymiser::new(&policy, &key).map_err(|e| Fail::of(&e))?;
        let p = Arc::into_raw(Arc::new(consentry_pseudonymiser {
            inner: Arc::new(inner),
        }));
        // SAFETY: `out` is valid for a write (contract).
        unsafe { out.write(p) };
        Ok(())
    })
}

/// Frees a pseudonymiser (its keys are zeroed). NULL is a no-op. No other thread may still be
/// using it; CSV plans made from it stay valid.
///
/// # Safety
/// `ps` must be NULL or a pointer from `consentry_pseudonymiser_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn consentry_pseudonymiser_free(ps: *const consentry_pseudonymiser) {
    guard_void(|| {
        if !ps.is_null() {
            // SAFETY: from `Arc::into_raw` in `consentry_pseudonymiser_new`, released once.
            drop(unsafe { Arc::from_raw(ps) });
        }
    })
}

/// Writes the key check record of the pseudonymiser's master key and domain into `out`,
/// NUL-terminated: compact JSON `{"v":1,"domain":...,"kcv":...}` where `kcv` is 16 hex digits,
/// a keyed fingerprint of master key and domain (a MAC under its own derived key; it reveals
/// no key that protects data). `consentry pseudonymise` writes it beside every output as
/// `<out>.kcv`; store it with pseudonymised data and pass it to
/// `consentry_pseudonymiser_check_key` before reversing: `ff1` is unauthenticated and reverses
/// under a wrong key or domain to wrong but valid-looking values. Buffer rules as
/// `consentry_verifier_verify`. Thread-safe.
///
/// # Safety
/// `ps` must be a live pseudonymiser; `out` valid for `out_cap` bytes; `out_len` for one
/// write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_pseudonymiser_key_check(
    ps: *const consentry_pseudonymiser,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let ps = unsafe { handle(ps, "ps") }?;
        let dst = OutBuf::new(out, out_cap, out_len)?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(ps.inner.key_check_json().as_bytes(), true) }
    })
}

/// Checks a key check record (from `consentry_pseudonymiser_key_check` or a `<file>.kcv` the
/// CLI wrote) against the pseudonymiser's master key and domain: `CONSENTRY_RESULT_OK` when
/// they match, `CONSENTRY_RESULT_PSEUDO_KEY_CHECK_MISMATCH` when the key or the domain differs
/// (do not reverse), `CONSENTRY_RESULT_PSEUDO_KEY_CHECK_MALFORMED` when it is not such a
/// record. Thread-safe.
///
/// # Safety
/// `ps` must be a live pseudonymiser; `key_check_json` must point to `key_check_json_len`
/// readable bytes; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_pseudonymiser_check_key(
    ps: *const consentry_pseudonymiser,
    key_check_json: *const u8,
    key_check_json_len: usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (ps, json) = unsafe {
            (
                handle(ps, "ps")?,
                text(key_check_json, key_check_json_len, "key_check_json")?,
            )
        };
        ps.inner.check_key_json(json).map_err(|e| Fail::of(&e))
    })
}

/// Transforms one value of policy field `field` (a policy key, e.g. `/aadhaar` or `aadhaar`
/// for a one-step key), or with `reverse` restores a `token` or `ff1` output to its canonical
/// value. Writes the result into `out`, NUL-terminated, its length without the NUL to
/// `*out_len`, and to `*out_dropped` whether the field's transform is `drop`: then the result
/// is empty (`*out_len` 0) and the value must be left out, which is how a dropped field is
/// told from a transform whose output is empty. A `shift` field needs its subject: use
/// `consentry_pseudonymiser_record` or a CSV plan (this returns
/// `CONSENTRY_RESULT_PSEUDO_SUBJECT_REQUIRED`). Errors name the field, never the value.
/// Buffer rules as `consentry_verifier_verify` (a dropped field needs 1 byte, the NUL).
/// Thread-safe.
///
/// # Safety
/// `ps` must be a live pseudonymiser; `field` and `value` must point to their lengths of
/// readable bytes; `out` valid for `out_cap` bytes and not overlapping any input; `out_len`
/// and `out_dropped` for one write each; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_pseudonymiser_value(
    ps: *const consentry_pseudonymiser,
    field: *const u8,
    field_len: usize,
    value: *const u8,
    value_len: usize,
    reverse: bool,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    out_dropped: *mut bool,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (ps, field, value) = unsafe {
            (
                handle(ps, "ps")?,
                text(field, field_len, "field")?,
                text(value, value_len, "value")?,
            )
        };
        let dst = OutBuf::new(out, out_cap, out_len)?;
        let dropped = Out::new(out_dropped, "out_dropped")?;
        let result = if reverse {
            Some(
                ps.inner
                    .reverse_value(field, value)
                    .map_err(|e| Fail::of(&e))?,
            )
        } else {
            ps.inner
                .transform_value(field, value)
                .map_err(|e| Fail::of(&e))?
        };
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(result.as_deref().unwrap_or_default().as_bytes(), true) }?;
        // SAFETY: `out_dropped` is valid for a write (contract).
        unsafe { dropped.write(result.is_none()) };
        Ok(())
    })
}

/// Applies the policy to one JSON record (JSON text of an object): selected values
/// transformed, `drop` fields removed, and with `"unlisted": "drop"` everything no selector
/// reaches removed; or with `reverse`, restores its `token` and `ff1` fields. Writes the record
/// as compact JSON text into `out`, NUL-terminated (the `record` of the JSON interface's
/// `pseudonymise`). Text that is not JSON is `CONSENTRY_RESULT_INVALID_ARGUMENT`. Buffer rules
/// as `consentry_verifier_verify`. Thread-safe.
///
/// # Safety
/// `ps` must be a live pseudonymiser; `record_json` must point to `record_json_len` readable
/// bytes; `out` valid for `out_cap` bytes; `out_len` for one write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_pseudonymiser_record(
    ps: *const consentry_pseudonymiser,
    record_json: *const u8,
    record_json_len: usize,
    reverse: bool,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (ps, record) = unsafe {
            (
                handle(ps, "ps")?,
                text(record_json, record_json_len, "record_json")?,
            )
        };
        let dst = OutBuf::new(out, out_cap, out_len)?;
        let mut record: serde_json::Value = serde_json::from_str(record).map_err(|e| {
            Fail::new(
                Code::InvalidArgument,
                format!(
                    "`record_json` is not json (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        if reverse {
            ps.inner.reverse_json(&mut record)
        } else {
            ps.inner.apply_json(&mut record)
        }
        .map_err(|e| Fail::of(&e))?;
        let json = serde_json::to_vec(&record)
            .map_err(|_| Fail::new(Code::Internal, "the record does not serialise"))?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(&json, true) }
    })
}

// ------------------------------------------------------------------------------------------
// CSV, one line at a time

/// Starts a CSV stream: resolves the header line (one CSV record, e.g. `name,aadhaar,pin`;
/// a trailing `\n` or `\r\n` is allowed) against the policy into `*out`. Policy keys match a
/// column by its name, `/` + its name, or `/*`. With `reverse`, rows are restored instead
/// (`token` and `ff1` cells) and the header is the pseudonymised file's. Get the output
/// header line with `consentry_csv_plan_header`, then pass each following line to
/// `consentry_csv_plan_row`. Free it with `consentry_csv_plan_free`. The header is resolved
/// here once (cost linear in its columns); each row then costs only its own cells. A column
/// named twice is `CONSENTRY_RESULT_PSEUDO_DUPLICATE_COLUMN`; with `"unlisted": "keep"`, a
/// column that is not in the policy but whose name differs from a policy key only by case,
/// spaces, invisible or look-alike characters is `CONSENTRY_RESULT_PSEUDO_COLUMN_NEAR_MISS`
/// (its values would otherwise pass through untransformed); a blank header or one that is not
/// CSV, `CONSENTRY_RESULT_INVALID_ARGUMENT`.
///
/// CSV is RFC 4180 as the CLI reads and writes it (the `csv` crate's defaults): `,`
/// separated, fields with `,`, `"` or a line break quoted, `""` for a quote inside quotes.
///
/// # Safety
/// `ps` must be a live pseudonymiser; `header_line` must point to `header_line_len` readable
/// bytes; `out` valid for one write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_csv_plan_new(
    ps: *const consentry_pseudonymiser,
    header_line: *const u8,
    header_line_len: usize,
    reverse: bool,
    out: *mut *const consentry_csv_plan,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (ps, line) = unsafe {
            (
                handle(ps, "ps")?,
                text(header_line, header_line_len, "header_line")?,
            )
        };
        let out = Out::new(out, "out")?;
        let header = csv_cells(line, "header_line")?
            .ok_or_else(|| Fail::new(Code::InvalidArgument, "`header_line` is blank"))?;
        let options = CsvOptions::default().reverse(reverse);
        let plan =
            CsvPlan::new(Arc::clone(&ps.inner), &header, options).map_err(|e| Fail::of(&e))?;
        let out_header = csv_line(plan.header())?;
        let plan = Arc::into_raw(Arc::new(consentry_csv_plan { plan, out_header }));
        // SAFETY: `out` is valid for a write (contract).
        unsafe { out.write(plan) };
        Ok(())
    })
}

/// Frees a CSV plan. NULL is a no-op.
///
/// # Safety
/// `plan` must be NULL or a pointer from `consentry_csv_plan_new` not yet freed.
#[no_mangle]
pub unsafe extern "C" fn consentry_csv_plan_free(plan: *const consentry_csv_plan) {
    guard_void(|| {
        if !plan.is_null() {
            // SAFETY: from `Arc::into_raw` in `consentry_csv_plan_new`, released once.
            drop(unsafe { Arc::from_raw(plan) });
        }
    })
}

/// Writes the output header line (dropped columns removed; with `reverse`, the input header)
/// into `out` as one CSV record terminated by `\n`, then a NUL. Buffer rules as
/// `consentry_verifier_verify`.
///
/// # Safety
/// `plan` must be a live CSV plan; `out` valid for `out_cap` bytes; `out_len` for one write;
/// `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_csv_plan_header(
    plan: *const consentry_csv_plan,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let plan = unsafe { handle(plan, "plan") }?;
        let dst = OutBuf::new(out, out_cap, out_len)?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(&plan.out_header, true) }
    })
}

/// Transforms (or with the plan's `reverse`, restores) one CSV row: `line` is one CSV record
/// (a trailing `\n` or `\r\n` is allowed), the output one CSV record terminated by `\n` and
/// then a NUL, byte for byte what `consentry pseudonymise` writes for it. A blank line gives
/// an empty output (`*out_len` 0: write nothing). A line ending inside a quoted field (a `"`
/// at the start of a field not yet closed; `""` inside is a quote, a `"` within an unquoted
/// field an ordinary character) is `CONSENTRY_RESULT_INVALID_ARGUMENT`: a quoted field may hold
/// a line break, so append the next line and call again. A row with another number of cells than the
/// header is `CONSENTRY_RESULT_PSEUDO_ROW_LENGTH`; an invalid value,
/// `CONSENTRY_RESULT_PSEUDO_INVALID_VALUE` naming the column, never the value (the row number
/// is the caller's to add). Buffer rules as `consentry_verifier_verify`. Thread-safe.
///
/// # Safety
/// `plan` must be a live CSV plan; `line` must point to `line_len` readable bytes; `out` valid
/// for `out_cap` bytes and not overlapping `line`; `out_len` for one write; `err` NULL or
/// live.
#[no_mangle]
pub unsafe extern "C" fn consentry_csv_plan_row(
    plan: *const consentry_csv_plan,
    line: *const u8,
    line_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (plan, line) = unsafe { (handle(plan, "plan")?, text(line, line_len, "line")?) };
        let dst = OutBuf::new(out, out_cap, out_len)?;
        let Some(row) = csv_cells(line, "line")? else {
            // SAFETY: buffer validity is the caller's contract.
            return unsafe { dst.write(b"", true) };
        };
        let cells = plan.plan.apply_row(&row).map_err(|e| Fail::of(&e))?;
        let text = csv_line(&cells)?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(&text, true) }
    })
}

// ------------------------------------------------------------------------------------------
// Identifiers

/// `id_type` through the one identifier-type parser (`id_unknown_type`, as in every face).
fn id_kind(name: &str) -> Result<IdType, Fail> {
    IdType::from_name(name).map_err(|e| Fail::new(e.code(), format!("`id_type` is {e}")))
}

/// Validates an Indian identifier of type `id_type` (`aadhaar`, `vid`, `pan`, `gstin`,
/// `mobile`, `email`, `pincode`, `epic`, `passport`, `ifsc`) and writes its canonical form
/// (e.g. Aadhaar without spaces, mobile as `+91` and 10 digits) into `out`, NUL-terminated.
/// An invalid value is `CONSENTRY_RESULT_ID_INVALID`, `CONSENTRY_RESULT_ID_CHECKSUM` or
/// `CONSENTRY_RESULT_ID_PAN_HOLDER_TYPE` (the message never echoes the value); an unknown
/// type, `CONSENTRY_RESULT_ID_UNKNOWN_TYPE`. Buffer rules as `consentry_verifier_verify`
/// (64 bytes fit every type but e-mail). Thread-safe.
///
/// # Safety
/// `id_type` and `value` must point to their lengths of readable bytes; `out` valid for
/// `out_cap` bytes; `out_len` for one write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_id_validate(
    id_type: *const u8,
    id_type_len: usize,
    value: *const u8,
    value_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (kind, value) = unsafe {
            (
                text(id_type, id_type_len, "id_type")?,
                text(value, value_len, "value")?,
            )
        };
        let dst = OutBuf::new(out, out_cap, out_len)?;
        let canon = ids::normalise(id_kind(kind)?, value).map_err(|e| Fail::of(&e))?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(canon.as_bytes(), true) }
    })
}

/// Writes the display mask of a valid identifier (Aadhaar `XXXX XXXX 1234`, mobile
/// `XXXXXX1234`, ...) into `out`, NUL-terminated. Display only, not pseudonymisation. Errors
/// as `consentry_id_validate`. Buffer rules as `consentry_verifier_verify`. Thread-safe.
///
/// # Safety
/// As `consentry_id_validate`.
#[no_mangle]
pub unsafe extern "C" fn consentry_id_mask(
    id_type: *const u8,
    id_type_len: usize,
    value: *const u8,
    value_len: usize,
    out: *mut u8,
    out_cap: usize,
    out_len: *mut usize,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let (kind, value) = unsafe {
            (
                text(id_type, id_type_len, "id_type")?,
                text(value, value_len, "value")?,
            )
        };
        let dst = OutBuf::new(out, out_cap, out_len)?;
        let masked = ids::mask(id_kind(kind)?, value).map_err(|e| Fail::of(&e))?;
        // SAFETY: buffer validity is the caller's contract.
        unsafe { dst.write(masked.as_bytes(), true) }
    })
}
