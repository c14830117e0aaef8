//! What stands in for AWS and Lambda on this machine: moto (installed by the project
//! itself into a pinned Python environment, started on 127.0.0.1 on a free port), a
//! Lambda Runtime API, and a fault-injecting proxy; plus the small process helpers
//! `xtask`, the demo and the bench share. No AWS SDK, so xtask compiles without it.

mod aws_request;
mod cmd;
mod fault_proxy;
mod http;
mod moto;
mod percent;
mod python_env;
mod runtime_api;

pub use cmd::{cargo, heading, run_checked};
pub use fault_proxy::{CallRecord, FaultKind, FaultProxy, Faults};
pub use moto::{
    MOTO_VERSION, MotoError, MotoServer, ensure_moto_installed, publish_finding, shared_moto,
};
pub use percent::percent_decode;
pub use python_env::{PythonEnv, PythonEnvError, cache_dir, ensure_python_env};
pub use runtime_api::{InvocationResult, ResultKind, RuntimeApi};

/// The repository root, for tests and tools that read `events/` or `template.yaml`.
pub fn workspace_root() -> std::path::PathBuf {
    // Read when the test runs (cargo sets it for tests and `cargo run`), not when this
    // crate was compiled: a build cache shared by two checkouts must not send one
    // checkout's tests to the other's files.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(
        || env!("CARGO_MANIFEST_DIR").into(),
        std::path::PathBuf::from,
    );
    manifest_dir
        .ancestors()
        .find(|dir| dir.join("template.yaml").is_file() && dir.join("events").is_dir())
        .expect("the workspace root holds template.yaml and events/")
        .to_path_buf()
}

/// A lock whose holder panicked still guards usable records: one failed connection
/// thread must not hide what the others saw.
fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
