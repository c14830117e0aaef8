//! Whether to turn an account's S3 Block Public Access back on, only observe, or
//! ignore the finding. Pure.

use super::AccountBlockIncident;
use crate::exemption::is_break_glass;
use crate::guardduty::{TriagePolicy, screen};
use crate::{Decision, Verdict};
use cordon_events::GuardDutyFinding;

/// GuardDuty's finding that the account-level block was switched off.
pub const ACCOUNT_TYPE: &str = "Policy:S3/AccountBlockPublicAccessDisabled";

/// Screened like every finding (the account must be one cordon may act in, no sample,
/// not archived), then the severity floor (GuardDuty rates this type LOW, so with the
/// default floor it is only observed), then who switched it off: a break-glass
/// principal's change is deliberate and left to people.
pub fn triage(
    finding: &GuardDutyFinding,
    policy: &TriagePolicy,
    break_glass: &[String],
) -> Verdict {
    use Decision::{Contained, Observed};
    if let Some(verdict) = screen(finding, policy, &[ACCOUNT_TYPE]) {
        return verdict;
    }
    if finding.finding_type != ACCOUNT_TYPE {
        return Verdict::new(
            Observed,
            format!(
                "{} is not a finding type cordon contains",
                finding.finding_type
            ),
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
    let incident = AccountBlockIncident::from_finding(finding);
    if let Some(principal) = incident
        .caller
        .as_ref()
        .filter(|p| is_break_glass(p, &finding.account_id, break_glass))
    {
        return Verdict::new(
            Observed,
            format!(
                "the account's block was switched off by {principal}, a break-glass principal: \
                 a deliberate emergency change is left to people"
            ),
        );
    }
    Verdict::new(
        Contained,
        format!(
            "{ACCOUNT_TYPE}: account {} at severity {}",
            finding.account_id, finding.severity
        ),
    )
}
