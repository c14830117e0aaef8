//! cordon's domain, with no AWS SDK. One module per kind of incident — `instance`,
//! `credential`, `trail` — each with the same stages as files (incident, triage, plan,
//! execute, record); the parts they share are at the root. Adapters implement `ports`.
//!
//! Every item has one path: a domain's items through its module
//! (`cordon_core::credential::plan`), the shared vocabulary at the root
//! (`cordon_core::Outcome`), everything else through its module
//! (`cordon_core::ports::NetworkIsolation`).

pub mod admission;
pub mod confirmation;
pub mod credential;
mod exemption;
#[cfg(test)]
mod fake_cloud;
#[cfg(test)]
mod fake_iam;
pub mod guardduty;
pub mod instance;
pub mod metrics;
mod mode;
pub mod names;
mod outcome;
pub mod ports;
pub mod recording;
mod revocation;
pub mod session_policy;
mod step;
pub mod trail;

pub use exemption::Exemption;
pub use mode::Mode;
pub use outcome::{Decision, FailureKind, Outcome, StepReport, StepStatus, Verdict, step_failures};
pub use step::{Plan, Step, StepKind};
