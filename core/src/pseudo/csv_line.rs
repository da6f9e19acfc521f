//! CSV text of one record, read and written with the `csv` crate: the one CSV codec of every
//! face (the CLI writes its files with [`CsvWriter`]; the C ABI reads each line with
//! [`parse_csv_line`] and writes it with [`csv_record`]). No I/O: it works on strings and
//! byte vectors.
//!
//! CSV is RFC 4180 as the `csv` crate reads and writes it by default: `,` separated, a field
//! holding `,`, `"` or a line break quoted, `""` for a quote inside quotes, records written
//! with a `\n` terminator and quoted only where needed.

use crate::error::{Code, HasCode};

/// Why text is not exactly one CSV record, or a record could not be written. Never holds the
/// text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CsvLineError {
    /// The text ends inside a quoted field (a quoted field may hold a line break: the caller
    /// split one and must append the next line).
    #[error("ends inside a quoted csv field: append the next line and call again")]
    OpenQuote,
    /// The text holds more than one record.
    #[error("holds more than one csv record")]
    SeveralRecords,
    /// The reader refused the text (never expected: text is UTF-8 and records may have any
    /// length).
    #[error("is not csv")]
    Unreadable,
    /// A record could not be written (never expected: the writer writes to memory).
    #[error("a csv record does not serialise")]
    Unwritable,
}

impl HasCode for CsvLineError {
    fn code(&self) -> Code {
        match self {
            CsvLineError::OpenQuote => Code::PseudoCsvOpenQuote,
            CsvLineError::SeveralRecords => Code::PseudoCsvSeveralRecords,
            CsvLineError::Unreadable | CsvLineError::Unwritable => Code::PseudoInternal,
        }
    }
}

/// Appended to a line to tell an open quoted field from a closed one: outside quotes the line
/// break ends the line's record and `,` is a record of two empty cells; inside quotes both
/// become text of the open field. So the `csv` crate's own reading decides, not a second
/// scanner kept equal to it.
const SENTINEL: &[u8] = b"\n,";

/// Splits one CSV record (one trailing `\n` or `\r\n` allowed) into its cells; `Ok(None)` for
/// a blank line (no record). A line ending inside a quoted field (a `"` opening a field and
/// not yet closed; `""` inside is a quote, a `"` within an unquoted field an ordinary
/// character) is [`CsvLineError::OpenQuote`]; a line holding more than one record,
/// [`CsvLineError::SeveralRecords`]. Cost linear in the line.
///
/// ```
/// use consentry::pseudo::{parse_csv_line, CsvLineError};
/// assert_eq!(parse_csv_line("a,\"b,c\"\r\n").unwrap(), Some(vec!["a".into(), "b,c".into()]));
/// assert_eq!(parse_csv_line("\n").unwrap(), None);
/// assert_eq!(parse_csv_line("a,\"b\n"), Err(CsvLineError::OpenQuote));
/// assert_eq!(parse_csv_line("a\nb"), Err(CsvLineError::SeveralRecords));
/// ```
pub fn parse_csv_line(line: &str) -> Result<Option<Vec<String>>, CsvLineError> {
    let mut text = Vec::with_capacity(line.len() + SENTINEL.len());
    text.extend_from_slice(line.as_bytes());
    text.extend_from_slice(SENTINEL);
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_slice());
    let mut records: Vec<csv::StringRecord> = Vec::new();
    let mut rec = csv::StringRecord::new();
    while rd
        .read_record(&mut rec)
        .map_err(|_| CsvLineError::Unreadable)?
    {
        records.push(rec.clone());
    }
    // Closed: the last record is the sentinel's two empty cells. Open: the sentinel is text
    // inside the last field, which therefore holds a `,`.
    let closed = records
        .pop()
        .is_some_and(|last| last.len() == 2 && last.iter().all(str::is_empty));
    if !closed {
        return Err(CsvLineError::OpenQuote);
    }
    let mut records = records.into_iter();
    let first = records.next();
    if records.next().is_some() {
        return Err(CsvLineError::SeveralRecords);
    }
    Ok(first.map(|r| r.iter().map(str::to_owned).collect()))
}

/// Writes records one at a time, as `consentry pseudonymise` writes its CSV files; reuse one
/// for many records.
///
/// ```
/// use consentry::pseudo::CsvWriter;
/// let mut w = CsvWriter::new();
/// assert_eq!(w.record(&["a", "b,c", "say \"hi\""]).unwrap(), b"a,\"b,c\",\"say \"\"hi\"\"\"\n");
/// assert_eq!(w.record(&[""]).unwrap(), b"\"\"\n");
/// ```
#[derive(Debug, Default)]
pub struct CsvWriter {
    buf: Vec<u8>,
}

/// The `csv` writer's own buffer: small, as it holds one record's pieces on their way to
/// [`CsvWriter`]'s buffer (the output is the same for any size).
const WRITER_BUFFER: usize = 1024;

impl CsvWriter {
    /// A writer with the `csv` crate's defaults.
    pub fn new() -> Self {
        CsvWriter::default()
    }

    /// The CSV text of one record, terminated by `\n` (valid until the next call).
    pub fn record<S: AsRef<[u8]>>(&mut self, cells: &[S]) -> Result<&[u8], CsvLineError> {
        self.buf.clear();
        let mut wr = csv::WriterBuilder::new()
            .buffer_capacity(WRITER_BUFFER)
            .from_writer(&mut self.buf);
        wr.write_record(cells)
            .map_err(|_| CsvLineError::Unwritable)?;
        wr.flush().map_err(|_| CsvLineError::Unwritable)?;
        drop(wr);
        Ok(&self.buf)
    }
}

/// The CSV text of one record, terminated by `\n` ([`CsvWriter::record`] of a new writer).
pub fn csv_record<S: AsRef<[u8]>>(cells: &[S]) -> Result<Vec<u8>, CsvLineError> {
    CsvWriter::new().record(cells).map(<[u8]>::to_vec)
}
