//! Out of its Auto Scaling group, so the group cannot terminate the evidence; desired
//! capacity stays, so the group launches a clean replacement.

use super::Context;
use crate::plan::AUTO_SCALING_GROUP_TAG;
use crate::{NetworkIsolation, ServiceRotation, StepKind, StepReport, StepStatus};

pub(super) async fn detach<S: ServiceRotation, N: NetworkIsolation>(
    rotation: &S,
    network: &N,
    cx: &Context<'_>,
) -> Vec<StepReport> {
    let Some(step) = cx.plan.step(StepKind::DetachFromAutoScalingGroup) else {
        return Vec::new();
    };
    let instance = &cx.incident.instance_id;
    let membership = match rotation.auto_scaling_membership(instance).await {
        Ok(Some(membership)) => membership,
        Ok(None) => {
            return vec![step.report(StepStatus::Skipped, "not in an Auto Scaling group")];
        }
        Err(err) => return vec![step.failed(&err)],
    };
    let group = membership.group.as_str();
    let result = async {
        // Recorded first, so release knows where to re-attach it.
        let tag = [(AUTO_SCALING_GROUP_TAG.to_owned(), group.to_owned())];
        network.tag_resources(&[instance.to_string()], &tag).await?;
        rotation
            .detach_from_auto_scaling_group(instance, group)
            .await?;
        let (after, desired) = futures_util::join!(
            rotation.auto_scaling_membership(instance),
            rotation.desired_capacity(group)
        );
        Ok::<_, crate::PortError>((after?, desired?))
    }
    .await;
    let report = match result {
        Ok((None, desired)) if desired == membership.desired_capacity => step.report(
            StepStatus::Done,
            format!(
                "detached from {group}; desired capacity stays {desired}, so the group replaces it"
            ),
        ),
        Ok((None, desired)) => step.report(
            StepStatus::Failed,
            format!(
                "detached from {group}, but its desired capacity went from {} to {desired}",
                membership.desired_capacity
            ),
        ),
        Ok((Some(still), _)) => step.report(
            StepStatus::Failed,
            format!("still a member of {} after detaching", still.group),
        ),
        Err(err) => step.failed(&err),
    };
    vec![report]
}
