//! Whether to contain a stolen credential, only observe, or ignore the finding. Pure.
//! The exemption tag is not decided here: it is read live from IAM at action time.

use super::{CredentialIncident, UserType};
use crate::exemption::is_break_glass;
use crate::guardduty::{TriagePolicy, screen};
use crate::{Decision, Verdict};
use cordon_events::GuardDutyFinding;

/// Finding types about a credential being abused, per GuardDuty's IAM finding types,
/// and the attack sequences that name the credentials behind a chain of signals.
const CONTAINED_FAMILIES: &[&str] = &[
    "UnauthorizedAccess:IAMUser/",
    "CredentialAccess:IAMUser/",
    "DefenseEvasion:IAMUser/",
    "Discovery:IAMUser/",
    "Exfiltration:IAMUser/",
    "Impact:IAMUser/",
    "InitialAccess:IAMUser/",
    "Persistence:IAMUser/",
    "PrivilegeEscalation:IAMUser/",
    "Stealth:IAMUser/",
    "PenTest:IAMUser/",
    "Policy:IAMUser/RootCredentialUsage",
    "AttackSequence:IAM/",
    "AttackSequence:S3/",
];

/// Every family the credential playbook answers.
pub fn contained_families() -> &'static [&'static str] {
    CONTAINED_FAMILIES
}

/// Decides what to do with an access-key finding; `break_glass` names principals (by
/// name or ARN) that must never be touched automatically.
pub fn triage(
    finding: &GuardDutyFinding,
    policy: &TriagePolicy,
    break_glass: &[String],
) -> Verdict {
    let Some(incident) = CredentialIncident::from_finding(finding) else {
        return Verdict::new(
            Decision::Ignored,
            format!(
                "resource type {} is not an access key",
                finding.resource.resource_type
            ),
        );
    };
    screen_credentials(finding, policy)
        .unwrap_or_else(|| judge(finding, &incident, policy, break_glass))
}

/// The checks about the finding as a whole (account, sample, archived, family), which
/// hold for every credential it names.
pub(super) fn screen_credentials(
    finding: &GuardDutyFinding,
    policy: &TriagePolicy,
) -> Option<Verdict> {
    screen(finding, policy, CONTAINED_FAMILIES)
}

/// The checks about one credential of a finding that passed the screen.
pub(super) fn judge(
    finding: &GuardDutyFinding,
    incident: &CredentialIncident,
    policy: &TriagePolicy,
    break_glass: &[String],
) -> Verdict {
    use Decision::{Contained, Observed};
    // Before the severity floor: root use is LOW in GuardDuty but always worth a human.
    match &incident.user_type {
        UserType::Root => {
            return Verdict::new(
                Observed,
                "root credentials were used: no API can disable root, so people must act \
                 (rotate the root password and any root keys, enable MFA, review the activity)",
            );
        }
        UserType::FederatedUser | UserType::Other(_) => {
            return Verdict::new(
                Observed,
                format!(
                    "user type {:?} has no IAM credential cordon can disable without guessing",
                    incident.user_type
                ),
            );
        }
        UserType::IamUser | UserType::AssumedRole => {}
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
    let Some(principal) = incident.principal() else {
        return Verdict::new(Observed, "the finding names no user or role to act on");
    };
    if is_break_glass(&principal, &finding.account_id, break_glass) {
        return Verdict::new(
            Observed,
            format!("{principal} is a break-glass principal: never contained automatically"),
        );
    }
    Verdict::new(
        Contained,
        format!(
            "{}: {} at severity {}",
            finding.finding_type,
            incident.describe(),
            finding.severity
        ),
    )
}
