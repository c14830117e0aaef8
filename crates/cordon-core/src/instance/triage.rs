//! Whether to contain an instance, only observe, or ignore the finding — always with a
//! reason a responder can read. Pure: everything it needs is in its arguments.

use crate::guardduty::{TriagePolicy, screen};
use crate::{Decision, Verdict};
use cordon_events::{GuardDutyFinding, ResourceRole};

/// Finding-type families where the instance itself misbehaves, so cutting it off the
/// network is the right first move (when it is the ACTOR).
const CONTAINED_FAMILIES: &[&str] = &[
    "Backdoor:EC2/",
    "CryptoCurrency:EC2/",
    "Trojan:EC2/",
    "UnauthorizedAccess:EC2/",
    "Recon:EC2/",
    "Impact:EC2/",
];

/// Decides what to do with an instance finding. The checks run from "not ours at all"
/// to "ours but hands off", so the reason names the most fundamental one.
pub fn triage(finding: &GuardDutyFinding, policy: &TriagePolicy) -> Verdict {
    use Decision::{Contained, Ignored, Observed};
    let kind = &finding.finding_type;
    if finding.resource.resource_type != "Instance" {
        return Verdict::new(
            Ignored,
            format!(
                "resource type {} is not an EC2 instance",
                finding.resource.resource_type
            ),
        );
    }
    if let Some(verdict) = screen(finding, policy, CONTAINED_FAMILIES) {
        return verdict;
    }
    match finding.service.resource_role {
        Some(ResourceRole::Actor) => {}
        Some(ResourceRole::Target) => {
            return Verdict::new(
                Observed,
                "the instance is the TARGET of this activity (a victim, not a suspect)",
            );
        }
        Some(ResourceRole::Unknown) | None => {
            return Verdict::new(
                Observed,
                "the finding does not say the instance is the ACTOR; not isolating on a guess",
            );
        }
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
    if let Some(tag) = exemption(finding, &policy.exempt_tag) {
        return Verdict::new(
            Observed,
            format!("the instance is exempt from containment by tag {tag}"),
        );
    }
    Verdict::new(
        Contained,
        format!(
            "{kind} with the instance as ACTOR at severity {}",
            finding.severity
        ),
    )
}

fn exemption(finding: &GuardDutyFinding, key: &str) -> Option<String> {
    let details = finding.resource.instance_details.as_ref()?;
    details
        .tags
        .iter()
        .find(|t| t.key == key && !t.value.eq_ignore_ascii_case("false"))
        .map(|t| format!("{}={}", t.key, t.value))
}

#[cfg(test)]
#[path = "triage_tests.rs"]
mod tests;
