//! The ordered steps for one incident, as data: dry-run prints them, enforce mode runs
//! them. Network isolation is the critical path and comes first.

use crate::InstanceIncident;
use crate::outcome::{StepReport, StepStatus};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum StepKind {
    /// Find or create the VPC's open (allow-all) and deny-all group pair.
    EnsureIsolationGroups,
    /// Record the interface's groups, move it to the open group, then to deny-all.
    IsolateNetworkInterface,
    /// The same for interfaces attached since the finding was generated.
    IsolateOtherNetworkInterfaces,
    /// Read every interface back: only the deny-all group may hold them.
    VerifyIsolation,
    /// Mark the instance with the incident, for responders and for release.
    TagInstance,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    pub kind: StepKind,
    pub target: String,
    pub detail: String,
}

impl Step {
    pub fn name(&self) -> &'static str {
        match self.kind {
            StepKind::EnsureIsolationGroups => "ensure-isolation-groups",
            StepKind::IsolateNetworkInterface => "isolate-network-interface",
            StepKind::IsolateOtherNetworkInterfaces => "isolate-other-network-interfaces",
            StepKind::VerifyIsolation => "verify-isolation",
            StepKind::TagInstance => "tag-instance",
        }
    }

    pub fn report(&self, status: StepStatus, detail: impl Into<String>) -> StepReport {
        StepReport {
            name: self.name().to_owned(),
            target: self.target.clone(),
            status,
            detail: detail.into(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    pub steps: Vec<Step>,
}

impl Plan {
    /// The plan as a dry-run reports it.
    pub fn planned_reports(&self) -> Vec<StepReport> {
        self.steps
            .iter()
            .map(|s| s.report(StepStatus::Planned, s.detail.clone()))
            .collect()
    }
}

/// Group names are derived from the VPC so that concurrent invocations converge on one
/// pair: EC2 refuses a second group of the same name in a VPC.
pub fn open_group_name(vpc: &str) -> String {
    format!("cordon-isolation-open-{vpc}")
}

pub fn deny_group_name(vpc: &str) -> String {
    format!("cordon-isolation-deny-{vpc}")
}

pub fn plan_isolation(incident: &InstanceIncident) -> Plan {
    let vpc = incident.vpc_id.as_str();
    let instance = incident.instance_id.as_str();
    let mut steps = vec![Step {
        kind: StepKind::EnsureIsolationGroups,
        target: vpc.to_owned(),
        detail: format!(
            "find or create {} (allows all traffic, so tracked flows become untracked) and {} (no rules at all)",
            open_group_name(vpc),
            deny_group_name(vpc)
        ),
    }];
    steps.extend(incident.network_interfaces.iter().map(|eni| Step {
        kind: StepKind::IsolateNetworkInterface,
        target: eni.to_string(),
        detail: format!(
            "record its groups in tag {ORIGINAL_GROUPS_TAG}, move it to the open group, then to the deny-all group"
        ),
    }));
    steps.push(Step {
        kind: StepKind::IsolateOtherNetworkInterfaces,
        target: instance.to_owned(),
        detail: "the same for any interface attached to the instance since the finding".into(),
    });
    steps.push(Step {
        kind: StepKind::VerifyIsolation,
        target: instance.to_owned(),
        detail: "read back: the deny-all group holds every interface of the instance, no other group holds any, and it has no rules".into(),
    });
    steps.push(Step {
        kind: StepKind::TagInstance,
        target: instance.to_owned(),
        detail: format!(
            "tag {INCIDENT_TAG}={}, {STATUS_TAG}=contained, {SEEN_TAG}={}",
            incident.finding_id, incident.updated_at
        ),
    });
    Plan { steps }
}

/// Tag on each interface with its groups before isolation, for release.
pub const ORIGINAL_GROUPS_TAG: &str = "cordon:original-groups";
/// Tags on the instance.
pub const INCIDENT_TAG: &str = "cordon:incident";
pub const STATUS_TAG: &str = "cordon:status";
pub const SEEN_TAG: &str = "cordon:finding-updated-at";
pub const FINDING_TYPE_TAG: &str = "cordon:finding-type";
