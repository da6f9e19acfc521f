//! `consentry detect` and `redact`: identifiers in free text (the core's `ids::detect` and
//! `ids::redact`; this file reads and prints).

use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::ExitCode;

use crate::util::{self, CliError};

fn read_text_arg(input: Option<&Path>) -> Result<String, CliError> {
    match input {
        Some(p) => util::read_text(p),
        None => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| CliError::io("read", Path::new("<stdin>"), &e))?;
            Ok(s)
        }
    }
}

/// Prints the identifiers found in free text as JSON lines (offsets and types, never values).
pub(crate) fn detect(input: Option<&Path>) -> Result<ExitCode, CliError> {
    let text = read_text_arg(input)?;
    let spans = consentry::ids::detect(&text);
    for s in &spans {
        println!(
            "{}",
            serde_json::json!({ "start": s.start, "end": s.end, "type": s.kind.as_str() })
        );
    }
    eprintln!("found {} identifier(s)", spans.len());
    Ok(ExitCode::SUCCESS)
}

/// Replaces every identifier found in free text with `[type]` (or its display mask).
pub(crate) fn redact(input: Option<&Path>, mask: bool) -> Result<ExitCode, CliError> {
    let text = read_text_arg(input)?;
    let with = if mask {
        consentry::ids::Redaction::Mask
    } else {
        consentry::ids::Redaction::Label
    };
    let consentry::ids::Redacted {
        text: out, spans, ..
    } = consentry::ids::redact(&text, with);
    print!("{out}");
    std::io::stdout()
        .flush()
        .map_err(|e| CliError::io("write", Path::new("<stdout>"), &e))?;
    eprintln!("redacted {} identifier(s)", spans.len());
    Ok(ExitCode::SUCCESS)
}
