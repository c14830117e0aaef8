//! A stolen or abused credential (a GuardDuty access-key finding, or the credentials an
//! attack sequence names): deactivate exactly that key and deny its principal's older
//! sessions, once per credential. `plan.rs` says what cordon does.

mod case;
mod execute;
mod incident;
mod plan;
mod record;
mod release;
mod sequence_record;
#[cfg(test)]
mod tests;
mod triage;
#[cfg(test)]
mod triage_tests;

pub use case::{
    CredentialCase, JudgedCredential, MAX_SEQUENCE_CREDENTIALS, SignalSummary, named_credentials,
};
pub use execute::{CredentialRun, execute};
pub use incident::{CredentialIncident, UserType};
pub use plan::{CredentialSettings, plan};
pub use record::{CREDENTIAL_PLAYBOOK, notification, response_finding};
pub use release::release;
pub(crate) use release::remove_session_deny;
pub use sequence_record::{sequence_notification, sequence_response_finding};
pub use triage::{contained_families, triage};
