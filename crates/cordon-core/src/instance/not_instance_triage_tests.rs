//! Findings about something other than an instance: access keys (IAM) and S3 buckets
//! name a credential or a bucket, so the instance triage leaves them alone, whatever
//! their type, severity or sample flag.

use super::tests::{Expectation, expect, expected, fixture, mutated, parsed, policy};
use super::*;
use serde_json::{Value, json};

/// The instance triage's reason for every access-key finding.
const NOT_AN_INSTANCE: &str = "resource type AccessKey is not an EC2 instance";
const NOT_AN_INSTANCE_BUT_A_BUCKET: &str = "resource type S3Bucket is not an EC2 instance";
const NOT_AN_INSTANCE_BUT_A_FUNCTION: &str = "resource type Lambda is not an EC2 instance";

/// An access-key fixture: ignored, as not an instance.
const fn access_key(fixture: (&'static str, &'static str)) -> Expectation {
    expect(fixture, Decision::Ignored, NOT_AN_INSTANCE)
}

/// An S3 fixture: ignored, as a bucket and not an instance.
const fn bucket(fixture: (&'static str, &'static str)) -> Expectation {
    expect(fixture, Decision::Ignored, NOT_AN_INSTANCE_BUT_A_BUCKET)
}

/// A Lambda fixture: ignored, as a function and not an instance.
const fn function(fixture: (&'static str, &'static str)) -> Expectation {
    expect(fixture, Decision::Ignored, NOT_AN_INSTANCE_BUT_A_FUNCTION)
}

/// Every access-key, S3 and Lambda fixture.
pub(super) const NOT_AN_INSTANCE_FIXTURES: &[Expectation] = &[
    // Access-key (IAM) findings name a credential, not an instance: the instance triage
    // leaves them alone, whatever their type, severity or sample flag.
    access_key(fixture!("iam-user-credential-exfiltration")),
    access_key(fixture!("iam-user-tor-caller")),
    access_key(fixture!("iam-user-pentest-kali")),
    access_key(fixture!("instance-credential-exfiltration")),
    access_key(fixture!("instance-credential-exfiltration-inside")),
    access_key(fixture!("root-credential-usage")),
    bucket(fixture!("s3-bucket-anonymous-access-granted")),
    bucket(fixture!("s3-bucket-block-public-access-disabled")),
    bucket(fixture!("s3-bucket-public-access-granted")),
    bucket(fixture!("s3-account-block-public-access-disabled")),
    function(fixture!("lambda-c2-activity")),
    access_key(fixture!("federated-user-anomalous")),
    access_key(fixture!("iam-user-exempt")),
    access_key(fixture!("iam-user-sample-finding")),
    access_key(fixture!("iam-user-privilege-escalation-anomalous")),
    access_key(fixture!("iam-user-discovery-anomalous")),
    access_key(fixture!("iam-user-defense-evasion-anomalous")),
    access_key(fixture!("iam-user-stealth-logging-disabled")),
    access_key(fixture!("attack-sequence-compromised-credentials")),
];

#[test]
fn access_key_findings_are_ignored_by_the_instance_triage() {
    let access_keys: Vec<&str> = expected()
        .filter(|(_, raw, ..)| {
            let value: Value = serde_json::from_str(raw).unwrap();
            value["detail"]["resource"]["resourceType"] == "AccessKey"
        })
        .map(|(name, ..)| *name)
        .collect();
    assert_eq!(access_keys.len(), 14, "{access_keys:?}");
    for name in access_keys {
        let finding = parsed(name);
        assert!(finding.resource.instance_details.is_none(), "{name}");
        // Ignored exactly, not merely observed: not even with every other check passing.
        let verdict = triage(&finding, &policy());
        assert_eq!(
            verdict,
            Verdict {
                decision: Decision::Ignored,
                reason: NOT_AN_INSTANCE.to_owned(),
            },
            "{name}"
        );
        let actor = mutated(name, |v| {
            v["detail"]["service"]["resourceRole"] = json!("ACTOR");
            v["detail"]["severity"] = json!(8);
            v["detail"]["type"] = json!("Backdoor:EC2/C&CActivity.B");
        });
        assert_eq!(triage(&actor, &policy()), verdict, "{name}");
    }
}

#[test]
fn a_resource_that_is_not_an_instance_is_ignored() {
    for resource_type in ["AccessKey", "S3Bucket", "EKSCluster", "instance"] {
        let finding = mutated("backdoor-c2-actor", |v| {
            v["detail"]["resource"] = json!({"resourceType": resource_type});
        });
        let verdict = triage(&finding, &policy());
        assert_eq!(
            verdict,
            Verdict {
                decision: Decision::Ignored,
                reason: format!("resource type {resource_type} is not an EC2 instance"),
            }
        );
    }
}
