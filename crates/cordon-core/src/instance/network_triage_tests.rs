//! Network findings (VPC flow logs, DNS): the fixtures of the family, and the rule that
//! the instance must be the ACTOR of a finding type cordon contains.

use super::tests::{Expectation, assert_verdict, expect, fixture, mutated, parsed, policy};
use super::*;
use serde_json::{Value, json};

/// Every network fixture, with the decision triage must reach and a phrase its reason
/// must contain.
pub(super) const NETWORK: &[Expectation] = &[
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
];

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
