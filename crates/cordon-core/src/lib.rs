//! cordon's domain, with no AWS SDK: one module per kind of incident (`instance`,
//! `credential`, `trail`, `bucket`, `lambda`) with the same stage files — incident, triage, plan, execute,
//! record — and what they share at the root. Each item has one path: its domain's or
//! module's, or the root for the vocabulary every stage speaks (`Outcome`, `Plan`).

pub mod admission;
pub mod bucket;
pub mod confirmation;
pub mod credential;
mod exemption;
/// In-memory fakes of the ports: for this crate's tests, and behind the `testing`
/// feature for other crates' tests.
#[cfg(any(test, feature = "testing"))]
pub mod fake_buckets;
#[cfg(any(test, feature = "testing"))]
pub mod fake_cloud;
#[cfg(any(test, feature = "testing"))]
pub mod fake_functions;
#[cfg(any(test, feature = "testing"))]
pub mod fake_iam;
#[cfg(any(test, feature = "testing"))]
pub mod fake_ledger;
pub mod guardduty;
pub mod instance;
pub mod lambda;
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

pub use exemption::{Exemption, HandsOff};
pub use mode::Mode;
pub use outcome::{Decision, FailureKind, Outcome, StepReport, StepStatus, Verdict, step_failures};
pub use step::{Plan, Step, StepKind};
