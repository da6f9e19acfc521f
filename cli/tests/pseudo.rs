//! `consentry key master`, `pseudonymise`, `detect`, `redact`, and `filter --policy`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_consentry"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn run_stdin(args: &[&str], dir: &Path, input: &str) -> Output {
    use std::io::Write as _;
    let mut c = Command::new(env!("CARGO_BIN_EXE_consentry"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    c.wait_with_output().unwrap()
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("consentry-pseudo-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    assert!(run(&["key", "master", "--out", "m.key"], &d)
        .status
        .success());
    std::fs::write(
        d.join("p.json"),
        r#"{"domain":"tn.health/research","unlisted":"keep","fields":{
            "aadhaar":{"type":"aadhaar","transform":"ff1"},
            "name":{"type":"name","transform":"pseudonym"},
            "mobile":{"type":"mobile","transform":"token"},
            "dob":{"type":"date","transform":"generalise","params":{"to":"year"}}}}"#,
    )
    .unwrap();
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

const SECRET: &str = "234567890123"; // fails Verhoeff

#[test]
fn master_key_is_private_hex() {
    let d = dir("key");
    let text = std::fs::read_to_string(d.join("m.key")).unwrap();
    assert_eq!(text.trim().len(), 64);
    assert!(text.trim().chars().all(|c| c.is_ascii_hexdigit()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(d.join("m.key"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }
    assert_eq!(
        run(&["key", "master", "--out", "m.key"], &d).status.code(),
        Some(2)
    );
}

#[test]
fn csv_round_trip_in_order_across_chunks() {
    let d = dir("csv");
    let mut csv = String::from("name,aadhaar,mobile,dob,ward\n");
    for i in 0..20_000u64 {
        csv.push_str(&format!(
            "Person {i},{},98765{:05},1990-01-{:02},{}\n",
            aadhaar(i),
            i,
            i % 28 + 1,
            i % 7
        ));
    }
    std::fs::write(d.join("in.csv"), &csv).unwrap();
    let o = run(
        &[
            "pseudonymise",
            "--policy",
            "p.json",
            "--key",
            "m.key",
            "--in",
            "in.csv",
            "--out",
            "out.csv",
        ],
        &d,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("20000 row(s)") && err.contains("80000 field value(s) transformed"),
        "{err}"
    );
    let out = std::fs::read_to_string(d.join("out.csv")).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 20_001);
    assert_eq!(lines[0], "name,aadhaar,mobile,dob,ward");
    for (i, l) in lines[1..].iter().enumerate() {
        let cols: Vec<&str> = l.split(',').collect();
        assert_eq!(cols[4], (i % 7).to_string(), "row order kept");
        assert_eq!(cols[3], "1990");
        assert_eq!(cols[0].len(), 26);
        assert!(
            !consentry::ids::verhoeff_valid(cols[1]),
            "an ff1 aadhaar token never validates"
        );
        assert!(cols[2].starts_with("t1."));
    }
    // One core gives the same bytes.
    let o = run(
        &[
            "pseudonymise",
            "--policy",
            "p.json",
            "--key",
            "m.key",
            "--in",
            "in.csv",
            "--out",
            "one.csv",
            "--threads",
            "1",
        ],
        &d,
    );
    assert!(o.status.success());
    assert_eq!(std::fs::read_to_string(d.join("one.csv")).unwrap(), out);
    // Reverse restores the reversible columns.
    let o = run(
        &[
            "pseudonymise",
            "--policy",
            "p.json",
            "--key",
            "m.key",
            "--in",
            "out.csv",
            "--out",
            "back.csv",
            "--reverse",
        ],
        &d,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let back = std::fs::read_to_string(d.join("back.csv")).unwrap();
    for (i, l) in back.lines().skip(1).enumerate() {
        let cols: Vec<&str> = l.split(',').collect();
        assert_eq!(cols[1], aadhaar(i as u64));
        assert_eq!(cols[2], format!("+9198765{i:05}"));
    }
}

#[test]
fn invalid_values_follow_on_error_and_are_never_printed() {
    let d = dir("errors");
    let csv = format!(
        "name,aadhaar\nA,{}\nB,{SECRET}\nC,{}\n",
        aadhaar(1),
        aadhaar(2)
    );
    std::fs::write(d.join("in.csv"), csv).unwrap();
    let base = [
        "pseudonymise",
        "--policy",
        "p.json",
        "--key",
        "m.key",
        "--in",
        "in.csv",
        "--out",
        "out.csv",
    ];
    let o = run(&base, &d);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("row 2")
            && err.contains("column `aadhaar`")
            && err.contains("pseudo_invalid_value"),
        "{err}"
    );
    assert!(!err.contains(SECRET), "the value is never printed");
    assert!(!d.join("out.csv").exists(), "no partial output");
    assert!(std::fs::read_dir(&d).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .contains("partial")));

    let o = run(&[&base[..], &["--on-error", "skip-row"]].concat(), &d);
    assert_eq!(o.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&o.stderr).contains(SECRET));
    let out = std::fs::read_to_string(d.join("out.csv")).unwrap();
    assert_eq!(out.lines().count(), 3);
    assert!(
        !out.contains(SECRET) && !out.contains("\nB,") && out.lines().nth(1).unwrap().len() > 26
    );

    let o = run(&[&base[..], &["--on-error", "null-field"]].concat(), &d);
    assert_eq!(o.status.code(), Some(1));
    let out = std::fs::read_to_string(d.join("out.csv")).unwrap();
    assert_eq!(out.lines().count(), 4);
    assert!(
        out.lines().nth(2).unwrap().ends_with(','),
        "the bad cell is emptied: {out}"
    );
    assert!(!out.contains(SECRET));
}

#[test]
fn a_policy_naming_no_column_is_refused() {
    let d = dir("nocol");
    std::fs::write(d.join("sel.json"), r#"{"domain":"d","unlisted":"drop","fields":{"/name":{"type":"name","transform":"pseudonym"}}}"#).unwrap();
    std::fs::write(d.join("in.csv"), "name\nA\n").unwrap();
    let o = run(
        &[
            "pseudonymise",
            "--policy",
            "sel.json",
            "--key",
            "m.key",
            "--in",
            "in.csv",
            "--out",
            "o.csv",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no column"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!d.join("o.csv").exists());
}

#[test]
fn jsonl_records_with_nested_selectors() {
    let d = dir("jsonl");
    std::fs::write(
        d.join("p2.json"),
        r#"{"domain":"d-2026","unlisted":"drop","fields":{
            "/members/*/aadhaar":{"type":"aadhaar","transform":"pseudonym"},
            "/head/name":{"type":"name","transform":"pseudonym"}}}"#,
    )
    .unwrap();
    let rec = |a: &str| {
        format!(
            r#"{{"head":{{"name":"Ravi","age":40}},"members":[{{"aadhaar":"{a}","rel":"son"}},{{"aadhaar":"{}"}}]}}"#,
            aadhaar(9)
        )
    };
    std::fs::write(
        d.join("in.jsonl"),
        format!("{}\n\n{}\n", rec(&aadhaar(3)), rec(SECRET)),
    )
    .unwrap();
    let base = [
        "pseudonymise",
        "--policy",
        "p2.json",
        "--key",
        "m.key",
        "--in",
        "in.jsonl",
        "--out",
        "o.jsonl",
    ];
    let o = run(&[&base[..], &["--on-error", "null-field"]].concat(), &d);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out: Vec<serde_json::Value> = std::fs::read_to_string(d.join("o.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), 2);
    assert_eq!(
        out[0]["head"].as_object().unwrap().len(),
        1,
        "unlisted `age` dropped"
    );
    assert_eq!(out[0]["members"][0]["aadhaar"].as_str().unwrap().len(), 26);
    assert!(out[1]["members"][0]["aadhaar"].is_null(), "{}", out[1]);
    let text = std::fs::read_to_string(d.join("o.jsonl")).unwrap();
    assert!(!text.contains(SECRET) && !text.contains("Ravi"));
}

#[test]
fn detect_and_redact_free_text() {
    let d = dir("text");
    let text = format!(
        "aadhaar {} (and a typo {SECRET}), pan ABCPE1234F, mobile +91 98765 43210.",
        aadhaar(5)
    );
    let o = run_stdin(&["detect"], &d, &text);
    let spans: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let types: Vec<&str> = spans.iter().map(|s| s["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["aadhaar", "pan", "mobile"],
        "the bad checksum is not reported"
    );
    let o = run_stdin(&["redact"], &d, &text);
    let red = String::from_utf8(o.stdout).unwrap();
    assert_eq!(
        red,
        format!("aadhaar [aadhaar] (and a typo {SECRET}), pan [pan], mobile [mobile].")
    );
    let o = run_stdin(&["redact", "--mask"], &d, &text);
    assert!(String::from_utf8(o.stdout).unwrap().contains("XXXX XXXX"));
}

#[test]
fn filter_applies_the_permits_transforms_through_the_policy() {
    let d = dir("filter");
    std::fs::write(d.join("permit.json"), r#"{"allowed":true,"fields":["/name","/dob"],"transforms":{"/name":"pseudonym"},"eraseBy":4000000000}"#).unwrap();
    std::fs::write(
        d.join("in.jsonl"),
        "{\"name\":\"Meena\",\"dob\":\"1988-04-12\",\"aadhaar\":\"x\"}\n",
    )
    .unwrap();
    let o = run(
        &[
            "filter",
            "--decision",
            "permit.json",
            "--in",
            "in.jsonl",
            "--out",
            "o.jsonl",
            "--policy",
            "p.json",
            "--key",
            "m.key",
        ],
        &d,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(d.join("o.jsonl")).unwrap().trim()).unwrap();
    assert_eq!(v.as_object().unwrap().len(), 2);
    assert_eq!(v["dob"], "1988-04-12", "no transform required: kept as is");
    assert_eq!(v["name"].as_str().unwrap().len(), 26);
    // A permit requiring a transform the policy applies differently is refused.
    std::fs::write(
        d.join("t.json"),
        r#"{"allowed":true,"fields":["/name"],"transforms":{"/name":"token"},"eraseBy":4000000000}"#,
    )
    .unwrap();
    let o = run(
        &[
            "filter",
            "--decision",
            "t.json",
            "--in",
            "in.jsonl",
            "--out",
            "t.jsonl",
            "--policy",
            "p.json",
            "--key",
            "m.key",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("transform_failed"));
    assert!(!d.join("t.jsonl").exists());
}
