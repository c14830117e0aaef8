//! The Lambda playbook end to end through the binary, against the emulator: a function
//! GuardDuty saw talking to a command-and-control server is throttled to 0 and its
//! execution role's older sessions are denied, each read back from Lambda and IAM; a
//! redelivery acts once; `cordon release` restores the concurrency cordon's ledger
//! recorded and lifts the deny. An exempt function and a forged finding change nothing;
//! a person's `cordon-contain` contains what a dry run only observed.

use crate::support::{cordon_command, replay_json};
use cordon_aws::Clients;
use cordon_emulators::{MotoServer, publish_finding, workspace_root};
use cordon_fixtures::{
    create_function, create_ledger_table, function_tags, reserved_concurrency, sdk_config,
};
use serde_json::Value;
use std::path::PathBuf;
use std::process::Output;

const C2: &str = "events/guardduty/lambda-c2-activity.json";
const FINDING_ID: &str = "d7e1f3a5b9c24d6e8f0a1b2c3d4e5f77";
const FUNCTION: &str = "thumbnailer";
const ROLE: &str = "thumbnailer-role";
const POLICY: &str = "cordon-revoke-older-sessions";
const LEDGER: &str = "cordon-ledger";

/// One emulator per test, holding the finding's function (run by its own role) and
/// cordon's ledger table.
struct Scene {
    moto: MotoServer,
    clients: Clients,
    arn: String,
    file: PathBuf,
}

impl Scene {
    async fn new(name: &str, reserved: Option<i32>, tags: &[(&str, &str)]) -> Self {
        let moto = MotoServer::start().unwrap();
        let clients = Clients::new(&sdk_config(&moto.endpoint()).await);
        create_ledger_table(&clients.dynamodb, LEDGER)
            .await
            .unwrap();
        let arn = create_function(&clients.iam, &clients.lambda, FUNCTION, reserved, tags)
            .await
            .unwrap();
        let raw = std::fs::read_to_string(workspace_root().join(C2)).unwrap();
        let file =
            std::env::temp_dir().join(format!("cordon-lambda-{name}-{}.json", std::process::id()));
        std::fs::write(&file, raw).unwrap();
        Self {
            moto,
            clients,
            arn,
            file,
        }
    }

    /// The finding, as GuardDuty reported it: without this, cordon refuses it.
    fn publish(&self) {
        let raw = std::fs::read_to_string(&self.file).unwrap();
        publish_finding(&self.moto.endpoint(), &serde_json::from_str(&raw).unwrap()).unwrap();
    }

    fn cordon(&self, args: &[&str]) -> Output {
        cordon_command()
            .env("CORDON_LEDGER_TABLE", LEDGER)
            .args(args)
            .arg("--endpoint")
            .arg(self.moto.endpoint())
            .output()
            .expect("cordon runs")
    }

    fn replay(&self) -> Value {
        self.replay_file(&self.file, &[])
    }

    /// `cordon replay --json` of `file` with the ledger, and `env` on top.
    fn replay_file(&self, file: &std::path::Path, env: &[(&str, &str)]) -> Value {
        replay_json(&self.moto.endpoint(), LEDGER, file, env)
    }

    async fn concurrency(&self) -> Option<i32> {
        reserved_concurrency(&self.clients.lambda, FUNCTION)
            .await
            .unwrap()
    }

    async fn tag(&self, key: &str) -> Option<String> {
        function_tags(&self.clients.lambda, &self.arn)
            .await
            .unwrap()
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }

    /// The role's session deny, as IAM holds it.
    async fn deny(&self) -> Option<String> {
        let found = self
            .clients
            .iam
            .get_role_policy()
            .role_name(ROLE)
            .policy_name(POLICY)
            .send()
            .await;
        found.ok().map(|p| p.policy_document().to_owned())
    }
}

fn text(output: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn step_status<'a>(record: &'a Value, step: &str) -> &'a str {
    record["steps"]
        .as_array()
        .and_then(|steps| steps.iter().find(|s| s["name"] == step))
        .and_then(|s| s["status"].as_str())
        .unwrap_or("(no such step)")
}

#[tokio::test]
async fn a_compromised_function_is_throttled_its_role_denied_and_released_from_the_record() {
    let scene = Scene::new("contained", Some(10), &[("Team", "media")]).await;
    scene.publish();

    let first = scene.replay();
    assert_eq!(first["function"], "ContainLambdaFunction", "{first}");
    assert_eq!(first["decision"], "contained", "{first}");
    for step in [
        "check-exemption",
        "throttle-function",
        "revoke-role-sessions",
        "tag-incident-resources",
    ] {
        assert_eq!(step_status(&first, step), "done", "{step}: {first}");
    }
    assert_eq!(scene.concurrency().await, Some(0));
    let deny = scene.deny().await.expect("the role's session deny");
    // IAM returns the document URL-encoded.
    assert!(deny.contains("TokenIssueTime"), "{deny}");
    assert_eq!(
        scene.tag("cordon:status").await.as_deref(),
        Some("contained")
    );
    assert_eq!(
        scene.tag("cordon:incident").await.as_deref(),
        Some(FINDING_ID)
    );
    assert_eq!(
        scene.tag("cordon:original-concurrency").await.as_deref(),
        Some("10")
    );

    // A redelivery of the same update acts once.
    let again = scene.replay();
    assert_ne!(again["decision"], "failed", "{again}");
    assert_eq!(scene.concurrency().await, Some(0));

    let planned = scene.cordon(&["release", "--incident", FINDING_ID, "--dry-run"]);
    assert!(planned.status.success(), "{}", text(&planned));
    assert!(text(&planned).contains("planned"), "{}", text(&planned));
    assert_eq!(scene.concurrency().await, Some(0));

    let released = scene.cordon(&["release", "--incident", FINDING_ID]);
    assert!(released.status.success(), "{}", text(&released));
    assert!(
        text(&released).contains("restore-concurrency"),
        "{}",
        text(&released)
    );
    assert_eq!(scene.concurrency().await, Some(10));
    assert_eq!(scene.deny().await, None);
    assert_eq!(
        scene.tag("cordon:status").await.as_deref(),
        Some("released")
    );
}

#[tokio::test]
async fn a_rewritten_concurrency_tag_is_never_restored() {
    let scene = Scene::new("rewritten", None, &[]).await;
    scene.publish();
    assert_eq!(scene.replay()["decision"], "contained");
    // Someone who may tag the function asks release for a huge reservation.
    scene
        .clients
        .lambda
        .tag_resource()
        .resource(&scene.arn)
        .tags("cordon:original-concurrency", "900")
        .send()
        .await
        .unwrap();
    let released = scene.cordon(&["release", "--incident", FINDING_ID]);
    assert!(!released.status.success(), "{}", text(&released));
    assert!(
        text(&released).contains("disagrees with cordon's record"),
        "{}",
        text(&released)
    );
    assert_eq!(scene.concurrency().await, Some(0));
}

#[tokio::test]
async fn an_exempt_function_and_a_forged_finding_change_nothing() {
    let exempt = Scene::new("exempt", None, &[("cordon:exempt", "true")]).await;
    exempt.publish();
    let record = exempt.replay();
    assert_eq!(record["decision"], "observed", "{record}");
    assert_eq!(exempt.concurrency().await, None);
    assert_eq!(exempt.deny().await, None);

    // Never published: GuardDuty does not know it.
    let forged = Scene::new("forged", None, &[]).await;
    let record = forged.replay();
    assert_eq!(record["decision"], "observed", "{record}");
    assert_eq!(record["possible_forgery"], true, "{record}");
    assert_eq!(forged.concurrency().await, None);
    assert_eq!(forged.deny().await, None);
}

#[tokio::test]
async fn cordon_contain_throttles_what_a_dry_run_only_observed() {
    let scene = Scene::new("person", None, &[]).await;
    scene.publish();
    let dry_run = [("CORDON_MODE", "dry-run")];
    let seen = scene.replay_file(&scene.file, &dry_run);
    assert_eq!(seen["decision"], "observed", "{seen}");
    assert_eq!(scene.concurrency().await, None);

    let contain =
        workspace_root().join("events/securityhub/custom-action-contain-guardduty-lambda.json");
    let contained = scene.replay_file(&contain, &dry_run);
    assert_eq!(
        contained["function"], "ContainLambdaFunction",
        "{contained}"
    );
    assert_eq!(contained["decision"], "contained", "{contained}");
    assert!(
        contained["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("cordon-contain chosen")),
        "{contained}"
    );
    assert_eq!(scene.concurrency().await, Some(0));
}

#[tokio::test]
async fn cordon_release_from_security_hub_restores_the_function_only_when_allowed() {
    let scene = Scene::new("released", Some(10), &[]).await;
    scene.publish();
    assert_eq!(scene.replay()["decision"], "contained");
    let release = workspace_root().join("events/securityhub/custom-action-release-lambda.json");

    let refused = scene.replay_file(&release, &[]);
    assert_eq!(refused["decision"], "observed", "{refused}");
    assert!(
        refused["reason"]
            .as_str()
            .is_some_and(|r| r.contains("cordon release --incident")),
        "{refused}"
    );
    assert_eq!(scene.concurrency().await, Some(0));

    let allowed = [("CORDON_RELEASE_FROM_SECURITY_HUB", "true")];
    let released = scene.replay_file(&release, &allowed);
    assert_eq!(released["function"], "ContainLambdaFunction", "{released}");
    assert!(
        released["reason"]
            .as_str()
            .is_some_and(|r| r.contains("released and verified")),
        "{released}"
    );
    assert_eq!(scene.concurrency().await, Some(10));
    assert_eq!(scene.deny().await, None);
    // The same choice delivered again releases once.
    let again = scene.replay_file(&release, &allowed);
    assert_ne!(again["decision"], "failed", "{again}");
}
