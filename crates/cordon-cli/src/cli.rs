use crate::filter_args::{self, Since};
use clap::{Args, Parser, Subcommand};
use cordon_aws::MinSeverity;
use cordon_core::Decision;
use std::path::PathBuf;

/// Automated containment for AWS security findings: replay events locally through
/// the same handlers the Lambda functions run.
#[derive(Debug, Parser)]
#[command(name = "cordon", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Route each event file to the function(s) whose EventBridge rule in template.yaml
    /// matches it, and handle it in-process.
    Replay(ReplayArgs),
    /// List the functions and the EventBridge rules that route events to them.
    Rules,
    /// List the findings cordon recorded in Security Hub, newest first: those that
    /// pass every filter given.
    Findings(FindingsArgs),
    /// Undo an instance's containment: interfaces back in their original groups, the
    /// instance profile, protection and Auto Scaling group as they were, the role's
    /// session deny removed; the incident's findings marked RESOLVED.
    Release(ReleaseArgs),
    /// Approve an incident the blast-radius breaker held back (or a dry-run only
    /// observed): the finding's event, as cordon remembered it in its ledger, is handled
    /// again with a person's approval. Exemptions and the account allow-list still apply.
    Approve(ApproveArgs),
}

#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The incident: the GuardDuty finding id, or cordon's response finding id.
    #[arg(long, value_name = "ID")]
    pub incident: String,
    /// One endpoint for every AWS service; otherwise the standard AWS configuration.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// AWS region; defaults to the standard configuration.
    #[arg(long)]
    pub region: Option<String>,
    /// One JSON object, as `cordon replay --json` prints.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// The incident: the GuardDuty finding id (the instance's `cordon:incident` tag),
    /// or cordon's response finding id.
    #[arg(long, value_name = "ID")]
    pub incident: String,
    /// One endpoint for every AWS service; otherwise the standard AWS configuration.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// AWS region; defaults to the standard configuration.
    #[arg(long)]
    pub region: Option<String>,
    /// Print what would be restored and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// One JSON object per instance, per line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct FindingsArgs {
    /// One endpoint for every AWS service; otherwise the standard AWS configuration.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// AWS region; defaults to the standard configuration.
    #[arg(long)]
    pub region: Option<String>,
    /// Only findings with this decision: contained, observed, failed or ignored.
    #[arg(long, value_name = "DECISION", value_parser = filter_args::decision)]
    pub decision: Option<Decision>,
    /// Only findings updated at or after TIME: an RFC 3339 time
    /// (2025-06-01T00:00:00Z) or a span back from now (30m, 24h, 7d).
    #[arg(long, value_name = "TIME", value_parser = filter_args::since)]
    pub since: Option<Since>,
    /// Only findings at or above this severity: LOW, MEDIUM, HIGH or CRITICAL.
    #[arg(long, value_name = "LABEL", value_parser = filter_args::severity)]
    pub severity: Option<MinSeverity>,
    /// One JSON object per finding, per line.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// One endpoint for every AWS service (e.g. a local emulator). Without it the
    /// standard AWS configuration applies, including AWS_ENDPOINT_URL and the
    /// per-service AWS_ENDPOINT_URL_<SERVICE> variables.
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// AWS region; defaults to the standard configuration.
    #[arg(long)]
    pub region: Option<String>,
    /// Plan only: print the steps that would be taken and change nothing.
    #[arg(long, conflicts_with = "enforce")]
    pub dry_run: bool,
    /// Act on real AWS. Without an endpoint override (`--endpoint` or
    /// AWS_ENDPOINT_URL) replay only plans unless this is given; against an emulator
    /// it acts, as CORDON_MODE says (enforce when unset).
    #[arg(long)]
    pub enforce: bool,
    /// One JSON object per event and function, per line.
    #[arg(long)]
    pub json: bool,
    /// EventBridge event files (JSON).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}
