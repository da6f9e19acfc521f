//! Opening, locking and reading a ledger file safely (the rules are in the module docs of `ledger`).

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use consentry::ledger::{self, BadRecord, Event, Head, LedgerError};
use consentry::Code;

use super::*;
use crate::util::{CliError, EXIT_ERROR};

pub(super) fn ledger_err(path: &Path, e: &BadRecord, exit: u8) -> CliError {
    let mut err = CliError::core(e, exit);
    err.message = format!("ledger `{}`: {}", path.display(), err.message);
    err
}

pub(super) fn cli_err(code: Code, message: String) -> CliError {
    CliError::core_code(code, message, EXIT_ERROR)
}

/// Why a ledger could not be opened for writing: a file problem, or what the file holds.
pub(super) enum OpenError {
    Cli(CliError),
    Bad(BadRecord),
}

impl From<CliError> for OpenError {
    fn from(e: CliError) -> Self {
        OpenError::Cli(e)
    }
}

impl OpenError {
    pub(super) fn into_cli(self, path: &Path) -> CliError {
        match self {
            OpenError::Cli(e) => e,
            OpenError::Bad(e) => ledger_err(path, &e, EXIT_ERROR),
        }
    }
}

/// Prints why a writer refused the file (what it holds, with `index`, `offset` and, for a tail,
/// `bytes`) and exits 2; a file problem goes back as an error.
pub(super) fn refuse(path: &Path, e: OpenError) -> Result<ExitCode, CliError> {
    match e {
        OpenError::Cli(e) => Err(e),
        OpenError::Bad(e) => {
            report_bad_record(path, &e, EXIT_ERROR);
            Ok(ExitCode::from(EXIT_ERROR))
        }
    }
}

/// Opens the ledger file for reading and appending without following a symbolic link; with
/// `create`, a missing file is created (`O_EXCL`, 0600). `Ok(None)`: it appeared or vanished
/// in between, try again.
pub(super) fn open_file(path: &Path, create: bool) -> Result<Option<File>, CliError> {
    let mut opts = OpenOptions::new();
    opts.read(true).append(true);
    no_follow(&mut opts);
    match opts.open(path) {
        Ok(f) => return regular(f, path).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {}
        Err(e) => return Err(open_error(path, &e)),
    }
    opts.create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(f) => {
            // The new file's directory entry must be durable before the first acknowledgement.
            sync_dir(path)?;
            Ok(Some(f))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(None),
        Err(e) => Err(open_error(path, &e)),
    }
}

#[cfg(unix)]
pub(super) fn no_follow(opts: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt as _;
    opts.custom_flags(libc::O_NOFOLLOW);
}

#[cfg(not(unix))]
pub(super) fn no_follow(_: &mut OpenOptions) {}

pub(super) fn open_error(path: &Path, e: &std::io::Error) -> CliError {
    #[cfg(unix)]
    let looped = e.raw_os_error() == Some(libc::ELOOP);
    #[cfg(not(unix))]
    let looped = false;
    let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if looped || link {
        return cli_err(
            Code::LedgerSymlink,
            format!(
                "ledger `{}` is a symbolic link: it is not followed (name the ledger file itself)",
                path.display()
            ),
        );
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) {
        return cli_err(
            Code::LedgerNotAFile,
            format!(
                "ledger `{}` is not a regular file (a directory, device or pipe)",
                path.display()
            ),
        );
    }
    CliError::io("open", path, e)
}

pub(super) fn regular(f: File, path: &Path) -> Result<File, CliError> {
    let meta = f
        .metadata()
        .map_err(|e| CliError::io("inspect", path, &e))?;
    if !meta.is_file() {
        return Err(cli_err(
            Code::LedgerNotAFile,
            format!(
                "ledger `{}` is not a regular file (a directory, device or pipe)",
                path.display()
            ),
        ));
    }
    insecure_mode(&meta, path)?;
    Ok(f)
}

/// Refuses an existing ledger file writable by its group or by others (say, one an attacker
/// created 0666 before the first append): anyone could then rewrite or truncate it. The mode
/// is left as it is; the message says how to fix it.
#[cfg(unix)]
pub(super) fn insecure_mode(meta: &std::fs::Metadata, path: &Path) -> Result<(), CliError> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o022 == 0 {
        return Ok(());
    }
    Err(cli_err(
        Code::LedgerInsecurePermissions,
        format!(
            "ledger `{}` is writable by its group or others (mode {mode:03o}): check who made \
             it, then `chmod 600` it (nothing written)",
            path.display()
        ),
    ))
}

#[cfg(not(unix))]
pub(super) fn insecure_mode(_: &std::fs::Metadata, _: &Path) -> Result<(), CliError> {
    Ok(())
}

/// Is the open file still the one the path names (not renamed away or replaced)?
#[cfg(unix)]
pub(super) fn same_file(f: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (f.metadata(), std::fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
pub(super) fn same_file(_: &File, _: &Path) -> bool {
    true
}

/// How often a writer retries when the file is created, replaced or renamed under it.
pub(super) const OPEN_TRIES: usize = 4;

/// A ledger file open for appending, positioned after its last valid record. Appends happen
/// under its exclusive lock ([`Store::open`] returns it locked; [`Store::relock`] takes it
/// again after [`Store::unlock`]).
pub(super) struct Store {
    pub(super) file: File,
    pub(super) path: PathBuf,
    pub(super) head: Head,
    pub(super) len: u64,
}

impl Store {
    /// Opens (or creates) the ledger, takes the lock and reads the head under it. Refuses a
    /// file that is not a ledger, a torn tail and a corrupt file, writing nothing.
    pub(super) fn open(path: &Path) -> Result<Store, OpenError> {
        for _ in 0..OPEN_TRIES {
            let Some(file) = open_file(path, true)? else {
                continue;
            };
            file.lock().map_err(|e| CliError::io("lock", path, &e))?;
            if !same_file(&file, path) {
                continue; // replaced between open and lock: open what the path names now
            }
            let mut store = Store {
                file,
                path: path.to_owned(),
                head: Head::GENESIS,
                len: 0,
            };
            store.reread()?;
            return Ok(store);
        }
        Err(replaced(path).into())
    }

    /// Reads the whole file and its head (under the lock).
    pub(super) fn reread(&mut self) -> Result<(), OpenError> {
        let buf = read_ledger(&mut self.file, &self.path)?;
        self.head = ledger::writer_head(&buf).map_err(OpenError::Bad)?;
        self.len = buf.len() as u64;
        Ok(())
    }

    /// Takes the lock again and refreshes the head if another writer appended meanwhile.
    pub(super) fn relock(&mut self) -> Result<(), OpenError> {
        self.file
            .lock()
            .map_err(|e| CliError::io("lock", &self.path, &e))?;
        if !same_file(&self.file, &self.path) {
            let _ = self.file.unlock();
            return Err(replaced(&self.path).into());
        }
        let len = self
            .file
            .metadata()
            .map_err(|e| CliError::io("inspect", &self.path, &e))?
            .len();
        if len != self.len {
            if let Err(e) = self.reread() {
                let _ = self.file.unlock();
                return Err(e);
            }
        }
        Ok(())
    }

    pub(super) fn unlock(&self) {
        let _ = self.file.unlock();
    }

    /// Appends one event (the lock is held) and returns its acknowledgement line.
    pub(super) fn append(&mut self, now: i64, ev: &Event) -> Result<String, CliError> {
        let mut batch = Batch::default();
        batch.add_event(&mut self.head, now, ev, None)?;
        self.commit(&batch.frames)?;
        let ack = batch.acks().next().unwrap_or_default();
        Ok(ack)
    }

    /// Writes frames and fsyncs them; only then may they be acknowledged. On failure the file
    /// is cut back to its last durable length and the error returned (nothing acknowledged).
    pub(super) fn commit(&mut self, frames: &[u8]) -> Result<(), CliError> {
        if frames.is_empty() {
            return Ok(());
        }
        let res = self
            .file
            .write_all(frames)
            .and_then(|()| self.file.sync_data());
        if let Err(e) = res {
            let _ = self.file.set_len(self.len);
            return Err(CliError::io("append to", &self.path, &e));
        }
        self.len += frames.len() as u64;
        Ok(())
    }
}

/// Reads a ledger file from its start; a large file that does not begin with the magic is
/// refused after four bytes, not read whole.
pub(super) fn read_ledger(file: &mut File, path: &Path) -> Result<Vec<u8>, OpenError> {
    let io = |e: std::io::Error| CliError::io("read", path, &e);
    let len = file.metadata().map_err(io)?.len();
    let mut start = Vec::with_capacity(4);
    file.rewind().map_err(io)?;
    (&*file).take(4).read_to_end(&mut start).map_err(io)?;
    if ledger::foreign_at_start(&start, len) {
        return Err(OpenError::Bad(BadRecord {
            index: 0,
            offset: 0,
            error: LedgerError::NotALedger { len },
        }));
    }
    let mut buf = start;
    file.read_to_end(&mut buf).map_err(io)?;
    Ok(buf)
}

pub(super) fn replaced(path: &Path) -> CliError {
    cli_err(
        Code::LedgerFileReplaced,
        format!(
            "ledger `{}` was replaced or moved while it was open: nothing was written",
            path.display()
        ),
    )
}

pub(super) fn sync_dir(path: &Path) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| CliError::io("sync the directory of", path, &e))
}
