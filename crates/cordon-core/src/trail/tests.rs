//! The CloudTrail responder against the sample events and in-memory AWS.

use super::fakes::*;
use crate::fake_iam::FakeIam;
use crate::trail;
use crate::{Decision, StepStatus};

#[test]
fn every_sample_gets_the_answer_a_responder_expects() {
    use Decision::{Contained, Ignored, Observed};
    let expected = [
        ("cloudtrail-stop-logging.json", Contained, "CRITICAL"),
        ("cloudtrail-stop-logging-denied.json", Observed, "CRITICAL"),
        ("cloudtrail-start-logging-by-cordon.json", Ignored, ""),
        ("cloudtrail-delete-trail.json", Observed, "CRITICAL"),
        ("cloudtrail-update-trail.json", Observed, "HIGH"),
        ("cloudtrail-put-event-selectors.json", Observed, "HIGH"),
        ("guardduty-delete-detector.json", Observed, "CRITICAL"),
        (
            "guardduty-update-detector-disable.json",
            Observed,
            "CRITICAL",
        ),
        ("securityhub-disable.json", Observed, "CRITICAL"),
        ("config-stop-recorder.json", Contained, "HIGH"),
        ("config-delete-recorder.json", Observed, "HIGH"),
        ("ec2-authorize-ssh-from-anywhere.json", Contained, "HIGH"),
        ("ec2-authorize-rdp-ipv6.json", Contained, "HIGH"),
        ("ec2-authorize-all-traffic.json", Contained, "HIGH"),
        ("ec2-authorize-https-from-anywhere.json", Ignored, ""),
        ("ec2-authorize-ssh-by-group-name.json", Contained, "HIGH"),
        (
            "ec2-modify-security-group-rules-ssh-open.json",
            Contained,
            "HIGH",
        ),
        ("ec2-modify-security-group-rules-narrower.json", Ignored, ""),
        (
            "ec2-authorize-ssh-legacy-no-rule-ids.json",
            Contained,
            "HIGH",
        ),
        ("signin-root-console-login.json", Observed, "CRITICAL"),
        ("signin-console-login-without-mfa.json", Observed, "MEDIUM"),
        ("signin-console-login-failed.json", Observed, "LOW"),
        ("iam-root-create-access-key.json", Observed, "CRITICAL"),
        ("iam-attach-admin-policy.json", Observed, "MEDIUM"),
        ("iam-put-role-policy-by-cordon.json", Ignored, ""),
        (
            "iam-put-role-policy-by-cordon-unexpected.json",
            Observed,
            "CRITICAL",
        ),
        ("kms-schedule-key-deletion.json", Observed, "HIGH"),
        ("kms-disable-key.json", Observed, "HIGH"),
        ("s3-put-bucket-policy.json", Observed, "MEDIUM"),
        ("s3-put-bucket-acl.json", Observed, "MEDIUM"),
        ("ec2-create-network-acl-entry.json", Observed, "MEDIUM"),
        ("ec2-create-route.json", Observed, "MEDIUM"),
        ("ec2-attach-internet-gateway.json", Observed, "MEDIUM"),
        ("ec2-create-nat-gateway.json", Observed, "MEDIUM"),
        ("ec2-create-vpc-peering-connection.json", Observed, "MEDIUM"),
        ("organizations-leave-organization.json", Observed, "HIGH"),
    ];
    let dir = format!("{}/../../events/cloudtrail", env!("CARGO_MANIFEST_DIR"));
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        expected.len(),
        "every CloudTrail sample needs an expectation here"
    );
    for (name, decision, severity) in expected {
        let (envelope, event) = sample(name);
        let verdict = trail::triage(&envelope, &event, &settings());
        assert_eq!(verdict.decision, decision, "{name}: {}", verdict.reason);
        if decision != Ignored {
            let finding = trail::response_finding(
                &envelope,
                &event,
                &verdict,
                &crate::Outcome::without_steps(decision, verdict.reason.clone()),
            );
            assert_eq!(finding.severity_label, severity, "{name}");
            finding.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(finding.id.ends_with(&event.event_id), "{name}");
            assert!(finding.source.is_none());
            assert!(!finding.product_fields["cordon/Controls"].is_empty());
        }
    }
}

#[test]
fn failed_calls_are_attempts_and_never_repaired() {
    let verdict = verdict_for("cloudtrail-stop-logging-denied.json", &settings());
    assert!(verdict.attempt);
    assert!(
        verdict.reason.contains("AccessDenied"),
        "{}",
        verdict.reason
    );
    let (envelope, event) = sample("cloudtrail-stop-logging-denied.json");
    let plan = trail::plan(&envelope.account, &event, &verdict, &settings());
    assert!(plan.repair.steps.is_empty());
}

#[test]
fn other_accounts_are_refused_and_cordons_own_calls_ignored() {
    let mut elsewhere = settings();
    elsewhere.allowed_accounts = vec!["111111111111".parse().unwrap()];
    let verdict = verdict_for("cloudtrail-stop-logging.json", &elsewhere);
    assert_eq!(verdict.decision, Decision::Ignored);
    assert!(verdict.reason.contains("refused"));

    let verdict = verdict_for("cloudtrail-start-logging-by-cordon.json", &settings());
    assert!(
        verdict.reason.contains("cordon's own role"),
        "{}",
        verdict.reason
    );
    // Without the role configured, cordon's StartLogging is a trail change like any other.
    let mut unknown_self = settings();
    unknown_self.own_roles.clear();
    let verdict = verdict_for("cloudtrail-start-logging-by-cordon.json", &unknown_self);
    assert_eq!(verdict.decision, Decision::Observed);
}

#[test]
fn cordons_own_policy_writes_are_checked_not_trusted() {
    // The session deny cordon writes wakes nothing.
    let verdict = verdict_for("iam-put-role-policy-by-cordon.json", &settings());
    assert_eq!(verdict.decision, Decision::Ignored, "{}", verdict.reason);

    // Anything else written with cordon's role is for people, first and CRITICAL.
    let (envelope, mut event) = sample("iam-put-role-policy-by-cordon.json");
    let deny_plus_allow = r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"2026-11-20T10:15:40Z"}}},{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}"#;
    let cases = [
        ("policyName", "maintenance"),
        ("policyDocument", deny_plus_allow),
        ("policyDocument", "not json"),
    ];
    for (field, value) in cases {
        let mut changed = event.clone();
        changed.request_parameters[field] = value.into();
        let verdict = trail::triage(&envelope, &changed, &settings());
        assert_eq!(verdict.decision, Decision::Observed, "{field}={value}");
        assert!(verdict.own_role_misused, "{field}={value}");
        assert!(
            verdict.reason.starts_with("cordon's own role"),
            "{}",
            verdict.reason
        );
        assert!(
            verdict.reason.contains("may be misused"),
            "{}",
            verdict.reason
        );
    }
    event.event_name = "AttachRolePolicy".into();
    event.request_parameters = serde_json::json!({
        "roleName": "web-server-role",
        "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"
    });
    let verdict = trail::triage(&envelope, &event, &settings());
    assert!(verdict.own_role_misused, "{}", verdict.reason);
    let finding = trail::response_finding(
        &envelope,
        &event,
        &verdict,
        &crate::Outcome::without_steps(verdict.decision, verdict.reason.clone()),
    );
    assert_eq!(finding.severity_label, "CRITICAL");
}

#[test]
fn only_the_world_open_admin_rule_is_planned_for_revocation() {
    let (envelope, event) = sample("ec2-authorize-ssh-from-anywhere.json");
    let verdict = trail::triage(&envelope, &event, &settings());
    let plan = trail::plan(&envelope.account, &event, &verdict, &settings());
    assert_eq!(plan.exposed.len(), 1);
    assert_eq!(
        plan.exposed[0].rule_id.as_ref().map(|r| r.as_str()),
        Some("sgr-0a1b2c3d4e5f60001")
    );
    let kinds: Vec<_> = plan.repair.steps.iter().map(|s| s.name()).collect();
    assert_eq!(kinds, ["check-exemption", "revoke-exposed-ingress"]);
}

#[tokio::test]
async fn stopped_logging_is_restarted_once_and_read_back() {
    let (audit, groups, iam) = (
        FakeAudit::default(),
        FakeGroups::default(),
        FakeIam::default(),
    );
    let run = respond(
        "cloudtrail-stop-logging.json",
        &settings(),
        &audit,
        &groups,
        &iam,
    )
    .await;
    assert_eq!(run.reports.len(), 1);
    assert_eq!(run.reports[0].status, StepStatus::Done, "{:?}", run.reports);
    assert_eq!(
        run.reports[0].target,
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/management-events"
    );
    // Re-delivered: logging is on, nothing is written again.
    let again = respond(
        "cloudtrail-stop-logging.json",
        &settings(),
        &audit,
        &groups,
        &iam,
    )
    .await;
    assert_eq!(again.reports[0].status, StepStatus::AlreadyDone);
    assert_eq!(*audit.starts.lock().unwrap(), 1);
    assert!(
        iam.writes().is_empty(),
        "the principal is left alone by default"
    );
}

#[tokio::test]
async fn a_start_that_does_not_read_back_fails() {
    let audit = FakeAudit {
        start_is_ignored: true,
        ..FakeAudit::default()
    };
    let run = respond(
        "cloudtrail-stop-logging.json",
        &settings(),
        &audit,
        &FakeGroups::default(),
        &FakeIam::default(),
    )
    .await;
    assert_eq!(run.reports[0].status, StepStatus::Failed);
}

#[tokio::test]
async fn a_stopped_recorder_is_restarted() {
    let audit = FakeAudit::default();
    let run = respond(
        "config-stop-recorder.json",
        &settings(),
        &audit,
        &FakeGroups::default(),
        &FakeIam::default(),
    )
    .await;
    assert_eq!(run.reports[0].name, "restart-config-recorder");
    assert_eq!(run.reports[0].status, StepStatus::Done);
    assert_eq!(run.reports[0].target, "default");
}

#[tokio::test]
async fn exactly_the_exposing_rule_is_revoked() {
    let groups = FakeGroups::with(&[
        ("sgr-0a1b2c3d4e5f60001", "0.0.0.0/0", 22),
        ("sgr-0a1b2c3d4e5f60002", "10.0.0.0/8", 22),
        ("sgr-0a1b2c3d4e5f6000a", "0.0.0.0/0", 443),
    ]);
    let run = respond(
        "ec2-authorize-ssh-from-anywhere.json",
        &settings(),
        &FakeAudit::default(),
        &groups,
        &FakeIam::default(),
    )
    .await;
    assert_eq!(run.reports[1].status, StepStatus::Done, "{:?}", run.reports);
    assert_eq!(*groups.revoked.lock().unwrap(), ["sgr-0a1b2c3d4e5f60001"]);
    assert_eq!(groups.rules.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_legacy_event_is_revoked_by_the_rule_it_describes() {
    let groups = FakeGroups::with(&[
        ("sgr-0a1b2c3d4e5f60001", "0.0.0.0/0", 22),
        ("sgr-0a1b2c3d4e5f60002", "10.0.0.0/8", 22),
    ]);
    let run = respond(
        "ec2-authorize-ssh-legacy-no-rule-ids.json",
        &settings(),
        &FakeAudit::default(),
        &groups,
        &FakeIam::default(),
    )
    .await;
    assert_eq!(run.reports[1].status, StepStatus::Done, "{:?}", run.reports);
    assert_eq!(*groups.revoked.lock().unwrap(), ["sgr-0a1b2c3d4e5f60001"]);
}

#[tokio::test]
async fn an_exempt_or_unreadable_group_is_not_touched() {
    let mut exempt = FakeGroups::with(&[("sgr-0a1b2c3d4e5f60001", "0.0.0.0/0", 22)]);
    exempt.tags = vec![("cordon:exempt".into(), "bastion".into())];
    let run = respond(
        "ec2-authorize-ssh-from-anywhere.json",
        &settings(),
        &FakeAudit::default(),
        &exempt,
        &FakeIam::default(),
    )
    .await;
    assert_eq!(run.reports[1].status, StepStatus::Skipped);
    assert!(exempt.revoked.lock().unwrap().is_empty());

    let mut unreadable = FakeGroups::with(&[("sgr-0a1b2c3d4e5f60001", "0.0.0.0/0", 22)]);
    unreadable.tags_unreadable = true;
    let run = respond(
        "ec2-authorize-ssh-from-anywhere.json",
        &settings(),
        &FakeAudit::default(),
        &unreadable,
        &FakeIam::default(),
    )
    .await;
    assert_eq!(run.reports[0].status, StepStatus::Failed);
    assert_eq!(run.reports[1].status, StepStatus::Failed);
    assert!(unreadable.revoked.lock().unwrap().is_empty());
}

#[tokio::test]
async fn the_tampering_principal_is_contained_when_configured() {
    let mut settings = settings();
    settings.contain_principal = true;
    let iam = FakeIam::default();
    iam.keys
        .lock()
        .unwrap()
        .insert("AKIAEXAMPLEKEY000007".into(), "Active".into());
    let run = respond(
        "cloudtrail-stop-logging.json",
        &settings,
        &FakeAudit::default(),
        &FakeGroups::default(),
        &iam,
    )
    .await;
    let principal = run.principal.expect("the principal's playbook ran");
    assert!(
        principal.reports.iter().all(|r| r.status.is_ok()),
        "{:?}",
        principal.reports
    );
    assert_eq!(iam.keys.lock().unwrap()["AKIAEXAMPLEKEY000007"], "Inactive");

    // A break-glass principal is spared, and the finding says why.
    settings.break_glass = vec!["mallory".into()];
    let (envelope, event) = sample("cloudtrail-stop-logging.json");
    let verdict = trail::triage(&envelope, &event, &settings);
    let plan = trail::plan(&envelope.account, &event, &verdict, &settings);
    assert!(plan.principal.is_none());
    assert!(plan.principal_spared.unwrap().contains("break-glass"));
}
