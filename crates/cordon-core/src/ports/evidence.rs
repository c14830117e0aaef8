//! Keeping the instance and its disks for forensics: protection attributes and snapshots.

use super::PortResult;
use cordon_events::InstanceId;
use std::future::Future;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachedVolume {
    pub device: String,
    pub volume_id: String,
    pub delete_on_termination: bool,
}

/// What stands between the instance and its disappearance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceProtection {
    pub termination_protection: bool,
    pub stop_protection: bool,
    /// `stop` or `terminate`.
    pub shutdown_behavior: String,
    /// EBS volumes only; instance-store disks cannot be kept or snapshotted.
    pub volumes: Vec<AttachedVolume>,
}

/// One protection attribute set to a value: on for containment, the recorded
/// pre-containment value for release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProtectionChange {
    TerminationProtection(bool),
    StopProtection(bool),
    /// `stop`: an OS-level shutdown stops the instance instead of terminating it.
    ShutdownBehavior(String),
    /// The volume survives the instance's termination.
    KeepVolume {
        device: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    pub snapshot_id: String,
    pub volume_id: String,
    /// `pending`, `completed`, `error`...
    pub state: String,
}

pub trait EvidencePreservation: Send + Sync {
    fn protection(
        &self,
        instance: &InstanceId,
    ) -> impl Future<Output = PortResult<InstanceProtection>> + Send;

    fn apply_protection(
        &self,
        instance: &InstanceId,
        change: &ProtectionChange,
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// Snapshots already taken of this instance for this incident (found by their tags).
    fn incident_snapshots(
        &self,
        instance: &InstanceId,
        incident: &str,
    ) -> impl Future<Output = PortResult<Vec<Snapshot>>> + Send;

    /// One crash-consistent snapshot set of every attached EBS volume, created with `tags`.
    fn snapshot_instance(
        &self,
        instance: &InstanceId,
        tags: &[(String, String)],
    ) -> impl Future<Output = PortResult<Vec<Snapshot>>> + Send;

    /// One volume, for a retry that finds only some volumes snapshotted.
    fn snapshot_volume(
        &self,
        volume_id: &str,
        tags: &[(String, String)],
    ) -> impl Future<Output = PortResult<Snapshot>> + Send;
}
