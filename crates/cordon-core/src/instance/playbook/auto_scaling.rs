//! Out of its Auto Scaling group, so the group cannot terminate the evidence; desired
//! capacity stays, so the group launches a clean replacement.

use super::Context;
use crate::names::AUTO_SCALING_GROUP_TAG;
use crate::ports::{NetworkIsolation, ServiceRotation};
use crate::{StepKind, StepReport, StepStatus};

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
    cx.keep(instance.as_str(), AUTO_SCALING_GROUP_TAG, group);
    // Recorded while it is detached, so release knows where to re-attach it.
    let tag = [(AUTO_SCALING_GROUP_TAG.to_owned(), group.to_owned())];
    let instances = [instance.to_string()];
    let (recorded, detached) = futures_util::join!(
        network.tag_resources(&instances, &tag),
        rotation.detach_from_auto_scaling_group(instance, group),
    );
    let result = async {
        detached?;
        let (after, desired) = futures_util::join!(
            rotation.auto_scaling_membership(instance),
            rotation.desired_capacity(group)
        );
        Ok::<_, crate::ports::PortError>((after?, desired?))
    }
    .await;
    let report = match result {
        Ok((None, desired)) if desired == membership.desired_capacity => {
            let done = format!(
                "detached from {group}; desired capacity stays {desired}, so the group replaces it"
            );
            match recorded {
                Ok(()) => step.report(StepStatus::Done, done),
                // Detached either way; a missing record fails the step so the event is
                // retried and people see release cannot re-attach it by itself.
                Err(err) => StepReport {
                    detail: format!(
                        "{done}, but recording the group in tag {AUTO_SCALING_GROUP_TAG} failed, so release cannot re-attach it by itself: {err}"
                    ),
                    ..step.failed(&err)
                },
            }
        }
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
