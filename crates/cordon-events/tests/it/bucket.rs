//! S3 findings: the buckets they name.

use crate::common::assert_fields;
use cordon_events::{GuardDutyFinding, ResourceRole};
use serde_json::Value;

/// An S3 finding names its bucket (name and ARN), is about an API call, and GuardDuty
/// reports the bucket as the TARGET.
pub fn check_resource(name: &str, finding: &GuardDutyFinding, detail: &Value) {
    let raw = detail["resource"]["s3BucketDetails"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: s3BucketDetails"));
    let buckets = &finding.resource.s3_bucket_details;
    assert_eq!(buckets.len(), raw.len(), "{name}");
    for (typed, raw) in buckets.iter().zip(raw) {
        assert_fields(
            name,
            raw,
            &[
                ("name", typed.name.as_deref()),
                ("arn", typed.arn.as_deref()),
            ],
        );
    }
    assert_eq!(finding.resource.instance_details, None, "{name}");
    assert_eq!(
        finding.service.resource_role,
        Some(ResourceRole::Target),
        "{name}"
    );
    let call = finding
        .service
        .action
        .as_ref()
        .and_then(|a| a.aws_api_call_action.as_ref())
        .unwrap_or_else(|| panic!("{name}: awsApiCallAction"));
    assert_eq!(
        call.api.as_deref(),
        detail["service"]["action"]["awsApiCallAction"]["api"].as_str(),
        "{name}"
    );
}
