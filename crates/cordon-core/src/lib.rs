//! cordon's domain: what an incident is, whether to act on it (triage), what to do
//! (plan), and how to carry the plan out and prove it held (executor) through ports.
//! No AWS SDK here: adapters implement the ports, tests use in-memory ones.

pub mod executor;
pub mod incident;
pub mod mode;
pub mod outcome;
pub mod plan;
pub mod ports;
pub mod triage;

pub use executor::execute_isolation;
pub use incident::InstanceIncident;
pub use mode::Mode;
pub use outcome::{Decision, Outcome, StepReport, StepStatus};
pub use plan::{Plan, Step, StepKind, plan_isolation};
pub use ports::{IsolationGroups, NetworkInterfaceState, NetworkIsolation, PortError};
pub use triage::{TriagePolicy, Verdict, triage};
