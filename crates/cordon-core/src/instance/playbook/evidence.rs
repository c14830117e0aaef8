//! Keeping the instance and its disks for forensics: protection on, volumes kept past
//! termination, with the state before recorded, and snapshots of every volume.

use super::{Context, snapshots};
use crate::names::PROTECTION_BEFORE_TAG;
use crate::ports::{
    AttachedVolume, EvidencePreservation, InstanceProtection, NetworkIsolation, PortError,
    ProtectionChange,
};
use crate::step::if_planned;
use crate::{Step, StepKind, StepReport, StepStatus};
use futures_util::future::join_all;

/// One read of the protection attributes and volumes, alongside the snapshots an
/// earlier run took; then the protection and volume changes together, with the record
/// of the state before, and one read-back for both; snapshots alongside.
pub(super) async fn preserve<E: EvidencePreservation, N: NetworkIsolation>(
    evidence: &E,
    network: &N,
    cx: &Context<'_>,
) -> Vec<StepReport> {
    let protect = cx.plan.step(StepKind::ProtectInstance);
    let keep = cx.plan.step(StepKind::KeepVolumes);
    let snapshot = cx.plan.step(StepKind::SnapshotVolumes);
    let steps: Vec<&Step> = [protect, keep, snapshot].into_iter().flatten().collect();
    if steps.is_empty() {
        return Vec::new();
    }
    let instance = &cx.incident.instance_id;
    let (before, existing) = futures_util::join!(evidence.protection(instance), async {
        match snapshot {
            Some(_) => {
                let incident = cx.incident.finding_id.as_str();
                evidence.incident_snapshots(instance, incident).await
            }
            None => Ok(Vec::new()),
        }
    });
    let before = match before {
        Ok(before) => before,
        Err(err) => return steps.iter().map(|s| s.failed(&err)).collect(),
    };
    let (mut reports, snapshotted) = futures_util::join!(
        protect_and_keep(evidence, network, cx, protect, keep, &before),
        if_planned(snapshot, |step| snapshots::take(
            evidence, network, cx, step, &before, existing
        )),
    );
    reports.extend(snapshotted);
    reports
}

/// Protection and volumes change through the same API and read back through the same
/// read, so they change together and are proven by one read-back.
async fn protect_and_keep<E: EvidencePreservation, N: NetworkIsolation>(
    evidence: &E,
    network: &N,
    cx: &Context<'_>,
    protect: Option<&Step>,
    keep: Option<&Step>,
    before: &InstanceProtection,
) -> Vec<StepReport> {
    let mut reports = Vec::new();
    let protect = protect.and_then(|step| match protection_changes(before) {
        changes if changes.is_empty() => {
            reports.push(step.report(StepStatus::AlreadyDone, describe(before)));
            None
        }
        changes => Some((step, changes)),
    });
    let doomed: Vec<&AttachedVolume> = before
        .volumes
        .iter()
        .filter(|v| v.delete_on_termination)
        .collect();
    let keep = keep.and_then(|step| {
        if before.volumes.is_empty() {
            reports.push(step.report(StepStatus::Skipped, "no EBS volumes attached"));
        } else if doomed.is_empty() {
            reports.push(step.report(
                StepStatus::AlreadyDone,
                "no attached volume is deleted on termination",
            ));
        } else {
            return Some(step);
        }
        None
    });
    if protect.is_none() && keep.is_none() {
        return reports;
    }
    let protect_changes = protect.as_ref().map_or(&[][..], |(_, changes)| changes);
    let keep_changes: Vec<ProtectionChange> = match keep {
        Some(_) => doomed
            .iter()
            .map(|v| ProtectionChange::KeepVolume {
                device: v.device.clone(),
            })
            .collect(),
        None => Vec::new(),
    };
    // The record goes out with the changes it records, not before them.
    let (recorded, protected, kept) = futures_util::join!(
        async {
            match protect {
                Some(_) => record_protection(network, cx, before).await,
                None => Ok(()),
            }
        },
        apply(evidence, cx, protect_changes),
        apply(evidence, cx, &keep_changes),
    );
    let after = evidence.protection(&cx.incident.instance_id).await;
    if let Some((step, _)) = protect {
        let after = protected.and(after.clone());
        reports.push(protection_report(step, before, after, recorded));
    }
    if let Some(step) = keep {
        reports.push(volumes_report(step, &doomed, kept.and(after)));
    }
    reports
}

fn protection_changes(before: &InstanceProtection) -> Vec<ProtectionChange> {
    let mut changes = Vec::new();
    if !before.termination_protection {
        changes.push(ProtectionChange::TerminationProtection(true));
    }
    if !before.stop_protection {
        changes.push(ProtectionChange::StopProtection(true));
    }
    if before.shutdown_behavior != "stop" {
        changes.push(ProtectionChange::ShutdownBehavior("stop".into()));
    }
    changes
}

/// Verified by the read-back; a failed record leaves the protection on but fails the
/// step, so the event is retried and people see release cannot restore it by itself.
fn protection_report(
    step: &Step,
    before: &InstanceProtection,
    after: Result<InstanceProtection, PortError>,
    recorded: Result<(), PortError>,
) -> StepReport {
    let after = match after {
        Ok(after) => after,
        Err(err) => return step.failed(&err),
    };
    if !(after.termination_protection && after.stop_protection && after.shutdown_behavior == "stop")
    {
        return step.report(
            StepStatus::Failed,
            format!("read back {}", describe(&after)),
        );
    }
    let done = format!(
        "was {}; now both protections on, shutdown behaviour stop",
        describe(before)
    );
    match recorded {
        Ok(()) => step.report(StepStatus::Done, done),
        Err(err) => StepReport {
            detail: format!(
                "{done}, but recording the state before in tag {PROTECTION_BEFORE_TAG} failed, so release cannot restore it by itself: {err}"
            ),
            ..step.failed(&err)
        },
    }
}

fn volumes_report(
    step: &Step,
    doomed: &[&AttachedVolume],
    after: Result<InstanceProtection, PortError>,
) -> StepReport {
    let after = match after {
        Ok(after) => after,
        Err(err) => return step.failed(&err),
    };
    let still: Vec<&str> = after
        .volumes
        .iter()
        .filter(|v| v.delete_on_termination)
        .map(|v| v.volume_id.as_str())
        .collect();
    if still.is_empty() {
        let kept: Vec<String> = doomed
            .iter()
            .map(|v| format!("{} ({})", v.volume_id, v.device))
            .collect();
        step.report(
            StepStatus::Done,
            format!("DeleteOnTermination off for {}", kept.join(", ")),
        )
    } else {
        step.report(
            StepStatus::Failed,
            format!("still deleted on termination: {}", still.join(", ")),
        )
    }
}

/// Records the settings before the first change, for release. The tag is never
/// overwritten: a retry finds protection already on, which is not the state before
/// (the ledger's record keeps the first run's too). The tags are the ones isolation
/// read for the exemption, not read again.
async fn record_protection<N: NetworkIsolation>(
    network: &N,
    cx: &Context<'_>,
    before: &InstanceProtection,
) -> Result<(), PortError> {
    let instance = &cx.incident.instance_id;
    let value = format!(
        "termination={},stop={},shutdown={}",
        on_off(before.termination_protection),
        on_off(before.stop_protection),
        before.shutdown_behavior
    );
    cx.keep(instance.as_str(), PROTECTION_BEFORE_TAG, value.clone());
    if cx
        .instance_tags
        .iter()
        .any(|(k, _)| k == PROTECTION_BEFORE_TAG)
    {
        return Ok(());
    }
    network
        .tag_resources(
            &[instance.to_string()],
            &[(PROTECTION_BEFORE_TAG.to_owned(), value)],
        )
        .await
}

/// Applies the changes concurrently: each is its own API call.
async fn apply<E: EvidencePreservation>(
    evidence: &E,
    cx: &Context<'_>,
    changes: &[ProtectionChange],
) -> Result<(), PortError> {
    let instance = &cx.incident.instance_id;
    join_all(
        changes
            .iter()
            .map(|c| evidence.apply_protection(instance, c)),
    )
    .await
    .into_iter()
    .collect()
}

fn describe(protection: &InstanceProtection) -> String {
    format!(
        "termination protection {}, stop protection {}, shutdown behaviour {}",
        on_off(protection.termination_protection),
        on_off(protection.stop_protection),
        protection.shutdown_behavior
    )
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}
