//! `cordon release` through the binary against the emulator: an instance contained
//! with the whole playbook is released from the record kept in cordon's ledger —
//! every interface back in its original groups, its profile, protection, role and
//! Auto Scaling group as before, each read back — and its findings are RESOLVED. A
//! dry-run changes nothing, and a rewritten `cordon:*` tag is never restored.

use crate::support::cordon_command;
use cordon_emulators::{MotoServer, publish_finding, workspace_root};
use cordon_fixtures::{
    Estate, EstateClients, create_ledger_table, import_as_guardduty, sdk_config,
};
use std::process::Output;

const FINDING_ID: &str = "b7d2f0a9c8e14b3d9f6a2e5c1b8d7f02";
const POLICY: &str = "cordon-revoke-older-sessions";

const LEDGER: &str = "cordon-ledger";

/// `cordon` with the functions' ledger, as an operator of a deployed stack runs it.
fn cordon(moto: &MotoServer, args: &[&str]) -> Output {
    cordon_command()
        .env("CORDON_LEDGER_TABLE", LEDGER)
        .args(args)
        .arg("--endpoint")
        .arg(moto.endpoint())
        .output()
        .expect("cordon runs")
}

fn text(output: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

async fn workflow_status(securityhub: &aws_sdk_securityhub::Client, id: &str) -> String {
    let found = Box::pin(securityhub.get_findings().send()).await.unwrap();
    found
        .findings()
        .iter()
        .find(|f| f.id() == Some(id))
        .and_then(|f| f.workflow())
        .and_then(|w| w.status())
        .map(|s| s.as_str().to_owned())
        .unwrap_or_else(|| format!("{id} not found"))
}

#[tokio::test]
async fn release_restores_a_contained_instance_and_resolves_its_findings() {
    let moto = MotoServer::start().unwrap();
    let sdk = sdk_config(&moto.endpoint()).await;
    let clients = EstateClients::new(&sdk);
    let estate = Estate::build_full(&clients).await.unwrap();
    let workload = estate.workload.clone().unwrap();
    let securityhub = aws_sdk_securityhub::Client::new(&sdk);
    let ec2 = &clients.ec2;
    let (file, source_id) = stage_finding(&moto, &estate, "full").await;
    let before_groups = estate.interface_groups(ec2).await.unwrap();
    let before_protection = estate.instance_attributes(ec2).await.unwrap();

    let contained = cordon(&moto, &["replay", file.to_str().unwrap()]);
    assert!(contained.status.success(), "{}", text(&contained));
    assert_ne!(estate.interface_groups(ec2).await.unwrap(), before_groups);
    assert!(
        estate
            .profile_associations(ec2)
            .await
            .unwrap()
            .iter()
            .all(|a| a.state != "associated")
    );

    let planned = cordon(&moto, &["release", "--incident", FINDING_ID, "--dry-run"]);
    assert!(planned.status.success(), "{}", text(&planned));
    assert!(text(&planned).contains("planned"), "{}", text(&planned));
    assert_ne!(
        estate.interface_groups(ec2).await.unwrap(),
        before_groups,
        "a dry-run changes nothing"
    );

    let released = cordon(&moto, &["release", "--incident", FINDING_ID]);
    assert!(released.status.success(), "{}", text(&released));
    assert_eq!(
        estate.interface_groups(ec2).await.unwrap(),
        before_groups,
        "every interface back in its original groups\n{}",
        text(&released)
    );
    let associations = estate.profile_associations(ec2).await.unwrap();
    assert!(
        associations
            .iter()
            .any(|a| a.state == "associated" && a.profile_arn == workload.instance_profile_arn),
        "{associations:?}"
    );
    let protection = estate.instance_attributes(ec2).await.unwrap();
    assert_eq!(
        protection.termination_protection,
        before_protection.termination_protection
    );
    assert_eq!(
        protection.stop_protection,
        before_protection.stop_protection
    );
    assert_eq!(
        protection.shutdown_behavior,
        before_protection.shutdown_behavior
    );
    assert!(
        estate
            .role_policy(&clients.iam, POLICY)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        estate
            .auto_scaling_membership(&clients.autoscaling)
            .await
            .unwrap()
            .as_deref(),
        Some(workload.auto_scaling_group.as_str())
    );
    let response_id = format!("cordon/contain-instance/123456789012/us-east-1/{FINDING_ID}");
    assert_eq!(
        workflow_status(&securityhub, &response_id).await,
        "RESOLVED"
    );
    assert_eq!(workflow_status(&securityhub, &source_id).await, "RESOLVED");

    // Released already: a second release restores nothing more.
    let again = cordon(&moto, &["release", "--incident", FINDING_ID, "--json"]);
    assert!(again.status.success(), "{}", text(&again));
    let record: serde_json::Value =
        serde_json::from_slice(again.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    let moved: Vec<&serde_json::Value> = record["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "done" && s["name"] != "mark-released")
        .collect();
    assert!(moved.is_empty(), "{moved:?}");
    let _ = std::fs::remove_file(file);
}

/// Publishes the two-interface finding for `estate` as GuardDuty and Security Hub would
/// hold it, creates the ledger table, and writes the event to a file for `replay`.
async fn stage_finding(
    moto: &MotoServer,
    estate: &Estate,
    name: &str,
) -> (std::path::PathBuf, String) {
    let sdk = sdk_config(&moto.endpoint()).await;
    create_ledger_table(&cordon_aws::Clients::new(&sdk).dynamodb, LEDGER)
        .await
        .unwrap();
    let raw = std::fs::read_to_string(
        workspace_root().join("events/guardduty/backdoor-c2-two-enis.json"),
    )
    .unwrap();
    let event = estate.rewrite(&raw);
    publish_finding(&moto.endpoint(), &serde_json::from_str(&event).unwrap()).unwrap();
    let securityhub = aws_sdk_securityhub::Client::new(&sdk);
    let source_id = import_as_guardduty(&securityhub, &serde_json::from_str(&event).unwrap())
        .await
        .unwrap();
    let file =
        std::env::temp_dir().join(format!("cordon-release-{name}-{}.json", std::process::id()));
    std::fs::write(&file, &event).unwrap();
    (file, source_id)
}

#[tokio::test]
async fn a_rewritten_original_groups_tag_is_never_restored() {
    let moto = MotoServer::start().unwrap();
    let sdk = sdk_config(&moto.endpoint()).await;
    let clients = EstateClients::new(&sdk);
    let estate = Estate::build(&clients.ec2).await.unwrap();
    let ec2 = &clients.ec2;
    let (file, _) = stage_finding(&moto, &estate, "rewritten").await;
    let before = estate.interface_groups(ec2).await.unwrap();
    let contained = cordon(&moto, &["replay", file.to_str().unwrap()]);
    assert!(contained.status.success(), "{}", text(&contained));
    let isolated = estate.interface_groups(ec2).await.unwrap();

    // Someone with ec2:CreateTags points release at a group of their choosing.
    let (primary, _) = &before[0];
    let attacker = ec2
        .create_security_group()
        .group_name("attacker-wide-open")
        .description("chosen by whoever rewrote the tag")
        .vpc_id(&estate.vpc)
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_owned();
    ec2.create_tags()
        .resources(primary)
        .tags(
            aws_sdk_ec2::types::Tag::builder()
                .key("cordon:original-groups")
                .value(&attacker)
                .build(),
        )
        .send()
        .await
        .unwrap();

    let released = cordon(&moto, &["release", "--incident", FINDING_ID]);
    assert!(!released.status.success(), "{}", text(&released));
    assert!(
        text(&released).contains("disagrees with cordon's record"),
        "{}",
        text(&released)
    );
    let after = estate.interface_groups(ec2).await.unwrap();
    assert_eq!(
        after[0], isolated[0],
        "the rewritten interface stays isolated"
    );
    assert!(after.iter().all(|(_, groups)| !groups.contains(&attacker)));
    assert_eq!(
        after[1], before[1],
        "the other interface is restored from the record"
    );
    let _ = std::fs::remove_file(file);
}

#[tokio::test]
async fn releasing_a_credential_incident_lifts_the_session_deny_but_keeps_the_key_inactive() {
    use cordon_core::ports::Principal;
    use cordon_fixtures::{IamUserWithKeys, access_key_statuses, inline_policy};
    let moto = MotoServer::start().unwrap();
    let sdk = sdk_config(&moto.endpoint()).await;
    let iam = cordon_aws::Clients::new(&sdk).iam;
    create_ledger_table(&cordon_aws::Clients::new(&sdk).dynamodb, LEDGER)
        .await
        .unwrap();
    let securityhub = aws_sdk_securityhub::Client::new(&sdk);
    let user = IamUserWithKeys::create(&iam, "released", &[])
        .await
        .unwrap();
    let raw = std::fs::read_to_string(
        workspace_root().join("events/guardduty/iam-user-credential-exfiltration.json"),
    )
    .unwrap()
    .replace("\"alice\"", &format!("\"{}\"", user.user_name))
    .replace("AKIAEXAMPLEKEY000001", &user.keys[0]);
    let finding_id = serde_json::from_str::<serde_json::Value>(&raw).unwrap()["detail"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    publish_finding(&moto.endpoint(), &serde_json::from_str(&raw).unwrap()).unwrap();
    let file = std::env::temp_dir().join(format!("cordon-release-key-{}.json", std::process::id()));
    std::fs::write(&file, &raw).unwrap();

    let contained = cordon(&moto, &["replay", file.to_str().unwrap()]);
    assert!(contained.status.success(), "{}", text(&contained));
    let principal = Principal::User(user.user_name.clone());
    assert!(
        inline_policy(&iam, &principal, POLICY)
            .await
            .unwrap()
            .is_some()
    );

    let released = cordon(&moto, &["release", "--incident", &finding_id]);
    assert!(released.status.success(), "{}", text(&released));
    assert!(
        inline_policy(&iam, &principal, POLICY)
            .await
            .unwrap()
            .is_none()
    );
    let statuses = access_key_statuses(&iam, &user.user_name).await.unwrap();
    assert_eq!(
        statuses[&user.keys[0]], "Inactive",
        "a stolen key is never reactivated"
    );
    let response_id = format!("cordon/contain-credentials/123456789012/us-east-1/{finding_id}");
    assert_eq!(
        workflow_status(&securityhub, &response_id).await,
        "RESOLVED"
    );
    let _ = std::fs::remove_file(file);
}
