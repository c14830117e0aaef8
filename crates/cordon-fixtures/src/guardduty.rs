//! GuardDuty's side of Security Hub: a sample event's finding imported the way
//! GuardDuty would, so cordon's note on the source finding has something to land on.

use aws_sdk_securityhub::types::{AwsSecurityFinding, Resource, Severity};
use serde_json::Value;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Imports the event's finding under its ARN and the GuardDuty product; returns the Id.
pub async fn import_as_guardduty(
    securityhub: &aws_sdk_securityhub::Client,
    event: &Value,
) -> Result<String, BoxError> {
    let detail = &event["detail"];
    let text = |field: &str| detail[field].as_str().unwrap_or_default().to_owned();
    let arn = text("arn");
    let region = text("region");
    let instance = detail["resource"]["instanceDetails"]["instanceId"]
        .as_str()
        .unwrap_or_default();
    let finding = AwsSecurityFinding::builder()
        .schema_version("2018-10-08")
        .id(&arn)
        .product_arn(format!(
            "arn:aws:securityhub:{region}::product/aws/guardduty"
        ))
        .generator_id(text("type"))
        .aws_account_id(text("accountId"))
        .types(format!("TTPs/{}", text("type")))
        .created_at(text("createdAt"))
        .updated_at(text("updatedAt"))
        .severity(
            Severity::builder()
                .normalized((detail["severity"].as_f64().unwrap_or_default() * 10.0) as i32)
                .build(),
        )
        .title(text("title"))
        .description(text("description"))
        .resources(
            Resource::builder()
                .r#type("AwsEc2Instance")
                .id(format!(
                    "arn:aws:ec2:{region}:{}:instance/{instance}",
                    text("accountId")
                ))
                .build(),
        )
        .build();
    let out = securityhub
        .batch_import_findings()
        .findings(finding)
        .send()
        .await?;
    match out.failed_findings().first() {
        None => Ok(arn),
        Some(failed) => Err(format!("import of {arn} failed: {:?}", failed.error_message()).into()),
    }
}
