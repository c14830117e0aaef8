//! The emitted document checked against the Embedded Metric Format specification (see
//! `assert_valid_emf` for the rules checked).

use super::*;

const UNITS: &[&str] = &["Count", "Milliseconds", "Seconds", "None"];

/// `_aws.Timestamp` (ms), `_aws.CloudWatchMetrics[]` with `Namespace`, `Dimensions`
/// (arrays of dimension names, each a string member of the root), `Metrics` (each
/// `Name` a numeric member of the root, with a valid `Unit`).
fn assert_valid_emf(doc: &Value) {
    let aws = doc["_aws"].as_object().expect("_aws object");
    assert!(
        aws["Timestamp"].is_u64(),
        "Timestamp must be an integer of ms"
    );
    let directives = aws["CloudWatchMetrics"]
        .as_array()
        .expect("CloudWatchMetrics array");
    assert!(!directives.is_empty());
    for directive in directives {
        let namespace = directive["Namespace"].as_str().expect("Namespace");
        assert!(!namespace.is_empty() && namespace.len() <= 1024);
        for set in directive["Dimensions"].as_array().expect("Dimensions") {
            let set = set.as_array().expect("a dimension set is an array");
            assert!(set.len() <= 30);
            for name in set {
                let name = name.as_str().expect("dimension names are strings");
                assert!(
                    doc[name].is_string(),
                    "dimension {name} must be a string member"
                );
            }
        }
        for metric in directive["Metrics"].as_array().expect("Metrics") {
            let name = metric["Name"].as_str().expect("metric Name");
            assert!(
                doc[name].is_number(),
                "metric {name} must be a numeric member"
            );
            if let Some(unit) = metric.get("Unit") {
                assert!(UNITS.contains(&unit.as_str().unwrap()), "unit {unit}");
            }
        }
    }
}

#[test]
fn a_contained_incident_emits_valid_emf_with_time_to_containment() {
    let mut outcome = Outcome::without_steps(Decision::Contained, "ok");
    outcome.time_to_containment_ms = Some(1234);
    let doc = emf_line("ContainInstanceFunction", &outcome, 9, 1_700_000_000_000);
    assert_valid_emf(&doc);
    assert_eq!(doc["IncidentsContained"], 1);
    assert_eq!(doc["IncidentsFailed"], 0);
    assert_eq!(doc["TimeToContainmentMs"], 1234);
    assert_eq!(doc["AwsCalls"], 9);
    assert_eq!(doc["AwsCalls"], 9);
    assert_eq!(doc["Function"], "ContainInstanceFunction");
    assert_eq!(doc["Decision"], "contained");
    assert_eq!(doc["_aws"]["CloudWatchMetrics"][0]["Namespace"], NAMESPACE);
    // One line of JSON, as CloudWatch Logs expects.
    assert!(!doc.to_string().contains('\n'));
}

#[test]
fn a_failed_incident_counts_failed_steps_and_recording_failures() {
    let mut outcome = Outcome::without_steps(Decision::Failed, "no");
    outcome.steps.push(crate::StepReport {
        name: "verify-isolation".into(),
        target: "i-0123abcd".into(),
        status: StepStatus::Failed,
        detail: "still open".into(),
        resources: Vec::new(),
        failure: None,
    });
    outcome.record = Some(crate::recording::RecordReport {
        response_finding_id: "cordon/x".into(),
        source_finding: None,
        notified: false,
        failures: vec![
            "securityhub:BatchImportFindings".into(),
            "sns:Publish".into(),
        ],
    });
    let doc = emf_line("f", &outcome, 0, 1);
    assert_valid_emf(&doc);
    assert_eq!(doc["IncidentsFailed"], 1);
    assert_eq!(doc["StepsFailed"], 1);
    assert_eq!(doc["RecordingFailures"], 2);
    assert!(doc.get("TimeToContainmentMs").is_none());
}

#[test]
fn a_containment_held_by_the_breaker_counts_for_its_alarm() {
    let mut outcome = Outcome::without_steps(Decision::Observed, "past the budget");
    let doc = emf_line("ContainInstanceFunction", &outcome, 1, 1_700_000_000_000);
    assert_eq!(doc["BreakerTripped"], 0);
    outcome.held_by_breaker = true;
    let doc = emf_line("ContainInstanceFunction", &outcome, 1, 1_700_000_000_000);
    assert_valid_emf(&doc);
    assert_eq!(doc["BreakerTripped"], 1);
    assert_eq!(doc["Decision"], "observed");
}
