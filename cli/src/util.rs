//! Input, output, time and errors for the CLI: the only place that touches files and the clock.

use std::io::Read as _;
use std::path::Path;

use consentry::{Code, HasCode};

/// Exit code for a verdict against the input (rejected artefact).
pub(crate) const EXIT_REJECTED: u8 = 1;
/// Exit code for everything else that went wrong.
pub(crate) const EXIT_ERROR: u8 = 2;

/// An error as the CLI reports it: a stable code, a message, an exit status.
#[derive(Debug)]
pub(crate) struct CliError {
    pub(crate) code: String,
    pub(crate) message: String,
    pub(crate) exit: u8,
}

impl CliError {
    /// A usage error.
    pub(crate) fn usage(message: &str) -> Self {
        CliError {
            code: "cli_usage".into(),
            message: message.into(),
            exit: EXIT_ERROR,
        }
    }

    /// A file could not be read or written. Names the file, not its content.
    pub(crate) fn io(what: &str, path: &Path, e: &std::io::Error) -> Self {
        CliError {
            code: "cli_io".into(),
            message: format!("cannot {what} `{}`: {e}", path.display()),
            exit: EXIT_ERROR,
        }
    }

    /// A core error, with the exit status given.
    pub(crate) fn core<E: HasCode + std::fmt::Display>(e: &E, exit: u8) -> Self {
        CliError {
            code: e.code().as_str().into(),
            message: e.to_string(),
            exit,
        }
    }

    /// The error as the JSON object printed on stderr and in batch output.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "code": self.code, "message": self.message })
    }

    /// Prints the JSON object on stderr.
    pub(crate) fn print(&self) {
        eprintln!("{}", self.to_json());
    }
}

/// Adds members to a JSON object (a non-object is returned unchanged).
pub(crate) fn with_members(
    mut v: serde_json::Value,
    members: &[(&str, serde_json::Value)],
) -> serde_json::Value {
    if let Some(o) = v.as_object_mut() {
        for (k, m) in members {
            o.insert((*k).to_owned(), m.clone());
        }
    }
    v
}

/// Seconds since the epoch: `--now` if given, else the clock.
pub(crate) fn now_or(given: Option<i64>) -> Result<i64, CliError> {
    if let Some(n) = given {
        return Ok(n);
    }
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
        .ok_or_else(|| CliError::usage("the system clock is before 1970; pass --now"))
}

/// Reads a whole file.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| CliError::io("read", path, &e))
}

/// Reads a UTF-8 text file.
pub(crate) fn read_text(path: &Path) -> Result<String, CliError> {
    String::from_utf8(read_file(path)?).map_err(|_| CliError {
        code: "cli_io".into(),
        message: format!("`{}` is not utf-8 text", path.display()),
        exit: EXIT_ERROR,
    })
}

/// An artefact argument: `-` (stdin), a file, or the base64url text itself. Files and stdin
/// may hold base64url text or the raw CBOR bytes.
pub(crate) fn read_artefact(arg: &str) -> Result<Vec<u8>, CliError> {
    let raw = if arg == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| CliError::io("read", Path::new("<stdin>"), &e))?;
        buf
    } else if Path::new(arg).is_file() {
        read_file(Path::new(arg))?
    } else {
        arg.as_bytes().to_vec()
    };
    decode_artefact_text(&raw)
}

/// Raw CBOR (starting with tag 18) as is; otherwise base64url text.
pub(crate) fn decode_artefact_text(raw: &[u8]) -> Result<Vec<u8>, CliError> {
    if raw.first() == Some(&0xd2) {
        return Ok(raw.to_vec());
    }
    std::str::from_utf8(raw)
        .ok()
        .and_then(consentry::b64::decode)
        .ok_or_else(|| CliError {
            code: "cli_not_base64url".into(),
            message:
                "the artefact is neither base64url text nor cose bytes (or the file does not exist)"
                    .into(),
            exit: EXIT_ERROR,
        })
}

/// Loads a trust store from a JWK Set file (or a file holding a single JWK).
pub(crate) fn load_trust(path: &Path) -> Result<consentry::TrustStore, CliError> {
    let text = read_text(path)?;
    let single = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .filter(|v| v.get("kty").is_some());
    let res = match single {
        Some(jwk) => {
            let mut t = consentry::TrustStore::new();
            t.add_jwk(&jwk).map(|()| t)
        }
        None => consentry::TrustStore::from_jwks(&text),
    };
    res.map_err(|e| {
        let mut err = CliError::core(&e, EXIT_ERROR);
        err.message = format!("trust store `{}`: {}", path.display(), err.message);
        err
    })
}

/// Loads a PKCS#8 PEM private key.
pub(crate) fn load_signing_key(
    path: &Path,
    rng: &dyn ring::rand::SecureRandom,
) -> Result<consentry::SigningKey, CliError> {
    let pem = read_file(path)?;
    let bad = || CliError {
        code: Code::KeyPkcs8Invalid.as_str().into(),
        message: format!(
            "`{}` is not a pkcs#8 pem private key (`-----BEGIN PRIVATE KEY-----`)",
            path.display()
        ),
        exit: EXIT_ERROR,
    };
    let (label, der) = pem_rfc7468::decode_vec(&pem).map_err(|_| bad())?;
    if label != "PRIVATE KEY" {
        return Err(bad());
    }
    consentry::SigningKey::from_pkcs8(&der, rng).map_err(|e| CliError::core(&e, EXIT_ERROR))
}

/// Replaces `path` with `data` atomically: a temporary file beside it, fsync, rename, fsync of
/// the directory. Readers see the old file or the new one, never a mix.
pub(crate) fn write_atomic(path: &Path, data: &[u8]) -> Result<(), CliError> {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    result.map_err(|e: std::io::Error| {
        let _ = std::fs::remove_file(&tmp);
        CliError::io("write", path, &e)
    })
}

/// Writes `data` to a new file with mode 0600 (on Unix). Refuses to overwrite unless `force`.
pub(crate) fn write_private(path: &Path, data: &[u8], force: bool) -> Result<(), CliError> {
    use std::io::Write as _;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true);
    if force {
        opts.create(true).truncate(true);
    } else {
        opts.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .map_err(|e| CliError::io("create", path, &e))?;
    #[cfg(unix)]
    {
        // An existing file opened with --force keeps its old mode: tighten it.
        use std::os::unix::fs::PermissionsExt as _;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| CliError::io("set permissions on", path, &e))?;
    }
    f.write_all(data)
        .and_then(|()| f.sync_all())
        .map_err(|e| CliError::io("write", path, &e))
}
