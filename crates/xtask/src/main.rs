//! `cargo xtask demo | test | lint`: the project's two set-up commands and their parts.

mod cmd;
mod demo;
mod demo_audit;
mod demo_identities;
mod lint;
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
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Task::Demo => demo::run(),
        Task::Test => test::run(),
        Task::Lint => lint::run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask failed: {message}");
            ExitCode::FAILURE
        }
    }
}
