//! The demo itself: the emulator, a small estate, and every sample event replayed
//! through the real `cordon replay` — then the emulator's own state as the proof.

use crate::audit::{CORDON_ROLE_IN_SAMPLES, DemoAudit};
use crate::identities::DemoIdentities;
use aws_sdk_ec2::Client;
use cordon_emulators::{
    MOTO_VERSION, MotoServer, cargo, heading, publish_finding, run_checked, workspace_root,
};
use cordon_fixtures::{
    Estate, EstateClients, create_ledger_table, import_as_guardduty, sdk_config,
};

/// The ledger table, as the deployed stack has one.
const LEDGER_TABLE: &str = "cordon-ledger";
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn run() -> Result<(), String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?
        .block_on(demo())
}

/// One sample event, rewritten to name an instance of its own, the demo's IAM
/// identities when it is about an access key, or the demo's trail, recorder and group
/// when it is a CloudTrail event.
struct Case {
    file: PathBuf,
    subject: Subject,
}

enum Subject {
    Instance(Box<Estate>),
    Identities,
    Audit,
}

async fn demo() -> Result<(), String> {
    heading("building cordon");
    run_checked(
        "cargo build",
        cargo().args(["build", "--quiet", "-p", "cordon-cli"]),
    )?;

    heading(&format!(
        "starting the local AWS emulator (moto {MOTO_VERSION}) on 127.0.0.1"
    ));
    let moto = MotoServer::start().map_err(|e| e.to_string())?;
    let sdk = sdk_config(&moto.endpoint()).await;
    let ec2 = Client::new(&sdk);
    let securityhub = aws_sdk_securityhub::Client::new(&sdk);
    println!("listening on {}", moto.endpoint());
    let topic = aws_sdk_sns::Client::new(&sdk)
        .create_topic()
        .name("cordon-incidents")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let topic_arn = topic.topic_arn().unwrap_or_default().to_owned();
    println!("on-call topic {topic_arn}");
    create_ledger_table(&aws_sdk_dynamodb::Client::new(&sdk), LEDGER_TABLE)
        .await
        .map_err(|e| e.to_string())?;
    println!("exactly-once ledger: DynamoDB table {LEDGER_TABLE}");

    heading(
        "building a small estate: a VPC, a subnet, a web security group, one instance per sample event; \
         web-1 also has an instance profile, a data volume, an Auto Scaling group and two target groups",
    );
    let network = Estate::build_full(&EstateClients::new(&sdk))
        .await
        .map_err(|e| e.to_string())?;
    let iam = aws_sdk_iam::Client::new(&sdk);
    let identities = DemoIdentities::build(&iam).await?;
    let audit = DemoAudit::build(&moto, &sdk, &ec2, &network.vpc).await?;
    let work = std::env::temp_dir().join(format!("cordon-demo-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let mut cases = Vec::new();
    for (index, source) in sample_events("guardduty")?.into_iter().enumerate() {
        let name = format!("web-{}", index + 1);
        let file = work.join(source.file_name().unwrap_or_default());
        let raw = std::fs::read_to_string(&source).map_err(|e| e.to_string())?;
        if raw.contains("\"accessKeyDetails\"") {
            let rewritten = identities.rewrite(&raw);
            std::fs::write(&file, &rewritten).map_err(|e| e.to_string())?;
            let event = serde_json::from_str(&rewritten).map_err(|e| e.to_string())?;
            import_as_guardduty(&securityhub, &event)
                .await
                .map_err(|e| e.to_string())?;
            publish_finding(&moto.endpoint(), &event).map_err(|e| e.to_string())?;
            cases.push(Case {
                file,
                subject: Subject::Identities,
            });
            continue;
        }
        let estate = match index {
            0 => network.clone(),
            _ => network
                .launch_instance(&ec2, &name)
                .await
                .map_err(|e| e.to_string())?,
        };
        let rewritten = estate.rewrite(&raw);
        std::fs::write(&file, &rewritten).map_err(|e| e.to_string())?;
        // GuardDuty sends its findings to Security Hub too; cordon annotates them.
        let event = serde_json::from_str(&rewritten).map_err(|e| e.to_string())?;
        import_as_guardduty(&securityhub, &event)
            .await
            .map_err(|e| e.to_string())?;
        // ... and cordon reads each finding back from GuardDuty before acting on it.
        publish_finding(&moto.endpoint(), &event).map_err(|e| e.to_string())?;
        println!(
            "{name}: {} with interfaces {}",
            estate.instance,
            estate.interfaces.join(", ")
        );
        cases.push(Case {
            file,
            subject: Subject::Instance(Box::new(estate)),
        });
    }
    for source in sample_events("cloudtrail")? {
        let file = work.join(source.file_name().unwrap_or_default());
        let raw = std::fs::read_to_string(&source).map_err(|e| e.to_string())?;
        std::fs::write(&file, audit.rewrite(&raw)).map_err(|e| e.to_string())?;
        cases.push(Case {
            file,
            subject: Subject::Audit,
        });
    }

    heading(&format!(
        "cordon replay --json: {} sample events",
        cases.len()
    ));
    let files: Vec<&Path> = cases.iter().map(|c| c.file.as_path()).collect();
    let replay = cordon_replay(&moto, &topic_arn, &["--json"], &files)?;
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

    heading("what the emulator says now");
    let mut problems = Vec::new();
    for case in &cases {
        let name = file_name(&case.file);
        let decision = records
            .iter()
            .find(|r| r["file"].as_str().is_some_and(|f| f.ends_with(&name)))
            .and_then(|r| r["decision"].as_str())
            .unwrap_or("missing");
        let state = match &case.subject {
            Subject::Instance(estate) => {
                check_instance(&ec2, estate, decision == "contained").await
            }
            Subject::Identities => identities.state(&iam, &name).await,
            Subject::Audit => audit.state(&ec2, &name, decision).await,
        };
        match state {
            Ok(line) => println!("{:<40} {line}", name),
            Err(problem) => {
                println!("{:<40} PROBLEM: {problem}", name);
                problems.push(format!("{name}: {problem}"));
            }
        }
    }

    heading(
        "the same event delivered again: the ledger knows it was handled, nothing is done twice",
    );
    let first_contained = records
        .iter()
        .find(|r| r["decision"] == "contained")
        .and_then(|r| r["file"].as_str())
        .ok_or("no sample event was contained")?;
    let again = cordon_replay(&moto, &topic_arn, &[], &[Path::new(first_contained)])?;
    print!("{}", String::from_utf8_lossy(&again.stdout));

    heading("a malformed event is refused before anything is touched");
    let malformed = workspace_root().join("events/invalid/bad-instance-id.json");
    let refused = cordon_replay(&moto, &topic_arn, &[], &[&malformed])?;
    print!("{}", String::from_utf8_lossy(&refused.stderr));
    if refused.status.success() {
        problems.push("the malformed event was not refused".into());
    }
    println!(
        "cordon replay {} (non-zero: the event was rejected)",
        refused.status
    );

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
        let run = cordon_replay(&moto, &topic_arn, &["--json"], &[&file])?;
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
        match check_instance(&ec2, estate, false).await {
            Ok(line) => println!("{:<40} {line}", "forged-backdoor.json"),
            Err(problem) => problems.push(format!("forged finding: {problem}")),
        }
    }

    heading("GuardDuty's own generated samples, placeholders and all: observed");
    let generated =
        workspace_root().join("events/guardduty-samples/trojan-dga-domain-request.json");
    let run = cordon_replay(&moto, &topic_arn, &[], &[&generated])?;
    print!("{}", String::from_utf8_lossy(&run.stdout));
    if !run.status.success() {
        problems.push("the generated sample was not observed".into());
    }

    heading("people are done with web-1: cordon release restores it and resolves its findings");
    let incident = std::fs::read_to_string(&cases[0].file)
        .ok()
        .and_then(|raw| serde_json::from_str::<Value>(&raw).ok())
        .and_then(|event| event["detail"]["id"].as_str().map(str::to_owned))
        .ok_or("the first sample has no finding id")?;
    let released = cordon(&moto, &["release", "--incident", &incident])
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
        let web = held_by(&ec2, estate, &estate.web_group).await?;
        println!(
            "{}: {web}/{} interfaces back in web-servers",
            estate.instance,
            estate.interfaces.len()
        );
        if web != estate.interfaces.len() {
            problems.push("release did not restore web-1's groups".into());
        }
    }

    heading("cordon findings: what Security Hub now holds from cordon");
    let findings = cordon(&moto, &["findings"])
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

    let _ = std::fs::remove_dir_all(&work);
    if problems.is_empty() {
        println!(
            "\ndemo finished: every contained instance verified in the emulator, everything else untouched"
        );
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

fn sample_events(kind: &str) -> Result<Vec<PathBuf>, String> {
    let dir = workspace_root().join("events").join(kind);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

fn cordon_replay(
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
        .env("CORDON_LEDGER_TABLE", LEDGER_TABLE)
        // One account with every sample in it: more than a real hour's budget.
        .env("CORDON_BREAKER_BUDGET", "100");
    command
        .output()
        .map_err(|e| format!("cannot run cordon replay: {e}"))
}

/// `cordon <args> --endpoint <moto>` with the emulator's throwaway credentials.
fn cordon(moto: &MotoServer, args: &[&str]) -> Command {
    let mut command: Command = cargo();
    command
        .args(["run", "--quiet", "-p", "cordon-cli", "--"])
        .args(args)
        .arg("--endpoint")
        .arg(moto.endpoint())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", cordon_fixtures::TEST_REGION)
        .env_remove("AWS_PROFILE");
    command
}

fn parse_records(output: &Output) -> Result<Vec<Value>, String> {
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

/// Reads the instance's interfaces back with exact group filters.
async fn check_instance(ec2: &Client, estate: &Estate, contained: bool) -> Result<String, String> {
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

async fn held_by(ec2: &Client, estate: &Estate, group: &str) -> Result<usize, String> {
    let held = estate.interfaces_held_by(ec2, group).await;
    Ok(held.map_err(|e| e.to_string())?.len())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
