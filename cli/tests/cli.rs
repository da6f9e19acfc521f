//! The `consentry` binary, driven as a user would: files, exit codes, JSON on stdout/stderr.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

mod common;
use common::*;

const CLAIMS: &str = r#"{"iss":"cm.example","sub":"pp-123","aud":["tn.health","tn.research"],"exp":1900000000,
 "consent":{"v":1,"basis":"consent","notice":{"id":"n1","sha256":"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s","lang":"ta-IN"},
 "purposes":[{"purpose":"aa:101","fields":["/name"],"mode":"view"}]}}"#;

/// Key, trust file, claims and one issued artefact in a fresh directory.
fn setup(name: &str, alg: &str) -> (PathBuf, String) {
    let d = tmp(name);
    key_and_trust(&d, "k.pem", &["--alg", alg]);
    let art = issue_into(&d, "k.pem", CLAIMS, "a.txt");
    (d, art)
}

#[test]
fn key_new_is_private_and_not_overwritten() {
    let d = tmp("keys");
    assert!(run(&["key", "new", "--out", "k.pem"], &d).status.success());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(d.join("k.pem"))
                .unwrap()
                .permissions()
                .mode()
                & 0o777,
            0o600
        );
    }
    let pem = std::fs::read_to_string(d.join("k.pem")).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
    let o = run(&["key", "new", "--out", "k.pem"], &d);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr_json(&o)["code"], "cli_io");
    assert_eq!(
        std::fs::read_to_string(d.join("k.pem")).unwrap(),
        pem,
        "existing key untouched"
    );
    let o = run(&["key", "public", "--key", "k.pem"], &d);
    let jwk: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let key = consentry::VerifyingKey::from_jwk(&jwk).unwrap();
    assert_eq!(jwk["kid"], consentry::b64::encode(&key.thumbprint()));
    assert!(
        !String::from_utf8_lossy(&o.stdout).contains("\"d\""),
        "no private member printed"
    );
}

#[test]
fn issue_verify_inspect_ed25519_and_es256() {
    for alg in ["ed25519", "es256"] {
        let (d, _) = setup(&format!("ivi-{alg}"), alg);
        let o = ok(
            &[
                "verify",
                "--trust",
                "trust.json",
                "--aud",
                "tn.research",
                "--now",
                "1800000100",
                "a.txt",
            ],
            &d,
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["verified"], true);
        assert_eq!(v["claims"]["iat"], 1_800_000_000);
        assert_eq!(v["claims"]["sub"], "pp-123");
        assert_eq!(v["alg"], if alg == "es256" { "ES256" } else { "EdDSA" });
        let o = run(&["inspect", "a.txt"], &d);
        let u: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(u["verified"], false);
        assert_eq!(u["claims"]["cti"], v["claims"]["cti"]);
    }
}

#[test]
fn verify_failures_are_json_with_codes() {
    let (d, art) = setup("fail", "ed25519");
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["--aud", "tn.police", "--now", "1800000100"],
            1,
            "audience_mismatch",
        ),
        (&["--aud", "tn.health", "--now", "1900000060"], 1, "expired"),
        (
            &["--aud", "tn.health", "--now", "1900000000", "--leeway", "0"],
            1,
            "expired",
        ),
        (
            &[
                "--aud",
                "tn.health",
                "--now",
                "1800000100",
                "--leeway",
                "301",
            ],
            2,
            "invalid_option",
        ),
    ];
    for (extra, exit, code) in cases {
        let mut args = vec!["verify", "--trust", "trust.json"];
        args.extend_from_slice(extra);
        args.push("a.txt");
        let o = run(&args, &d);
        assert_eq!(o.status.code(), Some(*exit), "{extra:?}");
        assert_eq!(stderr_json(&o)["code"], *code, "{extra:?}");
        assert!(o.stdout.is_empty());
    }
    // The artefact may also be given inline or on stdin.
    let o = run(
        &[
            "verify",
            "--trust",
            "trust.json",
            "--aud",
            "tn.health",
            "--now",
            "1800000100",
            &art,
        ],
        &d,
    );
    assert!(o.status.success());
    let mut child = bin()
        .args([
            "verify",
            "--trust",
            "trust.json",
            "--aud",
            "tn.health",
            "--now",
            "1800000100",
            "-",
        ])
        .current_dir(&d)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(art.as_bytes())
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    // Missing trust file, private key in trust file.
    let o = run(
        &["verify", "--trust", "nope.json", "--aud", "x", "a.txt"],
        &d,
    );
    assert_eq!(
        (o.status.code(), stderr_json(&o)["code"].as_str()),
        (Some(2), Some("cli_io"))
    );
    let mut jwks: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("trust.json")).unwrap()).unwrap();
    jwks["keys"][0]["d"] = "AAAA".into();
    std::fs::write(d.join("bad.json"), jwks.to_string()).unwrap();
    let o = run(
        &["verify", "--trust", "bad.json", "--aud", "x", "a.txt"],
        &d,
    );
    assert_eq!(stderr_json(&o)["code"], "key_private_material");
}

#[test]
fn batch_streams_in_order_across_chunks() {
    let (d, art) = setup("batch", "ed25519");
    let mut bad = art.clone();
    let at = art.len() - 10; // inside the signature
    bad.replace_range(at..at + 1, if &art[at..at + 1] == "A" { "B" } else { "A" });
    let mut lines = Vec::new();
    for i in 0..9_000 {
        lines.push(match i % 1000 {
            7 => bad.clone(),
            500 => String::new(),
            999 => "not an artefact".to_owned(),
            _ => art.clone(),
        });
    }
    std::fs::write(d.join("batch.txt"), lines.join("\n")).unwrap();
    let o = run(
        &[
            "verify",
            "--trust",
            "trust.json",
            "--aud",
            "tn.health",
            "--now",
            "1800000100",
            "--batch",
            "batch.txt",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    let results: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(results.len(), 9_000 - 9);
    let mut prev = 0;
    for r in &results {
        let line = r["line"].as_u64().unwrap();
        assert!(line > prev, "results in input order");
        prev = line;
        let i = line - 1;
        match i % 1000 {
            7 => assert_eq!(r["code"], "signature_invalid", "line {line}"),
            999 => assert_eq!(r["code"], "not_base64url", "line {line}"),
            _ => assert_eq!(r["verified"], true, "line {line}"),
        }
    }
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("8973 valid, 18 rejected, 9 blank line(s) skipped"),
        "{err}"
    );
}

#[test]
fn claims_errors_name_the_member() {
    let (d, _) = setup("claims", "ed25519");
    std::fs::write(d.join("c2.json"), r#"{"iss":"x"}"#).unwrap();
    let o = run(&["issue", "--key", "k.pem", "--claims", "c2.json"], &d);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr_json(&o);
    assert_eq!(e["code"], "claims_json");
    assert!(e["message"].as_str().unwrap().contains("`sub`"), "{e}");
    let bad = CLAIMS.replace(r#""fields":["/name"]"#, r#""fields":["name"]"#);
    std::fs::write(d.join("c3.json"), bad).unwrap();
    let e = stderr_json(&run(
        &["issue", "--key", "k.pem", "--claims", "c3.json"],
        &d,
    ));
    assert_eq!(e["code"], "claim_invalid");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("consent.purposes[0].fields[0]"),
        "{e}"
    );
}

#[test]
fn demo_runs_and_refuses_what_it_should() {
    let o = run(&["demo"], &tmp("demo"));
    assert!(o.status.success());
    let out = String::from_utf8(o.stdout).unwrap();
    for code in [
        "signature_invalid",
        "audience_mismatch",
        "expired",
        "key_unknown_kid",
        "cbor_truncated",
    ] {
        assert!(out.contains(code), "demo shows {code}");
    }
    assert!(!out.contains("UNEXPECTED"));
}

/// The status list of the `decide` and `withdraw` tests.
const LIST_URI: &str = "https://cm.example/s/1";

/// `status new` of `l.cwt`: `size` entries at [`LIST_URI`], signed by `k.pem`.
fn new_list(d: &Path, size: &str) {
    ok(
        &[
            "status", "new", "--key", "k.pem", "--size", size, "--uri", LIST_URI, "--out", "l.cwt",
            "--now", T0,
        ],
        d,
    );
}

/// Issues [`CLAIMS`] pointing at index `idx` of [`LIST_URI`] into `a.txt` (claims in
/// `c{idx}.json`).
fn issue_at(d: &Path, idx: u64) {
    let file = format!("c{idx}.json");
    let status = format!(r#""status":{{"status_list":{{"idx":{idx},"uri":"{LIST_URI}"}}}},"#);
    let exp = "\"exp\":1900000000,";
    std::fs::write(
        d.join(&file),
        CLAIMS.replacen(exp, &format!("{exp}{status}"), 1),
    )
    .unwrap();
    let o = ok(
        &["issue", "--key", "k.pem", "--claims", &file, "--now", T0],
        d,
    );
    std::fs::write(d.join("a.txt"), &o.stdout).unwrap();
}

fn decide(d: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["decide", "--trust", "trust.json", "--now", "1800000100"];
    args.extend_from_slice(extra);
    args.push("a.txt");
    run(&args, d)
}

#[test]
fn decide_permits_denies_and_honours_the_status_list() {
    let (d, _) = setup("decide", "ed25519");
    let o = decide(
        &d,
        &[
            "--aud",
            "tn.health",
            "--purpose",
            "aa:101",
            "--op",
            "view",
            "--fields",
            "/name,/salary",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"allowed": true, "fields": ["/name"], "transforms": {}, "eraseBy": 1_900_000_000})
    );

    let o = decide(
        &d,
        &[
            "--aud",
            "tn.police",
            "--purpose",
            "abdm:CAREMGT",
            "--op",
            "store",
            "--fields",
            "/name",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let codes = reason_codes(&o);
    assert_eq!(codes, ["audience_mismatch", "purpose_not_granted"]);

    // With a status list: the artefact has none, so the list changes nothing; an artefact that
    // names one is denied once its bit is flipped.
    new_list(&d, "100");
    issue_at(&d, 5);
    let args = [&REQUEST[..], &["--status-list", "l.cwt"]].concat();
    assert_eq!(decide(&d, &args).status.code(), Some(0));
    assert!(run(
        &[
            "status",
            "set",
            "--list",
            "l.cwt",
            "--key",
            "k.pem",
            "--idx",
            "5",
            "--value",
            "invalid",
            "--now",
            "1800000050"
        ],
        &d
    )
    .status
    .success());
    let o = decide(&d, &args);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"revoked\""));
    // Without the list the status is unknown: denied unless the caller accepts that.
    let no_list = &args[..8];
    assert!(String::from_utf8_lossy(&decide(&d, no_list).stdout).contains("status_unknown"));
    let mut accept = no_list.to_vec();
    accept.push("--accept-unknown-status");
    assert_eq!(decide(&d, &accept).status.code(), Some(0));
    // Bad input: an unparseable selector, a taxonomy that does not parse.
    let o = decide(
        &d,
        &[
            "--aud",
            "tn.health",
            "--purpose",
            "aa:101",
            "--op",
            "view",
            "--fields",
            "name",
        ],
    );
    assert_eq!(stderr_json(&o)["code"], "cli_usage");
    std::fs::write(d.join("tax.json"), "{\"version\": 1,\n \"pack\": ").unwrap();
    let o = decide(&d, &[&REQUEST[..], &["--taxonomy", "tax.json"]].concat());
    let e = stderr_json(&o);
    assert_eq!(e["code"], "taxonomy_json");
    assert!(e["message"].as_str().unwrap().contains("line 2"), "{e}");
}

#[test]
fn filter_keeps_only_granted_fields_and_never_passes_through() {
    let (d, _) = setup("filter", "ed25519");
    let o = decide(&d, &REQUEST);
    std::fs::write(d.join("permit.json"), &o.stdout).unwrap();
    std::fs::write(
        d.join("in.jsonl"),
        "{\"name\":\"A\",\"aadhaar\":\"x\"}\n\n{\"name\":\"B\",\"phone\":\"y\"}\n",
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
            "out.jsonl",
        ],
        &d,
    );
    assert_eq!(
        std::fs::read_to_string(d.join("out.jsonl")).unwrap(),
        "{\"name\":\"A\"}\n{\"name\":\"B\"}\n"
    );
    // A permit that requires a transform nobody applies: an error, and no output file.
    std::fs::write(
        d.join("t.json"),
        r#"{"allowed":true,"fields":["/name"],"transforms":{"/name":"pseudonym"},"eraseBy":1900000000}"#,
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
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr_json(&o)["code"], "transform_unsupported");
    assert!(!d.join("t.jsonl").exists());
    // A denial lets nothing through.
    std::fs::write(
        d.join("deny.json"),
        r#"{"allowed":false,"reasons":[{"code":"expired","message":"x"}]}"#,
    )
    .unwrap();
    let o = run(
        &[
            "filter",
            "--decision",
            "deny.json",
            "--in",
            "in.jsonl",
            "--out",
            "n.jsonl",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(!d.join("n.jsonl").exists());
}

#[test]
fn withdraw_records_the_event_and_flips_the_bit() {
    let (d, _) = setup("withdraw", "ed25519");
    issue_at(&d, 9);
    new_list(&d, "64");
    let args = [&REQUEST[..], &["--status-list", "l.cwt"]].concat();
    assert_eq!(decide(&d, &args).status.code(), Some(0));

    ok(
        &[
            "withdraw",
            "a.txt",
            "--list",
            "l.cwt",
            "--key",
            "k.pem",
            "--ledger",
            "c.ledger",
            "--now",
            "1800000050",
        ],
        &d,
    );
    let o = decide(&d, &args);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"revoked\""));
    let o = run(
        &[
            "ledger", "export", "--ledger", "c.ledger", "--sub", "pp-123",
        ],
        &d,
    );
    let events: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["event"], "withdrawn");

    // A withdrawal is final: resume lifts only a suspension.
    let o = run(
        &[
            "withdraw",
            "a.txt",
            "--list",
            "l.cwt",
            "--key",
            "k.pem",
            "--ledger",
            "c.ledger",
            "--action",
            "resume",
            "--now",
            "1800000060",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("status_transition_refused"));
    assert_eq!(decide(&d, &args).status.code(), Some(1));
    let o = run(
        &[
            "ledger", "export", "--ledger", "c.ledger", "--sub", "pp-123",
        ],
        &d,
    );
    assert_eq!(String::from_utf8(o.stdout).unwrap().lines().count(), 1);
    // An artefact without a status claim cannot be withdrawn through a list.
    let o = run(
        &[
            "issue",
            "--key",
            "k.pem",
            "--claims",
            "claims.json",
            "--now",
            "1800000000",
        ],
        &d,
    );
    std::fs::write(d.join("plain.txt"), &o.stdout).unwrap();
    let o = run(
        &[
            "withdraw",
            "plain.txt",
            "--list",
            "l.cwt",
            "--key",
            "k.pem",
            "--ledger",
            "c.ledger",
        ],
        &d,
    );
    assert_eq!(stderr_json(&o)["code"], "cli_no_status_claim");
}

#[test]
fn decide_refuses_a_forged_artefact_with_the_exit_code_verify_gives() {
    let (d, _) = setup("decide-forged", "ed25519");
    // Another issuer's key in the trust file: the artefact no longer verifies.
    assert!(run(
        &["key", "new", "--alg", "ed25519", "--out", "other.pem"],
        &d
    )
    .status
    .success());
    let o = run(&["key", "public", "--key", "other.pem", "--jwks"], &d);
    std::fs::write(d.join("other.json"), &o.stdout).unwrap();
    let args = REQUEST;
    let mut v = vec![
        "verify",
        "--trust",
        "other.json",
        "--aud",
        "tn.health",
        "a.txt",
    ];
    v.extend_from_slice(&["--now", "1800000100"]);
    let verify = run(&v, &d);
    let mut dd = vec!["decide", "--trust", "other.json", "--now", "1800000100"];
    dd.extend_from_slice(&args);
    dd.push("a.txt");
    let decide = run(&dd, &d);
    assert_eq!(verify.status.code(), Some(1));
    assert_eq!(
        decide.status.code(),
        Some(1),
        "an unverifiable artefact is refused input"
    );
    assert_eq!(stderr_json(&decide)["code"], "key_unknown_kid");
    assert_eq!(stderr_json(&verify)["code"], "key_unknown_kid");
    // A request outside the caps stays a usage error.
    let many: Vec<String> = (0..5000).map(|i| format!("/f{i}")).collect();
    let many = many.join(",");
    let o = run(
        &[
            "decide",
            "--trust",
            "trust.json",
            "--now",
            "1800000100",
            "--aud",
            "tn.health",
            "--purpose",
            "aa:101",
            "--op",
            "view",
            "--fields",
            &many,
            "a.txt",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr_json(&o)["code"], "request_too_large");
}

/// `--trust` goes through the core's one loader: a single JWK or a JWK Set, told apart by
/// `kty` / `keys`; a file claiming to be both is refused, not guessed; a set with one bad key
/// is refused whole with that key's code.
#[test]
fn trust_file_uses_the_core_loader_and_its_one_detection_rule() {
    let (d, art) = setup("trust_loader", "ed25519");
    std::fs::write(d.join("a.txt"), &art).unwrap();
    let jwks: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("trust.json")).unwrap()).unwrap();
    let verify = |file: &str| {
        run(
            &[
                "verify",
                "--trust",
                file,
                "--aud",
                "tn.health",
                "--now",
                "1800000100",
                "a.txt",
            ],
            &d,
        )
    };
    std::fs::write(d.join("one.json"), jwks["keys"][0].to_string()).unwrap();
    assert!(verify("one.json").status.success());
    assert!(verify("trust.json").status.success());
    let mut both = jwks.clone();
    both["kty"] = "OKP".into();
    std::fs::write(d.join("both.json"), both.to_string()).unwrap();
    let o = verify("both.json");
    assert_eq!(
        (o.status.code(), stderr_json(&o)["code"].as_str()),
        (Some(2), Some("key_jwk_invalid"))
    );
    std::fs::write(d.join("neither.json"), r#"{"crv": "Ed25519"}"#).unwrap();
    assert_eq!(err_code(&verify("neither.json")), "key_jwk_invalid");
    let mut one_bad = jwks.clone();
    one_bad["keys"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": "AAAA"}));
    std::fs::write(d.join("one_bad.json"), one_bad.to_string()).unwrap();
    let o = verify("one_bad.json");
    assert_eq!(
        (o.status.code(), stderr_json(&o)["code"].as_str()),
        (Some(2), Some("key_invalid"))
    );
}
