//! Release: termination and stop protection and shutdown behaviour as recorded before
//! containment, read back.

use super::Release;
use crate::ports::{EvidencePreservation, ProtectionChange};
use crate::{Step, StepReport, StepStatus};

impl<N, C, E: EvidencePreservation, S> Release<'_, '_, N, C, E, S> {
    /// Termination and stop protection and shutdown behaviour as they were.
    pub(super) async fn protection(&self, step: &Step, recorded: Option<&str>) -> StepReport {
        let Some(before) = recorded.and_then(parse_protection) else {
            return step.report(
                StepStatus::Skipped,
                "no recorded pre-containment protection: left as it is (on)",
            );
        };
        let evidence = self.ports.evidence;
        let now = match evidence.protection(self.instance).await {
            Ok(now) => now,
            Err(err) => return step.failed(&err),
        };
        let (termination, stop, shutdown) = &before;
        let wanted = format!(
            "termination protection {termination}, stop protection {stop}, shutdown {shutdown}"
        );
        let changes: Vec<ProtectionChange> = [
            (now.termination_protection != *termination)
                .then_some(ProtectionChange::TerminationProtection(*termination)),
            (now.stop_protection != *stop).then_some(ProtectionChange::StopProtection(*stop)),
            (now.shutdown_behavior != *shutdown)
                .then(|| ProtectionChange::ShutdownBehavior(shutdown.clone())),
        ]
        .into_iter()
        .flatten()
        .collect();
        if changes.is_empty() {
            return step.report(StepStatus::AlreadyDone, wanted);
        }
        if self.dry_run {
            return step.report(StepStatus::Planned, format!("restore {wanted}"));
        }
        for change in &changes {
            if let Err(err) = evidence.apply_protection(self.instance, change).await {
                return step.failed(&err);
            }
        }
        match evidence.protection(self.instance).await {
            Ok(after)
                if after.termination_protection == *termination
                    && after.stop_protection == *stop
                    && after.shutdown_behavior == *shutdown =>
            {
                step.report(StepStatus::Done, format!("{wanted} (read back)"))
            }
            Ok(_) => step.report(
                StepStatus::Failed,
                format!("read back differs from {wanted}"),
            ),
            Err(err) => step.failed(&err),
        }
    }
}

/// `termination=off,stop=on,shutdown=terminate` → (false, true, "terminate").
fn parse_protection(value: &str) -> Option<(bool, bool, String)> {
    let mut termination = None;
    let mut stop = None;
    let mut shutdown = None;
    for part in value.split(',') {
        match part.split_once('=')? {
            ("termination", v) => termination = Some(v == "on"),
            ("stop", v) => stop = Some(v == "on"),
            ("shutdown", v) => shutdown = Some(v.to_owned()),
            _ => {}
        }
    }
    Some((termination?, stop?, shutdown?))
}
