//! Findings as GuardDuty reported them, published in the emulator through a route only
//! cordon's launcher adds (see `launcher.py`): moto keeps no GuardDuty findings.

use crate::http::{self, Request};
use serde_json::Value;
use std::time::Duration;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Publishes the event's finding in the emulator's GuardDuty, under the detector the
/// event names, as GuardDuty would have reported it: cordon reads every finding back
/// from GuardDuty before acting, and acts on nothing GuardDuty does not confirm.
pub fn publish_finding(endpoint: &str, event: &Value) -> Result<(), BoxError> {
    let detail = &event["detail"];
    let detector = detail["service"]["detectorId"]
        .as_str()
        .ok_or("the event names no detector (detail.service.detectorId)")?;
    let region = detail["region"].as_str().unwrap_or("us-east-1");
    let addr = http::endpoint_addr(endpoint)?;
    let mut request = Request::new(
        "POST",
        &format!("/detector/{detector}/cordon-published-findings"),
    );
    // The credential scope names the service: the emulator routes on it.
    let scope = format!("testing/20260101/{region}/guardduty/aws4_request");
    request.headers = request
        .headers
        .with(
            "Authorization",
            format!("AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=host, Signature=0"),
        )
        .with("Content-Type", "application/json");
    request.body = serde_json::to_vec(detail)?;
    let response = http::send(addr, &request, Duration::from_secs(30))?;
    match response.status {
        200 => Ok(()),
        status => Err(format!(
            "publishing the finding failed: HTTP {status}: {}",
            String::from_utf8_lossy(&response.body)
        )
        .into()),
    }
}
