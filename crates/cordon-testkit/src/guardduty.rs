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

/// Publishes the event's finding in the emulator's GuardDuty, under the detector the
/// event names, as GuardDuty would have reported it: cordon reads every finding back
/// from GuardDuty before acting, and acts on nothing GuardDuty does not confirm.
pub fn publish_finding(endpoint: &str, event: &Value) -> Result<(), BoxError> {
    use std::io::{Read, Write};
    let detail = &event["detail"];
    let detector = detail["service"]["detectorId"]
        .as_str()
        .ok_or("the event names no detector (detail.service.detectorId)")?;
    let region = detail["region"].as_str().unwrap_or("us-east-1");
    let address = endpoint
        .strip_prefix("http://")
        .ok_or_else(|| format!("{endpoint} is not an http:// endpoint"))?;
    let body = serde_json::to_vec(detail)?;
    let mut stream = std::net::TcpStream::connect(address)?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    // The credential scope names the service: the emulator routes on it.
    write!(
        stream,
        "POST /detector/{detector}/cordon-published-findings HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/{region}/guardduty/aws4_request, SignedHeaders=host, Signature=0\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    match response.split_whitespace().nth(1) {
        Some("200") => Ok(()),
        _ => Err(format!(
            "publishing the finding failed: {}",
            response.lines().next().unwrap_or("")
        )
        .into()),
    }
}
