//! template.yaml routes what cordon handles, and nothing twice: every sample event
//! reaches exactly the function expected of it, every watched CloudTrail call reaches
//! the CloudTrail function through exactly one rule, and the README lists them all.

use cordon_core::trail::CATALOGUE;
use cordon_rules::Routes;
use serde_json::json;

const INSTANCE: &str = "ContainInstanceFunction";
const CREDENTIALS: &str = "ContainCredentialsFunction";
const CLOUDTRAIL: &str = "RespondToCloudTrailFunction";
const BUCKET: &str = "ContainBucketFunction";
const LAMBDA: &str = "ContainLambdaFunction";

fn routes() -> Routes {
    Routes::from_template(include_str!("../../../../template.yaml")).unwrap()
}

fn root() -> std::path::PathBuf {
    cordon_emulators::workspace_root()
}

/// GuardDuty samples no rule takes: below the floor (GuardDuty rates them LOW), or the
/// instance is the victim.
const UNROUTED_GUARDDUTY: &[&str] = &[
    "iam-user-discovery-anomalous.json",
    "iam-user-stealth-logging-disabled.json",
    "portscan-low-severity.json",
    "ssh-brute-force-target.json",
];

#[test]
fn every_sample_event_reaches_exactly_its_function() {
    let routes = routes();
    let mut checked = 0;
    for dir in ["guardduty", "cloudtrail", "securityhub"] {
        let mut files: Vec<_> = std::fs::read_dir(root().join("events").join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let name = file.file_name().unwrap().to_str().unwrap().to_owned();
            let event: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            let expected: Vec<&str> = match dir {
                "guardduty" if UNROUTED_GUARDDUTY.contains(&name.as_str()) => vec![],
                // The account's block, whatever resource GuardDuty attaches.
                "guardduty"
                    if event["detail"]["type"] == cordon_core::bucket::account::ACCOUNT_TYPE =>
                {
                    vec![BUCKET]
                }
                "guardduty" if event["detail"]["resource"]["resourceType"] == "AccessKey" => {
                    vec![CREDENTIALS]
                }
                "guardduty" if event["detail"]["resource"]["resourceType"] == "S3Bucket" => {
                    vec![BUCKET]
                }
                "guardduty" if event["detail"]["resource"]["resourceType"] == "Lambda" => {
                    vec![LAMBDA]
                }
                "guardduty" => vec![INSTANCE],
                // A person's custom action goes to the function owning the finding's
                // resource.
                "securityhub" => {
                    match event["detail"]["findings"][0]["Resources"][0]["Type"].as_str() {
                        Some("AwsEc2Instance") => vec![INSTANCE],
                        Some("AwsIamAccessKey") => vec![CREDENTIALS],
                        Some("AwsLambdaFunction") => vec![LAMBDA],
                        other => panic!("{name}: no owner expected for {other:?}"),
                    }
                }
                _ => vec![CLOUDTRAIL],
            };
            let matched: Vec<&str> = routes
                .routes_for(&event)
                .iter()
                .map(|r| r.function())
                .collect();
            assert_eq!(
                matched, expected,
                "{dir}/{name}: one rule, the right function"
            );
            checked += 1;
        }
    }
    assert!(checked >= 50, "{checked} sample events");
}

/// A GuardDuty finding of `kind` on `resource_type` at severity 8.
fn finding(kind: &str, resource_type: &str) -> serde_json::Value {
    json!({
        "version": "0",
        "id": "00000000-0000-0000-0000-000000000000",
        "detail-type": "GuardDuty Finding",
        "source": "aws.guardduty",
        "account": "123456789012",
        "time": "2026-11-20T10:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": { "type": kind, "severity": 8, "resource": { "resourceType": resource_type } }
    })
}

#[test]
fn every_family_triage_contains_reaches_its_function_and_nothing_else() {
    let routes = routes();
    let families = [
        (
            INSTANCE,
            "Instance",
            cordon_core::instance::contained_families().collect::<Vec<_>>(),
        ),
        (
            CREDENTIALS,
            "AccessKey",
            cordon_core::credential::contained_families().to_vec(),
        ),
    ];
    for (function, resource_type, families) in &families {
        for family in families {
            // `Policy:IAMUser/RootCredentialUsage` is a whole type; the rest are prefixes.
            let kind = match family.ends_with('/') {
                true => format!("{family}Example"),
                false => (*family).to_owned(),
            };
            let event = finding(&kind, resource_type);
            assert_eq!(routes.functions_for(&event), [*function], "{kind}");
        }
    }
    // Attack sequences reach the credential function whatever resource they carry.
    for resource_type in ["S3Bucket", "AttackSequence"] {
        let event = finding("AttackSequence:IAM/CompromisedCredentials", resource_type);
        assert_eq!(
            routes.functions_for(&event),
            [CREDENTIALS],
            "{resource_type}"
        );
    }
    // Families no triage contains reach no GuardDuty function.
    for (kind, resource_type) in [
        ("Behavior:EC2/NetworkPortUnusual", "Instance"),
        ("Execution:Kubernetes/MaliciousFile", "EKSCluster"),
        ("Execution:Runtime/ReverseShell", "Container"),
        ("Recon:IAMUser/MaliciousIPCaller", "AccessKey"),
        ("AttackSequence:EC2/CompromisedInstanceGroup", "Instance"),
    ] {
        assert!(
            routes
                .functions_for(&finding(kind, resource_type))
                .is_empty(),
            "{kind} on {resource_type}"
        );
    }
}

fn api_call(source: &str, name: &str, identity_type: &str) -> serde_json::Value {
    let service = source.trim_end_matches(".amazonaws.com");
    json!({
        "version": "0",
        "id": "00000000-0000-0000-0000-000000000000",
        "detail-type": "AWS API Call via CloudTrail",
        "source": format!("aws.{service}"),
        "account": "123456789012",
        "time": "2026-11-20T10:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {
            "eventSource": source,
            "eventName": name,
            "eventType": "AwsApiCall",
            "userIdentity": { "type": identity_type }
        }
    })
}

#[test]
fn every_watched_call_reaches_the_cloudtrail_function_through_one_rule() {
    let routes = routes();
    for watched in CATALOGUE {
        for name in watched.event_names {
            for identity in ["IAMUser", "AssumedRole", "Root"] {
                let event = api_call(watched.event_source, name, identity);
                let matched: Vec<(&str, &str)> = routes
                    .routes_for(&event)
                    .iter()
                    .map(|r| (r.function(), r.event_name()))
                    .collect();
                assert_eq!(matched.len(), 1, "{name} by {identity}: {matched:?}");
                assert_eq!(matched[0].0, CLOUDTRAIL);
            }
        }
    }
    // A call nobody watches reaches nothing, unless root made it.
    let unwatched = api_call("ec2.amazonaws.com", "DescribeInstances", "IAMUser");
    assert!(routes.routes_for(&unwatched).is_empty());
    let by_root = api_call("ec2.amazonaws.com", "DescribeInstances", "Root");
    assert_eq!(routes.functions_for(&by_root), [CLOUDTRAIL]);
}

#[test]
fn the_readme_catalogue_lists_every_handled_event() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for watched in CATALOGUE {
        for name in watched.event_names {
            assert!(
                readme.contains(&format!("`{name}`")),
                "README.md's playbook catalogue does not list {name}"
            );
        }
    }
    assert!(readme.contains("`ConsoleLogin`"));
    let account = [cordon_core::bucket::account::ACCOUNT_TYPE];
    for kind in cordon_core::bucket::CONTAINED_TYPES.iter().chain(&account) {
        assert!(
            readme.contains(&format!("`{kind}`")),
            "README.md's playbook catalogue does not list {kind}"
        );
    }
}
