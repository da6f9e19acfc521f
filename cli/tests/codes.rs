//! Every code the CLI prints is a `consentry::Code`: its error type carries a `Code` (so a code
//! cannot be a made-up string), no source file spells a code or warning as a string literal, and
//! the command-line-only codes (2200-2249) come out where they are documented, with their exit
//! statuses unchanged.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use consentry::Code;

mod common;
use common::*;

/// Ways a code could be spelled as a string in the CLI's source instead of coming from `Code`.
const STRINGLY: &[&str] = &[
    "code: \"",
    "\"code\": \"",
    "\"code\":\"",
    "\"warning\": \"",
    "\"warning\":\"",
    "code == \"",
    "code != \"",
];

#[test]
fn cli_source_spells_no_code_as_a_string() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code_part = line.split("//").next().unwrap_or_default();
            for pat in STRINGLY {
                if code_part.contains(pat) {
                    found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        files >= 5,
        "read only {files} source files in {}",
        src.display()
    );
    assert!(
        found.is_empty(),
        "codes spelled as strings (use a `consentry::Code`):\n{}",
        found.join("\n")
    );
    // The error type itself carries a `Code`, not a `String`.
    let util = std::fs::read_to_string(src.join("util.rs")).unwrap();
    assert!(
        util.contains("pub(crate) code: Code,"),
        "CliError.code is not a Code"
    );
}

#[test]
fn command_line_codes_are_codes_in_2200_to_2249() {
    for (name, n) in [
        ("cli_usage", 2200),
        ("cli_io", 2201),
        ("cli_not_a_file", 2202),
        ("cli_csv", 2204),
        ("record_json", 2205),
        ("decision_denied", 2206),
        ("cli_no_status_claim", 2207),
        ("cli_wrong_list", 2208),
        ("key_file_permissions", 2209),
    ] {
        let code = Code::from_name(name).unwrap_or_else(|| panic!("`{name}` is not a Code"));
        assert_eq!(code.as_u32(), n, "{name}");
    }
}

fn master_dir(name: &str) -> std::path::PathBuf {
    let d = tmp(name);
    assert!(run(&["key", "master", "--out", "m.key"], &d)
        .status
        .success());
    std::fs::write(
        d.join("p.json"),
        r#"{"domain":"d","unlisted":"keep","fields":{"name":{"type":"name","transform":"pseudonym"}}}"#,
    )
    .unwrap();
    d
}

#[test]
fn csv_that_does_not_parse_is_cli_csv_exit_2_and_writes_nothing() {
    let d = master_dir("codes-csv");
    std::fs::write(d.join("short.csv"), "name,x\nA,1\nB\n").unwrap();
    std::fs::write(d.join("bytes.csv"), b"name,x\nA,\xff\n").unwrap();
    for input in ["short.csv", "bytes.csv"] {
        let o = run(
            &[
                "pseudonymise",
                "--policy",
                "p.json",
                "--key",
                "m.key",
                "--in",
                input,
                "--out",
                "out.csv",
            ],
            &d,
        );
        assert_eq!(o.status.code(), Some(2), "{input}");
        assert_eq!(err_code(&o), Code::CliCsv.as_str(), "{input}");
        assert!(!d.join("out.csv").exists(), "{input}");
    }
}

#[test]
fn json_line_that_does_not_parse_is_record_json_in_pseudonymise_and_filter() {
    let d = master_dir("codes-jsonl");
    std::fs::write(d.join("in.jsonl"), "{\"name\":\"A\"}\n{nope\n").unwrap();
    let o = run(
        &[
            "pseudonymise",
            "--policy",
            "p.json",
            "--key",
            "m.key",
            "--in",
            "in.jsonl",
            "--out",
            "out.jsonl",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), Code::RecordJson.as_str());
    assert!(stderr_json(&o)["message"]
        .as_str()
        .unwrap()
        .starts_with("line 2:"));
    assert!(!d.join("out.jsonl").exists());
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
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), Code::RecordJson.as_str());
    assert!(!d.join("f.jsonl").exists());
}

#[test]
fn withdraw_through_a_list_at_another_uri_is_cli_wrong_list_and_flips_nothing() {
    let d = tmp("codes-wrong-list");
    assert!(
        run(&["key", "new", "--alg", "ed25519", "--out", "k.pem"], &d)
            .status
            .success()
    );
    std::fs::write(
        d.join("c.json"),
        r#"{"iss":"cm.example","sub":"pp-123","aud":["tn.health"],"exp":1900000000,
 "status":{"status_list":{"idx":9,"uri":"https://cm.example/s/1"}},
 "consent":{"v":1,"basis":"consent","notice":{"id":"n1","sha256":"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s","lang":"ta-IN"},
 "purposes":[{"purpose":"aa:101","fields":["/name"],"mode":"view"}]}}"#,
    )
    .unwrap();
    let o = run(
        &[
            "issue",
            "--key",
            "k.pem",
            "--claims",
            "c.json",
            "--now",
            "1800000000",
        ],
        &d,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(d.join("a.txt"), &o.stdout).unwrap();
    let new_list = |uri: &str| {
        run(
            &[
                "status",
                "new",
                "--key",
                "k.pem",
                "--size",
                "64",
                "--uri",
                uri,
                "--out",
                "other.cwt",
                "--now",
                "1800000000",
            ],
            &d,
        )
    };
    assert!(new_list("https://cm.example/s/2").status.success());
    let before = std::fs::read(d.join("other.cwt")).unwrap();
    let o = run(
        &[
            "withdraw",
            "a.txt",
            "--list",
            "other.cwt",
            "--key",
            "k.pem",
            "--ledger",
            "c.ledger",
            "--now",
            "1800000100",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), Code::CliWrongList.as_str());
    assert_eq!(std::fs::read(d.join("other.cwt")).unwrap(), before);
}
