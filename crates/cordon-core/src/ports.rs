//! The capabilities containment needs from the cloud, as small traits. Adapters
//! implement them on the AWS SDK; each function sees only the ports it uses.

use cordon_events::{InstanceId, NetworkInterfaceId, SecurityGroupId, VpcId};
use std::future::Future;
use thiserror::Error;

/// A failed call, classified so the handler can choose retry or refusal on purpose.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("{operation} failed ({}): {message}", code.as_deref().unwrap_or("no error code"))]
pub struct PortError {
    pub operation: &'static str,
    /// The service's error code, kept as is (`InvalidGroup.NotFound`, `Throttling`...).
    pub code: Option<String>,
    pub message: String,
    /// Worth retrying: throttling, timeouts, 5xx, network errors.
    pub transient: bool,
}

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
    /// Groups recorded by an earlier containment, if any: they are the real originals.
    pub recorded_original_groups: Option<Vec<SecurityGroupId>>,
}

pub type PortResult<T> = Result<T, PortError>;

/// Moving an instance's network interfaces between security groups, and reading back.
pub trait NetworkIsolation: Send + Sync {
    /// Finds or creates the VPC's group pair, and makes their rules exactly right.
    fn ensure_isolation_groups(
        &self,
        vpc: &VpcId,
    ) -> impl Future<Output = PortResult<IsolationGroups>> + Send;

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

    /// The instance's interfaces that `group` holds, read with an exact group filter.
    fn instance_interfaces_in_group(
        &self,
        instance: &InstanceId,
        group: &SecurityGroupId,
    ) -> impl Future<Output = PortResult<Vec<NetworkInterfaceId>>> + Send;

    /// Ingress and egress rule counts of a group.
    fn group_rule_counts(
        &self,
        group: &SecurityGroupId,
    ) -> impl Future<Output = PortResult<(usize, usize)>> + Send;

    fn tag_instance(
        &self,
        instance: &InstanceId,
        tags: &[(String, String)],
    ) -> impl Future<Output = PortResult<()>> + Send;
}

/// Whether the source finding could be annotated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceUpdate {
    Updated,
    /// Security Hub does not (yet) have the source finding: not a containment failure.
    NotInSecurityHub,
}

/// Writing cordon's finding to Security Hub and annotating the source finding.
pub trait FindingRecorder: Send + Sync {
    /// Imports (creates or updates) the finding; a rejected finding is an error.
    fn import_finding(
        &self,
        finding: &crate::ResponseFinding,
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// Adds cordon's note to the source finding and marks it `NOTIFIED`.
    fn update_source_finding(
        &self,
        source: &crate::response_finding::SourceFinding,
        note: &str,
        response_finding_id: &str,
    ) -> impl Future<Output = PortResult<SourceUpdate>> + Send;
}

/// Telling people. `Ok(false)` when no destination is configured.
pub trait Notifier: Send + Sync {
    fn notify(
        &self,
        notification: &crate::Notification,
    ) -> impl Future<Output = PortResult<bool>> + Send;
}
