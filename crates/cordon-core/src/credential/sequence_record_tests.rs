//! The record of an attack sequence: every credential and the chain, within Security
//! Hub's and SNS's limits however long the chain.

use super::*;
use crate::credential::{CredentialCase, CredentialSettings};
use crate::guardduty::TriagePolicy;
use cordon_events::{Event, parse_event_value};
use serde_json::{Value, json};

fn case(edit: impl FnOnce(&mut Value)) -> CredentialCase {
    let path = format!(
        "{}/../../events/guardduty/attack-sequence-compromised-credentials.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut value: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    edit(&mut value);
    let Event::GuardDuty(_, finding) = parse_event_value(value).unwrap() else {
        panic!("not a finding");
    };
    let policy = TriagePolicy {
        severity_floor: 4.0,
        allowed_accounts: vec!["123456789012".parse().unwrap()],
        exempt_tag: "cordon:exempt".into(),
    };
    CredentialCase::triage(&finding, &policy, &[], &CredentialSettings::default()).unwrap()
}

fn contained(case: &CredentialCase) -> Outcome {
    let steps = case
        .plan()
        .unwrap()
        .steps
        .iter()
        .map(|s| s.report(crate::StepStatus::Done, "ok"))
        .collect();
    Outcome {
        steps,
        ..Outcome::without_steps(Decision::Contained, case.reason())
    }
}

#[test]
fn the_finding_names_every_credential_and_the_chain() {
    let case = case(|_| {});
    let finding = sequence_response_finding(&case, "2025-07-02T09:24:05.311Z", &contained(&case));
    finding.validate().unwrap();
    assert_eq!(finding.severity_label, "CRITICAL");
    assert_eq!(finding.workflow_status, "NEW");
    assert!(
        finding.title.contains("AKIAEXAMPLEKEY000001 of user alice"),
        "{}",
        finding.title
    );
    assert!(
        finding
            .title
            .contains("ASIAEXAMPLEKEY000001 of role web-server-role")
    );
    // A key and its user, a key and its role.
    assert_eq!(finding.resources.len(), 4);
    let signals = &finding.product_fields["cordon/Signals"];
    assert!(
        signals.starts_with("UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom (FINDING, ×7)"),
        "{signals}"
    );
    assert!(signals.contains("StopLogging (CLOUD_TRAIL)"), "{signals}");
    assert!(
        finding.description.contains("a chain of 5 signals"),
        "{}",
        finding.description
    );
    assert!(
        finding.id.ends_with("/e9a3c5d7f1b02c4e6a8d0f2b4d6f8a91"),
        "{}",
        finding.id
    );
}

#[test]
fn the_message_lists_each_credential_and_the_signals() {
    let case = case(|_| {});
    let outcome = contained(&case);
    let finding = sequence_response_finding(&case, "2025-07-02T09:24:05.311Z", &outcome);
    let message = sequence_notification(&case, &outcome, &finding);
    assert!(
        message
            .subject
            .starts_with("[cordon] ATTACK SEQUENCE CONTAINED"),
        "{}",
        message.subject
    );
    assert!(message.subject.len() <= 100);
    assert!(
        message
            .message
            .contains("AKIAEXAMPLEKEY000001 of user alice: contained")
    );
    assert!(message.message.contains("Signals (5):"));
    assert!(message.message.contains("\"credentials\""));
}

#[test]
fn a_long_chain_stays_within_the_limits() {
    let signals: Vec<Value> = (0..100)
        .map(|i| json!({"uid": format!("s{i}"), "type": "CLOUD_TRAIL", "name": format!("SomeLongApiNameNumber{i:03}"), "count": 3}))
        .collect();
    let case =
        case(|v| v["detail"]["service"]["detection"]["sequence"]["signals"] = json!(signals));
    let outcome = contained(&case);
    let finding = sequence_response_finding(&case, "2025-07-02T09:24:05.311Z", &outcome);
    finding.validate().unwrap();
    assert!(finding.product_fields["cordon/Signals"].len() <= 2048);
    let message = sequence_notification(&case, &outcome, &finding);
    assert!(message.message.contains("… and 90 more in GuardDuty"));
    assert!(!message.message.contains("SomeLongApiNameNumber050"));
}
