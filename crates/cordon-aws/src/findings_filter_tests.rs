use super::*;
use crate::list_response_findings;
use aws_sdk_securityhub::Client;
use aws_sdk_securityhub::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_securityhub::operation::get_findings::GetFindingsOutput;
use aws_sdk_securityhub::types::{AwsSecurityFinding, Severity, SeverityLabel};
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use std::time::{Duration, UNIX_EPOCH};

/// 2025-06-01T12:00:00Z
const NOON: u64 = 1_748_779_200;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn summary(decision: &str, severity: &str, updated_at: &str) -> FindingSummary {
    FindingSummary {
        id: format!("cordon/{decision}/{severity}"),
        severity: severity.into(),
        resource: "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0".into(),
        workflow_status: "NEW".into(),
        decision: decision.into(),
        time_to_containment_ms: None,
        updated_at: updated_at.into(),
        title: "t".into(),
    }
}

#[test]
fn severity_labels_parse_in_any_case_and_nothing_else() {
    assert_eq!(MinSeverity::parse("high"), Some(MinSeverity::High));
    assert_eq!(MinSeverity::parse("Critical"), Some(MinSeverity::Critical));
    assert_eq!(MinSeverity::parse("LOW"), Some(MinSeverity::Low));
    assert_eq!(MinSeverity::parse("INFORMATIONAL"), None);
    assert_eq!(MinSeverity::parse("urgent"), None);
    assert_eq!(MinSeverity::parse(""), None);
}

#[test]
fn no_filter_lets_everything_through() {
    let filter = FindingsFilter::default();
    assert!(filter.matches(&summary("failed", "", "")));
}

#[test]
fn the_decision_must_be_the_one_asked_for() {
    let filter = FindingsFilter {
        decision: Some(Decision::Contained),
        ..Default::default()
    };
    assert!(filter.matches(&summary("contained", "HIGH", "")));
    assert!(!filter.matches(&summary("observed", "HIGH", "")));
    assert!(!filter.matches(&summary("", "HIGH", "")));
}

#[test]
fn a_severity_at_or_above_the_floor_passes() {
    let filter = FindingsFilter {
        min_severity: Some(MinSeverity::High),
        ..Default::default()
    };
    assert!(filter.matches(&summary("contained", "HIGH", "")));
    assert!(filter.matches(&summary("contained", "CRITICAL", "")));
    for below in ["MEDIUM", "LOW", "INFORMATIONAL", ""] {
        assert!(!filter.matches(&summary("contained", below, "")), "{below}");
    }
}

#[test]
fn a_finding_updated_at_or_after_the_time_passes() {
    let filter = FindingsFilter {
        updated_since: Some(at(NOON)),
        ..Default::default()
    };
    assert!(filter.matches(&summary("x", "HIGH", "2025-06-01T12:00:00Z")));
    assert!(filter.matches(&summary("x", "HIGH", "2025-06-01T12:00:00.001Z")));
    assert!(filter.matches(&summary("x", "HIGH", "2025-06-02T09:00:00.000Z")));
    // The same instant as noon UTC, written with an offset.
    assert!(filter.matches(&summary("x", "HIGH", "2025-06-01T14:00:00+02:00")));
    assert!(!filter.matches(&summary("x", "HIGH", "2025-06-01T11:59:59.999Z")));
    assert!(!filter.matches(&summary("x", "HIGH", "2025-06-01T13:00:00+02:00")));
    // Nothing says a finding without a readable time is recent.
    assert!(!filter.matches(&summary("x", "HIGH", "")));
    assert!(!filter.matches(&summary("x", "HIGH", "yesterday")));
}

#[test]
fn every_condition_must_hold() {
    let filter = FindingsFilter {
        decision: Some(Decision::Observed),
        updated_since: Some(at(NOON)),
        min_severity: Some(MinSeverity::Medium),
    };
    assert!(filter.matches(&summary("observed", "HIGH", "2025-06-01T12:30:00Z")));
    assert!(!filter.matches(&summary("contained", "HIGH", "2025-06-01T12:30:00Z")));
    assert!(!filter.matches(&summary("observed", "LOW", "2025-06-01T12:30:00Z")));
    assert!(!filter.matches(&summary("observed", "HIGH", "2025-06-01T11:30:00Z")));
}

#[test]
fn security_hub_is_asked_for_the_same_findings() {
    let filters = FindingsFilter {
        decision: Some(Decision::Failed),
        updated_since: Some(at(NOON) + Duration::from_millis(250)),
        min_severity: Some(MinSeverity::High),
    }
    .to_security_hub();
    let generator = &filters.generator_id()[0];
    assert_eq!(generator.value(), Some("cordon/"));
    assert_eq!(
        generator.comparison(),
        Some(&StringFilterComparison::Prefix)
    );
    let decision = &filters.product_fields()[0];
    assert_eq!(decision.key(), Some("cordon/Decision"));
    assert_eq!(decision.value(), Some("failed"));
    assert_eq!(decision.comparison(), Some(&MapFilterComparison::Equals));
    let updated = &filters.updated_at()[0];
    assert_eq!(updated.start(), Some("2025-06-01T12:00:00.25Z"));
    assert_eq!(updated.end(), Some(END_OF_TIME));
    let labels: Vec<_> = filters
        .severity_label()
        .iter()
        .map(|f| (f.value().unwrap(), f.comparison().unwrap().as_str()))
        .collect();
    assert_eq!(labels, [("HIGH", "EQUALS"), ("CRITICAL", "EQUALS")]);
}

#[test]
fn without_conditions_security_hub_is_asked_only_for_cordons_findings() {
    let filters = FindingsFilter::default().to_security_hub();
    assert_eq!(filters.generator_id().len(), 1);
    assert!(filters.product_fields().is_empty());
    assert!(filters.updated_at().is_empty());
    assert!(filters.severity_label().is_empty());
}

#[test]
fn a_time_security_hub_cannot_be_told_is_left_to_cordon() {
    let filters = FindingsFilter {
        updated_since: UNIX_EPOCH.checked_sub(Duration::from_secs(70_000 * 365 * 86_400)),
        ..Default::default()
    };
    assert!(filters.updated_since.is_some());
    assert!(filters.to_security_hub().updated_at().is_empty());
}

fn mocked(rule: &Rule) -> Client {
    let config = aws_sdk_securityhub::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .http_client(create_mock_http_client())
        .interceptor(
            MockResponseInterceptor::new()
                .rule_mode(RuleMode::Sequential)
                .with_rule(rule),
        )
        .build();
    Client::from_conf(config)
}

fn asff(id: &str, generator: &str, decision: &str, label: &str) -> AwsSecurityFinding {
    AwsSecurityFinding::builder()
        .id(id)
        .generator_id(generator)
        .updated_at("2025-06-01T12:00:00.000Z")
        .severity(
            Severity::builder()
                .label(SeverityLabel::from(label))
                .build(),
        )
        .product_fields("cordon/Decision", decision)
        .build()
}

#[tokio::test]
async fn listing_asks_with_the_filter_and_drops_what_an_endpoint_returned_regardless() {
    let rule = mock!(Client::get_findings)
        .match_requests(|req| {
            req.filters()
                .is_some_and(|f| f.product_fields()[0].value() == Some("contained"))
        })
        .then_output(|| {
            // An endpoint that ignores filters answers with everything it has.
            GetFindingsOutput::builder()
                .findings(asff("a", "cordon/contain-instance", "contained", "HIGH"))
                .findings(asff("b", "cordon/contain-instance", "observed", "HIGH"))
                .findings(asff(
                    "c",
                    "cordon/contain-credentials",
                    "contained",
                    "MEDIUM",
                ))
                .findings(asff("d", "aws/guardduty", "contained", "HIGH"))
                .build()
        });
    let filter = FindingsFilter {
        decision: Some(Decision::Contained),
        min_severity: Some(MinSeverity::High),
        ..Default::default()
    };
    let listed = list_response_findings(&mocked(&rule), &filter)
        .await
        .unwrap();
    let ids: Vec<_> = listed.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, ["a"]);
    assert_eq!(rule.num_calls(), 1, "the request did not carry the filter");
}
