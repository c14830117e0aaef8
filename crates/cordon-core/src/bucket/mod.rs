//! A bucket opened to the world (GuardDuty's `Policy:S3/Bucket…` findings): turn its
//! S3 Block Public Access back on, all four settings, and read it back. Its policy, its
//! ACL and its objects are never touched. `plan.rs` says what cordon does.

mod execute;
mod incident;
mod name;
mod plan;
mod record;
#[cfg(test)]
mod tests;
mod triage;

pub use execute::{BucketRun, execute};
pub use incident::BucketIncident;
pub use name::BucketName;
pub use plan::plan;
pub use record::{BUCKET_PLAYBOOK, notification, response_finding};
pub use triage::{CONTAINED_TYPES, triage};
