//! Taking the instance out of service: its Auto Scaling group and its target groups.

use super::PortResult;
use cordon_events::InstanceId;
use std::future::Future;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutoScalingMembership {
    pub group: String,
    pub desired_capacity: i32,
}

/// One registration of the instance (or one of its IPs) in a target group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetRegistration {
    pub target_group_arn: String,
    pub target_id: String,
    pub port: Option<i32>,
    /// `healthy`, `draining`, `unused`...
    pub state: Option<String>,
}

impl TargetRegistration {
    /// Draining counts as out: the load balancer sends it no new requests.
    pub fn is_out_of_service(&self) -> bool {
        matches!(self.state.as_deref(), Some("draining" | "unused"))
    }
}

pub trait ServiceRotation: Send + Sync {
    /// The group the instance belongs to, with that group's desired capacity now.
    fn auto_scaling_membership(
        &self,
        instance: &InstanceId,
    ) -> impl Future<Output = PortResult<Option<AutoScalingMembership>>> + Send;

    fn desired_capacity(&self, group: &str) -> impl Future<Output = PortResult<i32>> + Send;

    /// Detaches without decrementing desired capacity: the group launches a replacement.
    fn detach_from_auto_scaling_group(
        &self,
        instance: &InstanceId,
        group: &str,
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// Every registration, across all target groups (paginated), whose target id is one
    /// of `targets` (the instance id and its private IPs).
    fn target_registrations(
        &self,
        targets: &[String],
    ) -> impl Future<Output = PortResult<Vec<TargetRegistration>>> + Send;

    /// The registrations of `targets` in these target groups only: the read-back after
    /// deregistering, without listing every group again.
    fn registrations_in(
        &self,
        target_groups: &[String],
        targets: &[String],
    ) -> impl Future<Output = PortResult<Vec<TargetRegistration>>> + Send;

    fn deregister_target(
        &self,
        registration: &TargetRegistration,
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// Puts the instance back in the group it was detached from (release); the group's
    /// desired capacity grows by one, as AttachInstances does.
    fn attach_to_auto_scaling_group(
        &self,
        instance: &InstanceId,
        group: &str,
    ) -> impl Future<Output = PortResult<()>> + Send;
}
