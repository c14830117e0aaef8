//! Lambda Protection findings: the function they name, and the role it ran as.

use crate::common::assert_fields;
use cordon_events::GuardDutyFinding;
use serde_json::Value;

/// A Lambda finding names its function (ARN, name, version, role) and no instance,
/// key or bucket.
pub fn check_resource(name: &str, finding: &GuardDutyFinding, detail: &Value) {
    let typed = finding
        .resource
        .lambda_details
        .as_ref()
        .unwrap_or_else(|| panic!("{name}: lambdaDetails"));
    assert_fields(
        name,
        &detail["resource"]["lambdaDetails"],
        &[
            ("functionArn", typed.function_arn.as_deref()),
            ("functionName", typed.function_name.as_deref()),
            ("functionVersion", typed.function_version.as_deref()),
            ("revisionId", typed.revision_id.as_deref()),
            ("role", typed.role.as_deref()),
        ],
    );
    assert_eq!(finding.resource.instance_details, None, "{name}");
    assert_eq!(finding.resource.access_key_details, None, "{name}");
    assert!(finding.resource.s3_bucket_details.is_empty(), "{name}");
}
