//! The instance's credentials: take its profile away so it gets no new ones, and deny
//! the role's sessions issued before now so the ones already stolen stop working.

use super::Context;
use crate::plan::{INSTANCE_PROFILE_TAG, REVOKE_SESSIONS_POLICY};
use crate::revocation::revoke_older_sessions;
use crate::{
    InstanceCredentials, NetworkIsolation, PortError, ProfileAssociation, Step, StepKind,
    StepReport, StepStatus,
};
use cordon_events::InstanceId;

pub(super) async fn contain<C: InstanceCredentials, N: NetworkIsolation>(
    credentials: &C,
    network: &N,
    cx: &Context<'_>,
) -> Vec<StepReport> {
    let Some(disassociate) = cx.plan.step(StepKind::DisassociateInstanceProfile) else {
        return Vec::new();
    };
    let revoke = cx.plan.step(StepKind::RevokeRoleSessions);
    let steps: Vec<&Step> = [Some(disassociate), revoke].into_iter().flatten().collect();
    let instance = &cx.incident.instance_id;
    let association = match credentials.profile_association(instance).await {
        Ok(association) => association,
        Err(err) => return steps.iter().map(|s| s.failed(&err)).collect(),
    };
    let profile = association
        .as_ref()
        .map(|a| a.profile_arn.clone())
        .or_else(|| cx.incident.instance_profile_arn.clone());
    let Some(profile) = profile else {
        return steps
            .iter()
            .map(|s| s.report(StepStatus::Skipped, "the instance has no instance profile"))
            .collect();
    };
    let (disassociated, revoked, sharing) = futures_util::join!(
        disassociate_profile(
            credentials,
            network,
            instance,
            disassociate,
            association.as_ref()
        ),
        async {
            match revoke {
                Some(step) => Some(revoke_sessions(credentials, cx, step, &profile).await),
                None => None,
            }
        },
        credentials.instances_using_profile(&profile),
    );
    let shared = shared_with(instance, &profile, sharing);
    [disassociated]
        .into_iter()
        .chain(revoked)
        .map(|mut report| {
            if report.status.is_ok() {
                report.detail = format!("{}; {shared}", report.detail);
            }
            report
        })
        .collect()
}

async fn disassociate_profile<C: InstanceCredentials, N: NetworkIsolation>(
    credentials: &C,
    network: &N,
    instance: &InstanceId,
    step: &Step,
    association: Option<&ProfileAssociation>,
) -> StepReport {
    let Some(association) = association else {
        return step.report(StepStatus::AlreadyDone, "no instance profile associated");
    };
    let profile = &association.profile_arn;
    let result = async {
        // The profile is recorded before it is taken away, so release can give it back.
        let tag = [(INSTANCE_PROFILE_TAG.to_owned(), profile.clone())];
        network.tag_resources(&[instance.to_string()], &tag).await?;
        credentials
            .disassociate_profile(&association.association_id)
            .await?;
        credentials.profile_association(instance).await
    }
    .await;
    match result {
        Ok(None) => step.report(
            StepStatus::Done,
            format!(
                "disassociated {profile} ({}), recorded in tag {INSTANCE_PROFILE_TAG}",
                association.association_id
            ),
        ),
        Ok(Some(still)) => step.report(
            StepStatus::Failed,
            format!(
                "still associated with {} after disassociation",
                still.profile_arn
            ),
        ),
        Err(err) => step.failed(&err),
    }
}

async fn revoke_sessions<C: InstanceCredentials>(
    credentials: &C,
    cx: &Context<'_>,
    step: &Step,
    profile: &str,
) -> StepReport {
    let role = match credentials.profile_roles(profile).await {
        Ok(roles) => roles.into_iter().next(),
        // Retrying cannot bring a deleted profile back; people must find the role.
        Err(err) if err.code.as_deref() == Some("NoSuchEntity") => {
            return step.report(
                StepStatus::Skipped,
                format!(
                    "{profile} no longer exists, so its role cannot be found: revoke that role's sessions by hand"
                ),
            );
        }
        Err(err) => return step.failed(&err),
    };
    let Some(role) = role else {
        return step.report(StepStatus::Skipped, format!("{profile} has no role"));
    };
    let role = role.as_str();
    revoke_older_sessions(
        step,
        role,
        || credentials.role_policy(role, REVOKE_SESSIONS_POLICY),
        |document| async move {
            credentials
                .put_role_policy(role, REVOKE_SESSIONS_POLICY, &document)
                .await
        },
        &cx.incident.updated_at,
        cx.now,
    )
    .await
}

/// The blast radius in words: other instances with the same profile hold the same role.
fn shared_with(
    instance: &InstanceId,
    profile: &str,
    sharing: Result<Vec<InstanceId>, PortError>,
) -> String {
    match sharing {
        Ok(all) => {
            let others: Vec<String> = all
                .iter()
                .filter(|i| *i != instance)
                .map(ToString::to_string)
                .collect();
            match others.len() {
                0 => format!("no other instance uses {profile}"),
                n => format!(
                    "{n} other instance(s) use {profile} and its role, and lose their older sessions too: {}",
                    others.join(", ")
                ),
            }
        }
        Err(err) => format!("could not count the other instances using {profile}: {err}"),
    }
}
