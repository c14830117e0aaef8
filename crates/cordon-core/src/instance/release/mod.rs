//! Undoing an instance's containment once people have dealt with it, step by step from
//! cordon's own record of what containment replaced (kept in its ledger), each read
//! back. The `cordon:*` tags are only a copy: one that disagrees stops its step.
//! Snapshots are kept.

mod auto_scaling;
mod credentials;
mod evidence;
mod isolation;

use super::{InstancePorts, PreIncident};
use crate::names::{
    AUTO_SCALING_GROUP_TAG, INSTANCE_PROFILE_TAG, ORIGINAL_GROUPS_TAG, PROTECTION_BEFORE_TAG,
    STATUS_TAG,
};
use crate::ports::{
    EvidencePreservation, IncidentLedger, InstanceCredentials, NetworkIsolation, PortError,
    ServiceRotation,
};
use crate::{Step, StepKind, StepReport, StepStatus};
use cordon_events::{AccountId, InstanceId};

/// Releases `instance`: every interface back in the groups recorded before isolation,
/// the instance profile re-associated, the role's session deny removed, protection as
/// it was, and the instance back in its Auto Scaling group. With `dry_run`, reports
/// what would be restored and changes nothing.
///
/// What is restored comes from `ledger`, the record containment kept; without one (a
/// local replay keeps none) the tags are all there is. An instance the ledger holds no
/// record of is not touched: a `cordon:incident` tag alone proves nothing.
pub async fn release<N, C, E, S, L>(
    ports: &InstancePorts<'_, N, C, E, S>,
    ledger: Option<&L>,
    account: &AccountId,
    instance: &InstanceId,
    dry_run: bool,
) -> Vec<StepReport>
where
    N: NetworkIsolation,
    C: InstanceCredentials,
    E: EvidencePreservation,
    S: ServiceRotation,
    L: IncidentLedger,
{
    let target = instance.to_string();
    let step = |kind, detail: &str| Step {
        kind,
        target: target.clone(),
        detail: detail.to_owned(),
    };
    let subject = PreIncident::subject(account.as_str(), instance.as_str());
    let (tags, record) = futures_util::join!(ports.network.instance_tags(instance), async {
        match ledger {
            Some(ledger) => ledger.kept_record(&subject).await.map(Some),
            None => Ok(None),
        }
    });
    let first = step(StepKind::RestoreNetworkInterfaceGroups, "");
    let (tags, record) = match (tags, record) {
        (Ok(tags), Ok(record)) => (tags, record.map(PreIncident::from_entries)),
        (Err(err), _) | (_, Err(err)) => return vec![first.failed(&err)],
    };
    let tag = |key: &str| {
        tags.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    if record.as_ref().is_some_and(PreIncident::is_empty) {
        return vec![match tag(STATUS_TAG) {
            Some("released") => first.report(StepStatus::AlreadyDone, "already released"),
            _ => first.report(
                StepStatus::Failed,
                "cordon's ledger holds no record of containing it, so nothing is restored (a cordon:incident tag alone proves nothing)",
            ),
        }];
    }
    let restore = |key: &str| PreIncident::restore_value(record.as_ref(), &target, key, tag(key));
    let cx = Release {
        ports,
        instance,
        record: record.as_ref(),
        dry_run,
    };
    let steps = [
        step(StepKind::RestoreNetworkInterfaceGroups, ""),
        step(StepKind::ReassociateInstanceProfile, ""),
        step(StepKind::RemoveSessionDeny, ""),
        step(StepKind::RestoreProtection, ""),
        step(StepKind::ReattachToAutoScalingGroup, ""),
    ];
    let (profile, protection_before, group) = (
        restore(INSTANCE_PROFILE_TAG),
        restore(PROTECTION_BEFORE_TAG),
        restore(AUTO_SCALING_GROUP_TAG),
    );
    let (interfaces, credentials, protection, group) = futures_util::join!(
        cx.interfaces(&steps[0]),
        async {
            match &profile {
                Ok(profile) => cx.profile(&steps[1], &steps[2], profile.as_deref()).await,
                Err(why) => vec![stopped(&steps[1], why)],
            }
        },
        async {
            match &protection_before {
                Ok(before) => cx.protection(&steps[3], before.as_deref()).await,
                Err(why) => stopped(&steps[3], why),
            }
        },
        async {
            match &group {
                Ok(group) => cx.auto_scaling(&steps[4], group.as_deref()).await,
                Err(why) => stopped(&steps[4], why),
            }
        },
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
        match forget_pre_state(ports.network, ledger, &subject, instance).await {
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

/// A step whose tag and cordon's record disagree: nothing is restored there.
fn stopped(step: &Step, why: &str) -> StepReport {
    step.report(StepStatus::Failed, why.to_owned())
}

/// Marks the instance released and removes the recorded pre-containment state, so a
/// later containment records the state of its own time.
async fn forget_pre_state<N: NetworkIsolation, L: IncidentLedger>(
    network: &N,
    ledger: Option<&L>,
    subject: &str,
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
        .await?;
    match ledger {
        Some(ledger) => ledger.forget_record(subject).await,
        None => Ok(()),
    }
}

struct Release<'a, 'p, N, C, E, S> {
    ports: &'a InstancePorts<'p, N, C, E, S>,
    instance: &'a InstanceId,
    /// Cordon's record; `None` without a ledger.
    record: Option<&'a PreIncident>,
    dry_run: bool,
}

#[cfg(test)]
mod tests;
