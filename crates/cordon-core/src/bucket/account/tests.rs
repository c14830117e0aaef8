//! The account-block playbook and its triage, against an in-memory S3 Control.

use crate::bucket::{self, Exposure, account};
use crate::fake_buckets::FakeBuckets;
use crate::guardduty::TriagePolicy;
use crate::ports::PublicAccessBlock;
use crate::{Decision, Outcome, StepStatus};
use cordon_events::{Event, GuardDutyFinding, parse_event};
use serde_json::{Value, json};

const DISABLED: &str =
    include_str!("../../../../../events/guardduty/s3-account-block-public-access-disabled.json");

fn policy(floor: f64) -> TriagePolicy {
    TriagePolicy {
        severity_floor: floor,
        allowed_accounts: vec!["123456789012".parse().unwrap()],
        exempt_tag: "cordon:exempt".into(),
    }
}

fn parsed(raw: &str) -> GuardDutyFinding {
    match parse_event(raw.as_bytes()).unwrap() {
        Event::GuardDuty(_, finding) => *finding,
        other => panic!("not a finding: {other:?}"),
    }
}

/// The account finding with its `detail` edited.
fn disabled_with(edit: impl FnOnce(&mut Value)) -> GuardDutyFinding {
    let mut event: Value = serde_json::from_str(DISABLED).unwrap();
    edit(&mut event["detail"]);
    serde_json::from_value(event["detail"].clone()).unwrap()
}

fn incident() -> account::AccountBlockIncident {
    match Exposure::from_finding(&parsed(DISABLED)) {
        Some(Ok(Exposure::Account(incident))) => incident,
        other => panic!("not an account incident: {other:?}"),
    }
}

async fn run(fake: &FakeBuckets) -> account::AccountRun {
    let incident = incident();
    account::execute(fake, &incident, &account::plan(&incident)).await
}

const HALF_OFF: PublicAccessBlock = PublicAccessBlock {
    block_public_acls: true,
    ignore_public_acls: false,
    block_public_policy: true,
    restrict_public_buckets: false,
};

#[test]
fn the_low_severity_finding_is_observed_below_the_default_floor_and_contained_above_it() {
    let verdict = bucket::triage(&parsed(DISABLED), &policy(4.0), &[]);
    assert_eq!(verdict.decision, Decision::Observed);
    assert!(
        verdict.reason.contains("below the containment floor"),
        "{}",
        verdict.reason
    );
    let verdict = bucket::triage(&parsed(DISABLED), &policy(1.0), &[]);
    assert_eq!(verdict.decision, Decision::Contained, "{}", verdict.reason);
    assert!(
        verdict.reason.contains("account 123456789012"),
        "{}",
        verdict.reason
    );
}

#[test]
fn the_account_is_the_findings_whatever_resource_it_carries() {
    // GuardDuty documents AccessKey for findings from management events; a finding
    // listing a bucket has that bucket left alone: the account is acted on.
    let as_key = disabled_with(|d| {
        d["resource"]["resourceType"] = "AccessKey".into();
        d["resource"]
            .as_object_mut()
            .unwrap()
            .remove("s3BucketDetails");
    });
    let with_bucket = disabled_with(|d| {
        d["resource"]["s3BucketDetails"] =
            json!([{ "name": "example-data-lake", "arn": "arn:aws:s3:::example-data-lake" }]);
    });
    for finding in [parsed(DISABLED), as_key, with_bucket] {
        assert_eq!(
            bucket::triage(&finding, &policy(1.0), &[]).decision,
            Decision::Contained
        );
        let Some(Ok(Exposure::Account(incident))) = Exposure::from_finding(&finding) else {
            panic!("not an account incident");
        };
        assert_eq!(incident.account_id.as_str(), "123456789012");
        assert_eq!(incident.resource_id(), "AWS::::Account:123456789012");
    }
}

#[test]
fn another_account_samples_and_archived_findings_are_observed() {
    let elsewhere = disabled_with(|d| d["accountId"] = "210987654321".into());
    let sample = disabled_with(|d| d["service"]["additionalInfo"] = json!({ "sample": true }));
    let archived = disabled_with(|d| d["service"]["archived"] = true.into());
    for finding in [elsewhere, sample, archived] {
        let verdict = bucket::triage(&finding, &policy(1.0), &[]);
        assert_eq!(verdict.decision, Decision::Observed, "{}", verdict.reason);
    }
}

#[test]
fn a_block_a_break_glass_principal_switched_off_is_left_to_people() {
    for entry in ["bob", "arn:aws:iam::123456789012:user/ops/bob"] {
        let verdict = bucket::triage(&parsed(DISABLED), &policy(1.0), &[entry.to_owned()]);
        assert_eq!(verdict.decision, Decision::Observed, "{entry}");
        assert!(verdict.reason.contains("break-glass"), "{}", verdict.reason);
    }
    // Another principal's name decides nothing.
    let verdict = bucket::triage(&parsed(DISABLED), &policy(1.0), &["alice".to_owned()]);
    assert_eq!(verdict.decision, Decision::Contained);
}

#[test]
fn the_incident_names_who_switched_it_off() {
    assert_eq!(
        incident().changed_by.as_deref(),
        Some(
            "bob (IAMUser, AKIAEXAMPLEKEY000007) called PutAccountPublicAccessBlock from 198.51.100.23"
        )
    );
}

#[tokio::test]
async fn an_account_without_a_block_gets_all_four_settings_read_back() {
    let fake = FakeBuckets::with_account_block(None);
    let run = run(&fake).await;
    assert_eq!(run.before, Some(None));
    assert_eq!(run.reports.len(), 1);
    assert_eq!(run.reports[0].name, "block-account-public-access");
    assert_eq!(run.reports[0].status, StepStatus::Done);
    assert!(
        run.reports[0]
            .detail
            .contains("before: no public-access block"),
        "{}",
        run.reports[0].detail
    );
    assert_eq!(
        *fake.account_block.lock().unwrap(),
        Some(PublicAccessBlock::ALL_ON)
    );
    // The bucket's own block is not the account's: untouched.
    assert_eq!(*fake.block.lock().unwrap(), None);
    assert_eq!(
        fake.writes(),
        [format!(
            "put-account-public-access-block 123456789012 {}",
            PublicAccessBlock::ALL_ON
        )]
    );
}

#[tokio::test]
async fn a_partial_block_is_recorded_then_completed_and_a_repeat_writes_nothing() {
    let fake = FakeBuckets::with_account_block(Some(HALF_OFF));
    let first = run(&fake).await;
    assert_eq!(first.before, Some(Some(HALF_OFF)));
    assert!(
        first.reports[0].detail.contains("IgnorePublicAcls=off"),
        "{}",
        first.reports[0].detail
    );
    let again = run(&fake).await;
    assert_eq!(again.reports[0].status, StepStatus::AlreadyDone);
    assert_eq!(fake.writes().len(), 1, "the repeat wrote nothing");
}

#[tokio::test]
async fn an_unreadable_block_is_not_written_and_fails() {
    let fake = FakeBuckets {
        account_block_unreadable: true,
        ..FakeBuckets::default()
    };
    let run = run(&fake).await;
    assert_eq!(run.reports[0].status, StepStatus::Failed);
    assert!(
        run.reports[0]
            .detail
            .contains("s3:GetAccountPublicAccessBlock failed (AccessDenied)"),
        "{}",
        run.reports[0].detail
    );
    assert!(fake.writes().is_empty());
}

#[tokio::test]
async fn a_put_that_does_not_read_back_fails_the_step() {
    let fake = FakeBuckets {
        put_ignored: true,
        ..FakeBuckets::with_account_block(Some(HALF_OFF))
    };
    let run = run(&fake).await;
    assert_eq!(run.reports[0].status, StepStatus::Failed);
    assert!(
        run.reports[0].detail.contains("read back"),
        "{}",
        run.reports[0].detail
    );
}

#[test]
fn the_response_finding_names_the_account_and_who_switched_it_off() {
    let incident = incident();
    let outcome = Outcome::without_steps(Decision::Contained, "blocked");
    let finding = account::response_finding(&incident, "2025-08-12T15:22:41.117Z", &outcome);
    assert_eq!(
        finding.id,
        format!(
            "cordon/contain-bucket/123456789012/us-east-1/{}",
            incident.finding_id
        )
    );
    assert_eq!(finding.resources[0].id(), "AWS::::Account:123456789012");
    assert!(
        finding.description.contains("Changed by bob"),
        "{}",
        finding.description
    );
    let message = account::notification(&incident, &outcome, &finding);
    assert!(
        message.subject.contains("account 123456789012"),
        "{}",
        message.subject
    );
}
