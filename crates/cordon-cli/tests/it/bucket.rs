//! The bucket playbook end to end through `cordon replay`, against the emulator: a
//! bucket opened to the world gets all four Block Public Access settings back, read
//! back through S3; an exempt bucket is untouched; the policy and ACL stay as they were.

use crate::support::cordon_command;
use aws_sdk_s3::types::{Tag, Tagging};
use cordon_aws::{Clients, S3Buckets};
use cordon_core::ports::{BucketAccess, PublicAccessBlock};
use cordon_emulators::{MotoServer, publish_finding, workspace_root};
use cordon_fixtures::sdk_config;
use serde_json::Value;
use std::path::PathBuf;

const GRANTED: &str = "guardduty/s3-bucket-public-access-granted.json";
const BUCKET: &str = "example-public-assets";
const ALL_USERS: &str = "uri=http://acs.amazonaws.com/groups/global/AllUsers";

/// One emulator per test, holding the finding's bucket, opened to the world by a
/// public-read policy and ACL, with no block of its own.
struct Scene {
    moto: MotoServer,
    s3: aws_sdk_s3::Client,
    policy: String,
    dir: PathBuf,
}

impl Scene {
    async fn new(name: &str) -> Self {
        let moto = MotoServer::start().unwrap();
        let s3 = Clients::new(&sdk_config(&moto.endpoint()).await).s3;
        s3.create_bucket().bucket(BUCKET).send().await.unwrap();
        let policy = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{BUCKET}/*"}}]}}"#
        );
        s3.put_bucket_policy()
            .bucket(BUCKET)
            .policy(&policy)
            .send()
            .await
            .unwrap();
        s3.put_bucket_acl()
            .bucket(BUCKET)
            .grant_read(ALL_USERS)
            .send()
            .await
            .unwrap();
        let dir = std::env::temp_dir().join(format!("cordon-bucket-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self {
            moto,
            s3,
            policy,
            dir,
        }
    }

    /// The finding, published first as GuardDuty would have reported it.
    fn stage(&self, fixture: &str) -> PathBuf {
        let raw = std::fs::read_to_string(workspace_root().join("events").join(fixture)).unwrap();
        let value: Value = serde_json::from_str(&raw).unwrap();
        publish_finding(&self.moto.endpoint(), &value).unwrap();
        let file = self.dir.join(fixture.replace('/', "-"));
        std::fs::write(&file, raw).unwrap();
        file
    }

    fn replay(&self, file: &PathBuf) -> Value {
        let output = cordon_command()
            .args(["replay", "--json", "--endpoint", &self.moto.endpoint()])
            .arg(file)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let text = format!("{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
        let line = stdout
            .lines()
            .next()
            .unwrap_or_else(|| panic!("no record: {text}"));
        serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    async fn block(&self) -> Option<PublicAccessBlock> {
        S3Buckets::new(self.s3.clone())
            .public_access_block(BUCKET)
            .await
            .unwrap()
    }

    /// The policy and the public-read ACL grant, as S3 holds them now.
    async fn assert_policy_and_acl_untouched(&self) {
        let policy = self
            .s3
            .get_bucket_policy()
            .bucket(BUCKET)
            .send()
            .await
            .unwrap();
        assert_eq!(policy.policy(), Some(self.policy.as_str()));
        let acl = self
            .s3
            .get_bucket_acl()
            .bucket(BUCKET)
            .send()
            .await
            .unwrap();
        let public_read = acl.grants().iter().any(|g| {
            g.grantee()
                .and_then(|grantee| grantee.uri())
                .is_some_and(|uri| uri.ends_with("/global/AllUsers"))
        });
        assert!(
            public_read,
            "the ACL's public grant is left as it was: {acl:?}"
        );
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
async fn an_open_bucket_gets_all_four_settings_read_back_and_keeps_its_policy_and_acl() {
    let scene = Scene::new("open").await;
    assert_eq!(scene.block().await, None);
    let finding = scene.stage(GRANTED);

    let first = scene.replay(&finding);
    assert_eq!(first["decision"], "contained", "{first}");
    assert_eq!(first["function"], "ContainBucketFunction", "{first}");
    assert_eq!(
        step_status(&first, "block-bucket-public-access"),
        "done",
        "{first}"
    );
    assert_eq!(scene.block().await, Some(PublicAccessBlock::ALL_ON));
    scene.assert_policy_and_acl_untouched().await;

    // A redelivery finds the block on and writes nothing.
    let again = scene.replay(&finding);
    assert_eq!(again["decision"], "contained", "{again}");
    assert_eq!(
        step_status(&again, "block-bucket-public-access"),
        "already-done",
        "{again}"
    );
}

#[tokio::test]
async fn an_exempt_bucket_is_untouched() {
    let scene = Scene::new("exempt").await;
    let tag = Tag::builder()
        .key("cordon:exempt")
        .value("website")
        .build()
        .unwrap();
    scene
        .s3
        .put_bucket_tagging()
        .bucket(BUCKET)
        .tagging(Tagging::builder().tag_set(tag).build().unwrap())
        .send()
        .await
        .unwrap();
    let record = scene.replay(&scene.stage(GRANTED));
    assert_eq!(record["decision"], "observed", "{record}");
    assert!(
        record["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("exempt"),
        "{record}"
    );
    assert_eq!(scene.block().await, None, "the block is left as it was");
    scene.assert_policy_and_acl_untouched().await;
}

#[tokio::test]
async fn a_finding_guardduty_never_reported_touches_nothing() {
    let scene = Scene::new("forged").await;
    let raw = std::fs::read_to_string(workspace_root().join("events").join(GRANTED)).unwrap();
    let file = scene.dir.join("forged.json");
    std::fs::write(&file, raw).unwrap();
    let record = scene.replay(&file);
    assert_eq!(record["decision"], "observed", "{record}");
    assert_eq!(record["possible_forgery"], true, "{record}");
    assert_eq!(scene.block().await, None);
}
