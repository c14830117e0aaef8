//! Whether to contain, only observe, or ignore a finding — always with a reason a
//! responder can read. Pure: everything it needs is in its arguments.

use crate::outcome::Decision;
use cordon_events::{AccountId, GuardDutyFinding, ResourceRole};
use serde::Serialize;

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

/// Default tag that exempts an instance from automated containment.
pub const DEFAULT_EXEMPT_TAG: &str = "cordon:exempt";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TriagePolicy {
    /// Findings below this severity are observed, never contained.
    pub severity_floor: f64,
    /// Accounts cordon may act in; a finding from any other account is refused.
    pub allowed_accounts: Vec<AccountId>,
    /// Tag key that exempts an instance (any value except `false`).
    pub exempt_tag: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    pub decision: Decision,
    pub reason: String,
}

impl Verdict {
    pub(crate) fn new(decision: Decision, reason: impl Into<String>) -> Self {
        Self {
            decision,
            reason: reason.into(),
        }
    }
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

/// The checks every triage makes once the resource is its kind, from "not ours" to
/// "ours but not worth acting on": account, sample, archived, finding family.
pub(crate) fn screen(
    finding: &GuardDutyFinding,
    policy: &TriagePolicy,
    families: &[&str],
) -> Option<Verdict> {
    use Decision::Observed;
    let kind = &finding.finding_type;
    // Recorded (observed) rather than ignored: a finding cordon may not act on is
    // still one people should see, and an allow-list missing a member shows up.
    if !policy.allowed_accounts.contains(&finding.account_id) {
        return Some(Verdict::new(
            Observed,
            format!(
                "refused: finding is in account {}, which cordon may not act in (allowed: {})",
                finding.account_id,
                join(&policy.allowed_accounts)
            ),
        ));
    }
    if finding.is_sample() {
        return Some(Verdict::new(
            Observed,
            "GuardDuty sample finding: nothing real to contain",
        ));
    }
    if finding.service.archived == Some(true) {
        return Some(Verdict::new(Observed, "finding is archived"));
    }
    if !families.iter().any(|f| kind.starts_with(f)) {
        return Some(Verdict::new(
            Observed,
            format!("{kind} is not a finding type cordon contains"),
        ));
    }
    None
}

fn exemption(finding: &GuardDutyFinding, key: &str) -> Option<String> {
    let details = finding.resource.instance_details.as_ref()?;
    details
        .tags
        .iter()
        .find(|t| t.key == key && !t.value.eq_ignore_ascii_case("false"))
        .map(|t| format!("{}={}", t.key, t.value))
}

fn join(accounts: &[AccountId]) -> String {
    if accounts.is_empty() {
        return "none".into();
    }
    accounts
        .iter()
        .map(AccountId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
#[path = "triage_tests.rs"]
mod tests;
