//! `cordon-bench`: the harness behind `cargo xtask bench`, which builds it in release
//! together with the function binaries and starts it. It measures time to isolation
//! under latency, cold starts, memory and size, and a burst of duplicate findings under
//! faults, and writes every figure to BENCHMARKS.md.

mod build;
mod burst;
mod calls;
mod cold_start;
mod footprint;
mod latency;
mod machine;
mod process;
mod report;
mod run;
mod world;

use clap::Parser;
use std::process::ExitCode;

/// `result` with what was being done named in its error.
pub trait Why<T> {
    fn why(self, what: &str) -> Result<T, String>;
}

impl<T, E: std::fmt::Display> Why<T> for Result<T, E> {
    fn why(self, what: &str) -> Result<T, String> {
        self.map_err(|e| format!("{what}: {e}"))
    }
}

/// The burst's size (by default issue #9's, 1,000 findings over 200 instances), which
/// benchmark to run alone, and what xtask did before.
#[derive(Parser)]
#[command(name = "cordon-bench")]
pub struct Args {
    /// Instances in the burst, each with its finding delivered five times.
    #[arg(long, default_value_t = DEFAULT_BURST_INSTANCES)]
    burst_instances: usize,
    /// Run one benchmark and print it, leaving BENCHMARKS.md alone.
    #[arg(long, value_enum)]
    only: Option<Only>,
    /// Seconds cargo ran before xtask started: on a fresh machine, compiling xtask.
    #[arg(long)]
    cargo_secs: Option<f64>,
    #[command(flatten)]
    build: build::ReleaseBuild,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Only {
    /// 1. Time to isolation under latency.
    Latency,
    /// 2. Cold start of the release binaries.
    ColdStart,
    /// 4. The burst.
    Burst,
}

/// Issue #9's size: 200 instances, 1,000 findings. The burst spreads the fleet over
/// several emulators (see `burst.rs`), which keeps this size within the budget.
const DEFAULT_BURST_INSTANCES: usize = 200;

fn main() -> ExitCode {
    match run::run(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\ncordon-bench failed: {message}");
            ExitCode::FAILURE
        }
    }
}
