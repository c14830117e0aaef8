//! What cordon records about an instance: its Security Hub finding and the message for
//! the people on call, built only from the finding and cordon's outcome (no credentials).

use super::InstanceIncident;
use crate::recording::{
    FindingResource, Notification, ResponseFinding, SourceFinding, asff_types, incident_message,
    outcome_product_fields, own_product_arn, severity_label, truncate,
};
use crate::{Decision, Outcome, StepKind};
use serde_json::json;

/// The playbook that produced a finding; also its `GeneratorId`.
pub const INSTANCE_PLAYBOOK: &str = "cordon/contain-instance";

/// The response finding for an instance incident and how handling it ended.
pub fn response_finding(
    incident: &InstanceIncident,
    created_at: &str,
    outcome: &Outcome,
) -> ResponseFinding {
    let account = incident.account_id.as_str();
    let region = incident.region.as_str();
    let instance = incident.instance_id.as_str();
    let instance_arn = format!("arn:aws:ec2:{region}:{account}:instance/{instance}");
    let mut interfaces: Vec<String> = incident
        .network_interfaces
        .iter()
        .map(|e| e.to_string())
        .collect();
    for step in &outcome.steps {
        if step.name == "isolate-network-interface" && !interfaces.contains(&step.target) {
            interfaces.push(step.target.clone());
        }
    }
    let mut resources = vec![FindingResource::Instance {
        arn: instance_arn,
        instance_id: instance.to_owned(),
        vpc_id: incident.vpc_id.to_string(),
        interfaces: interfaces.clone(),
    }];
    resources.extend(
        interfaces
            .iter()
            .map(|eni| FindingResource::NetworkInterface {
                arn: format!("arn:aws:ec2:{region}:{account}:network-interface/{eni}"),
                interface_id: eni.clone(),
            }),
    );

    let (title, workflow_status, remediation) = match outcome.decision {
        Decision::Contained => (
            format!("cordon isolated {instance}: {}", incident.finding_type),
            "NEW",
            format!(
                "{instance} is cut off the network, its profile taken and its role's older sessions denied, \
                 its disks snapshotted (see cordon/Snapshots) and it is out of service but kept. Next: capture \
                 memory, investigate how it was compromised ({}), check the other holders of its role, then \
                 rebuild it or release it (cordon's ledger keeps the pre-containment state; its cordon:* tags are a copy).",
                incident.finding_type
            ),
        ),
        Decision::Failed => (
            format!(
                "cordon FAILED to isolate {instance}: {}",
                incident.finding_type
            ),
            "NEW",
            format!(
                "Automated isolation of {instance} did not verify. Isolate it by hand now (move every network \
                 interface to a security group with no rules), then investigate."
            ),
        ),
        Decision::Observed | Decision::Ignored => (
            format!("cordon observed {instance}: {}", incident.finding_type),
            "NOTIFIED",
            format!(
                "cordon did not act: {}. Review the GuardDuty finding and decide whether {instance} needs \
                 containment.",
                outcome.reason
            ),
        ),
    };
    // What was seen inside the instance comes before cordon's reason, so that a long
    // reason is what the 1024-byte cut shortens.
    let seen: String = incident
        .seen
        .lines()
        .iter()
        .map(|(label, text)| format!(" {label}: {text}."))
        .collect();
    let description = truncate(
        &format!(
            "GuardDuty reported {} on {instance} (severity {}).{seen} cordon: {} — {}.",
            incident.finding_type,
            incident.severity,
            outcome.decision.as_str(),
            outcome.reason
        ),
        1024,
    );

    // At most 46 fields come from the outcome; these three keep it within Security
    // Hub's 50.
    let mut product_fields = outcome_product_fields(outcome, INSTANCE_PLAYBOOK);
    for (label, text) in incident.seen.lines() {
        let key = format!("cordon/{}", label.replace(' ', ""));
        product_fields.insert(key, text);
    }

    ResponseFinding {
        id: format!(
            "{INSTANCE_PLAYBOOK}/{account}/{region}/{}",
            incident.finding_id
        ),
        product_arn: own_product_arn(account, region),
        generator_id: INSTANCE_PLAYBOOK.to_owned(),
        account_id: account.to_owned(),
        region: region.to_owned(),
        types: asff_types(&incident.finding_type),
        severity_label: severity_label(incident.severity),
        severity_original: incident.severity.to_string(),
        title: truncate(&title, 256),
        description,
        created_at: created_at.to_owned(),
        resources,
        source: Some(SourceFinding::guardduty(&incident.finding_arn, region)),
        product_fields,
        workflow_status,
        remediation: truncate(&remediation, 512),
    }
}

/// The message for the people on call: a short human summary first, then the
/// machine-readable incident.
pub fn notification(
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
    let subject = format!("[cordon] {verdict}: {instance} {}", incident.finding_type);
    let console = format!(
        "https://{region}.console.aws.amazon.com/securityhub/home?region={region}#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A{id}",
        region = incident.region,
        id = finding.id.replace('/', "%252F")
    );
    let mut summary = format!(
        "{verdict}: {instance} in account {} ({}), VPC {}\n\
         What: {} (severity {} {})\n\
         {}\
         Done: {}\n\
         Next: {}\n\
         Finding: {}\n",
        incident.account_id,
        incident.region,
        incident.vpc_id,
        incident.finding_type,
        finding.severity_label,
        incident.severity,
        incident
            .seen
            .lines()
            .iter()
            .map(|(label, text)| format!("{label}: {text}\n"))
            .collect::<String>(),
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
        "seenOnHost": incident.seen,
        "outcome": outcome,
    });
    let message = incident_message(&summary, &incident_json);
    let account = incident.account_id.as_str();
    Notification::new(&subject, message, outcome, finding, account)
}

fn isolation_verified(outcome: &Outcome) -> bool {
    outcome
        .steps
        .iter()
        .any(|s| s.name == StepKind::VerifyIsolation.name() && s.status.is_ok())
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
