//! Issue 13 items 6–7 through the binary: request size caps and caller taxonomies that cannot
//! widen consent.
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

/// A key, its trust file and an artefact issued from `claims` (as `a.txt`) in a fresh directory.
fn setup(name: &str, claims: &str) -> PathBuf {
    let d = tmp(name);
    key_and_trust(&d, "k.pem", &[]);
    issue_into(&d, "k.pem", claims, "a.txt");
    d
}

fn claims(basis: &str, child: bool, purpose: &str) -> String {
    format!(
        r#"{{"iss":"cm.example","sub":"pp-123","aud":"fiu.example","exp":1900000000,
 "consent":{{"v":1,"basis":"{basis}","child":{child},"notice":{{"id":"n1","sha256":"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s","lang":"en"}},
 "purposes":[{{"purpose":"{purpose}","fields":["/name","/accounts/*/balance"],"mode":"view"}}]}}}}"#
    )
}

fn decide(d: &Path, purpose: &str, fields: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "decide",
        "--trust",
        "trust.json",
        "--now",
        "1800000100",
        "--aud",
        "fiu.example",
        "--purpose",
        purpose,
        "--op",
        "view",
        "--fields",
        fields,
    ];
    args.extend_from_slice(extra);
    args.push("a.txt");
    run(&args, d)
}

#[test]
fn cli_decide_refuses_an_over_cap_request_with_request_too_large() {
    let d = setup("cap", &claims("consent", false, "aa:101"));
    let many: Vec<String> = (0..=consentry::purpose::MAX_REQUEST_FIELDS)
        .map(|i| format!("/f{i}"))
        .collect();
    let o = decide(&d, "aa:101", &many.join(","), &[]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr_json(&o);
    assert_eq!(e["code"], "request_too_large");
    assert_eq!(
        e["message"],
        "`fields` names 4097 selectors; at most 4096 are allowed"
    );
    assert!(o.stdout.is_empty());
    // One selector too long, one too deep.
    let long = format!("/name,/{}", "x".repeat(1024));
    let e = stderr_json(&decide(&d, "aa:101", &long, &[]));
    assert_eq!(e["code"], "request_too_large");
    assert_eq!(e["message"], "`fields[1]` is longer than 1024 bytes");
    let deep = format!("/name{}", "/a".repeat(33));
    let e = stderr_json(&decide(&d, "aa:101", &deep, &[]));
    assert_eq!(e["message"], "`fields[0]` has more than 32 segments");
}

#[test]
fn cli_decide_answers_a_large_allowed_request_exactly() {
    let d = setup("large", &claims("consent", false, "aa:101"));
    let mut fields: Vec<String> = (0..2000)
        .map(|i| format!("/accounts/{i}/balance"))
        .collect();
    fields.push("/name/first".into());
    fields.push("/phone".into());
    let o = decide(&d, "aa:101", &fields.join(","), &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let got = v["fields"].as_array().unwrap();
    assert_eq!(got.len(), 2001);
    assert_eq!(got[0], "/accounts/0/balance");
    assert_eq!(got[2000], "/name/first");
    assert!(!got.iter().any(|f| f == "/phone"));
}

#[test]
fn cli_decide_refuses_a_taxonomy_grafting_under_a_shipped_purpose() {
    // The attack: a grant of `aa:101` would permit `fid:targeted-ads`.
    let d = setup("graft", &claims("consent", false, "aa:101"));
    std::fs::write(
        d.join("fid.json"),
        r#"{"version":1,"pack":"fid","purposes":[{"code":"fid:targeted-ads","parent":"aa:101","name":"Ads"}]}"#,
    )
    .unwrap();
    let o = decide(&d, "fid:targeted-ads", "/name", &["--taxonomy", "fid.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let e = stderr_json(&o);
    assert_eq!(e["code"], "taxonomy_shipped_parent");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("`purposes[0].parent`"),
        "{e}"
    );
    // The legitimate-use opt-in does not change that.
    let o = decide(
        &d,
        "fid:targeted-ads",
        "/name",
        &["--taxonomy", "fid.json", "--taxonomy-allow-legitimate-uses"],
    );
    assert_eq!(stderr_json(&o)["code"], "taxonomy_shipped_parent");
}

#[test]
fn cli_decide_refuses_a_taxonomy_adding_codes_in_a_shipped_namespace() {
    let d = setup("namespace", &claims("consent", false, "aa:cat-1"));
    std::fs::write(
        d.join("aa2.json"),
        r#"{"version":1,"pack":"mine","purposes":[{"code":"aa:106","name":"More"}]}"#,
    )
    .unwrap();
    let o = decide(&d, "aa:106", "/name", &["--taxonomy", "aa2.json"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr_json(&o);
    assert_eq!(e["code"], "taxonomy_shipped_prefix");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("`purposes[0].code`"),
        "{e}"
    );
}

#[test]
fn cli_decide_refuses_a_taxonomy_legitimate_use_without_the_opt_in() {
    // A child's artefact with no parental grantor, whose basis a caller pack calls a
    // legitimate use: that would skip both consent and the parental-consent check.
    let d = setup("legit", &claims("mine:lu", true, "aa:101"));
    std::fs::write(
        d.join("lu.json"),
        r#"{"version":1,"pack":"mine","purposes":[{"code":"mine:lu","name":"Ours","legitimate_use":true}]}"#,
    )
    .unwrap();
    let o = decide(&d, "aa:101", "/name", &["--taxonomy", "lu.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let e = stderr_json(&o);
    assert_eq!(e["code"], "taxonomy_legitimate_use_not_allowed");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("`purposes[0].legitimate_use`"),
        "{e}"
    );
    // Without the pack the basis is invalid and the parental-consent check is not skipped.
    let o = decide(&d, "aa:101", "/name", &[]);
    assert_eq!(o.status.code(), Some(1));
    let codes = reason_codes(&o);
    assert_eq!(codes, ["basis_invalid", "child_consent_unverified"]);
    // Only the explicit opt-in makes the pack's legitimate use count.
    let o = decide(
        &d,
        "aa:101",
        "/name",
        &["--taxonomy", "lu.json", "--taxonomy-allow-legitimate-uses"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

const AADHAAR: &str = "234567890124";
const KEY_DIGITS: &str = "3141592653589793238462643383279502884197169399375105820974944592";
const NAME: &str = "Asha Devi 234567890124";

/// Fails when stdout or stderr of `o` quotes a secret (or a long piece of one).
fn assert_no_secret(o: &Output, what: &str) {
    for stream in [&o.stdout, &o.stderr] {
        let s = String::from_utf8_lossy(stream);
        for secret in [
            AADHAAR,
            "2345678901",
            KEY_DIGITS,
            "3141592653",
            "1415926535",
            "Asha",
        ] {
            assert!(!s.contains(secret), "{what}: `{secret}` in {s}");
        }
    }
}

#[test]
fn cli_never_quotes_a_secret_of_the_wrong_type() {
    let d = setup("secrets", &claims("consent", false, "aa:101"));
    // issue: a numeric `sub`, a name or a key as the grantor's role, a name as the mode.
    let base = claims("consent", true, "aa:101");
    let variants = [
        base.replacen("\"sub\":\"pp-123\"", &format!("\"sub\":{AADHAAR}"), 1),
        base.replacen(
            "\"child\":true",
            &format!("\"child\":true,\"grantor\":{{\"role\":\"{NAME}\",\"evidence\":\"e\"}}"),
            1,
        ),
        base.replacen(
            "\"child\":true",
            &format!("\"child\":true,\"grantor\":{{\"role\":{KEY_DIGITS},\"evidence\":\"e\"}}"),
            1,
        ),
        base.replacen("\"mode\":\"view\"", &format!("\"mode\":\"{NAME}\""), 1),
        base.replacen("\"exp\":1900000000", &format!("\"exp\":\"{NAME}\""), 1),
    ];
    for (i, c) in variants.iter().enumerate() {
        std::fs::write(d.join("bad.json"), c).unwrap();
        let o = run(
            &[
                "issue",
                "--key",
                "k.pem",
                "--claims",
                "bad.json",
                "--now",
                "1800000000",
            ],
            &d,
        );
        assert_eq!(o.status.code(), Some(2), "claims variant {i}");
        assert_eq!(stderr_json(&o)["code"], "claims_json", "claims variant {i}");
        assert_no_secret(&o, &format!("issue, claims variant {i}"));
    }
    let o = run(
        &[
            "issue",
            "--key",
            "k.pem",
            "--claims",
            "bad.json",
            "--now",
            "1800000000",
        ],
        &d,
    );
    assert!(stderr_json(&o)["message"]
        .as_str()
        .unwrap()
        .contains("member `exp`"));

    // decide: a taxonomy and a trust store with secrets in the wrong places.
    for (i, tax) in [
        format!(r#"{{"version":1,"pack":"mine","purposes":[{{"code":{AADHAAR},"name":"n"}}]}}"#),
        format!(r#"{{"version":1,"pack":"mine","purposes":[{{"code":"mine:a","name":"n","legitimate_use":"{NAME}"}}]}}"#),
        format!(r#"{{"version":{KEY_DIGITS},"pack":"mine","purposes":[]}}"#),
    ]
    .iter()
    .enumerate()
    {
        std::fs::write(d.join("t.json"), tax).unwrap();
        let o = decide(&d, "aa:101", "/name", &["--taxonomy", "t.json"]);
        assert_eq!(o.status.code(), Some(2), "taxonomy {i}");
        assert_eq!(stderr_json(&o)["code"], "taxonomy_json", "taxonomy {i}");
        assert_no_secret(&o, &format!("decide, taxonomy {i}"));
    }
    std::fs::write(
        d.join("bad-trust.json"),
        format!(r#"{{"keys":[{{"kty":"OKP","crv":"{NAME}","x":{KEY_DIGITS}}}]}}"#),
    )
    .unwrap();
    let o = run(
        &[
            "decide",
            "--trust",
            "bad-trust.json",
            "--now",
            "1800000100",
            "--aud",
            "fiu.example",
            "--purpose",
            "aa:101",
            "--op",
            "view",
            "--fields",
            "/name",
            "a.txt",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_no_secret(&o, "decide, trust store");

    // pseudonymise: a policy with a key as a number, a name as an enum value.
    std::fs::write(d.join("in.jsonl"), "{\"name\": \"x\"}\n").unwrap();
    std::fs::write(d.join("master.key"), "00".repeat(32)).unwrap();
    for (i, policy) in [
        format!(r#"{{"domain":{KEY_DIGITS},"unlisted":"drop","fields":{{}}}}"#),
        format!(r#"{{"domain":"d","unlisted":"{NAME}","fields":{{}}}}"#),
        format!(r#"{{"domain":"d","unlisted":"drop","fields":{{"/name":{{"type":{AADHAAR},"transform":"drop"}}}}}}"#),
    ]
    .iter()
    .enumerate()
    {
        std::fs::write(d.join("p.json"), policy).unwrap();
        let o = run(
            &["pseudonymise", "--policy", "p.json", "--key", "master.key", "--in", "in.jsonl",
              "--out", "out.jsonl"],
            &d,
        );
        assert_eq!(o.status.code(), Some(2), "policy {i}");
        assert_eq!(stderr_json(&o)["code"], "policy_malformed", "policy {i}");
        assert_no_secret(&o, &format!("pseudonymise, policy {i}"));
    }

    // ledger append --stdin: a numeric `sub`, a name as the event kind.
    let events = format!(
        "{{\"event\":\"withdrawn\",\"sub\":{AADHAAR},\"cti\":\"AAAAAAAAAAAAAAAAAAAAAA\"}}\n\
         {{\"event\":\"{NAME}\",\"sub\":\"pp-1\",\"cti\":\"AAAAAAAAAAAAAAAAAAAAAA\"}}\n\
         {{\"event\":\"withdrawn\",\"sub\":\"pp-1\",\"cti\":{KEY_DIGITS}}}\n"
    );
    let o = run_stdin(
        &["ledger", "append", "--ledger", "l.bin", "--stdin"],
        &d,
        &events,
    );
    assert_ne!(o.status.code(), Some(0));
    assert_no_secret(&o, "ledger append --stdin");

    // filter: a decision with a secret where a number and a selector belong.
    std::fs::write(
        d.join("dec.json"),
        format!(r#"{{"allowed":true,"fields":["/name"],"transforms":{{}},"eraseBy":"{NAME}"}}"#),
    )
    .unwrap();
    let o = run(
        &[
            "filter",
            "--decision",
            "dec.json",
            "--in",
            "in.jsonl",
            "--out",
            "f.jsonl",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(2));
    assert_no_secret(&o, "filter --decision");
}
