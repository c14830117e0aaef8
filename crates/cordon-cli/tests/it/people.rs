//! People in the loop, through the binary against the emulator: a Security Hub custom
//! action (`cordon-approve`, `cordon-contain`) runs the finding's remembered event again
//! with their decision. It lifts the breaker and the dry-run mode, never an exemption
//! or the allow-list, and each chosen action acts once.

use crate::support::{cordon_command, replay_json};
use cordon_aws::DynamoLedger;
use cordon_core::ports::IncidentLedger;
use cordon_emulators::{MotoServer, publish_finding, workspace_root};
use cordon_fixtures::{Estate, create_ledger_table, sdk_config};
use serde_json::Value;
use std::path::PathBuf;

const LEDGER: &str = "cordon-ledger";

/// One emulator and estate per test: the remembered event is keyed by finding id.
struct Scene {
    moto: MotoServer,
    estate: Estate,
    ec2: aws_sdk_ec2::Client,
    dir: PathBuf,
}

impl Scene {
    async fn new(name: &str) -> Self {
        let moto = MotoServer::start().unwrap();
        let sdk = sdk_config(&moto.endpoint()).await;
        let ec2 = aws_sdk_ec2::Client::new(&sdk);
        let estate = Estate::build(&ec2).await.unwrap();
        create_ledger_table(&cordon_aws::Clients::new(&sdk).dynamodb, LEDGER)
            .await
            .unwrap();
        let dir = std::env::temp_dir().join(format!("cordon-people-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            moto,
            estate,
            ec2,
            dir,
        }
    }

    /// The event file, rewritten for this estate; GuardDuty findings are published
    /// first, as GuardDuty would have reported them.
    fn stage(&self, fixture: &str) -> PathBuf {
        let raw = std::fs::read_to_string(workspace_root().join("events").join(fixture)).unwrap();
        let event = self.estate.rewrite(&raw);
        let value: Value = serde_json::from_str(&event).unwrap();
        if value["source"] == "aws.guardduty" {
            publish_finding(&self.moto.endpoint(), &value).unwrap();
        }
        let file = self.dir.join(fixture.replace('/', "-"));
        std::fs::write(&file, event).unwrap();
        file
    }

    /// `cordon replay --json` with the ledger, and `env` on top.
    fn replay(&self, file: &std::path::Path, env: &[(&str, &str)]) -> Value {
        replay_json(&self.moto.endpoint(), LEDGER, file, env)
    }

    async fn isolated(&self) -> usize {
        let deny = self.estate.deny_group(&self.ec2).await.unwrap();
        match deny.as_ref().and_then(|g| g.group_id()) {
            Some(group) => self
                .estate
                .interfaces_held_by(&self.ec2, group)
                .await
                .unwrap()
                .len(),
            None => 0,
        }
    }
}

fn decision(record: &Value) -> &str {
    record["decision"].as_str().unwrap_or_default()
}

fn reason(record: &Value) -> &str {
    record["reason"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn a_person_approves_a_held_incident_and_it_is_contained_once() {
    let scene = Scene::new("approve").await;
    let finding = scene.stage("guardduty/backdoor-c2-two-enis.json");
    // Another incident spent the account's budget of one this hour.
    let sdk = sdk_config(&scene.moto.endpoint()).await;
    let ledger = DynamoLedger::new(cordon_aws::Clients::new(&sdk).dynamodb, LEDGER);
    let now = cordon_core::admission::epoch_now();
    ledger
        .spend("123456789012", "guardduty/earlier/i-0", now, 3600, 1)
        .await
        .unwrap();
    let budget = [("CORDON_BREAKER_BUDGET", "1")];

    let held = scene.replay(&finding, &budget);
    assert_eq!(decision(&held), "observed", "{held}");
    assert!(reason(&held).contains("breaker"), "{held}");
    assert_eq!(scene.isolated().await, 0, "held back: nothing touched");

    let approve = scene.stage("securityhub/custom-action-approve-instance.json");
    let approved = scene.replay(&approve, &budget);
    assert_eq!(decision(&approved), "contained", "{approved}");
    assert_eq!(approved["function"], "ContainInstanceFunction");
    assert!(
        reason(&approved).starts_with("cordon-approve chosen in Security Hub at"),
        "{approved}"
    );
    assert_eq!(scene.isolated().await, scene.estate.interfaces.len());
    // The response finding and the ledger say a person decided.
    let securityhub = aws_sdk_securityhub::Client::new(&sdk);
    let found = securityhub.get_findings().send().await.unwrap();
    let response = found
        .findings()
        .iter()
        .find(|f| f.id() == Some("cordon/contain-instance/123456789012/us-east-1/b7d2f0a9c8e14b3d9f6a2e5c1b8d7f02"))
        .expect("the response finding");
    let recorded = response
        .product_fields()
        .and_then(|p| p.get("cordon/Reason"))
        .cloned()
        .unwrap_or_default();
    assert!(
        recorded.starts_with("cordon-approve chosen in Security Hub"),
        "{recorded}"
    );
    let item = cordon_aws::Clients::new(&sdk)
        .dynamodb
        .scan()
        .table_name(LEDGER)
        .send()
        .await
        .unwrap();
    assert!(
        item.items().iter().any(|i| i
            .get("pk")
            .and_then(|v| v.as_s().ok())
            .is_some_and(|pk| pk.ends_with("/cordon-approve/3c8a1f52-7e0d-4b6a-9c21-5d4e8f7a6b13"))
            && i.get("decision")
                .and_then(|v| v.as_s().ok())
                .map(String::as_str)
                == Some("contained")),
        "{:?}",
        item.items()
    );

    // Security Hub delivers the same choice again: it acts once.
    let again = scene.replay(&approve, &budget);
    assert_ne!(decision(&again), "failed", "{again}");
    assert!(reason(&again).contains("handled"), "{again}");
}

#[tokio::test]
async fn cordon_contain_contains_what_a_dry_run_only_observed() {
    let scene = Scene::new("contain").await;
    let finding = scene.stage("guardduty/backdoor-c2-two-enis.json");
    let dry_run = [("CORDON_MODE", "dry-run")];
    let seen = scene.replay(&finding, &dry_run);
    assert_eq!(decision(&seen), "observed", "{seen}");
    assert_eq!(scene.isolated().await, 0);

    let contain = scene.stage("securityhub/custom-action-contain-guardduty-instance.json");
    // Plan only on the command line means plan only, whatever a person chose.
    let output = cordon_command()
        .env("CORDON_LEDGER_TABLE", LEDGER)
        .args([
            "replay",
            "--json",
            "--dry-run",
            "--endpoint",
            &scene.moto.endpoint(),
        ])
        .arg(&contain)
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("plan only"));
    assert_eq!(scene.isolated().await, 0);

    // The deployed function's dry-run mode gives way to the person's decision.
    let contained = scene.replay(&contain, &dry_run);
    assert_eq!(decision(&contained), "contained", "{contained}");
    assert!(
        reason(&contained).starts_with("cordon-contain chosen"),
        "{contained}"
    );
    assert_eq!(scene.isolated().await, scene.estate.interfaces.len());
}

#[tokio::test]
async fn a_person_cannot_lift_an_exemption_or_the_allow_list() {
    let scene = Scene::new("refused").await;
    let finding = scene.stage("guardduty/backdoor-c2-two-enis.json");
    let dry_run = [("CORDON_MODE", "dry-run")];
    assert_eq!(decision(&scene.replay(&finding, &dry_run)), "observed");
    let contain = scene.stage("securityhub/custom-action-contain-guardduty-instance.json");

    // Another account's finding, as far as this deployment's allow-list goes.
    let elsewhere = scene.replay(
        &contain,
        &[
            ("CORDON_MODE", "dry-run"),
            ("CORDON_ALLOWED_ACCOUNTS", "111111111111"),
        ],
    );
    assert_ne!(decision(&elsewhere), "contained", "{elsewhere}");
    assert!(reason(&elsewhere).contains("123456789012"), "{elsewhere}");
    assert_eq!(scene.isolated().await, 0);

    scene
        .ec2
        .create_tags()
        .resources(&scene.estate.instance)
        .tags(
            aws_sdk_ec2::types::Tag::builder()
                .key(cordon_core::names::DEFAULT_EXEMPT_TAG)
                .value("true")
                .build(),
        )
        .send()
        .await
        .unwrap();
    // A second choice is a new event; the first one stays settled.
    let raw = std::fs::read_to_string(&contain).unwrap();
    let again = scene.dir.join("contain-again.json");
    let second_id = "9e4b2d71-0f3c-4a85-b6d2-1c7e5a3f8b41";
    std::fs::write(
        &again,
        raw.replace("9e4b2d71-0f3c-4a85-b6d2-1c7e5a3f8b40", second_id),
    )
    .unwrap();
    let exempt = scene.replay(&again, &dry_run);
    assert_eq!(decision(&exempt), "observed", "{exempt}");
    assert!(reason(&exempt).contains("exempt"), "{exempt}");
    assert_eq!(
        scene.isolated().await,
        0,
        "an exempt instance stays untouched"
    );
}

#[tokio::test]
async fn a_decision_on_a_finding_cordon_never_saw_changes_nothing_and_says_so() {
    let scene = Scene::new("unknown").await;
    let approve = scene.stage("securityhub/custom-action-approve-instance.json");
    let record = scene.replay(&approve, &[]);
    assert_eq!(decision(&record), "observed", "{record}");
    assert!(
        reason(&record).contains("no record of GuardDuty finding"),
        "{record}"
    );
    assert_eq!(scene.isolated().await, 0);
}

#[tokio::test]
async fn cordon_release_undoes_a_containment_where_the_stack_allows_it() {
    let scene = Scene::new("release").await;
    let before = scene.estate.interface_groups(&scene.ec2).await.unwrap();
    let finding = scene.stage("guardduty/backdoor-c2-two-enis.json");
    assert_eq!(decision(&scene.replay(&finding, &[])), "contained");
    assert_eq!(scene.isolated().await, scene.estate.interfaces.len());
    let release = scene.stage("securityhub/custom-action-release-instance.json");

    // Off by default: the function has no power to release, and says what to run.
    let refused = scene.replay(&release, &[]);
    assert_eq!(decision(&refused), "observed", "{refused}");
    assert!(
        reason(&refused).contains("cordon release --incident"),
        "{refused}"
    );
    assert_eq!(scene.isolated().await, scene.estate.interfaces.len());

    // A second choice, on a stack that allows it.
    let raw = std::fs::read_to_string(&release).unwrap();
    let again = scene.dir.join("release-again.json");
    std::fs::write(
        &again,
        raw.replace(
            "d41f6a08-93b2-4c7e-8a15-2f0b6e9c3d27",
            "d41f6a08-93b2-4c7e-8a15-2f0b6e9c3d28",
        ),
    )
    .unwrap();
    let allowed = [("CORDON_RELEASE_FROM_SECURITY_HUB", "true")];
    let released = scene.replay(&again, &allowed);
    assert_eq!(decision(&released), "observed", "{released}");
    assert!(
        reason(&released).starts_with("cordon-release chosen in Security Hub")
            && reason(&released).contains("released and verified"),
        "{released}"
    );
    assert_eq!(
        scene.estate.interface_groups(&scene.ec2).await.unwrap(),
        before,
        "every interface back in its original groups"
    );
    let sdk = sdk_config(&scene.moto.endpoint()).await;
    let found = aws_sdk_securityhub::Client::new(&sdk)
        .get_findings()
        .send()
        .await
        .unwrap();
    let status = found
        .findings()
        .iter()
        .find(|f| {
            f.id()
                == Some("cordon/contain-instance/123456789012/us-east-1/b7d2f0a9c8e14b3d9f6a2e5c1b8d7f02")
        })
        .and_then(|f| f.workflow())
        .and_then(|w| w.status())
        .map(|s| s.as_str().to_owned());
    assert_eq!(status.as_deref(), Some("RESOLVED"));

    // Delivered again: released once.
    let twice = scene.replay(&again, &allowed);
    assert!(reason(&twice).contains("handled"), "{twice}");
}

#[tokio::test]
async fn cordon_approve_on_the_command_line_lets_a_held_incident_through_once() {
    let scene = Scene::new("cli").await;
    let finding = scene.stage("guardduty/backdoor-c2-two-enis.json");
    let sdk = sdk_config(&scene.moto.endpoint()).await;
    let ledger = DynamoLedger::new(cordon_aws::Clients::new(&sdk).dynamodb, LEDGER);
    let now = cordon_core::admission::epoch_now();
    ledger
        .spend("123456789012", "guardduty/earlier/i-0", now, 3600, 1)
        .await
        .unwrap();
    let budget = [("CORDON_BREAKER_BUDGET", "1")];
    assert_eq!(decision(&scene.replay(&finding, &budget)), "observed");
    assert_eq!(scene.isolated().await, 0);

    let approve = || {
        cordon_command()
            .env("CORDON_LEDGER_TABLE", LEDGER)
            .envs(budget)
            .args(["approve", "--json", "--incident"])
            .arg("cordon/contain-instance/123456789012/us-east-1/b7d2f0a9c8e14b3d9f6a2e5c1b8d7f02")
            .args(["--endpoint", &scene.moto.endpoint()])
            .output()
            .unwrap()
    };
    let output = approve();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let record: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(decision(&record), "contained", "{record}");
    assert!(
        reason(&record).starts_with("cordon-approve chosen in the cordon CLI"),
        "{record}"
    );
    assert_eq!(scene.isolated().await, scene.estate.interfaces.len());

    let again = approve();
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("handled"), "{stdout}");

    // Nothing remembered, nothing to approve.
    let unknown = cordon_command()
        .env("CORDON_LEDGER_TABLE", LEDGER)
        .args(["approve", "--incident", "0000000000000000000000000000dead"])
        .args(["--endpoint", &scene.moto.endpoint()])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no record of GuardDuty finding"));
}
