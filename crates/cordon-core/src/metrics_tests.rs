//! The emitted document checked against the Embedded Metric Format specification (see
//! `assert_valid_emf` for the rules checked).

use super::*;

const UNITS: &[&str] = &["Count", "Milliseconds", "Seconds", "None"];

fn warm(function: &str, aws_calls: u64) -> Invocation<'_> {
    Invocation {
        function,
        aws_calls,
        cold_start: false,
        timestamp_ms: 1_700_000_000_000,
    }
}

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
    let doc = emf_line(&warm("cordon-ContainInstanceFunction-a1B2", 9), &outcome);
    assert_valid_emf(&doc);
    assert_eq!(doc["IncidentsContained"], 1);
    assert_eq!(doc["IncidentsFailed"], 0);
    assert_eq!(doc["TimeToContainmentMs"], 1234);
    assert_eq!(doc["AwsCalls"], 9);
    assert_eq!(doc["Function"], "cordon-ContainInstanceFunction-a1B2");
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
    let doc = emf_line(&warm("f", 0), &outcome);
    assert_valid_emf(&doc);
    assert_eq!(doc["IncidentsFailed"], 1);
    assert_eq!(doc["StepsFailed"], 1);
    assert_eq!(doc["RecordingFailures"], 2);
    assert!(doc.get("TimeToContainmentMs").is_none());
}

#[test]
fn a_containment_held_by_the_breaker_counts_for_its_alarm() {
    let mut outcome = Outcome::without_steps(Decision::Observed, "past the budget");
    let doc = emf_line(&warm("ContainInstanceFunction", 1), &outcome);
    assert_eq!(doc["BreakerTripped"], 0);
    outcome.held_by_breaker = true;
    let doc = emf_line(&warm("ContainInstanceFunction", 1), &outcome);
    assert_valid_emf(&doc);
    assert_eq!(doc["BreakerTripped"], 1);
    assert_eq!(doc["Decision"], "observed");
}

#[test]
fn a_cold_start_counts_one_and_a_warm_invocation_zero() {
    let outcome = Outcome::without_steps(Decision::Ignored, "not ours");
    let cold = Invocation {
        cold_start: true,
        ..warm("cordon-RespondToCloudTrailFunction-x9", 0)
    };
    let doc = emf_line(&cold, &outcome);
    assert_valid_emf(&doc);
    assert_eq!(doc["ColdStart"], 1);
    let metrics = &doc["_aws"]["CloudWatchMetrics"][0]["Metrics"];
    let cold_start = metrics
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["Name"] == "ColdStart")
        .expect("ColdStart declared");
    assert_eq!(cold_start["Unit"], "Count");
    assert_eq!(
        doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
        json!([["Function", "Decision"]])
    );
    let doc = emf_line(&warm("cordon-RespondToCloudTrailFunction-x9", 0), &outcome);
    assert_valid_emf(&doc);
    assert_eq!(doc["ColdStart"], 0);
}
