//! Logic every face shares, held once in the core (issue 15): `--on-error` handling
//! ([`OnError`]), the CSV line codec, redaction and the identifier-type parser.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consentry::ids::{self, IdType, Redaction, UnknownIdType};
use consentry::pseudo::{
    csv_record, parse_csv_line, CsvLineError, CsvOptions, CsvWriter, MasterKey, OnError, Policy,
    PseudoError, Pseudonymiser,
};
use consentry::{Code, HasCode as _};
use serde_json::json;

const KEY: [u8; 32] = *b"consentry on-error test key, 32b";
const BAD: &str = "234567890123"; // fails Verhoeff

fn ps(fields: serde_json::Value, unlisted: &str) -> Pseudonymiser {
    let doc = json!({"domain": "faces", "fields": fields, "unlisted": unlisted});
    let policy = Policy::from_json(&doc.to_string()).unwrap();
    Pseudonymiser::new(&policy, &MasterKey::from_bytes(KEY)).unwrap()
}

// ----- --on-error -----

#[test]
fn on_error_fail_and_skip_row_return_the_error_and_null_field_nulls_each_failing_json_value() {
    let p = ps(
        json!({
            "/members/*/aadhaar": {"type": "aadhaar", "transform": "pseudonym"},
            "mobile": {"type": "mobile", "transform": "token"},
        }),
        "keep",
    );
    let rec = json!({"members": [{"aadhaar": "234567890124"}, {"aadhaar": BAD}],
                     "mobile": "12", "x": 1});
    for mode in [OnError::Fail, OnError::SkipRow] {
        let e = p.apply_json_on_error(&rec, false, mode).unwrap_err();
        assert_eq!(e.code(), Code::PseudoInvalidValue);
        assert!(!e.to_string().contains(BAD));
    }
    let done = p
        .apply_json_on_error(&rec, false, OnError::NullField)
        .unwrap();
    // Every value at a failing field's selector is nulled (the whole `*` selector), and the
    // failures are reported in order, by field, never by value.
    let fields: Vec<_> = done.nulled.iter().map(PseudoError::field).collect();
    assert_eq!(fields, [Some("/members/*/aadhaar"), Some("mobile")]);
    assert_eq!(
        done.output,
        json!({"members": [{"aadhaar": null}, {"aadhaar": null}], "mobile": null, "x": 1})
    );
    assert_eq!(done.values, 0);
    // A clean record: every selected value counted, nothing nulled.
    let ok = json!({"members": [{"aadhaar": "234567890124"}], "mobile": "9876543210"});
    let done = p
        .apply_json_on_error(&ok, false, OnError::NullField)
        .unwrap();
    assert_eq!((done.values, done.nulled.len()), (2, 0));
    assert_eq!(done.output, {
        let mut r = ok.clone();
        p.apply_json(&mut r).unwrap();
        r
    });
}

#[test]
fn on_error_null_field_empties_a_bad_shift_subject_and_then_the_shifted_date() {
    let p = ps(
        json!({
            "aadhaar": {"type": "aadhaar", "transform": "pseudonym"},
            "visit": {"type": "date", "transform": "shift",
                      "params": {"max_days": 30, "subject": "aadhaar"}},
        }),
        "keep",
    );
    let plan = p.csv_plan(&["aadhaar", "visit", "note"]).unwrap();
    let row = [BAD, "2026-05-20", "n"];
    let e = plan.apply_row_on_error(&row, OnError::Fail).unwrap_err();
    assert_eq!(e.code(), Code::PseudoInvalidValue);
    let done = plan.apply_row_on_error(&row, OnError::NullField).unwrap();
    assert_eq!(done.output, ["", "", "n"]);
    let codes: Vec<_> = done.nulled.iter().map(PseudoError::code).collect();
    assert_eq!(
        codes,
        [Code::PseudoInvalidValue, Code::PseudoMissingSubject],
        "the subject is emptied, then the date that needs it"
    );
    assert_eq!(done.values, 0);
    // The same through a JSON record.
    let rec = json!({"aadhaar": BAD, "visit": "2026-05-20"});
    let done = p
        .apply_json_on_error(&rec, false, OnError::NullField)
        .unwrap();
    assert_eq!(done.output, json!({"aadhaar": null, "visit": null}));
    assert_eq!(done.nulled.len(), 2);
}

#[test]
fn on_error_null_field_finds_a_folded_column_and_refuses_what_names_no_cell() {
    let p = ps(
        json!({"aadhaar": {"type": "aadhaar", "transform": "ff1"}}),
        "keep",
    );
    let options = CsvOptions::default().fold_column_names(true);
    let plan = p.csv_plan_with(&["Aadhaar ", "x"], options).unwrap();
    assert_eq!(plan.listed_columns(), [0]);
    let done = plan
        .apply_row_on_error(&[BAD, "1"], OnError::NullField)
        .unwrap();
    assert_eq!(done.output, ["", "1"]);
    // A row of the wrong length names no field: refused whatever the mode.
    let e = plan
        .apply_row_on_error(&["1"], OnError::NullField)
        .unwrap_err();
    assert_eq!(e.code(), Code::PseudoRowLength);
    // Mode names are the CLI's.
    for m in OnError::ALL {
        assert_eq!(OnError::from_name(m.as_str()), Some(*m));
    }
    assert_eq!(OnError::from_name("null"), None);
}

// ----- the CSV line codec -----

/// The hand-written quote scanner the C ABI used before the codec moved into the core: the
/// reference the `csv`-crate-based detection must agree with.
fn old_ends_in_quotes(text: &[u8]) -> bool {
    let (mut in_quotes, mut field_start) = (false, true);
    let mut bytes = text.iter().peekable();
    while let Some(&b) = bytes.next() {
        if in_quotes {
            if b == b'"' && bytes.next_if_eq(&&b'"').is_none() {
                in_quotes = false;
            }
        } else if b == b'"' && field_start {
            in_quotes = true;
        }
        field_start = !in_quotes && matches!(b, b',' | b'\n' | b'\r');
    }
    in_quotes
}

/// The old C line reader: `None` blank, `Err(true)` several records.
fn old_cells(line: &str) -> Result<Option<Vec<String>>, bool> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let mut rec = csv::StringRecord::new();
    if !rd.read_record(&mut rec).unwrap() {
        return Ok(None);
    }
    let mut more = csv::StringRecord::new();
    if rd.read_record(&mut more).unwrap() {
        return Err(true);
    }
    Ok(Some(rec.iter().map(str::to_owned).collect()))
}

#[test]
fn csv_line_codec_reads_every_short_line_as_the_old_scanner_and_reader_did() {
    const ALPHABET: [char; 6] = ['a', '"', ',', '\n', '\r', ' '];
    let mut lines = vec![String::new()];
    let mut frontier = vec![String::new()];
    for _ in 0..5 {
        frontier = frontier
            .iter()
            .flat_map(|s| ALPHABET.iter().map(move |c| format!("{s}{c}")))
            .collect();
        lines.extend(frontier.iter().cloned());
    }
    assert_eq!(lines.len(), 9_331);
    for line in &lines {
        let got = parse_csv_line(line);
        if old_ends_in_quotes(line.as_bytes()) {
            assert_eq!(got, Err(CsvLineError::OpenQuote), "{line:?}");
            assert_eq!(got.unwrap_err().code(), Code::PseudoCsvOpenQuote);
            continue;
        }
        match old_cells(line) {
            Err(_) => {
                assert_eq!(got, Err(CsvLineError::SeveralRecords), "{line:?}");
                assert_eq!(got.unwrap_err().code(), Code::PseudoCsvSeveralRecords);
            }
            Ok(cells) => assert_eq!(got, Ok(cells), "{line:?}"),
        }
    }
    // The messages the C ABI prefixes with the argument name (unchanged).
    assert_eq!(
        CsvLineError::OpenQuote.to_string(),
        "ends inside a quoted csv field: append the next line and call again"
    );
    assert_eq!(
        CsvLineError::SeveralRecords.to_string(),
        "holds more than one csv record"
    );
}

#[test]
fn csv_writer_writes_the_bytes_of_a_streaming_csv_writer() {
    let cells = [
        "",
        "a",
        "a,b",
        "say \"hi\"",
        "line\nbreak",
        " pad ",
        "\r",
        "'=1",
        "é",
    ];
    let mut records: Vec<Vec<&str>> = vec![vec![""], vec!["", ""]];
    for a in cells {
        for b in cells {
            records.push(vec![a, b]);
            records.push(vec![a, b, a]);
        }
    }
    // What the CLI wrote before: one csv::Writer over the whole file.
    let mut stream = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let mut ours = Vec::new();
    let mut w = CsvWriter::new();
    for r in &records {
        stream.write_record(r).unwrap();
        let line = w.record(r).unwrap();
        assert_eq!(line, csv_record(r).unwrap().as_slice());
        // Every record round-trips through the line reader.
        let text = std::str::from_utf8(line).unwrap();
        let back = parse_csv_line(text).unwrap().unwrap();
        assert_eq!(back, *r, "{text:?}");
        ours.extend_from_slice(line);
    }
    assert_eq!(ours, stream.into_inner().unwrap());
}

// ----- redaction and identifier types -----

#[test]
fn redact_replaces_each_identifier_by_its_type_or_its_mask_and_keeps_the_rest() {
    let text = "Aadhaar 2345 6789 0124, bad 2345 6789 0125, mail meena@b.in, call 98765 43210.";
    let r = ids::redact(text, Redaction::Label);
    assert_eq!(
        r.text,
        "Aadhaar [aadhaar], bad 2345 6789 0125, mail [email], call [mobile]."
    );
    assert_eq!(r.spans, ids::detect(text));
    let m = ids::redact(text, Redaction::Mask);
    assert_eq!(
        m.text,
        "Aadhaar XXXX XXXX 0124, bad 2345 6789 0125, mail mXXXX@b.in, call XXXXXX3210."
    );
    assert_eq!(ids::redact("", Redaction::Mask).text, "");
}

#[test]
fn an_unknown_identifier_type_is_one_error_in_every_face() {
    for t in IdType::ALL {
        assert_eq!(IdType::from_name(t.as_str()), Ok(*t));
        assert_eq!(t.as_str().parse::<IdType>(), Ok(*t));
    }
    for bad in ["ssn", "", "Aadhaar", "aadhaar "] {
        let e = IdType::from_name(bad).unwrap_err();
        assert_eq!(e, UnknownIdType);
        assert_eq!(e.code(), Code::IdUnknownType);
        assert_eq!(e.code().as_str(), "id_unknown_type");
    }
    // The JSON face: the same code (it was `request_invalid`).
    let rng = ring::rand::SystemRandom::new();
    for op in ["idValidate", "idMask"] {
        let out = consentry::interop::call_json(op, r#"{"type": "ssn", "value": "1"}"#, &rng);
        let out: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(out["ok"], false, "{out}");
        assert_eq!(out["error"]["code"], "id_unknown_type", "{out}");
        assert_eq!(
            out["error"]["message"],
            "`type` is not a known identifier type (aadhaar, vid, pan, gstin, mobile, email, pincode, epic, passport, ifsc)"
        );
    }
}
