//! People decide, from the console they use and from the command line: web-2 released
//! with the `cordon-release` custom action, another finding about it held by the
//! breaker, then let through with `cordon approve`.

use crate::checks::check_instance;
use crate::replay::{cordon, parse_records};
use crate::stage::{Stage, Subject, file_name};
use cordon_emulators::{heading, publish_finding, workspace_root};
use serde_json::Value;
use std::process::Output;

const TWO_ENIS: &str = "backdoor-c2-two-enis.json";

pub async fn people_decide(stage: &Stage, problems: &mut Vec<String>) -> Result<(), String> {
    let Some((case, estate)) = stage.cases.iter().find_map(|c| match &c.subject {
        Subject::Instance(estate) if file_name(&c.file) == TWO_ENIS => Some((c, estate)),
        _ => None,
    }) else {
        return Err(format!("no {TWO_ENIS} sample in the demo"));
    };

    heading("people decide in Security Hub: cordon-release chosen on web-2's response finding");
    let release = workspace_root().join("events/securityhub/custom-action-release-instance.json");
    let run = cordon(&stage.moto, &["replay"])
        .arg(&release)
        .env("CORDON_TOPIC_ARN", &stage.topic_arn)
        .env("CORDON_RELEASE_FROM_SECURITY_HUB", "true")
        .output()
        .map_err(|e| format!("cannot run cordon replay: {e}"))?;
    show(&run);
    expect(
        problems,
        "after cordon-release",
        check_instance(&stage.ec2, estate, false).await,
    );

    heading(
        "another finding about web-2 arrives past the breaker's budget: cordon holds it for a person",
    );
    let raw = std::fs::read_to_string(&case.file).map_err(|e| e.to_string())?;
    let mut another: Value = serde_json::from_str(&raw).map_err(|e| e.to_string())?;
    another["id"] = "5f0c2a7e-91d3-4b8a-a6e4-3c1d7b9f2e80".into();
    another["detail"]["id"] = "9f8e7d6c5b4a39281706f5e4d3c2b1a0".into();
    another["detail"]["arn"] = another["detail"]["arn"]
        .as_str()
        .unwrap_or_default()
        .replace(
            "b7d2f0a9c8e14b3d9f6a2e5c1b8d7f02",
            "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        )
        .into();
    another["detail"]["type"] = "CryptoCurrency:EC2/BitcoinTool.B!DNS".into();
    publish_finding(&stage.moto.endpoint(), &another).map_err(|e| e.to_string())?;
    let file = stage.work.join("web-2-bitcoin-tool.json");
    std::fs::write(&file, another.to_string()).map_err(|e| e.to_string())?;
    let run = cordon(&stage.moto, &["replay", "--json"])
        .arg(&file)
        .env("CORDON_TOPIC_ARN", &stage.topic_arn)
        // Every sample already spent this hour's containments.
        .env("CORDON_BREAKER_BUDGET", "1")
        .output()
        .map_err(|e| format!("cannot run cordon replay: {e}"))?;
    let held = parse_records(&run)?.into_iter().next().unwrap_or_default();
    println!(
        "{:<40} {}  {}",
        "web-2, CryptoCurrency:EC2/BitcoinTool.B!DNS",
        held["decision"]
            .as_str()
            .unwrap_or("missing")
            .to_uppercase(),
        held["reason"].as_str().unwrap_or_default()
    );
    expect(
        problems,
        "held by the breaker",
        check_instance(&stage.ec2, estate, false).await,
    );

    heading("a person approves it from the command line: cordon approve --incident ID");
    let incident = another["detail"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let run = cordon(&stage.moto, &["approve", "--incident", &incident])
        .env("CORDON_TOPIC_ARN", &stage.topic_arn)
        .env("CORDON_BREAKER_BUDGET", "1")
        .output()
        .map_err(|e| format!("cannot run cordon approve: {e}"))?;
    show(&run);
    expect(
        problems,
        "after cordon approve",
        check_instance(&stage.ec2, estate, true).await,
    );
    Ok(())
}

fn show(run: &Output) {
    print!("{}", String::from_utf8_lossy(&run.stdout));
    if !run.status.success() {
        eprint!("{}", String::from_utf8_lossy(&run.stderr));
    }
}

fn expect(problems: &mut Vec<String>, when: &str, state: Result<String, String>) {
    match state {
        Ok(line) => println!("{line}"),
        Err(problem) => problems.push(format!("{when}: {problem}")),
    }
}
