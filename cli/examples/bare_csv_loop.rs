//! The bare loop `scripts/bench-csv-bare` measures `consentry pseudonymise` against: parse a
//! CSV file with the `csv` crate, canonicalise the named columns as the core canonicalises a
//! `name` (NFC, runs of white space to one space, trimmed), HMAC-SHA256 them under the same
//! per-domain pseudonym key, base32 the first 16 bytes, and write the file with the `csv`
//! crate. One thread, no policy, no validation beyond that, no temporary file: the floor of
//! the `pseudonym` transform on this machine. Its output equals `consentry pseudonymise` with a
//! policy of `{"type": "name", "transform": "pseudonym"}` on the same columns (the script
//! checks it).
//!
//! `cargo run --release -p consentry-cli --example bare_csv_loop -- KEY DOMAIN IN OUT COL[,COL...]`

use std::io::Write as _;

use consentry::pseudo::primitives::{base32_lower_16, hmac_key, hmac_sha256};
use consentry::pseudo::{derive_domain_key, KeyKind, MasterKey};
use unicode_normalization::UnicodeNormalization as _;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [key, domain, input, output, columns] = args.as_slice() else {
        return Err("usage: bare_csv_loop KEY DOMAIN IN OUT COL[,COL...]".into());
    };
    let master = MasterKey::from_hex(std::fs::read_to_string(key)?.trim())?;
    let mac_key = hmac_key(&derive_domain_key(&master, KeyKind::Pseudonym, domain)?)
        .map_err(|_| "hmac key")?;
    let started = std::time::Instant::now();
    let mut rd = csv::ReaderBuilder::new().from_path(input)?;
    let mut wr = csv::WriterBuilder::new().from_writer(std::io::BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(output)?,
    ));
    let header = rd.headers()?.clone();
    let wanted: Vec<&str> = columns.split(',').collect();
    let selected: Vec<bool> = header.iter().map(|h| wanted.contains(&h)).collect();
    wr.write_record(&header)?;
    let mut rec = csv::StringRecord::new();
    let mut out: Vec<String> = Vec::with_capacity(header.len());
    let mut rows = 0u64;
    while rd.read_record(&mut rec)? {
        out.clear();
        for (cell, &pick) in rec.iter().zip(&selected) {
            if !pick || cell.is_empty() {
                out.push(cell.to_owned());
                continue;
            }
            let nfc: String = cell.nfc().collect();
            let mut canon = String::with_capacity(nfc.len());
            for (i, w) in nfc.split_whitespace().enumerate() {
                if i > 0 {
                    canon.push(' ');
                }
                canon.push_str(w);
            }
            let mac = hmac_sha256(&mac_key, canon.as_bytes());
            let mut first = [0u8; 16];
            first.iter_mut().zip(&mac).for_each(|(f, m)| *f = *m);
            out.push(base32_lower_16(&first));
        }
        wr.write_record(&out)?;
        rows += 1;
    }
    wr.flush()?;
    wr.into_inner().map_err(|e| e.to_string())?.flush()?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "bare loop: {rows} row(s) in {secs:.2} s ({:.0} rows/s, 1 thread)",
        rows as f64 / secs.max(1e-9)
    );
    Ok(())
}
