//! Evidence: a snapshot of every attached EBS volume, tagged with the incident as it is
//! created, so a retry finds what an earlier run took instead of taking it again.

use super::Context;
use crate::names::{FINDING_TAG, FINDING_TYPE_TAG, INCIDENT_TAG, INSTANCE_TAG, VOLUME_TAG};
use crate::ports::{
    EvidencePreservation, InstanceProtection, NetworkIsolation, PortError, Snapshot,
};
use crate::{Step, StepReport, StepStatus};
use futures_util::future::join_all;

/// Snapshots the volumes `existing` (read alongside the volumes, see `evidence`) lacks.
pub(super) async fn take<E: EvidencePreservation, N: NetworkIsolation>(
    evidence: &E,
    network: &N,
    cx: &Context<'_>,
    step: &Step,
    before: &InstanceProtection,
    existing: Result<Vec<Snapshot>, PortError>,
) -> StepReport {
    let volumes: Vec<&str> = before
        .volumes
        .iter()
        .map(|v| v.volume_id.as_str())
        .collect();
    if volumes.is_empty() {
        return step.report(StepStatus::Skipped, "no EBS volumes attached");
    }
    let existing = match existing {
        Ok(existing) => usable(existing),
        Err(err) => return step.failed(&err),
    };
    let missing: Vec<&str> = volumes
        .iter()
        .copied()
        .filter(|v| !existing.iter().any(|s| s.volume_id == *v))
        .collect();
    if missing.is_empty() {
        return with_snapshots(
            step.report(
                StepStatus::AlreadyDone,
                format!("taken earlier: {}", describe(&existing)),
            ),
            &existing,
        );
    }
    let tags = incident_tags(cx);
    let created = if missing.len() == volumes.len() {
        evidence
            .snapshot_instance(&cx.incident.instance_id, &tags)
            .await
    } else {
        // Tagged with their volumes as they are created: nothing left to tag.
        snapshot_each(evidence, &missing, &tags)
            .await
            .map(|()| Vec::new())
    };
    let untagged = match created {
        Ok(untagged) => untagged,
        Err(err) => return step.failed(&err),
    };
    // The read-back finds the snapshots by the tags they were created with, so it does
    // not wait for the volume tags.
    let instance = &cx.incident.instance_id;
    let incident = cx.incident.finding_id.as_str();
    let (tagged, after) = futures_util::join!(
        tag_volumes(network, &untagged),
        evidence.incident_snapshots(instance, incident),
    );
    let after = match after {
        Ok(after) => usable(after),
        Err(err) => return step.failed(&err),
    };
    let uncovered: Vec<&str> = volumes
        .iter()
        .copied()
        .filter(|v| !after.iter().any(|s| s.volume_id == *v))
        .collect();
    if !uncovered.is_empty() {
        return step.report(
            StepStatus::Failed,
            format!("no usable snapshot of {}", uncovered.join(", ")),
        );
    }
    let report = match tagged {
        Ok(()) => step.report(StepStatus::Done, describe(&after)),
        Err(err) => StepReport {
            detail: format!(
                "{}, but tagging them with {VOLUME_TAG} failed: {err}",
                describe(&after)
            ),
            ..step.failed(&err)
        },
    };
    with_snapshots(report, &after)
}

/// A multi-volume set takes one tag set for all its snapshots, so each one's volume id
/// is tagged afterwards. It repeats the snapshot's own `VolumeId`, which EC2 (and the
/// emulator) report and the read-back relies on; the tag is kept for people.
async fn tag_volumes<N: NetworkIsolation>(
    network: &N,
    created: &[Snapshot],
) -> Result<(), PortError> {
    join_all(created.iter().map(|s| {
        let tag = [(VOLUME_TAG.to_owned(), s.volume_id.clone())];
        async move {
            network
                .tag_resources(std::slice::from_ref(&s.snapshot_id), &tag)
                .await
        }
    }))
    .await
    .into_iter()
    .collect()
}

/// A retry that finds some volumes already snapshotted takes only the rest, each
/// tagged with its volume as it is created.
async fn snapshot_each<E: EvidencePreservation>(
    evidence: &E,
    missing: &[&str],
    tags: &[(String, String)],
) -> Result<(), PortError> {
    join_all(missing.iter().map(|volume| {
        let mut tags = tags.to_vec();
        tags.push((VOLUME_TAG.to_owned(), (*volume).to_owned()));
        async move { evidence.snapshot_volume(volume, &tags).await }
    }))
    .await
    .into_iter()
    .try_for_each(|r| r.map(drop))
}

fn incident_tags(cx: &Context<'_>) -> Vec<(String, String)> {
    let incident = cx.incident;
    [
        (INCIDENT_TAG, incident.finding_id.as_str()),
        (FINDING_TAG, incident.finding_arn.as_str()),
        (FINDING_TYPE_TAG, incident.finding_type.as_str()),
        (INSTANCE_TAG, incident.instance_id.as_str()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .chain([(
        "Name".to_owned(),
        format!("cordon evidence of {}", incident.instance_id),
    )])
    .collect()
}

/// A snapshot in `error` state preserves nothing.
fn usable(snapshots: Vec<Snapshot>) -> Vec<Snapshot> {
    snapshots
        .into_iter()
        .filter(|s| s.state != "error")
        .collect()
}

fn describe(snapshots: &[Snapshot]) -> String {
    snapshots
        .iter()
        .map(|s| format!("{} of {} ({})", s.snapshot_id, s.volume_id, s.state))
        .collect::<Vec<_>>()
        .join(", ")
}

fn with_snapshots(mut report: StepReport, snapshots: &[Snapshot]) -> StepReport {
    report.resources = snapshots.iter().map(|s| s.snapshot_id.clone()).collect();
    report
}
