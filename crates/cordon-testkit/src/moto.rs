//! moto in server mode: installed once into a cached virtualenv from PyPI (pinned),
//! started on 127.0.0.1 on a free port, stopped when the handle drops.

use crate::http;
use crate::python_env::{PythonEnvError, ensure_python_env};
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

/// Runs moto's server and exits when stdin closes: a server held in a `static` (one per
/// test binary) is never dropped, but the pipe closes when the test process ends.
const STOP_WITH_PARENT: &str = "\
import os, sys, threading
threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
from moto.server import main
main(['-H', '127.0.0.1', '-p', sys.argv[1]])
";

/// A running moto server. Dropping it, or ending the process that started it, stops it.
pub struct MotoServer {
    child: Child,
    port: u16,
    recording: PathBuf,
}

impl MotoServer {
    /// Installs (if needed) and starts moto with request recording enabled.
    pub fn start() -> Result<Self, MotoError> {
        let python = ensure_moto_installed()?;
        let port = free_port().map_err(|e| MotoError::Start(e.to_string()))?;
        let recording =
            std::env::temp_dir().join(format!("cordon-moto-{}-{port}.jsonl", std::process::id()));
        let child = Command::new(python)
            .args(["-c", STOP_WITH_PARENT, &port.to_string()])
            .env("MOTO_ENABLE_RECORDING", "True")
            .env("MOTO_RECORDER_FILEPATH", &recording)
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

    pub fn clear_recording(&self) -> Result<(), MotoError> {
        self.control("POST", "/moto-api/recorder/reset-recording")
            .map(|_| ())
    }

    /// The API actions received since the recording was last cleared, in order
    /// (`ec2:ModifyNetworkInterfaceAttribute`, ...).
    pub fn recorded_actions(&self) -> Result<Vec<String>, MotoError> {
        let raw = match std::fs::read_to_string(&self.recording) {
            Ok(raw) => raw,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(MotoError::Control {
                    path: self.recording.display().to_string(),
                    reason: e.to_string(),
                });
            }
        };
        Ok(raw.lines().filter_map(action_of_recorded_request).collect())
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

/// `ec2:CreateTags` from a recorded query-protocol request (EC2, STS, IAM ...), or
/// the `X-Amz-Target` of a JSON-protocol one.
fn action_of_recorded_request(line: &str) -> Option<String> {
    let entry: serde_json::Value = serde_json::from_str(line).ok()?;
    let headers = entry.get("headers")?;
    if let Some(target) = headers.get("X-Amz-Target").and_then(|t| t.as_str()) {
        return Some(target.to_owned());
    }
    let service = headers
        .get("Authorization")
        .and_then(|a| a.as_str())
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split('/').nth(3))
        .unwrap_or("unknown");
    let body = entry.get("body")?.as_str()?;
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
