//! The whole instance playbook against the in-memory cloud: order, read-backs, retries,
//! and the records release needs.

use crate::fake_cloud::*;
use crate::instance::{self, InstanceIncident, InstancePorts, InstanceSettings};
use crate::names::{
    AUTO_SCALING_GROUP_TAG, INCIDENT_TAG, INSTANCE_PROFILE_TAG, LAST_INCIDENT_TAG,
    PROTECTION_BEFORE_TAG, REVOKE_SESSIONS_POLICY, VOLUME_TAG,
};
use crate::ports::{ConnectionTrackingTimeouts, ProfileAssociation, Snapshot};
use crate::session_policy::{revoke_sessions_document, revoked_before};
use crate::{StepReport, StepStatus};

async fn run_with(
    cloud: &FakeCloud,
    incident: &InstanceIncident,
    settings: InstanceSettings,
) -> Vec<StepReport> {
    let plan = instance::plan(incident, settings);
    let ports = InstancePorts {
        network: cloud,
        credentials: cloud,
        evidence: cloud,
        rotation: cloud,
    };
    let reports = instance::execute(&ports, incident, &plan, &hands_off(), NOW)
        .await
        .reports;
    let expected: Vec<&str> = plan.steps.iter().map(|s| s.name()).collect();
    let got: Vec<&str> = reports.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(got, expected, "one report per step, in plan order");
    reports
}

async fn run(cloud: &FakeCloud) -> Vec<StepReport> {
    run_with(cloud, &incident(TWO_ENIS), InstanceSettings::default()).await
}

fn step<'a>(reports: &'a [StepReport], name: &str) -> &'a StepReport {
    reports
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no {name} in {reports:#?}"))
}

fn status(reports: &[StepReport], name: &str) -> StepStatus {
    step(reports, name).status
}

fn tag_of(cloud: &FakeCloud, resource: &str, key: &str) -> Option<String> {
    cloud
        .state()
        .resource_tags
        .get(resource)
        .and_then(|tags| tags.get(key))
        .cloned()
}

/// Which step a call belongs to; `None` for isolation's own calls.
fn family(call: &Call) -> Option<&'static str> {
    Some(match call {
        Call::ReadAssociation
        | Call::Disassociate(_)
        | Call::ProfileRoles
        | Call::InstancesUsingProfile
        | Call::ReadRolePolicy(_)
        | Call::PutRolePolicy(..) => "credentials",
        Call::ReadProtection
        | Call::Protect(_)
        | Call::ReadSnapshots
        | Call::SnapshotInstance
        | Call::SnapshotVolume(_) => "evidence",
        Call::ReadMembership | Call::ReadDesired | Call::Detach(_) => "auto-scaling",
        Call::ReadRegistrations | Call::Deregister(_) => "target-groups",
        Call::ReadTimeouts(_) | Call::SetTimeouts(_) => "connection-tracking",
        _ => return None,
    })
}

#[tokio::test]
async fn isolation_finishes_before_any_other_step_starts_and_the_others_overlap() {
    let cloud = compromised_instance();
    cloud.state().yield_on_calls = true;
    run(&cloud).await;
    let log = cloud.log();

    let last_isolation_call = log
        .iter()
        .rposition(|c| {
            matches!(
                c,
                Call::EnsureGroups(_)
                    | Call::ListInterfaces(_)
                    | Call::Record(..)
                    | Call::SetGroups(..)
                    | Call::InGroups(_)
                    | Call::RuleCounts(_)
            )
        })
        .unwrap();
    let families = [
        "credentials",
        "evidence",
        "auto-scaling",
        "target-groups",
        "connection-tracking",
    ];
    let span = |name: &str| {
        let first = log.iter().position(|c| family(c) == Some(name));
        let last = log.iter().rposition(|c| family(c) == Some(name));
        first
            .zip(last)
            .unwrap_or_else(|| panic!("{name} never ran: {log:#?}"))
    };
    let spans: Vec<(usize, usize)> = families.iter().map(|f| span(f)).collect();
    for ((first, _), name) in spans.iter().zip(families) {
        assert!(
            *first > last_isolation_call,
            "{name} started before isolation finished: {log:#?}"
        );
    }
    // Every step had started before any of them finished: they ran at the same time.
    let latest_start = spans.iter().map(|(first, _)| *first).max().unwrap();
    let earliest_end = spans.iter().map(|(_, last)| *last).min().unwrap();
    assert!(
        latest_start < earliest_end,
        "the steps after isolation ran one after another: {log:#?}"
    );
    // The incident tags come last, once every step has reported.
    let last_step_call = log.iter().rposition(|c| family(c).is_some()).unwrap();
    let status_tag = log
        .iter()
        .rposition(|c| matches!(c, Call::Tag(ids, _) if ids == &[INSTANCE.to_owned()]))
        .unwrap();
    assert!(status_tag > last_step_call);
}

#[tokio::test]
async fn every_step_changes_and_verifies_the_compromised_instance() {
    let cloud = compromised_instance();
    let reports = run(&cloud).await;
    for report in &reports {
        let expected = match report.name.as_str() {
            "isolate-other-network-interfaces" => StepStatus::AlreadyDone,
            _ => StepStatus::Done,
        };
        assert_eq!(report.status, expected, "{report:#?}");
    }
    let state = cloud.state();

    // Credentials: no profile, the role denies sessions issued before now.
    assert_eq!(state.association, None);
    let document = &state.role_policies[&(ROLE.to_owned(), REVOKE_SESSIONS_POLICY.to_owned())];
    assert_eq!(revoked_before(document).as_deref(), Some(NOW));
    let revoke = step(&reports, "revoke-role-sessions");
    assert_eq!(revoke.target, ROLE);
    assert!(
        revoke.detail.contains("no other instance uses"),
        "{revoke:?}"
    );

    // Kept alive with its disks.
    let protection = state.protection.clone().unwrap();
    assert!(protection.termination_protection && protection.stop_protection);
    assert_eq!(protection.shutdown_behavior, "stop");
    assert!(protection.volumes.iter().all(|v| !v.delete_on_termination));

    // Out of rotation, with the group's capacity untouched.
    assert_eq!(state.membership, None);
    assert_eq!(state.desired[GROUP], 2);
    assert!(
        state
            .registrations
            .iter()
            .all(|r| r.state.as_deref() == Some("draining"))
    );

    // Evidence: one multi-volume call, each snapshot tagged with the incident and its volume.
    let snapshots = &state.snapshots;
    assert_eq!(snapshots.len(), 2);
    assert_eq!(
        state
            .log
            .iter()
            .filter(|c| matches!(c, Call::SnapshotInstance))
            .count(),
        1
    );
    let incident = incident(TWO_ENIS);
    for snapshot in snapshots {
        let tags = &state.resource_tags[&snapshot.snapshot_id];
        assert_eq!(tags[INCIDENT_TAG], incident.finding_id);
        assert_eq!(tags[VOLUME_TAG], snapshot.volume_id);
    }
    let evidence = step(&reports, "snapshot-volumes");
    assert_eq!(evidence.resources, ["snap-0001", "snap-0002"]);

    // Connection tracking at the minimum on both interfaces.
    for eni in [ENI1, ENI2] {
        assert_eq!(
            state.timeouts[eni],
            ConnectionTrackingTimeouts::MINIMUM,
            "{eni}"
        );
    }
    drop(state);

    // Pre-state recorded for release; the groups carry the incident.
    assert_eq!(
        tag_of(&cloud, INSTANCE, INSTANCE_PROFILE_TAG).as_deref(),
        Some(PROFILE)
    );
    assert_eq!(
        tag_of(&cloud, INSTANCE, AUTO_SCALING_GROUP_TAG).as_deref(),
        Some(GROUP)
    );
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("contained")
    );
    for group in [OPEN, DENY] {
        assert_eq!(
            tag_of(&cloud, group, LAST_INCIDENT_TAG).as_deref(),
            Some(incident.finding_id.as_str())
        );
    }
}

#[tokio::test]
async fn a_second_delivery_takes_no_snapshot_writes_no_policy_and_detaches_nothing() {
    let cloud = compromised_instance();
    run(&cloud).await;
    cloud.clear_log();
    let reports = run(&cloud).await;

    let writes = cloud.writes();
    assert!(
        writes.iter().all(|c| matches!(c, Call::Tag(..))),
        "only the deterministic incident tags may be rewritten: {writes:#?}"
    );
    assert_eq!(cloud.state().snapshots.len(), 2);
    for name in [
        "disassociate-instance-profile",
        "revoke-role-sessions",
        "protect-instance",
        "keep-volumes",
        "deregister-from-target-groups",
        "snapshot-volumes",
        "shorten-connection-tracking",
    ] {
        assert_eq!(status(&reports, name), StepStatus::AlreadyDone, "{name}");
    }
    // Detached: the group no longer lists it, which is all a retry can see.
    assert_eq!(
        status(&reports, "detach-from-auto-scaling-group"),
        StepStatus::Skipped
    );
    assert_eq!(
        step(&reports, "snapshot-volumes").resources,
        ["snap-0001", "snap-0002"]
    );
}

#[tokio::test]
async fn other_instances_with_the_same_profile_are_named_as_the_blast_radius() {
    let cloud = compromised_instance();
    cloud.state().profile_users.insert(
        PROFILE.into(),
        vec!["i-0bbbbbbbbbbbbbbb1".into(), "i-0bbbbbbbbbbbbbbb2".into()],
    );
    let reports = run(&cloud).await;
    let revoke = step(&reports, "revoke-role-sessions");
    assert!(
        revoke.detail.contains("2 other instance(s)")
            && revoke.detail.contains("i-0bbbbbbbbbbbbbbb1"),
        "{revoke:?}"
    );
}

#[tokio::test]
async fn with_session_revocation_off_the_role_is_left_alone() {
    let cloud = compromised_instance();
    let settings = InstanceSettings {
        revoke_role_sessions: false,
    };
    let reports = run_with(&cloud, &incident(TWO_ENIS), settings).await;
    assert!(reports.iter().all(|r| r.name != "revoke-role-sessions"));
    assert!(cloud.state().role_policies.is_empty());
    assert_eq!(
        status(&reports, "disassociate-instance-profile"),
        StepStatus::Done
    );
}

#[tokio::test]
async fn an_exempt_break_glass_or_unreadable_role_keeps_its_sessions() {
    let plan_and_run = |cloud: FakeCloud, hands_off: crate::HandsOff| async move {
        let incident = incident(TWO_ENIS);
        let plan = instance::plan(&incident, InstanceSettings::default());
        let ports = InstancePorts {
            network: &cloud,
            credentials: &cloud,
            evidence: &cloud,
            rotation: &cloud,
        };
        let run = instance::execute(&ports, &incident, &plan, &hands_off, NOW).await;
        let revoke = step(&run.reports, "revoke-role-sessions").clone();
        let written = cloud.state().role_policies.len();
        let disassociated = status(&run.reports, "disassociate-instance-profile");
        (revoke, written, disassociated)
    };

    let exempt = compromised_instance();
    exempt.state().role_tags.insert(
        ROLE.into(),
        vec![("cordon:exempt".into(), "shared-ci".into())],
    );
    let (revoke, written, disassociated) = plan_and_run(exempt, hands_off()).await;
    assert_eq!(revoke.status, StepStatus::Skipped, "{revoke:?}");
    assert!(
        revoke
            .detail
            .contains("exempt by tag cordon:exempt=shared-ci"),
        "{revoke:?}"
    );
    assert_eq!(written, 0);
    assert_eq!(
        disassociated,
        StepStatus::Done,
        "the instance is still contained"
    );

    let arn = format!("arn:aws:iam::123456789012:role/ops/{ROLE}");
    let break_glass = crate::HandsOff {
        break_glass: vec![arn],
        ..hands_off()
    };
    let (revoke, written, _) = plan_and_run(compromised_instance(), break_glass).await;
    assert_eq!(revoke.status, StepStatus::Skipped, "{revoke:?}");
    assert!(revoke.detail.contains("break-glass"), "{revoke:?}");
    assert_eq!(written, 0);

    let unreadable = compromised_instance();
    unreadable.state().fail_role_tags = true;
    let (revoke, written, _) = plan_and_run(unreadable, hands_off()).await;
    assert_eq!(revoke.status, StepStatus::Failed, "{revoke:?}");
    assert!(
        revoke.detail.contains("exemption could not be read"),
        "{revoke:?}"
    );
    assert_eq!(
        written, 0,
        "nothing is written without knowing the exemption"
    );
}

#[tokio::test]
async fn an_older_revocation_is_moved_forward_to_now() {
    let cloud = compromised_instance();
    cloud.state().role_policies.insert(
        (ROLE.into(), REVOKE_SESSIONS_POLICY.into()),
        revoke_sessions_document("2024-01-01T00:00:00Z"),
    );
    let reports = run(&cloud).await;
    assert_eq!(status(&reports, "revoke-role-sessions"), StepStatus::Done);
    let document =
        cloud.state().role_policies[&(ROLE.to_owned(), REVOKE_SESSIONS_POLICY.to_owned())].clone();
    assert_eq!(revoked_before(&document).as_deref(), Some(NOW));
}

#[tokio::test]
async fn a_retry_snapshots_only_the_volumes_an_earlier_run_missed() {
    let cloud = compromised_instance();
    cloud.state().snapshots.push(Snapshot {
        snapshot_id: "snap-earlier".into(),
        volume_id: "vol-root".into(),
        state: "completed".into(),
    });
    let reports = run(&cloud).await;
    let log = cloud.log();
    assert!(!log.contains(&Call::SnapshotInstance), "{log:#?}");
    assert!(log.contains(&Call::SnapshotVolume("vol-data".into())));
    assert!(!log.contains(&Call::SnapshotVolume("vol-root".into())));
    let evidence = step(&reports, "snapshot-volumes");
    assert_eq!(evidence.status, StepStatus::Done);
    assert_eq!(evidence.resources, ["snap-earlier", "snap-0002"]);
}

#[tokio::test]
async fn an_endpoint_that_cannot_show_connection_tracking_skips_that_step_only() {
    let cloud = compromised_instance();
    cloud.state().timeouts_unreported = true;
    let reports = run(&cloud).await;
    let tracking = step(&reports, "shorten-connection-tracking");
    assert_eq!(tracking.status, StepStatus::Skipped, "{tracking:?}");
    assert!(
        tracking.detail.contains("cannot be verified"),
        "{tracking:?}"
    );
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("contained")
    );
}

#[tokio::test]
async fn a_failed_step_does_not_stop_the_others_but_the_incident_is_unverified() {
    let cloud = compromised_instance();
    cloud.state().fail_disassociate = true;
    cloud.state().fail_snapshots = true;
    let reports = run(&cloud).await;
    assert_eq!(
        status(&reports, "disassociate-instance-profile"),
        StepStatus::Failed
    );
    assert_eq!(status(&reports, "snapshot-volumes"), StepStatus::Failed);
    for name in [
        "revoke-role-sessions",
        "protect-instance",
        "keep-volumes",
        "detach-from-auto-scaling-group",
        "deregister-from-target-groups",
        "shorten-connection-tracking",
    ] {
        assert_eq!(status(&reports, name), StepStatus::Done, "{name}");
    }
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("containment-unverified")
    );
}

#[tokio::test]
async fn a_group_that_keeps_the_instance_fails_the_detach_step() {
    let cloud = compromised_instance();
    cloud.state().detach_ignored = true;
    let reports = run(&cloud).await;
    let detach = step(&reports, "detach-from-auto-scaling-group");
    assert_eq!(detach.status, StepStatus::Failed, "{detach:?}");
    assert!(detach.detail.contains("still a member"), "{detach:?}");
}

#[tokio::test]
async fn an_instance_with_nothing_beyond_its_network_is_still_contained() {
    let cloud = FakeCloud::new().attach(ENI1, &[WEB]).attach(ENI2, &[WEB]);
    let mut bare = incident(TWO_ENIS);
    bare.instance_profile_arn = None;
    let reports = run_with(&cloud, &bare, InstanceSettings::default()).await;
    for name in [
        "disassociate-instance-profile",
        "revoke-role-sessions",
        "detach-from-auto-scaling-group",
        "deregister-from-target-groups",
    ] {
        assert_eq!(status(&reports, name), StepStatus::Skipped, "{name}");
    }
    assert!(reports.iter().all(|r| r.status.is_ok()), "{reports:#?}");
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("contained")
    );
}

/// The calls of one step family that only read: what the step decides on.
fn is_read(call: &Call) -> bool {
    !call.is_write()
}

#[tokio::test]
async fn every_step_reads_what_it_decides_on_before_its_first_change() {
    let cloud = compromised_instance();
    cloud.state().yield_on_calls = true;
    run(&cloud).await;
    let log = cloud.log();
    let first = |wanted: &Call| log.iter().position(|c| c == wanted).unwrap();
    let first_write_of = |name: &str| {
        log.iter()
            .position(|c| c.is_write() && family(c) == Some(name))
            .unwrap_or_else(|| panic!("{name} changed nothing: {log:#?}"))
    };
    // The existing snapshots are read alongside the protection read, not after it.
    let evidence_writes = first_write_of("evidence");
    assert!(first(&Call::ReadSnapshots) < evidence_writes, "{log:#?}");
    assert!(first(&Call::ReadProtection) < evidence_writes, "{log:#?}");
    // The role and its revoke policy are read, from the profile the finding names,
    // before the profile is taken away or the policy written.
    let credential_writes = first_write_of("credentials");
    for read in [
        Call::ReadAssociation,
        Call::ProfileRoles,
        Call::ReadRolePolicy(ROLE.into()),
        Call::InstancesUsingProfile,
    ] {
        assert!(first(&read) < credential_writes, "{read:?}: {log:#?}");
    }
    // The profile was looked up once: the finding named the live profile.
    assert_eq!(
        log.iter().filter(|c| **c == Call::ProfileRoles).count(),
        1,
        "{log:#?}"
    );
    for name in ["auto-scaling", "target-groups", "connection-tracking"] {
        let first_read = log
            .iter()
            .position(|c| is_read(c) && family(c) == Some(name))
            .unwrap();
        assert!(first_read < first_write_of(name), "{name}: {log:#?}");
    }
}

#[tokio::test]
async fn one_read_back_proves_protection_and_volumes_together() {
    let cloud = compromised_instance();
    run(&cloud).await;
    let reads = cloud
        .log()
        .iter()
        .filter(|c| **c == Call::ReadProtection)
        .count();
    assert_eq!(reads, 2, "one read before, one read-back");
}

#[tokio::test]
async fn the_live_association_wins_over_the_profile_the_finding_names() {
    const LIVE: &str = "arn:aws:iam::123456789012:instance-profile/batch-worker";
    const LIVE_ROLE: &str = "batch-worker-role";
    let cloud = compromised_instance();
    {
        let mut state = cloud.state();
        state.association = Some(ProfileAssociation {
            association_id: "iip-assoc-2".into(),
            profile_arn: LIVE.into(),
        });
        state
            .profile_roles
            .insert(LIVE.into(), vec![LIVE_ROLE.into()]);
    }
    let reports = run(&cloud).await;
    let revoke = step(&reports, "revoke-role-sessions");
    assert_eq!(revoke.status, StepStatus::Done, "{revoke:?}");
    assert_eq!(revoke.target, LIVE_ROLE);
    assert!(revoke.detail.contains(LIVE), "{revoke:?}");
    let state = cloud.state();
    assert!(
        state
            .role_policies
            .contains_key(&(LIVE_ROLE.to_owned(), REVOKE_SESSIONS_POLICY.to_owned()))
    );
    assert!(
        !state
            .role_policies
            .contains_key(&(ROLE.to_owned(), REVOKE_SESSIONS_POLICY.to_owned())),
        "the profile the finding saw is no longer the instance's"
    );
    drop(state);
    assert_eq!(
        tag_of(&cloud, INSTANCE, INSTANCE_PROFILE_TAG).as_deref(),
        Some(LIVE)
    );
}

#[tokio::test]
async fn a_finding_without_the_profile_still_finds_it_through_the_association() {
    let cloud = compromised_instance();
    let mut unnamed = incident(TWO_ENIS);
    unnamed.instance_profile_arn = None;
    let reports = run_with(&cloud, &unnamed, InstanceSettings::default()).await;
    for name in ["disassociate-instance-profile", "revoke-role-sessions"] {
        assert_eq!(status(&reports, name), StepStatus::Done, "{name}");
    }
    assert_eq!(step(&reports, "revoke-role-sessions").target, ROLE);
}

#[tokio::test]
async fn a_later_revocation_is_never_moved_back() {
    let cloud = compromised_instance();
    let later = "2026-11-23T11:00:00Z";
    cloud.state().role_policies.insert(
        (ROLE.into(), REVOKE_SESSIONS_POLICY.into()),
        revoke_sessions_document(later),
    );
    let reports = run(&cloud).await;
    assert_eq!(
        status(&reports, "revoke-role-sessions"),
        StepStatus::AlreadyDone
    );
    assert!(
        !cloud
            .log()
            .iter()
            .any(|c| matches!(c, Call::PutRolePolicy(..)))
    );
    let document =
        cloud.state().role_policies[&(ROLE.to_owned(), REVOKE_SESSIONS_POLICY.to_owned())].clone();
    assert_eq!(revoked_before(&document).as_deref(), Some(later));
}

/// A record that fails: the change it records still stands, the step fails with the
/// record's retry class, says release cannot restore it alone, and the rest is done.
async fn with_failing_record(key: &'static str, name: &str) -> (FakeCloud, StepReport) {
    let cloud = compromised_instance();
    cloud.state().fail_tag_keys.push(key);
    let reports = run(&cloud).await;
    let report = step(&reports, name).clone();
    assert_eq!(report.status, StepStatus::Failed, "{report:#?}");
    assert_eq!(
        report.failure,
        Some(crate::outcome::FailureKind::Transient),
        "retried: {report:#?}"
    );
    assert!(
        report.detail.contains(key) && report.detail.contains("release cannot"),
        "{report:#?}"
    );
    for other in reports.iter().filter(|r| r.name != name) {
        assert!(other.status.is_ok(), "{other:#?}");
    }
    assert_eq!(
        cloud.instance_tag("cordon:status").as_deref(),
        Some("containment-unverified")
    );
    (cloud, report)
}

#[tokio::test]
async fn protection_stays_on_when_its_record_fails() {
    let (cloud, report) = with_failing_record(PROTECTION_BEFORE_TAG, "protect-instance").await;
    assert!(
        report.detail.contains("now both protections on"),
        "{report:?}"
    );
    let protection = cloud.state().protection.clone().unwrap();
    assert!(protection.termination_protection && protection.stop_protection);
    assert_eq!(protection.shutdown_behavior, "stop");
    assert_eq!(tag_of(&cloud, INSTANCE, PROTECTION_BEFORE_TAG), None);
}

#[tokio::test]
async fn the_profile_stays_disassociated_when_its_record_fails() {
    let (cloud, report) =
        with_failing_record(INSTANCE_PROFILE_TAG, "disassociate-instance-profile").await;
    assert!(report.detail.contains(PROFILE), "{report:?}");
    assert_eq!(cloud.state().association, None);
    assert_eq!(tag_of(&cloud, INSTANCE, INSTANCE_PROFILE_TAG), None);
}

#[tokio::test]
async fn the_instance_stays_detached_when_its_group_record_fails() {
    let (cloud, report) =
        with_failing_record(AUTO_SCALING_GROUP_TAG, "detach-from-auto-scaling-group").await;
    assert!(report.detail.contains(GROUP), "{report:?}");
    let state = cloud.state();
    assert_eq!(state.membership, None);
    assert_eq!(state.desired[GROUP], 2);
    drop(state);
    assert_eq!(tag_of(&cloud, INSTANCE, AUTO_SCALING_GROUP_TAG), None);
}

#[tokio::test]
async fn snapshots_stand_when_their_volume_tags_fail() {
    let (cloud, report) = {
        let cloud = compromised_instance();
        cloud.state().fail_tag_keys.push(VOLUME_TAG);
        let reports = run(&cloud).await;
        let report = step(&reports, "snapshot-volumes").clone();
        (cloud, report)
    };
    assert_eq!(report.status, StepStatus::Failed, "{report:?}");
    assert!(report.detail.contains(VOLUME_TAG), "{report:?}");
    assert_eq!(report.resources, ["snap-0001", "snap-0002"]);
    assert_eq!(cloud.state().snapshots.len(), 2);
}

/// Runs the playbook with every step call taking one round trip, counting rounds: each
/// poll of the playbook is one, as every call in flight yields exactly once.
async fn run_in_rounds(cloud: &FakeCloud) -> Vec<(usize, Call)> {
    cloud.state().yield_on_calls = true;
    let incident = incident(TWO_ENIS);
    let plan = instance::plan(&incident, InstanceSettings::default());
    let ports = InstancePorts {
        network: cloud,
        credentials: cloud,
        evidence: cloud,
        rotation: cloud,
    };
    let hands_off = hands_off();
    let mut playbook = std::pin::pin!(instance::execute(&ports, &incident, &plan, &hands_off, NOW));
    let run = std::future::poll_fn(|task| {
        cloud.state().round += 1;
        playbook.as_mut().poll(task)
    })
    .await;
    assert!(run.reports.iter().all(|r| r.status.is_ok()), "{run:#?}");
    let state = cloud.state();
    state
        .log_rounds
        .iter()
        .copied()
        .zip(state.log.clone())
        .collect()
}

#[tokio::test]
async fn after_its_reads_a_step_is_contained_in_two_round_trips_with_its_record_alongside() {
    let cloud = compromised_instance();
    let log = run_in_rounds(&cloud).await;
    let rounds_of = |name: &str| -> Vec<(usize, &Call)> {
        log.iter()
            .filter(|(_, c)| family(c) == Some(name) || is_record_of(c, name))
            .map(|(round, c)| (*round, c))
            .collect()
    };
    for name in [
        "credentials",
        "evidence",
        "auto-scaling",
        "target-groups",
        "connection-tracking",
    ] {
        let calls = rounds_of(name);
        let first_change = calls
            .iter()
            .find(|(_, c)| c.is_write())
            .map(|(round, _)| *round)
            .unwrap_or_else(|| panic!("{name} changed nothing: {log:#?}"));
        let last = calls.iter().map(|(round, _)| *round).max().unwrap();
        // The changes in one round, the read-back in the next.
        assert!(last <= first_change + 1, "{name}: {calls:#?}");
        // A record goes out with the change it records, never before it.
        for (round, call) in calls.iter().filter(|(_, c)| is_release_record(c)) {
            assert_eq!(*round, first_change, "{name}: {call:?} waited: {calls:#?}");
        }
    }
    let records = log.iter().filter(|(_, c)| is_release_record(c)).count();
    assert_eq!(
        records, 3,
        "protection, profile and group recorded: {log:#?}"
    );
    // The incident tags take one more round, once every step has reported.
    let steps_end = log
        .iter()
        .filter(|(_, c)| family(c).is_some() || c.is_write())
        .filter(|(_, c)| !is_incident_tagging(c))
        .map(|(round, _)| *round)
        .max()
        .unwrap();
    let tagged = log
        .iter()
        .filter(|(_, c)| is_incident_tagging(c))
        .map(|(round, _)| *round)
        .collect::<Vec<_>>();
    assert_eq!(tagged, [steps_end + 1, steps_end + 1], "{log:#?}");
}

/// A record tag belongs to the step that writes it.
fn is_record_of(call: &Call, name: &str) -> bool {
    let Call::Tag(_, tags) = call else {
        return false;
    };
    let key = tags[0].0.as_str();
    match name {
        "credentials" => key == INSTANCE_PROFILE_TAG,
        "evidence" => key == PROTECTION_BEFORE_TAG || key == VOLUME_TAG,
        "auto-scaling" => key == AUTO_SCALING_GROUP_TAG,
        "connection-tracking" => key == crate::names::CONNECTION_TRACKING_TAG,
        _ => false,
    }
}

/// The tags release restores the instance from.
fn is_release_record(call: &Call) -> bool {
    matches!(call, Call::Tag(_, tags) if tags.iter().any(|(k, _)| {
        [PROTECTION_BEFORE_TAG, INSTANCE_PROFILE_TAG, AUTO_SCALING_GROUP_TAG].contains(&k.as_str())
    }))
}

fn is_incident_tagging(call: &Call) -> bool {
    matches!(call, Call::Tag(_, tags)
        if tags.iter().any(|(k, _)| k == crate::names::STATUS_TAG || k == LAST_INCIDENT_TAG))
}
