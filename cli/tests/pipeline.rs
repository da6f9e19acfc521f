//! The pipeline under `pseudonymise` and `verify --batch` (a reader thread, N workers, an
//! ordered writer): the same bytes, reports, exit codes and all-or-nothing output whatever
//! the number of threads, across chunk boundaries (8192 rows, 1024 batch lines).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::*;

const POLICY: &str = r#"{"domain":"tn.health/research","unlisted":"keep","fields":{
    "aadhaar":{"type":"aadhaar","transform":"ff1"},
    "name":{"type":"name","transform":"pseudonym"},
    "mobile":{"type":"mobile","transform":"token"},
    "dob":{"type":"date","transform":"generalise","params":{"to":"year"}}}}"#;

/// Fails Verhoeff: an invalid `aadhaar` value, never to be printed.
const SECRET: &str = "234567890123";

fn dir(name: &str) -> PathBuf {
    let d = tmp(&format!("pipeline-{name}"));
    ok(&["key", "master", "--out", "m.key"], &d);
    std::fs::write(d.join("p.json"), POLICY).unwrap();
    d
}

/// Synthetic Aadhaar numbers (Verhoeff-valid, never real people's).
fn aadhaar(i: u64) -> String {
    let first = format!("{:011}", 23_456_789_012u64 + i * 7919);
    format!(
        "{first}{}",
        consentry::ids::verhoeff_check_digit(&first).unwrap()
    )
}

/// `rows` CSV rows; every 97th name holds a quoted line break and comma, and `bad` rows
/// (1-based) hold an invalid Aadhaar number.
fn csv_rows(rows: u64, bad: &[u64]) -> String {
    let mut csv = String::from("name,aadhaar,mobile,dob,ward\n");
    for i in 1..=rows {
        let name = if i % 97 == 0 {
            format!("\"Person {i}\nof Ward, {}\"", i % 7)
        } else {
            format!("Person {i}")
        };
        let id = if bad.contains(&i) {
            SECRET.to_owned()
        } else {
            aadhaar(i)
        };
        csv.push_str(&format!(
            "{name},{id},98765{:05},1990-01-{:02},{i}\n",
            i % 100_000,
            i % 28 + 1
        ));
    }
    csv
}

fn pseudonymise(d: &Path, input: &str, out: &str, extra: &[&str]) -> Output {
    let args = [
        &[
            "pseudonymise",
            "--policy",
            "p.json",
            "--key",
            "m.key",
            "--in",
            input,
            "--out",
            out,
        ][..],
        extra,
    ]
    .concat();
    run(&args, d)
}

/// Standard error without the summary's timing, thread count and output name.
fn reports(o: &Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr);
    err.lines()
        .map(|l| {
            let l = l.split(" -> ").next().unwrap_or(l);
            match (l.find(" in "), l.find("): ")) {
                (Some(a), Some(b)) if a < b => format!("{}{}", &l[..a], &l[b + 1..]),
                _ => l.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn pseudonymise_csv_with_quoted_line_breaks_is_identical_on_1_2_and_5_threads() {
    let d = dir("csv-threads");
    std::fs::write(d.join("in.csv"), csv_rows(20_000, &[5, 9_000, 17_000])).unwrap();
    let one = pseudonymise(
        &d,
        "in.csv",
        "out.csv",
        &["--threads", "1", "--on-error", "skip-row"],
    );
    assert_eq!(one.status.code(), Some(1), "{}", reports(&one));
    let out = std::fs::read(d.join("out.csv")).unwrap();
    for threads in ["2", "5"] {
        let o = pseudonymise(
            &d,
            "in.csv",
            "out.csv",
            &["--threads", threads, "--on-error", "skip-row"],
        );
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(
            std::fs::read(d.join("out.csv")).unwrap(),
            out,
            "{threads} threads"
        );
        assert_eq!(reports(&o), reports(&one), "{threads} threads");
        assert!(String::from_utf8_lossy(&o.stderr).contains(&format!("{threads} thread(s)")));
    }
    // Every record in input order, quoted line breaks inside their field, the bad rows left out.
    let mut rd = csv::Reader::from_reader(out.as_slice());
    let wards: Vec<u64> = rd
        .records()
        .map(|r| r.unwrap()[4].parse().unwrap())
        .collect();
    let want: Vec<u64> = (1..=20_000)
        .filter(|i| ![5, 9_000, 17_000].contains(i))
        .collect();
    assert_eq!(wards, want);
    let err = reports(&one);
    let rows: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("pseudo_invalid_value"))
        .collect();
    assert_eq!(rows.len(), 3, "{err}");
    assert!(
        rows[0].contains("\"row\":5") && rows[2].contains("\"row\":17000"),
        "{err}"
    );
    assert!(!err.contains(SECRET));
}

#[test]
fn pseudonymise_a_bad_row_in_a_late_chunk_leaves_no_output_on_4_threads() {
    let d = dir("late-fail");
    std::fs::write(d.join("in.csv"), csv_rows(20_000, &[17_000])).unwrap();
    let o = pseudonymise(&d, "in.csv", "out.csv", &["--threads", "4"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr_json(&o);
    assert_eq!(e["code"], "pseudo_invalid_value");
    let message = e["message"].as_str().unwrap();
    assert!(message.contains("row 17000, column `aadhaar`"), "{message}");
    assert!(!String::from_utf8_lossy(&o.stderr).contains(SECRET));
    assert!(!d.join("out.csv").exists(), "no partial output");
    assert!(!d.join("out.csv.kcv").exists(), "no key check file either");
    let left: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 3, "no temporary file left: {left:?}");
}

#[test]
fn pseudonymise_malformed_csv_in_a_later_chunk_reports_the_earlier_rows_then_fails() {
    let d = dir("late-csv");
    // Row 3 (chunk 1) and row 9000 (chunk 2) are invalid; record 12000 (chunk 2) has two
    // fields. Chunk 1 is settled (its rejection reported); chunk 2 is never transformed: the
    // malformed record ends the input at its chunk, as a serial read would.
    let mut csv = csv_rows(20_000, &[3, 9_000]);
    let mut lines: Vec<String> = Vec::new();
    let mut record = 0;
    for l in csv.lines() {
        lines.push(l.to_owned());
        if !l.starts_with("\"Person") && !l.starts_with("of Ward") || l.starts_with("of Ward") {
            record += 1;
        }
        if record == 12_000 {
            lines.push("a,b".to_owned());
            record += 1;
        }
    }
    csv = lines.join("\n") + "\n";
    std::fs::write(d.join("in.csv"), csv).unwrap();
    for threads in ["1", "3"] {
        let o = pseudonymise(
            &d,
            "in.csv",
            "out.csv",
            &["--threads", threads, "--on-error", "skip-row"],
        );
        assert_eq!(o.status.code(), Some(2), "{}", reports(&o));
        assert_eq!(stderr_json(&o)["code"], "cli_csv");
        let err = reports(&o);
        assert!(err.contains("\"row\":3"), "{err}");
        assert!(!err.contains("\"row\":9000"), "{err}");
        assert!(!d.join("out.csv").exists());
    }
}

fn jsonl_rows(rows: u64, bad: &[u64]) -> String {
    let mut s = String::new();
    for i in 1..=rows {
        if i % 1000 == 0 {
            s.push('\n'); // blank lines are skipped but counted
        }
        let id = if bad.contains(&i) {
            SECRET.to_owned()
        } else {
            aadhaar(i)
        };
        s.push_str(
            &serde_json::json!({"name": format!("Person {i}"), "aadhaar": id,
                "mobile": format!("98765{:05}", i % 100_000), "ward": i})
            .to_string(),
        );
        s.push('\n');
    }
    s
}

#[test]
fn pseudonymise_jsonl_null_field_is_identical_on_1_and_4_threads() {
    let d = dir("jsonl-threads");
    std::fs::write(d.join("in.jsonl"), jsonl_rows(20_000, &[2, 8_500, 19_999])).unwrap();
    let one = pseudonymise(
        &d,
        "in.jsonl",
        "one.jsonl",
        &["--threads", "1", "--on-error", "null-field"],
    );
    assert_eq!(one.status.code(), Some(1));
    let four = pseudonymise(
        &d,
        "in.jsonl",
        "four.jsonl",
        &["--threads", "4", "--on-error", "null-field"],
    );
    assert_eq!(four.status.code(), Some(1));
    let out = std::fs::read_to_string(d.join("one.jsonl")).unwrap();
    assert_eq!(std::fs::read_to_string(d.join("four.jsonl")).unwrap(), out);
    assert_eq!(reports(&four), reports(&one));
    let wards: Vec<u64> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["ward"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(wards, (1..=20_000).collect::<Vec<_>>());
    assert!(reports(&one).contains("20000 row(s)"));
    assert!(!out.contains(SECRET) && !reports(&one).contains(SECRET));
}

#[test]
fn pseudonymise_jsonl_not_json_in_a_later_chunk_fails_after_the_earlier_reports() {
    let d = dir("jsonl-late");
    let mut text = jsonl_rows(20_000, &[10, 15_000]);
    text.push_str("{not json\n");
    text.push_str(&jsonl_rows(10, &[]));
    std::fs::write(d.join("in.jsonl"), text).unwrap();
    for threads in ["1", "3"] {
        let o = pseudonymise(
            &d,
            "in.jsonl",
            "out.jsonl",
            &["--threads", threads, "--on-error", "skip-row"],
        );
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(stderr_json(&o)["code"], "record_json");
        let err = reports(&o);
        let at10 = err
            .find("\"row\":10,")
            .or_else(|| err.find("\"row\":10}"))
            .unwrap();
        let at15000 = err.find("\"row\":15015").unwrap();
        assert!(at10 < at15000, "reports in input order: {err}");
        assert!(!d.join("out.jsonl").exists());
    }
}

const CLAIMS: &str = r#"{"iss":"cm.example","sub":"pp-123","aud":["tn.health","tn.research"],"exp":1900000000,
 "consent":{"v":1,"basis":"consent","notice":{"id":"n1","sha256":"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s","lang":"ta-IN"},
 "purposes":[{"purpose":"aa:101","fields":["/name"],"mode":"view"}]}}"#;

fn verify_batch(d: &Path, threads: &str) -> Output {
    run(
        &[
            "verify",
            "--trust",
            "trust.json",
            "--aud",
            "tn.health",
            "--now",
            NOW,
            "--batch",
            "batch.txt",
            "--threads",
            threads,
        ],
        d,
    )
}

#[test]
fn verify_batch_on_1_and_3_threads_prints_the_same_results_in_order() {
    let d = tmp("pipeline-verify");
    key_and_trust(&d, "k.pem", &[]);
    let art = issue_into(&d, "k.pem", CLAIMS, "a.txt");
    let mut lines = Vec::new();
    for i in 0..10_000 {
        lines.push(match i % 997 {
            3 => "not an artefact".to_owned(),
            500 => String::new(),
            _ => art.clone(),
        });
    }
    // Blank lines at the end are counted too.
    std::fs::write(d.join("batch.txt"), lines.join("\n") + "\n\n\n").unwrap();
    let one = verify_batch(&d, "1");
    let three = verify_batch(&d, "3");
    assert_eq!(one.status.code(), Some(1));
    assert_eq!(three.status.code(), Some(1));
    assert_eq!(one.stdout, three.stdout);
    let mut prev = 0;
    for l in String::from_utf8(three.stdout).unwrap().lines() {
        let r: serde_json::Value = serde_json::from_str(l).unwrap();
        let line = r["line"].as_u64().unwrap();
        assert!(line > prev, "results in input order");
        prev = line;
    }
    let err = String::from_utf8(three.stderr).unwrap();
    assert!(
        err.contains("on 3 thread(s): 9979 valid, 11 rejected, 12 blank line(s) skipped"),
        "{err}"
    );
}

#[test]
fn verify_threads_without_batch_is_a_usage_error() {
    let d = tmp("pipeline-verify-usage");
    let o = run(
        &[
            "verify",
            "--trust",
            "t.json",
            "--aud",
            "x",
            "--threads",
            "2",
            "art",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr_json(&o)["code"], "cli_usage");
}
