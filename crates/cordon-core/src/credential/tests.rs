//! The credential playbook and its triage, against an in-memory IAM.

use crate::credential::{self, CredentialIncident, CredentialSettings};
use crate::fake_iam::{FakeIam, KEY_A, KEY_B};
use crate::guardduty::TriagePolicy;
use crate::names::REVOKE_SESSIONS_POLICY;
use crate::session_policy::revoked_before;
use crate::{Decision, Exemption, StepReport, StepStatus};
use cordon_events::GuardDutyFinding;
use serde_json::json;

const NOW: &str = "2026-11-23T10:00:00Z";

fn finding(user_type: &str, user: &str, key: &str, kind: &str, severity: f64) -> GuardDutyFinding {
    serde_json::from_value(json!({
        "schemaVersion": "2.0",
        "accountId": "123456789012",
        "region": "us-east-1",
        "id": "0123456789abcdef0123456789abcdef",
        "arn": "arn:aws:guardduty:us-east-1:123456789012:detector/d/finding/0123456789abcdef0123456789abcdef",
        "type": kind,
        "severity": severity,
        "createdAt": "2025-06-13T09:46:02.731Z",
        "updatedAt": "2025-06-13T09:46:02.731Z",
        "resource": {
            "resourceType": "AccessKey",
            "accessKeyDetails": {
                "accessKeyId": key,
                "principalId": "AIDAEXAMPLEUSER00001",
                "userName": user,
                "userType": user_type
            }
        },
        "service": { "serviceName": "guardduty" }
    }))
    .unwrap()
}

fn exfiltration() -> GuardDutyFinding {
    finding(
        "IAMUser",
        "alice",
        KEY_A,
        "UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom",
        8.0,
    )
}

fn policy() -> TriagePolicy {
    TriagePolicy {
        severity_floor: 4.0,
        allowed_accounts: vec!["123456789012".parse().unwrap()],
        exempt_tag: "cordon:exempt".into(),
    }
}

fn settings() -> CredentialSettings {
    CredentialSettings {
        exempt_tag: "cordon:exempt".into(),
        delete_login_profile: false,
    }
}

async fn run(
    iam: &FakeIam,
    finding: &GuardDutyFinding,
    settings: &CredentialSettings,
) -> (Vec<StepReport>, Exemption) {
    let incident = CredentialIncident::from_finding(finding).unwrap();
    let plan = credential::plan(&incident, settings).expect("a plan");
    let run = credential::execute(iam, &incident, &plan, settings, NOW).await;
    let names: Vec<&str> = plan.steps.iter().map(|s| s.name()).collect();
    let got: Vec<&str> = run.reports.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(got, names, "one report per step, in plan order");
    (run.reports, run.exemption)
}

fn status(reports: &[StepReport], name: &str) -> StepStatus {
    reports
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no {name}: {reports:#?}"))
        .status
}

#[test]
fn triage_contains_users_and_roles_and_leaves_the_rest_to_people() {
    let policy = policy();
    let verdict =
        |f: &GuardDutyFinding| credential::triage(f, &policy, &["break-glass-admin".into()]);
    assert_eq!(verdict(&exfiltration()).decision, Decision::Contained);
    let role = finding(
        "AssumedRole",
        "web-server-role",
        "ASIAEXAMPLEKEY000001",
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        8.0,
    );
    assert_eq!(verdict(&role).decision, Decision::Contained);

    let root = finding(
        "Root",
        "Root",
        "ASIAEXAMPLEKEY000003",
        "Policy:IAMUser/RootCredentialUsage",
        2.0,
    );
    let root_verdict = verdict(&root);
    assert_eq!(root_verdict.decision, Decision::Observed);
    assert!(
        root_verdict.reason.contains("no API can disable root"),
        "{root_verdict:?}"
    );

    let federated = finding(
        "FederatedUser",
        "bob",
        "ASIAEXAMPLEKEY000004",
        "Exfiltration:IAMUser/AnomalousBehavior",
        8.0,
    );
    assert_eq!(verdict(&federated).decision, Decision::Observed);

    let glass = finding(
        "IAMUser",
        "break-glass-admin",
        KEY_B,
        "UnauthorizedAccess:IAMUser/TorIPCaller",
        8.0,
    );
    let glass_verdict = verdict(&glass);
    assert_eq!(glass_verdict.decision, Decision::Observed);
    assert!(
        glass_verdict.reason.contains("break-glass"),
        "{glass_verdict:?}"
    );

    let low = finding(
        "IAMUser",
        "alice",
        KEY_A,
        "UnauthorizedAccess:IAMUser/TorIPCaller",
        2.0,
    );
    assert_eq!(verdict(&low).decision, Decision::Observed);

    let other_family = finding(
        "IAMUser",
        "alice",
        KEY_A,
        "Recon:IAMUser/MaliciousIPCaller",
        8.0,
    );
    assert_eq!(verdict(&other_family).decision, Decision::Observed);

    let mut elsewhere = exfiltration();
    elsewhere.account_id = "210987654321".parse().unwrap();
    let refused = verdict(&elsewhere);
    assert_eq!(refused.decision, Decision::Observed);
    assert!(refused.reason.starts_with("refused: "), "{refused:?}");
}

#[tokio::test]
async fn a_stolen_user_key_is_deactivated_alone_and_the_users_sessions_denied() {
    let iam = FakeIam::with_user();
    let (reports, exemption) = run(&iam, &exfiltration(), &settings()).await;
    assert_eq!(exemption, Exemption::NotExempt);
    for report in &reports {
        assert_eq!(report.status, StepStatus::Done, "{report:#?}");
    }
    let keys = iam.keys.lock().unwrap().clone();
    assert_eq!(keys[KEY_A], "Inactive");
    assert_eq!(keys[KEY_B], "Active");
    let document =
        iam.policies.lock().unwrap()[&format!("user alice/{REVOKE_SESSIONS_POLICY}")].clone();
    assert_eq!(revoked_before(&document).as_deref(), Some(NOW));
    assert!(
        *iam.login_profile.lock().unwrap(),
        "the password stays unless configured"
    );
    assert!(
        iam.tags
            .lock()
            .unwrap()
            .contains(&("cordon:status".into(), "contained".into()))
    );

    // A second delivery finds everything done.
    let before = iam.writes().len();
    let (again, _) = run(&iam, &exfiltration(), &settings()).await;
    assert_eq!(
        status(&again, "deactivate-access-key"),
        StepStatus::AlreadyDone
    );
    assert_eq!(
        status(&again, "revoke-user-sessions"),
        StepStatus::AlreadyDone
    );
    let writes = iam.writes();
    assert_eq!(
        writes[before..],
        ["tag user alice".to_owned()],
        "{writes:?}"
    );
}

#[tokio::test]
async fn an_assumed_role_gets_its_sessions_denied_and_no_key_is_touched() {
    let iam = FakeIam::with_user();
    let role = finding(
        "AssumedRole",
        "web-server-role",
        "ASIAEXAMPLEKEY000001",
        "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
        8.0,
    );
    let (reports, _) = run(&iam, &role, &settings()).await;
    assert_eq!(
        status(&reports, "temporary-credential"),
        StepStatus::Skipped
    );
    let revoke = reports
        .iter()
        .find(|r| r.name == "revoke-role-sessions")
        .unwrap();
    assert_eq!(revoke.status, StepStatus::Done);
    assert!(
        revoke.detail.contains("web-server") && revoke.detail.contains("ec2.amazonaws.com"),
        "{revoke:?}"
    );
    assert!(iam.writes().iter().all(|w| !w.starts_with("deactivate")));
    assert!(
        iam.policies
            .lock()
            .unwrap()
            .contains_key(&format!("role web-server-role/{REVOKE_SESSIONS_POLICY}"))
    );
}

#[tokio::test]
async fn an_exempt_user_is_untouched() {
    let iam = FakeIam::with_user();
    iam.tags
        .lock()
        .unwrap()
        .push(("cordon:exempt".into(), "incident-team".into()));
    let (reports, exemption) = run(&iam, &exfiltration(), &settings()).await;
    assert_eq!(
        exemption,
        Exemption::Exempt("cordon:exempt=incident-team".into())
    );
    assert!(iam.writes().is_empty(), "{:?}", iam.writes());
    assert!(
        reports[1..].iter().all(|r| r.status == StepStatus::Skipped),
        "{reports:#?}"
    );
}

#[tokio::test]
async fn unreadable_tags_mean_no_action() {
    let iam = FakeIam {
        tags_unreadable: true,
        ..FakeIam::with_user()
    };
    let (reports, exemption) = run(&iam, &exfiltration(), &settings()).await;
    assert!(
        matches!(exemption, Exemption::Unknown(ref e) if e.contains("AccessDenied")),
        "{exemption:?}"
    );
    assert_eq!(status(&reports, "check-exemption"), StepStatus::Failed);
    assert!(iam.writes().is_empty(), "{:?}", iam.writes());
}

#[tokio::test]
async fn the_console_password_goes_only_when_configured() {
    let iam = FakeIam::with_user();
    let settings = CredentialSettings {
        delete_login_profile: true,
        ..settings()
    };
    let (reports, _) = run(&iam, &exfiltration(), &settings).await;
    assert_eq!(status(&reports, "delete-login-profile"), StepStatus::Done);
    assert!(!*iam.login_profile.lock().unwrap());
}

#[tokio::test]
async fn a_principal_deleted_since_is_left_to_people() {
    let iam = FakeIam {
        missing: true,
        ..FakeIam::with_user()
    };
    let (reports, exemption) = run(&iam, &exfiltration(), &settings()).await;
    assert_eq!(exemption, Exemption::PrincipalMissing);
    assert!(
        reports.iter().all(|r| r.status == StepStatus::Skipped),
        "{reports:#?}"
    );
    assert!(iam.writes().is_empty());
}

#[tokio::test]
async fn release_removes_the_session_deny_and_leaves_the_key_inactive() {
    let iam = FakeIam::with_user();
    let (reports, _) = run(&iam, &exfiltration(), &settings()).await;
    assert!(reports.iter().all(|r| r.status.is_ok()), "{reports:#?}");
    let principal = crate::ports::Principal::User("alice".into());
    let planned = credential::release(&iam, &principal, true).await;
    assert!(planned.iter().all(|r| r.status == StepStatus::Planned));
    let released = credential::release(&iam, &principal, false).await;
    assert!(
        released.iter().all(|r| r.status == StepStatus::Done),
        "{released:#?}"
    );
    assert!(iam.policies.lock().unwrap().is_empty());
    assert_eq!(
        iam.keys.lock().unwrap()[KEY_A],
        "Inactive",
        "never reactivated"
    );
    let again = credential::release(&iam, &principal, false).await;
    assert_eq!(again[0].status, StepStatus::AlreadyDone);
}
