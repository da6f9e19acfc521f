//! Arrow columns and record batches through the Arrow C Data Interface
//! (<https://arrow.apache.org/docs/format/CDataInterface.html>): the C twin of
//! `consentry-arrow`'s `transform_array` and `transform_batch`, for hosts without Python (a JVM
//! through arrow-c-data, DuckDB, R). Conversion only: arrow-rs imports and exports the
//! structures, `consentry-arrow` (on the core) transforms.
//!
//! Ownership, as the C Data Interface's consumers and producers have it:
//! - **Inputs are moved in.** Whatever the result, a non-NULL `array` and `schema` are taken
//!   over at the start of the call: on return their `release` is NULL and the caller must not
//!   release them (nor read them again). The library calls each input's release callback
//!   exactly once: `schema`'s before returning, `array`'s once no output shares its buffers
//!   (columns passed through unchanged, `keep` and unlisted ones, are shared, not copied; their
//!   input is released when the caller releases the output).
//! - **Outputs are moved out.** On success `*out_array` and `*out_schema` hold a new array and
//!   its schema; the caller owns them and must call each one's `release` exactly once (or move
//!   them on). On failure both are written as released structures (`release` NULL): nothing to
//!   release. They are written without being read (pass uninitialised or released
//!   structures) and may be the input structures themselves (in place).

use arrow_array::ffi::{from_ffi, to_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{make_array, Array, RecordBatch, StructArray};
use consentry::pseudo::OnError;
use consentry::Code;
use consentry_arrow::{transform_array, transform_batch, Direction};

use crate::boundary::{guard, handle, text, Fail};
use crate::{consentry_error, consentry_pseudonymiser, consentry_result};

/// `struct ArrowArray` of the Arrow C Data Interface (defined in the header, under the
/// interface's `ARROW_C_DATA_INTERFACE` guard).
pub type consentry_arrow_array = FFI_ArrowArray;

/// `struct ArrowSchema` of the Arrow C Data Interface (defined in the header, under the
/// interface's `ARROW_C_DATA_INTERFACE` guard).
pub type consentry_arrow_schema = FFI_ArrowSchema;

fn invalid(message: impl Into<String>) -> Fail {
    Fail::new(Code::ArrowInvalid, message)
}

/// The inputs, moved in, and the outputs, marked released, before anything else is checked.
struct Moved {
    array: Option<FFI_ArrowArray>,
    schema: Option<FFI_ArrowSchema>,
}

/// Moves the inputs out of the caller's structures and marks the outputs released.
///
/// # Safety
/// Each pointer must be NULL or valid for reads and writes of its structure; the inputs must
/// hold initialised structures (live or released).
unsafe fn take(
    array: *mut consentry_arrow_array,
    schema: *mut consentry_arrow_schema,
    out_array: *mut consentry_arrow_array,
    out_schema: *mut consentry_arrow_schema,
) -> Moved {
    // SAFETY: non-NULL pointers are valid and initialised (contract); `from_raw` moves the
    // structure out and leaves a released one (release NULL) behind.
    let moved = unsafe {
        Moved {
            array: (!array.is_null()).then(|| FFI_ArrowArray::from_raw(array)),
            schema: (!schema.is_null()).then(|| FFI_ArrowSchema::from_raw(schema)),
        }
    };
    // SAFETY: non-NULL output pointers are valid for a write (contract); written without
    // reading or dropping what was there (it may be uninitialised, or the input just moved).
    unsafe {
        if !out_array.is_null() {
            out_array.write(FFI_ArrowArray::empty());
        }
        if !out_schema.is_null() {
            out_schema.write(FFI_ArrowSchema::empty());
        }
    }
    moved
}

/// Imports the moved inputs as one validated array.
fn import(moved: Moved) -> Result<arrow_array::ArrayRef, Fail> {
    let array = moved.array.ok_or_else(|| Fail::null("array"))?;
    let schema = moved.schema.ok_or_else(|| Fail::null("schema"))?;
    if array.is_released() {
        return Err(invalid("`array` is released"));
    }
    if schema.release().is_none() {
        return Err(invalid("`schema` is released"));
    }
    // SAFETY: `array` and `schema` are live C Data Interface structures (contract); the
    // imported data holds `array` (and its release) until its last buffer is dropped.
    let data = unsafe { from_ffi(array, &schema) }
        .map_err(|e| invalid(format!("`array` cannot be imported: {e}")))?;
    // Imported without validation: check offsets, lengths and UTF-8 before reading.
    data.validate_full()
        .map_err(|e| invalid(format!("`array` is malformed: {e}")))?;
    Ok(make_array(data))
    // `schema` is dropped here: its release callback is called.
}

/// Exports `out` into the caller's output structures.
///
/// # Safety
/// `out_array` and `out_schema` must be valid for a write of their structures.
unsafe fn export(
    out: &dyn Array,
    out_array: *mut consentry_arrow_array,
    out_schema: *mut consentry_arrow_schema,
) -> Result<(), Fail> {
    let (a, s) = to_ffi(&out.to_data()).map_err(|e| invalid(format!("cannot export: {e}")))?;
    // SAFETY: valid for writes (contract); they hold released structures written by `take`,
    // so nothing is leaked by overwriting them.
    unsafe {
        out_array.write(a);
        out_schema.write(s);
    }
    Ok(())
}

fn mode(on_error: &str) -> Result<OnError, Fail> {
    OnError::from_name(on_error).ok_or_else(|| {
        Fail::new(
            Code::InvalidArgument,
            "`on_error` is not one of `fail`, `skip-row`, `null-field`",
        )
    })
}

fn direction(reverse: bool) -> Direction {
    if reverse {
        Direction::Reverse
    } else {
        Direction::Forward
    }
}

fn check_out(
    out_array: *mut consentry_arrow_array,
    out_schema: *mut consentry_arrow_schema,
) -> Result<(), Fail> {
    if out_array.is_null() {
        return Err(Fail::null("out_array"));
    }
    if out_schema.is_null() {
        return Err(Fail::null("out_schema"));
    }
    Ok(())
}

/// Transforms one Arrow column of policy key `field` (as `consentry_pseudonymiser_value`), or
/// with `reverse` restores its `token` / `ff1` values: `utf8`, `large_utf8`, `utf8_view`,
/// `binary`, `large_binary` or `binary_view` in (formats `u`, `U`, `vu`, `z`, `Z`, `vz`), the
/// same type and length out; nulls stay null, empty values stay empty; a `keep` field's
/// column is passed through as it is, of any type. `on_error` is the CLI's `--on-error`
/// (`fail`, `null-field`; `skip-row` is `CONSENTRY_RESULT_ARROW_SKIP_ROW_NEEDS_BATCH`: rows
/// cannot be left out of one column): under `fail` an invalid value is its core code
/// (`CONSENTRY_RESULT_PSEUDO_INVALID_VALUE`, ...) with a message naming the row index (0-based)
/// and the field, never the value; under `null-field` it becomes null. Another column type is
/// `CONSENTRY_RESULT_ARROW_UNSUPPORTED_TYPE`; a `drop` field,
/// `CONSENTRY_RESULT_ARROW_FIELD_DROPPED`; a `shift` field,
/// `CONSENTRY_RESULT_PSEUDO_SUBJECT_REQUIRED` (use `consentry_pseudonymiser_arrow_batch`); a
/// malformed or released input, `CONSENTRY_RESULT_ARROW_INVALID`.
///
/// Ownership (in full at the top of this header): the inputs `array` and `schema` are always
/// moved in (released by the library, whatever the result); on success the caller owns
/// `*out_array` and `*out_schema` and must release each once; on failure they are released
/// structures. Thread-safe.
///
/// # Safety
/// `ps` must be a live pseudonymiser; `field` and `on_error` must point to their lengths of
/// readable bytes; `array` and `schema` NULL or valid, initialised C Data Interface structures
/// (live or released) whose buffers hold what they claim; `out_array` and `out_schema` NULL or
/// valid for a write; `err` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn consentry_pseudonymiser_arrow_array(
    ps: *const consentry_pseudonymiser,
    field: *const u8,
    field_len: usize,
    reverse: bool,
    on_error: *const u8,
    on_error_len: usize,
    array: *mut consentry_arrow_array,
    schema: *mut consentry_arrow_schema,
    out_array: *mut consentry_arrow_array,
    out_schema: *mut consentry_arrow_schema,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let moved = unsafe { take(array, schema, out_array, out_schema) };
        check_out(out_array, out_schema)?;
        // SAFETY: pointer validity is the caller's contract.
        let (ps, field, on_error) = unsafe {
            (
                handle(ps, "ps")?,
                text(field, field_len, "field")?,
                text(on_error, on_error_len, "on_error")?,
            )
        };
        let on_error = mode(on_error)?;
        let input = import(moved)?;
        let out = transform_array(
            &ps.inner,
            field,
            input.as_ref(),
            direction(reverse),
            on_error,
        )
        .map_err(|e| Fail::of(&e))?;
        drop(input);
        // SAFETY: checked not NULL above; valid for writes (contract).
        unsafe { export(out.as_ref(), out_array, out_schema) }
    })
}

/// Transforms a record batch, given as a struct array (format `+s`, the C Data Interface's
/// record batch: one child per column, named), under the policy as `consentry pseudonymise`
/// transforms the same table as CSV: columns named in the policy transformed (a `shift`
/// column with its subject column, which must be in the batch), unlisted ones kept or dropped
/// as `"unlisted"` says, dropped columns left out of the output struct; with `reverse`,
/// `token` and `ff1` columns restored and every other column kept. `on_error` as the CLI's
/// `--on-error`: `fail` (the first invalid value's code, with its row index and column, never
/// the value), `skip-row` (the row left out), `null-field` (the value null). Column types and
/// codes as `consentry_pseudonymiser_arrow_array`; a batch with no column named in the policy
/// is `CONSENTRY_RESULT_PSEUDO_UNKNOWN_FIELD`; a struct array with nulls at the top level,
/// `CONSENTRY_RESULT_ARROW_INVALID`. Ownership as `consentry_pseudonymiser_arrow_array`.
/// Thread-safe.
///
/// # Safety
/// As `consentry_pseudonymiser_arrow_array`.
#[no_mangle]
pub unsafe extern "C" fn consentry_pseudonymiser_arrow_batch(
    ps: *const consentry_pseudonymiser,
    reverse: bool,
    on_error: *const u8,
    on_error_len: usize,
    array: *mut consentry_arrow_array,
    schema: *mut consentry_arrow_schema,
    out_array: *mut consentry_arrow_array,
    out_schema: *mut consentry_arrow_schema,
    err: *mut consentry_error,
) -> consentry_result {
    guard(err, || {
        // SAFETY: pointer validity is the caller's contract.
        let moved = unsafe { take(array, schema, out_array, out_schema) };
        check_out(out_array, out_schema)?;
        // SAFETY: pointer validity is the caller's contract.
        let (ps, on_error) =
            unsafe { (handle(ps, "ps")?, text(on_error, on_error_len, "on_error")?) };
        let on_error = mode(on_error)?;
        let input = import(moved)?;
        let structs = input
            .as_any()
            .downcast_ref::<StructArray>()
            .ok_or_else(|| invalid("`array` is not a struct array (format `+s`)"))?;
        if structs.null_count() > 0 {
            return Err(invalid("`array` has null rows: a record batch has none"));
        }
        let batch = RecordBatch::from(structs.clone());
        drop(input);
        let out = transform_batch(&ps.inner, &batch, direction(reverse), on_error)
            .map_err(|e| Fail::of(&e))?;
        drop(batch);
        let out = StructArray::from(out);
        // SAFETY: checked not NULL above; valid for writes (contract).
        unsafe { export(&out, out_array, out_schema) }
    })
}
