//! moto in server mode: installed once into a cached virtualenv from PyPI (pinned),
//! started on 127.0.0.1 on a free port, stopped when the handle drops.

mod findings;

pub use findings::publish_finding;

use crate::http::{self, percent_decode};
use crate::python_env::{PythonEnvError, ensure_python_env};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const MOTO_VERSION: &str = "5.2.5";

#[derive(Debug, thiserror::Error)]
pub enum MotoError {
    #[error(transparent)]
    Install(#[from] PythonEnvError),
    #[error("could not start moto: {0}")]
    Start(String),
    #[error("moto control API {path} failed: {reason}")]
    Control { path: String, reason: String },
}

/// Installs moto on first use and returns the virtualenv's Python.
pub fn ensure_moto_installed() -> Result<PathBuf, MotoError> {
    let env = ensure_python_env(
        &format!("moto-{MOTO_VERSION}"),
        &[&format!("moto[server]=={MOTO_VERSION}")],
    )?;
    Ok(env.python())
}

/// Starts moto, stops it with its parent, and fills in what moto lacks (see the file).
const LAUNCHER: &str = include_str!("moto/launcher.py");

/// A running moto server. Dropping it, or ending the process that started it, stops it.
pub struct MotoServer {
    child: Child,
    port: u16,
    recording: PathBuf,
}

impl MotoServer {
    /// Installs (if needed) and starts moto with request recording enabled.
    pub fn start() -> Result<Self, MotoError> {
        Self::launch(true)
    }

    /// As [`Self::start`], without request recording: moto then writes nothing per
    /// request, which the benchmarks that read calls off the fault proxy do not need.
    pub fn start_unrecorded() -> Result<Self, MotoError> {
        Self::launch(false)
    }

    fn launch(record: bool) -> Result<Self, MotoError> {
        let python = ensure_moto_installed()?;
        let port = free_port().map_err(|e| MotoError::Start(e.to_string()))?;
        let recording =
            std::env::temp_dir().join(format!("cordon-moto-{}-{port}.jsonl", std::process::id()));
        let child = Command::new(python)
            .args(["-c", LAUNCHER, &port.to_string()])
            .env("MOTO_ENABLE_RECORDING", if record { "True" } else { "" })
            .env("MOTO_RECORDER_FILEPATH", &recording)
            // No catalogue of public AMIs: each comes with a snapshot, and moto scans
            // them all on every DescribeSnapshots. Instances launch from any image id.
            .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| MotoError::Start(e.to_string()))?;
        let server = Self {
            child,
            port,
            recording,
        };
        server.wait_until_ready()?;
        Ok(server)
    }

    fn wait_until_ready(&self) -> Result<(), MotoError> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok((200, _)) = http::request(self.port, "GET", "/moto-api/data.json") {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(MotoError::Start(format!(
            "no answer on 127.0.0.1:{} within 60 s",
            self.port
        )))
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Clears all emulated state and the request recording.
    pub fn reset(&self) -> Result<(), MotoError> {
        self.control("POST", "/moto-api/reset")?;
        self.clear_recording()
    }

    /// Creates an S3 bucket (moto answers unsigned path-style requests as S3), so
    /// the kit needs no S3 client for the one bucket a trail writes to.
    pub fn create_bucket(&self, name: &str) -> Result<(), MotoError> {
        self.control("PUT", &format!("/{name}")).map(|_| ())
    }

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
            .filter_map(|line| action_of_recorded_request(line))
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
            .map(|line| signing_service(line).unwrap_or_else(|| "unknown".into()))
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
            .filter(|line| action_of_recorded_request(line).as_deref() == Some(action))
            .filter_map(|line| recorded_body(line))
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

    fn control(&self, method: &str, path: &str) -> Result<String, MotoError> {
        match http::request(self.port, method, path) {
            Ok((200, body)) => Ok(body),
            Ok((status, body)) => Err(MotoError::Control {
                path: path.into(),
                reason: format!("HTTP {status}: {body}"),
            }),
            Err(e) => Err(MotoError::Control {
                path: path.into(),
                reason: e.to_string(),
            }),
        }
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.recording);
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind(("127.0.0.1", 0))?
        .local_addr()?
        .port())
}

/// The service in a recorded request's SigV4 credential scope.
fn signing_service(line: &str) -> Option<String> {
    let entry: serde_json::Value = serde_json::from_str(line).ok()?;
    let scope = entry["headers"]["Authorization"]
        .as_str()?
        .split("Credential=")
        .nth(1)?;
    scope.split('/').nth(3).map(str::to_owned)
}

/// `ec2:CreateTags` from a recorded query-protocol request (EC2, STS, IAM ...), or
/// the `X-Amz-Target` of a JSON-protocol one.
fn action_of_recorded_request(line: &str) -> Option<String> {
    let entry: serde_json::Value = serde_json::from_str(line).ok()?;
    let headers = entry.get("headers")?;
    if let Some(target) = headers.get("X-Amz-Target").and_then(|t| t.as_str()) {
        return Some(target.to_owned());
    }
    let service = signing_service(line).unwrap_or_else(|| "unknown".into());
    let body = entry.get("body")?.as_str()?;
    // moto stores binary-safe bodies base64-encoded.
    let body = if entry.get("body_encoded").and_then(|e| e.as_bool()) == Some(true) {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(body)
            .ok()?;
        String::from_utf8(bytes).ok()?
    } else {
        body.to_owned()
    };
    let action = body
        .split('&')
        .find_map(|pair| pair.strip_prefix("Action="))?;
    Some(format!("{service}:{action}"))
}

/// One server per test binary, started on first use and stopped when the binary exits.
pub fn shared_moto() -> &'static MotoServer {
    static SERVER: std::sync::OnceLock<MotoServer> = std::sync::OnceLock::new();
    SERVER.get_or_init(|| MotoServer::start().unwrap_or_else(|e| panic!("{e}")))
}

/// The request body of a recorded request; moto stores bodies base64-encoded.
fn recorded_body(line: &str) -> Option<String> {
    let entry: serde_json::Value = serde_json::from_str(line).ok()?;
    let body = entry.get("body")?.as_str()?;
    if entry.get("body_encoded").and_then(|e| e.as_bool()) == Some(true) {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(body)
            .ok()?;
        String::from_utf8(bytes).ok()
    } else {
        Some(body.to_owned())
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
    use super::{action_of_recorded_request, form_params};

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
            action_of_recorded_request(line).as_deref(),
            Some("ec2:ModifyNetworkInterfaceAttribute")
        );
    }

    #[test]
    fn reads_the_target_of_a_json_request() {
        let line = r#"{"headers": {"X-Amz-Target": "SecurityHubAPIService.BatchImportFindings"}, "body": "", "body_encoded": false}"#;
        assert_eq!(
            action_of_recorded_request(line).as_deref(),
            Some("SecurityHubAPIService.BatchImportFindings")
        );
    }
}
