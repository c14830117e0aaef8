//! What the two GuardDuty domains (instance, credential) share in triage: the
//! operator's policy, and the screen every finding passes before its domain's checks.

use crate::{Decision, Verdict};
use cordon_events::{AccountId, GuardDutyFinding};
use serde::Serialize;

/// What the operator chose for GuardDuty triage.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TriagePolicy {
    /// Findings below this severity are observed, never contained.
    pub severity_floor: f64,
    /// Accounts cordon may act in; a finding from any other account is refused.
    pub allowed_accounts: Vec<AccountId>,
    /// Tag key that exempts an instance (any value except `false`).
    pub exempt_tag: String,
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
