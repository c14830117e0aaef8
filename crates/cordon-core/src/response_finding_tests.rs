use super::*;
use crate::{PlaybookSettings, StepReport, StepStatus, plan_instance_playbook};
use cordon_events::{Event, parse_event};

fn incident() -> InstanceIncident {
    let raw = include_str!("../../../events/guardduty/backdoor-c2-two-enis.json");
    let Ok(Event::GuardDuty(_, finding)) = parse_event(raw.as_bytes()) else {
        panic!("fixture must parse");
    };
    InstanceIncident::from_finding(&finding).unwrap()
}

fn contained(incident: &InstanceIncident) -> Outcome {
    let steps = plan_instance_playbook(incident, PlaybookSettings::default())
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
    let incident = incident();
    let a = instance_response_finding(&incident, "2025-01-01T00:00:00Z", &contained(&incident));
    let observed = Outcome::without_steps(Decision::Observed, "victim");
    let b = instance_response_finding(&incident, "2025-01-01T00:00:00Z", &observed);
    assert_eq!(a.id, b.id);
    assert!(a.id.contains(&incident.finding_id), "{}", a.id);
    assert!(a.id.starts_with("cordon/contain-instance/123456789012/us-east-1/"));
}

#[test]
fn a_contained_incident_is_new_with_everything_a_responder_needs() {
    let incident = incident();
    let finding =
        instance_response_finding(&incident, "2025-06-13T09:40:00.000Z", &contained(&incident));
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
    let incident = incident();
    let observed = Outcome::without_steps(Decision::Observed, "the instance is the TARGET");
    let finding = instance_response_finding(&incident, "2025-06-13T09:40:00.000Z", &observed);
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
    let incident = incident();
    let mut finding = instance_response_finding(&incident, "", &contained(&incident));
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
    let incident = incident();
    let mut outcome = contained(&incident);
    outcome.reason = "é".repeat(2000);
    let finding = instance_response_finding(&incident, "2025-01-01T00:00:00Z", &outcome);
    finding.validate().unwrap();
    assert!(finding.description.len() <= 1024);
    assert!(finding.product_fields["cordon/Reason"].len() <= 2048);
}

#[test]
fn the_snapshots_taken_are_listed_for_responders() {
    let incident = incident();
    let mut outcome = contained(&incident);
    let evidence = outcome
        .steps
        .iter_mut()
        .find(|s| s.name == "snapshot-volumes")
        .unwrap();
    evidence.resources = vec!["snap-0aaa".into(), "snap-0bbb".into()];
    let finding = instance_response_finding(&incident, "2025-01-01T00:00:00Z", &outcome);
    assert_eq!(
        finding.product_fields["cordon/Snapshots"],
        "snap-0aaa, snap-0bbb"
    );
    finding.validate().unwrap();
    let without =
        instance_response_finding(&incident, "2025-01-01T00:00:00Z", &contained(&incident));
    assert!(!without.product_fields.contains_key("cordon/Snapshots"));
}

#[test]
fn a_member_account_incident_is_filed_in_the_security_account() {
    let incident = incident();
    let finding =
        instance_response_finding(&incident, "2025-01-01T00:00:00Z", &contained(&incident));
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
