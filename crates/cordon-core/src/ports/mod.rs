//! The capabilities containment needs from the cloud, as small traits. Adapters
//! implement them on the AWS SDK; each function sees only the ports it uses.

mod account_block;
mod audit;
mod buckets;
mod credentials;
mod evidence;
mod findings;
mod functions;
mod ledger;
mod network;
mod principals;
mod rotation;
mod security_groups;

pub use account_block::AccountPublicAccess;
pub use audit::AuditLogging;
pub use buckets::{BucketAccess, PublicAccessBlock};
pub use credentials::{InstanceCredentials, ProfileAssociation};
pub use evidence::{
    AttachedVolume, EvidencePreservation, InstanceProtection, ProtectionChange, Snapshot,
};
pub use findings::{FindingSource, ReportedActor, ReportedFinding, ReportedHost};
pub use functions::{FunctionControls, NO_SUCH_FUNCTION};
pub use ledger::{Budget, Claim, IncidentLedger};
pub use network::{
    ConnectionTrackingTimeouts, HeldInterface, IsolationGroups, NetworkInterfaceState,
    NetworkIsolation,
};
pub use principals::{AccessKeyState, Principal, PrincipalCredentials, RoleUsage};
pub use rotation::{AutoScalingMembership, ServiceRotation, TargetRegistration};
pub use security_groups::{GroupRule, IngressRule, SecurityGroupRules};

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

pub type PortResult<T> = Result<T, PortError>;

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
        finding: &crate::recording::ResponseFinding,
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// Adds cordon's note to the source finding and marks it `NOTIFIED`.
    fn update_source_finding(
        &self,
        source: &crate::recording::SourceFinding,
        note: &str,
        response_finding_id: &str,
    ) -> impl Future<Output = PortResult<SourceUpdate>> + Send;

    /// Marks each finding (id, product ARN) `RESOLVED` with cordon's note: the
    /// incident was released. One Security Hub does not have is not an error.
    fn resolve_findings(
        &self,
        findings: &[(String, String)],
        note: &str,
    ) -> impl Future<Output = PortResult<()>> + Send;
}

/// Telling people. `Ok(false)` when no destination is configured.
pub trait Notifier: Send + Sync {
    fn notify(
        &self,
        notification: &crate::recording::Notification,
    ) -> impl Future<Output = PortResult<bool>> + Send;
}
