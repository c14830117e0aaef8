//! Last: the instance carries the incident and whether containment verified; the
//! isolation groups carry the latest incident that used them.

use super::Context;
use crate::names::{FINDING_TYPE_TAG, INCIDENT_TAG, LAST_INCIDENT_TAG, SEEN_TAG, STATUS_TAG};
use crate::ports::{IsolationGroups, NetworkIsolation};
use crate::{StepKind, StepReport, StepStatus};

pub(super) async fn tag<N: NetworkIsolation>(
    network: &N,
    cx: &Context<'_>,
    groups: Option<&IsolationGroups>,
    reports: &[StepReport],
) -> Vec<StepReport> {
    let Some(step) = cx.plan.step(StepKind::TagIncidentResources) else {
        return Vec::new();
    };
    let incident = cx.incident;
    let status = if reports.iter().all(|r| r.status.is_ok()) {
        "contained"
    } else {
        "containment-unverified"
    };
    let instance_tags = [
        (INCIDENT_TAG, incident.finding_id.as_str()),
        (STATUS_TAG, status),
        (FINDING_TYPE_TAG, incident.finding_type.as_str()),
        (SEEN_TAG, incident.updated_at.as_str()),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let group_ids: Vec<String> = groups
        .map(|g| vec![g.open.to_string(), g.deny.to_string()])
        .unwrap_or_default();
    let group_tags = [(LAST_INCIDENT_TAG.to_owned(), incident.finding_id.clone())];
    let instance_ids = [incident.instance_id.to_string()];
    let (instance, groups) = futures_util::join!(
        network.tag_resources(&instance_ids, &instance_tags),
        network.tag_resources(&group_ids, &group_tags),
    );
    let report = match instance.and(groups) {
        Ok(()) => step.report(StepStatus::Done, format!("{STATUS_TAG}={status}")),
        Err(err) => step.failed(&err),
    };
    vec![report]
}
