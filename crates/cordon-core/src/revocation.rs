//! Denying a role's or user's older sessions, with read-back: shared by the instance
//! playbook (the instance's role) and the credential playbook (a user or role).

use crate::names::REVOKE_SESSIONS_POLICY;
use crate::ports::PortError;
use crate::session_policy::{cutoff_covers, revoke_sessions_document, revoked_before};
use crate::{Step, StepReport, StepStatus};
use std::future::Future;

/// Reads the current document, then [`revoke_and_verify`] unless it already covers
/// `since` (the finding's time). The report names `target` (the user or role); AWS
/// errors keep their retry class.
///
/// The current document is read before writing, never skipped: only it shows whether
/// an earlier run's cutoff already covers the finding (a second delivery then writes
/// nothing, so the role's holders do not lose their sessions twice) and keeps a later
/// cutoff from being replaced by an earlier one.
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
    let existing = match read().await {
        Ok(document) => document,
        Err(err) => return step.failed_on(target, &err),
    };
    match already_revoked(step, target, existing.as_deref(), since, now) {
        Some(report) => report,
        None => revoke_and_verify(step, target, read, write, now).await,
    }
}

/// The report when the current `document` needs no write: its cutoff covers `since`,
/// or is later than `now` (writing `now` would move it backwards). `None`: write.
pub(crate) fn already_revoked(
    step: &Step,
    target: &str,
    document: Option<&str>,
    since: &str,
    now: &str,
) -> Option<StepReport> {
    let cutoff = document
        .and_then(revoked_before)
        .filter(|c| cutoff_covers(c, since) || cutoff_covers(c, now))?;
    Some(step.report_on(
        target,
        StepStatus::AlreadyDone,
        format!("sessions issued before {cutoff} were already denied ({REVOKE_SESSIONS_POLICY})"),
    ))
}

/// Puts the revoke policy with cutoff `now`, then proves it by reading it back.
pub(crate) async fn revoke_and_verify<R, RF, W, WF>(
    step: &Step,
    target: &str,
    read: R,
    write: W,
    now: &str,
) -> StepReport
where
    R: Fn() -> RF,
    RF: Future<Output = Result<Option<String>, PortError>>,
    W: FnOnce(String) -> WF,
    WF: Future<Output = Result<(), PortError>>,
{
    let failed = |err: &PortError| step.failed_on(target, err);
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

#[cfg(test)]
mod tests {
    use super::already_revoked;
    use crate::session_policy::revoke_sessions_document;
    use crate::{Step, StepKind, StepStatus};

    const SINCE: &str = "2026-11-23T09:00:00.000Z";
    const NOW: &str = "2026-11-23T10:00:00Z";

    fn step() -> Step {
        Step {
            kind: StepKind::RevokeRoleSessions,
            target: "web-server-role".into(),
            detail: String::new(),
        }
    }

    fn decided(document: Option<&str>) -> Option<StepStatus> {
        already_revoked(&step(), "web-server-role", document, SINCE, NOW).map(|r| r.status)
    }

    #[test]
    fn no_policy_or_an_older_cutoff_is_written() {
        assert_eq!(decided(None), None);
        assert_eq!(decided(Some("{}")), None);
        let older = revoke_sessions_document("2024-01-01T00:00:00Z");
        assert_eq!(decided(Some(&older)), None);
    }

    #[test]
    fn a_cutoff_covering_the_finding_is_left_alone() {
        let earlier_run = revoke_sessions_document("2026-11-23T09:30:00Z");
        assert_eq!(decided(Some(&earlier_run)), Some(StepStatus::AlreadyDone));
    }

    #[test]
    fn a_cutoff_later_than_now_is_never_moved_back() {
        // A finding stamped after this run's clock (skew) is not covered by the later
        // cutoff, but writing `now` would move the cutoff backwards.
        let later = revoke_sessions_document("2026-11-23T10:30:00Z");
        let report =
            already_revoked(&step(), "r", Some(&later), "2026-11-23T11:00:00Z", NOW).unwrap();
        assert_eq!(report.status, StepStatus::AlreadyDone);
        assert!(report.detail.contains("2026-11-23T10:30:00Z"), "{report:?}");
    }
}
