//! `consentry demo`: an end-to-end tour on built-in sample data. Deterministic (fixed keys and
//! times), writes nothing to disk.

use std::process::ExitCode;

use consentry::{Claims, Cti, Grant, HasCode, Mode, Notice, SigningKey, TrustStore, Verifier};

use crate::util::{CliError, EXIT_ERROR};

/// 2026-01-01T00:00:00Z: the sample artefact's issue time.
const ISSUED: i64 = 1_767_225_600;
const DAY: i64 = 86_400;

fn fail<E: HasCode + std::fmt::Display>(e: E) -> CliError {
    CliError::core(&e, EXIT_ERROR)
}

fn sample_claims() -> Result<Claims, CliError> {
    Claims::builder("cm.tn.gov.in", "pp-4f1c9e2ab7", "tn.health.dept")
        .issued_at(ISSUED)
        .expires(ISSUED + 365 * DAY)
        .cti(Cti(*b"demo-artefact-01"))
        .status(4242, "https://cm.tn.gov.in/status/1")
        .notice(Notice {
            id: "notice-health-2026-01".into(),
            sha256: consentry_notice_hash(),
            lang: "ta-IN".into(),
        })
        .grant(
            Grant::new("abdm:CAREMGT", ["/name", "/dob", "/diagnosis"], Mode::View)
                .data_life(DAY as u64)
                .transform("/name", "pseudonym"),
        )
        .grant(
            Grant::new("abdm:PUBHLTH", ["/pincode", "/dob"], Mode::Store).frequency(10, DAY as u64),
        )
        .grant(Grant::new(
            "dpdp:7(b)",
            ["/ration_card/*/member_count"],
            Mode::Query,
        ))
        .build()
        .map_err(fail)
}

/// SHA-256 of the sample notice text, so the artefact commits to what was shown.
fn consentry_notice_hash() -> [u8; 32] {
    let d = ring::digest::digest(
        &ring::digest::SHA256,
        "உங்கள் சுகாதார தரவு சிகிச்சைக்காக மட்டுமே பயன்படுத்தப்படும் (your health data is used for your care only)".as_bytes(),
    );
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

pub(crate) fn run() -> Result<ExitCode, CliError> {
    let rng = ring::rand::SystemRandom::new();
    println!("consentry demo: a tour on built-in sample data (nothing is written to disk)\n");

    let issuer =
        SigningKey::from_ed25519_seed(b"consentry demo issuer key seed!!").map_err(fail)?;
    let kid = consentry::b64::encode(&issuer.verifying_key().thumbprint());
    println!("1. The consent manager cm.tn.gov.in has an Ed25519 key");
    println!("   kid (RFC 9679 thumbprint): {kid}\n");

    let claims = sample_claims()?;
    let artefact = consentry::issue(&claims, &issuer, &rng).map_err(fail)?;
    let text = consentry::b64::encode(&artefact);
    println!("2. Principal pp-4f1c9e2ab7 consents; the manager issues a signed artefact");
    println!("   for tn.health.dept, valid 365 days, notice shown in ta-IN:");
    for g in &claims.consent.purposes {
        let mut extra = Vec::new();
        if let Some(d) = g.data_life {
            extra.push(format!("keep {} h", d / 3600));
        }
        if let Some(f) = g.frequency {
            extra.push(format!("at most {} uses per {} h", f.max, f.per / 3600));
        }
        for (sel, t) in g.transforms.iter().flatten() {
            extra.push(format!("{sel} via {t}"));
        }
        println!(
            "     {:<13} {:<6} {}{}",
            g.purpose,
            g.mode.as_str(),
            g.fields.join(" "),
            if extra.is_empty() {
                String::new()
            } else {
                format!("  ({})", extra.join("; "))
            }
        );
    }
    println!(
        "   {} bytes of COSE_Sign1 / CWT; as text: {}…\n",
        artefact.len(),
        text.get(..48).unwrap_or(&text)
    );

    let mut trust = TrustStore::new();
    trust.add(issuer.verifying_key().clone()).map_err(fail)?;
    let verifier = Verifier::new(trust);
    let now = ISSUED + DAY;
    let ok = verifier
        .verify(&artefact, "tn.health.dept", now)
        .map_err(fail)?;
    println!("3. tn.health.dept verifies it offline, one day later");
    println!(
        "   ok: signature ({}), header, strict claims, validity window, audience; status list: {}\n",
        ok.alg.name(),
        match ok.status {
            consentry::StatusCheck::NoStatusClaim => "none in the artefact",
            _ => "named, checked with the list in step 5",
        }
    );

    println!("4. What is refused, each with its stable code");
    let mut flipped = artefact.clone();
    if let Some(b) = flipped.get_mut(artefact.len() / 2) {
        *b ^= 0x01;
    }
    let stranger = SigningKey::from_ed25519_seed(&[0x42; 32]).map_err(fail)?;
    let forged = consentry::issue(&claims, &stranger, &rng).map_err(fail)?;
    let cases: [(&str, &[u8], &str, i64); 5] = [
        (
            "one bit flipped in transit",
            &flipped,
            "tn.health.dept",
            now,
        ),
        ("presented to tn.police", &artefact, "tn.police", now),
        (
            "checked after expiry",
            &artefact,
            "tn.health.dept",
            ISSUED + 400 * DAY,
        ),
        ("signed by an unknown key", &forged, "tn.health.dept", now),
        (
            "truncated",
            artefact.get(..artefact.len() - 10).unwrap_or_default(),
            "tn.health.dept",
            now,
        ),
    ];
    for (what, bytes, aud, at) in cases {
        match verifier.verify(bytes, aud, at) {
            Ok(_) => println!("   UNEXPECTED: accepted when {what}"),
            Err(e) => println!("   refused {what:<28} {:<20} {e}", e.code().as_str()),
        }
    }
    purpose_and_withdrawal(&verifier, &issuer, &artefact, now)?;
    println!(
        "\nNext: `consentry key new`, `issue`, `verify`, `decide`, `pseudonymise` (see README.md)."
    );
    Ok(ExitCode::SUCCESS)
}

const DEMO_POLICY: &str = r#"{"domain": "tn.health/research-2026", "unlisted": "drop", "fields": {
    "name":    {"type": "name", "transform": "pseudonym"},
    "aadhaar": {"type": "aadhaar", "transform": "ff1"},
    "mobile":  {"type": "mobile", "transform": "token"},
    "dob":     {"type": "date", "transform": "generalise", "params": {"to": "year"}},
    "pincode": {"type": "pincode", "transform": "generalise", "params": {"digits": 3}}}}"#;

/// Synthetic rows (Verhoeff-valid Aadhaar numbers that belong to no one).
fn pseudonymise_rows(p: &consentry::Pseudonymiser) -> Result<(), CliError> {
    println!("\n7. A department pseudonymises rows before sharing (keyed, per domain, reversible where allowed)");
    let header = ["name", "aadhaar", "mobile", "dob", "pincode"];
    let plan = p.csv_plan(&header).map_err(fail)?;
    let synthetic = |first11: &str| {
        consentry::ids::verhoeff_check_digit(first11)
            .map(|d| format!("{first11}{d}"))
            .unwrap_or_default()
    };
    let (a1, a2) = (synthetic("23456789012"), synthetic("34567890123"));
    for row in [
        [
            "Meena R",
            a1.as_str(),
            "+91 98765 43210",
            "1988-04-12",
            "600042",
        ],
        ["Arun K", a2.as_str(), "9123456780", "1990-11-30", "641001"],
        [
            "Arun  K ",
            a2.as_str(),
            "+919123456780",
            "1990-11-30",
            "641001",
        ],
    ] {
        match plan.apply_row(&row) {
            Ok(out) => println!(
                "   {:<32} -> {}",
                row.first().copied().unwrap_or_default(),
                out.join(", ")
            ),
            Err(e) => println!("   row refused ({}): {e}", consentry::HasCode::code(&e)),
        }
    }
    let bad = [
        "Devi S",
        "234567890123",
        "9123456781",
        "1991-01-01",
        "600001",
    ];
    if let Err(e) = plan.apply_row(&bad) {
        println!(
            "   a mistyped aadhaar is refused, never passed through: {} {e}",
            consentry::HasCode::code(&e)
        );
    }
    Ok(())
}

fn show(d: &consentry::Decision) -> String {
    match d {
        consentry::Decision::Permit(p) => {
            let fields: Vec<String> = p.fields.iter().map(ToString::to_string).collect();
            let t: Vec<String> = p
                .transforms
                .iter()
                .map(|(k, v)| format!("{k} via {v}"))
                .collect();
            format!(
                "PERMIT {}{}; erase by {}",
                fields.join(" "),
                if t.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", t.join(", "))
                },
                p.erase_by
            )
        }
        _ => {
            let codes: Vec<&str> = d.reasons().iter().map(|r| r.code.as_str()).collect();
            format!("DENY {}", codes.join(", "))
        }
    }
}

fn purpose_and_withdrawal(
    verifier: &Verifier,
    issuer: &SigningKey,
    artefact: &[u8],
    now: i64,
) -> Result<(), CliError> {
    use consentry::status::{StatusList, StatusListToken, StatusValue};
    use consentry::{interop, Mode, Request};
    let rng = ring::rand::SystemRandom::new();
    let taxonomy = interop::taxonomy_with(&[])
        .map_err(|e| CliError::core_code(e.code(), e.message, EXIT_ERROR))?;
    let ask = |purpose: &str,
               op: Mode,
               fields: &[&str],
               list: Option<&[u8]>|
     -> Result<consentry::Decision, CliError> {
        // Two uses so far in the frequency window: the recipient keeps that count.
        let req = Request::new("tn.health.dept", purpose, op, fields, now)
            .map_err(|e| CliError::usage(&e.to_string()))?
            .with_uses(2);
        interop::decide_with(verifier, &taxonomy, artefact, &req, list)
            .map_err(|e| CliError::core_code(e.code(), e.message, EXIT_ERROR))
    };
    // The manager publishes a status list; the artefact sits at index 4242.
    let mut list = StatusList::new(10_000, 2).map_err(fail)?;
    let token = |list: &StatusList| {
        StatusListToken {
            sub: "https://cm.tn.gov.in/status/1".into(),
            iat: now,
            exp: None,
            ttl: Some(3_600),
            list: list.clone(),
        }
        .sign(issuer, &rng)
        .map_err(fail)
    };
    let before = token(&list)?;
    println!(
        "\n5. Before data moves, tn.health.dept fetches the status list and asks: may I ... ?"
    );
    let cases: [(&str, &str, Mode, &[&str]); 4] = [
        (
            "view name, diagnosis, phone for care",
            "abdm:CAREMGT",
            Mode::View,
            &["/name", "/diagnosis", "/phone"],
        ),
        (
            "store pincode for public health",
            "abdm:PUBHLTH",
            Mode::Store,
            &["/pincode"],
        ),
        (
            "store diagnosis for care (view only)",
            "abdm:CAREMGT",
            Mode::Store,
            &["/diagnosis"],
        ),
        (
            "use dob for targeted ads",
            "svc:marketing/targeted-ads",
            Mode::View,
            &["/dob"],
        ),
    ];
    for (what, purpose, op, fields) in cases {
        println!(
            "   {what:<40} {}",
            show(&ask(purpose, op, fields, Some(&before))?)
        );
    }

    let record = serde_json::json!({"name": "Meena R", "dob": "1988-04-12", "pincode": "600042",
                                    "phone": "+919876543210", "diagnosis": "J45"});
    // The department's pseudonymisation policy: per-domain keys from one master key.
    let master = consentry::MasterKey::from_bytes(*b"consentry demo master key 32 b!!");
    let policy = consentry::Policy::from_json(DEMO_POLICY).map_err(fail)?;
    let pseudonymiser = consentry::Pseudonymiser::new(&policy, &master).map_err(fail)?;
    for (what, purpose, op, fields) in [
        (
            "the care permit",
            "abdm:CAREMGT",
            Mode::View,
            &["/name", "/diagnosis"][..],
        ),
        (
            "the public-health permit",
            "abdm:PUBHLTH",
            Mode::Store,
            &["/pincode", "/dob"][..],
        ),
    ] {
        if let Some(p) = ask(purpose, op, fields, Some(&before))?.permit() {
            let out = p.filter(&record, &pseudonymiser).map_err(fail)?;
            println!("   {what} applied to a record: {out}");
        }
    }

    println!("\n6. The principal withdraws: one bit in the manager's status list, re-signed");
    list.set(4242, StatusValue::Invalid).map_err(fail)?;
    let after = token(&list)?;
    println!(
        "   store pincode for public health, now: {} ({} bytes list)",
        show(&ask(
            "abdm:PUBHLTH",
            Mode::Store,
            &["/pincode"],
            Some(&after)
        )?),
        after.len()
    );
    pseudonymise_rows(&pseudonymiser)
}
