//! Denying a role's or user's older sessions, with read-back: shared by the instance
//! playbook (the instance's role) and the credential playbook (a user or role).

use crate::plan::REVOKE_SESSIONS_POLICY;
use crate::session_policy::{cutoff_covers, revoke_sessions_document, revoked_before};
use crate::{PortError, Step, StepReport, StepStatus};
use std::future::Future;

/// Puts the revoke policy with cutoff `now` unless one already covers `since` (the
/// finding's time), then reads it back. `read` fetches the current document. The
/// report names `target` (the user or role); AWS errors keep their retry class.
pub(crate) async fn revoke_older_sessions<R, RF, W, WF>(
    step: &Step,
    target: &str,
    read: R,
    write: W,
    since: &str,
    now: &str,
) -> StepReport
where
    R: Fn() -> RF,
    RF: Future<Output = Result<Option<String>, PortError>>,
    W: FnOnce(String) -> WF,
    WF: Future<Output = Result<(), PortError>>,
{
    let failed = |err: &PortError| step.failed_on(target, err);
    let existing = match read().await {
        Ok(document) => document.as_deref().and_then(revoked_before),
        Err(err) => return failed(&err),
    };
    if let Some(cutoff) = existing.filter(|c| cutoff_covers(c, since)) {
        return step.report_on(
            target,
            StepStatus::AlreadyDone,
            format!(
                "sessions issued before {cutoff} were already denied ({REVOKE_SESSIONS_POLICY})"
            ),
        );
    }
    if let Err(err) = write(revoke_sessions_document(now)).await {
        return failed(&err);
    }
    match read().await.map(|d| d.as_deref().and_then(revoked_before)) {
        Ok(Some(cutoff)) if cutoff == now => step.report_on(
            target,
            StepStatus::Done,
            format!("{REVOKE_SESSIONS_POLICY} denies every session issued before {cutoff}"),
        ),
        Ok(other) => step.report_on(
            target,
            StepStatus::Failed,
            format!(
                "read back {REVOKE_SESSIONS_POLICY} with cutoff {}, expected {now}",
                other.as_deref().unwrap_or("none")
            ),
        ),
        Err(err) => failed(&err),
    }
}
