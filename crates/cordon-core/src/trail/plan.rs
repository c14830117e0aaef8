//! The response to a CloudTrail event as data: the repair steps and, if configured,
//! the credential playbook for the principal that tampered.

use super::catalogue::Repair;
use super::exposure::ExposedRule;
use super::incident::{changed_group, changed_group_id, describe_caller, principal_incident};
use super::triage::{TrailSettings, TrailVerdict, contains_principal};
use crate::credential::{self, CredentialIncident};
use crate::exemption::is_break_glass;
use crate::{Decision, Plan, Step, StepKind};
use cordon_events::{AccountId, CloudTrailEvent, SecurityGroupId};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrailPlan {
    pub repair: Plan,
    /// The group and exactly the rules to revoke, for exposed admin ports.
    pub group: Option<SecurityGroupId>,
    /// The group's name, when the event names it only so (a default-VPC call).
    pub group_name: Option<String>,
    pub exposed: Vec<ExposedRule>,
    /// The principal to contain, with its credential playbook.
    pub principal: Option<(CredentialIncident, Plan)>,
    /// Why the principal is not contained although that is configured.
    pub principal_spared: Option<String>,
}

impl TrailPlan {
    /// Every step, repair first, as a dry-run lists them.
    pub fn planned_reports(&self) -> Vec<crate::StepReport> {
        let mut reports = self.repair.planned_reports();
        if let Some((_, plan)) = &self.principal {
            reports.extend(plan.planned_reports());
        }
        reports
    }
}

/// The repair for a triaged event and, when configured, the principal's containment.
pub fn plan(
    account: &AccountId,
    event: &CloudTrailEvent,
    verdict: &TrailVerdict,
    settings: &TrailSettings,
) -> TrailPlan {
    let mut plan = TrailPlan {
        repair: Plan { steps: Vec::new() },
        group: None,
        group_name: None,
        exposed: Vec::new(),
        principal: None,
        principal_spared: None,
    };
    let Some(watched) = verdict
        .watched
        .filter(|_| verdict.decision == Decision::Contained)
    else {
        return plan;
    };
    match watched.repair {
        Repair::StartLogging => plan.repair.steps.push(step(
            StepKind::RestartTrailLogging,
            event.request_string("name"),
            "StartLogging on the trail, then GetTrailStatus must say it is logging",
        )),
        Repair::StartRecorder => plan.repair.steps.push(step(
            StepKind::RestartConfigRecorder,
            event.request_string("configurationRecorderName"),
            "StartConfigurationRecorder, then the recorder's status must say it is recording",
        )),
        Repair::RevokeExposedIngress => {
            let group = changed_group_id(event).cloned();
            let group_name = match &group {
                Some(_) => None,
                None => event.ingress.as_ref().and_then(|c| c.group_name.clone()),
            };
            let target = changed_group(event);
            let find = match &group_name {
                Some(name) => format!("find the one group named {name:?} in the default VPC; "),
                None => String::new(),
            };
            plan.repair.steps.push(step(
                StepKind::CheckExemption,
                target.as_deref(),
                format!(
                    "{find}read the group's tags now; tagged {} (any value but false) means \
                     hands off",
                    settings.exempt_tag
                ),
            ));
            let rules: Vec<String> = verdict.exposed.iter().map(ToString::to_string).collect();
            plan.repair.steps.push(step(
                StepKind::RevokeExposedIngress,
                target.as_deref(),
                format!(
                    "read {} back as EC2 holds it now and revoke what still opens an admin \
                     port to the internet, by rule id; the group's other rules are left alone",
                    rules.join(", ")
                ),
            ));
            plan.group = group;
            plan.group_name = group_name;
            plan.exposed = verdict.exposed.clone();
        }
        Repair::RecordOnly => {}
    }
    if settings.contain_principal && contains_principal(watched.family) {
        let incident = principal_incident(account, event);
        match incident.principal() {
            None => {
                plan.principal_spared = Some(format!(
                    "{} has no IAM user or role cordon could contain",
                    describe_caller(&event.identity)
                ));
            }
            Some(principal) if is_break_glass(&principal, account, &settings.break_glass) => {
                plan.principal_spared = Some(format!(
                    "{principal} is a break-glass principal: never contained automatically"
                ));
            }
            Some(_) => {
                plan.principal = credential::plan(&incident, &settings.credentials)
                    .map(|credential_plan| (incident, credential_plan));
            }
        }
    }
    plan
}

fn step(kind: StepKind, target: Option<&str>, detail: impl Into<String>) -> Step {
    Step {
        kind,
        target: target.unwrap_or("(not named in the event)").to_owned(),
        detail: detail.into(),
    }
}
