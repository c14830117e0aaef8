//! cordon's Security Hub finding and on-call message for an attack sequence: every
//! credential it names with what cordon did to it, and the chain of signals GuardDuty
//! correlated, bounded in size.

use super::record::credential_resources;
use super::{CREDENTIAL_PLAYBOOK, CredentialCase, SignalSummary};
use crate::recording::{
    Notification, ResponseFinding, SourceFinding, asff_types, incident_message,
    outcome_product_fields, own_product_arn, severity_label, truncate,
};
use crate::{Decision, Outcome};
use serde_json::json;

/// Signals a message lists before it only counts the rest.
const LISTED_SIGNALS: usize = 10;

/// cordon's Security Hub finding for an attack sequence and how handling it ended.
pub fn sequence_response_finding(
    case: &CredentialCase,
    created_at: &str,
    outcome: &Outcome,
) -> ResponseFinding {
    let first = case.first();
    let (account, region) = (first.account_id.as_str(), first.region.as_str());
    let kind = &first.finding_type;
    let credentials = describe_all(case);
    let (title, workflow_status, remediation) = match outcome.decision {
        Decision::Contained => (
            format!("cordon contained {credentials}: {kind}"),
            "NEW",
            "Each credential the sequence names is disabled or its older sessions denied (verified). Next: \
             review every signal of the sequence in GuardDuty, find what each credential did (CloudTrail, by \
             access key id), undo what it changed, rotate what it could read, then remove \
             cordon-revoke-older-sessions once no stolen session can remain.",
        ),
        Decision::Failed => (
            format!("cordon FAILED to contain {credentials}: {kind}"),
            "NEW",
            "Automated containment did not verify. By hand now: deactivate each access key the sequence \
             names, deny sessions issued before now (aws:TokenIssueTime), then review the signals.",
        ),
        Decision::Observed | Decision::Ignored => (
            format!("cordon observed {credentials}: {kind}"),
            "NOTIFIED",
            "cordon did not contain the sequence's credentials (see cordon/Reason). Review its signals in \
             GuardDuty and decide whether each credential needs containment.",
        ),
    };
    let description = truncate(
        &format!(
            "GuardDuty reported {kind} (severity {}): a chain of {} signals ({}) by {credentials}. cordon: {} — {}.",
            first.severity,
            case.signals.len(),
            signal_names(&case.signals, 5),
            outcome.decision.as_str(),
            outcome.reason
        ),
        1024,
    );
    let mut product_fields = outcome_product_fields(outcome, CREDENTIAL_PLAYBOOK);
    product_fields.insert(
        "cordon/Signals".to_owned(),
        truncate(&signal_names(&case.signals, case.signals.len()), 2048),
    );
    ResponseFinding {
        id: format!(
            "{CREDENTIAL_PLAYBOOK}/{account}/{region}/{}",
            first.finding_id
        ),
        product_arn: own_product_arn(account, region),
        generator_id: CREDENTIAL_PLAYBOOK.to_owned(),
        account_id: account.to_owned(),
        region: region.to_owned(),
        types: asff_types(kind),
        severity_label: severity_label(first.severity),
        severity_original: first.severity.to_string(),
        title: truncate(&title, 256),
        description,
        created_at: created_at.to_owned(),
        // Security Hub keeps at most 32 resources.
        resources: case
            .credentials
            .iter()
            .flat_map(|c| credential_resources(&c.incident))
            .take(32)
            .collect(),
        source: Some(SourceFinding::guardduty(&first.finding_arn, region)),
        product_fields,
        workflow_status,
        remediation: truncate(remediation, 512),
    }
}

/// The message for the people on call about an attack sequence.
pub fn sequence_notification(
    case: &CredentialCase,
    outcome: &Outcome,
    finding: &ResponseFinding,
) -> Notification {
    let first = case.first();
    let verdict = match outcome.decision {
        Decision::Contained => "ATTACK SEQUENCE CONTAINED (verified)",
        Decision::Failed => "ATTACK SEQUENCE CONTAINMENT FAILED",
        Decision::Observed => "attack sequence observed, no action",
        Decision::Ignored => "ignored",
    };
    let subject = format!("[cordon] {verdict}: {}", describe_all(case));
    let mut summary = format!(
        "{verdict} in account {} ({})\nWhat: {} (severity {} {})\nDone: {}\nNext: {}\nCredentials:\n",
        first.account_id,
        first.region,
        first.finding_type,
        finding.severity_label,
        first.severity,
        outcome.reason,
        finding.remediation,
    );
    for credential in &case.credentials {
        summary.push_str(&format!(
            "  - {}: {}\n",
            credential.incident.describe(),
            credential.verdict.decision.as_str()
        ));
    }
    summary.push_str(&format!("Signals ({}):\n", case.signals.len()));
    for signal in case.signals.iter().take(LISTED_SIGNALS) {
        summary.push_str(&format!("  - {}\n", signal_line(signal)));
    }
    if case.signals.len() > LISTED_SIGNALS {
        summary.push_str(&format!(
            "  … and {} more in GuardDuty\n",
            case.signals.len() - LISTED_SIGNALS
        ));
    }
    for step in &outcome.steps {
        summary.push_str(&format!(
            "  - {} {}: {}\n",
            step.name,
            step.target,
            step.status.as_str()
        ));
    }
    let credentials: Vec<_> = case
        .credentials
        .iter()
        .map(|c| {
            json!({
                "accessKeyId": c.incident.access_key_id,
                "userName": c.incident.user_name,
                "userType": c.incident.user_type,
                "decision": c.verdict.decision.as_str(),
            })
        })
        .collect();
    let message = incident_message(
        &summary,
        &json!({
            "responseFindingId": finding.id,
            "sourceFindingId": first.finding_id,
            "sourceFindingArn": first.finding_arn,
            "findingType": first.finding_type,
            "accountId": first.account_id,
            "credentials": credentials,
            "signals": case.signals.iter().take(LISTED_SIGNALS).collect::<Vec<_>>(),
            "outcome": outcome,
        }),
    );
    Notification::new(
        &subject,
        message,
        outcome,
        finding,
        first.account_id.as_str(),
    )
}

fn describe_all(case: &CredentialCase) -> String {
    case.credentials
        .iter()
        .map(|c| c.incident.describe())
        .collect::<Vec<_>>()
        .join(", ")
}

fn signal_line(signal: &SignalSummary) -> String {
    match signal.count {
        Some(count) if count > 1 => format!("{} ({}, ×{count})", signal.name, signal.signal_type),
        _ => format!("{} ({})", signal.name, signal.signal_type),
    }
}

/// The first `listed` signals, then how many more.
fn signal_names(signals: &[SignalSummary], listed: usize) -> String {
    let mut names: Vec<String> = signals.iter().take(listed).map(signal_line).collect();
    if signals.len() > listed {
        names.push(format!("… {} more", signals.len() - listed));
    }
    names.join("; ")
}

#[cfg(test)]
#[path = "sequence_record_tests.rs"]
mod tests;
