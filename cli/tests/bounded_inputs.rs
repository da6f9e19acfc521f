//! Red-team fixes for file inputs through the binary: every file argument is read with a size
//! cap (`input_too_large`), the `<in>.kcv` side file must be a small regular file (a FIFO or a
//! device is refused at once), and a closed or broken stderr never makes the CLI panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::*;
use consentry_testkit::faces::STATUS_URI as URI;

const CLAIMS: &str = r#"{"iss":"cm.example","sub":"pp-1","aud":["tn.health"],"exp":1900000000,
 "status":{"status_list":{"idx":1,"uri":"https://cm.example/status/1"}},
 "consent":{"v":1,"basis":"consent","notice":{"id":"n1","sha256":"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s","lang":"ta-IN"},
 "purposes":[{"purpose":"aa:101","fields":["/name"],"mode":"view","data_life":3600}]}}"#;

/// A key, its trust file, a list, an artefact `a.txt`, a master key, a policy, and `zero.json`
/// (and `zero.cwt`) symlinked to `/dev/zero`.
fn setup(name: &str) -> PathBuf {
    let d = tmp(&format!("bi-{name}"));
    key_and_trust(&d, "a.pem", &[]);
    ok(
        &[
            "status", "new", "--key", "a.pem", "--size", "16", "--uri", URI, "--out", "l.cwt",
            "--now", T0,
        ],
        &d,
    );
    issue_into(&d, "a.pem", CLAIMS, "a.txt");
    ok(&["key", "master", "--out", "m.key"], &d);
    std::fs::write(
        d.join("p.json"),
        r#"{"domain":"tn.health/research","unlisted":"keep","fields":{
            "aadhaar":{"type":"aadhaar","transform":"ff1"}}}"#,
    )
    .unwrap();
    std::fs::write(d.join("in.csv"), "aadhaar,ward\n234567890124,7\n").unwrap();
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.json")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.cwt")).unwrap();
    d
}

// ---- item 4: every file argument is capped ----

#[test]
fn file_arguments_naming_dev_zero_are_refused_with_input_too_large() {
    let d = setup("zero");
    let decide = [&REQUEST[..], &["--now", T0]].concat();
    let cases: Vec<Vec<&str>> = vec![
        vec![
            "verify",
            "--trust",
            "zero.json",
            "--aud",
            "tn.health",
            "--now",
            T0,
            "a.txt",
        ],
        vec![
            "verify",
            "--trust",
            "trust.json",
            "--aud",
            "tn.health",
            "--status-list",
            "zero.cwt",
            "--now",
            T0,
            "a.txt",
        ],
        [
            &["decide", "--trust", "trust.json", "--taxonomy", "zero.json"][..],
            &decide,
            &["a.txt"],
        ]
        .concat(),
        [
            &[
                "decide",
                "--trust",
                "trust.json",
                "--status-list",
                "zero.cwt",
            ][..],
            &decide,
            &["a.txt"],
        ]
        .concat(),
        vec![
            "pseudonymise",
            "--policy",
            "zero.json",
            "--key",
            "m.key",
            "--in",
            "in.csv",
            "--out",
            "o.csv",
        ],
        vec![
            "filter",
            "--decision",
            "zero.json",
            "--in",
            "in.csv",
            "--out",
            "f.jsonl",
        ],
        vec![
            "issue",
            "--key",
            "a.pem",
            "--claims",
            "zero.json",
            "--now",
            T0,
        ],
        vec!["status", "get", "--list", "zero.cwt", "--idx", "1"],
        vec!["status", "verify", "--trust", "trust.json", "zero.cwt"],
    ];
    for args in &cases {
        let o = run(args, &d);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(err_code(&o), "input_too_large", "{args:?}");
    }
}

#[test]
fn withdraw_and_status_set_refuse_a_device_or_an_oversize_list() {
    let d = setup("list");
    let withdraw = |list: &str| {
        run(
            &[
                "withdraw", "a.txt", "--list", list, "--key", "a.pem", "--ledger", "w.ledger",
                "--now", T0,
            ],
            &d,
        )
    };
    // The device itself: not a regular file.
    let o = withdraw("/dev/zero");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), "cli_not_a_file");
    // A symlink to it: refused as a symlink.
    let o = withdraw("zero.cwt");
    assert_eq!(err_code(&o), "status_list_symlink");
    // A regular (sparse) file over the core's 4 MiB cap on a signed list.
    let big = std::fs::File::create(d.join("big.cwt")).unwrap();
    big.set_len(5 << 20).unwrap();
    let o = withdraw("big.cwt");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), "input_too_large");
    let o = run(
        &[
            "status", "set", "--list", "big.cwt", "--key", "a.pem", "--idx", "1", "--value",
            "invalid", "--now", T0,
        ],
        &d,
    );
    assert_eq!(err_code(&o), "input_too_large");
    assert!(!d.join("w.ledger").exists(), "nothing recorded");
}

fn pseudonymised(name: &str) -> PathBuf {
    let d = setup(name);
    ok(
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
    assert!(d.join("out.csv.kcv").is_file());
    d
}

fn reverse(d: &Path) -> Output {
    run(
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
        d,
    )
}

#[test]
fn reverse_refuses_a_fifo_device_or_oversize_key_check_file_at_once() {
    let d = pseudonymised("kcv");
    let kcv = d.join("out.csv.kcv");
    // A FIFO with no writer: refused at once, never waited on.
    std::fs::remove_file(&kcv).unwrap();
    assert!(Command::new("mkfifo").arg(&kcv).status().unwrap().success());
    let o = reverse(&d);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), "cli_not_a_file");
    // A symlink to /dev/zero: not followed.
    std::fs::remove_file(&kcv).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &kcv).unwrap();
    let o = reverse(&d);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), "cli_not_a_file");
    // A regular file over 4 KiB.
    std::fs::remove_file(&kcv).unwrap();
    std::fs::write(&kcv, vec![b' '; 5000]).unwrap();
    let o = reverse(&d);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(err_code(&o), "input_too_large");
    assert!(!d.join("back.csv").exists(), "nothing reversed");
}

// ---- item 5: a closed or broken stderr ----

#[test]
fn errors_on_a_broken_or_closed_stderr_exit_with_their_status_not_a_panic() {
    let d = setup("stderr");
    // stderr is a pipe whose reader is gone before the child starts: every write is EPIPE.
    for (args, want) in [
        (
            vec!["verify", "--trust", "missing.json", "--aud", "x", "a.txt"],
            2,
        ),
        (
            vec!["verify", "--trust", "trust.json", "not-an-artefact"],
            2,
        ),
        (vec!["status", "get", "--list", "l.cwt", "--idx", "1"], 0),
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let status = Command::new(BIN)
            .args(&args)
            .current_dir(&d)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(writer)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(want), "{args:?}");
    }
    // stderr closed outright.
    let o = Command::new("sh")
        .args([
            "-c",
            &format!("'{BIN}' verify --trust missing.json --aud x a.txt 2>&-"),
        ])
        .current_dir(&d)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
