//! Credential triage against every access-key fixture and attack sequence, table-driven:
//! each finding's credentials, with the decision and a phrase of the reason.

use crate::credential::{CredentialCase, CredentialSettings, MAX_SEQUENCE_CREDENTIALS};
use crate::guardduty::TriagePolicy;
use crate::{Decision, StepKind};
use cordon_events::{Event, GuardDutyFinding, parse_event_value};
use serde_json::{Value, json};

/// A fixture's credentials: (key id, decision, phrase of the reason), in order.
type Expected = &'static [(&'static str, Decision, &'static str)];

const USER_KEY: &str = "AKIAEXAMPLEKEY000001";
const ROLE_KEY: &str = "ASIAEXAMPLEKEY000001";

const EXPECTED: &[(&str, Expected)] = &[
    (
        "iam-user-credential-exfiltration",
        &[(
            USER_KEY,
            Decision::Contained,
            "AKIAEXAMPLEKEY000001 of user alice",
        )],
    ),
    (
        "iam-user-privilege-escalation-anomalous",
        &[(
            USER_KEY,
            Decision::Contained,
            "PrivilegeEscalation:IAMUser/AnomalousBehavior: AKIAEXAMPLEKEY000001 of user alice at severity 5",
        )],
    ),
    (
        "iam-user-defense-evasion-anomalous",
        &[(
            USER_KEY,
            Decision::Contained,
            "DefenseEvasion:IAMUser/AnomalousBehavior",
        )],
    ),
    // GuardDuty rates these LOW: observed, as every finding under the floor.
    (
        "iam-user-discovery-anomalous",
        &[(
            USER_KEY,
            Decision::Observed,
            "severity 2 is below the containment floor 4",
        )],
    ),
    (
        "iam-user-stealth-logging-disabled",
        &[(
            USER_KEY,
            Decision::Observed,
            "severity 2 is below the containment floor 4",
        )],
    ),
    (
        "iam-user-sample-finding",
        &[("GeneratedFindingAccessKeyId", Decision::Observed, "sample")],
    ),
    (
        "root-credential-usage",
        &[(
            "ASIAEXAMPLEKEY000002",
            Decision::Observed,
            "no API can disable root",
        )],
    ),
    (
        "federated-user-anomalous",
        &[("ASIAEXAMPLEKEY000003", Decision::Observed, "FederatedUser")],
    ),
    // The sequence's own access key, then the role its second actor used: each once.
    (
        "attack-sequence-compromised-credentials",
        &[
            (
                USER_KEY,
                Decision::Contained,
                "AttackSequence:IAM/CompromisedCredentials: AKIAEXAMPLEKEY000001 of user alice at severity 9",
            ),
            (
                ROLE_KEY,
                Decision::Contained,
                "ASIAEXAMPLEKEY000001 of role web-server-role at severity 9",
            ),
        ],
    ),
];

fn raw(name: &str) -> Value {
    let path = format!(
        "{}/../../events/guardduty/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn parsed(value: Value) -> GuardDutyFinding {
    match parse_event_value(value).unwrap() {
        Event::GuardDuty(_, finding) => *finding,
        other => panic!("not a finding: {other:?}"),
    }
}

fn policy() -> TriagePolicy {
    TriagePolicy {
        severity_floor: 4.0,
        allowed_accounts: vec!["123456789012".parse().unwrap()],
        exempt_tag: "cordon:exempt".into(),
    }
}

fn case(finding: &GuardDutyFinding, break_glass: &[String]) -> CredentialCase {
    CredentialCase::triage(
        finding,
        &policy(),
        break_glass,
        &CredentialSettings::default(),
    )
    .unwrap_or_else(|v| panic!("{}: {}", finding.finding_type, v.reason))
}

#[test]
fn every_credential_fixture_triages_as_expected() {
    for (name, expected) in EXPECTED {
        let case = case(&parsed(raw(name)), &[]);
        let got: Vec<(String, Decision, String)> = case
            .credentials
            .iter()
            .map(|c| {
                let key = c.incident.access_key_id.as_ref().unwrap().to_string();
                (key, c.verdict.decision, c.verdict.reason.clone())
            })
            .collect();
        assert_eq!(got.len(), expected.len(), "{name}: {got:?}");
        for ((key, decision, reason), (want_key, want, phrase)) in got.iter().zip(*expected) {
            assert_eq!(key, want_key, "{name}");
            assert_eq!(decision, want, "{name}: {reason}");
            assert!(
                reason.contains(phrase),
                "{name}: `{reason}` lacks `{phrase}`"
            );
            let planned = case.credentials.iter().any(|c| c.plan.is_some());
            assert_eq!(planned, case.decision() == Decision::Contained, "{name}");
        }
    }
}

#[test]
fn every_anomaly_family_is_contained_at_medium_severity_and_above() {
    for kind in [
        "CredentialAccess:IAMUser/AnomalousBehavior",
        "DefenseEvasion:IAMUser/AnomalousBehavior",
        "Discovery:IAMUser/AnomalousBehavior",
        "Exfiltration:IAMUser/AnomalousBehavior",
        "Impact:IAMUser/AnomalousBehavior",
        "InitialAccess:IAMUser/AnomalousBehavior",
        "Persistence:IAMUser/AnomalousBehavior",
        "PrivilegeEscalation:IAMUser/AnomalousBehavior",
        "Stealth:IAMUser/PasswordPolicyChange",
        "AttackSequence:S3/CompromisedData",
    ] {
        let mut value = raw("iam-user-discovery-anomalous");
        value["detail"]["type"] = json!(kind);
        value["detail"]["severity"] = json!(5);
        if kind.starts_with("AttackSequence:") {
            value["detail"]["service"]["detection"] =
                raw("attack-sequence-compromised-credentials")["detail"]["service"]["detection"]
                    .clone();
        }
        let case = case(&parsed(value), &[]);
        assert_eq!(
            case.decision(),
            Decision::Contained,
            "{kind}: {}",
            case.reason()
        );
    }
    for kind in [
        "Recon:IAMUser/MaliciousIPCaller",
        "Policy:IAMUser/ShortTermRootCredentialUsage",
    ] {
        let mut value = raw("iam-user-discovery-anomalous");
        value["detail"]["type"] = json!(kind);
        value["detail"]["severity"] = json!(8);
        let case = case(&parsed(value), &[]);
        assert_eq!(case.decision(), Decision::Observed, "{kind}");
        assert!(case.reason().contains("not a finding type cordon contains"));
    }
}

#[test]
fn a_sequence_plans_each_credential_once_in_order() {
    let case = case(&parsed(raw("attack-sequence-compromised-credentials")), &[]);
    let plan = case.plan().expect("a plan");
    let steps: Vec<(StepKind, &str)> = plan
        .steps
        .iter()
        .map(|s| (s.kind, s.target.as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            (StepKind::CheckExemption, "alice"),
            (StepKind::DeactivateAccessKey, USER_KEY),
            (StepKind::RevokeUserSessions, "alice"),
            (StepKind::TagPrincipal, "alice"),
            (StepKind::CheckExemption, "web-server-role"),
            (StepKind::TemporaryCredential, ROLE_KEY),
            (StepKind::RevokeRoleSessions, "web-server-role"),
            (StepKind::TagPrincipal, "web-server-role"),
        ]
    );
    assert_eq!(case.names(), format!("{USER_KEY}+{ROLE_KEY}"));
    assert_eq!(case.signals.len(), 5);
    assert!(
        case.reason().contains("names 2 credentials"),
        "{}",
        case.reason()
    );
}

#[test]
fn a_break_glass_actor_is_spared_while_the_other_is_contained() {
    let finding = parsed(raw("attack-sequence-compromised-credentials"));
    let case = case(&finding, &["web-server-role".to_owned()]);
    let decisions: Vec<Decision> = case
        .credentials
        .iter()
        .map(|c| c.verdict.decision)
        .collect();
    assert_eq!(decisions, [Decision::Contained, Decision::Observed]);
    assert_eq!(case.decision(), Decision::Contained);
    assert!(case.credentials[1].plan.is_none());
    assert!(case.credentials[1].verdict.reason.contains("break-glass"));
}

#[test]
fn a_sequence_that_names_only_its_actors_is_still_contained() {
    // Whether or not GuardDuty fills `resource.accessKeyDetails`, the actors count.
    let mut value = raw("attack-sequence-compromised-credentials");
    value["detail"]["resource"] = json!({"resourceType": "AccessKey"});
    let case = case(&parsed(value), &[]);
    assert_eq!(case.names(), format!("{USER_KEY}+{ROLE_KEY}"));
    assert_eq!(case.decision(), Decision::Contained);
}

#[test]
fn a_sequence_without_any_credential_is_ignored() {
    let mut value = raw("attack-sequence-compromised-credentials");
    value["detail"]["resource"] = json!({"resourceType": "AccessKey"});
    value["detail"]["service"]["detection"]["sequence"]["actors"] = json!([]);
    let verdict = CredentialCase::triage(
        &parsed(value),
        &policy(),
        &[],
        &CredentialSettings::default(),
    )
    .unwrap_err();
    assert_eq!(verdict.decision, Decision::Ignored);
    assert_eq!(verdict.reason, "the attack sequence names no credential");
}

#[test]
fn a_sequence_naming_too_many_credentials_is_left_to_people() {
    let mut value = raw("attack-sequence-compromised-credentials");
    let actors: Vec<Value> = (0..=MAX_SEQUENCE_CREDENTIALS)
        .map(|i| {
            json!({"id": format!("a{i}"), "user": {
                "name": format!("user{i}"), "uid": format!("AIDAEXAMPLEUSER0000{i}"),
                "type": "IAMUser", "credentialUid": format!("AKIAEXAMPLEKEY10000{i}")
            }})
        })
        .collect();
    value["detail"]["service"]["detection"]["sequence"]["actors"] = json!(actors);
    let case = case(&parsed(value), &[]);
    assert_eq!(case.credentials.len(), MAX_SEQUENCE_CREDENTIALS + 2);
    assert_eq!(case.decision(), Decision::Observed);
    assert!(case.plan().is_none());
    assert!(case.credentials[0].verdict.reason.contains("people decide"));
}

#[test]
fn the_finding_wide_gates_hold_for_every_credential_of_a_sequence() {
    for (edit, phrase) in [
        (json!({"archived": true}), "archived"),
        (json!({"additionalInfo": {"sample": true}}), "sample"),
    ] {
        let mut value = raw("attack-sequence-compromised-credentials");
        for (key, field) in edit.as_object().unwrap() {
            value["detail"]["service"][key] = field.clone();
        }
        let case = case(&parsed(value), &[]);
        assert!(
            case.credentials
                .iter()
                .all(|c| c.verdict.decision == Decision::Observed
                    && c.verdict.reason.contains(phrase)),
            "{phrase}: {}",
            case.reason()
        );
    }
    let mut value = raw("attack-sequence-compromised-credentials");
    value["detail"]["severity"] = json!(3);
    let case = case(&parsed(value), &[]);
    assert_eq!(case.decision(), Decision::Observed, "{}", case.reason());
}
