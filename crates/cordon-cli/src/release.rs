//! `cordon release`: undo an instance's containment once people have dealt with it,
//! from what containment recorded, each step read back; then resolve the findings.

use crate::cli::ReleaseArgs;
use cordon_aws::{Clients, current_account, load_sdk_config, resolve_incident_findings};
use cordon_contain_instance::AwsInstancePorts;
use cordon_core::response_finding::INSTANCE_PLAYBOOK;
use cordon_core::{NetworkIsolation, release_instance};
use serde_json::json;
use std::process::ExitCode;

pub async fn run(args: ReleaseArgs) -> ExitCode {
    // A response finding id ends with the GuardDuty finding id the instance is tagged with.
    let incident = args
        .incident
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let sdk = load_sdk_config(args.endpoint.as_deref(), args.region.as_deref()).await;
    let clients = Clients::new(&sdk);
    let ports = AwsInstancePorts::on_aws(&clients, None, None);
    let instances = match ports.network.incident_instances(&incident).await {
        Ok(instances) if instances.is_empty() => {
            eprintln!("error: no instance is tagged cordon:incident={incident}");
            return ExitCode::FAILURE;
        }
        Ok(instances) => instances,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut released = true;
    for instance in &instances {
        let reports = release_instance(&ports.playbook(), instance, args.dry_run).await;
        released &= reports.iter().all(|r| r.status.is_ok());
        if args.json {
            let line = json!({"instance": instance, "incident": incident, "dry_run": args.dry_run, "steps": reports});
            println!("{line}");
        } else {
            println!("{instance} (incident {incident}):");
            for report in &reports {
                println!(
                    "  {:<34} {:<13} {:<24} {}",
                    report.name,
                    report.status.as_str(),
                    report.target,
                    report.detail
                );
            }
        }
    }
    if !released {
        eprintln!("error: not every step was restored; the findings stay open");
        return ExitCode::FAILURE;
    }
    if args.dry_run {
        return ExitCode::SUCCESS;
    }
    let account = match current_account(&sdk).await {
        Ok(account) => account,
        Err(err) => {
            eprintln!("error: cannot determine the account to resolve findings in: {err}");
            return ExitCode::FAILURE;
        }
    };
    let region = sdk.region().map(ToString::to_string).unwrap_or_default();
    let response_id = format!("{INSTANCE_PLAYBOOK}/{account}/{region}/{incident}");
    let note = format!(
        "cordon release: {} released and verified; snapshots kept",
        instances
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    match resolve_incident_findings(&clients.securityhub, &response_id, &note).await {
        Ok(resolved) => {
            println!(
                "findings resolved: {}",
                if resolved.is_empty() {
                    "none found".to_owned()
                } else {
                    resolved.join(", ")
                }
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: released, but the findings could not be resolved: {err}");
            ExitCode::FAILURE
        }
    }
}
