//! A bucket opened to the world (GuardDuty's `Policy:S3/Bucket…` findings): turn its
//! S3 Block Public Access back on, all four settings, and read it back. Its policy, its
//! ACL and its objects are never touched. `plan.rs` says what cordon does. The
//! account's block switched off (`Policy:S3/AccountBlockPublicAccessDisabled`) is
//! `account/`'s; `exposure.rs` tells the two apart.

pub mod account;
mod caller;
mod execute;
mod exposure;
mod incident;
mod name;
mod plan;
mod record;
#[cfg(test)]
mod tests;
mod triage;

pub(crate) use execute::describe;
pub use execute::{BucketRun, execute};
pub use exposure::{Exposure, triage};
pub use incident::BucketIncident;
pub use name::BucketName;
pub use plan::plan;
pub use record::{BUCKET_PLAYBOOK, notification, response_finding};
pub use triage::CONTAINED_TYPES;
