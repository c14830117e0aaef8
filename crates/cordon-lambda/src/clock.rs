//! Wall-clock times as IAM and GuardDuty write them: UTC ISO 8601, `Z` and all. The
//! calendar is the `time` crate's; this file only holds cordon to that one shape.

use std::time::{Instant, SystemTime};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

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
    format_utc(OffsetDateTime::now_utc())
}

/// `2026-11-23T10:15:30Z`, the fraction dropped. Written out from the crate's fields
/// rather than through `Rfc3339`, whose formatting returns a `Result` (past year 9999):
/// the string dates the session-revoking deny, which must not fail on the clock.
fn format_utc(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// `2025-06-13T09:46:02.731Z` (fraction optional), UTC only.
fn parse_utc(text: &str) -> Option<SystemTime> {
    // RFC 3339 also admits offsets, any separator and a lowercase `z`; IAM and
    // GuardDuty write `T` and `Z`, and anything else is not theirs.
    if text.as_bytes().get(10) != Some(&b'T') || !text.ends_with('Z') {
        return None;
    }
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .map(SystemTime::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn at(secs: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(secs).unwrap()
    }

    #[test]
    fn formats_and_parses_known_instants() {
        assert_eq!(format_utc(at(0)), "1970-01-01T00:00:00Z");
        assert_eq!(format_utc(at(951_782_400)), "2000-02-29T00:00:00Z");
        assert_eq!(format_utc(at(1_795_515_330)), "2026-11-24T10:15:30Z");
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
    fn formats_to_the_second_in_utc_whatever_the_offset() {
        let late = at(1_795_515_330) + time::Duration::milliseconds(999);
        assert_eq!(format_utc(late), "2026-11-24T10:15:30Z");
        let paris = late.to_offset(time::UtcOffset::from_hms(1, 0, 0).unwrap());
        assert_eq!(format_utc(paris), "2026-11-24T10:15:30Z");
    }

    #[test]
    fn refuses_what_is_not_utc_iso_8601() {
        for bad in [
            "2026-11-24",
            "2026-11-24T10:15:30+01:00",
            "2026-11-24T10:15:30+00:00",
            "yesterday",
            "2026-11-24T10:15:30.Z",
            "2026-11-24 10:15:30Z",
            "2026-11-24T10:15:30z",
            "2026-02-30T10:15:30Z",
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
