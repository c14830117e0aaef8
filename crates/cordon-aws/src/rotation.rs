//! [`ServiceRotation`] on Auto Scaling and ELBv2: the Auto Scaling part here, the
//! target groups in `target_groups.rs`.

use crate::error::{has_code, missing};
use crate::port_error;
use aws_sdk_elasticloadbalancingv2::types::TargetDescription;
use cordon_core::ports::{
    AutoScalingMembership, PortError, PortResult, ServiceRotation, TargetRegistration,
};
use cordon_events::InstanceId;

#[derive(Clone, Debug)]
pub struct AwsServiceRotation {
    pub(crate) autoscaling: aws_sdk_autoscaling::Client,
    pub(crate) elbv2: aws_sdk_elasticloadbalancingv2::Client,
}

impl AwsServiceRotation {
    pub fn new(
        autoscaling: aws_sdk_autoscaling::Client,
        elbv2: aws_sdk_elasticloadbalancingv2::Client,
    ) -> Self {
        Self { autoscaling, elbv2 }
    }
}

impl ServiceRotation for AwsServiceRotation {
    async fn auto_scaling_membership(
        &self,
        instance: &InstanceId,
    ) -> PortResult<Option<AutoScalingMembership>> {
        const OP: &str = "autoscaling:DescribeAutoScalingInstances";
        let found = self
            .autoscaling
            .describe_auto_scaling_instances()
            .instance_ids(instance.as_str())
            .send()
            .await
            .map_err(|e| port_error(OP, e))?;
        // After DetachInstances AWS lists the instance as Detaching for a while: it is
        // on its way out and the group no longer counts it.
        let Some(member) = found.auto_scaling_instances().iter().find(|i| {
            i.instance_id() == Some(instance.as_str())
                && !matches!(i.lifecycle_state(), Some("Detaching" | "Detached"))
        }) else {
            return Ok(None);
        };
        let group = member
            .auto_scaling_group_name()
            .ok_or_else(|| missing(OP, "AutoScalingGroupName"))?
            .to_owned();
        let desired_capacity = self.desired_capacity(&group).await?;
        Ok(Some(AutoScalingMembership {
            group,
            desired_capacity,
        }))
    }

    async fn desired_capacity(&self, group: &str) -> PortResult<i32> {
        const OP: &str = "autoscaling:DescribeAutoScalingGroups";
        let found = self
            .autoscaling
            .describe_auto_scaling_groups()
            .auto_scaling_group_names(group)
            .send()
            .await
            .map_err(|e| port_error(OP, e))?;
        let group = found
            .auto_scaling_groups()
            .iter()
            .find(|g| g.auto_scaling_group_name() == Some(group))
            .ok_or_else(|| PortError {
                operation: OP,
                code: None,
                message: format!("Auto Scaling group {group} not found"),
                transient: false,
            })?;
        group
            .desired_capacity()
            .ok_or_else(|| missing(OP, "DesiredCapacity"))
    }

    async fn attach_to_auto_scaling_group(
        &self,
        instance: &InstanceId,
        group: &str,
    ) -> PortResult<()> {
        self.autoscaling
            .attach_instances()
            .auto_scaling_group_name(group)
            .instance_ids(instance.as_str())
            .send()
            .await
            .map_err(|e| port_error("autoscaling:AttachInstances", e))?;
        Ok(())
    }

    async fn detach_from_auto_scaling_group(
        &self,
        instance: &InstanceId,
        group: &str,
    ) -> PortResult<()> {
        self.autoscaling
            .detach_instances()
            .auto_scaling_group_name(group)
            .instance_ids(instance.as_str())
            .should_decrement_desired_capacity(false)
            .send()
            .await
            .map_err(|e| port_error("autoscaling:DetachInstances", e))?;
        Ok(())
    }

    async fn target_registrations(
        &self,
        targets: &[String],
    ) -> PortResult<Vec<TargetRegistration>> {
        crate::target_groups::registrations(&self.elbv2, targets).await
    }

    async fn registrations_in(
        &self,
        target_groups: &[String],
        targets: &[String],
    ) -> PortResult<Vec<TargetRegistration>> {
        crate::target_groups::registrations_in_groups(&self.elbv2, target_groups.to_vec(), targets)
            .await
    }

    async fn deregister_target(&self, registration: &TargetRegistration) -> PortResult<()> {
        let sent = self
            .elbv2
            .deregister_targets()
            .target_group_arn(&registration.target_group_arn)
            .targets(
                TargetDescription::builder()
                    .id(&registration.target_id)
                    .set_port(registration.port)
                    .build(),
            )
            .send()
            .await;
        match sent {
            Ok(_) => Ok(()),
            // The group or the registration is already gone: nothing left to take out.
            Err(e) if has_code(&e, &["TargetGroupNotFound", "InvalidTarget"]) => Ok(()),
            Err(e) => Err(port_error("elasticloadbalancing:DeregisterTargets", e)),
        }
    }
}
