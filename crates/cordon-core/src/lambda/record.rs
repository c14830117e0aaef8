//! cordon's Security Hub finding and on-call message for a throttled Lambda function.

use super::LambdaIncident;
use crate::recording::{
    FindingResource, Notification, ResponseFinding, SourceFinding, asff_types, incident_message,
    outcome_product_fields, own_product_arn, severity_label, step_lines, truncate,
};
use crate::{Decision, Outcome};
use serde_json::json;

/// The playbook that produced a finding; also its `GeneratorId`.
pub const LAMBDA_PLAYBOOK: &str = "cordon/contain-lambda";

/// cordon's Security Hub finding for a Lambda incident and how handling it ended. The
/// concurrency before the throttle is in the step's detail (`cordon/Step02`).
pub fn response_finding(
    incident: &LambdaIncident,
    created_at: &str,
    outcome: &Outcome,
) -> ResponseFinding {
    let account = incident.account_id.as_str();
    let region = incident.region.as_str();
    let function = &incident.function;
    let (title, workflow_status, remediation) = match outcome.decision {
        Decision::Contained => (
            format!("cordon throttled Lambda function {function}: {}", incident.finding_type),
            "NEW",
            "The function's reserved concurrency is 0, so nothing runs (verified); its execution role's \
             sessions issued before containment are denied. Nothing was deleted. Next: review the code, \
             layers and recent updates of the version GuardDuty saw (CloudTrail UpdateFunctionCode), what \
             the role could reach, then deploy a clean version and `cordon release` it."
                .to_owned(),
        ),
        Decision::Failed => (
            format!("cordon FAILED to contain Lambda function {function}: {}", incident.finding_type),
            "NEW",
            "Automated containment did not verify. By hand now: set the function's reserved concurrency \
             to 0 and deny its execution role's older sessions, then investigate."
                .to_owned(),
        ),
        Decision::Observed | Decision::Ignored => (
            format!("cordon observed Lambda function {function}: {}", incident.finding_type),
            "NOTIFIED",
            format!(
                "cordon did not act: {}. Review the GuardDuty finding and decide whether the function must \
                 be stopped (reserved concurrency 0).",
                outcome.reason
            ),
        ),
    };
    let version = incident
        .version
        .as_deref()
        .map_or_else(String::new, |v| format!(" (version {v})"));
    let description = truncate(
        &format!(
            "GuardDuty reported {} for Lambda function {function}{version} (severity {}): {} cordon: {} — {}.",
            incident.finding_type,
            incident.severity,
            incident.title,
            outcome.decision.as_str(),
            outcome.reason
        ),
        1024,
    );
    ResponseFinding {
        id: format!(
            "{LAMBDA_PLAYBOOK}/{account}/{region}/{}",
            incident.finding_id
        ),
        product_arn: own_product_arn(account, region),
        generator_id: LAMBDA_PLAYBOOK.to_owned(),
        account_id: account.to_owned(),
        region: region.to_owned(),
        types: asff_types(&incident.finding_type),
        severity_label: severity_label(incident.severity),
        severity_original: incident.severity.to_string(),
        title: truncate(&title, 256),
        description,
        created_at: created_at.to_owned(),
        resources: vec![FindingResource::Named {
            resource_type: "AwsLambdaFunction",
            id: incident.function_arn.clone(),
        }],
        source: Some(SourceFinding::guardduty(&incident.finding_arn, region)),
        product_fields: outcome_product_fields(outcome, LAMBDA_PLAYBOOK),
        workflow_status,
        remediation: truncate(&remediation, 512),
    }
}

/// The message for the people on call about a Lambda incident.
pub fn notification(
    incident: &LambdaIncident,
    outcome: &Outcome,
    finding: &ResponseFinding,
) -> Notification {
    let function = &incident.function;
    let verdict = match outcome.decision {
        Decision::Contained => "LAMBDA FUNCTION THROTTLED (verified)",
        Decision::Failed => "LAMBDA CONTAINMENT FAILED",
        Decision::Observed => "observed, no action",
        Decision::Ignored => "ignored",
    };
    let subject = format!("[cordon] {verdict}: function {function}");
    let mut summary = format!(
        "{verdict}: Lambda function {function} in account {} ({})\nWhat: {} (severity {} {})\nSeen: {}\nRole: {}\nDone: {}\nNext: {}\n",
        incident.account_id,
        incident.region,
        incident.finding_type,
        finding.severity_label,
        incident.severity,
        incident.title,
        incident
            .reported_role
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
            "function": incident.function,
            "functionArn": incident.function_arn,
            "version": incident.version,
            "reportedRole": incident.reported_role,
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
