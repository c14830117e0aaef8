//! The account's S3 Block Public Access through `cordon replay`, against the emulator:
//! switched off (GuardDuty rates that LOW), it is only observed at the default
//! severity floor and turned back on, all four settings, below a lowered one; the
//! emulator's own S3 Control record is the proof. A bucket's own block is not touched.

use crate::support::cordon_command;
use cordon_aws::{Clients, S3AccountBlock, S3Buckets};
use cordon_core::ports::{AccountPublicAccess, BucketAccess, PublicAccessBlock};
use cordon_emulators::{MotoServer, publish_finding, workspace_root};
use cordon_events::AccountId;
use cordon_fixtures::sdk_config;
use serde_json::Value;
use std::path::PathBuf;

const DISABLED: &str = "guardduty/s3-account-block-public-access-disabled.json";
const BUCKET: &str = "example-open-by-design";

/// One emulator per test (the account's block is one per account), the block switched
/// off as the finding says, and a bucket without a block of its own.
struct Scene {
    moto: MotoServer,
    clients: Clients,
    account: AccountId,
    file: PathBuf,
}

impl Scene {
    async fn new(name: &str) -> Self {
        let moto = MotoServer::start().unwrap();
        let clients = Clients::new(&sdk_config(&moto.endpoint()).await);
        let account: AccountId = "123456789012".parse().unwrap();
        S3AccountBlock::new(clients.s3control.clone())
            .put_account_public_access_block(&account, PublicAccessBlock::default())
            .await
            .unwrap();
        clients
            .s3
            .create_bucket()
            .bucket(BUCKET)
            .send()
            .await
            .unwrap();
        let raw = std::fs::read_to_string(workspace_root().join("events").join(DISABLED)).unwrap();
        let value: Value = serde_json::from_str(&raw).unwrap();
        publish_finding(&moto.endpoint(), &value).unwrap();
        let dir =
            std::env::temp_dir().join(format!("cordon-account-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("account-block.json");
        std::fs::write(&file, raw).unwrap();
        Self {
            moto,
            clients,
            account,
            file,
        }
    }

    /// `cordon replay --json` of the finding, with `floor` as the severity floor when
    /// given (the default, 4, otherwise).
    fn replay(&self, floor: Option<&str>) -> Value {
        let mut command = cordon_command();
        command
            .args(["replay", "--json", "--endpoint", &self.moto.endpoint()])
            .arg(&self.file);
        if let Some(floor) = floor {
            command.env("CORDON_SEVERITY_FLOOR", floor);
        }
        let output = command.output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let text = format!("{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
        let line = stdout
            .lines()
            .next()
            .unwrap_or_else(|| panic!("no record: {text}"));
        serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    /// The account's block as the emulator's S3 Control holds it now.
    async fn account_block(&self) -> Option<PublicAccessBlock> {
        S3AccountBlock::new(self.clients.s3control.clone())
            .account_public_access_block(&self.account)
            .await
            .unwrap()
    }

    async fn bucket_block(&self) -> Option<PublicAccessBlock> {
        S3Buckets::new(self.clients.s3.clone())
            .public_access_block(BUCKET)
            .await
            .unwrap()
    }
}

fn step_status<'a>(record: &'a Value, step: &str) -> &'a str {
    record["steps"]
        .as_array()
        .and_then(|steps| steps.iter().find(|s| s["name"] == step))
        .and_then(|s| s["status"].as_str())
        .unwrap_or("(no such step)")
}

#[tokio::test]
async fn below_a_lowered_floor_the_accounts_block_is_turned_back_on_and_read_back() {
    let scene = Scene::new("on").await;
    assert_eq!(
        scene.account_block().await,
        Some(PublicAccessBlock::default())
    );

    let first = scene.replay(Some("1"));
    assert_eq!(first["function"], "ContainBucketFunction", "{first}");
    assert_eq!(first["decision"], "contained", "{first}");
    assert_eq!(
        step_status(&first, "block-account-public-access"),
        "done",
        "{first}"
    );
    let block = scene.account_block().await.expect("a block");
    assert!(
        block.block_public_acls
            && block.ignore_public_acls
            && block.block_public_policy
            && block.restrict_public_buckets,
        "all four settings on: {block}"
    );
    assert_eq!(
        scene.bucket_block().await,
        None,
        "no bucket's own block changes"
    );

    // A redelivery finds the block on and writes nothing.
    let again = scene.replay(Some("1"));
    assert_eq!(again["decision"], "contained", "{again}");
    assert_eq!(
        step_status(&again, "block-account-public-access"),
        "already-done",
        "{again}"
    );
}

#[tokio::test]
async fn at_the_default_floor_the_low_finding_is_only_observed() {
    let scene = Scene::new("low").await;
    let record = scene.replay(None);
    assert_eq!(record["function"], "ContainBucketFunction", "{record}");
    assert_eq!(record["decision"], "observed", "{record}");
    assert!(
        record["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("below the containment floor"),
        "{record}"
    );
    assert_eq!(
        scene.account_block().await,
        Some(PublicAccessBlock::default()),
        "the account's block is left as it was"
    );
}
