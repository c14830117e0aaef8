//! Whether to throttle a Lambda function, only observe, or ignore the finding. Pure.
//! The exemption tag is not decided here: it is read live from Lambda.

use super::LambdaIncident;
use crate::guardduty::{TriagePolicy, screen};
use crate::{Decision, Verdict};
use cordon_events::{GuardDutyFinding, ResourceRole};

/// Lambda Protection's finding families: a function talking to a command-and-control
/// server, a mining pool, a drop point or Tor, or called from a malicious address.
pub const CONTAINED_FAMILIES: &[&str] = &[
    "Backdoor:Lambda/",
    "CryptoCurrency:Lambda/",
    "Trojan:Lambda/",
    "UnauthorizedAccess:Lambda/",
];

pub fn triage(finding: &GuardDutyFinding, policy: &TriagePolicy) -> Verdict {
    use Decision::{Contained, Ignored, Observed};
    let kind = &finding.finding_type;
    let Some(incident) = LambdaIncident::from_finding(finding) else {
        return Verdict::new(
            Ignored,
            format!(
                "resource type {} names no Lambda function",
                finding.resource.resource_type
            ),
        );
    };
    // A finding from an account cordon may not act in is refused before its function
    // is even looked at.
    if let Some(verdict) = screen(finding, policy, CONTAINED_FAMILIES) {
        return verdict;
    }
    // Fail closed: a function cordon cannot name exactly, or one the finding places
    // in another account or region, is not touched.
    let incident = match incident {
        Err(why) => return Verdict::new(Observed, format!("not acting: {why}")),
        Ok(incident) => incident,
    };
    if let Some(why) = &incident.elsewhere {
        return Verdict::new(Observed, format!("not acting: {why}"));
    }
    // Lambda's findings are the function's own traffic; one that names it the target
    // says something was done to it, which throttling would not answer.
    if finding.service.resource_role == Some(ResourceRole::Target) {
        return Verdict::new(
            Observed,
            format!(
                "function {} is the TARGET of {kind}, not its actor",
                incident.function
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
    Verdict::new(
        Contained,
        format!(
            "{kind}: function {} at severity {}",
            incident.function, finding.severity
        ),
    )
}
