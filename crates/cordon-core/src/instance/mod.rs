//! A compromised EC2 instance (a GuardDuty finding with the instance as actor): cut it
//! off the network on every interface, then take its credentials, keep its evidence.

mod incident;
mod plan;
mod playbook;
mod pre_incident;
mod record;
mod release;
mod seen;
mod triage;

pub use incident::InstanceIncident;
pub use plan::{InstanceSettings, plan, plan_isolation};
pub use playbook::{
    InstancePorts, InstanceRun, IsolationRun, IsolationSurvey, execute, execute_isolation,
    execute_surveyed,
};
pub use pre_incident::PreIncident;
pub use record::{INSTANCE_PLAYBOOK, notification, response_finding};
pub use release::release;
pub use seen::SeenOnHost;
pub use triage::{contained_families, triage};
