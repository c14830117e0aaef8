//! The CloudTrail responder's domain: which API calls and sign-ins matter (the
//! catalogue), what to do about one (triage, plan), doing it with read-back
//! (respond), and the record for people (response).

pub mod catalogue;
pub mod exposure;
mod plan;
mod respond;
mod response;
#[cfg(test)]
mod tests;
mod triage;

pub use catalogue::{CATALOGUE, Family, Repair, Watched, watched_call};
pub use exposure::{DEFAULT_ADMIN_PORTS, ExposedRule, exposed_rules};
pub use plan::{TrailPlan, plan_trail_response, principal_incident};
pub use respond::{TrailPorts, TrailRun, execute_trail_response};
pub use response::{CLOUDTRAIL_PLAYBOOK, trail_notification, trail_response_finding};
pub use triage::{TrailSettings, TrailVerdict, describe_caller, triage_trail_event};
