//! A plan is the ordered steps for one incident, as data: dry-run prints them, enforce
//! mode runs them. Every domain plans in these steps and reports on them.

use crate::outcome::{StepReport, StepStatus};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    /// Find or create the VPC's open (allow-all) and deny-all group pair.
    EnsureIsolationGroups,
    /// Record the interface's groups, move it to the open group, then to deny-all.
    IsolateNetworkInterface,
    /// The same for interfaces attached since the finding was generated.
    IsolateOtherNetworkInterfaces,
    /// Read every interface back: only the deny-all group may hold them.
    VerifyIsolation,
    /// Take the instance profile away, so the instance gets no new credentials.
    DisassociateInstanceProfile,
    /// Deny the profile's role every session issued before now (stolen credentials).
    RevokeRoleSessions,
    /// Termination and stop protection on; an OS shutdown stops instead of terminating.
    ProtectInstance,
    /// The EBS volumes survive the instance's termination.
    KeepVolumes,
    /// Leave the Auto Scaling group without lowering its desired capacity.
    DetachFromAutoScalingGroup,
    /// Out of every target group, by instance id or private IP.
    DeregisterFromTargetGroups,
    /// A crash-consistent snapshot of every attached EBS volume, tagged with the incident.
    SnapshotVolumes,
    /// The shortest connection-tracking idle timeouts on every interface.
    ShortenConnectionTracking,
    /// Mark the instance and the isolation groups with the incident.
    TagIncidentResources,
    /// Read the principal's tags live: an exempt principal is never touched.
    CheckExemption,
    /// `UpdateAccessKey Inactive` on exactly the key in the finding.
    DeactivateAccessKey,
    /// A temporary key cannot be deactivated: say so, and rely on the session deny.
    TemporaryCredential,
    /// Deny the user every session issued before now.
    RevokeUserSessions,
    /// No more console sign-in with the user's password.
    DeleteLoginProfile,
    /// Mark the user or role with the incident.
    TagPrincipal,
    /// `StartLogging` on the trail someone stopped, then `GetTrailStatus` says logging.
    RestartTrailLogging,
    /// `StartConfigurationRecorder` on the recorder someone stopped, then read back.
    RestartConfigRecorder,
    /// Revoke exactly the ingress rules an event added that open admin ports to the
    /// world, then read the group back; its other rules are never touched.
    RevokeExposedIngress,
    /// All four S3 Block Public Access settings on for the bucket, then read back.
    BlockBucketPublicAccess,
    /// Record a Lambda function's reserved concurrency, set it to 0, read it back.
    ThrottleFunction,
    /// Release: the function's reserved concurrency as recorded before containment.
    RestoreConcurrency,
    /// All four S3 Block Public Access settings on for the account (S3 Control), then
    /// read back.
    BlockAccountPublicAccess,
    /// Release: each interface back in the groups recorded before isolation.
    RestoreNetworkInterfaceGroups,
    /// Release: the recorded instance profile associated again.
    ReassociateInstanceProfile,
    /// Release: the role's `cordon-revoke-older-sessions` policy deleted.
    RemoveSessionDeny,
    /// Release: protection and shutdown behaviour as recorded before containment.
    RestoreProtection,
    /// Release: back in the recorded Auto Scaling group.
    ReattachToAutoScalingGroup,
    /// Release: the instance tagged `cordon:status=released`.
    MarkReleased,
}

impl StepKind {
    pub const fn name(self) -> &'static str {
        match self {
            Self::EnsureIsolationGroups => "ensure-isolation-groups",
            Self::IsolateNetworkInterface => "isolate-network-interface",
            Self::IsolateOtherNetworkInterfaces => "isolate-other-network-interfaces",
            Self::VerifyIsolation => "verify-isolation",
            Self::DisassociateInstanceProfile => "disassociate-instance-profile",
            Self::RevokeRoleSessions => "revoke-role-sessions",
            Self::ProtectInstance => "protect-instance",
            Self::KeepVolumes => "keep-volumes",
            Self::DetachFromAutoScalingGroup => "detach-from-auto-scaling-group",
            Self::DeregisterFromTargetGroups => "deregister-from-target-groups",
            Self::SnapshotVolumes => "snapshot-volumes",
            Self::ShortenConnectionTracking => "shorten-connection-tracking",
            Self::TagIncidentResources => "tag-incident-resources",
            Self::CheckExemption => "check-exemption",
            Self::DeactivateAccessKey => "deactivate-access-key",
            Self::TemporaryCredential => "temporary-credential",
            Self::RevokeUserSessions => "revoke-user-sessions",
            Self::DeleteLoginProfile => "delete-login-profile",
            Self::TagPrincipal => "tag-principal",
            Self::RestartTrailLogging => "restart-trail-logging",
            Self::RestartConfigRecorder => "restart-config-recorder",
            Self::RevokeExposedIngress => "revoke-exposed-ingress",
            Self::BlockBucketPublicAccess => "block-bucket-public-access",
            Self::ThrottleFunction => "throttle-function",
            Self::RestoreConcurrency => "restore-concurrency",
            Self::BlockAccountPublicAccess => "block-account-public-access",
            Self::RestoreNetworkInterfaceGroups => "restore-network-interface-groups",
            Self::ReassociateInstanceProfile => "reassociate-instance-profile",
            Self::RemoveSessionDeny => "remove-session-deny",
            Self::RestoreProtection => "restore-protection",
            Self::ReattachToAutoScalingGroup => "reattach-to-auto-scaling-group",
            Self::MarkReleased => "mark-released",
        }
    }
}

/// Steps that only read, or rewrite the same values on every delivery: their `done`
/// does not mean anything new happened.
pub(crate) const RESTATING_STEPS: &[&str] = &[
    StepKind::VerifyIsolation.name(),
    StepKind::TagIncidentResources.name(),
    StepKind::CheckExemption.name(),
    StepKind::TagPrincipal.name(),
];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    pub kind: StepKind,
    pub target: String,
    pub detail: String,
}

impl Step {
    pub fn name(&self) -> &'static str {
        self.kind.name()
    }

    pub fn report(&self, status: StepStatus, detail: impl Into<String>) -> StepReport {
        self.report_on(&self.target, status, detail)
    }

    /// A report naming a target found at run time (the role behind a profile).
    pub fn report_on(
        &self,
        target: &str,
        status: StepStatus,
        detail: impl Into<String>,
    ) -> StepReport {
        StepReport {
            name: self.name().to_owned(),
            target: target.to_owned(),
            status,
            detail: detail.into(),
            resources: Vec::new(),
            failure: None,
        }
    }

    /// A report of this step failed by `err`, classified for retry.
    pub fn failed(&self, err: &crate::ports::PortError) -> StepReport {
        self.failed_on(&self.target, err)
    }

    /// As [`Self::failed`], naming a target found at run time.
    pub fn failed_on(&self, target: &str, err: &crate::ports::PortError) -> StepReport {
        StepReport {
            failure: Some(if err.transient {
                crate::outcome::FailureKind::Transient
            } else {
                crate::outcome::FailureKind::Permanent
            }),
            ..self.report_on(target, StepStatus::Failed, err.to_string())
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

    /// The plan's step of this kind, if it has one.
    pub fn step(&self, kind: StepKind) -> Option<&Step> {
        self.steps.iter().find(|s| s.kind == kind)
    }
}

/// Runs `run` on the step when the plan has it: steps a setting left out report nothing.
pub(crate) async fn if_planned<'a, F, Fut>(step: Option<&'a Step>, run: F) -> Option<StepReport>
where
    F: FnOnce(&'a Step) -> Fut,
    Fut: std::future::Future<Output = StepReport>,
{
    match step {
        Some(step) => Some(run(step).await),
        None => None,
    }
}
