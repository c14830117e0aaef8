//! Instance triage against every GuardDuty fixture and the cases a responder expects.

use super::*;
use crate::guardduty::TriagePolicy;
use crate::names::DEFAULT_EXEMPT_TAG;
use cordon_events::{Event, parse_event, parse_event_value};
use serde_json::{Value, json};

const ALLOWED_ACCOUNT: &str = "123456789012";
const OTHER_ACCOUNT: &str = "210987654321";

macro_rules! fixture {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../../../../events/guardduty/", $name, ".json")),
        )
    };
}

/// Every GuardDuty fixture, with the decision triage must reach and a phrase its reason
/// must contain.
const EXPECTED: &[(&str, &str, Decision, &str)] = &[
    expect(
        fixture!("backdoor-c2-actor"),
        Decision::Contained,
        "Backdoor:EC2/C&CActivity.B with the instance as ACTOR at severity 8",
    ),
    expect(
        fixture!("backdoor-c2-two-enis"),
        Decision::Contained,
        "Backdoor:EC2/C&CActivity.B with the instance as ACTOR at severity 8",
    ),
    expect(
        fixture!("bitcoin-tool-dns"),
        Decision::Contained,
        "CryptoCurrency:EC2/BitcoinTool.B!DNS with the instance as ACTOR",
    ),
    expect(
        fixture!("dns-data-exfiltration"),
        Decision::Contained,
        "Trojan:EC2/DNSDataExfiltration with the instance as ACTOR",
    ),
    expect(
        fixture!("tor-client"),
        Decision::Contained,
        "UnauthorizedAccess:EC2/TorClient with the instance as ACTOR",
    ),
    expect(
        fixture!("ssh-brute-force-actor"),
        Decision::Contained,
        "UnauthorizedAccess:EC2/SSHBruteForce with the instance as ACTOR",
    ),
    expect(
        fixture!("ssh-brute-force-target"),
        Decision::Observed,
        "TARGET",
    ),
    expect(fixture!("port-probe-target"), Decision::Observed, "TARGET"),
    expect(fixture!("sample-finding"), Decision::Observed, "sample"),
    // From inside the instance: Runtime Monitoring and Malware Protection name no
    // resource role, and the instance's own process or disk is the suspect.
    expect(
        fixture!("runtime-reverse-shell"),
        Decision::Contained,
        "Execution:Runtime/ReverseShell on the instance itself at severity 8",
    ),
    expect(
        fixture!("runtime-persistence-suspicious-command"),
        Decision::Contained,
        "Persistence:Runtime/SuspiciousCommand on the instance itself at severity 5",
    ),
    expect(
        fixture!("malware-ec2-malicious-file"),
        Decision::Contained,
        "Execution:EC2/MaliciousFile on the instance itself at severity 8",
    ),
    expect(
        fixture!("defense-evasion-unusual-dns-resolver"),
        Decision::Contained,
        "DefenseEvasion:EC2/UnusualDNSResolver with the instance as ACTOR at severity 5",
    ),
    expect(
        fixture!("portscan-low-severity"),
        Decision::Observed,
        "below the containment floor 4",
    ),
    // Access-key (IAM) findings name a credential, not an instance: the instance triage
    // leaves them alone, whatever their type, severity or sample flag.
    expect(
        fixture!("iam-user-credential-exfiltration"),
        Decision::Ignored,
        NOT_AN_INSTANCE,
    ),
    expect(
        fixture!("iam-user-tor-caller"),
        Decision::Ignored,
        NOT_AN_INSTANCE,
    ),
    expect(
        fixture!("iam-user-pentest-kali"),
        Decision::Ignored,
        NOT_AN_INSTANCE,
    ),
    expect(
        fixture!("instance-credential-exfiltration"),
        Decision::Ignored,
        NOT_AN_INSTANCE,
    ),
    expect(
        fixture!("instance-credential-exfiltration-inside"),
        Decision::Ignored,
        NOT_AN_INSTANCE,
    ),
    expect(
        fixture!("root-credential-usage"),
        Decision::Ignored,
        NOT_AN_INSTANCE,
    ),
    expect(
        fixture!("s3-bucket-anonymous-access-granted"),
        Decision::Ignored,
        NOT_AN_INSTANCE_BUT_A_BUCKET,
    ),
    expect(
        fixture!("s3-bucket-block-public-access-disabled"),
        Decision::Ignored,
        NOT_AN_INSTANCE_BUT_A_BUCKET,
    ),
    expect(
        fixture!("s3-bucket-public-access-granted"),
        Decision::Ignored,
        NOT_AN_INSTANCE_BUT_A_BUCKET,
    ),
    expect(
        fixture!("federated-user-anomalous"),
        Decision::Ignored,
        NOT_AN_INSTANCE,
    ),
    expect(
        fixture!("iam-user-exempt"),
        Decision::Ignored,
        NOT_AN_INSTANCE,
    ),
    expect(
        fixture!("iam-user-sample-finding"),
        Decision::Ignored,
        NOT_AN_INSTANCE,
    ),
    expect(
        fixture!("iam-user-privilege-escalation-anomalous"),
        Decision::Ignored,
        NOT_AN_INSTANCE,
    ),
    expect(
        fixture!("iam-user-discovery-anomalous"),
        Decision::Ignored,
        NOT_AN_INSTANCE,
    ),
    expect(
        fixture!("iam-user-defense-evasion-anomalous"),
        Decision::Ignored,
        NOT_AN_INSTANCE,
    ),
    expect(
        fixture!("iam-user-stealth-logging-disabled"),
        Decision::Ignored,
        NOT_AN_INSTANCE,
    ),
    expect(
        fixture!("attack-sequence-compromised-credentials"),
        Decision::Ignored,
        NOT_AN_INSTANCE,
    ),
];

/// The instance triage's reason for every access-key finding.
const NOT_AN_INSTANCE: &str = "resource type AccessKey is not an EC2 instance";
const NOT_AN_INSTANCE_BUT_A_BUCKET: &str = "resource type S3Bucket is not an EC2 instance";

const fn expect(
    (name, raw): (&'static str, &'static str),
    decision: Decision,
    phrase: &'static str,
) -> (&'static str, &'static str, Decision, &'static str) {
    (name, raw, decision, phrase)
}

fn raw(name: &str) -> &'static str {
    EXPECTED
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(_, raw, ..)| *raw)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

fn policy() -> TriagePolicy {
    TriagePolicy {
        severity_floor: 4.0,
        allowed_accounts: vec![ALLOWED_ACCOUNT.parse().unwrap()],
        exempt_tag: DEFAULT_EXEMPT_TAG.to_owned(),
    }
}

fn finding(event: Event) -> GuardDutyFinding {
    match event {
        Event::GuardDuty(_, finding) => *finding,
        other => panic!("expected a GuardDuty finding, got {other:?}"),
    }
}

fn parsed(name: &str) -> GuardDutyFinding {
    finding(parse_event(raw(name).as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}")))
}

/// The fixture, edited as JSON before parsing, so the edit goes through the real parser.
fn mutated(name: &str, edit: impl FnOnce(&mut Value)) -> GuardDutyFinding {
    let mut value: Value = serde_json::from_str(raw(name)).unwrap();
    edit(&mut value);
    finding(parse_event_value(value).unwrap_or_else(|e| panic!("{name}: {e}")))
}

fn assert_verdict(verdict: &Verdict, decision: Decision, phrase: &str, context: &str) {
    assert_eq!(verdict.decision, decision, "{context}: {}", verdict.reason);
    assert!(
        verdict.reason.contains(phrase),
        "{context}: reason `{}` should contain `{phrase}`",
        verdict.reason
    );
}

#[test]
fn every_fixture_triages_as_expected() {
    for (name, _, decision, phrase) in EXPECTED {
        let verdict = triage(&parsed(name), &policy());
        assert_verdict(&verdict, *decision, phrase, name);
    }
}

#[test]
fn the_table_covers_every_guardduty_fixture() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../events/guardduty");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("events/guardduty")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut in_table: Vec<String> = EXPECTED
        .iter()
        .map(|(name, ..)| format!("{name}.json"))
        .collect();
    in_table.sort();
    assert_eq!(on_disk, in_table, "add the new fixture to EXPECTED");
}

#[test]
fn a_finding_in_an_account_not_allowed_is_refused_whatever_else_it_says() {
    for (name, ..) in EXPECTED {
        let finding = mutated(name, |v| v["detail"]["accountId"] = json!(OTHER_ACCOUNT));
        let verdict = triage(&finding, &policy());
        if finding.resource.resource_type != "Instance" {
            // Not an instance comes first: the account is never looked at.
            assert_eq!(verdict.decision, Decision::Ignored, "{name}");
            let not_an_instance = format!(
                "resource type {} is not an EC2 instance",
                finding.resource.resource_type
            );
            assert_eq!(verdict.reason, not_an_instance, "{name}");
            continue;
        }
        assert_eq!(
            verdict.decision,
            Decision::Observed,
            "{name}: {}",
            verdict.reason
        );
        assert_eq!(
            verdict.reason,
            format!(
                "refused: finding is in account {OTHER_ACCOUNT}, which cordon may not act in (allowed: {ALLOWED_ACCOUNT})"
            ),
            "{name}"
        );
    }
}

#[test]
fn access_key_findings_are_ignored_by_the_instance_triage() {
    let access_keys: Vec<&str> = EXPECTED
        .iter()
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
fn no_allowed_accounts_refuses_everything() {
    let policy = TriagePolicy {
        allowed_accounts: Vec::new(),
        ..policy()
    };
    let verdict = triage(&parsed("backdoor-c2-actor"), &policy);
    assert_verdict(
        &verdict,
        Decision::Observed,
        "(allowed: none)",
        "no accounts",
    );
}

#[test]
fn several_allowed_accounts_are_all_honoured() {
    let policy = TriagePolicy {
        allowed_accounts: vec![
            OTHER_ACCOUNT.parse().unwrap(),
            ALLOWED_ACCOUNT.parse().unwrap(),
        ],
        ..policy()
    };
    let verdict = triage(&parsed("backdoor-c2-actor"), &policy);
    assert_eq!(verdict.decision, Decision::Contained, "{}", verdict.reason);
    let elsewhere = mutated("backdoor-c2-actor", |v| {
        v["detail"]["accountId"] = json!("111122223333")
    });
    let verdict = triage(&elsewhere, &policy);
    assert_verdict(
        &verdict,
        Decision::Observed,
        &format!("(allowed: {OTHER_ACCOUNT}, {ALLOWED_ACCOUNT})"),
        "two accounts",
    );
}

fn with_tag(name: &str, key: &str, value: &str) -> GuardDutyFinding {
    mutated(name, |v| {
        v["detail"]["resource"]["instanceDetails"]["tags"]
            .as_array_mut()
            .unwrap()
            .push(json!({"key": key, "value": value}));
    })
}

#[test]
fn exempt_tag_observes_unless_it_says_false() {
    for value in ["true", "True", "yes", ""] {
        let verdict = triage(
            &with_tag("backdoor-c2-actor", "cordon:exempt", value),
            &policy(),
        );
        assert_verdict(
            &verdict,
            Decision::Observed,
            &format!("exempt from containment by tag cordon:exempt={value}"),
            value,
        );
    }
    for value in ["false", "FALSE", "False"] {
        let verdict = triage(
            &with_tag("backdoor-c2-actor", "cordon:exempt", value),
            &policy(),
        );
        assert_verdict(&verdict, Decision::Contained, "as ACTOR", value);
    }
}

#[test]
fn exempt_tag_key_is_exact_and_configurable() {
    // Another key, or the right key in another case, does not exempt.
    for key in ["cordon:Exempt", "exempt", "cordon:exempted"] {
        let verdict = triage(&with_tag("backdoor-c2-actor", key, "true"), &policy());
        assert_eq!(
            verdict.decision,
            Decision::Contained,
            "{key}: {}",
            verdict.reason
        );
    }
    let policy = TriagePolicy {
        exempt_tag: "security:hands-off".to_owned(),
        ..policy()
    };
    let verdict = triage(
        &with_tag("backdoor-c2-actor", "security:hands-off", "true"),
        &policy,
    );
    assert_verdict(
        &verdict,
        Decision::Observed,
        "security:hands-off=true",
        "custom key",
    );
    let verdict = triage(
        &with_tag("backdoor-c2-actor", "cordon:exempt", "true"),
        &policy,
    );
    assert_eq!(verdict.decision, Decision::Contained, "{}", verdict.reason);
}

#[test]
fn a_role_that_is_not_actor_is_only_observed() {
    for role in [json!("BYSTANDER"), json!("actor"), Value::Null] {
        let finding = mutated("backdoor-c2-actor", |v| {
            v["detail"]["service"]["resourceRole"] = role.clone()
        });
        let verdict = triage(&finding, &policy());
        assert_verdict(
            &verdict,
            Decision::Observed,
            "does not say the instance is the ACTOR",
            &role.to_string(),
        );
    }
    let finding = mutated("backdoor-c2-actor", |v| {
        v["detail"]["service"]
            .as_object_mut()
            .unwrap()
            .remove("resourceRole");
    });
    let verdict = triage(&finding, &policy());
    assert_verdict(
        &verdict,
        Decision::Observed,
        "not isolating on a guess",
        "no role",
    );
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

#[test]
fn finding_types_outside_the_contained_families_are_observed() {
    for kind in [
        "Policy:IAMUser/RootCredentialUsage",
        "Stealth:IAMUser/CloudTrailLoggingDisabled",
        "Stealth:EC2/ExampleEvasion",
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        "Discovery:S3/MaliciousIPCaller",
        "Backdoor:Lambda/C&CActivity.B",
        "Execution:Kubernetes/MaliciousFile",
        "Behavior:EC2/NetworkPortUnusual",
        "Execution:Runtimes/ReverseShell",
        "backdoor:ec2/C&CActivity.B",
        "Backdoor:EC2",
    ] {
        let finding = mutated("backdoor-c2-actor", |v| v["detail"]["type"] = json!(kind));
        let verdict = triage(&finding, &policy());
        assert_verdict(
            &verdict,
            Decision::Observed,
            &format!("{kind} is not a finding type cordon contains"),
            kind,
        );
    }
}

#[test]
fn every_contained_family_is_contained_as_actor() {
    for kind in [
        "Backdoor:EC2/DenialOfService.Tcp",
        "CryptoCurrency:EC2/BitcoinTool.B",
        "Trojan:EC2/BlackholeTraffic",
        "UnauthorizedAccess:EC2/MaliciousIPCaller.Custom",
        "Recon:EC2/Portscan",
        "Impact:EC2/WinRMBruteForce",
        "DefenseEvasion:EC2/UnusualDoHActivity",
    ] {
        let finding = mutated("backdoor-c2-actor", |v| v["detail"]["type"] = json!(kind));
        let verdict = triage(&finding, &policy());
        assert_verdict(&verdict, Decision::Contained, kind, kind);
    }
}

#[test]
fn severity_as_whole_or_decimal_number_triages_the_same() {
    let whole = mutated("backdoor-c2-two-enis", |v| {
        v["detail"]["severity"] = json!(8)
    });
    let decimal = mutated("backdoor-c2-two-enis", |v| {
        v["detail"]["severity"] = json!(8.0)
    });
    let (whole, decimal) = (triage(&whole, &policy()), triage(&decimal, &policy()));
    assert_eq!(whole, decimal);
    assert_verdict(&whole, Decision::Contained, "at severity 8", "8");
    // The fixtures themselves carry `8` and `8.0`.
    assert_eq!(
        triage(&parsed("backdoor-c2-actor"), &policy()),
        triage(&parsed("backdoor-c2-two-enis"), &policy()),
    );

    let low_whole = mutated("portscan-low-severity", |v| {
        v["detail"]["severity"] = json!(2)
    });
    let low_decimal = mutated("portscan-low-severity", |v| {
        v["detail"]["severity"] = json!(2.0)
    });
    assert_eq!(
        triage(&low_whole, &policy()),
        triage(&low_decimal, &policy())
    );
}

#[test]
fn the_severity_floor_is_inclusive() {
    for (severity, decision) in [
        (json!(4), Decision::Contained),
        (json!(4.0), Decision::Contained),
        (json!(3.9), Decision::Observed),
        (json!(0), Decision::Observed),
        (json!(10), Decision::Contained),
    ] {
        let finding = mutated("backdoor-c2-actor", |v| {
            v["detail"]["severity"] = severity.clone()
        });
        let verdict = triage(&finding, &policy());
        assert_eq!(verdict.decision, decision, "{severity}: {}", verdict.reason);
    }
    let finding = mutated("backdoor-c2-actor", |v| {
        v["detail"]["severity"] = json!(3.9)
    });
    assert_verdict(
        &triage(&finding, &policy()),
        Decision::Observed,
        "severity 3.9 is below the containment floor 4",
        "3.9",
    );
}

#[test]
fn sample_findings_are_observed_however_they_say_so() {
    let as_string = mutated("backdoor-c2-actor", |v| {
        v["detail"]["service"]["additionalInfo"]["sample"] = json!("True")
    });
    let in_value_only = mutated("backdoor-c2-actor", |v| {
        v["detail"]["service"]["additionalInfo"] = json!({"value": "{\"sample\":true}"})
    });
    for (context, finding) in [("string", as_string), ("value", in_value_only)] {
        let verdict = triage(&finding, &policy());
        assert_verdict(&verdict, Decision::Observed, "sample finding", context);
    }
}

#[test]
fn archived_findings_are_observed() {
    for archived in [json!(true), json!("True")] {
        let finding = mutated("backdoor-c2-actor", |v| {
            v["detail"]["service"]["archived"] = archived.clone()
        });
        assert_verdict(
            &triage(&finding, &policy()),
            Decision::Observed,
            "archived",
            &archived.to_string(),
        );
    }
    let finding = mutated("backdoor-c2-actor", |v| {
        v["detail"]["service"]["archived"] = json!("False")
    });
    assert_eq!(triage(&finding, &policy()).decision, Decision::Contained);
}

#[test]
fn the_most_fundamental_reason_wins() {
    // A sample TARGET finding below the floor on an exempt instance: sample comes first.
    let finding = mutated("ssh-brute-force-target", |v| {
        v["detail"]["service"]["additionalInfo"]["sample"] = json!(true);
        v["detail"]["resource"]["instanceDetails"]["tags"] =
            json!([{"key": "cordon:exempt", "value": "true"}]);
    });
    assert_verdict(
        &triage(&finding, &policy()),
        Decision::Observed,
        "sample",
        "sample",
    );
    // Below the floor and exempt: the floor is named, not the tag.
    let finding = mutated("portscan-low-severity", |v| {
        v["detail"]["resource"]["instanceDetails"]["tags"] =
            json!([{"key": "cordon:exempt", "value": "true"}]);
    });
    assert_verdict(
        &triage(&finding, &policy()),
        Decision::Observed,
        "below",
        "floor",
    );
}
