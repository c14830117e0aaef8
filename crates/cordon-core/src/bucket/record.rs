//! cordon's Security Hub finding and on-call message for an exposed bucket.

use super::BucketIncident;
use crate::recording::{
    FindingResource, Notification, ResponseFinding, SourceFinding, asff_types, incident_message,
    outcome_product_fields, own_product_arn, severity_label, step_lines, truncate,
};
use crate::{Decision, Outcome};
use serde_json::json;

/// The playbook that produced a finding; also its `GeneratorId`.
pub const BUCKET_PLAYBOOK: &str = "cordon/contain-bucket";

/// cordon's Security Hub finding for a bucket incident and how handling it ended. The
/// block as it was before is in the step's detail (`cordon/Step02`).
pub fn response_finding(
    incident: &BucketIncident,
    created_at: &str,
    outcome: &Outcome,
) -> ResponseFinding {
    let account = incident.account_id.as_str();
    let region = incident.region.as_str();
    let bucket = &incident.bucket;
    let (title, workflow_status, remediation) = match outcome.decision {
        Decision::Contained => (
            format!("cordon blocked public access to bucket {bucket}: {}", incident.finding_type),
            "NEW",
            "S3 Block Public Access is on for the bucket, all four settings (verified); its policy, ACL and \
             objects are as they were. Next: find who opened it and why (CloudTrail), check what was read \
             while it was public (server access logs, CloudTrail data events), then fix the policy or ACL."
                .to_owned(),
        ),
        Decision::Failed => (
            format!("cordon FAILED to block public access to bucket {bucket}: {}", incident.finding_type),
            "NEW",
            "Automated containment did not verify. By hand now: turn on all four S3 Block Public Access \
             settings for the bucket, then investigate."
                .to_owned(),
        ),
        Decision::Observed | Decision::Ignored => (
            format!("cordon observed bucket {bucket}: {}", incident.finding_type),
            "NOTIFIED",
            format!(
                "cordon did not act: {}. Review the GuardDuty finding and decide whether the bucket must be \
                 closed (S3 Block Public Access).",
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
            "GuardDuty reported {} for bucket {bucket} (severity {}).{by} cordon: {} — {}.",
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
            resource_type: "AwsS3Bucket",
            id: incident.bucket_arn.clone(),
        }],
        source: Some(SourceFinding::guardduty(&incident.finding_arn, region)),
        product_fields: outcome_product_fields(outcome, BUCKET_PLAYBOOK),
        workflow_status,
        remediation: truncate(&remediation, 512),
    }
}

/// The message for the people on call about a bucket incident.
pub fn notification(
    incident: &BucketIncident,
    outcome: &Outcome,
    finding: &ResponseFinding,
) -> Notification {
    let bucket = &incident.bucket;
    let verdict = match outcome.decision {
        Decision::Contained => "BUCKET PUBLIC ACCESS BLOCKED (verified)",
        Decision::Failed => "BUCKET CONTAINMENT FAILED",
        Decision::Observed => "observed, no action",
        Decision::Ignored => "ignored",
    };
    let subject = format!("[cordon] {verdict}: bucket {bucket}");
    let mut summary = format!(
        "{verdict}: bucket {bucket} in account {} ({})\nWhat: {} (severity {} {})\nWho: {}\nDone: {}\nNext: {}\n",
        incident.account_id,
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
            "bucket": incident.bucket,
            "changedBy": incident.changed_by,
            "outcome": outcome,
        }),
    );
    Notification::new(
        &subject,
        message,
        outcome,
        finding,
        incident.account_id.as_str(),
    )
}
