//! Issue 13 items 1, 2, 11 and 12 through the binary: a status list speaks only for its own
//! issuer's artefacts, `verify --status-list` fails closed, `decide` refuses an `iat` in the
//! future, and `filter` refuses expired permits (and decides for itself from an artefact).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::verify_with_list as verify;
use common::*;

const URI_A: &str = "https://cm-a.example/status/1";

fn claims(idx: Option<u64>, uri: &str, iat: Option<i64>) -> String {
    let status = idx
        .map(|i| format!(r#""status":{{"status_list":{{"idx":{i},"uri":"{uri}"}}}},"#))
        .unwrap_or_default();
    let iat = iat.map(|t| format!(r#""iat":{t},"#)).unwrap_or_default();
    format!(
        r#"{{"iss":"cm.example","sub":"pp-123","aud":["tn.health"],"exp":1900000000,{status}{iat}
 "consent":{{"v":1,"basis":"consent","notice":{{"id":"n1","sha256":"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s","lang":"ta-IN"}},
 "purposes":[{{"purpose":"aa:101","fields":["/name"],"mode":"view","data_life":3600}}]}}}}"#
    )
}

/// Issues an artefact with `key` into `out`.
fn issue(d: &Path, key: &str, claims_json: &str, out: &str) {
    issue_into(d, key, claims_json, out);
}

fn new_list(d: &Path, key: &str, uri: &str, out: &str, extra: &[&str]) {
    let mut args = vec![
        "status", "new", "--key", key, "--size", "64", "--uri", uri, "--out", out, "--now", T0,
    ];
    args.extend_from_slice(extra);
    ok(&args, d);
}

fn set(d: &Path, list: &str, key: &str, idx: &str, value: &str) {
    ok(
        &[
            "status", "set", "--list", list, "--key", key, "--idx", idx, "--value", value, "--now",
            T0,
        ],
        d,
    );
}

/// Two consent managers A (`a.pem`) and B (`b.pem`), both in the relying party's `trust.json`.
fn two_issuers(name: &str) -> PathBuf {
    let d = tmp(name);
    let mut keys = Vec::new();
    for k in ["a.pem", "b.pem"] {
        ok(&["key", "new", "--out", k], &d);
        let o = ok(&["key", "public", "--key", k, "--jwks"], &d);
        let set: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        keys.extend(set["keys"].as_array().unwrap().iter().cloned());
    }
    std::fs::write(
        d.join("trust.json"),
        serde_json::json!({ "keys": keys }).to_string(),
    )
    .unwrap();
    d
}

fn decide(d: &Path, art: &str, extra: &[&str]) -> Output {
    let mut args = vec!["decide", "--trust", "trust.json", "--now", NOW];
    args.extend_from_slice(&REQUEST);
    args.extend_from_slice(extra);
    args.push(art);
    run(&args, d)
}

#[test]
fn another_issuers_list_at_the_same_uri_cannot_unrevoke_an_artefact() {
    let d = two_issuers("unrevoke");
    issue(&d, "a.pem", &claims(Some(7), URI_A, None), "a7.txt");
    new_list(&d, "a.pem", URI_A, "a.cwt", &[]);
    set(&d, "a.cwt", "a.pem", "7", "invalid");
    // B publishes a list at A's URI in which index 7 is VALID.
    new_list(&d, "b.pem", URI_A, "b.cwt", &[]);

    // A's own list: revoked.
    let o = verify(&d, "a7.txt", "a.cwt", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr_json(&o)["code"], "revoked");
    // B's list: never valid; verify fails closed with its own code, decide denies.
    let o = verify(&d, "a7.txt", "b.cwt", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr_json(&o)["code"], "status_list_foreign");
    let o = decide(&d, "a7.txt", &["--status-list", "b.cwt"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(reason_codes(&o), ["status_unknown"]);
    // Even accepting an unknown status, the status is reported as not checked, never valid.
    let o = verify(&d, "a7.txt", "b.cwt", &["--accept-unknown-status"]);
    assert_eq!(o.status.code(), Some(0));
    let status = &stdout_json(&o)["status"];
    assert_eq!(status["state"], "not_checked");
    assert_eq!(status["reason"], "foreign_list");
}

#[test]
fn another_issuers_list_at_the_same_uri_cannot_revoke_an_artefact() {
    let d = two_issuers("revoke");
    issue(&d, "a.pem", &claims(Some(8), URI_A, None), "a8.txt");
    new_list(&d, "a.pem", URI_A, "a.cwt", &[]);
    // B publishes a list at A's URI in which index 8 is revoked.
    new_list(&d, "b.pem", URI_A, "b.cwt", &[]);
    set(&d, "b.cwt", "b.pem", "8", "invalid");

    assert_eq!(verify(&d, "a8.txt", "a.cwt", &[]).status.code(), Some(0));
    let o = verify(&d, "a8.txt", "b.cwt", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr_json(&o)["code"], "status_list_foreign");
    let o = verify(&d, "a8.txt", "b.cwt", &["--accept-unknown-status"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "B's list does not revoke A's artefact"
    );
    assert_eq!(stdout_json(&o)["status"]["reason"], "foreign_list");
    let o = decide(
        &d,
        "a8.txt",
        &["--status-list", "b.cwt", "--accept-unknown-status"],
    );
    assert_eq!(o.status.code(), Some(0), "not revoked by B's list");
    let o = decide(&d, "a8.txt", &["--status-list", "b.cwt"]);
    assert_eq!(reason_codes(&o), ["status_unknown"]);
}

#[test]
fn withdraw_refuses_an_artefact_signed_by_another_issuer() {
    let d = two_issuers("withdraw");
    // B signs an artefact that names A's list, index 3.
    issue(&d, "b.pem", &claims(Some(3), URI_A, None), "b3.txt");
    new_list(&d, "a.pem", URI_A, "a.cwt", &[]);
    let before = std::fs::read(d.join("a.cwt")).unwrap();
    let o = run(&withdraw_args("b3.txt", "a.cwt", "a.pem"), &d);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr_json(&o)["code"], "status_list_foreign");
    assert_eq!(
        std::fs::read(d.join("a.cwt")).unwrap(),
        before,
        "list untouched"
    );
    assert!(!d.join("c.ledger").exists(), "nothing recorded");
    // A's own artefact at the same index is withdrawn as before.
    issue(&d, "a.pem", &claims(Some(3), URI_A, None), "a3.txt");
    ok(&withdraw_args("a3.txt", "a.cwt", "a.pem"), &d);
    assert_eq!(
        stderr_json(&verify(&d, "a3.txt", "a.cwt", &[]))["code"],
        "revoked"
    );
}

#[test]
fn verify_with_a_status_list_fails_closed() {
    let d = two_issuers("closed");
    issue(&d, "a.pem", &claims(Some(5), URI_A, None), "a5.txt");
    // Expired (exp before now), stale (ttl passed), another URI, a value above 2.
    new_list(&d, "a.pem", URI_A, "expired.cwt", &["--exp", "1800000050"]);
    new_list(&d, "a.pem", URI_A, "stale.cwt", &["--ttl", "10"]);
    new_list(
        &d,
        "a.pem",
        "https://cm-a.example/status/2",
        "other.cwt",
        &[],
    );
    new_list(&d, "a.pem", URI_A, "three.cwt", &[]);
    set(&d, "three.cwt", "a.pem", "5", "3");
    new_list(&d, "a.pem", URI_A, "fresh.cwt", &["--ttl", "3600"]);

    assert_eq!(
        verify(&d, "a5.txt", "fresh.cwt", &[]).status.code(),
        Some(0)
    );
    for (list, code, decide_reason) in [
        ("expired.cwt", "status_list_stale", "status_unknown"),
        ("stale.cwt", "status_list_stale", "status_unknown"),
        ("other.cwt", "status_list_other_uri", "status_unknown"),
        ("three.cwt", "status_value_unknown", "status_unknown"),
    ] {
        let o = verify(&d, "a5.txt", list, &[]);
        assert_eq!(o.status.code(), Some(1), "{list}");
        assert_eq!(stderr_json(&o)["code"], code, "{list}");
        // decide agrees: one rule in the core.
        let o = decide(&d, "a5.txt", &["--status-list", list]);
        assert_eq!(o.status.code(), Some(1), "{list}");
        assert_eq!(reason_codes(&o), [decide_reason], "{list}");
        // The caller may opt in, and sees why.
        let o = verify(&d, "a5.txt", list, &["--accept-unknown-status"]);
        assert_eq!(o.status.code(), Some(0), "{list}");
    }
    let o = verify(&d, "a5.txt", "expired.cwt", &["--accept-unknown-status"]);
    assert_eq!(stdout_json(&o)["status"]["list"]["state"], "expired");
    let o = verify(&d, "a5.txt", "other.cwt", &["--accept-unknown-status"]);
    assert_eq!(stdout_json(&o)["status"]["reason"], "other_uri");
    // Batch mode applies the same rule per line.
    let o = run(
        &[
            &VERIFY_TN[..],
            &["--status-list", "expired.cwt", "--batch", "a5.txt"],
        ]
        .concat(),
        &d,
    );
    assert_eq!(o.status.code(), Some(1));
    let line: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&o.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(line["code"], "status_list_stale");
}

#[test]
fn decide_denies_an_artefact_issued_in_the_future() {
    let d = two_issuers("iat");
    // Issued (signed) with an `iat` a day after the time of use.
    issue(
        &d,
        "a.pem",
        &claims(None, URI_A, Some(1_800_086_500)),
        "f.txt",
    );
    let o = decide(&d, "f.txt", &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(reason_codes(&o), ["issued_in_future"]);
    let o = run(&[&VERIFY_TN[..], &["f.txt"]].concat(), &d);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr_json(&o)["code"], "issued_in_future");
}

#[test]
fn filter_refuses_expired_permits_and_decides_from_the_artefact() {
    let d = two_issuers("filter");
    issue(&d, "a.pem", &claims(None, URI_A, None), "a.txt");
    std::fs::write(
        d.join("in.jsonl"),
        "{\"name\":\"Asha\",\"phone\":\"+919876543210\"}\n",
    )
    .unwrap();
    let o = decide(&d, "a.txt", &[]);
    assert_eq!(o.status.code(), Some(0));
    std::fs::write(d.join("permit.json"), &o.stdout).unwrap();
    let erase_by = stdout_json(&o)["eraseBy"].as_i64().unwrap();
    assert_eq!(erase_by, 1_800_003_700);

    // Within eraseBy the permit applies.
    ok(
        &[
            "filter",
            "--decision",
            "permit.json",
            "--in",
            "in.jsonl",
            "--out",
            "out.jsonl",
            "--now",
            NOW,
        ],
        &d,
    );
    // From eraseBy on it is refused, and nothing is written.
    let o = run(
        &[
            "filter",
            "--decision",
            "permit.json",
            "--in",
            "in.jsonl",
            "--out",
            "late.jsonl",
            "--now",
            "1800003700",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr_json(&o)["code"], "permit_expired");
    assert!(!d.join("late.jsonl").exists());
    // A hand-edited permit with an `eraseBy` in the past is refused on the clock too.
    let edited = serde_json::json!({"allowed": true, "fields": ["/name", "/phone"],
                                    "transforms": {}, "eraseBy": 1_000_000_000});
    std::fs::write(d.join("edited.json"), edited.to_string()).unwrap();
    let o = run(
        &[
            "filter",
            "--decision",
            "edited.json",
            "--in",
            "in.jsonl",
            "--out",
            "e.jsonl",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr_json(&o)["code"], "permit_expired");
    assert!(!d.join("e.jsonl").exists());

    // Straight from the artefact and the request: decide, then filter on a permit only.
    let mut args = vec![
        "filter",
        "--artefact",
        "a.txt",
        "--trust",
        "trust.json",
        "--in",
        "in.jsonl",
        "--out",
        "direct.jsonl",
        "--now",
        NOW,
    ];
    args.extend_from_slice(&REQUEST);
    ok(&args, &d);
    assert_eq!(
        std::fs::read_to_string(d.join("direct.jsonl")).unwrap(),
        "{\"name\":\"Asha\"}\n"
    );
    let args = vec![
        "filter",
        "--artefact",
        "a.txt",
        "--trust",
        "trust.json",
        "--in",
        "in.jsonl",
        "--out",
        "denied.jsonl",
        "--now",
        NOW,
        "--aud",
        "tn.police",
        "--purpose",
        "aa:101",
        "--op",
        "view",
        "--fields",
        "/name",
    ];
    let o = run(&args, &d);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr_json(&o)["code"], "decision_denied");
    assert_eq!(reason_codes(&o), ["audience_mismatch"]);
    assert!(!d.join("denied.jsonl").exists());
    // The help says a decision file is not signed.
    let o = ok(&["filter", "--help"], &d);
    assert!(String::from_utf8_lossy(&o.stdout).contains("NOT signed"));
}
