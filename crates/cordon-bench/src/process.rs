//! A function binary started as Lambda starts it: a clean environment with the
//! variables Lambda sets (lambda_runtime 1.5 reads `AWS_LAMBDA_RUNTIME_API`,
//! `AWS_LAMBDA_FUNCTION_NAME`, `_MEMORY_SIZE`, `_VERSION`, the log group and stream;
//! its tracing set-up reads `AWS_LAMBDA_LOG_FORMAT` and `AWS_LAMBDA_LOG_LEVEL`), one
//! event waiting on a local Runtime API, and the process stopped after its answer.

use crate::Why;
use cordon_emulators::{InvocationResult, ResultKind, RuntimeApi};
use cordon_fixtures::TEST_REGION;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:cordon-bench";
/// Far above any answer seen; only bounds a function that hangs.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// One cold start, exec to first answer.
pub struct ColdRun {
    pub spawned: Instant,
    /// When the function asked for its first event (its init was done).
    pub asked: Option<Instant>,
    pub answer: InvocationResult,
    /// Peak resident set (VmHWM) after the answer, in bytes.
    pub peak_rss: u64,
}

impl ColdRun {
    pub fn ms_to(&self, at: Instant) -> f64 {
        at.duration_since(self.spawned).as_secs_f64() * 1000.0
    }

    /// The decision and why, shortened, for a table.
    pub fn summary(&self) -> String {
        let body: serde_json::Value = serde_json::from_str(&self.answer.body).unwrap_or_default();
        let reason: String = body["reason"]
            .as_str()
            .unwrap_or("")
            .chars()
            .take(120)
            .collect();
        match (self.answer.kind, reason.is_empty()) {
            (ResultKind::Response, false) => format!("{}: {reason}…", self.decision()),
            _ => self.decision(),
        }
    }

    /// `contained`, `observed` ... from a response; the error type from an error.
    pub fn decision(&self) -> String {
        let body: serde_json::Value = serde_json::from_str(&self.answer.body).unwrap_or_default();
        match self.answer.kind {
            ResultKind::Response => body["decision"].as_str().unwrap_or("?").to_owned(),
            _ => format!(
                "error {}: {}",
                body["errorType"].as_str().unwrap_or("?"),
                body["errorMessage"].as_str().unwrap_or("?")
            ),
        }
    }
}

/// Runs `binary` (memory size 128 MB, as template.yaml sets it) on `event`, with
/// `endpoint` as every AWS endpoint and `env` on top.
pub fn cold_start(
    binary: &Path,
    endpoint: &str,
    env: &[(&str, String)],
    event: &str,
) -> Result<ColdRun, String> {
    let api = RuntimeApi::start(FUNCTION_ARN).why("starting the Runtime API")?;
    let request = api.invoke(event);
    let log = std::env::temp_dir().join(format!("cordon-bench-{}.log", std::process::id()));
    let output = std::fs::File::create(&log).why("the function's log")?;
    let mut command = Command::new(binary);
    command
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", api.address())
        .env("AWS_LAMBDA_FUNCTION_NAME", "cordon-bench")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/cordon-bench")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "2026/01/01/[$LATEST]bench")
        .env("AWS_LAMBDA_LOG_FORMAT", "JSON")
        .env("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
        .env("_HANDLER", "bootstrap")
        .env("AWS_REGION", TEST_REGION)
        .env("AWS_DEFAULT_REGION", TEST_REGION)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("TZ", ":UTC")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(output.try_clone().why("the function's log")?)
        .stderr(output);
    let spawned = Instant::now();
    let mut child = command
        .spawn()
        .why(&format!("starting {}", binary.display()))?;
    let answer = wait(&api, &request, &mut child);
    let peak_rss = answer.as_ref().ok().map(|_| peak_rss(child.id()));
    let _ = child.kill();
    let _ = child.wait();
    let answer = answer.map_err(|why| {
        let log = std::fs::read_to_string(&log).unwrap_or_default();
        let tail: String = log.lines().rev().take(5).collect::<Vec<_>>().join("\n");
        format!("{}: {why}; its last output:\n{tail}", binary.display())
    })?;
    let _ = std::fs::remove_file(&log);
    Ok(ColdRun {
        spawned,
        asked: api.handed_out_at(&request),
        answer,
        peak_rss: peak_rss.unwrap_or(0),
    })
}

/// The first answer to `request`, or why there is none.
fn wait(api: &RuntimeApi, request: &str, child: &mut Child) -> Result<InvocationResult, String> {
    let deadline = Instant::now() + ANSWER_TIMEOUT;
    while Instant::now() < deadline {
        if let Some(answer) = api.wait_for(request, Duration::from_millis(20)) {
            return match answer.kind {
                ResultKind::InitError => Err(format!("init error: {}", answer.body)),
                _ => Ok(answer),
            };
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("exited with {status} before answering"));
        }
    }
    Err(format!("no answer within {} s", ANSWER_TIMEOUT.as_secs()))
}

/// VmHWM of `pid`, in bytes; 0 if it cannot be read.
fn peak_rss(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}
