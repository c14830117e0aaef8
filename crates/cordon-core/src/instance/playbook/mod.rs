//! Carries out the instance playbook: isolation first, then every other step at once,
//! each read back, then the incident tags. A failed step fails the incident, not the rest.

mod auto_scaling;
mod connection_tracking;
mod credentials;
mod evidence;
mod isolation;
mod snapshots;
mod tagging;
mod target_groups;
mod verify;

pub use isolation::{IsolationRun, IsolationSurvey, execute_isolation};

use super::{InstanceIncident, PreIncident};
use crate::ports::{
    EvidencePreservation, InstanceCredentials, NetworkInterfaceState, NetworkIsolation,
    ServiceRotation,
};
use crate::{Exemption, HandsOff, Plan, StepReport, StepStatus};
use std::sync::{Mutex, PoisonError};

/// The capabilities the playbook acts through, one field per concern.
pub struct InstancePorts<'a, N, C, E, S> {
    pub network: &'a N,
    pub credentials: &'a C,
    pub evidence: &'a E,
    pub rotation: &'a S,
}

/// What every step after isolation knows.
struct Context<'a> {
    incident: &'a InstanceIncident,
    plan: &'a Plan,
    /// The instance's interfaces as isolation read them.
    interfaces: &'a [NetworkInterfaceState],
    /// The instance's tags as isolation read them (for the exemption).
    instance_tags: &'a [(String, String)],
    /// When this run started (UTC ISO 8601): the session-revocation cutoff.
    now: &'a str,
    /// Exempt tag and break-glass principals: the instance's role is checked too.
    hands_off: &'a HandsOff,
    /// What the steps replace, noted as they read it, for release.
    kept: Mutex<PreIncident>,
}

impl Context<'_> {
    /// Notes the value `tag` copies on `resource` before a step replaces it.
    fn keep(&self, resource: &str, tag: &str, value: impl Into<String>) {
        self.kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .keep(resource, tag, value);
    }
}

/// What the playbook came to: one report per step, in plan order, and the
/// instance's exemption as read at action time.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceRun {
    pub reports: Vec<StepReport>,
    pub exemption: Exemption,
    /// What containment replaced, as read before replacing it: keep it in the ledger.
    pub pre_incident: PreIncident,
}

/// Runs `plan` unless the instance is tagged exempt (or its tags cannot be read),
/// reading what isolation needs first. Its role's sessions are revoked only when the
/// role too is neither exempt nor break-glass.
pub async fn execute<N, C, E, S>(
    ports: &InstancePorts<'_, N, C, E, S>,
    incident: &InstanceIncident,
    plan: &Plan,
    hands_off: &HandsOff,
    now: &str,
) -> InstanceRun
where
    N: NetworkIsolation,
    C: InstanceCredentials,
    E: EvidencePreservation,
    S: ServiceRotation,
{
    let survey = IsolationSurvey::read(ports.network, incident).await;
    execute_surveyed(ports, incident, plan, hands_off, now, survey).await
}

/// [`execute`] from a survey read earlier (alongside the ledger claim).
pub async fn execute_surveyed<N, C, E, S>(
    ports: &InstancePorts<'_, N, C, E, S>,
    incident: &InstanceIncident,
    plan: &Plan,
    hands_off: &HandsOff,
    now: &str,
    survey: IsolationSurvey<N::GroupsFound>,
) -> InstanceRun
where
    N: NetworkIsolation,
    C: InstanceCredentials,
    E: EvidencePreservation,
    S: ServiceRotation,
{
    let exempt_tag = hands_off.exempt_tag.as_str();
    let isolation = execute_isolation(ports.network, incident, plan, exempt_tag, survey).await;
    if isolation.exemption != Exemption::NotExempt {
        let why = match &isolation.exemption {
            Exemption::Exempt(_) => "not touched: the instance is exempt",
            _ => "not attempted: the exemption is unknown",
        };
        let mut reports = isolation.reports;
        let status = match isolation.exemption {
            Exemption::Exempt(_) => StepStatus::Skipped,
            _ => StepStatus::Failed,
        };
        reports.extend(
            plan.steps
                .iter()
                .filter(|s| !reports.iter().any(|r| r.name == s.name()))
                .map(|s| s.report(status, why))
                .collect::<Vec<_>>(),
        );
        return InstanceRun {
            reports,
            exemption: isolation.exemption,
            pre_incident: PreIncident::default(),
        };
    }
    let cx = Context {
        incident,
        plan,
        interfaces: &isolation.interfaces,
        instance_tags: &isolation.instance_tags,
        now,
        hands_off,
        kept: Mutex::new(PreIncident::default()),
    };
    // Everything else starts only now, and all of it at once.
    let (credentials, evidence, auto_scaling, target_groups, tracking) = futures_util::join!(
        credentials::contain(ports.credentials, ports.network, &cx),
        evidence::preserve(ports.evidence, ports.network, &cx),
        auto_scaling::detach(ports.rotation, ports.network, &cx),
        target_groups::deregister(ports.rotation, &cx),
        connection_tracking::shorten(ports.network, &cx),
    );
    let mut reports = isolation.reports;
    reports.extend(credentials);
    reports.extend(evidence);
    reports.extend(auto_scaling);
    reports.extend(target_groups);
    reports.extend(tracking);
    let tags = tagging::tag(ports.network, &cx, isolation.groups.as_ref(), &reports).await;
    reports.extend(tags);
    // Plan order, whatever order the concurrent steps finished in.
    reports.sort_by_key(|r| {
        plan.steps
            .iter()
            .position(|s| s.name() == r.name)
            .unwrap_or(usize::MAX)
    });
    let mut pre_incident = isolation.pre_incident;
    pre_incident.merge(cx.kept.into_inner().unwrap_or_else(PoisonError::into_inner));
    InstanceRun {
        reports,
        exemption: Exemption::NotExempt,
        pre_incident,
    }
}

#[cfg(test)]
mod tests;
