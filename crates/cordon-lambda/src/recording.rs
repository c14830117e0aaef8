//! The last stage every function shares: record the outcome in Security Hub, tell
//! people (once), and let a recording failure fail the invocation so it is retried.

use cordon_core::ports::{FindingRecorder, Notifier, SourceUpdate};
use cordon_core::recording::{Notification, ResponseFinding, record};
use cordon_core::{Decision, Outcome};
use tracing::{error, info};

/// `notification` builds the message only when it is sent: a contained incident
/// re-delivered changes nothing, and people were told the first time.
pub async fn record_outcome<R, N>(
    recorder: &R,
    notifier: &N,
    response: &ResponseFinding,
    notification: impl FnOnce(&Outcome) -> Notification,
    outcome: &mut Outcome,
    finding_id: &str,
) where
    R: FindingRecorder,
    N: Notifier,
{
    let repeat = outcome.decision == Decision::Contained && !outcome.changed_anything();
    let notification = (!repeat).then(|| notification(outcome));
    // Boxed: the SDK's request futures are large, and nesting them inline would
    // overflow a 2 MiB thread stack in debug builds.
    let report = Box::pin(record(recorder, notifier, response, notification.as_ref())).await;
    info!(
        finding_id,
        response_finding_id = %report.response_finding_id,
        source_finding = ?report.source_finding,
        notified = report.notified,
        "recorded incident"
    );
    if report.source_finding == Some(SourceUpdate::NotInSecurityHub) {
        info!(
            finding_id,
            "the source finding is not in Security Hub (yet); not annotated"
        );
    }
    if !report.failures.is_empty() {
        error!(finding_id, failures = ?report.failures, "recording failed; the event will be retried");
        outcome.reason = format!(
            "{} — but recording failed: {}",
            outcome.reason,
            report.failures.join("; ")
        );
        outcome.decision = Decision::Failed;
    }
    outcome.record = Some(report);
}
