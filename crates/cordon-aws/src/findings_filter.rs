//! Which of cordon's findings `cordon findings` lists: the filter is asked of Security
//! Hub's `GetFindings` and applied again to what comes back, since not every endpoint
//! honours filters (the emulator ignores them all).

use crate::security_hub::FindingSummary;
use aws_sdk_securityhub::primitives::{DateTime, DateTimeFormat};
use aws_sdk_securityhub::types::{
    AwsSecurityFindingFilters, DateFilter, MapFilter, MapFilterComparison, StringFilter,
    StringFilterComparison,
};
use cordon_core::Decision;
use std::time::SystemTime;

/// Security Hub takes no open-ended date range (a `Start` alone is refused), so the
/// range ends where RFC 3339 does.
const END_OF_TIME: &str = "9999-12-31T23:59:59Z";

/// The lowest severity label a finding may carry to be listed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MinSeverity {
    Low,
    Medium,
    High,
    Critical,
}

impl MinSeverity {
    const ALL: [Self; 4] = [Self::Low, Self::Medium, Self::High, Self::Critical];

    /// `LOW`, `MEDIUM`, `HIGH` or `CRITICAL`, in any case.
    pub fn parse(label: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(label))
    }

    /// Security Hub's label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "LOW",
            Self::Medium => "MEDIUM",
            Self::High => "HIGH",
            Self::Critical => "CRITICAL",
        }
    }

    /// This label and every one above it.
    fn and_above(self) -> impl Iterator<Item = Self> {
        Self::ALL.into_iter().filter(move |s| *s >= self)
    }

    /// Whether a finding labelled `label` is at or above this severity
    /// (`INFORMATIONAL`, or no label, is below every one).
    fn admits(self, label: &str) -> bool {
        Self::parse(label).is_some_and(|s| s >= self)
    }
}

/// What to list of cordon's findings; the default lists them all.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FindingsFilter {
    /// Only findings with this `cordon/Decision`.
    pub decision: Option<Decision>,
    /// Only findings updated at or after this time.
    pub updated_since: Option<SystemTime>,
    /// Only findings at or above this severity.
    pub min_severity: Option<MinSeverity>,
}

impl FindingsFilter {
    /// Whether `finding` passes. A finding whose `UpdatedAt` cannot be read fails a
    /// time filter: nothing says it is recent.
    pub fn matches(&self, finding: &FindingSummary) -> bool {
        self.decision.is_none_or(|d| finding.decision == d.as_str())
            && self
                .min_severity
                .is_none_or(|floor| floor.admits(&finding.severity))
            && self.updated_since.is_none_or(|since| {
                parse_time(&finding.updated_at).is_some_and(|updated| updated >= since)
            })
    }

    /// The same filter for `GetFindings`, on cordon's generator ids.
    pub(crate) fn to_security_hub(&self) -> AwsSecurityFindingFilters {
        let mut filters = AwsSecurityFindingFilters::builder().generator_id(
            StringFilter::builder()
                .comparison(StringFilterComparison::Prefix)
                .value("cordon/")
                .build(),
        );
        if let Some(decision) = self.decision {
            filters = filters.product_fields(
                MapFilter::builder()
                    .key("cordon/Decision")
                    .value(decision.as_str())
                    .comparison(MapFilterComparison::Equals)
                    .build(),
            );
        }
        // A time DateTime cannot write (before year 1) leaves the filter to cordon.
        if let Some(start) = self
            .updated_since
            .and_then(|since| DateTime::from(since).fmt(DateTimeFormat::DateTime).ok())
        {
            filters =
                filters.updated_at(DateFilter::builder().start(start).end(END_OF_TIME).build());
        }
        // Filters on one field with EQUALS are ORed by Security Hub.
        for label in self
            .min_severity
            .into_iter()
            .flat_map(MinSeverity::and_above)
        {
            filters = filters.severity_label(
                StringFilter::builder()
                    .comparison(StringFilterComparison::Equals)
                    .value(label.as_str())
                    .build(),
            );
        }
        filters.build()
    }
}

/// Security Hub's timestamps: RFC 3339, usually in UTC, possibly with an offset.
fn parse_time(text: &str) -> Option<SystemTime> {
    DateTime::from_str(text, DateTimeFormat::DateTimeWithOffset)
        .ok()
        .and_then(|t| SystemTime::try_from(t).ok())
}

#[cfg(test)]
#[path = "findings_filter_tests.rs"]
mod tests;
