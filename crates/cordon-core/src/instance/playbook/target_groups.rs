//! Out of every target group, so load balancers stop sending it users. Targets are
//! the instance id (instance-type groups) and its private IPs (ip-type groups).

use super::Context;
use crate::ports::{ServiceRotation, TargetRegistration};
use crate::{StepKind, StepReport, StepStatus};
use futures_util::future::join_all;

pub(super) async fn deregister<S: ServiceRotation>(
    rotation: &S,
    cx: &Context<'_>,
) -> Vec<StepReport> {
    let Some(step) = cx.plan.step(StepKind::DeregisterFromTargetGroups) else {
        return Vec::new();
    };
    let mut targets = vec![cx.incident.instance_id.to_string()];
    targets.extend(
        cx.interfaces
            .iter()
            .flat_map(|i| i.private_ips.iter().cloned()),
    );
    let registrations = match rotation.target_registrations(&targets).await {
        Ok(registrations) => registrations,
        Err(err) => return vec![step.failed(&err)],
    };
    if registrations.is_empty() {
        return vec![step.report(StepStatus::Skipped, "not registered in any target group")];
    }
    let serving: Vec<&TargetRegistration> = registrations
        .iter()
        .filter(|r| !r.is_out_of_service())
        .collect();
    if serving.is_empty() {
        return vec![step.report(
            StepStatus::AlreadyDone,
            format!("already out of service in {}", describe(&registrations)),
        )];
    }
    let results = join_all(serving.iter().map(|r| rotation.deregister_target(r))).await;
    if let Some(err) = results.into_iter().find_map(Result::err) {
        return vec![step.failed(&err)];
    }
    let mut groups: Vec<String> = serving.iter().map(|r| r.target_group_arn.clone()).collect();
    groups.sort();
    groups.dedup();
    let after = match rotation.registrations_in(&groups, &targets).await {
        Ok(after) => after,
        Err(err) => return vec![step.failed(&err)],
    };
    let still: Vec<TargetRegistration> = after
        .into_iter()
        .filter(|r| !r.is_out_of_service())
        .collect();
    let report = if still.is_empty() {
        let done: Vec<TargetRegistration> = serving.into_iter().cloned().collect();
        step.report(
            StepStatus::Done,
            format!("deregistered from {}", describe(&done)),
        )
    } else {
        step.report(
            StepStatus::Failed,
            format!("still serving in {}", describe(&still)),
        )
    };
    vec![report]
}

/// `name (target:port)`: the group's name is the readable part of its ARN.
fn describe(registrations: &[TargetRegistration]) -> String {
    registrations
        .iter()
        .map(|r| {
            let name = r
                .target_group_arn
                .split(':')
                .next_back()
                .and_then(|resource| resource.split('/').nth(1))
                .unwrap_or(&r.target_group_arn);
            match r.port {
                Some(port) => format!("{name} ({}:{port})", r.target_id),
                None => format!("{name} ({})", r.target_id),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
