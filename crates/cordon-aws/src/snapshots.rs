//! Evidence snapshots: taken with their tags in the same call (the IAM policy can then
//! require them), and found again by those tags, so a retried invocation sees what an
//! earlier one already took.

use crate::error::missing;
use crate::port_error;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{
    Filter, InstanceSpecification, ResourceType, SnapshotState, Tag, TagSpecification,
};
use cordon_core::names::{INCIDENT_TAG, INSTANCE_TAG};
use cordon_core::ports::{PortResult, Snapshot};
use cordon_events::InstanceId;

pub(crate) async fn of_incident(
    client: &Client,
    instance: &InstanceId,
    incident: &str,
) -> PortResult<Vec<Snapshot>> {
    const OP: &str = "ec2:DescribeSnapshots";
    let tagged = |key: &str, value: &str| {
        Filter::builder()
            .name(format!("tag:{key}"))
            .values(value)
            .build()
    };
    let pages = client
        .describe_snapshots()
        .owner_ids("self")
        .filters(tagged(INCIDENT_TAG, incident))
        .filters(tagged(INSTANCE_TAG, instance.as_str()))
        .into_paginator()
        .items()
        .send()
        .collect::<Vec<_>>()
        .await;
    pages
        .into_iter()
        .map(|found| {
            let found = found.map_err(|e| port_error(OP, e))?;
            snapshot(OP, found.snapshot_id(), found.volume_id(), found.state())
        })
        .collect()
}

/// One `CreateSnapshots` call: a crash-consistent set of every EBS volume, boot volume
/// included. `tags` must carry [`INCIDENT_TAG`] and [`INSTANCE_TAG`] for `of_incident`
/// to find the set again.
pub(crate) async fn of_instance(
    client: &Client,
    instance: &InstanceId,
    tags: &[(String, String)],
) -> PortResult<Vec<Snapshot>> {
    const OP: &str = "ec2:CreateSnapshots";
    let created = client
        .create_snapshots()
        .instance_specification(
            InstanceSpecification::builder()
                .instance_id(instance.as_str())
                .exclude_boot_volume(false)
                .build(),
        )
        .description(format!("cordon evidence of {instance}"))
        .tag_specifications(snapshot_tags(tags))
        .send()
        .await
        .map_err(|e| port_error(OP, e))?;
    created
        .snapshots()
        .iter()
        .map(|s| snapshot(OP, s.snapshot_id(), s.volume_id(), s.state()))
        .collect()
}

/// Like `of_instance`, `tags` must carry both keys `of_incident` looks for.
pub(crate) async fn of_volume(
    client: &Client,
    volume_id: &str,
    tags: &[(String, String)],
) -> PortResult<Snapshot> {
    const OP: &str = "ec2:CreateSnapshot";
    let of = tags
        .iter()
        .find(|(key, _)| key == INSTANCE_TAG)
        .map_or(volume_id, |(_, instance)| instance.as_str());
    let created = client
        .create_snapshot()
        .volume_id(volume_id)
        .description(format!("cordon evidence of {of}"))
        .tag_specifications(snapshot_tags(tags))
        .send()
        .await
        .map_err(|e| port_error(OP, e))?;
    snapshot(
        OP,
        created.snapshot_id(),
        created.volume_id(),
        created.state(),
    )
}

fn snapshot_tags(tags: &[(String, String)]) -> TagSpecification {
    TagSpecification::builder()
        .resource_type(ResourceType::Snapshot)
        .set_tags(Some(
            tags.iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect(),
        ))
        .build()
}

/// A state the answer leaves out is `unknown` (moto 5.2.5 omits it from
/// `CreateSnapshots`); AWS always reports one.
fn snapshot(
    operation: &'static str,
    snapshot_id: Option<&str>,
    volume_id: Option<&str>,
    state: Option<&SnapshotState>,
) -> PortResult<Snapshot> {
    Ok(Snapshot {
        snapshot_id: snapshot_id
            .ok_or_else(|| missing(operation, "SnapshotId"))?
            .to_owned(),
        volume_id: volume_id
            .ok_or_else(|| missing(operation, "VolumeId"))?
            .to_owned(),
        state: state.map_or("unknown", SnapshotState::as_str).to_owned(),
    })
}
