//! What every CLI test file needs: run the built `consentry`, a scratch folder, the JSON error.
//! Each test file uses a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `consentry` binary under test.
pub(crate) fn bin() -> Command {
    Command::new(BIN)
}

/// Runs `consentry args` in `dir` with no standard input.
pub(crate) fn run(args: &[&str], dir: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Runs `consentry args` in `dir` with `input` on standard input (written from a thread, so a
/// child that refuses before reading cannot deadlock or fail the test with a broken pipe).
pub(crate) fn run_stdin(args: &[&str], dir: &Path, input: impl AsRef<[u8]>) -> Output {
    use std::io::Write as _;
    let input = input.as_ref().to_vec();
    let mut c = bin()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = c.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let o = c.wait_with_output().unwrap();
    writer.join().unwrap();
    o
}

/// The path of the `consentry` binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_consentry");

/// The CLI tests' clock as arguments (`--now`): when artefacts and lists are issued
/// (`consentry_testkit::faces::ISSUED_AT`)...
pub(crate) const T0: &str = "1800000000";
/// ...and, a hundred seconds later, when they are checked (`faces::CHECKED_AT`).
pub(crate) const NOW: &str = "1800000100";

/// Runs `consentry args` in `dir` and asserts it succeeded (standard error in the message).
pub(crate) fn ok(args: &[&str], dir: &Path) -> Output {
    let o = run(args, dir);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Standard output as JSON.
pub(crate) fn stdout_json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The reason codes of the decision on standard output, in order (none for a permit).
pub(crate) fn reason_codes(o: &Output) -> Vec<String> {
    consentry_testkit::checks::reason_codes(&stdout_json(o)["reasons"])
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// Makes the signing key file `key` in `d` (`key new`, then `extra`, e.g. `--alg es256`) and
/// writes its JWK Set to `trust.json`.
pub(crate) fn key_and_trust(d: &Path, key: &str, extra: &[&str]) {
    ok(&[&["key", "new", "--out", key][..], extra].concat(), d);
    let o = ok(&["key", "public", "--key", key, "--jwks"], d);
    std::fs::write(d.join("trust.json"), &o.stdout).unwrap();
}

/// Writes `claims` (JSON text) to `claims.json` in `d`, issues it with the key file `key` at
/// [`T0`] and writes the artefact as printed to `out`. Returns the artefact, trimmed.
pub(crate) fn issue_into(d: &Path, key: &str, claims: &str, out: &str) -> String {
    std::fs::write(d.join("claims.json"), claims).unwrap();
    let o = ok(
        &[
            "issue",
            "--key",
            key,
            "--claims",
            "claims.json",
            "--now",
            T0,
        ],
        d,
    );
    std::fs::write(d.join(out), &o.stdout).unwrap();
    String::from_utf8(o.stdout).unwrap().trim().to_owned()
}

/// `withdraw ARTEFACT --list LIST --key KEY`, recorded in `c.ledger`, checked against
/// `trust.json` at [`NOW`].
pub(crate) fn withdraw_args<'a>(artefact: &'a str, list: &'a str, key: &'a str) -> Vec<&'a str> {
    vec![
        "withdraw",
        artefact,
        "--list",
        list,
        "--key",
        key,
        "--ledger",
        "c.ledger",
        "--trust",
        "trust.json",
        "--now",
        NOW,
    ]
}

/// `verify` for `tn.health` against `trust.json` at [`NOW`] (the artefact and flags follow).
pub(crate) const VERIFY_TN: [&str; 7] = [
    "verify",
    "--trust",
    "trust.json",
    "--aud",
    "tn.health",
    "--now",
    NOW,
];

/// `verify ARTEFACT` for `tn.health` against `trust.json` at [`NOW`] with the status list `list`
/// and `extra` flags.
pub(crate) fn verify_with_list(d: &Path, art: &str, list: &str, extra: &[&str]) -> Output {
    let mut args = VERIFY_TN.to_vec();
    args.extend_from_slice(&["--status-list", list]);
    args.extend_from_slice(extra);
    args.push(art);
    run(&args, d)
}

/// `decide` flags: `tn.health` asks for `aa:101` view of `/name`.
pub(crate) const REQUEST: [&str; 8] = [
    "--aud",
    "tn.health",
    "--purpose",
    "aa:101",
    "--op",
    "view",
    "--fields",
    "/name",
];

/// A fresh, empty scratch folder for one test: under Cargo's scratch folder for integration
/// tests (`target/tmp`, never the shared `/tmp`), named by test binary and test, so a run
/// replaces the previous run's folder instead of piling up new ones.
pub(crate) fn tmp(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let binary = exe.file_stem().unwrap().to_string_lossy();
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{binary}-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The last line of standard error, which must be the JSON error object.
pub(crate) fn stderr_json(o: &Output) -> serde_json::Value {
    let s = String::from_utf8_lossy(&o.stderr);
    let v: serde_json::Value = serde_json::from_str(s.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("stderr not json ({e}): {s}"));
    if let Some(code) = v["code"].as_str() {
        assert_code(code);
    }
    v
}

/// Every code the CLI prints is a `consentry::Code` name.
pub(crate) fn assert_code(code: &str) {
    assert!(
        consentry::Code::from_name(code).is_some(),
        "the CLI printed `{code}`, which is not a consentry::Code"
    );
}

/// The `code` of the last `{"code": ..}` line on standard error (warnings may precede it).
pub(crate) fn err_code(o: &Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr);
    let line = err
        .lines()
        .rfind(|l| l.starts_with("{\"code\""))
        .unwrap_or_else(|| panic!("no error object in {err}"));
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    let code = v["code"].as_str().unwrap().to_owned();
    assert_code(&code);
    code
}
