//! Dates without a date library: the current time (or `SOURCE_DATE_EPOCH`, so tests and
//! reproducible builds get a fixed one), the calendar date of a day count, and [`Date`],
//! a page's date as precise as its source (a day, a month or a year). A leaf used by the
//! model (page dates), `new` (the date of a new page), the feed and the offline zip.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since 1970-01-01 UTC: `SOURCE_DATE_EPOCH` when set, else the clock.
pub fn now_secs() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        })
}

/// Today's date (UTC) as `YYYY-MM-DD`, per [`now_secs`].
pub fn today() -> String {
    let (y, m, d) = civil_from_days(now_secs().div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The (year, month, day) of a day counted from 1970-01-01, in the proleptic Gregorian
/// calendar (the usual era-of-400-years computation).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A date as precise as its source: a day, a month or a year (#10).
///
/// The order is chronological by period start, and within the same start the less
/// precise date comes first: `2016` < `2016-01` < `2016-01-01` < `2016-01-02`. In a list
/// sorted newest first, a day therefore comes before the month-only date of its month,
/// which comes before the year-only date of its year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    /// 1 to 12, or 0 for a year-only date.
    month: u8,
    /// 1 to the month's length, or 0 for a year- or month-only date.
    day: u8,
}

/// The forms a date may take, for messages.
pub const DATE_FORMS: &str = "write a day `2024-09-13`, a month `\"2024-09\"` or a year `2016`";

impl Date {
    /// A day, if it exists in the calendar.
    pub fn day(year: i64, month: u32, day: u32) -> Option<Date> {
        let year = u16::try_from(year)
            .ok()
            .filter(|y| (1..=9999).contains(y))?;
        let month = u8::try_from(month).ok().filter(|m| (1..=12).contains(m))?;
        let day = u8::try_from(day)
            .ok()
            .filter(|&d| d >= 1 && d <= days_in_month(year, month))?;
        Some(Date { year, month, day })
    }

    /// A year (1 to 9999).
    pub fn year(year: i64) -> Option<Date> {
        let year = u16::try_from(year)
            .ok()
            .filter(|y| (1..=9999).contains(y))?;
        Some(Date {
            year,
            month: 0,
            day: 0,
        })
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (digits exactly so, a real month and day).
    pub fn parse(text: &str) -> Option<Date> {
        let number = |s: &str, len: usize| {
            (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u32>().ok())
                .flatten()
        };
        let mut parts = text.split('-');
        let year = i64::from(number(parts.next()?, 4)?);
        let month = parts.next().map(|m| number(m, 2));
        let day = parts.next().map(|d| number(d, 2));
        if parts.next().is_some() {
            return None;
        }
        match (month, day) {
            (None, _) => Date::year(year),
            (Some(m), None) => {
                let month = u8::try_from(m?).ok().filter(|m| (1..=12).contains(m))?;
                Some(Date {
                    month,
                    ..Date::year(year)?
                })
            }
            (Some(m), Some(d)) => Date::day(year, m?, d?),
        }
    }

    /// The first day of the period, `YYYY-MM-DD`: where a feed entry needing a day
    /// places a month or a year.
    pub fn first_day(self) -> String {
        format!(
            "{:04}-{:02}-{:02}",
            self.year,
            self.month.max(1),
            self.day.max(1)
        )
    }
}

impl Date {
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, written into `buf` without the formatting
    /// machinery: every link to a page carries its date, so this runs for each entry of
    /// every list (1% of a build through `write!`).
    fn iso<'b>(&self, buf: &'b mut [u8; 11]) -> &'b str {
        let mut len = digits(buf, 0, self.year, 4);
        for part in [self.month, self.day].into_iter().take_while(|&p| p > 0) {
            buf[len] = b'-';
            len = digits(buf, len + 1, u16::from(part), 2);
        }
        // Only ASCII digits and dashes were written.
        std::str::from_utf8(&buf[..len]).unwrap_or_default()
    }
}

/// Writes `n` in decimal into `buf` at `at`, padded with zeros to `width` digits, and
/// returns where it ends.
fn digits(buf: &mut [u8], at: usize, n: u16, width: u32) -> usize {
    let count = (n.checked_ilog10().unwrap_or(0) + 1).max(width);
    for place in 0..count {
        let power = 10u16.pow(count - 1 - place);
        buf[at + place as usize] = b'0' + (n / power % 10) as u8;
    }
    at + count as usize
}

/// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`: the ISO 8601 form at the date's own precision, as
/// `<time datetime>` wants it.
impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.iso(&mut [0; 11]))
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.iso(&mut [0; 11]))
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_at_their_precision_and_print_back() {
        for text in [
            "2024-09-13",
            "2024-09",
            "2016",
            "2024-02-29",
            "0999",
            "0007-01-05",
        ] {
            let date = Date::parse(text).unwrap();
            assert_eq!(date.to_string(), text);
            assert_eq!(
                serde_json::to_value(date).unwrap(),
                text,
                "as templates get it"
            );
        }
        for bad in [
            "2024-13",
            "2024-9",
            "2024-09-32",
            "2023-02-29",
            "24-09",
            "2024-09-1",
            "2024-",
            "0000",
            "2024-00",
            "2024-09-13-01",
            "",
            "2O24",
            "+202",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert_eq!(Date::year(2016).unwrap().to_string(), "2016");
        assert_eq!(Date::year(10_000), None);
        assert_eq!(Date::day(2024, 9, 31), None);
    }

    #[test]
    fn a_less_precise_date_sorts_before_the_days_of_its_period() {
        let d = |s| Date::parse(s).unwrap();
        assert!(d("2016") < d("2016-01"));
        assert!(d("2016-01") < d("2016-01-01"));
        assert!(d("2016-12-31") < d("2017"));
        assert!(d("2024-09") < d("2024-09-01"));
        assert!(d("2024-09-30") < d("2024-10"));
        assert_eq!(d("2024-09").first_day(), "2024-09-01");
        assert_eq!(d("2016").first_day(), "2016-01-01");
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_967), (2024, 9, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_453), (2025, 12, 31));
        assert_eq!(civil_from_days(20_454), (2026, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
