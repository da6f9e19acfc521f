//! Red-team fixes for the status list writers (`status set`, `withdraw`) through the binary:
//! concurrent writers lose no update, a re-signed list keeps its mode and a symlinked list is
//! refused, and a withdrawal is final.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;
use common::*;
use consentry_testkit::faces::STATUS_URI as URI;

fn claims(idx: u64) -> String {
    format!(
        r#"{{"iss":"cm.example","sub":"pp-{idx}","aud":["tn.health"],"exp":1900000000,
 "status":{{"status_list":{{"idx":{idx},"uri":"{URI}"}}}},
 "consent":{{"v":1,"basis":"consent","notice":{{"id":"n1","sha256":"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s","lang":"ta-IN"}},
 "purposes":[{{"purpose":"aa:101","fields":["/name"],"mode":"view","data_life":3600}}]}}}}"#
    )
}

/// A key `a.pem`, a list `l.cwt` of 64 entries at [`URI`], and `n` artefacts `a{i}.txt` at
/// index `i`.
fn setup(name: &str, n: u64) -> PathBuf {
    let d = tmp(name);
    ok(&["key", "new", "--out", "a.pem"], &d);
    ok(
        &[
            "status", "new", "--key", "a.pem", "--size", "64", "--uri", URI, "--out", "l.cwt",
            "--now", T0,
        ],
        &d,
    );
    for i in 0..n {
        issue_into(&d, "a.pem", &claims(i), &format!("a{i}.txt"));
    }
    d
}

fn get(d: &Path, list: &str, idx: u64) -> String {
    let o = ok(
        &["status", "get", "--list", list, "--idx", &idx.to_string()],
        d,
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["status"].as_str().unwrap().to_owned()
}

fn withdraw(d: &Path, i: u64, action: &str) -> Output {
    run(
        &[
            "withdraw",
            &format!("a{i}.txt"),
            "--list",
            "l.cwt",
            "--key",
            "a.pem",
            "--ledger",
            "w.ledger",
            "--action",
            action,
            "--now",
            NOW,
        ],
        d,
    )
}

fn set_cmd(list: &str, idx: u64, value: &str) -> Vec<String> {
    [
        "status",
        "set",
        "--list",
        list,
        "--key",
        "a.pem",
        "--idx",
        &idx.to_string(),
        "--value",
        value,
        "--now",
        NOW,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect()
}

/// Events recorded for the principals `pp-0` .. `pp-{n-1}`.
fn ledger_records(d: &Path, n: u64) -> usize {
    (0..n)
        .map(|i| {
            let sub = format!("pp-{i}");
            let o = ok(
                &["ledger", "export", "--ledger", "w.ledger", "--sub", &sub],
                d,
            );
            String::from_utf8(o.stdout).unwrap().lines().count()
        })
        .sum()
}

// ---- item 1: concurrent writers lose no revocation ----

#[test]
fn parallel_withdraws_on_one_list_revoke_every_index() {
    const N: u64 = 16;
    let d = setup("par-withdraw", N);
    let children: Vec<_> = (0..N)
        .map(|i| {
            Command::new(BIN)
                .args([
                    "withdraw",
                    &format!("a{i}.txt"),
                    "--list",
                    "l.cwt",
                    "--key",
                    "a.pem",
                    "--ledger",
                    "w.ledger",
                    "--now",
                    NOW,
                ])
                .current_dir(&d)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for i in 0..N {
        assert_eq!(get(&d, "l.cwt", i), "invalid", "index {i}");
    }
    assert_eq!(get(&d, "l.cwt", N), "valid");
    assert_eq!(ledger_records(&d, N), usize::try_from(N).unwrap());
}

#[test]
fn parallel_status_sets_on_one_list_keep_every_change() {
    const N: u64 = 16;
    let d = setup("par-set", 0);
    let children: Vec<_> = (0..N)
        .map(|i| {
            Command::new(BIN)
                .args(set_cmd("l.cwt", i, "suspended"))
                .current_dir(&d)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for i in 0..N {
        assert_eq!(get(&d, "l.cwt", i), "suspended", "index {i}");
    }
    // The lock file stays beside the list, private.
    let lock = std::fs::symlink_metadata(d.join("l.cwt.lock")).unwrap();
    assert!(lock.is_file());
    assert_eq!(lock.permissions().mode() & 0o777, 0o600);
}

// ---- item 2: re-signing keeps the mode, a symlinked list is refused ----

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Runs the binary with umask 000.
fn run_umask0(args: &[String], dir: &Path) -> Output {
    let mut script = format!("umask 000; exec '{BIN}'");
    for a in args {
        script.push_str(&format!(" '{a}'"));
    }
    Command::new("sh")
        .args(["-c", &script])
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn resigning_under_umask_000_keeps_the_list_mode() {
    let d = setup("mode", 2);
    std::fs::set_permissions(d.join("l.cwt"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = run_umask0(&set_cmd("l.cwt", 5, "suspended"), &d);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(mode(&d.join("l.cwt")), 0o644, "status set widened the mode");
    let args: Vec<String> = [
        "withdraw", "a1.txt", "--list", "l.cwt", "--key", "a.pem", "--ledger", "w.ledger", "--now",
        NOW,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let o = run_umask0(&args, &d);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(mode(&d.join("l.cwt")), 0o644, "withdraw widened the mode");
    // A stricter list stays strict.
    std::fs::set_permissions(d.join("l.cwt"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let o = run_umask0(&set_cmd("l.cwt", 6, "suspended"), &d);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(mode(&d.join("l.cwt")), 0o600);
    // A new list is never writable by group or others, whatever the umask.
    let args: Vec<String> = [
        "status", "new", "--key", "a.pem", "--size", "8", "--uri", URI, "--out", "n.cwt", "--now",
        T0,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let o = run_umask0(&args, &d);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        mode(&d.join("n.cwt")) & 0o022,
        0,
        "new list writable by others"
    );
}

#[test]
fn status_set_and_withdraw_refuse_a_symlinked_list() {
    let d = setup("symlink", 1);
    std::fs::create_dir(d.join("pub")).unwrap();
    std::fs::rename(d.join("l.cwt"), d.join("pub/real.cwt")).unwrap();
    std::os::unix::fs::symlink("pub/real.cwt", d.join("l.cwt")).unwrap();
    let before = std::fs::read(d.join("pub/real.cwt")).unwrap();
    let o = run(
        &set_cmd("l.cwt", 3, "invalid")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr_json(&o)["code"], "status_list_symlink");
    let o = withdraw(&d, 0, "withdraw");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr_json(&o)["code"], "status_list_symlink");
    assert!(!d.join("w.ledger").exists(), "nothing recorded");
    assert!(std::fs::symlink_metadata(d.join("l.cwt"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read(d.join("pub/real.cwt")).unwrap(), before);
    // A missing list leaves no lock file behind.
    let o = run(
        &set_cmd("gone.cwt", 3, "invalid")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!d.join("gone.cwt.lock").exists());
    // Naming the real file works.
    ok(
        &set_cmd("pub/real.cwt", 3, "invalid")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        &d,
    );
    assert_eq!(get(&d, "pub/real.cwt", 3), "invalid");
}

// ---- item 3: a withdrawal is final ----

#[test]
fn resume_and_status_set_valid_cannot_undo_a_withdrawal() {
    let d = setup("final", 2);
    ok(
        &[
            "withdraw", "a0.txt", "--list", "l.cwt", "--key", "a.pem", "--ledger", "w.ledger",
            "--now", NOW,
        ],
        &d,
    );
    let list_before = std::fs::read(d.join("l.cwt")).unwrap();
    let o = withdraw(&d, 0, "resume");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr_json(&o)["code"], "status_transition_refused");
    let o = withdraw(&d, 0, "suspend");
    assert_eq!(stderr_json(&o)["code"], "status_transition_refused");
    for value in ["valid", "suspended", "3"] {
        let o = run(
            &set_cmd("l.cwt", 0, value)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            &d,
        );
        assert_eq!(o.status.code(), Some(2), "{value}");
        assert_eq!(stderr_json(&o)["code"], "status_transition_refused");
    }
    assert_eq!(get(&d, "l.cwt", 0), "invalid");
    assert_eq!(std::fs::read(d.join("l.cwt")).unwrap(), list_before);
    assert_eq!(ledger_records(&d, 1), 1, "no resumed event recorded");
    // A suspension is lifted by resume.
    assert!(withdraw(&d, 1, "suspend").status.success());
    assert_eq!(get(&d, "l.cwt", 1), "suspended");
    assert!(withdraw(&d, 1, "resume").status.success());
    assert_eq!(get(&d, "l.cwt", 1), "valid");
    // Only the explicit flag reinstates a withdrawn entry.
    let mut args = set_cmd("l.cwt", 0, "valid");
    args.push("--force-unrevoke".into());
    ok(&args.iter().map(String::as_str).collect::<Vec<_>>(), &d);
    assert_eq!(get(&d, "l.cwt", 0), "valid");
}
