//! `Ec2Evidence` against the emulator: protection read, applied and read back, and
//! snapshots taken with their tags and found again by them.

use crate::support::{attach_volume, clients, estate, unique};
use aws_sdk_ec2::types::{Filter, InstanceAttributeName};
use cordon_aws::{Clients, Ec2Evidence};
use cordon_core::names::{INCIDENT_TAG, INSTANCE_TAG};
use cordon_core::ports::{EvidencePreservation, ProtectionChange};
use cordon_events::InstanceId;
use std::collections::BTreeSet;

fn adapter(clients: &Clients) -> Ec2Evidence {
    Ec2Evidence::new(clients.ec2.clone())
}

async fn instance_groups(clients: &Clients, instance: &str) -> BTreeSet<String> {
    let interfaces = clients
        .ec2
        .describe_network_interfaces()
        .filters(
            Filter::builder()
                .name("attachment.instance-id")
                .values(instance)
                .build(),
        )
        .send()
        .await
        .unwrap();
    interfaces
        .network_interfaces()
        .iter()
        .flat_map(|n| n.groups())
        .filter_map(|g| g.group_id().map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn protection_is_read_applied_and_read_back_all_on() {
    let clients = clients().await;
    let evidence = adapter(&clients);
    let estate = estate(&clients).await;
    let instance: InstanceId = estate.instance.parse().unwrap();
    let data = attach_volume(&clients, instance.as_str(), "/dev/sdf").await;
    // Start from terminate, so that applying `stop` is seen to change something.
    clients
        .ec2
        .modify_instance_attribute()
        .instance_id(instance.as_str())
        .attribute(InstanceAttributeName::InstanceInitiatedShutdownBehavior)
        .value("terminate")
        .send()
        .await
        .unwrap();
    let groups_before = instance_groups(&clients, instance.as_str()).await;

    let before = evidence.protection(&instance).await.unwrap();
    assert!(!before.termination_protection);
    assert!(!before.stop_protection);
    assert_eq!(before.shutdown_behavior, "terminate");
    assert_eq!(before.volumes.len(), 2, "{:?}", before.volumes);
    let root = before
        .volumes
        .iter()
        .find(|v| v.volume_id != data)
        .expect("root volume");
    assert!(root.delete_on_termination);
    let attached = before
        .volumes
        .iter()
        .find(|v| v.volume_id == data)
        .expect("attached volume");
    assert_eq!(attached.device, "/dev/sdf");

    let mut changes = vec![
        ProtectionChange::TerminationProtection(true),
        ProtectionChange::StopProtection(true),
        ProtectionChange::ShutdownBehavior("stop".into()),
    ];
    changes.extend(before.volumes.iter().map(|v| ProtectionChange::KeepVolume {
        device: v.device.clone(),
    }));
    for change in &changes {
        evidence.apply_protection(&instance, change).await.unwrap();
    }

    let after = evidence.protection(&instance).await.unwrap();
    assert!(after.termination_protection);
    assert!(after.stop_protection);
    assert_eq!(after.shutdown_behavior, "stop");
    assert_eq!(after.volumes.len(), 2);
    assert!(after.volumes.iter().all(|v| !v.delete_on_termination));
    // The shutdown-behaviour call must not touch the groups (see `apply_protection`).
    assert_eq!(
        instance_groups(&clients, instance.as_str()).await,
        groups_before
    );
}

#[tokio::test]
async fn an_instance_snapshot_covers_every_volume_and_is_found_by_its_tags() {
    let clients = clients().await;
    let evidence = adapter(&clients);
    let estate = estate(&clients).await;
    let instance: InstanceId = estate.instance.parse().unwrap();
    let data = attach_volume(&clients, instance.as_str(), "/dev/sdf").await;
    let incident = unique("finding");
    let volumes: BTreeSet<String> = evidence
        .protection(&instance)
        .await
        .unwrap()
        .volumes
        .into_iter()
        .map(|v| v.volume_id)
        .collect();
    assert!(volumes.contains(&data));
    assert_eq!(
        evidence
            .incident_snapshots(&instance, &incident)
            .await
            .unwrap(),
        Vec::new()
    );

    let tags = vec![
        (INCIDENT_TAG.to_owned(), incident.clone()),
        (INSTANCE_TAG.to_owned(), instance.to_string()),
    ];
    let taken = evidence.snapshot_instance(&instance, &tags).await.unwrap();
    let taken_volumes: BTreeSet<String> = taken.iter().map(|s| s.volume_id.clone()).collect();
    assert_eq!(taken_volumes, volumes, "one snapshot per EBS volume");
    // moto 5.2.5 leaves State out of CreateSnapshots; AWS answers `pending`.
    assert!(
        taken
            .iter()
            .all(|s| ["pending", "completed", "unknown"].contains(&s.state.as_str())),
        "{taken:?}"
    );

    let described = clients
        .ec2
        .describe_snapshots()
        .snapshot_ids(&taken[0].snapshot_id)
        .send()
        .await
        .unwrap();
    let snapshot = &described.snapshots()[0];
    let tag = |key: &str| {
        snapshot
            .tags()
            .iter()
            .find(|t| t.key() == Some(key))
            .and_then(|t| t.value())
            .map(str::to_owned)
    };
    assert_eq!(tag(INCIDENT_TAG), Some(incident.clone()));
    assert_eq!(tag(INSTANCE_TAG), Some(instance.to_string()));
    assert_eq!(
        snapshot.description(),
        Some(format!("cordon evidence of {instance}").as_str())
    );

    let found = evidence
        .incident_snapshots(&instance, &incident)
        .await
        .unwrap();
    let ids = |snapshots: &[cordon_core::ports::Snapshot]| -> BTreeSet<String> {
        snapshots.iter().map(|s| s.snapshot_id.clone()).collect()
    };
    assert_eq!(ids(&found), ids(&taken));
    // The read-back proves every volume covered by each snapshot's own VolumeId, which
    // both calls report: no tag is needed to say which volume a snapshot is of.
    let found_volumes: BTreeSet<String> = found.iter().map(|s| s.volume_id.clone()).collect();
    assert_eq!(found_volumes, volumes);
    assert!(
        evidence
            .incident_snapshots(&instance, &unique("other-finding"))
            .await
            .unwrap()
            .is_empty()
    );

    // A single volume, as a retry takes it, joins the set.
    let single = evidence.snapshot_volume(&data, &tags).await.unwrap();
    assert_eq!(single.volume_id, data);
    let found = evidence
        .incident_snapshots(&instance, &incident)
        .await
        .unwrap();
    assert_eq!(found.len(), taken.len() + 1);
    assert!(ids(&found).contains(&single.snapshot_id));
}
