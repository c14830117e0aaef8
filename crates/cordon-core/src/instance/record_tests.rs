//! The instance's finding and message, from a real-shaped finding.

use super::*;
use crate::fake_cloud::{TWO_ENIS, incident};
use crate::instance::{InstanceIncident, InstanceSettings, plan};
use crate::{StepReport, StepStatus};

fn contained(incident: &InstanceIncident) -> Outcome {
    let steps = plan(incident, InstanceSettings::default())
        .steps
        .iter()
        .map(|s| s.report(StepStatus::Done, "ok"))
        .collect::<Vec<StepReport>>();
    Outcome {
        decision: Decision::Contained,
        reason: "Backdoor as ACTOR; isolation verified".into(),
        steps,
        record: None,
        time_to_containment_ms: Some(42),
        held_by_breaker: false,
        possible_forgery: false,
    }
}

#[test]
fn the_id_is_derived_from_the_source_finding_only() {
    let incident = incident(TWO_ENIS);
    let a = response_finding(&incident, "2025-01-01T00:00:00Z", &contained(&incident));
    let observed = Outcome::without_steps(Decision::Observed, "victim");
    let b = response_finding(&incident, "2025-01-01T00:00:00Z", &observed);
    assert_eq!(a.id, b.id);
    assert!(a.id.contains(&incident.finding_id), "{}", a.id);
    assert!(a.id.starts_with("cordon/contain-instance/123456789012/us-east-1/"));
}

#[test]
fn a_contained_incident_is_new_with_everything_a_responder_needs() {
    let incident = incident(TWO_ENIS);
    let finding = response_finding(&incident, "2025-06-13T09:40:00.000Z", &contained(&incident));
    finding.validate().unwrap();
    assert_eq!(
        finding.product_arn,
        "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"
    );
    assert_eq!(finding.generator_id, "cordon/contain-instance");
    assert_eq!(finding.workflow_status, "NEW");
    assert_eq!(finding.severity_label, "HIGH");
    assert_eq!(finding.severity_original, "8");
    assert_eq!(
        finding.types,
        ["TTPs/Command and Control/Backdoor:EC2/C&CActivity.B"]
    );
    assert_eq!(finding.source.as_ref().unwrap().id, incident.finding_arn);
    assert_eq!(
        finding.source.as_ref().unwrap().product_arn,
        "arn:aws:securityhub:us-east-1::product/aws/guardduty"
    );
    assert_eq!(finding.product_fields["cordon/Decision"], "contained");
    assert_eq!(finding.product_fields["cordon/TimeToContainmentMs"], "42");
    let steps = finding
        .product_fields
        .keys()
        .filter(|k| k.starts_with("cordon/Step"))
        .count();
    assert_eq!(steps, contained(&incident).steps.len());
    // The instance and each of its two interfaces.
    assert_eq!(finding.resources.len(), 3);
    assert!(finding.title.contains(incident.instance_id.as_str()));
    assert!(
        finding.remediation.contains("memory"),
        "{}",
        finding.remediation
    );
}

#[test]
fn an_observed_incident_is_notified_and_says_why_nothing_was_done() {
    let incident = incident(TWO_ENIS);
    let observed = Outcome::without_steps(Decision::Observed, "the instance is the TARGET");
    let finding = response_finding(&incident, "2025-06-13T09:40:00.000Z", &observed);
    finding.validate().unwrap();
    assert_eq!(finding.workflow_status, "NOTIFIED");
    assert!(finding.remediation.contains("the instance is the TARGET"));
    assert!(
        !finding
            .product_fields
            .contains_key("cordon/TimeToContainmentMs")
    );
}

#[test]
fn the_snapshots_taken_are_listed_for_responders() {
    let incident = incident(TWO_ENIS);
    let mut outcome = contained(&incident);
    let evidence = outcome
        .steps
        .iter_mut()
        .find(|s| s.name == "snapshot-volumes")
        .unwrap();
    evidence.resources = vec!["snap-0aaa".into(), "snap-0bbb".into()];
    let finding = response_finding(&incident, "2025-01-01T00:00:00Z", &outcome);
    assert_eq!(
        finding.product_fields["cordon/Snapshots"],
        "snap-0aaa, snap-0bbb"
    );
    finding.validate().unwrap();
    let without = response_finding(&incident, "2025-01-01T00:00:00Z", &contained(&incident));
    assert!(!without.product_fields.contains_key("cordon/Snapshots"));
}

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
    let finding = response_finding(&incident, "2026-11-23T09:00:00Z", &outcome);
    notification(&incident, &outcome, &finding).subject
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
