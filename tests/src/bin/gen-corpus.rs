//! Writes the golden corpus (`tests/corpus/corpus.json` and its README).

use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(consentry_conformance::corpus_dir, Into::into);
    let cases = match consentry_conformance::corpus::generate() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot generate the corpus: {e}");
            return ExitCode::from(2);
        }
    };
    let write = |name: &str, text: String| std::fs::write(dir.join(name), text);
    if let Err(e) = std::fs::create_dir_all(&dir)
        .and_then(|()| {
            write(
                "corpus.json",
                consentry_conformance::corpus::to_json(&cases),
            )
        })
        .and_then(|()| write("README.md", consentry_conformance::corpus::readme(&cases)))
    {
        eprintln!("cannot write the corpus to {}: {e}", dir.display());
        return ExitCode::from(2);
    }
    eprintln!("wrote {} cases to {}", cases.len(), dir.display());
    ExitCode::SUCCESS
}
