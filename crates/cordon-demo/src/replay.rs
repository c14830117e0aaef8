//! The samples replayed through the real `cordon replay`, their decisions summed up and
//! three playbooks shown step by step; and how the demo runs the `cordon` CLI.

use crate::audit::CORDON_ROLE_IN_SAMPLES;
use crate::stage::{Case, LEDGER_TABLE, Stage, Subject, file_name};
use cordon_emulators::{MotoServer, cargo, heading};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// Every sample at once, as `--json` records; the replay's own failure ends the demo.
pub fn replay_samples(stage: &Stage) -> Result<Vec<Value>, String> {
    let Stage {
        moto,
        topic_arn,
        cases,
        ..
    } = stage;
    heading(&format!(
        "cordon replay --json: {} sample events",
        cases.len()
    ));
    let files: Vec<&Path> = cases.iter().map(|c| c.file.as_path()).collect();
    let replay = cordon_replay(moto, topic_arn, &["--json"], &files)?;
    let records = parse_records(&replay)?;
    print_summary(&records);
    print_playbook(&records, &cases[0]);
    if let Some(stolen_key) = cases
        .iter()
        .find(|c| file_name(&c.file) == "iam-user-credential-exfiltration.json")
    {
        print_playbook(&records, stolen_key);
    }
    if let Some(exposed) = cases
        .iter()
        .find(|c| file_name(&c.file) == "ec2-authorize-ssh-from-anywhere.json")
    {
        print_playbook(&records, exposed);
    }
    if !replay.status.success() {
        return Err(format!(
            "cordon replay failed: {}",
            String::from_utf8_lossy(&replay.stderr)
        ));
    }
    Ok(records)
}

pub fn cordon_replay(
    moto: &MotoServer,
    topic_arn: &str,
    flags: &[&str],
    files: &[&Path],
) -> Result<Output, String> {
    let mut command = cordon(moto, &["replay"]);
    command
        .args(flags)
        .args(files)
        .env("CORDON_TOPIC_ARN", topic_arn)
        .env("CORDON_OWN_ROLE_ARNS", CORDON_ROLE_IN_SAMPLES)
        // One account with every sample in it: more than a real hour's budget.
        .env("CORDON_BREAKER_BUDGET", "100");
    command
        .output()
        .map_err(|e| format!("cannot run cordon replay: {e}"))
}

/// `cordon <args> --endpoint <moto>` with the emulator's throwaway credentials and
/// the ledger the functions keep their records in.
pub fn cordon(moto: &MotoServer, args: &[&str]) -> Command {
    let mut command: Command = cargo();
    command
        .args(["run", "--quiet", "-p", "cordon-cli", "--"])
        .args(args)
        .arg("--endpoint")
        .arg(moto.endpoint())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", cordon_fixtures::TEST_REGION)
        .env("CORDON_LEDGER_TABLE", LEDGER_TABLE)
        .env_remove("AWS_PROFILE");
    command
}

pub fn parse_records(output: &Output) -> Result<Vec<Value>, String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            serde_json::from_str(line).map_err(|e| format!("bad replay output {line:?}: {e}"))
        })
        .collect()
}

fn print_summary(records: &[Value]) {
    for record in records {
        let file = record["file"]
            .as_str()
            .map(|f| file_name(Path::new(f)))
            .unwrap_or_default();
        let decision = record["decision"].as_str().unwrap_or("?").to_uppercase();
        println!(
            "{file:<40} {decision:<10} {}",
            record["reason"].as_str().unwrap_or("")
        );
    }
    let count = |d: &str| records.iter().filter(|r| r["decision"] == d).count();
    println!(
        "\n{} contained, {} observed, {} ignored, {} failed",
        count("contained"),
        count("observed"),
        count("ignored"),
        count("failed")
    );
}

/// Every step cordon took on web-1, the instance with the whole workload around it.
fn print_playbook(records: &[Value], case: &Case) {
    let name = file_name(&case.file);
    let Some(record) = records
        .iter()
        .find(|r| r["file"].as_str().is_some_and(|f| f.ends_with(&name)))
    else {
        return;
    };
    let subject = match &case.subject {
        Subject::Instance(estate) => format!("web-1 ({})", estate.instance),
        Subject::Identities => "a stolen access key".to_owned(),
        Subject::Audit => "SSH opened to the internet".to_owned(),
        Subject::Bucket(bucket) => format!("bucket {bucket}"),
        Subject::Function(function) => format!("function {function}"),
    };
    heading(&format!("the playbook on {subject}"));
    for step in record["steps"].as_array().into_iter().flatten() {
        let detail = step["detail"].as_str().unwrap_or("");
        let detail: String = detail.chars().take(110).collect();
        println!(
            "{:<34} {:<13} {detail}",
            step["name"].as_str().unwrap_or("?"),
            step["status"].as_str().unwrap_or("?"),
        );
    }
}
