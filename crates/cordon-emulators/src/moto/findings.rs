//! Findings as GuardDuty reported them, published in the emulator through a route only
//! cordon's launcher adds (see `launcher.py`): moto keeps no GuardDuty findings.

use serde_json::Value;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

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
