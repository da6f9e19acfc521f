//! Input, output, time and errors for the CLI: the only place that touches files and the clock.

use std::io::Read as _;
use std::path::Path;

use consentry::{Code, HasCode};

/// Exit code for a verdict against the input (rejected artefact).
pub(crate) const EXIT_REJECTED: u8 = 1;
/// Exit code for everything else that went wrong.
pub(crate) const EXIT_ERROR: u8 = 2;

/// An error as the CLI reports it: a stable code, a message, an exit status. The code is a
/// [`Code`], so every code the CLI prints is in the one table every face shares.
#[derive(Debug)]
pub(crate) struct CliError {
    pub(crate) code: Code,
    pub(crate) message: String,
    pub(crate) exit: u8,
}

impl CliError {
    /// A usage error.
    pub(crate) fn usage(message: &str) -> Self {
        CliError {
            code: Code::CliUsage,
            message: message.into(),
            exit: EXIT_ERROR,
        }
    }

    /// A file could not be read or written. Names the file, not its content.
    pub(crate) fn io(what: &str, path: &Path, e: &std::io::Error) -> Self {
        CliError {
            code: Code::CliIo,
            message: format!("cannot {what} `{}`: {e}", path.display()),
            exit: EXIT_ERROR,
        }
    }

    /// A core error, with the exit status given.
    pub(crate) fn core<E: HasCode + std::fmt::Display>(e: &E, exit: u8) -> Self {
        CliError {
            code: e.code(),
            message: e.to_string(),
            exit,
        }
    }

    /// An error with a code and a CLI message.
    pub(crate) fn core_code(code: Code, message: String, exit: u8) -> Self {
        CliError {
            code,
            message,
            exit,
        }
    }

    /// A path that names a directory, device, pipe or socket where a regular file is expected.
    pub(crate) fn not_a_file(what: &str, path: &Path) -> Self {
        CliError {
            code: Code::CliNotAFile,
            message: format!(
                "{what} `{}` is not a regular file (a directory, device or pipe)",
                path.display()
            ),
            exit: EXIT_ERROR,
        }
    }

    /// The error as the JSON object printed on stderr and in batch output.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "code": self.code.as_str(), "message": self.message })
    }

    /// Prints the JSON object on stderr. A closed or broken stderr is ignored (never a panic):
    /// the exit status still tells the outcome.
    pub(crate) fn print(&self) {
        note(&self.to_json().to_string());
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

/// Writes one line on stderr, ignoring a closed or broken stream (`eprintln!` would panic).
pub(crate) fn note(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Largest file a file argument may name (trust stores, taxonomies, policies, claims,
/// decisions): 16 MiB. A longer file is refused with `input_too_large` after reading at most
/// this many bytes plus one.
pub(crate) const MAX_INPUT_FILE: usize = 16 << 20;

/// Reads a whole file of at most [`MAX_INPUT_FILE`] bytes.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    read_file_capped(path, MAX_INPUT_FILE)
}

/// Reads a whole file of at most `cap` bytes; a longer one (`/dev/zero`, a huge file) is refused
/// with `input_too_large` (exit 2) after reading `cap + 1` bytes.
pub(crate) fn read_file_capped(path: &Path, cap: usize) -> Result<Vec<u8>, CliError> {
    let f = std::fs::File::open(path).map_err(|e| CliError::io("read", path, &e))?;
    read_capped(f, cap, path)?.ok_or_else(|| file_too_large(path, cap))
}

/// Largest signed status list file read: the core's default cap on a signed Status List Token
/// (4 MiB).
pub(crate) fn max_status_list_file() -> usize {
    consentry::status::StatusListOptions::default().max_size
}

/// Reads a signed status list file of at most [`max_status_list_file`] bytes.
pub(crate) fn read_status_list(path: &Path) -> Result<Vec<u8>, CliError> {
    read_file_capped(path, max_status_list_file())
}

/// Reads a small side file that must be a regular file (`<in>.kcv`): opened with
/// `O_NOFOLLOW|O_NONBLOCK` (a symlink is refused, a FIFO never blocks), refused unless a regular
/// file (`cli_not_a_file`), at most `cap` bytes (`input_too_large`). `None` when it is missing.
pub(crate) fn read_regular_small(path: &Path, cap: usize) -> Result<Option<Vec<u8>>, CliError> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let f = match opts.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) {
                return Err(CliError::not_a_file("file", path));
            }
            return Err(CliError::io("read", path, &e));
        }
    };
    let meta = f
        .metadata()
        .map_err(|e| CliError::io("inspect", path, &e))?;
    if !meta.is_file() {
        return Err(CliError::not_a_file("file", path));
    }
    read_capped(f, cap, path)?
        .map(Some)
        .ok_or_else(|| file_too_large(path, cap))
}

/// A file argument over its cap: refused (exit 2), named by size, never echoed.
pub(crate) fn file_too_large(path: &Path, cap: usize) -> CliError {
    CliError {
        code: Code::InputTooLarge,
        message: format!("`{}` is larger than {cap} bytes", path.display()),
        exit: EXIT_ERROR,
    }
}

/// Reads a UTF-8 text file.
pub(crate) fn read_text(path: &Path) -> Result<String, CliError> {
    String::from_utf8(read_file(path)?).map_err(|_| CliError {
        code: Code::CliIo,
        message: format!("`{}` is not utf-8 text", path.display()),
        exit: EXIT_ERROR,
    })
}

/// Longest artefact text the CLI reads (from stdin, a file or a `--batch` line): the base64url
/// form of an artefact at the core's size cap ([`consentry::DEFAULT_MAX_SIZE`]) plus 1 KiB
/// for surrounding whitespace. Anything longer is refused with `input_too_large` after
/// reading at most this many bytes plus one.
pub(crate) const MAX_ARTEFACT_TEXT: usize = consentry::DEFAULT_MAX_SIZE.div_ceil(3) * 4 + 1024;

/// An input over [`MAX_ARTEFACT_TEXT`]: refused (exit 1), named by size, never echoed.
pub(crate) fn too_large(what: &str) -> CliError {
    CliError {
        code: Code::InputTooLarge,
        message: format!("{what} is longer than {MAX_ARTEFACT_TEXT} bytes"),
        exit: EXIT_REJECTED,
    }
}

/// Reads at most `cap` bytes; `None` when the input holds more (only `cap + 1` bytes are read).
pub(crate) fn read_capped(
    r: impl std::io::Read,
    cap: usize,
    path: &Path,
) -> Result<Option<Vec<u8>>, CliError> {
    let mut buf = Vec::new();
    r.take(u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| CliError::io("read", path, &e))?;
    Ok((buf.len() <= cap).then_some(buf))
}

/// An artefact argument: `-` (stdin), a file, or the base64url text itself. Files and stdin
/// may hold base64url text or the raw CBOR bytes; at most [`MAX_ARTEFACT_TEXT`] bytes of them
/// are read.
pub(crate) fn read_artefact(arg: &str) -> Result<Vec<u8>, CliError> {
    decode_artefact_text(&read_artefact_raw(arg)?)
}

/// An artefact argument's bytes as given (text or raw CBOR), not decoded; capped as
/// [`read_artefact`].
pub(crate) fn read_artefact_raw(arg: &str) -> Result<Vec<u8>, CliError> {
    Ok(if arg == "-" {
        read_capped(
            std::io::stdin().lock(),
            MAX_ARTEFACT_TEXT,
            Path::new("<stdin>"),
        )?
        .ok_or_else(|| too_large("the artefact on stdin"))?
    } else if Path::new(arg).is_file() {
        let path = Path::new(arg);
        let f = std::fs::File::open(path).map_err(|e| CliError::io("open", path, &e))?;
        read_capped(f, MAX_ARTEFACT_TEXT, path)?
            .ok_or_else(|| too_large(&format!("the artefact file `{}`", path.display())))?
    } else {
        arg.as_bytes().to_vec()
    })
}

/// An Account Aggregator compact JWS, told apart by its form (the core's one rule,
/// `consentry::aa::as_compact_jws`: UTF-8 text holding a `.`).
pub(crate) fn as_aa_jws(raw: &[u8]) -> Option<&str> {
    consentry::aa::as_compact_jws(raw)
}

/// A trust file that may mix consentry's own keys and Account Aggregator RSA keys (a JWK
/// Set, a JWK, or Central Registry entity records), split by the core's one rule
/// (`consentry::aa::split_trust`). A refused key keeps its code; exit 2.
pub(crate) fn load_mixed_trust(path: &Path) -> Result<consentry::aa::MixedTrust, CliError> {
    let text = read_text(path)?;
    let doc: serde_json::Value = consentry::json::from_str(&text).map_err(|e| CliError {
        code: Code::KeyJwkInvalid,
        message: format!("trust store `{}`: {e}", path.display()),
        exit: EXIT_ERROR,
    })?;
    consentry::aa::split_trust(&doc, None).map_err(|e| {
        let mut err = CliError::core(&e, EXIT_ERROR);
        err.message = format!("trust store `{}`: {}", path.display(), err.message);
        err
    })
}

/// One line of a line-oriented input, read with a cap.
#[derive(Debug)]
pub(crate) enum Line {
    /// The line, without its `\n` (or `\r\n`).
    Text(String),
    /// A line longer than the cap: it was skipped to its end, never held whole.
    TooLong,
    /// A line that is not UTF-8.
    NotUtf8,
}

/// Reads the next line holding at most `cap` bytes of it in memory: a longer line is consumed
/// to its newline and reported as [`Line::TooLong`]. `None` at the end of the input.
pub(crate) fn read_line_capped(
    r: &mut dyn std::io::BufRead,
    cap: usize,
) -> std::io::Result<Option<Line>> {
    let mut buf = Vec::new();
    let (mut any, mut too_long) = (false, false);
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            break;
        }
        any = true;
        let newline = avail.iter().position(|&b| b == b'\n');
        let body = newline.unwrap_or(avail.len());
        if !too_long {
            let room = cap.saturating_add(1).saturating_sub(buf.len());
            buf.extend_from_slice(avail.get(..body.min(room)).unwrap_or_default());
            if buf.len() > cap {
                too_long = true;
                buf = Vec::new();
            }
        }
        r.consume(newline.map_or(body, |n| n + 1));
        if newline.is_some() {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if too_long {
        return Ok(Some(Line::TooLong));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(match String::from_utf8(buf) {
        Ok(s) => Line::Text(s),
        Err(_) => Line::NotUtf8,
    }))
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
            code: Code::NotBase64url,
            message:
                "the artefact is neither base64url text nor cose bytes (or the file does not exist)"
                    .into(),
            exit: EXIT_ERROR,
        })
}

/// Loads a trust store from a JWK Set file or a file holding a single JWK (the core's one
/// detection rule, `TrustStore::from_json`).
pub(crate) fn load_trust(path: &Path) -> Result<consentry::TrustStore, CliError> {
    let text = read_text(path)?;
    let res = consentry::TrustStore::from_json(&text);
    res.map_err(|e| {
        let mut err = CliError::core(&e, EXIT_ERROR);
        err.message = format!("trust store `{}`: {}", path.display(), err.message);
        err
    })
}

/// Largest key file read (private keys and master keys are a few hundred bytes).
const MAX_KEY_FILE: usize = 64 * 1024;

/// Reads a private or master key file. Warns on stderr (one JSON line, not an error) when the
/// file is open to its group or to others: anyone who can read it can sign or re-identify.
pub(crate) fn read_key_file(path: &Path) -> Result<zeroize::Zeroizing<Vec<u8>>, CliError> {
    let f = std::fs::File::open(path).map_err(|e| CliError::io("open", path, &e))?;
    #[cfg(unix)]
    if let Ok(meta) = f.metadata() {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            note(
                &serde_json::json!({
                    "warning": Code::KeyFilePermissions.as_str(),
                    "message": format!(
                        "key file `{}` is open to group or others (mode {mode:04o}): \
                         restrict it with `chmod 600`",
                        path.display()
                    ),
                })
                .to_string(),
            );
        }
    }
    read_capped(f, MAX_KEY_FILE, path)?
        .map(zeroize::Zeroizing::new)
        .ok_or_else(|| CliError {
            code: Code::InputTooLarge,
            message: format!(
                "key file `{}` is larger than {MAX_KEY_FILE} bytes",
                path.display()
            ),
            exit: EXIT_ERROR,
        })
}

/// [`read_key_file`] as UTF-8 text.
pub(crate) fn read_key_text(path: &Path) -> Result<zeroize::Zeroizing<String>, CliError> {
    let bytes = read_key_file(path)?;
    std::str::from_utf8(&bytes)
        .map(|s| zeroize::Zeroizing::new(s.to_owned()))
        .map_err(|_| CliError {
            code: Code::CliIo,
            message: format!("`{}` is not utf-8 text", path.display()),
            exit: EXIT_ERROR,
        })
}

/// Loads a PKCS#8 PEM private key.
pub(crate) fn load_signing_key(
    path: &Path,
    rng: &dyn ring::rand::SecureRandom,
) -> Result<consentry::SigningKey, CliError> {
    let pem = read_key_file(path)?;
    let bad = || CliError {
        code: Code::KeyPkcs8Invalid,
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

/// Who may read a file the CLI writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Privacy {
    /// Mode 0600 from creation to the end: private keys, master keys, pseudonymised,
    /// re-identified (`--reverse`) and filtered records. The final file keeps 0600.
    Private,
    /// Mode 0644 less the umask (readable by all, never writable by group or others, whatever
    /// the umask): signed status lists and other material meant to be published.
    Public,
}

/// An output file being written: a temporary file with a random name in the destination's
/// directory, created with `O_CREAT|O_EXCL|O_NOFOLLOW` (never through a symlink, never an
/// existing file), renamed over the destination only by [`OutFile::commit`]. Dropped without a
/// commit (an error, a panic), it is deleted: a failed run leaves no output and no temporary.
///
/// The rename replaces the destination's directory entry: a symlink planted at the
/// destination is replaced, its target untouched; a reader holding the old file keeps reading
/// the old content (a new inode, never a truncated old one).
pub(crate) struct OutFile {
    tmp: tempfile::NamedTempFile,
    dest: std::path::PathBuf,
    replace: bool,
}

impl OutFile {
    /// Starts writing `dest`. With `replace` false, an existing `dest` (a file, a directory,
    /// a symlink, even a dangling one) is refused now and again, atomically, at the commit.
    pub(crate) fn create(dest: &Path, privacy: Privacy, replace: bool) -> Result<Self, CliError> {
        if !replace && std::fs::symlink_metadata(dest).is_ok() {
            return Err(exists(dest));
        }
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let prefix = format!(
            ".{}.",
            dest.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
        let mode = match privacy {
            Privacy::Private => 0o600,
            Privacy::Public => 0o644,
        };
        let tmp = tempfile::Builder::new()
            .prefix(&prefix)
            .suffix(".tmp")
            .rand_bytes(12)
            .make_in(&dir, |path| open_exclusive(path, mode))
            .map_err(|e| CliError::io("create a temporary file for", dest, &e))?;
        Ok(OutFile {
            tmp,
            dest: dest.to_path_buf(),
            replace,
        })
    }

    /// Gives the new file `mode` (permission bits only), e.g. the mode of the file it replaces.
    #[cfg(unix)]
    pub(crate) fn set_mode(&mut self, mode: u32) -> Result<(), CliError> {
        use std::os::unix::fs::PermissionsExt as _;
        self.tmp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode & 0o777))
            .map_err(|e| CliError::io("set the mode of", &self.dest, &e))
    }

    /// The temporary file, to write to.
    pub(crate) fn file(&mut self) -> &mut std::fs::File {
        self.tmp.as_file_mut()
    }

    /// Flushes the file to disk (fsync), renames it over the destination, and syncs the
    /// directory. Readers see the old file or the new one, never a mix.
    pub(crate) fn commit(self) -> Result<(), CliError> {
        let OutFile { tmp, dest, replace } = self;
        tmp.as_file()
            .sync_all()
            .map_err(|e| CliError::io("write", &dest, &e))?;
        let persisted = if replace {
            tmp.persist(&dest)
        } else {
            tmp.persist_noclobber(&dest)
        };
        // On error the PersistError still owns the temporary file, and deletes it on drop.
        persisted.map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                exists(&dest)
            } else {
                CliError::io("rename into", &dest, &e.error)
            }
        })?;
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

fn exists(dest: &Path) -> CliError {
    CliError {
        code: Code::CliIo,
        message: format!(
            "`{}` already exists (or is a symlink); pass --force to replace it",
            dest.display()
        ),
        exit: EXIT_ERROR,
    }
}

/// Creates a new file: `O_CREAT|O_EXCL` (fails on any existing name, symlinks included) and,
/// on Unix, `O_NOFOLLOW` (std adds `O_CLOEXEC`), with `mode` (before the umask).
fn open_exclusive(path: &Path, mode: u32) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true).write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(mode).custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    let _ = mode;
    opts.open(path)
}

/// Replaces `path` with `data` atomically ([`OutFile`]); for published material
/// ([`Privacy::Public`]).
pub(crate) fn write_atomic(path: &Path, data: &[u8]) -> Result<(), CliError> {
    write_new(path, data, Privacy::Public, true)
}

/// Writes `data` to `path` with mode 0600 through a fresh temporary file renamed into place
/// ([`OutFile`]). Without `replace`, an existing path or symlink is refused; with it, the old
/// file is replaced by a new inode (never truncated in place, never written through a symlink).
pub(crate) fn write_private(path: &Path, data: &[u8], replace: bool) -> Result<(), CliError> {
    write_new(path, data, Privacy::Private, replace)
}

fn write_new(path: &Path, data: &[u8], privacy: Privacy, replace: bool) -> Result<(), CliError> {
    use std::io::Write as _;
    let mut out = OutFile::create(path, privacy, replace)?;
    out.file()
        .write_all(data)
        .map_err(|e| CliError::io("write", path, &e))?;
    out.commit()
}
