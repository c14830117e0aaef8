//! Release: back in the Auto Scaling group the instance was detached from, read back.

use super::Release;
use crate::ports::ServiceRotation;
use crate::{Step, StepReport, StepStatus};

impl<N, C, E, S: ServiceRotation> Release<'_, '_, N, C, E, S> {
    /// Back in the Auto Scaling group it was detached from.
    pub(super) async fn auto_scaling(&self, step: &Step, group: Option<&str>) -> StepReport {
        let Some(group) = group else {
            return step.report(StepStatus::Skipped, "it was in no Auto Scaling group");
        };
        let rotation = self.ports.rotation;
        match rotation.auto_scaling_membership(self.instance).await {
            Err(err) => return step.failed(&err),
            Ok(Some(m)) if m.group == group => {
                return step.report(StepStatus::AlreadyDone, format!("in {group}"));
            }
            Ok(_) if self.dry_run => {
                return step.report(
                    StepStatus::Planned,
                    format!("attach to {group} (its desired capacity grows by one)"),
                );
            }
            Ok(_) => {}
        }
        if let Err(err) = rotation
            .attach_to_auto_scaling_group(self.instance, group)
            .await
        {
            return step.failed(&err);
        }
        match rotation.auto_scaling_membership(self.instance).await {
            Ok(Some(m)) if m.group == group => step.report(
                StepStatus::Done,
                format!(
                    "attached to {group} (read back); desired capacity now {}",
                    m.desired_capacity
                ),
            ),
            Ok(other) => step.report(StepStatus::Failed, format!("read back {other:?}")),
            Err(err) => step.failed(&err),
        }
    }
}
