//! `consentry status new|set|get|verify`: Token Status Lists on disk (the signed CWT bytes).

use std::path::Path;
use std::process::ExitCode;

use consentry::status::{
    StatusList, StatusListOptions, StatusListToken, StatusValue, VerifiedStatusList,
};

use crate::util::{self, CliError, EXIT_ERROR, EXIT_REJECTED};

fn status_err(e: &consentry::StatusError, exit: u8) -> CliError {
    CliError::core(e, exit)
}

/// Creates a list of `size` entries, all VALID, signs it and writes it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn new(
    key: &Path,
    size: u64,
    bits: u8,
    uri: &str,
    out: &Path,
    ttl: Option<u64>,
    exp: Option<i64>,
    now: Option<i64>,
) -> Result<ExitCode, CliError> {
    let rng = ring::rand::SystemRandom::new();
    let sk = util::load_signing_key(key, &rng)?;
    let list = StatusList::new(size, bits).map_err(|e| status_err(&e, EXIT_ERROR))?;
    let token = StatusListToken {
        sub: uri.to_owned(),
        iat: util::now_or(now)?,
        exp,
        ttl,
        list,
    };
    let bytes = token
        .sign(&sk, &rng)
        .map_err(|e| status_err(&e, EXIT_ERROR))?;
    util::write_atomic(out, &bytes)?;
    eprintln!(
        "wrote status list {uri} to {} ({} entries, {bits} bit(s) each, {} bytes signed)",
        out.display(),
        token.list.len(),
        bytes.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Reads a list file, signed by `key`'s public key, for the issuer to update.
fn read_own(
    list: &Path,
    key: &consentry::SigningKey,
    now: i64,
) -> Result<StatusListToken, CliError> {
    let bytes = util::read_file(list)?;
    let mut trust = consentry::TrustStore::new();
    trust
        .add(key.verifying_key().clone())
        .map_err(|e| CliError::core(&e, EXIT_ERROR))?;
    StatusListToken::verify(&bytes, &trust, now, &StatusListOptions::default())
        .map(|v| v.token)
        .map_err(|e| {
            let mut err = status_err(&e, EXIT_ERROR);
            err.message = format!(
                "`{}` is not a status list signed by this key: {}",
                list.display(),
                err.message
            );
            err
        })
}

/// Sets one entry and re-signs the list (`iat` = now). The file is replaced atomically.
pub(crate) fn set(
    list: &Path,
    key: &Path,
    idx: u64,
    value: &str,
    now: Option<i64>,
) -> Result<ExitCode, CliError> {
    let rng = ring::rand::SystemRandom::new();
    let sk = util::load_signing_key(key, &rng)?;
    let now = util::now_or(now)?;
    let value = StatusValue::from_name(value).ok_or_else(|| {
        CliError::usage("--value must be valid, invalid (revoked), suspended or a number")
    })?;
    let mut token = read_own(list, &sk, now)?;
    let before = token
        .list
        .get(idx)
        .map_err(|e| status_err(&e, EXIT_ERROR))?;
    token
        .list
        .set(idx, value)
        .map_err(|e| status_err(&e, EXIT_ERROR))?;
    token.iat = now;
    let bytes = token
        .sign(&sk, &rng)
        .map_err(|e| status_err(&e, EXIT_ERROR))?;
    util::write_atomic(list, &bytes)?;
    eprintln!(
        "index {idx}: {} -> {}; list re-signed ({} bytes)",
        before.name(),
        value.name(),
        bytes.len()
    );
    Ok(ExitCode::SUCCESS)
}

fn status_json(idx: u64, v: StatusValue) -> serde_json::Value {
    serde_json::json!({ "idx": idx, "status": v.name(), "value": v.as_u8() })
}

/// Prints one entry. With `--trust` the list is verified first; without, it is only decoded.
pub(crate) fn get(
    list: &Path,
    idx: u64,
    trust: Option<&Path>,
    now: Option<i64>,
) -> Result<ExitCode, CliError> {
    let bytes = util::read_file(list)?;
    let opts = StatusListOptions::default();
    let (token, verified) = match trust {
        Some(t) => (verify_list(&bytes, t, util::now_or(now)?)?.token, true),
        None => (
            StatusListToken::decode_unverified(&bytes, &opts)
                .map_err(|e| status_err(&e, EXIT_REJECTED))?,
            false,
        ),
    };
    let v = token
        .list
        .get(idx)
        .map_err(|e| status_err(&e, EXIT_ERROR))?;
    let out = util::with_members(
        status_json(idx, v),
        &[("verified", verified.into()), ("uri", token.sub.into())],
    );
    println!("{out}");
    if !verified {
        eprintln!("NOTE: the list's signature was NOT checked; pass --trust JWKS.json to check it");
    }
    Ok(ExitCode::SUCCESS)
}

/// Verifies a list file against a trust store.
pub(crate) fn verify_list(
    bytes: &[u8],
    trust: &Path,
    now: i64,
) -> Result<VerifiedStatusList, CliError> {
    let store = util::load_trust(trust)?;
    StatusListToken::verify(bytes, &store, now, &StatusListOptions::default())
        .map_err(|e| status_err(&e, EXIT_REJECTED))
}

/// `status verify`: prints a summary of a verified list.
pub(crate) fn verify(list: &Path, trust: &Path, now: Option<i64>) -> Result<ExitCode, CliError> {
    let bytes = util::read_file(list)?;
    let v = verify_list(&bytes, trust, util::now_or(now)?)?;
    let counts = v.token.counts();
    let count = |i: usize| counts.get(i).copied().unwrap_or(0);
    let out = serde_json::json!({
        "verified": true,
        "uri": v.token.sub,
        "kid": consentry::b64::encode(&v.kid),
        "bits": v.token.list.bits(),
        "entries": v.token.list.len(),
        "iat": v.token.iat,
        "exp": v.token.exp,
        "ttl": v.token.ttl,
        "freshness": v.freshness.to_json_value(),
        "counts": { "valid": count(0), "invalid": count(1), "suspended": count(2),
                    "other": counts.iter().skip(3).sum::<u64>() },
    });
    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    Ok(ExitCode::SUCCESS)
}

/// What `withdraw` records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Action {
    /// Consent withdrawn: status INVALID (revoked), event `withdrawn`.
    Withdraw,
    /// Consent paused: status SUSPENDED, event `suspended`.
    Suspend,
    /// A pause lifted: status VALID, event `resumed`.
    Resume,
}

/// The one-step withdrawal: the event is appended to the ledger (durably), then the artefact's
/// bit is set in the issuer's list and the list re-signed. A crash in between leaves the event
/// recorded and the list unchanged; running the command again completes it.
pub(crate) fn withdraw(
    artefact: &str,
    list: &Path,
    key: &Path,
    ledger: &Path,
    trust: Option<&Path>,
    action: Action,
    now: Option<i64>,
) -> Result<ExitCode, CliError> {
    use consentry::ledger::{Event, EventKind};
    let rng = ring::rand::SystemRandom::new();
    let sk = util::load_signing_key(key, &rng)?;
    let now = util::now_or(now)?;
    let store = match trust {
        Some(t) => util::load_trust(t)?,
        None => {
            let mut s = consentry::TrustStore::new();
            s.add(sk.verifying_key().clone())
                .map_err(|e| CliError::core(&e, EXIT_ERROR))?;
            s
        }
    };
    let bytes = util::read_artefact(artefact)?;
    let verifier = consentry::Verifier::new(store);
    let v = verifier
        .authenticate(&bytes)
        .map_err(|e| CliError::core(&e, EXIT_REJECTED))?;
    // A list speaks only for its own issuer's artefacts: the artefact must be signed by the
    // list's key, or another issuer's artefact could flip an index in this list.
    if !v.is_signed_by(&sk.verifying_key().thumbprint()) {
        let mut err = CliError::core(&consentry::VerifyError::StatusListForeign, EXIT_REJECTED);
        err.message =
            "the artefact is not signed by the list's key: a list withdraws only its own issuer's artefacts"
                .into();
        return Err(err);
    }
    let st = v.claims.status.as_ref().ok_or_else(|| CliError {
        code: "cli_no_status_claim".into(),
        message: "the artefact has no status claim: it cannot be withdrawn through a list".into(),
        exit: EXIT_ERROR,
    })?;
    let mut token = read_own(list, &sk, now)?;
    if token.sub != st.status_list.uri {
        return Err(CliError {
            code: "cli_wrong_list".into(),
            message: format!(
                "the artefact's status lives at `{}`, this list is `{}`",
                st.status_list.uri, token.sub
            ),
            exit: EXIT_ERROR,
        });
    }
    let (value, kind) = match action {
        Action::Withdraw => (StatusValue::Invalid, EventKind::Withdrawn),
        Action::Suspend => (StatusValue::Suspended, EventKind::Suspended),
        Action::Resume => (StatusValue::Valid, EventKind::Resumed),
    };
    let idx = st.status_list.idx;
    let before = token
        .list
        .get(idx)
        .map_err(|e| status_err(&e, EXIT_ERROR))?;
    token
        .list
        .set(idx, value)
        .map_err(|e| status_err(&e, EXIT_ERROR))?;
    let ack =
        crate::ledger::append_one(ledger, now, &Event::new(kind, &v.claims.sub, v.claims.cti))?;
    token.iat = now;
    let signed = token
        .sign(&sk, &rng)
        .map_err(|e| status_err(&e, EXIT_ERROR))?;
    util::write_atomic(list, &signed)?;
    println!("{ack}");
    eprintln!(
        "artefact {} at index {idx}: {} -> {}; list re-signed, `{}` recorded in {}",
        v.claims.cti.to_base64(),
        before.name(),
        value.name(),
        kind.as_str(),
        ledger.display()
    );
    Ok(ExitCode::SUCCESS)
}
