//! What moto recorded: every request it received since the recording was last cleared,
//! one JSON line each, read back as actions, services and form parameters.

use super::{MotoError, MotoServer};
use crate::aws_request::{form_action, signing_service};
use crate::percent::percent_decode;
use std::collections::BTreeMap;

impl MotoServer {
    pub fn clear_recording(&self) -> Result<(), MotoError> {
        self.control("POST", "/moto-api/recorder/reset-recording")
            .map(|_| ())
    }

    /// The API actions received since the recording was last cleared, in order
    /// (`ec2:ModifyNetworkInterfaceAttribute`, ...).
    pub fn recorded_actions(&self) -> Result<Vec<String>, MotoError> {
        Ok(self
            .recording_lines()?
            .iter()
            .filter_map(|line| RecordedRequest::parse(line)?.action())
            .collect())
    }

    /// Every request received since the recording was last cleared, whatever the
    /// protocol (REST calls such as Security Hub's have no action name).
    pub fn recorded_request_count(&self) -> Result<usize, MotoError> {
        Ok(self.recording_lines()?.len())
    }

    /// The signing service of every request received since the recording was last
    /// cleared (`securityhub`, `ec2`, ...), whatever the protocol.
    pub fn recorded_services(&self) -> Result<Vec<String>, MotoError> {
        Ok(self
            .recording_lines()?
            .iter()
            .map(|line| {
                RecordedRequest::parse(line)
                    .and_then(|r| r.service().map(str::to_owned))
                    .unwrap_or_else(|| "unknown".into())
            })
            .collect())
    }

    fn recording_lines(&self) -> Result<Vec<String>, MotoError> {
        match std::fs::read_to_string(&self.recording) {
            Ok(raw) => Ok(raw.lines().map(str::to_owned).collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(MotoError::Control {
                path: self.recording.display().to_string(),
                reason: e.to_string(),
            }),
        }
    }

    /// The form parameters of every recorded query-protocol call to `action` (for
    /// example `sns:Publish`), in order, decoded.
    pub fn recorded_calls(&self, action: &str) -> Result<Vec<BTreeMap<String, String>>, MotoError> {
        self.recording_lines()?
            .iter()
            .filter_map(|line| RecordedRequest::parse(line))
            .filter(|request| request.action().as_deref() == Some(action))
            .filter_map(|request| request.body)
            .map(|body| {
                form_params(&body).map_err(|reason| MotoError::Control {
                    path: self.recording.display().to_string(),
                    reason,
                })
            })
            .collect()
    }

    /// Recorded actions that change state: anything but Describe/Get/List calls.
    pub fn recorded_writes(&self) -> Result<Vec<String>, MotoError> {
        Ok(self
            .recorded_actions()?
            .into_iter()
            .filter(|a| {
                let name = a.split_once(':').map_or(a.as_str(), |(_, n)| n);
                !["Describe", "Get", "List"]
                    .iter()
                    .any(|p| name.starts_with(p))
            })
            .collect())
    }
}

/// One line of the recording.
struct RecordedRequest {
    authorization: Option<String>,
    target: Option<String>,
    /// Decoded: moto stores binary-safe bodies base64-encoded.
    body: Option<String>,
}

impl RecordedRequest {
    fn parse(line: &str) -> Option<Self> {
        let entry: serde_json::Value = serde_json::from_str(line).ok()?;
        let headers = entry.get("headers")?;
        let header = |name: &str| headers.get(name)?.as_str().map(str::to_owned);
        let body = entry.get("body").and_then(|b| b.as_str()).and_then(|body| {
            if entry.get("body_encoded").and_then(|e| e.as_bool()) == Some(true) {
                use base64::Engine;
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(body)
                    .ok()?;
                String::from_utf8(bytes).ok()
            } else {
                Some(body.to_owned())
            }
        });
        Some(Self {
            authorization: header("Authorization"),
            target: header("X-Amz-Target"),
            body,
        })
    }

    fn service(&self) -> Option<&str> {
        signing_service(self.authorization.as_deref()?)
    }

    /// The `X-Amz-Target` of a JSON-protocol request, or `ec2:CreateTags` from a
    /// query-protocol one (EC2, STS, IAM ...).
    fn action(&self) -> Option<String> {
        if let Some(target) = &self.target {
            return Some(target.clone());
        }
        let action = form_action(self.body.as_deref()?)?;
        Some(format!("{}:{action}", self.service().unwrap_or("unknown")))
    }
}

/// `application/x-www-form-urlencoded` into a map; `+` is a space there.
fn form_params(body: &str) -> Result<BTreeMap<String, String>, String> {
    let decode = |text: &str| percent_decode(&text.replace('+', " "));
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| Ok((decode(k)?, decode(v)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{RecordedRequest, form_params};

    #[test]
    fn decodes_form_parameters() {
        let params =
            form_params("Action=Publish&Message=%5Bcordon%5D+ISOLATED%3A+i-1%0Anext&Subject=a%2Bb")
                .unwrap();
        assert_eq!(params["Message"], "[cordon] ISOLATED: i-1\nnext");
        assert_eq!(params["Subject"], "a+b");
        assert!(form_params("Action=Publish&Message=50%").is_err());
    }

    #[test]
    fn reads_the_action_of_an_encoded_query_request() {
        // "Action=ModifyNetworkInterfaceAttribute&Version=2016-11-15", base64-encoded.
        let line = r#"{"headers": {"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host"}, "method": "POST", "url": "/", "body": "QWN0aW9uPU1vZGlmeU5ldHdvcmtJbnRlcmZhY2VBdHRyaWJ1dGUmVmVyc2lvbj0yMDE2LTExLTE1", "body_encoded": true}"#;
        assert_eq!(
            RecordedRequest::parse(line)
                .and_then(|r| r.action())
                .as_deref(),
            Some("ec2:ModifyNetworkInterfaceAttribute")
        );
    }

    #[test]
    fn reads_the_target_of_a_json_request() {
        let line = r#"{"headers": {"X-Amz-Target": "SecurityHubAPIService.BatchImportFindings"}, "body": "", "body_encoded": false}"#;
        assert_eq!(
            RecordedRequest::parse(line)
                .and_then(|r| r.action())
                .as_deref(),
            Some("SecurityHubAPIService.BatchImportFindings")
        );
    }
}
