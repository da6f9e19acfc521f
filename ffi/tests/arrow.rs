//! `consentry_pseudonymiser_arrow_array` / `_arrow_batch` through the Arrow C Data Interface:
//! the same values as `consentry-arrow` (and so as the CLI), nulls kept, on_error followed,
//! inputs moved in and outputs moved out whatever the result.
#![allow(unsafe_code)] // calls the C ABI; each block has a `// SAFETY:` comment
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::ptr::{null, null_mut};
use std::sync::Arc;

use arrow_array::ffi::{from_ffi, to_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{make_array, Array, ArrayRef, Int64Array, RecordBatch, StringArray, StructArray};
use consentry::pseudo::{MasterKey, OnError, Policy, Pseudonymiser};
use consentry_arrow::{transform_array, transform_batch, Direction};
use consentry_ffi::*;

const POLICY: &str = r#"{"domain": "tn.health/arrow-c", "unlisted": "keep", "fields": {
    "pid": {"type": "text", "transform": "pseudonym"},
    "aadhaar": {"type": "aadhaar", "transform": "ff1"},
    "mobile": {"type": "mobile", "transform": "token"},
    "gone": {"transform": "drop"},
    "visit": {"type": "date", "transform": "shift",
              "params": {"max_days": 90, "subject": "pid"}}}}"#;
const KEY: &[u8; 32] = b"a master key for arrow c tests!!";

struct Fixture {
    ps: *const consentry_pseudonymiser,
    err: *mut consentry_error,
    rust: Pseudonymiser,
}

impl Fixture {
    fn new() -> Self {
        let (mut ps, mut err) = (null(), null_mut());
        // SAFETY: out-pointers are valid locals; inputs are live buffers with their lengths.
        unsafe {
            assert_eq!(consentry_error_new(&mut err), consentry_result::Ok);
            let r = consentry_pseudonymiser_new(
                POLICY.as_ptr(),
                POLICY.len(),
                KEY.as_ptr(),
                32,
                &mut ps,
                err,
            );
            assert_eq!(r, consentry_result::Ok);
        }
        let rust = Pseudonymiser::new(
            &Policy::from_json(POLICY).unwrap(),
            &MasterKey::from_bytes(*KEY),
        )
        .unwrap();
        Fixture { ps, err, rust }
    }

    fn message(&self) -> String {
        let mut buf = vec![0u8; 4096];
        let mut n = 0usize;
        // SAFETY: `err` is live; the buffer is a live local of its length.
        let r = unsafe { consentry_error_message(self.err, buf.as_mut_ptr(), buf.len(), &mut n) };
        assert_eq!(r, consentry_result::Ok);
        String::from_utf8(buf[..n].to_vec()).unwrap()
    }

    /// Calls the column function; returns the result, the output (imported) and whether the
    /// input structures were left released.
    fn array(
        &self,
        field: &str,
        reverse: bool,
        on_error: &str,
        input: &dyn Array,
    ) -> (consentry_result, Option<ArrayRef>, bool) {
        let (mut a, mut s) = to_ffi(&input.to_data()).unwrap();
        let (mut oa, mut os) = (FFI_ArrowArray::empty(), FFI_ArrowSchema::empty());
        // SAFETY: every structure is a live local; `ps` and `err` are live.
        let r = unsafe {
            consentry_pseudonymiser_arrow_array(
                self.ps,
                field.as_ptr(),
                field.len(),
                reverse,
                on_error.as_ptr(),
                on_error.len(),
                &mut a,
                &mut s,
                &mut oa,
                &mut os,
                self.err,
            )
        };
        let moved = a.is_released() && s.release().is_none();
        (r, import(r, oa, os), moved)
    }

    fn batch(
        &self,
        reverse: bool,
        on_error: &str,
        batch: &RecordBatch,
    ) -> (consentry_result, Option<RecordBatch>) {
        let structs = StructArray::from(batch.clone());
        let (mut a, mut s) = to_ffi(&structs.to_data()).unwrap();
        let (mut oa, mut os) = (FFI_ArrowArray::empty(), FFI_ArrowSchema::empty());
        // SAFETY: every structure is a live local; `ps` and `err` are live.
        let r = unsafe {
            consentry_pseudonymiser_arrow_batch(
                self.ps,
                reverse,
                on_error.as_ptr(),
                on_error.len(),
                &mut a,
                &mut s,
                &mut oa,
                &mut os,
                self.err,
            )
        };
        assert!(a.is_released() && s.release().is_none());
        let out = import(r, oa, os)
            .map(|a| RecordBatch::from(a.as_any().downcast_ref::<StructArray>().unwrap().clone()));
        (r, out)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        // SAFETY: both live, freed once.
        unsafe {
            consentry_pseudonymiser_free(self.ps);
            consentry_error_free(self.err);
        }
    }
}

/// The output as an array on success; on failure, checks that both outputs are released.
fn import(r: consentry_result, a: FFI_ArrowArray, s: FFI_ArrowSchema) -> Option<ArrayRef> {
    if r != consentry_result::Ok {
        assert!(
            a.is_released() && s.release().is_none(),
            "failure leaves released outputs"
        );
        return None;
    }
    // SAFETY: the library exported them on success.
    Some(make_array(unsafe { from_ffi(a, &s) }.unwrap()))
}

fn strings(v: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

#[test]
fn arrow_array_through_the_c_data_interface_equals_the_rust_crate() {
    let f = Fixture::new();
    let input = strings(&[Some("2345 6789 0124"), None, Some("")]);
    let (r, out, moved) = f.array("aadhaar", false, "fail", input.as_ref());
    assert_eq!(r, consentry_result::Ok);
    assert!(moved, "the inputs are moved in");
    let out = out.unwrap();
    let want = transform_array(
        &f.rust,
        "aadhaar",
        input.as_ref(),
        Direction::Forward,
        OnError::Fail,
    )
    .unwrap();
    assert_eq!(out.to_data(), want.to_data());
    assert!(out.is_null(1));
    // Reverse restores the canonical value.
    let (r, back, _) = f.array("aadhaar", true, "fail", out.as_ref());
    assert_eq!(r, consentry_result::Ok);
    let back = back.unwrap();
    let back = back.as_any().downcast_ref::<StringArray>().unwrap();
    assert_eq!(back.value(0), "234567890124");
    assert!(back.is_null(1));
}

#[test]
fn arrow_array_invalid_value_fails_with_row_and_field_or_is_nulled() {
    let f = Fixture::new();
    let input = strings(&[Some("234567890124"), Some("2345 6789 0123")]);
    let (r, out, moved) = f.array("aadhaar", false, "fail", input.as_ref());
    assert_eq!(r, consentry_result::PseudoInvalidValue);
    assert!(
        out.is_none() && moved,
        "failure: inputs moved, outputs released"
    );
    let msg = f.message();
    assert!(
        msg.contains("row index 1") && msg.contains("`aadhaar`"),
        "{msg}"
    );
    assert!(!msg.contains("0123"), "{msg}");
    let (r, out, _) = f.array("aadhaar", false, "null-field", input.as_ref());
    assert_eq!(r, consentry_result::Ok);
    let out = out.unwrap();
    assert!(!out.is_null(0) && out.is_null(1));
    let (r, _, _) = f.array("aadhaar", false, "skip-row", input.as_ref());
    assert_eq!(r, consentry_result::ArrowSkipRowNeedsBatch);
    let (r, _, moved) = f.array("aadhaar", false, "sometimes", input.as_ref());
    assert_eq!(r, consentry_result::InvalidArgument);
    assert!(
        moved,
        "the inputs are moved in even when an argument is refused"
    );
}

#[test]
fn arrow_array_refusals_carry_their_codes() {
    let f = Fixture::new();
    let ints: ArrayRef = Arc::new(Int64Array::from(vec![1, 2]));
    let (r, _, _) = f.array("aadhaar", false, "fail", ints.as_ref());
    assert_eq!(r, consentry_result::ArrowUnsupportedType);
    let (r, _, _) = f.array("gone", false, "fail", ints.as_ref());
    assert_eq!(r, consentry_result::ArrowFieldDropped);
    let (r, _, _) = f.array(
        "visit",
        false,
        "fail",
        strings(&[Some("2024-01-01")]).as_ref(),
    );
    assert_eq!(r, consentry_result::PseudoSubjectRequired);
}

#[test]
fn arrow_array_null_and_released_inputs_are_refused() {
    let f = Fixture::new();
    let field = "aadhaar";
    let (mut oa, mut os) = (FFI_ArrowArray::empty(), FFI_ArrowSchema::empty());
    let (mut a, mut s) = (FFI_ArrowArray::empty(), FFI_ArrowSchema::empty());
    // SAFETY: every structure is a live local; NULL where the test says.
    unsafe {
        let r = consentry_pseudonymiser_arrow_array(
            f.ps,
            field.as_ptr(),
            field.len(),
            false,
            "fail".as_ptr(),
            4,
            &mut a,
            &mut s,
            &mut oa,
            &mut os,
            f.err,
        );
        assert_eq!(r, consentry_result::ArrowInvalid);
        let r = consentry_pseudonymiser_arrow_array(
            f.ps,
            field.as_ptr(),
            field.len(),
            false,
            "fail".as_ptr(),
            4,
            null_mut(),
            &mut s,
            &mut oa,
            &mut os,
            f.err,
        );
        assert_eq!(r, consentry_result::NullArgument);
        // A live input with a NULL output is still moved in (and released).
        let (mut a, mut s) = to_ffi(&strings(&[Some("x")]).to_data()).unwrap();
        let r = consentry_pseudonymiser_arrow_array(
            f.ps,
            field.as_ptr(),
            field.len(),
            false,
            "fail".as_ptr(),
            4,
            &mut a,
            &mut s,
            null_mut(),
            &mut os,
            f.err,
        );
        assert_eq!(r, consentry_result::NullArgument);
        assert!(a.is_released() && s.release().is_none());
    }
}

#[test]
fn arrow_batch_through_the_c_data_interface_equals_the_rust_crate_in_every_mode() {
    let f = Fixture::new();
    let batch = RecordBatch::try_from_iter([
        ("pid", strings(&[Some("P1"), Some("P2"), None, Some("P4")])),
        (
            "aadhaar",
            strings(&[Some("234567890124"), Some("2345 6789 0123"), None, Some("")]),
        ),
        (
            "visit",
            strings(&[Some("2024-01-01"), None, Some("2024-02-02"), None]),
        ),
        (
            "gone",
            strings(&[Some("a"), Some("b"), Some("c"), Some("d")]),
        ),
        (
            "n",
            Arc::new(Int64Array::from(vec![1, 2, 3, 4])) as ArrayRef,
        ),
    ])
    .unwrap();
    for (name, mode) in [
        ("fail", OnError::Fail),
        ("skip-row", OnError::SkipRow),
        ("null-field", OnError::NullField),
    ] {
        let (r, out) = f.batch(false, name, &batch);
        match transform_batch(&f.rust, &batch, Direction::Forward, mode) {
            Ok(want) => {
                assert_eq!(r, consentry_result::Ok, "{name}");
                let out = out.unwrap();
                assert_eq!(out.columns().len(), want.columns().len());
                for (a, b) in out.columns().iter().zip(want.columns()) {
                    assert_eq!(a.to_data(), b.to_data(), "{name}");
                }
                assert!(out.schema().index_of("gone").is_err());
            }
            Err(e) => {
                assert_eq!(name, "fail");
                assert_eq!(r as u32, consentry::HasCode::code(&e).as_u32());
                let msg = f.message();
                assert!(
                    msg.contains("row index 1") && !msg.contains("0123"),
                    "{msg}"
                );
            }
        }
    }
    // Reverse restores `ff1`.
    let (_, out) = f.batch(false, "skip-row", &batch);
    let (r, back) = f.batch(true, "fail", &out.unwrap());
    assert_eq!(r, consentry_result::Ok);
    let back = back.unwrap();
    let aadhaar = back.column(back.schema().index_of("aadhaar").unwrap());
    let aadhaar = aadhaar.as_any().downcast_ref::<StringArray>().unwrap();
    assert_eq!(aadhaar.value(0), "234567890124");
}

#[test]
fn arrow_batch_refuses_a_column_array() {
    let f = Fixture::new();
    let input = strings(&[Some("x")]);
    let (mut a, mut s) = to_ffi(&input.to_data()).unwrap();
    let (mut oa, mut os) = (FFI_ArrowArray::empty(), FFI_ArrowSchema::empty());
    // SAFETY: every structure is a live local.
    let r = unsafe {
        consentry_pseudonymiser_arrow_batch(
            f.ps,
            false,
            "fail".as_ptr(),
            4,
            &mut a,
            &mut s,
            &mut oa,
            &mut os,
            f.err,
        )
    };
    assert_eq!(r, consentry_result::ArrowInvalid);
    assert!(a.is_released() && oa.is_released());
}
