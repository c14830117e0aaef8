//! The Lambda playbook, its triage and its release, against in-memory Lambda, IAM and
//! ledger.

use crate::fake_functions::{FakeFunctions, ROLE_ARN};
use crate::fake_iam::FakeIam;
use crate::fake_ledger::MemoryLedger;
use crate::guardduty::TriagePolicy;
use crate::lambda::{self, FunctionRun, LambdaIncident, Released, record_subject};
use crate::names::{ORIGINAL_CONCURRENCY_TAG, REVOKE_SESSIONS_POLICY, STATUS_TAG};
use crate::ports::{FunctionControls, IncidentLedger, Principal, PrincipalCredentials};
use crate::{Decision, Exemption, HandsOff, StepKind, StepReport, StepStatus};
use cordon_events::{Event, GuardDutyFinding, ResourceRole, parse_event};
use serde_json::Value;

const C2: &str = include_str!("../../../../events/guardduty/lambda-c2-activity.json");
const EXEMPT: &str = "cordon:exempt";
const NOW: &str = "2025-06-14T09:06:00Z";

/// The finding with its `detail` edited, past the parser's checks (as triage would
/// see it if they let it through).
fn finding_with(edit: impl FnOnce(&mut Value)) -> GuardDutyFinding {
    let mut event: Value = serde_json::from_str(C2).unwrap();
    edit(&mut event["detail"]);
    serde_json::from_value(event["detail"].clone()).unwrap()
}

#[test]
fn the_event_parses_and_the_parser_refuses_a_function_it_cannot_name() {
    assert!(matches!(
        parse_event(C2.as_bytes()),
        Ok(Event::GuardDuty(..))
    ));
    let mut event: Value = serde_json::from_str(C2).unwrap();
    event["detail"]["resource"]["lambdaDetails"]["functionName"] = "billing".into();
    let err = parse_event(event.to_string().as_bytes()).unwrap_err();
    assert!(
        err.to_string().contains("lambdaDetails.functionName"),
        "{err}"
    );
}

fn finding() -> GuardDutyFinding {
    finding_with(|_| {})
}

fn policy() -> TriagePolicy {
    TriagePolicy {
        severity_floor: 4.0,
        allowed_accounts: vec!["123456789012".parse().unwrap()],
        exempt_tag: EXEMPT.into(),
    }
}

fn hands_off(break_glass: &[&str]) -> HandsOff {
    HandsOff {
        exempt_tag: EXEMPT.into(),
        break_glass: break_glass.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn incident() -> LambdaIncident {
    LambdaIncident::from_finding(&finding()).unwrap().unwrap()
}

async fn run_with(functions: &FakeFunctions, iam: &FakeIam, hands_off: &HandsOff) -> FunctionRun {
    let incident = incident();
    let plan = lambda::plan(&incident, EXEMPT);
    lambda::execute(functions, iam, &incident, &plan, hands_off, NOW).await
}

async fn run(functions: &FakeFunctions, iam: &FakeIam) -> FunctionRun {
    run_with(functions, iam, &hands_off(&[])).await
}

fn status(reports: &[StepReport], kind: StepKind) -> StepStatus {
    reports
        .iter()
        .find(|r| r.name == kind.name())
        .unwrap_or_else(|| panic!("no {} in {reports:?}", kind.name()))
        .status
}

fn role() -> Principal {
    Principal::Role("thumbnailer-role".into())
}

#[test]
fn the_incident_names_the_function_in_the_findings_account_and_region() {
    let incident = incident();
    assert_eq!(incident.function.as_str(), "thumbnailer");
    assert_eq!(
        incident.function_arn,
        "arn:aws:lambda:us-east-1:123456789012:function:thumbnailer"
    );
    assert_eq!(incident.reported_role.as_deref(), Some(ROLE_ARN));
    assert_eq!(incident.version.as_deref(), Some("$LATEST"));
}

#[test]
fn a_function_cordon_cannot_name_exactly_is_not_acted_on() {
    type Edit = fn(&mut Value);
    let cases: [(&str, Edit); 4] = [
        ("another account", |d| {
            d["resource"]["lambdaDetails"]["functionArn"] =
                "arn:aws:lambda:us-east-1:999999999999:function:thumbnailer".into();
        }),
        ("name and ARN disagree", |d| {
            d["resource"]["lambdaDetails"]["functionName"] = "billing".into();
        }),
        ("not a function name", |d| {
            d["resource"]["lambdaDetails"]["functionName"] = "../thumbnailer".into();
            d["resource"]["lambdaDetails"]["functionArn"] = Value::Null;
        }),
        ("another region", |d| {
            d["resource"]["lambdaDetails"]["functionArn"] =
                "arn:aws:lambda:eu-west-1:123456789012:function:thumbnailer".into();
        }),
    ];
    for (case, edit) in cases {
        let finding = finding_with(edit);
        assert!(
            match LambdaIncident::from_finding(&finding) {
                Some(Err(_)) => true,
                Some(Ok(incident)) => incident.elsewhere.is_some(),
                None => false,
            },
            "{case}"
        );
        let verdict = lambda::triage(&finding, &policy());
        assert_eq!(verdict.decision, Decision::Observed, "{case}: {verdict:?}");
        assert!(
            verdict.reason.starts_with("not acting"),
            "{case}: {verdict:?}"
        );
    }
}

#[test]
fn every_lambda_family_is_contained_and_other_findings_are_not() {
    for kind in [
        "Backdoor:Lambda/C&CActivity.B",
        "CryptoCurrency:Lambda/BitcoinTool.B",
        "Trojan:Lambda/BlackholeTraffic",
        "Trojan:Lambda/DropPoint",
        "UnauthorizedAccess:Lambda/MaliciousIPCaller.Custom",
        "UnauthorizedAccess:Lambda/TorClient",
        "UnauthorizedAccess:Lambda/TorRelay",
    ] {
        let verdict = lambda::triage(&finding_with(|d| d["type"] = kind.into()), &policy());
        assert_eq!(verdict.decision, Decision::Contained, "{kind}: {verdict:?}");
    }
    let verdict = lambda::triage(
        &finding_with(|d| d["type"] = "Recon:EC2/Portscan".into()),
        &policy(),
    );
    assert_eq!(verdict.decision, Decision::Observed);
}

#[test]
fn a_target_low_severity_foreign_or_sample_finding_is_only_observed() {
    let target = finding_with(|d| d["service"]["resourceRole"] = "TARGET".into());
    assert_eq!(target.service.resource_role, Some(ResourceRole::Target));
    let low = finding_with(|d| d["severity"] = 2.into());
    let foreign = finding_with(|d| {
        d["accountId"] = "999999999999".into();
        d["resource"]["lambdaDetails"]["functionArn"] =
            "arn:aws:lambda:us-east-1:999999999999:function:thumbnailer".into();
    });
    let sample = finding_with(|d| d["service"]["additionalInfo"]["sample"] = true.into());
    for (case, finding) in [
        ("target", target),
        ("low", low),
        ("foreign", foreign),
        ("sample", sample),
    ] {
        let verdict = lambda::triage(&finding, &policy());
        assert_eq!(verdict.decision, Decision::Observed, "{case}: {verdict:?}");
    }
    let no_role = finding_with(|d| {
        d["service"].as_object_mut().unwrap().remove("resourceRole");
    });
    assert_eq!(
        lambda::triage(&no_role, &policy()).decision,
        Decision::Contained
    );
}

#[tokio::test]
async fn the_function_is_throttled_its_role_denied_and_tagged_each_read_back() {
    let functions = FakeFunctions::with_reserved(None);
    let iam = FakeIam::default();
    let run = run(&functions, &iam).await;
    assert_eq!(run.exemption, Exemption::NotExempt);
    assert!(
        run.reports.iter().all(|r| r.status == StepStatus::Done),
        "{:?}",
        run.reports
    );
    assert_eq!(*functions.reserved.lock().unwrap(), Some(0));
    assert_eq!(
        functions.tag(ORIGINAL_CONCURRENCY_TAG).as_deref(),
        Some("unreserved")
    );
    assert_eq!(functions.tag(STATUS_TAG).as_deref(), Some("contained"));
    assert_eq!(
        run.pre_incident
            .get("thumbnailer", ORIGINAL_CONCURRENCY_TAG),
        Some("unreserved")
    );
    let deny = iam
        .principal_policy(&role(), REVOKE_SESSIONS_POLICY)
        .await
        .unwrap()
        .unwrap();
    assert!(deny.contains(NOW), "{deny}");
}

#[tokio::test]
async fn a_repeat_writes_nothing_new_and_keeps_the_first_record() {
    let functions = FakeFunctions::with_reserved(Some(25));
    let iam = FakeIam::default();
    run(&functions, &iam).await;
    let writes = functions.writes().len();
    let again = run(&functions, &iam).await;
    assert_eq!(
        status(&again.reports, StepKind::ThrottleFunction),
        StepStatus::AlreadyDone
    );
    assert_eq!(
        status(&again.reports, StepKind::RevokeRoleSessions),
        StepStatus::AlreadyDone
    );
    // Only the incident tags are restated.
    assert_eq!(
        functions.writes().len(),
        writes + 1,
        "{:?}",
        functions.writes()
    );
    assert_eq!(
        again
            .pre_incident
            .get("thumbnailer", ORIGINAL_CONCURRENCY_TAG),
        Some("25")
    );
}

#[tokio::test]
async fn an_exempt_missing_or_unreadable_function_is_not_touched() {
    let exempt = FakeFunctions::default();
    exempt
        .tags
        .lock()
        .unwrap()
        .push((EXEMPT.into(), "incident-drill".into()));
    let missing = FakeFunctions {
        missing: true,
        ..FakeFunctions::default()
    };
    let unreadable = FakeFunctions {
        tags_unreadable: true,
        ..FakeFunctions::default()
    };
    for (functions, expected) in [
        (&exempt, "Exempt"),
        (&missing, "PrincipalMissing"),
        (&unreadable, "Unknown"),
    ] {
        let iam = FakeIam::default();
        let run = run(functions, &iam).await;
        assert!(format!("{:?}", run.exemption).starts_with(expected));
        assert!(
            functions.writes().is_empty(),
            "{expected}: {:?}",
            functions.writes()
        );
        assert!(iam.writes().is_empty(), "{expected}");
        assert_eq!(*functions.reserved.lock().unwrap(), None);
    }
}

#[tokio::test]
async fn a_throttle_that_does_not_read_back_fails() {
    let functions = FakeFunctions {
        put_ignored: true,
        ..FakeFunctions::default()
    };
    let run = run(&functions, &FakeIam::default()).await;
    assert_eq!(
        status(&run.reports, StepKind::ThrottleFunction),
        StepStatus::Failed
    );
}

#[tokio::test]
async fn a_break_glass_exempt_or_foreign_role_keeps_its_sessions() {
    let iam = FakeIam::default();
    let glass = run_with(
        &FakeFunctions::default(),
        &iam,
        &hands_off(&["thumbnailer-role"]),
    )
    .await;
    assert_eq!(
        status(&glass.reports, StepKind::RevokeRoleSessions),
        StepStatus::Skipped
    );
    let exempt_role = FakeIam::default();
    exempt_role
        .tags
        .lock()
        .unwrap()
        .push((EXEMPT.into(), "true".into()));
    let exempt = run(&FakeFunctions::default(), &exempt_role).await;
    assert_eq!(
        status(&exempt.reports, StepKind::RevokeRoleSessions),
        StepStatus::Skipped
    );
    assert!(iam.writes().is_empty() && exempt_role.writes().is_empty());
    let foreign = FakeFunctions {
        role_arn: "arn:aws:iam::999999999999:role/elsewhere".into(),
        ..FakeFunctions::default()
    };
    let run = run(&foreign, &FakeIam::default()).await;
    assert_eq!(
        status(&run.reports, StepKind::RevokeRoleSessions),
        StepStatus::Failed
    );
    // The throttle stands whatever happens to the role.
    assert_eq!(*foreign.reserved.lock().unwrap(), Some(0));
}

async fn contain_and_keep(functions: &FakeFunctions, iam: &FakeIam, ledger: &MemoryLedger) {
    let contained = run(functions, iam).await;
    let subject = record_subject("123456789012", &incident().function);
    ledger
        .keep_record(&subject, &contained.pre_incident.to_entries())
        .await
        .unwrap();
}

async fn release(
    functions: &FakeFunctions,
    iam: &FakeIam,
    ledger: Option<&MemoryLedger>,
) -> Vec<StepReport> {
    let incident = incident();
    let target = Released {
        account: &incident.account_id,
        function: &incident.function,
        function_arn: &incident.function_arn,
    };
    lambda::release(functions, iam, ledger, target, false).await
}

#[tokio::test]
async fn release_restores_the_recorded_concurrency_and_lifts_the_deny() {
    for before in [None, Some(25)] {
        let (functions, iam, ledger) = (
            FakeFunctions::with_reserved(before),
            FakeIam::default(),
            MemoryLedger::default(),
        );
        contain_and_keep(&functions, &iam, &ledger).await;
        let reports = release(&functions, &iam, Some(&ledger)).await;
        assert!(
            reports.iter().all(|r| r.status == StepStatus::Done),
            "{reports:?}"
        );
        assert_eq!(*functions.reserved.lock().unwrap(), before);
        assert_eq!(functions.tag(STATUS_TAG).as_deref(), Some("released"));
        assert_eq!(
            iam.principal_policy(&role(), REVOKE_SESSIONS_POLICY)
                .await
                .unwrap(),
            None
        );
        let subject = record_subject("123456789012", &incident().function);
        assert!(ledger.kept_record(&subject).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn release_refuses_a_rewritten_tag_and_a_function_it_has_no_record_of() {
    let (functions, iam, ledger) = (
        FakeFunctions::with_reserved(Some(5)),
        FakeIam::default(),
        MemoryLedger::default(),
    );
    contain_and_keep(&functions, &iam, &ledger).await;
    let rewritten = [(ORIGINAL_CONCURRENCY_TAG.to_owned(), "900".to_owned())];
    functions
        .tag_function(&incident().function_arn, &rewritten)
        .await
        .unwrap();
    let reports = release(&functions, &iam, Some(&ledger)).await;
    assert_eq!(
        status(&reports, StepKind::RestoreConcurrency),
        StepStatus::Failed
    );
    assert!(reports[0].detail.contains("disagrees"), "{reports:?}");
    assert_eq!(*functions.reserved.lock().unwrap(), Some(0));
    assert_eq!(
        status(&reports, StepKind::MarkReleased),
        StepStatus::Skipped
    );

    let never = FakeFunctions::with_reserved(Some(0));
    never
        .tags
        .lock()
        .unwrap()
        .push((ORIGINAL_CONCURRENCY_TAG.into(), "900".into()));
    let reports = release(&never, &FakeIam::default(), Some(&MemoryLedger::default())).await;
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].status, StepStatus::Failed);
    assert!(never.writes().is_empty());
}

#[tokio::test]
async fn without_a_ledger_release_restores_from_the_tag() {
    let (functions, iam) = (FakeFunctions::with_reserved(Some(7)), FakeIam::default());
    run(&functions, &iam).await;
    let reports = release(&functions, &iam, None).await;
    assert!(reports.iter().all(|r| r.status.is_ok()), "{reports:?}");
    assert_eq!(*functions.reserved.lock().unwrap(), Some(7));
}

#[tokio::test]
async fn a_concurrency_someone_changed_since_is_left_alone() {
    let (functions, iam, ledger) = (
        FakeFunctions::with_reserved(None),
        FakeIam::default(),
        MemoryLedger::default(),
    );
    contain_and_keep(&functions, &iam, &ledger).await;
    *functions.reserved.lock().unwrap() = Some(3);
    let reports = release(&functions, &iam, Some(&ledger)).await;
    assert_eq!(
        status(&reports, StepKind::RestoreConcurrency),
        StepStatus::Skipped
    );
    assert_eq!(*functions.reserved.lock().unwrap(), Some(3));
}
