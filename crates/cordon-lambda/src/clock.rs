//! Wall-clock times as IAM and GuardDuty write them (UTC ISO 8601), without a date
//! library: the conversions are the civil-calendar ones, tested below.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Where time-to-containment is measured from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainmentClock {
    /// The finding's `updatedAt`: what the incident really cost (Lambda).
    FindingUpdatedAt,
    /// The start of handling (replay, where the finding's time is long past).
    HandlingStart,
}

impl ContainmentClock {
    /// Milliseconds from the clock's origin to now.
    pub fn elapsed_ms(self, finding_updated_at: &str, started: Instant) -> u64 {
        let since_start = started.elapsed().as_millis() as u64;
        if self == Self::HandlingStart {
            return since_start;
        }
        parse_utc(finding_updated_at)
            .and_then(|updated| SystemTime::now().duration_since(updated).ok())
            .map_or(since_start, |age| age.as_millis() as u64)
    }
}

/// Now, to the second: `2026-11-23T10:15:30Z`.
pub fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format_utc(secs)
}

fn format_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// `2025-06-13T09:46:02.731Z` (fraction optional), UTC only.
fn parse_utc(text: &str) -> Option<SystemTime> {
    let number = |range: std::ops::Range<usize>| text.get(range)?.parse::<u64>().ok();
    let shape = text.as_bytes();
    if shape.len() < 20 || shape[4] != b'-' || shape[10] != b'T' || !text.ends_with('Z') {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let millis = match text.get(19..text.len() - 1) {
        Some("") => 0,
        Some(fraction) => {
            let digits = fraction
                .strip_prefix('.')
                .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))?;
            let padded = format!("{digits:0<3}");
            padded.get(..3)?.parse::<u64>().ok()?
        }
        None => return None,
    };
    let days = days_from_civil(year as i64, month as i64, day as i64);
    let secs = u64::try_from(days).ok()? * 86_400 + hour * 3600 + minute * 60 + second;
    Some(UNIX_EPOCH + Duration::from_millis(secs * 1000 + millis))
}

// Howard Hinnant's algorithms for the proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_known_instants() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(1_795_515_330), "2026-11-24T10:15:30Z");
        let parsed = parse_utc("2026-11-24T10:15:30.250Z").unwrap();
        assert_eq!(
            parsed.duration_since(UNIX_EPOCH).unwrap().as_millis(),
            1_795_515_330_250
        );
        assert_eq!(
            parse_utc("2000-02-29T00:00:00Z"),
            Some(UNIX_EPOCH + Duration::from_secs(951_782_400))
        );
    }

    #[test]
    fn refuses_what_is_not_utc_iso_8601() {
        for bad in [
            "2026-11-24",
            "2026-11-24T10:15:30+01:00",
            "yesterday",
            "2026-11-24T10:15:30.Z",
        ] {
            assert_eq!(parse_utc(bad), None, "{bad}");
        }
    }

    #[test]
    fn now_reads_back() {
        let now = utc_now();
        let parsed = parse_utc(&now).unwrap();
        let age = SystemTime::now().duration_since(parsed).unwrap();
        assert!(age < Duration::from_secs(5), "{now}");
    }
}
