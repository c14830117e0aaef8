//! Keeping the instance and its disks for forensics: protection attributes and volume
//! settings from one read, snapshots alongside.

use super::{Context, snapshots};
use crate::plan::{PROTECTION_BEFORE_TAG, if_planned};
use crate::{
    EvidencePreservation, InstanceProtection, NetworkIsolation, PortError, ProtectionChange, Step,
    StepKind, StepReport, StepStatus,
};
use futures_util::future::join_all;

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
    let before = match evidence.protection(&cx.incident.instance_id).await {
        Ok(before) => before,
        Err(err) => return steps.iter().map(|s| s.failed(&err)).collect(),
    };
    let (protected, kept, snapshotted) = futures_util::join!(
        if_planned(protect, |step| protect_instance(
            evidence, network, cx, step, &before
        )),
        if_planned(keep, |step| keep_volumes(evidence, cx, step, &before)),
        if_planned(snapshot, |step| snapshots::take(
            evidence, network, cx, step, &before
        )),
    );
    [protected, kept, snapshotted]
        .into_iter()
        .flatten()
        .collect()
}

async fn protect_instance<E: EvidencePreservation, N: NetworkIsolation>(
    evidence: &E,
    network: &N,
    cx: &Context<'_>,
    step: &Step,
    before: &InstanceProtection,
) -> StepReport {
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
    let was = format!(
        "termination protection {}, stop protection {}, shutdown behaviour {}",
        on_off(before.termination_protection),
        on_off(before.stop_protection),
        before.shutdown_behavior
    );
    if changes.is_empty() {
        return step.report(StepStatus::AlreadyDone, was);
    }
    if let Err(err) = record_protection(network, cx, before).await {
        return step.failed(&err);
    }
    let after = match apply(evidence, cx, &changes).await {
        Ok(after) => after,
        Err(err) => return step.failed(&err),
    };
    if after.termination_protection && after.stop_protection && after.shutdown_behavior == "stop" {
        step.report(
            StepStatus::Done,
            format!("was {was}; now both protections on, shutdown behaviour stop"),
        )
    } else {
        step.report(
            StepStatus::Failed,
            format!(
                "read back termination protection {}, stop protection {}, shutdown behaviour {}",
                on_off(after.termination_protection),
                on_off(after.stop_protection),
                after.shutdown_behavior
            ),
        )
    }
}

async fn keep_volumes<E: EvidencePreservation>(
    evidence: &E,
    cx: &Context<'_>,
    step: &Step,
    before: &InstanceProtection,
) -> StepReport {
    if before.volumes.is_empty() {
        return step.report(StepStatus::Skipped, "no EBS volumes attached");
    }
    let doomed: Vec<_> = before
        .volumes
        .iter()
        .filter(|v| v.delete_on_termination)
        .collect();
    if doomed.is_empty() {
        return step.report(
            StepStatus::AlreadyDone,
            "no attached volume is deleted on termination",
        );
    }
    let changes: Vec<ProtectionChange> = doomed
        .iter()
        .map(|v| ProtectionChange::KeepVolume {
            device: v.device.clone(),
        })
        .collect();
    let after = match apply(evidence, cx, &changes).await {
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

/// Records the settings before the first change, for release. Never overwritten: a
/// retry finds protection already on, which is not the state before. The tags are
/// the ones isolation read for the exemption, not read again.
async fn record_protection<N: NetworkIsolation>(
    network: &N,
    cx: &Context<'_>,
    before: &InstanceProtection,
) -> Result<(), PortError> {
    let instance = &cx.incident.instance_id;
    if cx
        .instance_tags
        .iter()
        .any(|(k, _)| k == PROTECTION_BEFORE_TAG)
    {
        return Ok(());
    }
    let value = format!(
        "termination={},stop={},shutdown={}",
        on_off(before.termination_protection),
        on_off(before.stop_protection),
        before.shutdown_behavior
    );
    network
        .tag_resources(
            &[instance.to_string()],
            &[(PROTECTION_BEFORE_TAG.to_owned(), value)],
        )
        .await
}

/// Applies the changes concurrently (each is its own API call), then reads back.
async fn apply<E: EvidencePreservation>(
    evidence: &E,
    cx: &Context<'_>,
    changes: &[ProtectionChange],
) -> Result<InstanceProtection, PortError> {
    let instance = &cx.incident.instance_id;
    join_all(
        changes
            .iter()
            .map(|c| evidence.apply_protection(instance, c)),
    )
    .await
    .into_iter()
    .collect::<Result<Vec<()>, _>>()?;
    evidence.protection(instance).await
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}
