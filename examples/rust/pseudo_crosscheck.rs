//! Prints JSON lines of pseudonym, token, ff1 and shift outputs for a few hundred synthetic
//! values across several domains, for `tests/python/pseudo_crosscheck.py` to recompute with an
//! independent implementation (Python `cryptography`).
//!
//! Run: `cargo run --quiet --example crosscheck > crosscheck.jsonl`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consentry::ids;
use consentry::pseudo::Pseudonymiser;
use consentry_testkit::pseudo::{crosscheck_master, crosscheck_policy};
use serde_json::json;

const DOMAINS: &[&str] = &[
    "tn.health/research",
    "ka.pds/audit",
    "x",
    "consent:0123456789abcdef0123456789abcdef:aa:101",
    "तमिलनाडु/स्वास्थ्य",
    "domain with spaces and a very long suffix ................................................",
];

/// xorshift64*, for reproducible synthetic values without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn digits(&mut self, n: usize, first: &[u8]) -> String {
        let mut s = String::new();
        let f = first[(self.next() % first.len() as u64) as usize];
        s.push(char::from(f));
        for _ in 1..n {
            s.push(char::from(b'0' + (self.next() % 10) as u8));
        }
        s
    }
    fn pick<'a>(&mut self, xs: &'a [&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

fn main() {
    let master = crosscheck_master();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let names = [
        "Asha  Devi",
        " Ravi Kumar ",
        "Re\u{301}mi\tN",
        "முருகன்",
        "सीता  राम",
        "Ng\u{1ec7}",
        "O'Brien",
    ];
    let mail = [
        "A.Devi@Example.IN",
        " ravi+x@mail.co.in ",
        "x_y@sub.domain.org",
    ];
    for domain in DOMAINS {
        let ps = Pseudonymiser::new(&crosscheck_policy(domain), &master).unwrap();
        for i in 0..60 {
            let body = rng.digits(11, b"23456789");
            let aadhaar = format!("{body}{}", ids::verhoeff_check_digit(&body).unwrap());
            let aadhaar_in = if i % 2 == 0 {
                format!("{} {} {}", &aadhaar[..4], &aadhaar[4..8], &aadhaar[8..])
            } else {
                aadhaar.clone()
            };
            let mobile_in = format!("+91 {}", rng.digits(10, b"6789"));
            let pan_in = format!(
                "{}{}E{}F",
                ["abc", "XYZ", "Qrs"][i % 3],
                ["P", "C", "H", "T"][i % 4],
                rng.digits(4, b"0123456789")
            );
            let name_in = format!("{} {}", rng.pick(&names), i);
            let email_in = rng.pick(&mail).to_owned();
            let date = format!(
                "{:04}-{:02}-{:02}",
                1950 + rng.next() % 70,
                1 + rng.next() % 12,
                1 + rng.next() % 28
            );
            for (ty, input) in [
                ("aadhaar", aadhaar_in.as_str()),
                ("mobile", &mobile_in),
                ("pan", &pan_in),
                ("name", &name_in),
                ("email", &email_in),
            ] {
                let p = ps
                    .transform_value(&format!("{ty}.p"), input)
                    .unwrap()
                    .unwrap();
                let t = ps
                    .transform_value(&format!("{ty}.t"), input)
                    .unwrap()
                    .unwrap();
                let canonical = ps.reverse_value(&format!("{ty}.t"), &t).unwrap();
                let f = ps.transform_value(&format!("{ty}.f"), input).ok().flatten();
                let mut line = json!({
                    "domain": domain, "type": ty, "input": input, "canonical": canonical,
                    "pseudonym": p, "token": t, "ff1": f,
                });
                let shift_field = match ty {
                    "aadhaar" => Some(("date.s.aadhaar", 180)),
                    "name" => Some(("date.s.name", 30)),
                    _ => None,
                };
                if let Some((field, max_days)) = shift_field {
                    line["shift"] = json!({
                        "max_days": max_days,
                        "offset": ps.shift_offset(field, input).unwrap(),
                        "date": date,
                        "shifted": ps.transform_shift(field, &date, input).unwrap().unwrap(),
                    });
                }
                println!("{line}");
            }
        }
    }
}
