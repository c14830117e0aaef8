//! Whether to contain an instance, only observe, or ignore the finding — always with a
//! reason a responder can read. Pure: everything it needs is in its arguments.

use crate::guardduty::{TriagePolicy, screen};
use crate::{Decision, Verdict};
use cordon_events::{GuardDutyFinding, ResourceRole};

/// Network findings (VPC flow logs, DNS): the instance misbehaves on the wire, so
/// cutting it off is the right first move — when it is the ACTOR, not the victim.
const NETWORK_FAMILIES: &[&str] = &[
    "Backdoor:EC2/",
    "CryptoCurrency:EC2/",
    "Trojan:EC2/",
    "UnauthorizedAccess:EC2/",
    "Recon:EC2/",
    "Impact:EC2/",
    "DefenseEvasion:EC2/",
];

/// Findings from inside the instance: what Runtime Monitoring saw a process on it do,
/// and what Malware Protection found on its volumes (`Execution:EC2/MaliciousFile`).
/// GuardDuty gives these no resource role: the instance's own process or disk did it.
const HOST_FAMILIES: &[&str] = &[
    "Backdoor:Runtime/",
    "CryptoCurrency:Runtime/",
    "DefenseEvasion:Runtime/",
    "Discovery:Runtime/",
    "Execution:Runtime/",
    "Impact:Runtime/",
    "Persistence:Runtime/",
    "PrivilegeEscalation:Runtime/",
    "Trojan:Runtime/",
    "UnauthorizedAccess:Runtime/",
    "Execution:EC2/",
];

/// Every family the instance playbook answers.
pub fn contained_families() -> impl Iterator<Item = &'static str> {
    NETWORK_FAMILIES.iter().chain(HOST_FAMILIES).copied()
}

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
    let families: Vec<&str> = contained_families().collect();
    if let Some(verdict) = screen(finding, policy, &families) {
        return verdict;
    }
    let on_host = HOST_FAMILIES.iter().any(|f| kind.starts_with(f));
    let seen = match (on_host, finding.service.resource_role) {
        (_, Some(ResourceRole::Target)) => {
            return Verdict::new(
                Observed,
                "the instance is the TARGET of this activity (a victim, not a suspect)",
            );
        }
        (_, Some(ResourceRole::Actor)) => "with the instance as ACTOR",
        // Runtime and malware findings name no role: what ran or lies on the instance
        // is the instance's own doing. A role cordon does not know proves nothing.
        (true, None) => "on the instance itself",
        (false, None) | (_, Some(ResourceRole::Unknown)) => {
            return Verdict::new(
                Observed,
                "the finding does not say the instance is the ACTOR; not isolating on a guess",
            );
        }
    };
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
        format!("{kind} {seen} at severity {}", finding.severity),
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

#[cfg(test)]
#[path = "host_triage_tests.rs"]
mod host_tests;

#[cfg(test)]
#[path = "network_triage_tests.rs"]
mod network_tests;

#[cfg(test)]
#[path = "not_instance_triage_tests.rs"]
mod not_instance_tests;

#[cfg(test)]
#[path = "policy_triage_tests.rs"]
mod policy_tests;
