//! `cordon replay` and `cordon findings` with Security Hub: what the binary records,
//! lists, and does when Security Hub cannot be reached.

use crate::support::cordon_command;
use cordon_emulators::{publish_finding, shared_moto, workspace_root};
use cordon_fixtures::{Estate, sdk_config};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Output;

/// The binary as every test here runs it (see `support`), plus `env`.
pub(crate) fn cordon(args: &[&str], env: &[(&str, &str)]) -> Output {
    cordon_command()
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("the cordon binary runs")
}

pub(crate) async fn estate_and_event(fixture: &str) -> (aws_sdk_ec2::Client, Estate, PathBuf) {
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config(&shared_moto().endpoint()).await);
    let estate = Estate::build(&ec2).await.expect("estate");
    let raw =
        std::fs::read_to_string(workspace_root().join("events/guardduty").join(fixture)).unwrap();
    let path = std::env::temp_dir().join(format!("cordon-recording-{}-{fixture}", estate.instance));
    let event = estate.rewrite(&raw);
    publish_finding(
        &shared_moto().endpoint(),
        &serde_json::from_str(&event).unwrap(),
    )
    .unwrap();
    std::fs::write(&path, event).unwrap();
    (ec2, estate, path)
}

pub(crate) fn json_lines(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

#[tokio::test]
async fn replay_reports_the_response_finding_and_findings_lists_it() {
    let (_, estate, event) = estate_and_event("dns-data-exfiltration.json").await;
    let endpoint = shared_moto().endpoint();
    let replay = cordon(
        &[
            "replay",
            "--json",
            "--endpoint",
            &endpoint,
            event.to_str().unwrap(),
        ],
        &[],
    );
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    let record = &json_lines(&replay)[0];
    assert_eq!(record["decision"], "contained");
    let id = record["record"]["response_finding_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(record["record"]["source_finding"], "not-in-security-hub");
    assert!(record["time_to_containment_ms"].is_u64());

    let listed = cordon(&["findings", "--json", "--endpoint", &endpoint], &[]);
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    let mine: Vec<Value> = json_lines(&listed)
        .into_iter()
        .filter(|f| f["id"] == id.as_str())
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["decision"], "contained");
    assert_eq!(mine[0]["workflow_status"], "NEW");
    assert_eq!(mine[0]["severity"], "HIGH");
    assert!(
        mine[0]["resource"]
            .as_str()
            .unwrap()
            .ends_with(&estate.instance)
    );
    assert!(mine[0]["time_to_containment_ms"].is_u64());
    let _ = std::fs::remove_file(event);
}

#[tokio::test]
async fn an_unreachable_security_hub_fails_the_run_but_the_instance_stays_isolated() {
    let (ec2, estate, event) = estate_and_event("backdoor-c2-two-enis.json").await;
    let endpoint = shared_moto().endpoint();
    // The standard per-service variable sends only Security Hub to a dead port.
    let replay = cordon(
        &["replay", "--json", event.to_str().unwrap()],
        &[
            ("AWS_ENDPOINT_URL", &endpoint),
            ("AWS_ENDPOINT_URL_SECURITYHUB", "http://127.0.0.1:9"),
        ],
    );
    assert!(
        !replay.status.success(),
        "recording failed, so must the run"
    );
    let stderr = String::from_utf8_lossy(&replay.stderr);
    assert!(stderr.contains("recording failed"), "{stderr}");
    assert!(
        stderr.contains("securityhub:BatchImportFindings"),
        "{stderr}"
    );
    let record = &json_lines(&replay)[0];
    assert_eq!(record["decision"], "failed");
    assert!(!record["record"]["failures"].as_array().unwrap().is_empty());

    let deny = estate
        .deny_group(&ec2)
        .await
        .unwrap()
        .expect("deny-all group");
    let held = estate
        .interfaces_held_by(&ec2, deny.group_id().unwrap())
        .await
        .unwrap();
    assert_eq!(held, estate.all_interfaces());
    let _ = std::fs::remove_file(event);
}
