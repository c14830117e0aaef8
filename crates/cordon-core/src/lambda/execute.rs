//! Carries out a Lambda plan: the exemption, read live, decides first; then the throttle
//! (the most urgent: nothing more runs), then the role's session deny and the tags. Each
//! write is read back; a repeat finds the state in place and writes nothing new.

use super::{LambdaIncident, concurrency_value};
use crate::exemption::is_break_glass;
use crate::instance::PreIncident;
use crate::names::{
    FINDING_TYPE_TAG, INCIDENT_TAG, ORIGINAL_CONCURRENCY_TAG, REVOKE_SESSIONS_POLICY, STATUS_TAG,
};
use crate::ports::{FunctionControls, NO_SUCH_FUNCTION, Principal, PrincipalCredentials};
use crate::revocation::revoke_older_sessions;
use crate::{Exemption, HandsOff, Plan, Step, StepKind, StepReport, StepStatus};

#[derive(Clone, Debug, PartialEq)]
pub struct FunctionRun {
    /// One per plan step, in plan order.
    pub reports: Vec<StepReport>,
    pub exemption: Exemption,
    /// The reserved concurrency before cordon's throttle, for release.
    pub pre_incident: PreIncident,
}

/// Runs `plan` unless the function is exempt; unreadable tags mean no action. `now`
/// is the session-deny cutoff (UTC, ISO 8601).
pub async fn execute<F: FunctionControls, P: PrincipalCredentials>(
    functions: &F,
    principals: &P,
    incident: &LambdaIncident,
    plan: &Plan,
    hands_off: &HandsOff,
    now: &str,
) -> FunctionRun {
    let function = incident.function.as_str();
    let (exemption, tags) = match functions.function_tags(&incident.function_arn).await {
        Ok(tags) => (Exemption::from_tags(&tags, &hands_off.exempt_tag), tags),
        Err(err) if err.code.as_deref() == Some(NO_SUCH_FUNCTION) => {
            (Exemption::PrincipalMissing, Vec::new())
        }
        Err(err) => (Exemption::Unknown(err.to_string()), Vec::new()),
    };
    let mut run = FunctionRun {
        reports: Vec::new(),
        exemption: exemption.clone(),
        pre_incident: PreIncident::default(),
    };
    let check = plan.step(StepKind::CheckExemption);
    let why_not = match &exemption {
        Exemption::NotExempt => {
            let exempt_tag = &hands_off.exempt_tag;
            run.reports.extend(
                check.map(|s| {
                    s.report(StepStatus::Done, format!("no {exempt_tag} tag: not exempt"))
                }),
            );
            None
        }
        Exemption::Exempt(tag) => {
            run.reports
                .extend(check.map(|s| s.report(StepStatus::Done, format!("exempt by tag {tag}"))));
            Some("not touched: the function is exempt")
        }
        Exemption::PrincipalMissing => {
            run.reports.extend(check.map(|s| {
                s.report(
                    StepStatus::Skipped,
                    format!("Lambda has no function {function}"),
                )
            }));
            Some("not attempted: the function no longer exists")
        }
        Exemption::Unknown(err) => {
            run.reports.extend(check.map(|s| {
                s.report(
                    StepStatus::Failed,
                    format!("could not read the tags ({err}); not acting, as an exemption cannot be ruled out"),
                )
            }));
            Some("not attempted: exemption unknown")
        }
    };
    if let Some(why) = why_not {
        run.reports.extend(
            plan.steps
                .iter()
                .filter(|s| s.kind != StepKind::CheckExemption)
                .map(|s| s.report(StepStatus::Skipped, why)),
        );
        return run;
    }
    if let Some(step) = plan.step(StepKind::ThrottleFunction) {
        let report = throttle(functions, incident, step, &tags, &mut run.pre_incident).await;
        run.reports.push(report);
    }
    let revoke = async {
        match plan.step(StepKind::RevokeRoleSessions) {
            Some(step) => {
                Some(revoke_role(functions, principals, incident, step, hands_off, now).await)
            }
            None => None,
        }
    };
    let tag = async {
        match plan.step(StepKind::TagIncidentResources) {
            Some(step) => Some(tag_contained(functions, incident, step).await),
            None => None,
        }
    };
    let (revoked, tagged) = futures_util::future::join(revoke, tag).await;
    run.reports.extend(revoked.into_iter().chain(tagged));
    run
}

/// Records the reserved concurrency (ledger and tag) before the first change, sets it to
/// 0 and reads it back. Found at 0 with cordon's tag, the tag is the earlier run's record.
async fn throttle<F: FunctionControls>(
    functions: &F,
    incident: &LambdaIncident,
    step: &Step,
    tags: &[(String, String)],
    record: &mut PreIncident,
) -> StepReport {
    let function = incident.function.as_str();
    let before = match functions.reserved_concurrency(function).await {
        Ok(before) => before,
        Err(err) => return step.failed(&err),
    };
    if before == Some(0) {
        let earlier = tags
            .iter()
            .find(|(k, _)| k == ORIGINAL_CONCURRENCY_TAG)
            .map(|(_, v)| v.clone());
        let original = earlier.unwrap_or_else(|| concurrency_value(before));
        record.keep(function, ORIGINAL_CONCURRENCY_TAG, original.clone());
        return step.report(
            StepStatus::AlreadyDone,
            format!("reserved concurrency already 0 (read back); recorded before: {original}"),
        );
    }
    let original = concurrency_value(before);
    record.keep(function, ORIGINAL_CONCURRENCY_TAG, original.clone());
    let copy = [(ORIGINAL_CONCURRENCY_TAG.to_owned(), original.clone())];
    let after = async {
        functions
            .tag_function(&incident.function_arn, &copy)
            .await?;
        functions.put_reserved_concurrency(function, 0).await?;
        functions.reserved_concurrency(function).await
    }
    .await;
    match after {
        Ok(Some(0)) => step.report(
            StepStatus::Done,
            format!(
                "reserved concurrency 0 (read back): no new invocation runs; before: {original}"
            ),
        ),
        Ok(other) => step.report(
            StepStatus::Failed,
            format!(
                "read back reserved concurrency {} after setting 0",
                concurrency_value(other)
            ),
        ),
        Err(err) => step.failed(&err),
    }
}

/// Denies the older sessions of the role Lambda holds for the function now; a role in
/// another account, on the break-glass list or tagged exempt is left alone.
async fn revoke_role<F: FunctionControls, P: PrincipalCredentials>(
    functions: &F,
    principals: &P,
    incident: &LambdaIncident,
    step: &Step,
    hands_off: &HandsOff,
    now: &str,
) -> StepReport {
    let role_arn = match functions.execution_role(incident.function.as_str()).await {
        Ok(arn) => arn,
        Err(err) => return step.failed(&err),
    };
    let Some(name) = role_in(&role_arn, incident.account_id.as_str()) else {
        return step.report(
            StepStatus::Failed,
            format!(
                "the execution role {role_arn} is not a role in account {}: not acting on it",
                incident.account_id
            ),
        );
    };
    let role = Principal::Role(name.to_owned());
    if is_break_glass(&role, &incident.account_id, &hands_off.break_glass) {
        return step.report_on(
            name,
            StepStatus::Skipped,
            "a break-glass role: its sessions are left to people",
        );
    }
    match principals.principal_tags(&role).await {
        Err(err) => return step.failed_on(name, &err),
        Ok(tags) => {
            if let Exemption::Exempt(tag) = Exemption::from_tags(&tags, &hands_off.exempt_tag) {
                return step.report_on(
                    name,
                    StepStatus::Skipped,
                    format!("the role is exempt by tag {tag}: its sessions are left to people"),
                );
            }
        }
    }
    revoke_older_sessions(
        step,
        name,
        || principals.principal_policy(&role, REVOKE_SESSIONS_POLICY),
        |document| {
            let role = &role;
            async move {
                principals
                    .put_principal_policy(role, REVOKE_SESSIONS_POLICY, &document)
                    .await
            }
        },
        &incident.updated_at,
        now,
    )
    .await
}

/// The role name in `arn:<partition>:iam::<account>:role/<path/><name>`, when the role
/// is in `account`.
pub(crate) fn role_in<'a>(arn: &'a str, account: &str) -> Option<&'a str> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts[..] {
        ["arn", partition, "iam", "", owner, resource]
            if partition.starts_with("aws") && owner == account =>
        {
            let name = resource.strip_prefix("role/")?.rsplit('/').next()?;
            (!name.is_empty()).then_some(name)
        }
        _ => None,
    }
}

/// Tags the function with the incident and reads the tags back.
async fn tag_contained<F: FunctionControls>(
    functions: &F,
    incident: &LambdaIncident,
    step: &Step,
) -> StepReport {
    let wanted = [
        (INCIDENT_TAG.to_owned(), incident.finding_id.clone()),
        (STATUS_TAG.to_owned(), "contained".to_owned()),
        (FINDING_TYPE_TAG.to_owned(), incident.finding_type.clone()),
    ];
    let read = async {
        functions
            .tag_function(&incident.function_arn, &wanted)
            .await?;
        functions.function_tags(&incident.function_arn).await
    }
    .await;
    match read {
        Ok(tags) if wanted.iter().all(|w| tags.contains(w)) => step.report(
            StepStatus::Done,
            format!(
                "{INCIDENT_TAG}={}, {STATUS_TAG}=contained (read back)",
                incident.finding_id
            ),
        ),
        Ok(_) => step.report(StepStatus::Failed, "the tags did not read back"),
        Err(err) => step.failed(&err),
    }
}
