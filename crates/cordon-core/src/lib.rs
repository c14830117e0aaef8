//! cordon's domain: what an incident is, whether to act on it (triage), what to do
//! (plan), and how to carry the plan out and prove it held (executor) through ports.
//! No AWS SDK here: adapters implement the ports, tests use in-memory ones.

pub mod admission;
mod confirmation;
pub mod credential;
mod exemption;
#[cfg(test)]
mod fake_cloud;
#[cfg(test)]
mod fake_iam;
pub mod guardduty;
pub mod instance;
pub mod metrics;
pub mod mode;
pub mod names;
pub mod outcome;
pub mod ports;
pub mod recording;
mod revocation;
pub mod session_policy;
pub mod step;
pub mod trail;

pub use admission::{Admission, Lease, LedgerSettings, admit, epoch_now, settle};
pub use confirmation::{Confirmation, confirm};
pub use exemption::Exemption;
pub use guardduty::TriagePolicy;
pub use mode::Mode;
pub use outcome::{Decision, FailureKind, Outcome, StepReport, StepStatus, Verdict, step_failures};
pub use ports::{
    AccessKeyState, AttachedVolume, AutoScalingMembership, ConnectionTrackingTimeouts,
    EvidencePreservation, FindingRecorder, HeldInterface, InstanceCredentials, InstanceProtection,
    IsolationGroups, NetworkInterfaceState, NetworkIsolation, Notifier, PortError, Principal,
    PrincipalCredentials, ProfileAssociation, ProtectionChange, RoleUsage, ServiceRotation,
    Snapshot, SourceUpdate, TargetRegistration,
};
pub use ports::{AuditLogging, Budget, Claim, IncidentLedger, IngressRule, SecurityGroupRules};
pub use ports::{FindingSource, ReportedFinding};
pub use step::{Plan, Step, StepKind};
