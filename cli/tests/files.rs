//! Issue 13 attacks on files, inputs, keys and the command line, performed through the binary:
//! hijacked temporaries and outputs (item 5), unbounded lines (item 10), key hygiene (item 13),
//! usage errors (item 16).
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

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn chmod(p: &Path, m: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
}

#[cfg(unix)]
fn inode(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(p).unwrap().ino()
}

const VICTIM: &[u8] = b"someone else's file: must not change\n";

/// A victim file outside the working directory, and its path.
fn victim(d: &Path) -> PathBuf {
    let v = d.join("victim").join("precious.txt");
    std::fs::create_dir_all(v.parent().unwrap()).unwrap();
    std::fs::write(&v, VICTIM).unwrap();
    v
}

/// The last process id the kernel handed out (Linux), to guess the child's pid as an attacker
/// would.
fn last_pid() -> u32 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().last()?.parse().ok())
        .unwrap_or(std::process::id())
}

/// Plants symlinks to `target` at every name the old CLI used for temporaries of `out` for the
/// next `n` process ids: `.<out>.partial-<pid>` and `.<out>.tmp-<pid>`.
#[cfg(unix)]
fn plant_pid_symlinks(dir: &Path, out: &str, target: &Path, n: u32) {
    let from = last_pid();
    for pid in from..from + n {
        for pattern in ["partial", "tmp"] {
            let _ = std::os::unix::fs::symlink(target, dir.join(format!(".{out}.{pattern}-{pid}")));
        }
    }
}

/// Every entry of `dir` except the planted symlinks: no temporary may be left behind.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_type().unwrap().is_symlink())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

const POLICY: &str = r#"{"domain":"tn.health/research","unlisted":"keep","fields":{
    "aadhaar":{"type":"aadhaar","transform":"ff1"},
    "name":{"type":"name","transform":"pseudonym"},
    "mobile":{"type":"mobile","transform":"token"}}}"#;

/// A directory with a master key, a policy and a small CSV file.
fn pseudo_dir(name: &str) -> PathBuf {
    let d = tmp(name);
    assert!(run(&["key", "master", "--out", "m.key"], &d)
        .status
        .success());
    std::fs::write(d.join("p.json"), POLICY).unwrap();
    std::fs::write(
        d.join("in.csv"),
        "name,aadhaar,mobile,ward\nMeena,234567890124,9876543210,4\nRavi,234567890124,9876500000,5\n",
    )
    .unwrap();
    d
}

// ---- item 5: temporary and output files cannot be hijacked ----

#[cfg(unix)]
#[test]
fn pseudonymise_and_reverse_ignore_symlinks_planted_at_old_temp_names_and_destination() {
    let d = pseudo_dir("hijack-pseudo");
    let v = victim(&d);
    plant_pid_symlinks(&d, "out.csv", &v, 400);
    plant_pid_symlinks(&d, "back.csv", &v, 400);
    std::os::unix::fs::symlink(&v, d.join("out.csv")).unwrap();
    std::os::unix::fs::symlink(&v, d.join("back.csv")).unwrap();
    let args = |i: &'static str, o: &'static str, rev: bool| {
        let mut a = vec![
            "pseudonymise",
            "--policy",
            "p.json",
            "--key",
            "m.key",
            "--in",
            i,
            "--out",
            o,
        ];
        if rev {
            a.push("--reverse");
        }
        a
    };
    let o = run(&args("in.csv", "out.csv", false), &d);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&v).unwrap(),
        VICTIM,
        "pseudonymised output hijacked"
    );
    let o = run(&args("out.csv", "back.csv", true), &d);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&v).unwrap(),
        VICTIM,
        "the symlink target changed"
    );
    for out in ["out.csv", "back.csv"] {
        let meta = std::fs::symlink_metadata(d.join(out)).unwrap();
        assert!(meta.file_type().is_file(), "{out} is still a symlink");
        assert_eq!(mode(&d.join(out)), 0o600, "{out}");
    }
    let back = std::fs::read_to_string(d.join("back.csv")).unwrap();
    assert!(back.contains("234567890124,+919876543210"), "{back}");
    assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
}

#[cfg(unix)]
#[test]
fn failed_pseudonymise_leaves_no_output_and_no_temporary() {
    let d = pseudo_dir("hijack-fail");
    std::fs::write(
        d.join("bad.csv"),
        "name,aadhaar,mobile,ward\nMeena,234567890123,9876543210,4\n",
    )
    .unwrap();
    let o = run(
        &[
            "pseudonymise",
            "--policy",
            "p.json",
            "--key",
            "m.key",
            "--in",
            "bad.csv",
            "--out",
            "out.csv",
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(!d.join("out.csv").exists());
    assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
}

#[cfg(unix)]
#[test]
fn filter_output_ignores_symlinks_at_old_temp_names_and_destination_and_is_0600() {
    let d = tmp("hijack-filter");
    let v = victim(&d);
    std::fs::write(
        d.join("permit.json"),
        r#"{"allowed":true,"fields":["/name"],"transforms":{},"eraseBy":4102444800}"#,
    )
    .unwrap();
    std::fs::write(
        d.join("in.jsonl"),
        "{\"name\":\"Meena\",\"aadhaar\":\"234567890124\"}\n",
    )
    .unwrap();
    plant_pid_symlinks(&d, "o.jsonl", &v, 400);
    std::os::unix::fs::symlink(&v, d.join("o.jsonl")).unwrap();
    let o = run(
        &[
            "filter",
            "--decision",
            "permit.json",
            "--in",
            "in.jsonl",
            "--out",
            "o.jsonl",
        ],
        &d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&v).unwrap(), VICTIM);
    assert!(std::fs::symlink_metadata(d.join("o.jsonl"))
        .unwrap()
        .file_type()
        .is_file());
    assert_eq!(
        std::fs::read_to_string(d.join("o.jsonl")).unwrap(),
        "{\"name\":\"Meena\"}\n"
    );
    assert_eq!(mode(&d.join("o.jsonl")), 0o600);
    assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
}

#[cfg(unix)]
#[test]
fn key_new_and_master_refuse_an_existing_file_or_symlink_without_force() {
    let d = tmp("key-noclobber");
    let v = victim(&d);
    // A dangling symlink: the old code's O_CREAT|O_EXCL refused it too, but the refusal must
    // hold for a symlink to an existing file and for a regular file.
    std::os::unix::fs::symlink(d.join("nowhere"), d.join("dangling.pem")).unwrap();
    std::os::unix::fs::symlink(&v, d.join("link.pem")).unwrap();
    std::fs::write(d.join("file.pem"), b"old").unwrap();
    for out in ["dangling.pem", "link.pem", "file.pem"] {
        for cmd in [&["key", "new"][..], &["key", "master"][..]] {
            let mut args = cmd.to_vec();
            args.extend(["--out", out]);
            let o = run(&args, &d);
            assert_eq!(o.status.code(), Some(2), "{out}: {}", stderr(&o));
            assert_eq!(stderr_json(&o)["code"], "cli_io");
            assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
        }
    }
    assert!(!d.join("nowhere").exists());
    assert_eq!(std::fs::read(&v).unwrap(), VICTIM);
    assert_eq!(std::fs::read(d.join("file.pem")).unwrap(), b"old");
    assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
}

#[cfg(unix)]
#[test]
fn key_force_writes_a_new_inode_an_old_reader_keeps_the_old_key() {
    use std::io::Read as _;
    let d = tmp("key-force");
    for (cmd, out) in [("new", "k.pem"), ("master", "m.key")] {
        assert!(run(&["key", cmd, "--out", out], &d).status.success());
        let old = std::fs::read(d.join(out)).unwrap();
        let old_inode = inode(&d.join(out));
        // Someone loosened the mode meanwhile: --force must not inherit it.
        chmod(&d.join(out), 0o644);
        let mut reader = std::fs::File::open(d.join(out)).unwrap();
        let o = run(&["key", cmd, "--out", out, "--force"], &d);
        assert!(o.status.success(), "{}", stderr(&o));
        let new = std::fs::read(d.join(out)).unwrap();
        assert_ne!(new, old, "{cmd}: a new key");
        assert_ne!(
            inode(&d.join(out)),
            old_inode,
            "{cmd}: replaced, not truncated"
        );
        assert_eq!(mode(&d.join(out)), 0o600);
        let mut seen = Vec::new();
        reader.read_to_end(&mut seen).unwrap();
        assert_eq!(seen, old, "{cmd}: an open handle still reads the old key");
    }
    // --force over a symlink replaces the link; its target is untouched.
    let v = victim(&d);
    std::os::unix::fs::symlink(&v, d.join("l.pem")).unwrap();
    assert!(run(&["key", "new", "--out", "l.pem", "--force"], &d)
        .status
        .success());
    assert_eq!(std::fs::read(&v).unwrap(), VICTIM);
    assert!(std::fs::symlink_metadata(d.join("l.pem"))
        .unwrap()
        .file_type()
        .is_file());
    assert_eq!(mode(&d.join("l.pem")), 0o600);
    assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
}

#[cfg(unix)]
#[test]
fn status_list_write_ignores_symlinks_at_old_temp_names_and_destination() {
    let d = tmp("hijack-status");
    let v = victim(&d);
    assert!(run(&["key", "new", "--out", "k.pem"], &d).status.success());
    plant_pid_symlinks(&d, "list.cwt", &v, 400);
    std::os::unix::fs::symlink(&v, d.join("list.cwt")).unwrap();
    let o = run(
        &[
            "status",
            "new",
            "--key",
            "k.pem",
            "--size",
            "16",
            "--uri",
            "https://cm.example/l/1",
            "--out",
            "list.cwt",
            "--now",
            "1800000000",
        ],
        &d,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&v).unwrap(), VICTIM);
    assert!(std::fs::symlink_metadata(d.join("list.cwt"))
        .unwrap()
        .file_type()
        .is_file());
    assert!(leftovers(&d).is_empty(), "{:?}", leftovers(&d));
}

// ---- item 10: bounded line and stdin reads ----

const CLAIMS: &str = r#"{"iss":"cm.example","sub":"pp-123","aud":["tn.health"],"exp":1900000000,
 "consent":{"v":1,"basis":"consent","notice":{"id":"n1","sha256":"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s","lang":"ta-IN"},
 "purposes":[{"purpose":"aa:101","fields":["/name"],"mode":"view"}]}}"#;

/// A key, its trust file and one issued artefact.
fn issued(name: &str, alg: &str) -> (PathBuf, String) {
    let d = tmp(name);
    key_and_trust(&d, "k.pem", &["--alg", alg]);
    let art = issue_into(&d, "k.pem", CLAIMS, "a.txt");
    (d, art)
}

const VERIFY: [&str; 6] = [
    "verify",
    "--trust",
    "trust.json",
    "--aud",
    "tn.health",
    "--now=1800000100",
];

#[test]
fn verify_batch_rejects_an_overlong_and_a_non_utf8_line_and_goes_on_in_order() {
    let (d, art) = issued("batch-lines", "ed25519");
    let mut batch = Vec::new();
    batch.extend_from_slice(format!("{art}\n").as_bytes());
    batch.extend(std::iter::repeat_n(b'A', 1 << 20)); // a 1 MiB line
    batch.push(b'\n');
    batch.extend_from_slice(format!("{art}\r\n").as_bytes());
    batch.extend_from_slice(b"\xff\xfe not utf-8 \xc3\x28\n");
    batch.extend_from_slice(b"\n");
    batch.extend_from_slice(art.as_bytes()); // no final newline
    std::fs::write(d.join("batch.txt"), &batch).unwrap();
    for source in ["file", "stdin"] {
        let mut args = VERIFY.to_vec();
        let o = if source == "file" {
            args.extend(["--batch", "batch.txt"]);
            run(&args, &d)
        } else {
            args.extend(["--batch", "-"]);
            run_stdin(&args, &d, batch.clone())
        };
        assert_eq!(o.status.code(), Some(1), "{source}: {}", stderr(&o));
        let lines: Vec<serde_json::Value> = String::from_utf8(o.stdout.clone())
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 5, "{source}: {lines:?}");
        let at: Vec<u64> = lines.iter().map(|l| l["line"].as_u64().unwrap()).collect();
        assert_eq!(at, [1, 2, 3, 4, 6], "{source}");
        assert_eq!(lines[1]["code"], "input_too_large");
        assert_eq!(lines[1]["verified"], false);
        assert_eq!(lines[3]["code"], "invalid_utf8");
        assert_eq!(lines[3]["verified"], false);
        for i in [0, 2, 4] {
            assert_eq!(lines[i]["claims"]["sub"], "pp-123", "{source}: {i}");
        }
        assert!(
            stderr(&o).contains("3 valid, 2 rejected, 1 blank"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn a_huge_stdin_or_file_artefact_is_refused_with_input_too_large() {
    let (d, _) = issued("huge-stdin", "ed25519");
    let huge = vec![b'A'; 16 << 20];
    let mut args = VERIFY.to_vec();
    args.push("-");
    let o = run_stdin(&args, &d, huge.clone());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stderr_json(&o)["code"], "input_too_large");
    let o = run_stdin(&["inspect", "-"], &d, huge);
    assert_eq!(stderr_json(&o)["code"], "input_too_large");
    std::fs::write(d.join("big.txt"), vec![b'A'; 4 << 20]).unwrap();
    let mut args = VERIFY.to_vec();
    args.push("big.txt");
    let o = run(&args, &d);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stderr_json(&o)["code"], "input_too_large");
}

// ---- item 13: key hygiene ----

#[test]
fn an_off_curve_p256_jwk_in_the_trust_file_is_refused() {
    let (d, art) = issued("off-curve", "es256");
    let jwks: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("trust.json")).unwrap()).unwrap();
    let mut key = jwks["keys"][0].clone();
    // The attack: keep x and the kid, change y so the point leaves the curve.
    let mut y = consentry::b64::decode(key["y"].as_str().unwrap()).unwrap();
    y[31] ^= 1;
    key["y"] = serde_json::json!(consentry::b64::encode(&y));
    std::fs::write(
        d.join("off.json"),
        serde_json::json!({ "keys": [key] }).to_string(),
    )
    .unwrap();
    let o = run(
        &[
            "verify",
            "--trust",
            "off.json",
            "--aud",
            "tn.health",
            "--now",
            "1800000100",
            &art,
        ],
        &d,
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr_json(&o);
    assert_eq!(e["code"], "key_not_on_curve");
    assert!(e["message"].as_str().unwrap().contains("off.json"));
    let zero = serde_json::json!({"kty": "EC", "crv": "P-256",
        "x": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "y": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"});
    std::fs::write(d.join("zero.json"), zero.to_string()).unwrap();
    let mut args = VERIFY.to_vec();
    args[2] = "zero.json";
    args.push(&art);
    let o = run(&args, &d);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(stderr_json(&o)["code"], "key_not_on_curve");
}

#[cfg(unix)]
#[test]
fn an_all_zero_or_all_same_byte_master_key_is_refused() {
    let d = pseudo_dir("weak-master");
    for weak in ["00".repeat(32), "ab".repeat(32)] {
        std::fs::write(d.join("weak.key"), format!("{weak}\n")).unwrap();
        chmod(&d.join("weak.key"), 0o600);
        let o = run(
            &[
                "pseudonymise",
                "--policy",
                "p.json",
                "--key",
                "weak.key",
                "--in",
                "in.csv",
                "--out",
                "out.csv",
            ],
            &d,
        );
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert_eq!(stderr_json(&o)["code"], "master_key_weak");
        assert!(!stderr(&o).contains(&weak));
        assert!(!d.join("out.csv").exists());
    }
}

#[cfg(unix)]
#[test]
fn a_group_or_world_readable_key_file_draws_a_warning() {
    let d = pseudo_dir("key-mode");
    assert!(run(&["key", "new", "--out", "k.pem"], &d).status.success());
    let o = run(&["key", "public", "--key", "k.pem"], &d);
    assert!(o.status.success());
    assert!(
        !stderr(&o).contains("key_file_permissions"),
        "{}",
        stderr(&o)
    );
    chmod(&d.join("k.pem"), 0o644);
    let o = run(&["key", "public", "--key", "k.pem"], &d);
    assert!(o.status.success(), "a warning, not an error");
    let warning: serde_json::Value =
        serde_json::from_str(stderr(&o).lines().next().unwrap()).unwrap();
    assert_eq!(warning["warning"], "key_file_permissions");
    assert!(warning["message"].as_str().unwrap().contains("0644"));
    // The master key too (read by pseudonymise and filter --policy).
    chmod(&d.join("m.key"), 0o640);
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
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("key_file_permissions"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("m.key"));
}

// ---- item 16: usage errors ----

#[test]
fn usage_errors_are_json_on_stderr_and_help_and_version_stay_text() {
    let d = tmp("usage");
    for args in [
        &["verify", "--bogus"][..],
        &["key", "new", "--alg", "rsa", "--out", "x"][..],
        &[][..],
        &["key"][..],
        &["frobnicate"][..],
        &["status", "new", "--bits", "3000"][..],
        &[
            "verify", "--trust", "t", "--aud", "a", "--batch", "b", "art",
        ][..],
        &["pseudonymise", "--policy", "p", "234567890124"][..],
        &["verify", "--aadhaar=234567890124"][..],
        &["verify", "-Z234567890124"][..],
    ] {
        let o = run(args, &d);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
        let s = stderr(&o);
        assert_eq!(s.lines().count(), 1, "{args:?}: {s}");
        let e = stderr_json(&o);
        assert_eq!(e["code"], "cli_usage", "{args:?}");
        let m = e["message"].as_str().unwrap();
        assert!(!m.is_empty() && !m.ends_with('.'), "{m}");
        assert!(!m.contains("234567890124"), "a value is never echoed: {m}");
    }
    for args in [
        &["--help"][..],
        &["verify", "--help"][..],
        &["--version"][..],
    ] {
        let o = run(args, &d);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(o.stderr.is_empty(), "{args:?}");
        let out = String::from_utf8(o.stdout).unwrap();
        assert!(serde_json::from_str::<serde_json::Value>(&out).is_err());
        assert!(out.contains("consentry") || out.contains("Usage"), "{out}");
    }
}
