//! Undoing a credential's containment once people have dealt with it: the session deny
//! removed and read back. The stolen key is never reactivated.

use crate::names::{REVOKE_SESSIONS_POLICY, STATUS_TAG};
use crate::ports::{Principal, PrincipalCredentials};
use crate::{Step, StepKind, StepReport, StepStatus};

/// Releases a contained user or role: its `cordon-revoke-older-sessions` policy is
/// deleted and read back, and it is tagged released. The stolen access key stays
/// inactive: its owner gets a new one.
pub async fn release<P: PrincipalCredentials>(
    port: &P,
    principal: &Principal,
    dry_run: bool,
) -> Vec<StepReport> {
    let target = principal.name().to_owned();
    let step = |kind| Step {
        kind,
        target: target.clone(),
        detail: String::new(),
    };
    let removed = remove_session_deny(port, principal, dry_run).await;
    let mark = step(StepKind::MarkReleased);
    let marked = if dry_run {
        mark.report(
            StepStatus::Planned,
            "tag cordon:status=released; the stolen key stays inactive",
        )
    } else if removed.status.is_ok() {
        let status = [(STATUS_TAG.to_owned(), "released".to_owned())];
        match port.tag_principal(principal, &status).await {
            Ok(()) => mark.report(
                StepStatus::Done,
                "cordon:status=released; the stolen key stays inactive (issue a new one)",
            ),
            Err(err) => mark.failed(&err),
        }
    } else {
        mark.report(StepStatus::Skipped, "the session deny was not removed")
    };
    vec![removed, marked]
}

/// The principal's `cordon-revoke-older-sessions` policy deleted and read back: shared
/// with the Lambda playbook's release (the function's execution role).
pub(crate) async fn remove_session_deny<P: PrincipalCredentials>(
    port: &P,
    principal: &Principal,
    dry_run: bool,
) -> StepReport {
    let deny = Step {
        kind: StepKind::RemoveSessionDeny,
        target: principal.name().to_owned(),
        detail: String::new(),
    };
    match port
        .principal_policy(principal, REVOKE_SESSIONS_POLICY)
        .await
    {
        Err(err) => deny.failed(&err),
        Ok(None) => deny.report(
            StepStatus::AlreadyDone,
            format!("no {REVOKE_SESSIONS_POLICY}"),
        ),
        Ok(Some(_)) if dry_run => deny.report(
            StepStatus::Planned,
            format!("delete {REVOKE_SESSIONS_POLICY}"),
        ),
        Ok(Some(_)) => match port
            .delete_principal_policy(principal, REVOKE_SESSIONS_POLICY)
            .await
        {
            Err(err) => deny.failed(&err),
            Ok(()) => match port
                .principal_policy(principal, REVOKE_SESSIONS_POLICY)
                .await
            {
                Ok(None) => deny.report(
                    StepStatus::Done,
                    format!("{REVOKE_SESSIONS_POLICY} deleted (read back)"),
                ),
                Ok(Some(_)) => deny.report(StepStatus::Failed, "the policy is still there"),
                Err(err) => deny.failed(&err),
            },
        },
    }
}
