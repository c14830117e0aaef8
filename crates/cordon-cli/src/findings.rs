//! `cordon findings`: what cordon has recorded in Security Hub.

use crate::cli::FindingsArgs;
use cordon_aws::{FindingsFilter, list_response_findings, load_sdk_config};
use std::process::ExitCode;
use std::time::SystemTime;

pub async fn run(args: FindingsArgs) -> ExitCode {
    let sdk = load_sdk_config(args.endpoint.as_deref(), args.region.as_deref()).await;
    let client = aws_sdk_securityhub::Client::new(&sdk);
    let filter = FindingsFilter {
        decision: args.decision,
        updated_since: args.since.map(|since| since.resolve(SystemTime::now())),
        min_severity: args.severity,
    };
    let findings = match list_response_findings(&client, &filter).await {
        Ok(findings) => findings,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    for finding in &findings {
        if args.json {
            match serde_json::to_string(finding) {
                Ok(line) => println!("{line}"),
                Err(err) => eprintln!("error: {err}"),
            }
        } else {
            let ttc = finding
                .time_to_containment_ms
                .map_or_else(|| "-".to_owned(), |ms| format!("{ms} ms"));
            println!(
                "{:<8} {:<9} {:<9} {:>9}  {}\n         {}",
                finding.severity,
                finding.workflow_status,
                finding.decision,
                ttc,
                finding.resource,
                finding.id
            );
        }
    }
    if !args.json {
        println!("{} cordon finding(s)", findings.len());
    }
    ExitCode::SUCCESS
}
