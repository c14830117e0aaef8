//! Whether to turn a bucket's public-access block back on, only observe, or ignore the
//! finding. Pure. The exemption tag is not decided here: it is read live from S3.
//! GuardDuty names the bucket the TARGET of these findings, so the role decides nothing.

use super::BucketIncident;
use crate::guardduty::{TriagePolicy, screen};
use crate::{Decision, Verdict};
use cordon_events::GuardDutyFinding;

/// The finding types that say a bucket was opened to the world (GuardDuty's S3
/// Protection policy findings). The account-level block is `account/`'s.
pub const CONTAINED_TYPES: &[&str] = &[
    "Policy:S3/BucketBlockPublicAccessDisabled",
    "Policy:S3/BucketAnonymousAccessGranted",
    "Policy:S3/BucketPublicAccessGranted",
];

/// A bucket finding's triage (the account's block is triaged by `account::triage`).
pub(super) fn triage_bucket(finding: &GuardDutyFinding, policy: &TriagePolicy) -> Verdict {
    use Decision::{Contained, Ignored, Observed};
    let kind = &finding.finding_type;
    let incident = match BucketIncident::from_finding(finding) {
        None => {
            return Verdict::new(
                Ignored,
                format!(
                    "resource type {} names no S3 bucket",
                    finding.resource.resource_type
                ),
            );
        }
        // Fail closed: a bucket cordon cannot name exactly is not touched.
        Some(Err(why)) => return Verdict::new(Observed, format!("not acting: {why}")),
        Some(Ok(incident)) => incident,
    };
    if let Some(verdict) = screen(finding, policy, CONTAINED_TYPES) {
        return verdict;
    }
    // `screen` matches families by prefix; these are exact types.
    if !CONTAINED_TYPES.contains(&kind.as_str()) {
        return Verdict::new(
            Observed,
            format!("{kind} is not a finding type cordon contains"),
        );
    }
    if finding.severity < policy.severity_floor {
        return Verdict::new(
            Observed,
            format!(
                "severity {} is below the containment floor {}",
                finding.severity, policy.severity_floor
            ),
        );
    }
    Verdict::new(
        Contained,
        format!(
            "{kind}: bucket {} at severity {}",
            incident.bucket, finding.severity
        ),
    )
}
