//! `consentry status new|set|get|verify`: Token Status Lists on disk (the signed CWT bytes).

use std::path::Path;
use std::process::ExitCode;

use consentry::status::{
    StatusList, StatusListOptions, StatusListToken, StatusValue, VerifiedStatusList,
};

use consentry::Code;

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
    crate::util::note(&format!(
        "wrote status list {uri} to {} ({} entries, {bits} bit(s) each, {} bytes signed)",
        out.display(),
        token.list.len(),
        bytes.len()
    ));
    Ok(ExitCode::SUCCESS)
}

/// The issuer's list file, held for an update: an exclusive lock on `<list>.lock` (a stable
/// file beside the list, created 0600 without following a symlink and never deleted: the list
/// itself is replaced by a rename, so it cannot carry the lock), the list's bytes read under
/// the lock, and its mode. Two writers on one list run one after the other: read, set, sign
/// and rename happen under the lock, so no update is lost. `withdraw` takes this lock first,
/// then the ledger's.
struct HeldList {
    path: std::path::PathBuf,
    _lock: std::fs::File,
    bytes: Vec<u8>,
    #[cfg_attr(not(unix), allow(dead_code))]
    mode: u32,
}

fn list_symlink(list: &Path) -> CliError {
    CliError::core_code(
        Code::StatusListSymlink,
        format!(
            "status list `{}` is a symbolic link: it is not replaced (name the list file itself)",
            list.display()
        ),
        EXIT_ERROR,
    )
}

impl HeldList {
    /// Locks `list` for an update and reads it. A symlinked list is refused
    /// (`status_list_symlink`): re-signing would replace the link, not the published file.
    fn open(list: &Path) -> Result<HeldList, CliError> {
        use std::fs::OpenOptions;
        match std::fs::symlink_metadata(list) {
            Ok(m) if m.file_type().is_symlink() => return Err(list_symlink(list)),
            Ok(_) => {}
            // No lock file is left beside a list that does not exist.
            Err(e) => return Err(CliError::io("read", list, &e)),
        }
        let mut lock_path = list.as_os_str().to_owned();
        lock_path.push(".lock");
        let lock_path = std::path::PathBuf::from(lock_path);
        let mut opts = OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        no_follow(&mut opts, 0o600);
        let lock = opts
            .open(&lock_path)
            .map_err(|e| CliError::io("open the lock file", &lock_path, &e))?;
        let is_file = lock
            .metadata()
            .map_err(|e| CliError::io("inspect", &lock_path, &e))?
            .is_file();
        if !is_file {
            return Err(CliError::not_a_file("lock file", &lock_path));
        }
        lock.lock()
            .map_err(|e| CliError::io("lock", &lock_path, &e))?;
        let mut opts = OpenOptions::new();
        opts.read(true);
        no_follow(&mut opts, 0);
        let f = opts.open(list).map_err(|e| {
            if std::fs::symlink_metadata(list).is_ok_and(|m| m.file_type().is_symlink()) {
                list_symlink(list)
            } else {
                CliError::io("read", list, &e)
            }
        })?;
        let meta = f
            .metadata()
            .map_err(|e| CliError::io("inspect", list, &e))?;
        if !meta.is_file() {
            return Err(CliError::not_a_file("status list", list));
        }
        #[cfg(unix)]
        let mode = {
            use std::os::unix::fs::PermissionsExt as _;
            meta.permissions().mode() & 0o777
        };
        #[cfg(not(unix))]
        let mode = 0;
        let bytes = util::read_capped(f, util::max_status_list_file(), list)?
            .ok_or_else(|| util::file_too_large(list, util::max_status_list_file()))?;
        Ok(HeldList {
            path: list.to_path_buf(),
            _lock: lock,
            bytes,
            mode,
        })
    }

    /// Replaces the list with `signed` (a new file renamed over it, with the old file's mode,
    /// never more open than it), still under the lock; the lock goes when `self` is dropped.
    fn replace(self, signed: &[u8]) -> Result<(), CliError> {
        use std::io::Write as _;
        let mut out = util::OutFile::create(&self.path, util::Privacy::Public, true)?;
        #[cfg(unix)]
        out.set_mode(self.mode)?;
        out.file()
            .write_all(signed)
            .map_err(|e| CliError::io("write", &self.path, &e))?;
        out.commit()
    }
}

fn no_follow(opts: &mut std::fs::OpenOptions, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.custom_flags(libc::O_NOFOLLOW);
        if mode != 0 {
            opts.mode(mode);
        }
    }
    #[cfg(not(unix))]
    let _ = (opts, mode);
}

/// A change `from` -> `to` the transition rule refuses ([`StatusValue::may_become`]).
fn transition_refused(idx: u64, from: StatusValue, to: StatusValue, hint: &str) -> CliError {
    CliError::core_code(
        Code::StatusTransitionRefused,
        format!(
            "index {idx} is {} and cannot become {}: a withdrawal is final{hint}",
            from.name(),
            to.name()
        ),
        EXIT_ERROR,
    )
}

/// Verifies a list's bytes, signed by `key`'s public key, for the issuer to update.
fn read_own(
    list: &Path,
    bytes: &[u8],
    key: &consentry::SigningKey,
    now: i64,
) -> Result<StatusListToken, CliError> {
    let mut trust = consentry::TrustStore::new();
    trust
        .add(key.verifying_key().clone())
        .map_err(|e| CliError::core(&e, EXIT_ERROR))?;
    StatusListToken::verify(bytes, &trust, now, &StatusListOptions::default())
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
    force_unrevoke: bool,
    now: Option<i64>,
) -> Result<ExitCode, CliError> {
    let rng = ring::rand::SystemRandom::new();
    let sk = util::load_signing_key(key, &rng)?;
    let now = util::now_or(now)?;
    let value = StatusValue::from_name(value).ok_or_else(|| {
        CliError::usage("--value must be valid, invalid (revoked), suspended or a number")
    })?;
    let held = HeldList::open(list)?;
    let mut token = read_own(list, &held.bytes, &sk, now)?;
    let before = token
        .list
        .get(idx)
        .map_err(|e| status_err(&e, EXIT_ERROR))?;
    if !force_unrevoke && !before.may_become(value) {
        return Err(transition_refused(
            idx,
            before,
            value,
            " (pass --force-unrevoke to reinstate a withdrawn artefact)",
        ));
    }
    token
        .list
        .set(idx, value)
        .map_err(|e| status_err(&e, EXIT_ERROR))?;
    token.iat = now;
    let bytes = token
        .sign(&sk, &rng)
        .map_err(|e| status_err(&e, EXIT_ERROR))?;
    held.replace(&bytes)?;
    crate::util::note(&format!(
        "index {idx}: {} -> {}; list re-signed ({} bytes)",
        before.name(),
        value.name(),
        bytes.len()
    ));
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
    let bytes = util::read_status_list(list)?;
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
        crate::util::note(
            "NOTE: the list's signature was NOT checked; pass --trust JWKS.json to check it",
        );
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
    let bytes = util::read_status_list(list)?;
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
    println!("{out:#}");
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
        code: Code::CliNoStatusClaim,
        message: "the artefact has no status claim: it cannot be withdrawn through a list".into(),
        exit: EXIT_ERROR,
    })?;
    let held = HeldList::open(list)?;
    let mut token = read_own(list, &held.bytes, &sk, now)?;
    if token.sub != st.status_list.uri {
        return Err(CliError {
            code: Code::CliWrongList,
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
    if !before.may_become(value) {
        return Err(transition_refused(idx, before, value, ""));
    }
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
    held.replace(&signed)?;
    println!("{ack}");
    crate::util::note(&format!(
        "artefact {} at index {idx}: {} -> {}; list re-signed, `{}` recorded in {}",
        v.claims.cti.to_base64(),
        before.name(),
        value.name(),
        kind.as_str(),
        ledger.display()
    ));
    Ok(ExitCode::SUCCESS)
}
