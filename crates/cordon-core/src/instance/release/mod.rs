//! Undoing an instance's containment once people have dealt with it, step by step from
//! what containment recorded in `cordon:*` tags, each read back. Snapshots are kept.

mod auto_scaling;
mod credentials;
mod evidence;
mod isolation;

use super::InstancePorts;
use crate::names::{
    AUTO_SCALING_GROUP_TAG, INSTANCE_PROFILE_TAG, ORIGINAL_GROUPS_TAG, PROTECTION_BEFORE_TAG,
    STATUS_TAG,
};
use crate::ports::{
    EvidencePreservation, InstanceCredentials, NetworkIsolation, PortError, ServiceRotation,
};
use crate::{Step, StepKind, StepReport, StepStatus};
use cordon_events::InstanceId;

/// Releases `instance`: every interface back in the groups recorded before isolation,
/// the instance profile re-associated, the role's session deny removed, protection as
/// it was, and the instance back in its Auto Scaling group. With `dry_run`, reports
/// what would be restored and changes nothing.
pub async fn release<N, C, E, S>(
    ports: &InstancePorts<'_, N, C, E, S>,
    instance: &InstanceId,
    dry_run: bool,
) -> Vec<StepReport>
where
    N: NetworkIsolation,
    C: InstanceCredentials,
    E: EvidencePreservation,
    S: ServiceRotation,
{
    let target = instance.to_string();
    let step = |kind, detail: &str| Step {
        kind,
        target: target.clone(),
        detail: detail.to_owned(),
    };
    let tags = match ports.network.instance_tags(instance).await {
        Ok(tags) => tags,
        Err(err) => return vec![step(StepKind::RestoreNetworkInterfaceGroups, "").failed(&err)],
    };
    let tag = |key: &str| {
        tags.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let cx = Release {
        ports,
        instance,
        dry_run,
    };
    let (profile, protection_before, group) = (
        tag(INSTANCE_PROFILE_TAG),
        tag(PROTECTION_BEFORE_TAG),
        tag(AUTO_SCALING_GROUP_TAG),
    );
    let steps = [
        step(StepKind::RestoreNetworkInterfaceGroups, ""),
        step(StepKind::ReassociateInstanceProfile, ""),
        step(StepKind::RemoveSessionDeny, ""),
        step(StepKind::RestoreProtection, ""),
        step(StepKind::ReattachToAutoScalingGroup, ""),
    ];
    let (interfaces, credentials, protection, group) = futures_util::join!(
        cx.interfaces(&steps[0]),
        cx.profile(&steps[1], &steps[2], profile.as_deref()),
        cx.protection(&steps[3], protection_before.as_deref()),
        cx.auto_scaling(&steps[4], group.as_deref()),
    );
    let mut reports: Vec<StepReport> = interfaces;
    reports.extend(credentials);
    reports.push(protection);
    reports.push(group);
    let mark = step(StepKind::MarkReleased, "");
    reports.push(if dry_run {
        mark.report(
            StepStatus::Planned,
            "tag the instance cordon:status=released",
        )
    } else if reports.iter().all(|r| r.status.is_ok()) {
        match forget_pre_state(ports.network, instance).await {
            Ok(()) => mark.report(
                StepStatus::Done,
                "cordon:status=released; the recorded pre-containment state is removed",
            ),
            Err(err) => mark.failed(&err),
        }
    } else {
        mark.report(StepStatus::Skipped, "not every step was restored")
    });
    reports
}

/// Marks the instance released and removes the recorded pre-containment state, so a
/// later containment records the state of its own time.
async fn forget_pre_state<N: NetworkIsolation>(
    network: &N,
    instance: &InstanceId,
) -> Result<(), PortError> {
    let interfaces = network.instance_network_interfaces(instance).await?;
    let enis: Vec<String> = interfaces.iter().map(|e| e.id.to_string()).collect();
    if !enis.is_empty() {
        network
            .untag_resources(&enis, &[ORIGINAL_GROUPS_TAG])
            .await?;
    }
    let instance = [instance.to_string()];
    network
        .untag_resources(
            &instance,
            &[
                INSTANCE_PROFILE_TAG,
                PROTECTION_BEFORE_TAG,
                AUTO_SCALING_GROUP_TAG,
            ],
        )
        .await?;
    network
        .tag_resources(&instance, &[(STATUS_TAG.to_owned(), "released".to_owned())])
        .await
}

struct Release<'a, 'p, N, C, E, S> {
    ports: &'a InstancePorts<'p, N, C, E, S>,
    instance: &'a InstanceId,
    dry_run: bool,
}
