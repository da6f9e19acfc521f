//! docs/errors.md is the published list of stable codes: it must say exactly what the code
//! says. Every row `| <number> | `<name>` | <meaning> |` before the "Decision reason codes"
//! heading is an error code and must match `Code::ALL` (number, name, and `Code::description()`
//! as the meaning); the rows of that section must match `ReasonCode::ALL` (number and name, in
//! check order). A code added, removed or renamed in one place and not the other fails here.
#![allow(clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use consentry::purpose::ReasonCode;
use consentry::Code;

/// The heading that starts the decision reason codes; error code rows come before it.
const REASONS_HEADING: &str = "## Decision reason codes";

fn errors_md() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/errors.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One table row: number, name, meaning (white space squashed).
type Row = (u32, String, String);

/// A table row `| number | `name` | meaning |`, if the line is one.
fn row(line: &str) -> Option<Row> {
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    let mut cells = inner.splitn(3, '|');
    let number = cells.next()?.trim().parse::<u32>().ok()?;
    let name = cells.next()?.trim();
    let name = name.strip_prefix('`')?.strip_suffix('`')?;
    let meaning = cells.next()?.trim();
    Some((number, name.to_owned(), squash(meaning)))
}

/// The rows of the error code tables and of the reason code table, in document order.
fn rows(doc: &str) -> (Vec<Row>, Vec<Row>) {
    let (codes, reasons) = doc
        .split_once(REASONS_HEADING)
        .unwrap_or_else(|| panic!("docs/errors.md has no `{REASONS_HEADING}` heading"));
    // The reason section ends at the next level-2 heading.
    let reasons = reasons.split("\n## ").next().unwrap_or_default();
    let collect = |text: &str| text.lines().filter_map(row).collect::<Vec<_>>();
    (collect(codes), collect(reasons))
}

#[test]
fn docs_errors_tables_list_every_code_with_its_number_name_and_meaning() {
    let (documented, _) = rows(&errors_md());
    let mut by_number: BTreeMap<u32, (String, String)> = BTreeMap::new();
    for (n, name, meaning) in &documented {
        assert!(
            by_number
                .insert(*n, (name.clone(), meaning.clone()))
                .is_none(),
            "docs/errors.md lists code {n} twice"
        );
    }
    let expected: BTreeMap<u32, (String, String)> = Code::ALL
        .iter()
        .map(|c| (c.as_u32(), (c.as_str().to_owned(), squash(c.description()))))
        .collect();
    let missing: Vec<_> = expected
        .iter()
        .filter(|(n, _)| !by_number.contains_key(n))
        .map(|(n, (name, _))| format!("{n} `{name}`"))
        .collect();
    let extra: Vec<_> = by_number
        .iter()
        .filter(|(n, _)| !expected.contains_key(n))
        .map(|(n, (name, _))| format!("{n} `{name}`"))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "docs/errors.md and Code::ALL differ: missing from the docs {missing:?}, not in the code {extra:?}"
    );
    for (n, (name, meaning)) in &expected {
        let (doc_name, doc_meaning) = &by_number[n];
        assert_eq!(
            doc_name, name,
            "code {n}: docs/errors.md names it differently"
        );
        assert_eq!(
            doc_meaning, meaning,
            "code {n} `{name}`: the meaning in docs/errors.md is not Code::description()"
        );
    }
    let numbers: Vec<u32> = documented.iter().map(|(n, _, _)| *n).collect();
    let mut sorted = numbers.clone();
    sorted.sort_unstable();
    assert_eq!(
        numbers, sorted,
        "docs/errors.md lists codes in numeric order"
    );
}

#[test]
fn docs_errors_reason_table_lists_every_reason_code_in_check_order() {
    let (_, documented) = rows(&errors_md());
    let documented: Vec<(u32, String)> = documented
        .into_iter()
        .map(|(n, name, _)| (n, name))
        .collect();
    let expected: Vec<(u32, String)> = ReasonCode::ALL
        .iter()
        .map(|r| (r.as_u32(), r.as_str().to_owned()))
        .collect();
    assert_eq!(
        documented, expected,
        "the decision reason codes in docs/errors.md differ from ReasonCode::ALL (numbers, names or check order)"
    );
}

#[test]
fn docs_errors_row_parser_reads_the_table_form() {
    assert_eq!(
        row("| 1300 | `signature_invalid` | the signature  does not verify |"),
        Some((
            1300,
            "signature_invalid".to_owned(),
            "the signature does not verify".to_owned()
        ))
    );
    assert_eq!(row("| number | name | meaning |"), None);
    assert_eq!(row("|---|---|---|"), None);
    assert_eq!(row("| `cli_usage` | bad arguments |"), None);
}
