//! moto 5.2.5 does not implement `BatchUpdateFindings`, so its exact request is checked
//! here against a mocked client; imports are tested against the emulator elsewhere.

use super::*;
use aws_sdk_securityhub::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_securityhub::operation::batch_update_findings::BatchUpdateFindingsOutput;
use aws_sdk_securityhub::types::BatchUpdateFindingsUnprocessedFinding;
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};

fn mocked(rules: &[&Rule]) -> Client {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::Sequential);
    for rule in rules {
        interceptor = interceptor.with_rule(rule);
    }
    let config = aws_sdk_securityhub::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .http_client(create_mock_http_client())
        .interceptor(interceptor)
        .build();
    Client::from_conf(config)
}

fn source() -> SourceFinding {
    SourceFinding::guardduty(
        "arn:aws:guardduty:us-east-1:123456789012:detector/d/finding/f",
        "us-east-1",
    )
}

/// A reply that leaves the one finding unprocessed with `code`.
fn unprocessed(code: &str) -> BatchUpdateFindingsOutput {
    BatchUpdateFindingsOutput::builder()
        .unprocessed_findings(
            BatchUpdateFindingsUnprocessedFinding::builder()
                .finding_identifier(
                    AwsSecurityFindingIdentifier::builder()
                        .id("f")
                        .product_arn("p")
                        .build(),
                )
                .error_code(code)
                .error_message("not processed")
                .build(),
        )
        .build()
}

#[tokio::test]
async fn annotates_the_source_finding_with_note_workflow_and_response_id() {
    let rule = mock!(Client::batch_update_findings)
        .match_requests(|req| {
            let id = &req.finding_identifiers()[0];
            let note = req.note().unwrap();
            id.id() == Some("arn:aws:guardduty:us-east-1:123456789012:detector/d/finding/f")
                && id.product_arn() == Some("arn:aws:securityhub:us-east-1::product/aws/guardduty")
                && note.updated_by() == Some("cordon")
                && note.text() == Some("cordon: contained")
                && req.workflow().and_then(|w| w.status()) == Some(&WorkflowStatus::Notified)
                && req
                    .user_defined_fields()
                    .and_then(|f| f.get("cordon/ResponseFindingId"))
                    .map(String::as_str)
                    == Some("cordon/x")
        })
        .then_output(|| BatchUpdateFindingsOutput::builder().build());
    let recorder = SecurityHubRecorder::new(mocked(&[&rule]));
    let result = recorder
        .update_source_finding(&source(), "cordon: contained", "cordon/x")
        .await;
    assert_eq!(result, Ok(SourceUpdate::Updated));
    assert_eq!(rule.num_calls(), 1, "the request did not match");
}

#[tokio::test]
async fn a_source_finding_security_hub_does_not_have_is_reported_not_failed() {
    let rule = mock!(Client::batch_update_findings).then_output(|| unprocessed("FindingNotFound"));
    let recorder = SecurityHubRecorder::new(mocked(&[&rule]));
    let result = recorder.update_source_finding(&source(), "n", "r").await;
    assert_eq!(result, Ok(SourceUpdate::NotInSecurityHub));
}

#[tokio::test]
async fn other_unprocessed_findings_are_errors_with_their_code() {
    let rule =
        mock!(Client::batch_update_findings).then_output(|| unprocessed("FindingSizeExceeded"));
    let recorder = SecurityHubRecorder::new(mocked(&[&rule]));
    let err = recorder
        .update_source_finding(&source(), "n", "r")
        .await
        .unwrap_err();
    assert_eq!(err.code.as_deref(), Some("FindingSizeExceeded"));
}

#[tokio::test]
async fn an_import_security_hub_refuses_keeps_its_error_code_and_is_not_retried_as_transient() {
    use aws_sdk_securityhub::error::ErrorMetadata;
    use aws_sdk_securityhub::operation::batch_import_findings::BatchImportFindingsError;
    let rule = mock!(Client::batch_import_findings).then_error(|| {
        BatchImportFindingsError::generic(
            ErrorMetadata::builder()
                .code("AccessDeniedException")
                .message("not authorized to perform securityhub:BatchImportFindings")
                .build(),
        )
    });
    let recorder = SecurityHubRecorder::new(mocked(&[&rule]));
    let finding = ResponseFinding {
        id: "cordon/x".into(),
        product_arn: "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"
            .into(),
        generator_id: "cordon/contain-instance".into(),
        account_id: "123456789012".into(),
        region: "us-east-1".into(),
        types: vec!["TTPs/Command and Control/Backdoor:EC2/C&CActivity.B".into()],
        severity_label: "HIGH",
        severity_original: "8".into(),
        title: "t".into(),
        description: "d".into(),
        created_at: "2025-01-01T00:00:00Z".into(),
        resources: vec![FindingResource::NetworkInterface {
            arn: "arn:aws:ec2:us-east-1:123456789012:network-interface/eni-0123abcd".into(),
            interface_id: "eni-0123abcd".into(),
        }],
        source: Some(source()),
        product_fields: Default::default(),
        workflow_status: "NEW",
        remediation: "r".into(),
    };
    let err = recorder.import_finding(&finding).await.unwrap_err();
    assert_eq!(err.code.as_deref(), Some("AccessDeniedException"));
    assert_eq!(err.operation, "securityhub:BatchImportFindings");
    assert!(!err.transient);
    assert!(err.to_string().contains("AccessDeniedException"), "{err}");
}
