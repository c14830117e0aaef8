//! Pinned Python tools (the emulator, template linters) in cached virtualenvs, so a
//! fresh machine needs nothing but Python 3. Parallel test binaries may ask at once:
//! one installs under a lock directory, the others wait for its marker.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

#[derive(Debug, thiserror::Error)]
#[error("could not set up the Python environment {dir}: {reason}")]
pub struct PythonEnvError {
    pub dir: PathBuf,
    pub reason: String,
}

/// A ready virtualenv.
#[derive(Clone, Debug)]
pub struct PythonEnv {
    pub dir: PathBuf,
}

impl PythonEnv {
    pub fn python(&self) -> PathBuf {
        self.dir.join("bin").join("python")
    }

    /// A console script the environment installed (`cfn-lint`, `sam`, ...).
    pub fn tool(&self, name: &str) -> PathBuf {
        self.dir.join("bin").join(name)
    }
}

/// Where the environments live: `CORDON_CACHE_DIR`, else the user's cache directory.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CORDON_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("cordon")
}

/// Creates `name` with exactly `requirements` (pinned) on first use.
pub fn ensure_python_env(name: &str, requirements: &[&str]) -> Result<PythonEnv, PythonEnvError> {
    let dir = cache_dir().join(name);
    let marker = dir.join(".installed");
    let lock = cache_dir().join(format!("{name}.lock"));
    let fail = |reason: String| PythonEnvError {
        dir: dir.clone(),
        reason,
    };
    let deadline = Instant::now() + Duration::from_secs(900);
    loop {
        if marker.exists() {
            return Ok(PythonEnv { dir });
        }
        std::fs::create_dir_all(cache_dir()).map_err(|e| fail(e.to_string()))?;
        if std::fs::create_dir(&lock).is_ok() {
            let result = install(&dir, requirements);
            let _ = std::fs::remove_dir(&lock);
            result.map_err(fail)?;
            return Ok(PythonEnv { dir });
        }
        if is_stale(&lock) {
            // An installer died holding the lock; take it over.
            let _ = std::fs::remove_dir(&lock);
            continue;
        }
        if Instant::now() > deadline {
            return Err(fail(format!("gave up waiting for {}", lock.display())));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

fn install(dir: &Path, requirements: &[&str]) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir);
    eprintln!("installing {} (first run only) ...", requirements.join(" "));
    run(Command::new("python3").arg("-m").arg("venv").arg(dir))?;
    run(Command::new(dir.join("bin").join("python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(requirements))?;
    std::fs::write(dir.join(".installed"), requirements.join("\n")).map_err(|e| e.to_string())
}

fn is_stale(lock: &Path) -> bool {
    std::fs::metadata(lock)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age > Duration::from_secs(1200))
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{command:?}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
