//! moto in server mode: installed once into a cached virtualenv from PyPI (pinned),
//! started on 127.0.0.1 on a free port, stopped when the handle drops.

mod findings;
mod recording;

pub use findings::publish_finding;

use crate::http::{self, Request};
use crate::python_env::{PythonEnvError, ensure_python_env};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// moto answers in milliseconds; this only bounds a hung one.
const CONTROL_TIMEOUT: Duration = Duration::from_secs(30);

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
            if let Ok((200, _)) = self.request("GET", "/moto-api/data.json") {
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

    fn control(&self, method: &str, path: &str) -> Result<String, MotoError> {
        match self.request(method, path) {
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

    /// (status, body) of a request with an empty body.
    fn request(&self, method: &str, path: &str) -> std::io::Result<(u16, String)> {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let response = http::send(addr, &Request::new(method, path), CONTROL_TIMEOUT)?;
        Ok((
            response.status,
            String::from_utf8_lossy(&response.body).into_owned(),
        ))
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

/// One server per test binary, started on first use and stopped when the binary exits.
pub fn shared_moto() -> &'static MotoServer {
    static SERVER: std::sync::OnceLock<MotoServer> = std::sync::OnceLock::new();
    SERVER.get_or_init(|| MotoServer::start().unwrap_or_else(|e| panic!("{e}")))
}
