//! Isolation against the in-memory cloud: the path through the open group, re-runs,
//! failures on one interface, and what verification refuses.

use crate::fake_cloud::*;
use crate::instance::{self, InstanceIncident, InstancePorts, InstanceSettings};
use crate::names::ORIGINAL_GROUPS_TAG;
use crate::{Plan, StepKind, StepReport, StepStatus};

/// The isolation steps and the incident tags: what these tests are about.
fn isolation_plan(incident: &InstanceIncident) -> Plan {
    let mut plan = instance::plan(incident, InstanceSettings::default());
    plan.steps.retain(|s| {
        matches!(
            s.kind,
            StepKind::EnsureIsolationGroups
                | StepKind::IsolateNetworkInterface
                | StepKind::IsolateOtherNetworkInterfaces
                | StepKind::VerifyIsolation
                | StepKind::TagIncidentResources
        )
    });
    plan
}

async fn run(cloud: &FakeCloud, incident: &InstanceIncident) -> Vec<StepReport> {
    let plan = isolation_plan(incident);
    let ports = InstancePorts {
        network: cloud,
        credentials: cloud,
        evidence: cloud,
        rotation: cloud,
    };
    let reports = instance::execute(&ports, incident, &plan, &hands_off(), NOW)
        .await
        .reports;
    let expected: Vec<(&str, String)> = plan
        .steps
        .iter()
        .map(|s| (s.name(), s.target.clone()))
        .collect();
    let got: Vec<(&str, String)> = reports
        .iter()
        .map(|r| (r.name.as_str(), r.target.clone()))
        .collect();
    assert_eq!(got, expected, "one report per step, in plan order");
    reports
}

fn report<'a>(reports: &'a [StepReport], name: &str, target: &str) -> &'a StepReport {
    reports
        .iter()
        .find(|r| r.name == name && r.target == target)
        .unwrap_or_else(|| panic!("no {name} report for {target} in {reports:#?}"))
}

/// Whether a membership read asked about `group`.
fn read_membership_of(log: &[Call], group: &str) -> bool {
    log.iter()
        .any(|c| matches!(c, Call::InGroups(groups) if groups.iter().any(|g| g == group)))
}

fn statuses(reports: &[StepReport]) -> Vec<StepStatus> {
    reports.iter().map(|r| r.status).collect()
}

fn isolated_sequence(eni: &str, originals: &[&str]) -> Vec<Call> {
    vec![
        Call::Record(
            eni.to_owned(),
            originals.iter().map(|g| (*g).to_owned()).collect(),
        ),
        Call::SetGroups(eni.to_owned(), vec![OPEN.to_owned()]),
        Call::SetGroups(eni.to_owned(), vec![DENY.to_owned()]),
    ]
}

#[tokio::test]
async fn two_interfaces_end_only_in_deny_after_passing_through_open() {
    let cloud = FakeCloud::new()
        .attach(ENI1, &[WEB])
        .attach(ENI2, &[WEB, ADMIN]);
    let incident = incident(TWO_ENIS);
    let reports = run(&cloud, &incident).await;

    use StepStatus::{AlreadyDone, Done};
    assert_eq!(
        statuses(&reports),
        [Done, Done, Done, AlreadyDone, Done, Done],
        "{reports:#?}"
    );
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    assert_eq!(cloud.groups_of(ENI2), [DENY]);
    assert_eq!(cloud.recorded(ENI1).as_deref(), Some(WEB));
    assert_eq!(
        cloud.recorded(ENI2).as_deref(),
        Some(format!("{WEB},{ADMIN}").as_str())
    );

    // Per interface: originals recorded first, then open, then deny; nothing else.
    assert_eq!(cloud.writes_to(ENI1), isolated_sequence(ENI1, &[WEB]));
    assert_eq!(
        cloud.writes_to(ENI2),
        isolated_sequence(ENI2, &[WEB, ADMIN])
    );

    let detail = &report(&reports, "isolate-network-interface", ENI2).detail;
    assert!(detail.contains(WEB) && detail.contains(ADMIN), "{detail}");
    assert!(detail.contains(OPEN) && detail.contains(DENY), "{detail}");
    assert_eq!(
        report(&reports, "isolate-other-network-interfaces", INSTANCE).detail,
        "none attached since the finding"
    );

    // Groups ensured in the finding's VPC, and the result read back after the last move.
    let log = cloud.log();
    let ensured: Vec<&Call> = log
        .iter()
        .filter(|c| matches!(c, Call::EnsureGroups(_)))
        .collect();
    assert_eq!(ensured, [&Call::EnsureGroups(incident.vpc_id.to_string())]);
    assert_eq!(incident.vpc_id.as_str(), "vpc-0a1b2c3d4e5f60001");
    let last_move = log
        .iter()
        .rposition(|c| matches!(c, Call::SetGroups(..)))
        .unwrap();
    for read in [
        Call::InGroups(vec![DENY.to_owned()]),
        Call::InGroups(vec![WEB.to_owned(), ADMIN.to_owned(), OPEN.to_owned()]),
        Call::RuleCounts(DENY.to_owned()),
        Call::ListInterfaces(INSTANCE.to_owned()),
    ] {
        assert!(
            log[last_move..].contains(&read),
            "{read:?} not read after the moves: {log:#?}"
        );
    }

    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("contained")
    );
    assert_eq!(
        cloud.instance_tag("cordon:incident").as_deref(),
        Some(incident.finding_id.as_str())
    );
    assert_eq!(
        cloud.instance_tag("cordon:finding-type").as_deref(),
        Some("Backdoor:EC2/C&CActivity.B")
    );
    assert_eq!(
        cloud.instance_tag("cordon:finding-updated-at").as_deref(),
        Some(incident.updated_at.as_str())
    );
    assert!(matches!(log.last(), Some(Call::Tag(..))), "tags last");
}

#[tokio::test]
async fn a_rerun_on_isolated_state_writes_nothing_and_reports_already_done() {
    let cloud = FakeCloud::new()
        .attach(ENI1, &[WEB])
        .attach(ENI2, &[WEB, ADMIN]);
    let incident = incident(TWO_ENIS);
    run(&cloud, &incident).await;
    let first_tags = cloud.state().resource_tags.clone();
    let first_writes = cloud.writes();
    cloud.clear_log();

    let reports = run(&cloud, &incident).await;
    let writes = cloud.writes();
    assert!(
        writes.iter().all(|c| matches!(c, Call::Tag(..))),
        "only the deterministic instance tags may be rewritten: {writes:#?}"
    );
    // The same incident stamps the same tags again.
    assert_eq!(writes.last(), first_writes.last());
    assert_eq!(cloud.state().resource_tags, first_tags);

    for eni in [ENI1, ENI2] {
        let r = report(&reports, "isolate-network-interface", eni);
        assert_eq!(r.status, StepStatus::AlreadyDone, "{r:?}");
        assert!(r.detail.contains("already only in"), "{r:?}");
        assert_eq!(cloud.groups_of(eni), [DENY]);
    }
    assert_eq!(
        report(&reports, "verify-isolation", INSTANCE).status,
        StepStatus::Done
    );
    assert_eq!(
        cloud.recorded(ENI2).as_deref(),
        Some(format!("{WEB},{ADMIN}").as_str())
    );
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("contained")
    );
}

#[tokio::test]
async fn an_interface_attached_since_the_finding_is_isolated_too() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI3, &[ADMIN]);
    let incident = incident(ONE_ENI);
    let reports = run(&cloud, &incident).await;

    let other = report(&reports, "isolate-other-network-interfaces", INSTANCE);
    assert_eq!(other.status, StepStatus::Done, "{other:?}");
    assert!(other.detail.starts_with(&format!("{ENI3}: ")), "{other:?}");
    assert!(
        !reports.iter().any(|r| r.target == ENI3),
        "ENI3 has no step of its own"
    );
    assert_eq!(cloud.groups_of(ENI3), [DENY]);
    assert_eq!(cloud.writes_to(ENI3), isolated_sequence(ENI3, &[ADMIN]));
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    assert_eq!(
        report(&reports, "verify-isolation", INSTANCE).status,
        StepStatus::Done
    );
    // Verification also proves ENI3 left its own original group.
    assert!(read_membership_of(&cloud.log(), ADMIN));
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("contained")
    );
}

#[tokio::test]
async fn a_rerun_with_an_already_isolated_extra_interface_reports_already_done() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI3, &[ADMIN]);
    let incident = incident(ONE_ENI);
    run(&cloud, &incident).await;
    cloud.clear_log();

    let reports = run(&cloud, &incident).await;
    assert!(cloud.writes().iter().all(|c| matches!(c, Call::Tag(..))));
    let other = report(&reports, "isolate-other-network-interfaces", INSTANCE);
    assert_eq!(other.status, StepStatus::AlreadyDone, "{other:?}");
}

#[tokio::test]
async fn an_interface_no_longer_attached_is_skipped() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]);
    let incident = incident(TWO_ENIS);
    let reports = run(&cloud, &incident).await;

    let gone = report(&reports, "isolate-network-interface", ENI2);
    assert_eq!(gone.status, StepStatus::Skipped, "{gone:?}");
    assert!(gone.detail.contains("no longer attached"), "{gone:?}");
    assert!(cloud.writes_to(ENI2).is_empty());
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    let verify = report(&reports, "verify-isolation", INSTANCE);
    assert_eq!(verify.status, StepStatus::Done, "{verify:?}");
    assert!(verify.detail.starts_with("1 interface(s)"), "{verify:?}");
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("contained")
    );
}

#[tokio::test]
async fn a_failure_on_one_interface_does_not_stop_the_other() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI2, &[WEB]);
    cloud.state().fail_set_groups.push(ENI1.to_owned());
    let incident = incident(TWO_ENIS);
    let reports = run(&cloud, &incident).await;

    let failed = report(&reports, "isolate-network-interface", ENI1);
    assert_eq!(failed.status, StepStatus::Failed, "{failed:?}");
    assert!(
        failed.detail.contains("ModifyNetworkInterfaceAttribute"),
        "{failed:?}"
    );
    assert!(failed.detail.contains("RequestLimitExceeded"), "{failed:?}");
    // ENI1: recorded, one failed move to open, no attempt at deny; its groups unchanged.
    assert_eq!(
        cloud.writes_to(ENI1),
        isolated_sequence(ENI1, &[WEB])[..2].to_vec()
    );
    assert_eq!(cloud.groups_of(ENI1), [WEB]);

    let done = report(&reports, "isolate-network-interface", ENI2);
    assert_eq!(done.status, StepStatus::Done, "{done:?}");
    assert_eq!(cloud.writes_to(ENI2), isolated_sequence(ENI2, &[WEB]));
    assert_eq!(cloud.groups_of(ENI2), [DENY]);

    let verify = report(&reports, "verify-isolation", INSTANCE);
    assert_eq!(verify.status, StepStatus::Failed, "{verify:?}");
    assert!(
        verify.detail.contains(&format!("{ENI1} is not in {DENY}")),
        "{verify:?}"
    );
    assert!(
        verify.detail.contains(&format!("{WEB} still holds {ENI1}")),
        "{verify:?}"
    );
    assert!(!verify.detail.contains(ENI2), "{verify:?}");

    // The instance is still tagged, as unverified.
    assert_eq!(
        report(&reports, "tag-incident-resources", INSTANCE).status,
        StepStatus::Done
    );
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("containment-unverified")
    );
}

#[tokio::test]
async fn a_retry_after_a_failure_reuses_the_recorded_groups() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI2, &[WEB]);
    cloud.state().fail_set_groups.push(ENI1.to_owned());
    let incident = incident(TWO_ENIS);
    run(&cloud, &incident).await;
    cloud.state().fail_set_groups.clear();
    cloud.clear_log();

    let reports = run(&cloud, &incident).await;
    assert!(statuses(&reports).iter().all(|s| s.is_ok()), "{reports:#?}");
    assert_eq!(
        cloud.writes_to(ENI1),
        isolated_sequence(ENI1, &[WEB])[1..].to_vec()
    );
    assert!(cloud.writes_to(ENI2).is_empty());
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("contained")
    );
}

#[tokio::test]
async fn verification_that_finds_an_original_group_still_holding_an_interface_fails() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI2, &[ADMIN]);
    cloud
        .state()
        .extra_members
        .insert(ADMIN.to_owned(), vec![ENI2.to_owned()]);
    let incident = incident(TWO_ENIS);
    let reports = run(&cloud, &incident).await;

    for eni in [ENI1, ENI2] {
        assert_eq!(
            report(&reports, "isolate-network-interface", eni).status,
            StepStatus::Done
        );
    }
    let verify = report(&reports, "verify-isolation", INSTANCE);
    assert_eq!(verify.status, StepStatus::Failed, "{verify:?}");
    assert_eq!(verify.detail, format!("{ADMIN} still holds {ENI2}"));
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("containment-unverified")
    );
}

#[tokio::test]
async fn verification_that_finds_the_open_group_still_holding_an_interface_fails() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]);
    cloud
        .state()
        .extra_members
        .insert(OPEN.to_owned(), vec![ENI1.to_owned()]);
    let reports = run(&cloud, &incident(ONE_ENI)).await;
    let verify = report(&reports, "verify-isolation", INSTANCE);
    assert_eq!(verify.status, StepStatus::Failed, "{verify:?}");
    assert_eq!(verify.detail, format!("{OPEN} still holds {ENI1}"));
}

#[tokio::test]
async fn verification_that_finds_deny_holding_only_some_interfaces_fails() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI2, &[WEB]);
    cloud.state().deny_read_omits.push(ENI2.to_owned());
    let incident = incident(TWO_ENIS);
    let reports = run(&cloud, &incident).await;

    assert_eq!(cloud.groups_of(ENI2), [DENY], "the write itself happened");
    let verify = report(&reports, "verify-isolation", INSTANCE);
    assert_eq!(verify.status, StepStatus::Failed, "{verify:?}");
    assert_eq!(verify.detail, format!("{ENI2} is not in {DENY}"));
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("containment-unverified")
    );
}

#[tokio::test]
async fn a_deny_group_with_rules_fails_verification() {
    for rules in [(1, 0), (0, 1), (2, 3)] {
        let cloud = FakeCloud::new().attach(ENI1, &[WEB]);
        cloud.state().rules.insert(DENY.to_owned(), rules);
        let reports = run(&cloud, &incident(ONE_ENI)).await;

        assert_eq!(cloud.groups_of(ENI1), [DENY]);
        let verify = report(&reports, "verify-isolation", INSTANCE);
        assert_eq!(verify.status, StepStatus::Failed, "{rules:?}: {verify:?}");
        assert_eq!(
            verify.detail,
            format!(
                "{DENY} has {} ingress and {} egress rules",
                rules.0, rules.1
            )
        );
        assert_eq!(
            cloud.instance_tag("cordon:status").as_deref(),
            Some("containment-unverified")
        );
    }
    // Rules on the open group are expected and do not matter.
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]);
    cloud.state().rules.insert(OPEN.to_owned(), (1, 1));
    let reports = run(&cloud, &incident(ONE_ENI)).await;
    assert_eq!(
        report(&reports, "verify-isolation", INSTANCE).status,
        StepStatus::Done
    );
}

#[tokio::test]
async fn a_tag_planted_before_containment_is_replaced_by_what_ec2_reports() {
    // Someone tagged the interface ahead of time, hoping release would restore ADMIN.
    let cloud = FakeCloud::new()
        .attach(ENI1, &[WEB])
        .tagged(ENI1, ORIGINAL_GROUPS_TAG, ADMIN);
    let incident = incident(ONE_ENI);
    let plan = isolation_plan(&incident);
    let ports = InstancePorts {
        network: &cloud,
        credentials: &cloud,
        evidence: &cloud,
        rotation: &cloud,
    };
    let run = instance::execute(&ports, &incident, &plan, &hands_off(), NOW).await;
    let r = report(&run.reports, "isolate-network-interface", ENI1);
    assert_eq!(r.status, StepStatus::Done, "{r:?}");
    assert!(r.detail.contains(&format!("was in [{WEB}]")), "{r:?}");
    assert_eq!(cloud.recorded(ENI1).as_deref(), Some(WEB));
    assert_eq!(
        run.pre_incident.get(ENI1, ORIGINAL_GROUPS_TAG),
        Some(WEB),
        "the ledger's record is what EC2 reported"
    );
}

#[tokio::test]
async fn recorded_original_groups_from_an_earlier_run_are_reused() {
    // An earlier run recorded WEB and ADMIN, moved the interface to open, and stopped.
    let cloud = FakeCloud::new().attach(ENI1, &[OPEN]).tagged(
        ENI1,
        ORIGINAL_GROUPS_TAG,
        &format!("{WEB},{ADMIN}"),
    );
    let reports = run(&cloud, &incident(ONE_ENI)).await;

    let r = report(&reports, "isolate-network-interface", ENI1);
    assert_eq!(r.status, StepStatus::Done, "{r:?}");
    assert!(
        r.detail.contains(&format!("was in [{WEB}, {ADMIN}]")),
        "{r:?}"
    );
    assert_eq!(
        cloud.writes_to(ENI1),
        isolated_sequence(ENI1, &[])[1..].to_vec()
    );
    assert_eq!(cloud.recorded(ENI1), Some(format!("{WEB},{ADMIN}")));
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    // Verification checks the recorded originals, not the interface's current groups.
    let log = cloud.log();
    assert!(read_membership_of(&log, WEB), "{log:#?}");
    assert!(read_membership_of(&log, ADMIN), "{log:#?}");
    assert_eq!(
        report(&reports, "verify-isolation", INSTANCE).status,
        StepStatus::Done
    );
}

#[tokio::test]
async fn isolation_groups_are_never_recorded_as_originals() {
    // Someone added deny-all (and open) by hand next to the real group.
    let cloud = FakeCloud::new().attach(ENI1, &[WEB, OPEN, DENY]);
    let reports = run(&cloud, &incident(ONE_ENI)).await;
    assert_eq!(cloud.writes_to(ENI1), isolated_sequence(ENI1, &[WEB]));
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    assert_eq!(
        report(&reports, "verify-isolation", INSTANCE).status,
        StepStatus::Done
    );
}

#[tokio::test]
async fn failing_to_ensure_the_groups_fails_isolation_moves_nothing_and_marks_the_instance() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]);
    cloud.state().fail_ensure = true;
    let reports = run(&cloud, &incident(ONE_ENI)).await;
    let (isolation, tags) = reports.split_at(reports.len() - 1);
    assert!(
        isolation
            .iter()
            .all(|r| r.status == StepStatus::Failed && r.detail.contains("throttled")),
        "{reports:#?}"
    );
    assert_eq!(tags[0].status, StepStatus::Done, "{reports:#?}");
    // Only the instance is marked, so people see it is not contained; no group exists to tag.
    let writes = cloud.writes();
    assert!(
        matches!(writes.as_slice(), [Call::Tag(ids, _)] if ids == &[INSTANCE.to_owned()]),
        "{writes:#?}"
    );
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("containment-unverified")
    );
    assert_eq!(cloud.groups_of(ENI1), [WEB]);
}

#[tokio::test]
async fn a_failure_on_an_interface_attached_since_fails_that_step_only() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI3, &[ADMIN]);
    cloud.state().fail_set_groups.push(ENI3.to_owned());
    let reports = run(&cloud, &incident(ONE_ENI)).await;

    assert_eq!(
        report(&reports, "isolate-network-interface", ENI1).status,
        StepStatus::Done
    );
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    let other = report(&reports, "isolate-other-network-interfaces", INSTANCE);
    assert_eq!(other.status, StepStatus::Failed, "{other:?}");
    assert!(
        other
            .detail
            .starts_with(&format!("{ENI3}: ModifyNetworkInterfaceAttribute failed")),
        "{other:?}"
    );
    assert_eq!(cloud.groups_of(ENI3), [ADMIN]);
    let verify = report(&reports, "verify-isolation", INSTANCE);
    assert_eq!(verify.status, StepStatus::Failed, "{verify:?}");
    assert!(
        verify
            .detail
            .contains(&format!("{ADMIN} still holds {ENI3}")),
        "{verify:?}"
    );
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("containment-unverified")
    );
}

#[tokio::test]
async fn an_instance_with_no_interfaces_left_cannot_be_verified() {
    let cloud = FakeCloud::new();
    let reports = run(&cloud, &incident(TWO_ENIS)).await;
    for eni in [ENI1, ENI2] {
        assert_eq!(
            report(&reports, "isolate-network-interface", eni).status,
            StepStatus::Skipped
        );
    }
    assert!(cloud.writes().iter().all(|c| matches!(c, Call::Tag(..))));
    let verify = report(&reports, "verify-isolation", INSTANCE);
    assert_eq!(verify.status, StepStatus::Failed, "{verify:?}");
    assert!(
        verify.detail.contains("no network interfaces to verify"),
        "{verify:?}"
    );
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("containment-unverified")
    );
}

#[tokio::test]
async fn an_instance_tagged_exempt_now_is_not_touched() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI2, &[WEB]);
    cloud
        .state()
        .resource_tags
        .entry(INSTANCE.to_owned())
        .or_default()
        .insert("cordon:exempt".into(), "bastion".into());
    let incident = incident(TWO_ENIS);
    let reports = run(&cloud, &incident).await;
    assert!(
        reports.iter().all(|r| r.status == StepStatus::Skipped),
        "{reports:#?}"
    );
    assert!(reports[0].detail.contains("cordon:exempt=bastion"));
    assert!(cloud.writes_to(ENI1).is_empty() && cloud.writes_to(ENI2).is_empty());
    assert_eq!(cloud.groups_of(ENI1), [WEB]);
}

#[tokio::test]
async fn unreadable_instance_tags_mean_no_action() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI2, &[WEB]);
    cloud.state().fail_instance_tags = true;
    let incident = incident(TWO_ENIS);
    let reports = run(&cloud, &incident).await;
    assert!(
        reports.iter().all(|r| r.status == StepStatus::Failed),
        "{reports:#?}"
    );
    assert!(reports[0].detail.contains("cannot be ruled out"));
    assert!(cloud.writes_to(ENI1).is_empty() && cloud.writes_to(ENI2).is_empty());
    assert_eq!(cloud.instance_tag("cordon:status"), None, "not even tagged");
}

#[tokio::test]
async fn an_unrecorded_interface_is_still_isolated_and_the_step_fails_for_a_retry() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]);
    cloud.state().fail_record.push(ENI1.to_owned());
    let reports = run(&cloud, &incident(ONE_ENI)).await;
    // Containment first: the interface is in deny-all whatever happened to the record.
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    let step = report(&reports, "isolate-network-interface", ENI1);
    assert_eq!(step.status, StepStatus::Failed, "{step:?}");
    assert!(step.detail.contains("CreateTags"), "{step:?}");
    assert_eq!(
        report(&reports, "verify-isolation", INSTANCE).status,
        StepStatus::Done
    );
}

#[tokio::test]
async fn an_interface_left_in_the_open_group_without_a_record_falls_back_to_the_finding() {
    // A run moved the interface to open and stopped before its record was written.
    let cloud = FakeCloud::new().attach(ENI1, &[OPEN]);
    let incident = incident(ONE_ENI);
    let reports = run(&cloud, &incident).await;
    assert_eq!(cloud.groups_of(ENI1), [DENY]);
    let seen: Vec<String> = incident
        .security_groups
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(!seen.is_empty());
    assert_eq!(cloud.recorded(ENI1), Some(seen.join(",")));
    assert_eq!(
        report(&reports, "isolate-network-interface", ENI1).status,
        StepStatus::Done
    );
}
