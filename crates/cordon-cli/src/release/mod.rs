//! `cordon release`: undo an instance's, a credential's or a Lambda function's
//! containment once people have dealt with it, from what containment kept in cordon's
//! ledger, each step read back; then resolve the findings.

mod functions;

use crate::cli::ReleaseArgs;
use cordon_aws::{
    Clients, IamPrincipals, current_account, incident_principals, ledger_on, load_sdk_config,
    resolve_incident_findings,
};
use cordon_core::StepReport;
use cordon_core::credential::{self, CREDENTIAL_PLAYBOOK};
use cordon_core::instance::{self, INSTANCE_PLAYBOOK};
use cordon_core::lambda::LAMBDA_PLAYBOOK;
use cordon_core::ports::NetworkIsolation;
use cordon_lambda::{AwsInstancePorts, Connect};
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
    let account = match current_account(&sdk).await {
        Ok(account) => account,
        Err(err) => {
            eprintln!("error: cannot determine the account: {err}");
            return ExitCode::FAILURE;
        }
    };
    let region = sdk.region().map(ToString::to_string).unwrap_or_default();
    let instances = match ports.network.incident_instances(&incident).await {
        Ok(instances) => instances,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let lambda_id = format!("{LAMBDA_PLAYBOOK}/{account}/{region}/{incident}");
    let functions = if instances.is_empty() {
        match functions::release(&clients, &account, &lambda_id, &incident, &args).await {
            Ok(found) => found,
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        None
    };
    let (playbook, released, subjects) = if let Some((released, names)) = functions {
        (LAMBDA_PLAYBOOK, released, names)
    } else if instances.is_empty() {
        // Not an instance or a Lambda incident: a credential one names its principal
        // in its finding.
        let response_id = format!("{CREDENTIAL_PLAYBOOK}/{account}/{region}/{incident}");
        let principals = match incident_principals(&clients.securityhub, &response_id).await {
            Ok(principals) if principals.is_empty() => {
                eprintln!(
                    "error: no instance is tagged cordon:incident={incident}, and Security Hub has no Lambda incident {lambda_id} or credential incident {response_id}"
                );
                return ExitCode::FAILURE;
            }
            Ok(principals) => principals,
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::FAILURE;
            }
        };
        let iam = IamPrincipals::new(clients.iam.clone());
        let mut released = true;
        for principal in &principals {
            let reports = credential::release(&iam, principal, args.dry_run).await;
            released &= print(&principal.to_string(), &incident, &reports, &args);
        }
        let names = principals
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>();
        (CREDENTIAL_PLAYBOOK, released, names)
    } else {
        let ledger = ledger_on(&clients, ledger_table());
        let mut released = true;
        for instance in &instances {
            let reports = instance::release(
                &ports.playbook(),
                ledger.as_ref(),
                &account,
                instance,
                args.dry_run,
            )
            .await;
            released &= print(instance.as_str(), &incident, &reports, &args);
        }
        let names = instances
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>();
        (INSTANCE_PLAYBOOK, released, names)
    };
    if !released {
        eprintln!("error: not every step was restored; the findings stay open");
        return ExitCode::FAILURE;
    }
    if args.dry_run {
        return ExitCode::SUCCESS;
    }
    let response_id = format!("{playbook}/{account}/{region}/{incident}");
    let kept = match playbook {
        INSTANCE_PLAYBOOK => "snapshots kept",
        LAMBDA_PLAYBOOK => "code, versions and triggers as they were",
        _ => "stolen keys stay inactive",
    };
    let note = format!(
        "cordon release: {} released and verified; {kept}",
        subjects.join(", ")
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

/// The record containment kept: the functions' table, named as they name it. Without
/// it, release warns and restores from the `cordon:*` tags.
fn ledger_table() -> Option<String> {
    let table = std::env::var("CORDON_LEDGER_TABLE")
        .ok()
        .filter(|t| !t.is_empty());
    if table.is_none() {
        eprintln!(
            "warning: CORDON_LEDGER_TABLE is not set, so there is no record to restore from: restoring from the cordon:* tags, which anyone who may tag the resource can rewrite"
        );
    }
    table
}

/// Prints one subject's steps; true when every step held.
fn print(subject: &str, incident: &str, reports: &[StepReport], args: &ReleaseArgs) -> bool {
    if args.json {
        let line = json!({"subject": subject, "incident": incident, "dry_run": args.dry_run, "steps": reports});
        println!("{line}");
    } else {
        println!("{subject} (incident {incident}):");
        for report in reports {
            println!(
                "  {:<34} {:<13} {:<24} {}",
                report.name,
                report.status.as_str(),
                report.target,
                report.detail
            );
        }
    }
    reports.iter().all(|r| r.status.is_ok())
}
