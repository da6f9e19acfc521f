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
            _ => "named but not supplied (withdrawal checks arrive with status lists)",
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
    println!("\nNext: `consentry key new`, `consentry issue`, `consentry verify` (see README.md).");
    Ok(ExitCode::SUCCESS)
}
