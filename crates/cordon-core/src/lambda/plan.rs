//! What cordon does to a Lambda function GuardDuty caught, as data: its exemption read
//! live, then nothing runs (reserved concurrency 0), its role's older sessions denied,
//! the function tagged. Its code, configuration, versions and triggers stay.

use super::LambdaIncident;
use crate::{Plan, Step, StepKind};

/// The Lambda playbook; `exempt_tag` is the tag key that exempts a function (any value
/// but `false`).
pub fn plan(incident: &LambdaIncident, exempt_tag: &str) -> Plan {
    let function = incident.function.to_string();
    let step = |kind, detail: String| Step {
        kind,
        target: function.clone(),
        detail,
    };
    Plan {
        steps: vec![
            step(
                StepKind::CheckExemption,
                format!(
                    "read function {function}'s tags now; tagged {exempt_tag} (any value but false) means hands off"
                ),
            ),
            step(
                StepKind::ThrottleFunction,
                format!(
                    "record {function}'s reserved concurrency, set it to 0 and read it back: no new \
                     invocation runs, and nothing is deleted"
                ),
            ),
            step(
                StepKind::RevokeRoleSessions,
                format!(
                    "deny the execution role Lambda holds for {function} every session issued before now \
                     (credentials the function's code could have leaked), read back"
                ),
            ),
            step(
                StepKind::TagIncidentResources,
                format!("tag {function} cordon:incident and cordon:status=contained, read back"),
            ),
        ],
    }
}
