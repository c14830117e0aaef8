//! What cordon does to a compromised instance, as data: network isolation first (the
//! critical path), then every other step at once, then the tags that summarise them.

use super::InstanceIncident;
use crate::names::{
    AUTO_SCALING_GROUP_TAG, INCIDENT_TAG, INSTANCE_PROFILE_TAG, LAST_INCIDENT_TAG,
    ORIGINAL_GROUPS_TAG, REVOKE_SESSIONS_POLICY, STATUS_TAG, deny_group_name, open_group_name,
};
use crate::ports::ConnectionTrackingTimeouts;
use crate::step::{Plan, Step, StepKind};
use serde::Serialize;

/// What the operator chose for this function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct InstanceSettings {
    /// Deny the instance role's older sessions. It hits every holder of the role, so a
    /// team whose role is shared widely may turn it off.
    pub revoke_role_sessions: bool,
}

impl Default for InstanceSettings {
    fn default() -> Self {
        Self {
            revoke_role_sessions: true,
        }
    }
}

/// The isolation steps alone: the critical path.
pub fn plan_isolation(incident: &InstanceIncident) -> Plan {
    let vpc = incident.vpc_id.as_str();
    let instance = incident.instance_id.as_str();
    let mut steps = vec![step(
        StepKind::EnsureIsolationGroups,
        vpc,
        format!(
            "find or create {} (allows all traffic, so tracked flows become untracked) and {} (no rules at all)",
            open_group_name(vpc),
            deny_group_name(vpc)
        ),
    )];
    steps.extend(incident.network_interfaces.iter().map(|eni| {
        step(
            StepKind::IsolateNetworkInterface,
            eni.as_str(),
            format!(
                "record its groups in tag {ORIGINAL_GROUPS_TAG}, move it to the open group, then to the deny-all group"
            ),
        )
    }));
    steps.push(step(
        StepKind::IsolateOtherNetworkInterfaces,
        instance,
        "the same for any interface attached to the instance since the finding",
    ));
    steps.push(step(
        StepKind::VerifyIsolation,
        instance,
        "read back: the deny-all group holds every interface of the instance, no other group holds any, and it has no rules",
    ));
    Plan { steps }
}

/// Every step of the instance playbook.
pub fn plan(incident: &InstanceIncident, settings: InstanceSettings) -> Plan {
    let instance = incident.instance_id.as_str();
    let profile = incident
        .instance_profile_arn
        .as_deref()
        .unwrap_or("its instance profile");
    let mut plan = plan_isolation(incident);
    plan.steps.push(step(
        StepKind::DisassociateInstanceProfile,
        instance,
        format!(
            "record {profile} in tag {INSTANCE_PROFILE_TAG}, disassociate it, and count the other instances using it"
        ),
    ));
    if settings.revoke_role_sessions {
        plan.steps.push(step(
            StepKind::RevokeRoleSessions,
            profile,
            format!(
                "put inline policy {REVOKE_SESSIONS_POLICY} on the profile's role: deny everything to sessions issued before now (aws:TokenIssueTime); every holder of the role is affected"
            ),
        ));
    }
    let ConnectionTrackingTimeouts {
        tcp_established,
        udp_stream,
        udp,
    } = ConnectionTrackingTimeouts::MINIMUM;
    let rest = [
        (
            StepKind::ProtectInstance,
            "termination protection and stop protection on; shutdown behaviour stop".to_owned(),
        ),
        (
            StepKind::KeepVolumes,
            "DeleteOnTermination off on every attached EBS volume".to_owned(),
        ),
        (
            StepKind::DetachFromAutoScalingGroup,
            format!(
                "if in an Auto Scaling group: record it in tag {AUTO_SCALING_GROUP_TAG}, detach without decrementing desired capacity"
            ),
        ),
        (
            StepKind::DeregisterFromTargetGroups,
            "deregister the instance and its private IPs from every target group that holds them"
                .to_owned(),
        ),
        (
            StepKind::SnapshotVolumes,
            format!(
                "one crash-consistent snapshot set of every attached EBS volume, tagged {INCIDENT_TAG}={}",
                incident.finding_id
            ),
        ),
        (
            StepKind::ShortenConnectionTracking,
            format!(
                "connection-tracking idle timeouts on every interface: TCP established {tcp_established}s, UDP stream {udp_stream}s, UDP {udp}s"
            ),
        ),
    ];
    plan.steps.extend(
        rest.into_iter()
            .map(|(kind, detail)| step(kind, instance, detail)),
    );
    plan.steps.push(step(
        StepKind::TagIncidentResources,
        instance,
        format!(
            "tag the instance {INCIDENT_TAG}={}, {STATUS_TAG}=contained (or containment-unverified), finding type and time; the isolation groups {LAST_INCIDENT_TAG}",
            incident.finding_id
        ),
    ));
    plan
}

fn step(kind: StepKind, target: &str, detail: impl Into<String>) -> Step {
    Step {
        kind,
        target: target.to_owned(),
        detail: detail.into(),
    }
}
