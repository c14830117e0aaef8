//! cordon's domain: what an incident is, whether to act on it (triage), what to do
//! (plan), and how to carry the plan out and prove it held (executor) through ports.
//! No AWS SDK here: adapters implement the ports, tests use in-memory ones.

pub mod admission;
mod confirmation;
pub mod credential;
pub mod executor;
mod exemption;
#[cfg(test)]
mod fake_cloud;
#[cfg(test)]
mod fake_iam;
pub mod guardduty;
pub mod incident;
mod instance_plan;
pub mod metrics;
pub mod mode;
pub mod names;
pub mod notification;
pub mod outcome;
pub mod playbook;
pub mod ports;
pub mod recording;
pub mod release;
pub mod response_finding;
mod revocation;
pub mod session_policy;
pub mod step;
pub mod trail;
pub mod triage;

pub use admission::{Admission, Lease, LedgerSettings, admit, epoch_now, settle};
pub use confirmation::{Confirmation, confirm};
pub use executor::{IsolationRun, IsolationSurvey, execute_isolation};
pub use exemption::Exemption;
pub use guardduty::TriagePolicy;
pub use incident::InstanceIncident;
pub use instance_plan::{PlaybookSettings, plan_instance_playbook, plan_isolation};
pub use mode::Mode;
pub use notification::{Notification, instance_notification};
pub use outcome::{Decision, FailureKind, Outcome, StepReport, StepStatus, Verdict, step_failures};
pub use playbook::{
    PlaybookPorts, PlaybookRun, execute_instance_playbook, execute_surveyed_playbook,
};
pub use ports::{
    AccessKeyState, AttachedVolume, AutoScalingMembership, ConnectionTrackingTimeouts,
    EvidencePreservation, FindingRecorder, HeldInterface, InstanceCredentials, InstanceProtection,
    IsolationGroups, NetworkInterfaceState, NetworkIsolation, Notifier, PortError, Principal,
    PrincipalCredentials, ProfileAssociation, ProtectionChange, RoleUsage, ServiceRotation,
    Snapshot, SourceUpdate, TargetRegistration,
};
pub use ports::{AuditLogging, Budget, Claim, IncidentLedger, IngressRule, SecurityGroupRules};
pub use ports::{FindingSource, ReportedFinding};
pub use recording::{RecordReport, record};
pub use release::release_instance;
pub use response_finding::{ResponseFinding, instance_response_finding};
pub use step::{Plan, Step, StepKind};
pub use triage::triage;
