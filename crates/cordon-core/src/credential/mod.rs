//! A stolen or abused credential (a GuardDuty access-key finding): deactivate exactly
//! that key and deny its principal's older sessions. `plan.rs` says what cordon does.

mod execute;
mod incident;
mod plan;
mod record;
mod release;
#[cfg(test)]
mod tests;
mod triage;

pub use execute::{CredentialRun, execute};
pub use incident::{CredentialIncident, UserType};
pub use plan::{CredentialSettings, plan};
pub use record::{CREDENTIAL_PLAYBOOK, notification, response_finding};
pub use release::release;
pub use triage::{contained_families, triage};
