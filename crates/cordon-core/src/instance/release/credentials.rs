//! Release: the recorded instance profile associated again, and its role's session deny
//! removed, each read back.

use super::Release;
use crate::names::REVOKE_SESSIONS_POLICY;
use crate::ports::InstanceCredentials;
use crate::{Step, StepReport, StepStatus};

impl<N, C: InstanceCredentials, E, S> Release<'_, '_, N, C, E, S> {
    /// The profile associated again, and its role's session deny removed.
    pub(super) async fn profile(
        &self,
        associate: &Step,
        deny: &Step,
        profile: Option<&str>,
    ) -> Vec<StepReport> {
        let Some(profile) = profile else {
            return vec![associate.report(StepStatus::Skipped, "no recorded instance profile")];
        };
        let credentials = self.ports.credentials;
        let associated = match credentials.profile_association(self.instance).await {
            Err(err) => associate.failed(&err),
            Ok(Some(current)) if current.profile_arn == profile => {
                associate.report(StepStatus::AlreadyDone, format!("{profile} is associated"))
            }
            Ok(Some(current)) => associate.report(
                StepStatus::Failed,
                format!(
                    "the instance has another profile now ({}); not replaced",
                    current.profile_arn
                ),
            ),
            Ok(None) if self.dry_run => {
                associate.report(StepStatus::Planned, format!("associate {profile} again"))
            }
            Ok(None) => match credentials.associate_profile(self.instance, profile).await {
                Err(err) => associate.failed(&err),
                Ok(()) => match credentials.profile_association(self.instance).await {
                    Ok(Some(current)) if current.profile_arn == profile => associate.report(
                        StepStatus::Done,
                        format!("{profile} associated (read back)"),
                    ),
                    Ok(other) => {
                        associate.report(StepStatus::Failed, format!("read back {other:?}"))
                    }
                    Err(err) => associate.failed(&err),
                },
            },
        };
        let roles = match credentials.profile_roles(profile).await {
            Ok(roles) => roles,
            Err(err) => return vec![associated, deny.failed(&err)],
        };
        let mut reports = vec![associated];
        for role in roles {
            reports.push(self.remove_deny(deny, &role).await);
        }
        reports
    }

    async fn remove_deny(&self, step: &Step, role: &str) -> StepReport {
        let credentials = self.ports.credentials;
        let report = |status, detail: String| step.report_on(role, status, detail);
        match credentials.role_policy(role, REVOKE_SESSIONS_POLICY).await {
            Err(err) => step.failed_on(role, &err),
            Ok(None) => report(
                StepStatus::AlreadyDone,
                format!("no {REVOKE_SESSIONS_POLICY}"),
            ),
            Ok(Some(_)) if self.dry_run => report(
                StepStatus::Planned,
                format!("delete {REVOKE_SESSIONS_POLICY}"),
            ),
            Ok(Some(_)) => match credentials
                .delete_role_policy(role, REVOKE_SESSIONS_POLICY)
                .await
            {
                Err(err) => step.failed_on(role, &err),
                Ok(()) => match credentials.role_policy(role, REVOKE_SESSIONS_POLICY).await {
                    Ok(None) => report(
                        StepStatus::Done,
                        format!("{REVOKE_SESSIONS_POLICY} deleted (read back)"),
                    ),
                    Ok(Some(_)) => report(StepStatus::Failed, "the policy is still there".into()),
                    Err(err) => step.failed_on(role, &err),
                },
            },
        }
    }
}
