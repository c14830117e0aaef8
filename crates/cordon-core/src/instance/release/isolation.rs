//! Release: each interface back in the groups recorded before isolation, read back.

use super::Release;
use crate::instance::PreIncident;
use crate::names::ORIGINAL_GROUPS_TAG;
use crate::ports::{NetworkInterfaceState, NetworkIsolation};
use crate::{Step, StepReport, StepStatus};
use cordon_events::SecurityGroupId;
use futures_util::future::join_all;

impl<N: NetworkIsolation, C, E, S> Release<'_, '_, N, C, E, S> {
    /// Each interface back into its recorded original groups, then read back.
    pub(super) async fn interfaces(&self, step: &Step) -> Vec<StepReport> {
        let network = self.ports.network;
        let interfaces = match network.instance_network_interfaces(self.instance).await {
            Ok(interfaces) => interfaces,
            Err(err) => return vec![step.failed(&err)],
        };
        let wanted: Vec<Result<Option<Vec<SecurityGroupId>>, String>> =
            interfaces.iter().map(|eni| self.originals(eni)).collect();
        let restores = interfaces
            .iter()
            .zip(&wanted)
            .map(|(eni, wanted)| async move {
                let target = eni.id.to_string();
                let original = match wanted {
                    Err(why) => return step.report_on(&target, StepStatus::Failed, why.clone()),
                    Ok(None) => {
                        return step.report_on(
                            &target,
                            StepStatus::Skipped,
                            "no recorded original groups: cordon did not isolate it",
                        );
                    }
                    Ok(Some(original)) => original,
                };
                let names = PreIncident::groups_value(original).replace(',', ", ");
                if eni.groups == *original {
                    return step.report_on(
                        &target,
                        StepStatus::AlreadyDone,
                        format!("already in {names}"),
                    );
                }
                if self.dry_run {
                    return step.report_on(
                        &target,
                        StepStatus::Planned,
                        format!("move back to {names}"),
                    );
                }
                if let Err(err) = network
                    .set_network_interface_groups(&eni.id, original)
                    .await
                {
                    return step.failed_on(&target, &err);
                }
                step.report_on(&target, StepStatus::Done, format!("back in {names}"))
            });
        let mut reports = join_all(restores).await;
        if self.dry_run || reports.iter().all(|r| r.status != StepStatus::Done) {
            return reports;
        }
        // Read back: every restored interface holds exactly its original groups.
        match network.instance_network_interfaces(self.instance).await {
            Ok(after) => {
                for report in reports.iter_mut().filter(|r| r.status == StepStatus::Done) {
                    let original = interfaces
                        .iter()
                        .zip(&wanted)
                        .find(|(eni, _)| eni.id.as_str() == report.target)
                        .and_then(|(_, wanted)| wanted.as_ref().ok().cloned().flatten());
                    let held = after.iter().find(|e| e.id.as_str() == report.target);
                    if held.map(|e| &e.groups) != original.as_ref() {
                        report.status = StepStatus::Failed;
                        report.detail = format!(
                            "read back: in [{}], not its original groups",
                            held.map_or_else(String::new, |e| PreIncident::groups_value(&e.groups))
                        );
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

    /// The groups to restore on `eni`: cordon's record, checked against the tag.
    fn originals(
        &self,
        eni: &NetworkInterfaceState,
    ) -> Result<Option<Vec<SecurityGroupId>>, String> {
        let tagged = eni
            .recorded_original_groups
            .as_deref()
            .map(PreIncident::groups_value);
        let value = PreIncident::restore_value(
            self.record,
            eni.id.as_str(),
            ORIGINAL_GROUPS_TAG,
            tagged.as_deref(),
        )?;
        value.as_deref().map(PreIncident::parse_groups).transpose()
    }
}
