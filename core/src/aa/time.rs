//! Instants in AA consent details: RFC 3339 / ISO 8601 date-times with an offset (`Z`,
//! `+05:30`, or the common `+0000` without a colon) or epoch-millisecond numbers.

use serde_json::Value;

use super::json::integral;
use crate::pseudo::dates::Date;

/// An instant: whole seconds since the epoch and whether a sub-second part was cut off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Instant {
    /// Seconds since the epoch, rounded down.
    pub(crate) floor: i64,
    /// Whether the instant lies strictly after `floor`.
    pub(crate) fraction: bool,
}

impl Instant {
    /// Rounded down: for upper bounds (expiry, end of a range), so they never grow.
    pub(crate) fn down(self) -> i64 {
        self.floor
    }

    /// Rounded up: for lower bounds (start, beginning of a range), so they never shrink.
    pub(crate) fn up(self) -> i64 {
        if self.fraction {
            self.floor.saturating_add(1)
        } else {
            self.floor
        }
    }
}

/// A run of exactly `n` ASCII digits at the start of `s`, and the rest.
fn digits(s: &[u8], n: usize) -> Option<(i64, &[u8])> {
    let (head, rest) = s.split_at_checked(n)?;
    let mut v = 0i64;
    for &b in head {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(b - b'0');
    }
    Some((v, rest))
}

fn expect(s: &[u8], c: u8) -> Option<&[u8]> {
    match s {
        [first, rest @ ..] if *first == c => Some(rest),
        _ => None,
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM|±HHMM)`; a leap second (`:60`) is refused.
pub(crate) fn parse_datetime(s: &str) -> Option<Instant> {
    let b = s.as_bytes();
    let (y, b) = digits(b, 4)?;
    let (mo, b) = digits(expect(b, b'-')?, 2)?;
    let (d, b) = digits(expect(b, b'-')?, 2)?;
    let b = match b {
        [b'T' | b't', rest @ ..] => rest,
        _ => return None,
    };
    let (h, b) = digits(b, 2)?;
    let (mi, b) = digits(expect(b, b':')?, 2)?;
    let (se, mut b) = digits(expect(b, b':')?, 2)?;
    let mut fraction = false;
    if let Some(rest) = expect(b, b'.') {
        let n = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 {
            return None;
        }
        let (frac, rest) = rest.split_at_checked(n)?;
        fraction = frac.iter().any(|&c| c != b'0');
        b = rest;
    }
    let offset = match b {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (oh, rest) = digits(rest, 2)?;
            let rest = expect(rest, b':').unwrap_or(rest);
            let (om, rest) = digits(rest, 2)?;
            if !rest.is_empty() || oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return None,
    };
    let date = Date::new(y, mo, d)?;
    if h > 23 || mi > 59 || se > 59 {
        return None;
    }
    let floor = date.to_days() * 86_400 + h * 3600 + mi * 60 + se - offset;
    Some(Instant { floor, fraction })
}

/// An instant written as a date-time string or as epoch milliseconds (an integral number,
/// `1559043500380` or `1559043500380.0`).
pub(crate) fn parse_instant(v: &Value) -> Option<Instant> {
    match v {
        Value::String(s) => parse_datetime(s),
        Value::Number(_) => {
            let ms = integral(v)?;
            let floor = i64::try_from(ms.div_euclid(1000)).ok()?;
            Some(Instant {
                floor,
                fraction: ms.rem_euclid(1000) != 0,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn offsets_with_and_without_colon_and_epoch_millis_agree() {
        let a = parse_datetime("2019-05-28T11:38:20.380+0000").unwrap();
        assert_eq!(a.floor, 1_559_043_500);
        assert!(a.fraction);
        assert_eq!(a.up(), 1_559_043_501);
        assert_eq!(parse_datetime("2019-05-28T11:38:20.380Z"), Some(a));
        assert_eq!(parse_datetime("2019-05-28T17:08:20.380+05:30"), Some(a));
        assert_eq!(parse_datetime("2019-05-28T17:08:20.380+0530"), Some(a));
        assert_eq!(
            parse_instant(&serde_json::json!(1_559_043_500_380u64)),
            Some(a)
        );
        assert_eq!(
            parse_instant(&serde_json::json!(1_559_043_500_380.0)),
            Some(a)
        );
        let whole = parse_datetime("1970-01-01T00:00:00Z").unwrap();
        assert_eq!((whole.floor, whole.fraction), (0, false));
        assert_eq!(
            parse_datetime("2000-02-29T00:00:00.000Z").unwrap().floor,
            951_782_400
        );
    }

    #[test]
    fn malformed_instants_are_refused() {
        for s in [
            "2019-05-28T11:38:20",
            "2019-05-28 11:38:20Z",
            "2019-02-29T00:00:00Z",
            "2019-05-28T24:00:00Z",
            "2019-05-28T11:38:60Z",
            "2019-05-28T11:38:20.Z",
            "2019-05-28T11:38:20+2400",
            "2019-05-28T11:38:20+00:0",
            "19-05-28T11:38:20Z",
            "2019-05-28T11:38:20Zjunk",
            "",
        ] {
            assert_eq!(parse_datetime(s), None, "{s}");
        }
        assert_eq!(parse_instant(&serde_json::json!(1.5)), None);
        assert_eq!(parse_instant(&serde_json::json!(true)), None);
    }
}
