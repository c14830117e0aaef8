//! The finding's shared rules (severity bands, Security Hub's limits, filing in the
//! security account), on an instance incident's finding.

use super::*;
use crate::fake_cloud::{TWO_ENIS, incident};
use crate::instance::{InstanceIncident, InstanceSettings, plan, response_finding};
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
fn severity_labels_follow_guardduty_bands() {
    for (severity, label) in [
        (2.0, "LOW"),
        (4.0, "MEDIUM"),
        (6.9, "MEDIUM"),
        (7.0, "HIGH"),
        (8.9, "HIGH"),
        (9.0, "CRITICAL"),
    ] {
        assert_eq!(severity_label(severity), label, "{severity}");
    }
}

#[test]
fn validation_names_every_missing_or_oversized_field() {
    let incident = incident(TWO_ENIS);
    let mut finding = response_finding(&incident, "", &contained(&incident));
    finding.title = "x".repeat(300);
    finding.types = vec!["Backdoor".into()];
    finding.resources.clear();
    let problems = finding.validate().unwrap_err();
    for expected in ["CreatedAt", "Title", "Type Backdoor", "Resources"] {
        assert!(
            problems.contains(expected),
            "{expected} missing from: {problems}"
        );
    }
}

#[test]
fn long_reasons_are_cut_to_security_hub_limits_on_a_character_boundary() {
    let incident = incident(TWO_ENIS);
    let mut outcome = contained(&incident);
    outcome.reason = "é".repeat(2000);
    let finding = response_finding(&incident, "2025-01-01T00:00:00Z", &outcome);
    finding.validate().unwrap();
    assert!(finding.description.len() <= 1024);
    assert!(finding.product_fields["cordon/Reason"].len() <= 2048);
}

#[test]
fn a_member_account_incident_is_filed_in_the_security_account() {
    let incident = incident(TWO_ENIS);
    let finding = response_finding(&incident, "2025-01-01T00:00:00Z", &contained(&incident));
    let filed = finding.filed_in("999988887777", "eu-west-1");
    assert_eq!(filed.account_id, "999988887777");
    assert_eq!(filed.region, "eu-west-1");
    assert_eq!(
        filed.product_arn,
        "arn:aws:securityhub:eu-west-1:999988887777:product/999988887777/default"
    );
    // Where the incident happened stays visible: the Id and every resource.
    assert_eq!(filed.id, finding.id);
    assert!(filed.id.contains(incident.account_id.as_str()));
    assert_eq!(filed.resources, finding.resources);
    assert_eq!(filed.source, finding.source);
    filed.validate().unwrap();
}
