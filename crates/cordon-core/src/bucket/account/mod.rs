//! The account's S3 Block Public Access switched off (GuardDuty's
//! `Policy:S3/AccountBlockPublicAccessDisabled`): turn it back on for the finding's
//! account, all four settings, through S3 Control, and read it back. The block covers
//! every bucket of the account; no bucket's own block, policy, ACL or object is touched.
//!
//! An account carries no tag, so there is no exemption tag: the allow-list (screened
//! like every finding) and the break-glass principals (a block a break-glass principal
//! switched off is left to people) decide instead.

mod execute;
mod incident;
mod plan;
mod record;
#[cfg(test)]
mod tests;
mod triage;

pub use execute::{AccountRun, execute};
pub use incident::AccountBlockIncident;
pub use plan::plan;
pub use record::{notification, response_finding};
pub use triage::{ACCOUNT_TYPE, triage};
