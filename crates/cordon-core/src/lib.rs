//! cordon's domain: what an incident is, whether to act on it (triage), what to do
//! (plan), and how to carry the plan out and prove it held (executor) through ports.
//! No AWS SDK here: adapters implement the ports, tests use in-memory ones.

pub mod executor;
pub mod incident;
pub mod metrics;
pub mod mode;
pub mod notification;
pub mod outcome;
pub mod plan;
pub mod ports;
pub mod recording;
pub mod response_finding;
pub mod triage;

pub use executor::execute_isolation;
pub use incident::InstanceIncident;
pub use mode::Mode;
pub use notification::{Notification, instance_notification};
pub use outcome::{Decision, Outcome, StepReport, StepStatus};
pub use plan::{Plan, Step, StepKind, plan_isolation};
pub use ports::{
    FindingRecorder, IsolationGroups, NetworkInterfaceState, NetworkIsolation, Notifier, PortError,
    SourceUpdate,
};
pub use recording::{RecordReport, record};
pub use response_finding::{ResponseFinding, instance_response_finding};
pub use triage::{TriagePolicy, Verdict, triage};
