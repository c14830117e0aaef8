//! `cargo xtask demo | test | lint | package | bench`: the project's two set-up commands,
//! their parts, and the benchmarks.

mod bench;
mod demo;
mod lint;
mod package;
mod started;
mod test;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Start the local AWS emulator, build a small estate, replay the sample events
    /// through cordon and show what was contained and why the rest was not.
    Demo,
    /// Every check: formatting, clippy, unit and emulator tests, template lint.
    Test,
    /// Lint template.yaml (cfn-lint, sam validate --lint, and the expanded template).
    Lint,
    /// Build every function of template.yaml into a Lambda zip with cargo-lambda
    /// (release, the template's architecture), then run `sam build` on the template.
    Package,
    /// Measure time to isolation, cold start, memory, size and a burst under faults,
    /// and write the figures to BENCHMARKS.md.
    Bench(bench::Args),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Task::Demo => demo::run(),
        Task::Test => test::run(),
        Task::Lint => lint::run(),
        Task::Package => package::run(),
        Task::Bench(args) => bench::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask failed: {message}");
            ExitCode::FAILURE
        }
    }
}
