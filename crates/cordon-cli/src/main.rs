//! `cordon`: the local face of the same code the Lambda functions run.

// The SDK futures nested in the handlers are deeper than rustc's default layout limit.
#![recursion_limit = "256"]

mod approve;
mod cli;
mod filter_args;
mod findings;
mod output;
mod release;
mod replay;
mod rules;

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,aws_config=error")),
        )
        .init();
    match cli::Cli::parse().command {
        cli::Command::Replay(args) => replay::run(args).await,
        cli::Command::Rules => rules::run(),
        cli::Command::Findings(args) => findings::run(args).await,
        cli::Command::Release(args) => release::run(args).await,
        cli::Command::Approve(args) => approve::run(args).await,
    }
}
