//! The bucket playbook and its triage, against an in-memory S3.

use crate::bucket::{self, BucketIncident};
use crate::fake_buckets::FakeBuckets;
use crate::guardduty::TriagePolicy;
use crate::ports::PublicAccessBlock;
use crate::{Decision, Exemption, Outcome, StepStatus};
use cordon_events::{Event, GuardDutyFinding, parse_event};
use serde_json::Value;

const GRANTED: &str =
    include_str!("../../../../events/guardduty/s3-bucket-public-access-granted.json");
const DISABLED: &str =
    include_str!("../../../../events/guardduty/s3-bucket-block-public-access-disabled.json");
const ANONYMOUS: &str =
    include_str!("../../../../events/guardduty/s3-bucket-anonymous-access-granted.json");
const EXEMPT: &str = "cordon:exempt";

fn parsed(raw: &str) -> GuardDutyFinding {
    match parse_event(raw.as_bytes()).unwrap() {
        Event::GuardDuty(_, finding) => *finding,
        other => panic!("not a finding: {other:?}"),
    }
}

/// The granted finding with its `detail` edited.
fn granted_with(edit: impl FnOnce(&mut Value)) -> GuardDutyFinding {
    let mut event: Value = serde_json::from_str(GRANTED).unwrap();
    edit(&mut event["detail"]);
    serde_json::from_value(event["detail"].clone()).unwrap()
}

fn policy() -> TriagePolicy {
    TriagePolicy {
        severity_floor: 4.0,
        allowed_accounts: vec!["123456789012".parse().unwrap()],
        exempt_tag: EXEMPT.into(),
    }
}

fn incident(finding: &GuardDutyFinding) -> BucketIncident {
    BucketIncident::from_finding(finding).unwrap().unwrap()
}

async fn run(fake: &FakeBuckets) -> bucket::BucketRun {
    let incident = incident(&parsed(GRANTED));
    let plan = bucket::plan(&incident, EXEMPT);
    bucket::execute(fake, &incident, &plan, EXEMPT).await
}

const HALF_OFF: PublicAccessBlock = PublicAccessBlock {
    block_public_acls: true,
    ignore_public_acls: true,
    block_public_policy: false,
    restrict_public_buckets: false,
};

#[test]
fn public_and_anonymous_access_are_contained() {
    for raw in [GRANTED, ANONYMOUS] {
        let verdict = bucket::triage(&parsed(raw), &policy(), &[]);
        assert_eq!(verdict.decision, Decision::Contained, "{}", verdict.reason);
    }
}

#[test]
fn a_low_severity_block_disabled_is_observed_below_the_floor() {
    let verdict = bucket::triage(&parsed(DISABLED), &policy(), &[]);
    assert_eq!(verdict.decision, Decision::Observed);
    assert!(
        verdict.reason.contains("below the containment floor"),
        "{}",
        verdict.reason
    );
    let low_floor = TriagePolicy {
        severity_floor: 1.0,
        ..policy()
    };
    let verdict = bucket::triage(&parsed(DISABLED), &low_floor, &[]);
    assert_eq!(verdict.decision, Decision::Contained, "{}", verdict.reason);
}

#[test]
fn samples_archived_and_other_accounts_are_observed() {
    let sample =
        granted_with(|d| d["service"]["additionalInfo"] = serde_json::json!({"sample": true}));
    let archived = granted_with(|d| d["service"]["archived"] = true.into());
    let elsewhere = granted_with(|d| d["accountId"] = "210987654321".into());
    for finding in [sample, archived, elsewhere] {
        assert_eq!(
            bucket::triage(&finding, &policy(), &[]).decision,
            Decision::Observed
        );
    }
}

#[test]
fn other_s3_types_are_not_this_playbook() {
    for kind in [
        "Discovery:S3/MaliciousIPCaller",
        "Stealth:S3/ServerAccessLoggingDisabled",
    ] {
        let finding = granted_with(|d| d["type"] = kind.into());
        assert_eq!(
            bucket::triage(&finding, &policy(), &[]).decision,
            Decision::Observed,
            "{kind}"
        );
    }
}

#[test]
fn a_finding_without_a_bucket_is_ignored() {
    let finding = granted_with(|d| {
        d["resource"]
            .as_object_mut()
            .unwrap()
            .remove("s3BucketDetails");
    });
    assert_eq!(
        bucket::triage(&finding, &policy(), &[]).decision,
        Decision::Ignored
    );
}

#[test]
fn a_malformed_or_ambiguous_bucket_fails_closed() {
    let cases = [
        granted_with(|d| d["resource"]["s3BucketDetails"][0]["name"] = "../Evil Bucket".into()),
        granted_with(|d| d["resource"]["s3BucketDetails"][0]["arn"] = "arn:aws:s3:::other".into()),
        granted_with(|d| {
            let first = d["resource"]["s3BucketDetails"][0].clone();
            d["resource"]["s3BucketDetails"]
                .as_array_mut()
                .unwrap()
                .push(first);
        }),
        granted_with(|d| {
            d["resource"]["s3BucketDetails"][0]
                .as_object_mut()
                .unwrap()
                .remove("name");
        }),
    ];
    for finding in cases {
        let verdict = bucket::triage(&finding, &policy(), &[]);
        assert_eq!(verdict.decision, Decision::Observed, "{}", verdict.reason);
        assert!(
            verdict.reason.starts_with("not acting"),
            "{}",
            verdict.reason
        );
    }
}

#[test]
fn the_incident_names_who_changed_the_bucket() {
    let incident = incident(&parsed(GRANTED));
    assert_eq!(incident.bucket.as_str(), "example-public-assets");
    assert_eq!(incident.bucket_arn, "arn:aws:s3:::example-public-assets");
    assert_eq!(
        incident.changed_by.as_deref(),
        Some("bob (IAMUser, AKIAEXAMPLEKEY000007) called PutBucketPolicy from 198.51.100.23")
    );
}

#[tokio::test]
async fn a_bucket_without_a_block_gets_all_four_settings_read_back() {
    let fake = FakeBuckets::with_block(None);
    let run = run(&fake).await;
    assert_eq!(run.exemption, Exemption::NotExempt);
    assert_eq!(run.before, Some(None));
    let statuses: Vec<_> = run
        .reports
        .iter()
        .map(|r| (r.name.as_str(), r.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("check-exemption", StepStatus::Done),
            ("block-bucket-public-access", StepStatus::Done)
        ]
    );
    assert!(
        run.reports[1]
            .detail
            .contains("before: no public-access block")
    );
    assert_eq!(*fake.block.lock().unwrap(), Some(PublicAccessBlock::ALL_ON));
    assert_eq!(fake.writes().len(), 1);
}

#[tokio::test]
async fn a_partial_block_is_recorded_then_completed_and_a_repeat_writes_nothing() {
    let fake = FakeBuckets::with_block(Some(HALF_OFF));
    let first = run(&fake).await;
    assert_eq!(first.before, Some(Some(HALF_OFF)));
    assert!(
        first.reports[1].detail.contains("BlockPublicPolicy=off"),
        "{}",
        first.reports[1].detail
    );
    let again = run(&fake).await;
    assert_eq!(again.reports[1].status, StepStatus::AlreadyDone);
    assert_eq!(fake.writes().len(), 1, "the repeat wrote nothing");
}

#[tokio::test]
async fn an_exempt_bucket_is_untouched() {
    let fake = FakeBuckets::with_block(None);
    fake.tags
        .lock()
        .unwrap()
        .push((EXEMPT.into(), "pentest".into()));
    let run = run(&fake).await;
    assert_eq!(
        run.exemption,
        Exemption::Exempt("cordon:exempt=pentest".into())
    );
    assert_eq!(run.reports[1].status, StepStatus::Skipped);
    assert!(fake.writes().is_empty());
    // `false` is not an exemption.
    let fake = FakeBuckets::with_block(None);
    fake.tags
        .lock()
        .unwrap()
        .push((EXEMPT.into(), "False".into()));
    assert_eq!(run_exemption(&fake).await, Exemption::NotExempt);
}

async fn run_exemption(fake: &FakeBuckets) -> Exemption {
    run(fake).await.exemption
}

#[tokio::test]
async fn unreadable_tags_mean_no_write_and_a_failure() {
    let fake = FakeBuckets {
        tags_unreadable: true,
        ..FakeBuckets::with_block(None)
    };
    let run = run(&fake).await;
    assert!(matches!(run.exemption, Exemption::Unknown(_)));
    assert_eq!(run.reports[0].status, StepStatus::Failed);
    assert_eq!(run.reports[1].status, StepStatus::Skipped);
    assert!(fake.writes().is_empty());
}

#[tokio::test]
async fn a_missing_bucket_is_nothing_to_contain() {
    let fake = FakeBuckets {
        missing: true,
        ..FakeBuckets::default()
    };
    let run = run(&fake).await;
    assert_eq!(run.exemption, Exemption::PrincipalMissing);
    assert!(fake.writes().is_empty());
}

#[tokio::test]
async fn a_put_that_does_not_read_back_fails_the_step() {
    let fake = FakeBuckets {
        put_ignored: true,
        ..FakeBuckets::with_block(Some(HALF_OFF))
    };
    let run = run(&fake).await;
    assert_eq!(run.reports[1].status, StepStatus::Failed);
    assert!(
        run.reports[1].detail.contains("read back"),
        "{}",
        run.reports[1].detail
    );
}

#[test]
fn the_response_finding_names_the_bucket_and_who_changed_it() {
    let incident = incident(&parsed(GRANTED));
    let outcome = Outcome::without_steps(Decision::Contained, "blocked");
    let finding = bucket::response_finding(&incident, "2025-08-12T14:03:27.512Z", &outcome);
    assert_eq!(
        finding.id,
        format!(
            "cordon/contain-bucket/123456789012/us-east-1/{}",
            incident.finding_id
        )
    );
    assert_eq!(
        finding.resources[0].id(),
        "arn:aws:s3:::example-public-assets"
    );
    assert!(
        finding.description.contains("Changed by bob"),
        "{}",
        finding.description
    );
    let message = bucket::notification(&incident, &outcome, &finding);
    assert!(
        message.subject.contains("example-public-assets"),
        "{}",
        message.subject
    );
}
