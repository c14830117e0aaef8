//! Moving an instance's network interfaces between security groups, and reading back.

use super::PortResult;
use cordon_events::{InstanceId, NetworkInterfaceId, SecurityGroupId, VpcId};
use std::future::Future;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IsolationGroups {
    /// Allows all traffic in and out: moving through it makes tracked flows untracked.
    pub open: SecurityGroupId,
    /// No rules at all.
    pub deny: SecurityGroupId,
    /// Whether this call created a group or corrected its rules.
    pub changed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkInterfaceState {
    pub id: NetworkInterfaceId,
    pub groups: Vec<SecurityGroupId>,
    /// Its private IPv4 addresses: IP-type target groups register these.
    pub private_ips: Vec<String>,
    /// Groups recorded by an earlier containment, if any: they are the real originals.
    pub recorded_original_groups: Option<Vec<SecurityGroupId>>,
    /// An earlier containment already asked for the shortest connection-tracking timeouts.
    pub connection_tracking_requested: bool,
}

/// An interface a group filter matched, with those of the asked-for groups it is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldInterface {
    pub id: NetworkInterfaceId,
    pub groups: Vec<SecurityGroupId>,
}

/// Moving an instance's network interfaces between security groups, and reading back.
pub trait NetworkIsolation: Send + Sync {
    /// What [`Self::find_isolation_groups`] read, handed back to
    /// [`Self::ensure_isolation_groups`].
    type GroupsFound: Send + Sync;

    /// Reads the VPC's group pair, changing nothing: it runs before the incident is
    /// claimed and the exemption known.
    fn find_isolation_groups(
        &self,
        vpc: &VpcId,
    ) -> impl Future<Output = PortResult<Self::GroupsFound>> + Send;

    /// Creates what `found` lacks, and makes the groups' rules exactly right.
    fn ensure_isolation_groups(
        &self,
        vpc: &VpcId,
        found: Self::GroupsFound,
    ) -> impl Future<Output = PortResult<IsolationGroups>> + Send;

    /// Instances tagged with the incident (`cordon:incident`), for release.
    fn incident_instances(
        &self,
        incident: &str,
    ) -> impl Future<Output = PortResult<Vec<InstanceId>>> + Send;

    /// The instance's tags now: the exemption is read live, never from the finding.
    fn instance_tags(
        &self,
        instance: &InstanceId,
    ) -> impl Future<Output = PortResult<Vec<(String, String)>>> + Send;

    /// Every interface attached to the instance now.
    fn instance_network_interfaces(
        &self,
        instance: &InstanceId,
    ) -> impl Future<Output = PortResult<Vec<NetworkInterfaceState>>> + Send;

    fn record_original_groups(
        &self,
        eni: &NetworkInterfaceId,
        groups: &[SecurityGroupId],
    ) -> impl Future<Output = PortResult<()>> + Send;

    fn set_network_interface_groups(
        &self,
        eni: &NetworkInterfaceId,
        groups: &[SecurityGroupId],
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// The instance's interfaces that any of `groups` holds, read in one call with an
    /// exact group filter, each with those of `groups` it is listed in.
    fn instance_interfaces_in_groups(
        &self,
        instance: &InstanceId,
        groups: &[SecurityGroupId],
    ) -> impl Future<Output = PortResult<Vec<HeldInterface>>> + Send;

    /// Ingress and egress rule counts of a group.
    fn group_rule_counts(
        &self,
        group: &SecurityGroupId,
    ) -> impl Future<Output = PortResult<(usize, usize)>> + Send;

    /// Adds (or overwrites) the same tags on each resource: instances, groups, snapshots.
    fn tag_resources(
        &self,
        resources: &[String],
        tags: &[(String, String)],
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// Removes these tag keys from each resource (release: the incident is over, and
    /// a later containment must record the state of its own time).
    fn untag_resources(
        &self,
        resources: &[String],
        keys: &[&str],
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// Sets the interface's connection-tracking idle timeouts.
    fn set_connection_tracking_timeouts(
        &self,
        eni: &NetworkInterfaceId,
        timeouts: &ConnectionTrackingTimeouts,
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// The timeouts the interface reports; `None` when the endpoint reports none.
    fn connection_tracking_timeouts(
        &self,
        eni: &NetworkInterfaceId,
    ) -> impl Future<Output = PortResult<Option<ConnectionTrackingTimeouts>>> + Send;
}

/// Idle timeouts (seconds) after which EC2 forgets a tracked flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionTrackingTimeouts {
    pub tcp_established: i32,
    pub udp_stream: i32,
    pub udp: i32,
}

impl ConnectionTrackingTimeouts {
    /// The smallest values EC2 accepts (its defaults are 432000, 180 and 30).
    pub const MINIMUM: Self = Self {
        tcp_established: 60,
        udp_stream: 60,
        udp: 30,
    };
}
