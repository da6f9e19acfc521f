//! A 16,384-column CSV through `consentry_csv_plan_*`: the header is planned once and every row
//! reuses the plan (before, each row re-planned the header, quadratically in the columns); the
//! cells land where they belong, forward and reversed, and a near-miss column is refused.
#![allow(unsafe_code)] // calls the C ABI; each block has a `// SAFETY:` comment
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use consentry_ffi::*;
use std::ptr::{null, null_mut};

const COLS: usize = 16_384;
const POLICY: &str = r#"{"domain": "wide", "unlisted": "keep", "fields": {
    "c7": {"type": "aadhaar", "transform": "ff1"},
    "c16383": {"type": "mobile", "transform": "token"},
    "c3": {"type": "text", "transform": "drop"}}}"#;

/// Calls a `(…, out, cap, &len, err)` function with a buffer large enough for any line here.
fn line_out(f: impl FnOnce(*mut u8, usize, *mut usize) -> consentry_result) -> String {
    let mut buf = vec![0u8; COLS * 32];
    let mut n = 0usize;
    assert_eq!(f(buf.as_mut_ptr(), buf.len(), &mut n), consentry_result::Ok);
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

#[test]
fn a_16k_column_csv_is_planned_once_and_transformed_correctly_through_the_c_abi() {
    let mut err = null_mut();
    let mut ps = null();
    let (mut plan, mut rev) = (null(), null());
    let header: Vec<String> = (0..COLS).map(|i| format!("c{i}")).collect();
    let header = header.join(",") + "\n";
    // SAFETY: out-pointers are valid locals; inputs are live buffers with their lengths.
    unsafe {
        assert_eq!(consentry_error_new(&mut err), consentry_result::Ok);
        let r = consentry_pseudonymiser_new(
            POLICY.as_ptr(),
            POLICY.len(),
            b"a master key for the wide csv!!!".as_ptr(),
            32,
            &mut ps,
            err,
        );
        assert_eq!(r, consentry_result::Ok);
        let r = consentry_csv_plan_new(ps, header.as_ptr(), header.len(), false, &mut plan, err);
        assert_eq!(r, consentry_result::Ok);
    }
    // SAFETY: `plan` and `err` are live; the buffer is `line_out`'s.
    let out_header = line_out(|o, c, n| unsafe { consentry_csv_plan_header(plan, o, c, n, err) });
    assert_eq!(out_header.trim_end().split(',').count(), COLS - 1);
    assert!(!out_header.split(',').any(|c| c == "c3"));
    // SAFETY: as above.
    let r = unsafe {
        consentry_csv_plan_new(
            ps,
            out_header.as_ptr(),
            out_header.len(),
            true,
            &mut rev,
            err,
        )
    };
    assert_eq!(r, consentry_result::Ok);
    for r in 0..10 {
        let row: Vec<String> = (0..COLS)
            .map(|i| match i {
                7 => "234567890124".to_owned(),
                16_383 => format!("98765{r:05}"),
                _ => format!("r{r}c{i}"),
            })
            .collect();
        let line = row.join(",") + "\n";
        // SAFETY: `plan`, `err` and `line` are live.
        let out = line_out(|o, c, n| unsafe {
            consentry_csv_plan_row(plan, line.as_ptr(), line.len(), o, c, n, err)
        });
        let cells: Vec<&str> = out.trim_end().split(',').collect();
        assert_eq!(cells.len(), COLS - 1);
        assert_eq!(cells[3], format!("r{r}c4"));
        assert_ne!(cells[6], "234567890124");
        assert!(cells[COLS - 2].starts_with("t1."));
        // SAFETY: `rev`, `err` and `out` are live.
        let back = line_out(|o, c, n| unsafe {
            consentry_csv_plan_row(rev, out.as_ptr(), out.len(), o, c, n, err)
        });
        let cells: Vec<&str> = back.trim_end().split(',').collect();
        assert_eq!(cells[6], "234567890124");
        assert_eq!(cells[COLS - 2], format!("+9198765{r:05}"));
    }
    // A column that only looks like a policy key is refused (its values would pass untouched).
    let near = "C7,ward\n";
    let mut bad = null();
    // SAFETY: as above.
    let r = unsafe { consentry_csv_plan_new(ps, near.as_ptr(), near.len(), false, &mut bad, err) };
    assert_eq!(r, consentry_result::PseudoColumnNearMiss);
    assert!(bad.is_null());
    // SAFETY: each handle is live and freed once.
    unsafe {
        consentry_csv_plan_free(rev);
        consentry_csv_plan_free(plan);
        consentry_pseudonymiser_free(ps);
        consentry_error_free(err);
    }
}
