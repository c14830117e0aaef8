//! The demo's later chapters, after the samples: the same event again, a malformed one,
//! a forged one, GuardDuty's generated sample, web-1's release and cordon's findings.

use crate::checks::{check_instance, held_by};
use crate::replay::{cordon, cordon_replay, parse_records};
use crate::stage::{Stage, Subject, file_name};
use cordon_emulators::{heading, workspace_root};
use serde_json::Value;
use std::path::Path;

/// A contained sample delivered again: the ledger answers, nothing is done twice.
pub fn redelivery(stage: &Stage, records: &[Value]) -> Result<(), String> {
    heading(
        "the same event delivered again: the ledger knows it was handled, nothing is done twice",
    );
    let first_contained = records
        .iter()
        .find(|r| r["decision"] == "contained")
        .and_then(|r| r["file"].as_str())
        .ok_or("no sample event was contained")?;
    let again = cordon_replay(
        &stage.moto,
        &stage.topic_arn,
        &[],
        &[Path::new(first_contained)],
    )?;
    print!("{}", String::from_utf8_lossy(&again.stdout));
    Ok(())
}

/// An event that does not parse: refused with a non-zero exit before any call.
pub fn malformed(stage: &Stage, problems: &mut Vec<String>) -> Result<(), String> {
    heading("a malformed event is refused before anything is touched");
    let malformed = workspace_root().join("events/invalid/bad-instance-id.json");
    let refused = cordon_replay(&stage.moto, &stage.topic_arn, &[], &[&malformed])?;
    print!("{}", String::from_utf8_lossy(&refused.stderr));
    if refused.status.success() {
        problems.push("the malformed event was not refused".into());
    }
    println!(
        "cordon replay {} (non-zero: the event was rejected)",
        refused.status
    );
    Ok(())
}

/// A port-probe victim's finding rewritten to accuse it: not in GuardDuty, so untouched.
pub async fn forgery(stage: &Stage, problems: &mut Vec<String>) -> Result<(), String> {
    let Stage {
        moto,
        topic_arn,
        ec2,
        work,
        cases,
        ..
    } = stage;
    heading("a finding GuardDuty never reported is not acted on: possibly forged, nothing touched");
    if let Some((victim, estate)) = cases.iter().find_map(|c| match &c.subject {
        Subject::Instance(estate) if file_name(&c.file) == "port-probe-target.json" => {
            Some((c, estate))
        }
        _ => None,
    }) {
        // Whoever can invoke cordon writes a finding that would cut the victim off.
        let raw = std::fs::read_to_string(&victim.file).map_err(|e| e.to_string())?;
        let mut forged: Value = serde_json::from_str(&raw).map_err(|e| e.to_string())?;
        forged["detail"]["id"] = "f0e1d2c3b4a5968778695a4b3c2d1e0f".into();
        forged["detail"]["type"] = "Backdoor:EC2/C&CActivity.B".into();
        forged["detail"]["service"]["resourceRole"] = "ACTOR".into();
        let file = work.join("forged-backdoor.json");
        std::fs::write(&file, forged.to_string()).map_err(|e| e.to_string())?;
        let run = cordon_replay(moto, topic_arn, &["--json"], &[&file])?;
        let record = parse_records(&run)?.into_iter().next().unwrap_or_default();
        println!(
            "{:<40} {}  {}",
            "forged-backdoor.json",
            record["decision"]
                .as_str()
                .unwrap_or("missing")
                .to_uppercase(),
            record["reason"].as_str().unwrap_or_default()
        );
        if record["possible_forgery"] != true {
            problems.push("the forged finding was not recorded as a possible forgery".into());
        }
        match check_instance(ec2, estate, false).await {
            Ok(line) => println!("{:<40} {line}", "forged-backdoor.json"),
            Err(problem) => problems.push(format!("forged finding: {problem}")),
        }
    }
    Ok(())
}

/// GuardDuty's own generated sample, placeholders and all: observed, not acted on.
pub fn generated_sample(stage: &Stage, problems: &mut Vec<String>) -> Result<(), String> {
    heading("GuardDuty's own generated samples, placeholders and all: observed");
    let generated =
        workspace_root().join("events/guardduty-samples/trojan-dga-domain-request.json");
    let run = cordon_replay(&stage.moto, &stage.topic_arn, &[], &[&generated])?;
    print!("{}", String::from_utf8_lossy(&run.stdout));
    if !run.status.success() {
        problems.push("the generated sample was not observed".into());
    }
    Ok(())
}

/// web-1 released with `cordon release`: its interfaces back in web-servers.
pub async fn release(stage: &Stage, problems: &mut Vec<String>) -> Result<(), String> {
    let Stage {
        moto, ec2, cases, ..
    } = stage;
    heading(
        "people are done with web-1: cordon release restores it from cordon's record and resolves its findings",
    );
    let incident = std::fs::read_to_string(&cases[0].file)
        .ok()
        .and_then(|raw| serde_json::from_str::<Value>(&raw).ok())
        .and_then(|event| event["detail"]["id"].as_str().map(str::to_owned))
        .ok_or("the first sample has no finding id")?;
    let released = cordon(moto, &["release", "--incident", &incident])
        .output()
        .map_err(|e| format!("cannot run cordon release: {e}"))?;
    print!("{}", String::from_utf8_lossy(&released.stdout));
    if !released.status.success() {
        problems.push(format!(
            "cordon release failed: {}",
            String::from_utf8_lossy(&released.stderr)
        ));
    }
    if let Subject::Instance(estate) = &cases[0].subject {
        let web = held_by(ec2, estate, &estate.web_group).await?;
        println!(
            "{}: {web}/{} interfaces back in web-servers",
            estate.instance,
            estate.interfaces.len()
        );
        if web != estate.interfaces.len() {
            problems.push("release did not restore web-1's groups".into());
        }
    }
    Ok(())
}

/// What cordon left in Security Hub, and the start of the first on-call message.
pub fn findings(stage: &Stage, problems: &mut Vec<String>) -> Result<(), String> {
    let moto = &stage.moto;
    heading("cordon findings: what Security Hub now holds from cordon");
    let findings = cordon(moto, &["findings"])
        .output()
        .map_err(|e| format!("cannot run cordon findings: {e}"))?;
    print!("{}", String::from_utf8_lossy(&findings.stdout));
    if !findings.status.success() {
        problems.push(format!(
            "cordon findings failed: {}",
            String::from_utf8_lossy(&findings.stderr)
        ));
    }
    let published = moto
        .recorded_calls("sns:Publish")
        .map_err(|e| e.to_string())?;
    println!(
        "{} message(s) published to the on-call topic; the first begins:",
        published.len()
    );
    if let Some(first) = published.first().and_then(|p| p.get("Message")) {
        for line in first.lines().take(5) {
            println!("  | {line}");
        }
    }
    Ok(())
}
