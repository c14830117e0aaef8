//! Network isolation, the critical path: every interface through the open group to the
//! deny-all group, concurrently; a failure in one never stops the others.

use super::verify::verify_isolation;
use crate::instance::{InstanceIncident, PreIncident};
use crate::names::ORIGINAL_GROUPS_TAG;
use crate::ports::{IsolationGroups, NetworkInterfaceState, NetworkIsolation, PortError};
use crate::{Exemption, Plan, Step, StepKind, StepReport, StepStatus};
use cordon_events::{NetworkInterfaceId, SecurityGroupId};
use futures_util::future::join_all;
use std::collections::BTreeSet;

/// What isolation came to, and what the steps after it need to know.
#[derive(Clone, Debug, PartialEq)]
pub struct IsolationRun {
    /// One per isolation step of the plan, in plan order.
    pub reports: Vec<StepReport>,
    /// The instance's interfaces as read before isolation (empty if the read failed).
    pub interfaces: Vec<NetworkInterfaceState>,
    pub groups: Option<IsolationGroups>,
    /// The instance's exemption, read live: anything but `NotExempt` means untouched.
    pub exemption: Exemption,
    /// The instance's tags as read for the exemption, for the steps after isolation.
    pub instance_tags: Vec<(String, String)>,
    /// Each interface's original groups, for release.
    pub pre_incident: PreIncident,
}

impl IsolationRun {
    fn failed(
        reports: Vec<StepReport>,
        groups: Option<IsolationGroups>,
        instance_tags: Vec<(String, String)>,
    ) -> Self {
        Self {
            reports,
            interfaces: Vec::new(),
            groups,
            exemption: Exemption::NotExempt,
            instance_tags,
            pre_incident: PreIncident::default(),
        }
    }

    /// Exempt, or the exemption unreadable: every step reports why nothing was done.
    fn hands_off(plan: &Plan, exemption: Exemption) -> Self {
        let (status, detail) = match &exemption {
            Exemption::Exempt(tag) => (
                StepStatus::Skipped,
                format!("not touched: the instance is exempt by tag {tag}"),
            ),
            Exemption::Unknown(err) => (
                StepStatus::Failed,
                format!(
                    "not attempted: the instance's tags could not be read ({err}), so an exemption cannot be ruled out"
                ),
            ),
            _ => (StepStatus::Skipped, "not touched".to_owned()),
        };
        Self {
            reports: isolation_steps(plan)
                .map(|s| s.report(status, detail.clone()))
                .collect(),
            interfaces: Vec::new(),
            groups: None,
            exemption,
            instance_tags: Vec::new(),
            pre_incident: PreIncident::default(),
        }
    }
}

/// What isolation reads before it may act: the VPC's isolation groups, the instance's
/// interfaces and its tags (for the exemption). Nothing here changes anything, so the
/// handler reads it alongside the ledger claim and the two cost one round trip.
pub struct IsolationSurvey<G> {
    groups: Result<G, PortError>,
    interfaces: Result<Vec<NetworkInterfaceState>, PortError>,
    tags: Result<Vec<(String, String)>, PortError>,
}

impl<G> IsolationSurvey<G> {
    pub async fn read<P>(port: &P, incident: &InstanceIncident) -> Self
    where
        P: NetworkIsolation<GroupsFound = G>,
    {
        let (groups, interfaces, tags) = futures_util::join!(
            port.find_isolation_groups(&incident.vpc_id),
            port.instance_network_interfaces(&incident.instance_id),
            port.instance_tags(&incident.instance_id)
        );
        Self {
            groups,
            interfaces,
            tags,
        }
    }
}

/// Runs the isolation steps of `plan` (the others are the playbook's) from what
/// `survey` read, and proves the result by reading it back.
pub async fn execute_isolation<P: NetworkIsolation>(
    port: &P,
    incident: &InstanceIncident,
    plan: &Plan,
    exempt_tag: &str,
    survey: IsolationSurvey<P::GroupsFound>,
) -> IsolationRun {
    let IsolationSurvey {
        groups,
        interfaces: live,
        tags,
    } = survey;
    // Nothing touches the instance, or creates a group for it, before the exemption
    // is known.
    let instance_tags = match tags {
        Ok(tags) => match Exemption::from_tags(&tags, exempt_tag) {
            Exemption::NotExempt => tags,
            exempt => return IsolationRun::hands_off(plan, exempt),
        },
        Err(err) => return IsolationRun::hands_off(plan, Exemption::Unknown(err.to_string())),
    };
    let mut reports = Vec::with_capacity(plan.steps.len());
    let groups = match groups {
        Ok(found) => port.ensure_isolation_groups(&incident.vpc_id, found).await,
        Err(err) => Err(err),
    };
    let groups = match groups {
        Ok(groups) => groups,
        Err(err) => {
            return IsolationRun::failed(fail_all(plan, &err.to_string()), None, instance_tags);
        }
    };
    let live = match live {
        Ok(live) => live,
        Err(err) => {
            reports.push(ensure_report(plan, &groups));
            reports.extend(isolation_steps(plan).skip(1).map(|s| s.failed(&err)));
            return IsolationRun::failed(reports, Some(groups), instance_tags);
        }
    };
    reports.push(ensure_report(plan, &groups));
    let seen = incident.security_groups.as_slice();
    let listed: BTreeSet<&NetworkInterfaceId> = incident.network_interfaces.iter().collect();
    let unlisted: Vec<&NetworkInterfaceState> = live
        .iter()
        .filter(|eni| !listed.contains(&eni.id))
        .collect();

    let listed_steps = plan
        .steps
        .iter()
        .filter(|s| s.kind == StepKind::IsolateNetworkInterface);
    let listed_reports = join_all(listed_steps.map(|s| async {
        match live.iter().find(|eni| eni.id.as_str() == s.target) {
            Some(eni) => match isolate_interface(port, &groups, eni, seen).await {
                Ok((status, detail)) => s.report(status, detail),
                Err(err) => s.failed(&err),
            },
            None => s.report(StepStatus::Skipped, "no longer attached to the instance"),
        }
    }));
    let unlisted_results = join_all(
        unlisted
            .iter()
            .map(|eni| isolate_interface(port, &groups, eni, seen)),
    );
    let (listed_reports, unlisted_results) = futures_util::join!(listed_reports, unlisted_results);
    reports.extend(listed_reports);
    reports.push(unlisted_report(
        step(plan, StepKind::IsolateOtherNetworkInterfaces),
        &unlisted,
        unlisted_results,
    ));

    let originals = original_groups(&live, &groups, seen);
    let verify = step(plan, StepKind::VerifyIsolation);
    reports.push(
        match verify_isolation(port, incident, &groups, &originals).await {
            Ok(detail) => verify.report(StepStatus::Done, detail),
            Err(problem) => verify.report(StepStatus::Failed, problem),
        },
    );

    let pre_incident = pre_incident(&live, &groups, seen);
    IsolationRun {
        reports,
        interfaces: live,
        groups: Some(groups),
        exemption: Exemption::NotExempt,
        instance_tags,
        pre_incident,
    }
}

/// Each interface's original groups, as `isolate_interface` recorded them in its tag.
/// An interface found already isolated with no record of its own gets none.
fn pre_incident(
    live: &[NetworkInterfaceState],
    groups: &IsolationGroups,
    seen_by_finding: &[SecurityGroupId],
) -> PreIncident {
    let mut record = PreIncident::default();
    let recorded = live.iter().filter(|eni| {
        eni.recorded_original_groups.is_some() || eni.groups != [groups.deny.clone()]
    });
    for eni in recorded {
        let originals = originals_of(eni, groups, seen_by_finding);
        record.keep(
            eni.id.as_str(),
            ORIGINAL_GROUPS_TAG,
            PreIncident::groups_value(&originals),
        );
    }
    record
}

/// Moves one interface through the open group to the deny-all group, recording its
/// original groups (see [`originals_of`]). The record is written while the interface
/// moves to the open group, so it costs the critical path no round trip.
async fn isolate_interface<P: NetworkIsolation>(
    port: &P,
    groups: &IsolationGroups,
    eni: &NetworkInterfaceState,
    seen_by_finding: &[SecurityGroupId],
) -> Result<(StepStatus, String), PortError> {
    if eni.groups == [groups.deny.clone()] {
        return Ok((
            StepStatus::AlreadyDone,
            format!("already only in {}", groups.deny),
        ));
    }
    let originals = originals_of(eni, groups, seen_by_finding);
    let recording = async {
        match eni.recorded_original_groups.as_ref() == Some(&originals) {
            true => Ok(()),
            false => port.record_original_groups(&eni.id, &originals).await,
        }
    };
    // Boxed, as the SDK's request futures are large (see `admission`).
    let (recorded, opened) = futures_util::join!(
        Box::pin(recording),
        Box::pin(port.set_network_interface_groups(&eni.id, std::slice::from_ref(&groups.open)))
    );
    opened?;
    port.set_network_interface_groups(&eni.id, std::slice::from_ref(&groups.deny))
        .await?;
    // Isolated either way; a missing record fails the step so the incident is retried
    // and people see that release cannot restore this interface by itself.
    recorded?;
    Ok((
        StepStatus::Done,
        format!(
            "was in [{}]; moved through {} to {}",
            join(&originals),
            groups.open,
            groups.deny
        ),
    ))
}

/// The groups an interface was in before containment. While it holds neither
/// isolation group, cordon has not moved it: the groups EC2 reports now are the
/// originals, whatever a `cordon:original-groups` tag says (anyone can plant one).
/// Once it holds one, an earlier run moved it, and that run's record is the original;
/// without one, the groups besides isolation's, or else those the finding saw.
pub(super) fn originals_of(
    eni: &NetworkInterfaceState,
    groups: &IsolationGroups,
    seen_by_finding: &[SecurityGroupId],
) -> Vec<SecurityGroupId> {
    let moved = eni
        .groups
        .iter()
        .any(|g| *g == groups.open || *g == groups.deny);
    match (&eni.recorded_original_groups, moved) {
        (_, false) => eni.groups.clone(),
        (Some(recorded), true) => recorded.clone(),
        (None, true) => match without_isolation_groups(&eni.groups, groups) {
            rest if rest.is_empty() => seen_by_finding.to_vec(),
            rest => rest,
        },
    }
}

fn unlisted_report(
    step: &Step,
    unlisted: &[&NetworkInterfaceState],
    results: Vec<Result<(StepStatus, String), PortError>>,
) -> StepReport {
    if unlisted.is_empty() {
        return step.report(StepStatus::AlreadyDone, "none attached since the finding");
    }
    let mut status = StepStatus::AlreadyDone;
    let details: Vec<String> = unlisted
        .iter()
        .zip(results)
        .map(|(eni, result)| match result {
            Ok((eni_status, detail)) => {
                if eni_status != StepStatus::AlreadyDone && status != StepStatus::Failed {
                    status = eni_status;
                }
                format!("{}: {detail}", eni.id)
            }
            Err(err) => {
                status = StepStatus::Failed;
                format!("{}: {err}", eni.id)
            }
        })
        .collect();
    step.report(status, details.join("; "))
}

fn original_groups(
    live: &[NetworkInterfaceState],
    groups: &IsolationGroups,
    seen_by_finding: &[SecurityGroupId],
) -> Vec<SecurityGroupId> {
    let mut all: Vec<SecurityGroupId> = live
        .iter()
        .flat_map(|eni| originals_of(eni, groups, seen_by_finding))
        .collect();
    all.sort();
    all.dedup();
    all
}

fn without_isolation_groups(
    current: &[SecurityGroupId],
    groups: &IsolationGroups,
) -> Vec<SecurityGroupId> {
    current
        .iter()
        .filter(|g| **g != groups.open && **g != groups.deny)
        .cloned()
        .collect()
}

/// The isolation steps are the plan's first ones, up to and including the read-back.
fn isolation_steps(plan: &Plan) -> impl Iterator<Item = &Step> {
    let end = plan
        .steps
        .iter()
        .position(|s| s.kind == StepKind::VerifyIsolation)
        .map_or(plan.steps.len(), |i| i + 1);
    plan.steps[..end].iter()
}

fn fail_all(plan: &Plan, message: &str) -> Vec<StepReport> {
    isolation_steps(plan)
        .map(|s| s.report(StepStatus::Failed, message.to_owned()))
        .collect()
}

fn step(plan: &Plan, kind: StepKind) -> &Step {
    plan.steps
        .iter()
        .find(|s| s.kind == kind)
        .expect("every isolation plan has one step of each kind")
}

fn ensure_report(plan: &Plan, groups: &IsolationGroups) -> StepReport {
    let status = if groups.changed {
        StepStatus::Done
    } else {
        StepStatus::AlreadyDone
    };
    step(plan, StepKind::EnsureIsolationGroups).report(
        status,
        format!("open {}, deny-all {}", groups.open, groups.deny),
    )
}

pub(super) fn join(groups: &[SecurityGroupId]) -> String {
    groups
        .iter()
        .map(SecurityGroupId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
#[path = "isolation_tests.rs"]
mod tests;
