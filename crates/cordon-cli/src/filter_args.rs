//! The filters of `cordon findings` as typed: clap value parsers, so a bad value is a
//! usage error naming the flag, before any AWS call.

use cordon_aws::MinSeverity;
use cordon_core::Decision;
use std::time::{Duration, SystemTime};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// `--since`: a time, or a span back from when the command runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Since {
    At(SystemTime),
    Ago(Duration),
}

impl Since {
    /// The time meant, seen from `now`. A span reaching back past the clock's
    /// beginning means every finding.
    pub fn resolve(self, now: SystemTime) -> SystemTime {
        match self {
            Self::At(at) => at,
            Self::Ago(span) => now
                .checked_sub(span)
                .unwrap_or(SystemTime::UNIX_EPOCH)
                .max(SystemTime::UNIX_EPOCH),
        }
    }
}

const SINCE_EXPECTED: &str =
    "expected an RFC 3339 time (2025-06-01T00:00:00Z) or a span back from now (30m, 24h, 7d)";

pub fn since(value: &str) -> Result<Since, String> {
    if let Some(span) = span(value) {
        return span.map(Since::Ago);
    }
    match OffsetDateTime::parse(value, &Rfc3339) {
        Ok(at) => Ok(Since::At(at.into())),
        // Shaped like a date: say which part is wrong.
        Err(err) if value.get(4..5) == Some("-") => Err(format!(
            "not an RFC 3339 time (2025-06-01T00:00:00Z): {err}"
        )),
        Err(_) => Err(SINCE_EXPECTED.to_owned()),
    }
}

/// `30m`, `24h`, `7d` (and `90s`): `None` if `value` is not shaped like a span.
fn span(value: &str) -> Option<Result<Duration, String>> {
    let unit_at = value.find(|c: char| !c.is_ascii_digit())?;
    let (count, unit) = value.split_at(unit_at);
    let unit_secs: u64 = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return None,
    };
    if count.is_empty() {
        return None;
    }
    Some(
        count
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(unit_secs))
            .map(Duration::from_secs)
            .ok_or_else(|| "too far back to count".to_owned()),
    )
}

pub fn decision(value: &str) -> Result<Decision, String> {
    Decision::parse(&value.to_ascii_lowercase())
        .ok_or_else(|| "expected contained, observed, failed or ignored".to_owned())
}

pub fn severity(value: &str) -> Result<MinSeverity, String> {
    MinSeverity::parse(value).ok_or_else(|| "expected LOW, MEDIUM, HIGH or CRITICAL".to_owned())
}

#[cfg(test)]
#[path = "filter_args_tests.rs"]
mod tests;
