//! Carries out a credential plan: the exemption, read live, decides first; then the key,
//! the sessions and the console password at once, each read back; the tag comes last.

use super::{CredentialIncident, CredentialSettings};
use crate::names::{INCIDENT_TAG, REVOKE_SESSIONS_POLICY, STATUS_TAG};
use crate::ports::{Principal, PrincipalCredentials};
use crate::revocation::revoke_older_sessions;
use crate::step::if_planned;
use crate::{Exemption, Plan, Step, StepKind, StepReport, StepStatus};

#[derive(Clone, Debug, PartialEq)]
pub struct CredentialRun {
    /// One per plan step, in plan order.
    pub reports: Vec<StepReport>,
    pub exemption: Exemption,
}

/// Runs `plan` unless the principal is exempt; an unreadable exemption means no action.
pub async fn execute<P: PrincipalCredentials>(
    port: &P,
    incident: &CredentialIncident,
    plan: &Plan,
    settings: &CredentialSettings,
    now: &str,
) -> CredentialRun {
    let Some(principal) = incident.principal() else {
        return CredentialRun {
            reports: plan.planned_reports(),
            exemption: Exemption::Unknown("the finding names no principal".into()),
        };
    };
    let exemption = match port.principal_tags(&principal).await {
        Ok(tags) => Exemption::from_tags(&tags, &settings.exempt_tag),
        Err(err) if err.code.as_deref() == Some("NoSuchEntity") => Exemption::PrincipalMissing,
        Err(err) => Exemption::Unknown(err.to_string()),
    };
    let check = |status, detail: String| {
        plan.step(StepKind::CheckExemption)
            .map(|s| s.report(status, detail))
    };
    let untouched = |why: &'static str| {
        plan.steps
            .iter()
            .filter(|s| s.kind != StepKind::CheckExemption)
            .map(|s| s.report(StepStatus::Skipped, why.to_owned()))
    };
    match &exemption {
        Exemption::Exempt(tag) => {
            let reports = check(StepStatus::Done, format!("exempt by tag {tag}"))
                .into_iter()
                .chain(untouched("not touched: the principal is exempt"))
                .collect();
            return CredentialRun { reports, exemption };
        }
        Exemption::Unknown(err) => {
            let detail = format!(
                "could not read the tags ({err}); not acting, as an exemption cannot be ruled out"
            );
            let reports = check(StepStatus::Failed, detail)
                .into_iter()
                .chain(untouched("not attempted: exemption unknown"))
                .collect();
            return CredentialRun { reports, exemption };
        }
        Exemption::PrincipalMissing => {
            let reports = check(StepStatus::Skipped, format!("IAM has no {principal}"))
                .into_iter()
                .chain(untouched("not attempted: the principal no longer exists"))
                .collect();
            return CredentialRun { reports, exemption };
        }
        Exemption::NotExempt => {}
    }

    let mut reports: Vec<StepReport> = check(
        StepStatus::Done,
        format!("no {} tag: not exempt", settings.exempt_tag),
    )
    .into_iter()
    .collect();
    let (key, temporary, user_sessions, role_sessions, login) = futures_util::join!(
        if_planned(
            plan.step(StepKind::DeactivateAccessKey),
            |s| deactivate_key(port, &principal, s)
        ),
        if_planned(plan.step(StepKind::TemporaryCredential), |s| async move {
            s.report(StepStatus::Skipped, s.detail.clone())
        }),
        if_planned(plan.step(StepKind::RevokeUserSessions), |s| revoke(
            port, &principal, incident, s, now
        )),
        if_planned(plan.step(StepKind::RevokeRoleSessions), |s| async {
            let mut report = revoke(port, &principal, incident, s, now).await;
            if report.status.is_ok() {
                report.detail = format!(
                    "{}; {}",
                    report.detail,
                    role_users(port, principal.name()).await
                );
            }
            report
        }),
        if_planned(plan.step(StepKind::DeleteLoginProfile), |s| {
            delete_login_profile(port, &principal, s)
        }),
    );
    reports.extend(
        [key, temporary, user_sessions, role_sessions, login]
            .into_iter()
            .flatten(),
    );
    if let Some(step) = plan.step(StepKind::TagPrincipal) {
        reports.push(tag_principal(port, &principal, incident, step, &reports).await);
    }
    reports.sort_by_key(|r| plan.steps.iter().position(|s| s.name() == r.name));
    CredentialRun { reports, exemption }
}

async fn deactivate_key<P: PrincipalCredentials>(
    port: &P,
    principal: &Principal,
    step: &Step,
) -> StepReport {
    let user = principal.name();
    let key = step.target.as_str();
    let status_of = |keys: Vec<crate::ports::AccessKeyState>| {
        keys.into_iter()
            .find(|k| k.access_key_id == key)
            .map(|k| k.status)
    };
    let before = match port.access_keys(user).await {
        Ok(keys) => status_of(keys),
        Err(err) => return step.failed(&err),
    };
    match before.as_deref() {
        None => {
            return step.report(
                StepStatus::Skipped,
                format!("{user} has no key {key} (deleted already?)"),
            );
        }
        Some("Inactive") => return step.report(StepStatus::AlreadyDone, "already Inactive"),
        Some(_) => {}
    }
    let after = async {
        port.deactivate_access_key(user, key).await?;
        port.access_keys(user).await
    }
    .await;
    match after.map(status_of) {
        Ok(Some(status)) if status == "Inactive" => step.report(
            StepStatus::Done,
            "Inactive (read back); the user's other keys untouched",
        ),
        Ok(status) => step.report(
            StepStatus::Failed,
            format!(
                "read back status {}",
                status.as_deref().unwrap_or("missing")
            ),
        ),
        Err(err) => step.failed(&err),
    }
}

async fn revoke<P: PrincipalCredentials>(
    port: &P,
    principal: &Principal,
    incident: &CredentialIncident,
    step: &Step,
    now: &str,
) -> StepReport {
    revoke_older_sessions(
        step,
        &step.target,
        || port.principal_policy(principal, REVOKE_SESSIONS_POLICY),
        |document| async move {
            port.put_principal_policy(principal, REVOKE_SESSIONS_POLICY, &document)
                .await
        },
        &incident.updated_at,
        now,
    )
    .await
}

/// Who else holds the role: the blast radius of denying its sessions.
async fn role_users<P: PrincipalCredentials>(port: &P, role: &str) -> String {
    match port.role_usage(role).await {
        Ok(usage) => {
            let profiles = if usage.instance_profiles.is_empty() {
                "no instance profile".to_owned()
            } else {
                format!("instance profile(s) {}", usage.instance_profiles.join(", "))
            };
            let trusted = if usage.trusted.is_empty() {
                "nobody".to_owned()
            } else {
                usage.trusted.join(", ")
            };
            format!(
                "the role is in {profiles} and may be assumed by {trusted}: all their older sessions are denied too"
            )
        }
        Err(err) => format!("could not read who uses the role: {err}"),
    }
}

async fn delete_login_profile<P: PrincipalCredentials>(
    port: &P,
    principal: &Principal,
    step: &Step,
) -> StepReport {
    let user = principal.name();
    match port.has_login_profile(user).await {
        Ok(false) => return step.report(StepStatus::AlreadyDone, "no console password"),
        Ok(true) => {}
        Err(err) => return step.failed(&err),
    }
    let after = async {
        port.delete_login_profile(user).await?;
        port.has_login_profile(user).await
    }
    .await;
    match after {
        Ok(false) => step.report(StepStatus::Done, "console password deleted (read back)"),
        Ok(true) => step.report(StepStatus::Failed, "the console password is still there"),
        Err(err) => step.failed(&err),
    }
}

async fn tag_principal<P: PrincipalCredentials>(
    port: &P,
    principal: &Principal,
    incident: &CredentialIncident,
    step: &Step,
    reports: &[StepReport],
) -> StepReport {
    let status = if reports.iter().all(|r| r.status.is_ok()) {
        "contained"
    } else {
        "containment-unverified"
    };
    let tags = [
        (INCIDENT_TAG, incident.finding_id.as_str()),
        (STATUS_TAG, status),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    match port.tag_principal(principal, &tags).await {
        Ok(()) => step.report(StepStatus::Done, format!("{STATUS_TAG}={status}")),
        Err(err) => step.failed(&err),
    }
}
