//! Release: each interface back in the groups recorded before isolation, read back.

use super::Release;
use crate::ports::NetworkIsolation;
use crate::{Step, StepReport, StepStatus};
use futures_util::future::join_all;

impl<N: NetworkIsolation, C, E, S> Release<'_, '_, N, C, E, S> {
    /// Each interface back into its recorded original groups, then read back.
    pub(super) async fn interfaces(&self, step: &Step) -> Vec<StepReport> {
        let network = self.ports.network;
        let interfaces = match network.instance_network_interfaces(self.instance).await {
            Ok(interfaces) => interfaces,
            Err(err) => return vec![step.failed(&err)],
        };
        let restores = interfaces.iter().map(|eni| async move {
            let target = eni.id.to_string();
            let Some(original) = &eni.recorded_original_groups else {
                return step.report_on(
                    &target,
                    StepStatus::Skipped,
                    "no recorded original groups: cordon did not isolate it",
                );
            };
            let names: Vec<String> = original.iter().map(ToString::to_string).collect();
            if eni.groups == *original {
                return step.report_on(
                    &target,
                    StepStatus::AlreadyDone,
                    format!("already in {}", names.join(", ")),
                );
            }
            if self.dry_run {
                return step.report_on(
                    &target,
                    StepStatus::Planned,
                    format!("move back to {}", names.join(", ")),
                );
            }
            if let Err(err) = network
                .set_network_interface_groups(&eni.id, original)
                .await
            {
                return step.failed_on(&target, &err);
            }
            step.report_on(
                &target,
                StepStatus::Done,
                format!("back in {}", names.join(", ")),
            )
        });
        let mut reports = join_all(restores).await;
        if self.dry_run || reports.iter().all(|r| r.status != StepStatus::Done) {
            return reports;
        }
        // Read back: every restored interface holds exactly its original groups.
        match network.instance_network_interfaces(self.instance).await {
            Ok(after) => {
                for report in reports.iter_mut().filter(|r| r.status == StepStatus::Done) {
                    let held = after.iter().find(|e| e.id.as_str() == report.target);
                    let ok = held
                        .is_some_and(|e| Some(&e.groups) == e.recorded_original_groups.as_ref());
                    if !ok {
                        report.status = StepStatus::Failed;
                        report.detail =
                            format!("read back: {held:?} is not in its original groups");
                    }
                }
            }
            Err(err) => {
                for report in &mut reports {
                    *report = StepReport {
                        detail: format!("read-back failed: {err}"),
                        ..step.failed_on(&report.target, &err)
                    };
                }
            }
        }
        reports
    }
}
