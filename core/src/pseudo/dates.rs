//! Civil (proleptic Gregorian) dates as `YYYY-MM-DD`, years 1..=9999.
//!
//! Written by hand (Howard Hinnant's days-from-civil algorithms, ~40 lines) rather than pulling
//! in `time`, whose current releases need a newer Rust than the workspace's MSRV.

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Date {
    pub(crate) year: i32,
    pub(crate) month: u8,
    pub(crate) day: u8,
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// Parses exactly `YYYY-MM-DD`.
    pub(crate) fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let num = |r: core::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        Date::new(
            i64::from(num(0..4)?),
            i64::from(num(5..7)?),
            i64::from(num(8..10)?),
        )
    }

    /// The date of `year` (1..=9999), `month` and `day`, if it exists.
    pub(crate) fn new(year: i64, month: i64, day: i64) -> Option<Date> {
        let year = i32::try_from(year)
            .ok()
            .filter(|y| (1..=9999).contains(y))?;
        let month = u8::try_from(month).ok().filter(|m| (1..=12).contains(m))?;
        let day = u8::try_from(day).ok()?;
        if day < 1 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Days since 1970-01-01.
    pub(crate) fn to_days(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let m = i64::from(self.month);
        let d = i64::from(self.day);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01, if its year is in 1..=9999.
    pub(crate) fn from_days(days: i64) -> Option<Date> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        if !(1..=9999).contains(&y) {
            return None;
        }
        Some(Date {
            year: i32::try_from(y).ok()?,
            month: u8::try_from(m).ok()?,
            day: u8::try_from(d).ok()?,
        })
    }

    /// Whole years from `self` (a birth date) to `at`; negative when `at` is earlier.
    pub(crate) fn age_at(self, at: Date) -> i32 {
        let mut age = at.year - self.year;
        if (at.month, at.day) < (self.month, self.day) {
            age -= 1;
        }
        age
    }
}

impl Date {
    /// `YYYY-MM-DD` (years 1..=9999), written without the formatting machinery (hot path of
    /// `shift`).
    pub(crate) fn to_iso(self) -> String {
        let y = u32::try_from(self.year).unwrap_or(0);
        let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
        let mut s = String::with_capacity(10);
        s.push(digit(y / 1000));
        s.push(digit(y / 100));
        s.push(digit(y / 10));
        s.push(digit(y));
        s.push('-');
        s.push(digit(u32::from(self.month) / 10));
        s.push(digit(u32::from(self.month)));
        s.push('-');
        s.push(digit(u32::from(self.day) / 10));
        s.push(digit(u32::from(self.day)));
        s
    }
}

impl core::fmt::Display for Date {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.to_iso())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::Date;

    #[test]
    fn round_trip_and_known_days() {
        assert_eq!(Date::parse("1970-01-01").unwrap().to_days(), 0);
        assert_eq!(Date::parse("2000-03-01").unwrap().to_days(), 11_017);
        assert_eq!(Date::parse("0001-01-01").unwrap().to_days(), -719_162);
        for d in [-719_162i64, -1, 0, 59, 60, 11_016, 2_932_896] {
            let date = Date::from_days(d).unwrap();
            assert_eq!(date.to_days(), d);
            assert_eq!(Date::parse(&date.to_string()), Some(date));
        }
        assert_eq!(Date::from_days(-719_163), None);
        assert_eq!(Date::from_days(2_932_897), None);
    }

    #[test]
    fn parse_rejects() {
        for s in [
            "2023-02-29",
            "2023-13-01",
            "2023-00-10",
            "0000-01-01",
            "2023-1-01",
            "20230101",
            "2023-01-32",
            "+023-01-01",
            "2023/01/01",
            "",
        ] {
            assert_eq!(Date::parse(s), None, "{s}");
        }
        assert!(Date::parse("2024-02-29").is_some());
    }

    #[test]
    fn age() {
        let b = Date::parse("2000-02-29").unwrap();
        assert_eq!(b.age_at(Date::parse("2001-02-28").unwrap()), 0);
        assert_eq!(b.age_at(Date::parse("2001-03-01").unwrap()), 1);
        assert_eq!(b.age_at(Date::parse("1999-03-01").unwrap()), -1);
    }
}
