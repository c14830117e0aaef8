//! Triage of what GuardDuty saw inside an instance (Runtime Monitoring, Malware
//! Protection): no resource role is needed, a TARGET is still a victim, and every
//! other check holds as for network findings.

use super::tests::{Expectation, expect, fixture, policy};
use super::*;
use crate::names::DEFAULT_EXEMPT_TAG;
use cordon_events::{Event, parse_event_value};
use serde_json::{Value, json};

/// Every host fixture, with the decision triage must reach and a phrase its reason must
/// contain. From inside the instance: Runtime Monitoring and Malware Protection name no
/// resource role, and the instance's own process or disk is the suspect.
pub(super) const HOST: &[Expectation] = &[
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
];

const RUNTIME: &str = include_str!("../../../../events/guardduty/runtime-reverse-shell.json");
const MALWARE: &str = include_str!("../../../../events/guardduty/malware-ec2-malicious-file.json");
const NETWORK: &str = include_str!("../../../../events/guardduty/backdoor-c2-actor.json");

/// `raw` edited as JSON, then through the real parser.
fn mutated(raw: &str, edit: impl FnOnce(&mut Value)) -> GuardDutyFinding {
    let mut value: Value = serde_json::from_str(raw).unwrap();
    edit(&mut value);
    match parse_event_value(value).unwrap() {
        Event::GuardDuty(_, finding) => *finding,
        other => panic!("not a finding: {other:?}"),
    }
}

fn verdict(raw: &str, edit: impl FnOnce(&mut Value)) -> Verdict {
    triage(&mutated(raw, edit), &policy())
}

fn assert_decision(verdict: &Verdict, decision: Decision, phrase: &str) {
    assert_eq!(verdict.decision, decision, "{}", verdict.reason);
    assert!(
        verdict.reason.contains(phrase),
        "`{}` should contain `{phrase}`",
        verdict.reason
    );
}

#[test]
fn every_runtime_and_malware_family_is_contained_without_a_role() {
    for kind in [
        "Backdoor:Runtime/C&CActivity.B!DNS",
        "CryptoCurrency:Runtime/BitcoinTool.B",
        "DefenseEvasion:Runtime/ProcessInjection.Ptrace",
        "Discovery:Runtime/SuspiciousCommand",
        "Execution:Runtime/ReverseShell",
        "Impact:Runtime/CryptoMinerExecuted",
        "Persistence:Runtime/SuspiciousCommand",
        "PrivilegeEscalation:Runtime/ElevationToRoot",
        "Trojan:Runtime/DropPoint",
        "UnauthorizedAccess:Runtime/TorClient",
        "Execution:EC2/MaliciousFile",
        "Execution:EC2/SuspiciousFile",
    ] {
        let verdict = verdict(RUNTIME, |v| v["detail"]["type"] = json!(kind));
        assert_decision(
            &verdict,
            Decision::Contained,
            &format!("{kind} on the instance itself"),
        );
    }
}

#[test]
fn a_runtime_finding_that_names_a_role_is_judged_by_it() {
    let actor = verdict(RUNTIME, |v| {
        v["detail"]["service"]["resourceRole"] = json!("ACTOR")
    });
    assert_decision(&actor, Decision::Contained, "with the instance as ACTOR");
    let target = verdict(RUNTIME, |v| {
        v["detail"]["service"]["resourceRole"] = json!("TARGET")
    });
    assert_decision(&target, Decision::Observed, "TARGET");
    // A role cordon does not know proves nothing, for any family.
    let unknown = verdict(MALWARE, |v| {
        v["detail"]["service"]["resourceRole"] = json!("BYSTANDER")
    });
    assert_decision(&unknown, Decision::Observed, "not isolating on a guess");
}

#[test]
fn a_network_finding_still_needs_the_instance_as_actor() {
    // The ACTOR/TARGET rule is for network findings: without a role, no isolation.
    let no_role = verdict(NETWORK, |v| {
        v["detail"]["service"]
            .as_object_mut()
            .unwrap()
            .remove("resourceRole");
    });
    assert_decision(
        &no_role,
        Decision::Observed,
        "does not say the instance is the ACTOR",
    );
}

#[test]
fn runtime_findings_keep_every_other_gate() {
    let low = verdict(RUNTIME, |v| v["detail"]["severity"] = json!(2));
    assert_decision(&low, Decision::Observed, "below the containment floor 4");
    let sample = verdict(RUNTIME, |v| {
        v["detail"]["service"]["additionalInfo"] = json!({"sample": true})
    });
    assert_decision(&sample, Decision::Observed, "sample finding");
    let archived = verdict(MALWARE, |v| {
        v["detail"]["service"]["archived"] = json!(true)
    });
    assert_decision(&archived, Decision::Observed, "archived");
    let exempt = verdict(RUNTIME, |v| {
        v["detail"]["resource"]["instanceDetails"]["tags"] =
            json!([{"key": DEFAULT_EXEMPT_TAG, "value": "true"}])
    });
    assert_decision(&exempt, Decision::Observed, "exempt from containment");
    let elsewhere = verdict(RUNTIME, |v| {
        v["detail"]["accountId"] = json!("210987654321")
    });
    assert_decision(&elsewhere, Decision::Observed, "refused:");
}

#[test]
fn runtime_findings_on_containers_and_scans_of_snapshots_are_not_instances() {
    let container = verdict(RUNTIME, |v| {
        v["detail"]["resource"]["resourceType"] = json!("Container")
    });
    assert_decision(&container, Decision::Ignored, "not an EC2 instance");
    let snapshot = verdict(MALWARE, |v| {
        v["detail"]["type"] = json!("Execution:EC2/MaliciousFile!Snapshot");
        v["detail"]["resource"] = json!({"resourceType": "EBSSnapshot"});
    });
    assert_decision(&snapshot, Decision::Ignored, "not an EC2 instance");
}

#[test]
fn an_instance_group_attack_sequence_is_left_to_people() {
    // It names a group of instances by their shared traits, not one to isolate.
    let sequence = verdict(NETWORK, |v| {
        v["detail"]["type"] = json!("AttackSequence:EC2/CompromisedInstanceGroup");
        v["detail"]["service"]["detection"] = json!({"sequence": {
            "uid": "s1", "description": "", "signals": [{"uid": "g1", "type": "FINDING", "name": "Backdoor:Runtime/C&CActivity.B"}]
        }});
    });
    assert_decision(
        &sequence,
        Decision::Observed,
        "is not a finding type cordon contains",
    );
}
