//! The message for the people on call: a short human summary first, then the
//! machine-readable incident. Built only from the finding and cordon's own outcome,
//! which carry no credentials.

use crate::response_finding::ResponseFinding;
use crate::{Decision, InstanceIncident, Outcome, StepKind};
use serde_json::json;

#[derive(Clone, Debug, PartialEq)]
pub struct Notification {
    /// SNS subjects are at most 100 characters.
    pub subject: String,
    pub message: String,
}

pub fn instance_notification(
    incident: &InstanceIncident,
    outcome: &Outcome,
    finding: &ResponseFinding,
) -> Notification {
    let instance = incident.instance_id.as_str();
    let verdict = match outcome.decision {
        Decision::Contained => "ISOLATED (verified)",
        // People act on the subject: an isolated instance whose later steps failed is
        // not the emergency an instance still on the network is.
        Decision::Failed if isolation_verified(outcome) => "ISOLATED, CONTAINMENT INCOMPLETE",
        Decision::Failed => "ISOLATION FAILED",
        Decision::Observed => "observed, no action",
        Decision::Ignored => "ignored",
    };
    let subject: String = format!("[cordon] {verdict}: {instance} {}", incident.finding_type)
        .chars()
        .take(100)
        .collect();
    let console = format!(
        "https://{region}.console.aws.amazon.com/securityhub/home?region={region}#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A{id}",
        region = incident.region,
        id = finding.id.replace('/', "%252F")
    );
    let mut summary = format!(
        "{verdict}: {instance} in account {} ({}), VPC {}\n\
         What: {} (severity {} {})\n\
         Done: {}\n\
         Next: {}\n\
         Finding: {}\n",
        incident.account_id,
        incident.region,
        incident.vpc_id,
        incident.finding_type,
        finding.severity_label,
        incident.severity,
        outcome.reason,
        finding.remediation,
        console,
    );
    for step in &outcome.steps {
        summary.push_str(&format!(
            "  - {} {}: {:?}\n",
            step.name, step.target, step.status
        ));
    }
    let incident_json = json!({
        "responseFindingId": finding.id,
        "sourceFindingId": incident.finding_id,
        "sourceFindingArn": incident.finding_arn,
        "findingType": incident.finding_type,
        "severity": incident.severity,
        "accountId": incident.account_id,
        "region": incident.region,
        "instanceId": incident.instance_id,
        "outcome": outcome,
    });
    let machine = serde_json::to_string_pretty(&incident_json).unwrap_or_default();
    Notification {
        subject,
        message: format!("{summary}\n--- incident (JSON) ---\n{machine}\n"),
    }
}

fn isolation_verified(outcome: &Outcome) -> bool {
    outcome
        .steps
        .iter()
        .any(|s| s.name == StepKind::VerifyIsolation.name() && s.status.is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake_cloud::{TWO_ENIS, incident};
    use crate::{StepReport, StepStatus, instance_response_finding};

    fn subject(steps: &[(&str, StepStatus)]) -> String {
        let incident = incident(TWO_ENIS);
        let outcome = Outcome {
            steps: steps
                .iter()
                .map(|(name, status)| StepReport {
                    name: (*name).to_owned(),
                    target: incident.instance_id.to_string(),
                    status: *status,
                    detail: String::new(),
                    resources: Vec::new(),
                    failure: None,
                })
                .collect(),
            ..Outcome::without_steps(Decision::Failed, "a step failed")
        };
        let finding = instance_response_finding(&incident, "2026-11-23T09:00:00Z", &outcome);
        instance_notification(&incident, &outcome, &finding).subject
    }

    #[test]
    fn the_subject_says_whether_the_instance_is_off_the_network() {
        let verify = StepKind::VerifyIsolation.name();
        let snapshot = StepKind::SnapshotVolumes.name();
        assert!(
            subject(&[(verify, StepStatus::Done), (snapshot, StepStatus::Failed)])
                .starts_with("[cordon] ISOLATED, CONTAINMENT INCOMPLETE: i-")
        );
        assert!(
            subject(&[(verify, StepStatus::Failed), (snapshot, StepStatus::Done)])
                .starts_with("[cordon] ISOLATION FAILED: i-")
        );
        assert!(subject(&[]).starts_with("[cordon] ISOLATION FAILED: i-"));
    }
}
