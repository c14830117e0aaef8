//! What the emulator says after the replay: each sample's subject read back directly,
//! against the decision cordon reported for it.

use crate::stage::{FUNCTION_RESERVATION, Stage, Subject, file_name};
use aws_sdk_ec2::Client;
use cordon_core::names::REVOKE_SESSIONS_POLICY;
use cordon_emulators::heading;
use cordon_fixtures::{Estate, reserved_concurrency};
use serde_json::Value;

/// One line per sample; what does not match its decision comes back as a problem.
pub async fn check_state(stage: &Stage, records: &[Value]) -> Vec<String> {
    let Stage {
        ec2,
        iam,
        s3,
        lambda,
        identities,
        audit,
        cases,
        ..
    } = stage;
    heading("what the emulator says now");
    let mut problems = Vec::new();
    for case in cases {
        let name = file_name(&case.file);
        let decision = records
            .iter()
            .find(|r| r["file"].as_str().is_some_and(|f| f.ends_with(&name)))
            .and_then(|r| r["decision"].as_str())
            .unwrap_or("missing");
        let state = match &case.subject {
            Subject::Instance(estate) => check_instance(ec2, estate, decision == "contained").await,
            Subject::Identities => identities.state(iam, &name).await,
            Subject::Audit => audit.state(ec2, &name, decision).await,
            Subject::Bucket(bucket) => check_bucket(s3, bucket, decision == "contained").await,
            Subject::Function(function) => {
                check_function(lambda, iam, function, decision == "contained").await
            }
        };
        match state {
            Ok(line) => println!("{:<40} {line}", name),
            Err(problem) => {
                println!("{:<40} PROBLEM: {problem}", name);
                problems.push(format!("{name}: {problem}"));
            }
        }
    }
    problems
}

/// Reads the bucket's public-access block back: all four on only if contained.
async fn check_bucket(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    contained: bool,
) -> Result<String, String> {
    let block = match s3.get_public_access_block().bucket(bucket).send().await {
        Ok(out) => out.public_access_block_configuration().map(|c| {
            [
                c.block_public_acls(),
                c.ignore_public_acls(),
                c.block_public_policy(),
                c.restrict_public_buckets(),
            ]
            .iter()
            .all(|on| *on == Some(true))
        }),
        Err(err)
            if err.as_service_error().and_then(|e| e.meta().code())
                == Some("NoSuchPublicAccessBlockConfiguration") =>
        {
            None
        }
        Err(err) => return Err(format!("bucket {bucket}: {err}")),
    };
    match (contained, block) {
        (true, Some(true)) => Ok(format!(
            "bucket {bucket}: all four public-access settings on"
        )),
        (false, None) => Ok(format!(
            "bucket {bucket}: left as it was (no public-access block)"
        )),
        (true, _) => Err(format!(
            "bucket {bucket}: contained, but the block is not all on"
        )),
        (false, Some(_)) => Err(format!(
            "bucket {bucket}: only observed, but its block changed"
        )),
    }
}

/// Reads the function's reservation and its role's session deny back: throttled to 0
/// and denied only if contained.
async fn check_function(
    lambda: &aws_sdk_lambda::Client,
    iam: &aws_sdk_iam::Client,
    function: &str,
    contained: bool,
) -> Result<String, String> {
    let reserved = reserved_concurrency(lambda, function)
        .await
        .map_err(|e| format!("function {function}: {e}"))?;
    let denied = iam
        .get_role_policy()
        .role_name(format!("{function}-role"))
        .policy_name(REVOKE_SESSIONS_POLICY)
        .send()
        .await
        .is_ok();
    match (contained, reserved, denied) {
        (true, Some(0), true) => Ok(format!(
            "function {function}: reserved concurrency 0, its role's older sessions denied"
        )),
        (false, Some(FUNCTION_RESERVATION), false) => Ok(format!(
            "function {function}: left as it was (reserved concurrency {FUNCTION_RESERVATION})"
        )),
        (_, reserved, denied) => Err(format!(
            "function {function}: reserved concurrency {reserved:?}, session deny {denied} after {}",
            if contained {
                "containment"
            } else {
                "observation"
            }
        )),
    }
}

/// Reads the instance's interfaces back with exact group filters.
pub async fn check_instance(
    ec2: &Client,
    estate: &Estate,
    contained: bool,
) -> Result<String, String> {
    let deny = estate.deny_group(ec2).await.map_err(|e| e.to_string())?;
    let in_deny = match deny.as_ref().and_then(|g| g.group_id()) {
        Some(group) => held_by(ec2, estate, group).await?,
        None => 0,
    };
    let in_web = held_by(ec2, estate, &estate.web_group).await?;
    let deny_name = deny
        .as_ref()
        .and_then(|g| g.group_name())
        .unwrap_or_default();
    let total = estate.interfaces.len();
    match (contained, in_deny, in_web) {
        (true, d, 0) if d == total => Ok(format!(
            "{}: {d}/{total} interfaces only in {deny_name} — isolated",
            estate.instance
        )),
        (false, 0, w) if w == total => Ok(format!(
            "{}: {w}/{total} interfaces still in web-servers — untouched",
            estate.instance
        )),
        (_, d, w) => Err(format!(
            "{}: {d} interfaces in deny-all, {w} in web-servers (expected {})",
            estate.instance,
            if contained {
                "all in deny-all"
            } else {
                "all in web-servers"
            }
        )),
    }
}

pub async fn held_by(ec2: &Client, estate: &Estate, group: &str) -> Result<usize, String> {
    let held = estate.interfaces_held_by(ec2, group).await;
    Ok(held.map_err(|e| e.to_string())?.len())
}
