//! Release against the in-memory cloud and ledger: it restores what containment
//! recorded in cordon's ledger, and a tag that disagrees stops its step.

use crate::fake_cloud::*;
use crate::fake_ledger::MemoryLedger;
use crate::instance::{self, InstanceIncident, InstancePorts, InstanceSettings, PreIncident};
use crate::names::{INSTANCE_PROFILE_TAG, ORIGINAL_GROUPS_TAG, REVOKE_SESSIONS_POLICY};
use crate::ports::IncidentLedger;
use crate::{StepReport, StepStatus};

fn ports(cloud: &FakeCloud) -> InstancePorts<'_, FakeCloud, FakeCloud, FakeCloud, FakeCloud> {
    InstancePorts {
        network: cloud,
        credentials: cloud,
        evidence: cloud,
        rotation: cloud,
    }
}

/// Contains the instance and keeps its record in `ledger`, as the responder does.
async fn contain(cloud: &FakeCloud, ledger: &MemoryLedger) -> InstanceIncident {
    let incident = incident(TWO_ENIS);
    let plan = instance::plan(&incident, InstanceSettings::default());
    let run = instance::execute(&ports(cloud), &incident, &plan, &hands_off(), NOW).await;
    assert!(run.reports.iter().all(|r| r.status.is_ok()), "{run:#?}");
    let subject = PreIncident::subject(incident.account_id.as_str(), INSTANCE);
    ledger
        .keep_record(&subject, &run.pre_incident.to_entries())
        .await
        .unwrap();
    incident
}

async fn release(
    cloud: &FakeCloud,
    ledger: Option<&MemoryLedger>,
    incident: &InstanceIncident,
    dry_run: bool,
) -> Vec<StepReport> {
    let ports = ports(cloud);
    instance::release(
        &ports,
        ledger,
        &incident.account_id,
        &incident.instance_id,
        dry_run,
    )
    .await
}

fn on<'a>(reports: &'a [StepReport], name: &str, target: &str) -> &'a StepReport {
    reports
        .iter()
        .find(|r| r.name == name && r.target == target)
        .unwrap_or_else(|| panic!("no {name} on {target} in {reports:#?}"))
}

#[tokio::test]
async fn release_restores_what_containment_changed_and_a_second_release_changes_nothing() {
    let cloud = compromised_instance();
    let ledger = MemoryLedger::default();
    let incident = contain(&cloud, &ledger).await;
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    let writes_before = cloud.writes().len();
    let planned = release(&cloud, Some(&ledger), &incident, true).await;
    assert!(
        planned.iter().all(|r| r.status == StepStatus::Planned),
        "{planned:#?}"
    );
    assert_eq!(
        cloud.writes().len(),
        writes_before,
        "a dry-run changes nothing"
    );

    let released = release(&cloud, Some(&ledger), &incident, false).await;
    assert!(
        released.iter().all(|r| r.status == StepStatus::Done),
        "{released:#?}"
    );
    assert_eq!(cloud.groups_of(ENI1), [WEB]);
    assert_eq!(cloud.groups_of(ENI2), [WEB, ADMIN]);
    {
        let state = cloud.state();
        assert_eq!(
            state.association.as_ref().map(|a| a.profile_arn.as_str()),
            Some(PROFILE)
        );
        let policy = (ROLE.to_owned(), REVOKE_SESSIONS_POLICY.to_owned());
        assert!(!state.role_policies.contains_key(&policy));
        let protection = state.protection.as_ref().unwrap();
        assert!(!protection.termination_protection && !protection.stop_protection);
        assert_eq!(protection.shutdown_behavior, "terminate");
        assert_eq!(
            state.membership.as_ref().map(|m| m.group.as_str()),
            Some(GROUP)
        );
    }
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("released")
    );
    let subject = PreIncident::subject(incident.account_id.as_str(), INSTANCE);
    assert!(
        ledger.kept_record(&subject).await.unwrap().is_empty(),
        "the record is forgotten, so a later containment keeps its own"
    );

    let writes_before = cloud.writes().len();
    let again = release(&cloud, Some(&ledger), &incident, false).await;
    assert_eq!(again.len(), 1, "{again:#?}");
    assert_eq!(again[0].status, StepStatus::AlreadyDone, "{again:#?}");
    assert_eq!(cloud.writes().len(), writes_before);
}

#[tokio::test]
async fn a_rewritten_tag_stops_its_step_and_the_recorded_value_is_never_replaced() {
    let cloud = compromised_instance();
    let ledger = MemoryLedger::default();
    let incident = contain(&cloud, &ledger).await;
    // Someone with ec2:CreateTags points release at groups and a profile of their own.
    let planted = cloud;
    planted.retag(ENI1, ORIGINAL_GROUPS_TAG, Some(ADMIN));
    planted.retag(
        INSTANCE,
        INSTANCE_PROFILE_TAG,
        Some("arn:aws:iam::123456789012:instance-profile/admin"),
    );
    let released = release(&planted, Some(&ledger), &incident, false).await;

    let eni1 = on(&released, "restore-network-interface-groups", ENI1);
    assert_eq!(eni1.status, StepStatus::Failed, "{eni1:?}");
    assert!(
        eni1.detail.contains("disagrees with cordon's record"),
        "{eni1:?}"
    );
    assert_eq!(
        planted.groups_of(ENI1),
        [DENY],
        "never the rewritten groups"
    );
    let profile = on(&released, "reassociate-instance-profile", INSTANCE);
    assert_eq!(profile.status, StepStatus::Failed, "{profile:?}");
    assert!(planted.state().association.is_none(), "no profile attached");
    // What agrees with the record is restored; the incident stays open.
    assert_eq!(planted.groups_of(ENI2), [WEB, ADMIN]);
    assert_eq!(
        on(&released, "mark-released", INSTANCE).status,
        StepStatus::Skipped
    );
    let subject = PreIncident::subject(incident.account_id.as_str(), INSTANCE);
    assert!(!ledger.kept_record(&subject).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_tag_removed_after_containment_does_not_lose_the_record() {
    let cloud = compromised_instance();
    let ledger = MemoryLedger::default();
    let incident = contain(&cloud, &ledger).await;
    cloud.retag(ENI1, ORIGINAL_GROUPS_TAG, None);
    let released = release(&cloud, Some(&ledger), &incident, false).await;
    assert!(released.iter().all(|r| r.status.is_ok()), "{released:#?}");
    assert_eq!(cloud.groups_of(ENI1), [WEB]);
}

#[tokio::test]
async fn an_instance_the_ledger_has_no_record_of_is_not_touched() {
    // Tagged as if contained, by someone else: a cordon:incident tag proves nothing.
    let cloud = compromised_instance();
    cloud.retag(ENI1, ORIGINAL_GROUPS_TAG, Some(ADMIN));
    cloud.retag(INSTANCE, "cordon:status", Some("contained"));
    let incident = incident(TWO_ENIS);
    let released = release(&cloud, Some(&MemoryLedger::default()), &incident, false).await;
    assert_eq!(released.len(), 1, "{released:#?}");
    assert_eq!(released[0].status, StepStatus::Failed);
    assert!(released[0].detail.contains("no record"), "{released:?}");
    assert!(cloud.writes().is_empty(), "{:#?}", cloud.writes());
}

#[tokio::test]
async fn without_a_ledger_release_restores_from_the_tags() {
    let cloud = compromised_instance();
    let incident = contain(&cloud, &MemoryLedger::default()).await;
    let released = release(&cloud, None, &incident, false).await;
    assert!(released.iter().all(|r| r.status.is_ok()), "{released:#?}");
    assert_eq!(cloud.groups_of(ENI2), [WEB, ADMIN]);
}
