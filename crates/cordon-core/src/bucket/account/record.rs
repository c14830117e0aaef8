//! cordon's Security Hub finding and on-call message when an account's S3 Block Public
//! Access was switched off.

use super::AccountBlockIncident;
use crate::bucket::BUCKET_PLAYBOOK;
use crate::recording::{
    FindingResource, Notification, ResponseFinding, SourceFinding, asff_types, incident_message,
    outcome_product_fields, own_product_arn, severity_label, step_lines, truncate,
};
use crate::{Decision, Outcome};
use serde_json::json;

/// cordon's Security Hub finding for an account-block incident and how handling it
/// ended. The block as it was before is in the step's detail (`cordon/Step01`).
pub fn response_finding(
    incident: &AccountBlockIncident,
    created_at: &str,
    outcome: &Outcome,
) -> ResponseFinding {
    let account = incident.account_id.as_str();
    let region = incident.region.as_str();
    let (title, workflow_status, remediation) = match outcome.decision {
        Decision::Contained => (
            format!("cordon turned account {account}'s S3 Block Public Access back on: {}", incident.finding_type),
            "NEW",
            "S3 Block Public Access is on for the account, all four settings (verified); every bucket's \
             own block, policy, ACL and objects are as they were. Next: find who switched it off and why \
             (CloudTrail PutAccountPublicAccessBlock), check which buckets were public meanwhile and what \
             was read; if the account must serve public buckets, switch it off again by hand."
                .to_owned(),
        ),
        Decision::Failed => (
            format!("cordon FAILED to turn account {account}'s S3 Block Public Access back on: {}", incident.finding_type),
            "NEW",
            "Automated containment did not verify. By hand now: turn on all four S3 Block Public Access \
             settings for the account (S3 Control PutPublicAccessBlock), then investigate."
                .to_owned(),
        ),
        Decision::Observed | Decision::Ignored => (
            format!("cordon observed account {account}'s S3 Block Public Access: {}", incident.finding_type),
            "NOTIFIED",
            format!(
                "cordon did not act: {}. Review the GuardDuty finding and decide whether the account's \
                 block must be turned back on (S3 Control PutPublicAccessBlock).",
                outcome.reason
            ),
        ),
    };
    let by = incident
        .changed_by
        .as_deref()
        .map_or_else(String::new, |who| format!(" Changed by {who}."));
    let description = truncate(
        &format!(
            "GuardDuty reported {} for account {account} (severity {}).{by} cordon: {} — {}.",
            incident.finding_type,
            incident.severity,
            outcome.decision.as_str(),
            outcome.reason
        ),
        1024,
    );
    ResponseFinding {
        id: format!(
            "{BUCKET_PLAYBOOK}/{account}/{region}/{}",
            incident.finding_id
        ),
        product_arn: own_product_arn(account, region),
        generator_id: BUCKET_PLAYBOOK.to_owned(),
        account_id: account.to_owned(),
        region: region.to_owned(),
        types: asff_types(&incident.finding_type),
        severity_label: severity_label(incident.severity),
        severity_original: incident.severity.to_string(),
        title: truncate(&title, 256),
        description,
        created_at: created_at.to_owned(),
        resources: vec![FindingResource::Named {
            resource_type: "AwsAccount",
            id: incident.resource_id(),
        }],
        source: Some(SourceFinding::guardduty(&incident.finding_arn, region)),
        product_fields: outcome_product_fields(outcome, BUCKET_PLAYBOOK),
        workflow_status,
        remediation: truncate(&remediation, 512),
    }
}

/// The message for the people on call about an account-block incident.
pub fn notification(
    incident: &AccountBlockIncident,
    outcome: &Outcome,
    finding: &ResponseFinding,
) -> Notification {
    let account = &incident.account_id;
    let verdict = match outcome.decision {
        Decision::Contained => "ACCOUNT PUBLIC ACCESS BLOCKED (verified)",
        Decision::Failed => "ACCOUNT BLOCK CONTAINMENT FAILED",
        Decision::Observed => "observed, no action",
        Decision::Ignored => "ignored",
    };
    let subject = format!("[cordon] {verdict}: S3 Block Public Access of account {account}");
    let mut summary = format!(
        "{verdict}: S3 Block Public Access of account {account} ({})\nWhat: {} (severity {} {})\nWho: {}\nDone: {}\nNext: {}\n",
        incident.region,
        incident.finding_type,
        finding.severity_label,
        incident.severity,
        incident
            .changed_by
            .as_deref()
            .unwrap_or("the finding does not say"),
        outcome.reason,
        finding.remediation,
    );
    summary.push_str(&step_lines(&outcome.steps));
    let message = incident_message(
        &summary,
        &json!({
            "responseFindingId": finding.id,
            "sourceFindingId": incident.finding_id,
            "sourceFindingArn": incident.finding_arn,
            "findingType": incident.finding_type,
            "accountId": incident.account_id,
            "changedBy": incident.changed_by,
            "outcome": outcome,
        }),
    );
    Notification::new(&subject, message, outcome, finding, account.as_str())
}
