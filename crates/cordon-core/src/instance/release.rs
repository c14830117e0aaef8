//! Undoing an instance's containment once people have dealt with it: every interface
//! back in the groups recorded before isolation, the instance profile re-associated,
//! the role's session deny removed, protection as it was, and the instance back in its
//! Auto Scaling group — each from what containment recorded in `cordon:*` tags, and
//! each read back. Snapshots are kept, and a stolen key is never reactivated.

use super::InstancePorts;
use crate::names::{
    AUTO_SCALING_GROUP_TAG, INSTANCE_PROFILE_TAG, ORIGINAL_GROUPS_TAG, PROTECTION_BEFORE_TAG,
    REVOKE_SESSIONS_POLICY, STATUS_TAG,
};
use crate::{
    EvidencePreservation, InstanceCredentials, NetworkIsolation, PortError, ProtectionChange,
    ServiceRotation, Step, StepKind, StepReport, StepStatus,
};
use cordon_events::InstanceId;
use futures_util::future::join_all;

/// Releases `instance`; with `dry_run`, reports what would be restored and changes
/// nothing.
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

impl<N, C, E, S> Release<'_, '_, N, C, E, S>
where
    N: NetworkIsolation,
    C: InstanceCredentials,
    E: EvidencePreservation,
    S: ServiceRotation,
{
    /// Each interface back into its recorded original groups, then read back.
    async fn interfaces(&self, step: &Step) -> Vec<StepReport> {
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

    /// The profile associated again, and its role's session deny removed.
    async fn profile(
        &self,
        associate: &Step,
        deny: &Step,
        profile: Option<&str>,
    ) -> Vec<StepReport> {
        let Some(profile) = profile else {
            return vec![associate.report(StepStatus::Skipped, "no recorded instance profile")];
        };
        let credentials = self.ports.credentials;
        let associated = match credentials.profile_association(self.instance).await {
            Err(err) => associate.failed(&err),
            Ok(Some(current)) if current.profile_arn == profile => {
                associate.report(StepStatus::AlreadyDone, format!("{profile} is associated"))
            }
            Ok(Some(current)) => associate.report(
                StepStatus::Failed,
                format!(
                    "the instance has another profile now ({}); not replaced",
                    current.profile_arn
                ),
            ),
            Ok(None) if self.dry_run => {
                associate.report(StepStatus::Planned, format!("associate {profile} again"))
            }
            Ok(None) => match credentials.associate_profile(self.instance, profile).await {
                Err(err) => associate.failed(&err),
                Ok(()) => match credentials.profile_association(self.instance).await {
                    Ok(Some(current)) if current.profile_arn == profile => associate.report(
                        StepStatus::Done,
                        format!("{profile} associated (read back)"),
                    ),
                    Ok(other) => {
                        associate.report(StepStatus::Failed, format!("read back {other:?}"))
                    }
                    Err(err) => associate.failed(&err),
                },
            },
        };
        let roles = match credentials.profile_roles(profile).await {
            Ok(roles) => roles,
            Err(err) => return vec![associated, deny.failed(&err)],
        };
        let mut reports = vec![associated];
        for role in roles {
            reports.push(self.remove_deny(deny, &role).await);
        }
        reports
    }

    async fn remove_deny(&self, step: &Step, role: &str) -> StepReport {
        let credentials = self.ports.credentials;
        let report = |status, detail: String| step.report_on(role, status, detail);
        match credentials.role_policy(role, REVOKE_SESSIONS_POLICY).await {
            Err(err) => step.failed_on(role, &err),
            Ok(None) => report(
                StepStatus::AlreadyDone,
                format!("no {REVOKE_SESSIONS_POLICY}"),
            ),
            Ok(Some(_)) if self.dry_run => report(
                StepStatus::Planned,
                format!("delete {REVOKE_SESSIONS_POLICY}"),
            ),
            Ok(Some(_)) => match credentials
                .delete_role_policy(role, REVOKE_SESSIONS_POLICY)
                .await
            {
                Err(err) => step.failed_on(role, &err),
                Ok(()) => match credentials.role_policy(role, REVOKE_SESSIONS_POLICY).await {
                    Ok(None) => report(
                        StepStatus::Done,
                        format!("{REVOKE_SESSIONS_POLICY} deleted (read back)"),
                    ),
                    Ok(Some(_)) => report(StepStatus::Failed, "the policy is still there".into()),
                    Err(err) => step.failed_on(role, &err),
                },
            },
        }
    }

    /// Termination and stop protection and shutdown behaviour as they were.
    async fn protection(&self, step: &Step, recorded: Option<&str>) -> StepReport {
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

    /// Back in the Auto Scaling group it was detached from.
    async fn auto_scaling(&self, step: &Step, group: Option<&str>) -> StepReport {
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
