//! [`EvidencePreservation`] on EC2: protection attributes here, snapshots in
//! `snapshots.rs`.

use crate::error::missing;
use crate::port_error;
use aws_sdk_ec2::Client;
use aws_sdk_ec2::operation::describe_instance_attribute::DescribeInstanceAttributeOutput;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, EbsInstanceBlockDeviceSpecification, Instance, InstanceAttributeName,
    InstanceBlockDeviceMappingSpecification,
};
use cordon_core::ports::{
    AttachedVolume, EvidencePreservation, InstanceProtection, PortResult, ProtectionChange,
    Snapshot,
};
use cordon_events::InstanceId;

#[derive(Clone, Debug)]
pub struct Ec2Evidence {
    pub(crate) client: Client,
}

impl Ec2Evidence {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    async fn attribute(
        &self,
        instance: &InstanceId,
        name: InstanceAttributeName,
    ) -> PortResult<DescribeInstanceAttributeOutput> {
        self.client
            .describe_instance_attribute()
            .instance_id(instance.as_str())
            .attribute(name)
            .send()
            .await
            .map_err(|e| port_error("ec2:DescribeInstanceAttribute", e))
    }

    /// The block devices come from `DescribeInstances`, not from the
    /// `blockDeviceMapping` attribute: they are the same mappings on AWS, and moto
    /// 5.2.5 answers that attribute with no mappings at all.
    async fn instance(&self, instance: &InstanceId) -> PortResult<Instance> {
        const OP: &str = "ec2:DescribeInstances";
        let found = self
            .client
            .describe_instances()
            .instance_ids(instance.as_str())
            .send()
            .await
            .map_err(|e| port_error(OP, e))?;
        found
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .find(|i| i.instance_id() == Some(instance.as_str()))
            .cloned()
            .ok_or_else(|| missing(OP, &format!("instance {instance}")))
    }
}

impl EvidencePreservation for Ec2Evidence {
    async fn protection(&self, instance: &InstanceId) -> PortResult<InstanceProtection> {
        // Boxed, as the SDK's request futures are large (see `admission`).
        let (termination, stop, shutdown, described) = tokio::join!(
            Box::pin(self.attribute(instance, InstanceAttributeName::DisableApiTermination)),
            Box::pin(self.attribute(instance, InstanceAttributeName::DisableApiStop)),
            Box::pin(self.attribute(
                instance,
                InstanceAttributeName::InstanceInitiatedShutdownBehavior
            )),
            Box::pin(self.instance(instance)),
        );
        // An attribute left out of the answer reads as "not protected": the safe side,
        // since it leads to applying the protection and checking it again.
        let on =
            |value: Option<&AttributeBooleanValue>| value.and_then(|v| v.value()) == Some(true);
        Ok(InstanceProtection {
            termination_protection: on(termination?.disable_api_termination()),
            stop_protection: on(stop?.disable_api_stop()),
            shutdown_behavior: shutdown?
                .instance_initiated_shutdown_behavior()
                .and_then(|v| v.value())
                .unwrap_or_default()
                .to_owned(),
            volumes: attached_volumes(&described?),
        })
    }

    async fn apply_protection(
        &self,
        instance: &InstanceId,
        change: &ProtectionChange,
    ) -> PortResult<()> {
        let flag = |on: bool| AttributeBooleanValue::builder().value(on).build();
        let request = self
            .client
            .modify_instance_attribute()
            .instance_id(instance.as_str());
        let request = match change {
            ProtectionChange::TerminationProtection(on) => {
                request.disable_api_termination(flag(*on))
            }
            ProtectionChange::StopProtection(on) => request.disable_api_stop(flag(*on)),
            // The Attribute/Value form, not `InstanceInitiatedShutdownBehavior.Value`:
            // both are valid on AWS, but moto 5.2.5 does not understand the latter and
            // falls through to a handler that clears the instance's security groups.
            ProtectionChange::ShutdownBehavior(behavior) => request
                .attribute(InstanceAttributeName::InstanceInitiatedShutdownBehavior)
                .value(behavior),
            ProtectionChange::KeepVolume { device } => request.block_device_mappings(
                InstanceBlockDeviceMappingSpecification::builder()
                    .device_name(device)
                    .ebs(
                        EbsInstanceBlockDeviceSpecification::builder()
                            .delete_on_termination(false)
                            .build(),
                    )
                    .build(),
            ),
        };
        request
            .send()
            .await
            .map_err(|e| port_error("ec2:ModifyInstanceAttribute", e))?;
        Ok(())
    }

    async fn incident_snapshots(
        &self,
        instance: &InstanceId,
        incident: &str,
    ) -> PortResult<Vec<Snapshot>> {
        crate::snapshots::of_incident(&self.client, instance, incident).await
    }

    async fn snapshot_instance(
        &self,
        instance: &InstanceId,
        tags: &[(String, String)],
    ) -> PortResult<Vec<Snapshot>> {
        crate::snapshots::of_instance(&self.client, instance, tags).await
    }

    async fn snapshot_volume(
        &self,
        volume_id: &str,
        tags: &[(String, String)],
    ) -> PortResult<Snapshot> {
        crate::snapshots::of_volume(&self.client, volume_id, tags).await
    }
}

/// EBS volumes only: an instance-store disk has no volume id and cannot be kept.
fn attached_volumes(instance: &Instance) -> Vec<AttachedVolume> {
    instance
        .block_device_mappings()
        .iter()
        .filter_map(|mapping| {
            let ebs = mapping.ebs()?;
            Some(AttachedVolume {
                device: mapping.device_name()?.to_owned(),
                volume_id: ebs.volume_id()?.to_owned(),
                // Unreported reads as "deleted with the instance": the volume is then kept.
                delete_on_termination: ebs.delete_on_termination().unwrap_or(true),
            })
        })
        .collect()
}
