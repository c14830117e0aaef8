//! Carries out a CloudTrail response: one repair call where it restores the state
//! before, read back before it counts; the principal's containment alongside.

use super::group::check_group;
use super::revoke::revoke_exposed;
use super::{TrailPlan, TrailSettings};
use crate::credential::{self, CredentialRun};
use crate::ports::{AuditLogging, PortError, PrincipalCredentials, SecurityGroupRules};
use crate::{Exemption, Step, StepKind, StepReport, StepStatus};

/// What the CloudTrail responder acts through.
pub struct TrailPorts<'a, A, G, P> {
    pub audit: &'a A,
    pub groups: &'a G,
    pub principals: &'a P,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TrailRun {
    /// The repair steps, in plan order.
    pub reports: Vec<StepReport>,
    /// The security group's exemption, when rules were to be revoked.
    pub group_exemption: Option<Exemption>,
    pub principal: Option<CredentialRun>,
}

/// Runs the repair steps in order and the principal's containment alongside.
pub async fn execute<A, G, P>(
    ports: &TrailPorts<'_, A, G, P>,
    plan: &TrailPlan,
    settings: &TrailSettings,
    now: &str,
) -> TrailRun
where
    A: AuditLogging,
    G: SecurityGroupRules,
    P: PrincipalCredentials,
{
    let repair = async {
        let mut reports = Vec::new();
        let mut group_exemption = None;
        let mut group = None;
        let mut check_failure = None;
        for step in &plan.repair.steps {
            let report = match step.kind {
                StepKind::RestartTrailLogging => restart_trail(ports.audit, step).await,
                StepKind::RestartConfigRecorder => restart_recorder(ports.audit, step).await,
                StepKind::CheckExemption => {
                    let check = check_group(ports.groups, plan, step, &settings.exempt_tag).await;
                    group_exemption = Some(check.exemption);
                    group = check.group;
                    check_failure = check.report.failure;
                    check.report
                }
                StepKind::RevokeExposedIngress => match (&group_exemption, &group) {
                    (Some(Exemption::NotExempt), Some(group)) => {
                        let exposure = settings.exposure();
                        revoke_exposed(ports.groups, group, &plan.exposed, exposure, step).await
                    }
                    (Some(Exemption::Exempt(tag)), _) => step.report(
                        StepStatus::Skipped,
                        format!("not touched: the group is exempt by tag {tag}"),
                    ),
                    (Some(Exemption::PrincipalMissing), _) => step.report(
                        StepStatus::Skipped,
                        "not attempted: the group no longer exists",
                    ),
                    // As retryable as the check that could not tell.
                    _ => StepReport {
                        failure: check_failure,
                        ..step.report(
                            StepStatus::Failed,
                            "not attempted: the group or its exemption is unknown",
                        )
                    },
                },
                _ => step.report(StepStatus::Failed, "not a step of the CloudTrail responder"),
            };
            reports.push(report);
        }
        (reports, group_exemption)
    };
    let principal = async {
        match &plan.principal {
            Some((incident, credential_plan)) => Some(
                credential::execute(
                    ports.principals,
                    incident,
                    credential_plan,
                    &settings.credentials,
                    now,
                )
                .await,
            ),
            None => None,
        }
    };
    let ((reports, group_exemption), principal) = futures_util::join!(repair, principal);
    TrailRun {
        reports,
        group_exemption,
        principal,
    }
}

/// Starts, unless it is already on, then reads back: only a read-back counts.
async fn restart<R, RF, S, SF>(step: &Step, is_on: R, start: S, noun: &str) -> StepReport
where
    R: Fn() -> RF,
    RF: Future<Output = Result<bool, PortError>>,
    S: FnOnce() -> SF,
    SF: Future<Output = Result<(), PortError>>,
{
    match is_on().await {
        Ok(true) => {
            return step.report(
                StepStatus::AlreadyDone,
                format!("the {noun} is on already (read back)"),
            );
        }
        Ok(false) => {}
        Err(err) => return step.failed(&err),
    }
    if let Err(err) = start().await {
        return step.failed(&err);
    }
    match is_on().await {
        Ok(true) => step.report(
            StepStatus::Done,
            format!("the {noun} is on again (read back)"),
        ),
        Ok(false) => step.report(
            StepStatus::Failed,
            format!("the start call succeeded but the {noun} still reads as off"),
        ),
        Err(err) => step.report(StepStatus::Failed, format!("read-back failed: {err}")),
    }
}

async fn restart_trail<A: AuditLogging>(audit: &A, step: &Step) -> StepReport {
    let trail = step.target.as_str();
    restart(
        step,
        || audit.trail_is_logging(trail),
        || audit.start_trail_logging(trail),
        "trail's logging",
    )
    .await
}

async fn restart_recorder<A: AuditLogging>(audit: &A, step: &Step) -> StepReport {
    let recorder = step.target.as_str();
    restart(
        step,
        || audit.recorder_is_recording(recorder),
        || audit.start_recorder(recorder),
        "configuration recorder",
    )
    .await
}
