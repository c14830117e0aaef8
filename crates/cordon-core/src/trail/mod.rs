//! A CloudTrail API call or console sign-in: undo tampering with the audit trail, revoke
//! exactly the rules that opened admin ports, record what the CIS benchmark watches.

mod catalogue;
mod execute;
mod exposure;
#[cfg(test)]
mod fakes;
mod group;
#[cfg(test)]
mod group_tests;
mod incident;
mod internet;
mod plan;
mod record;
mod revoke;
#[cfg(test)]
mod revoke_tests;
#[cfg(test)]
mod tests;
mod triage;

pub use catalogue::{CATALOGUE, Family, Repair, Watched, watched_call};
pub use execute::{TrailPorts, TrailRun, execute};
pub use exposure::{DEFAULT_ADMIN_PORTS, ExposedRule, Exposure, exposed_rules, rewritten_rules};
pub use incident::{describe_caller, principal_incident};
pub use internet::InternetShare;
pub use plan::{TrailPlan, plan};
pub use record::{TRAIL_PLAYBOOK, notification, response_finding};
pub use revoke::nothing_exposed;
pub use triage::{TrailSettings, TrailVerdict, triage};
