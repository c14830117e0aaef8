//! A GuardDuty finding about an EC2 instance: isolate it on every interface first,
//! then take its credentials, keep its evidence and take it out of service.

use super::finding::{self, Reported, guardduty_finding, log_triage};
use crate::adapters::{Adapters, Aws, Connect, Home, Ports};
use crate::responder::{Context, Responder, Source, Triaged};
use crate::utc_now;
use cordon_aws::Clients;
use cordon_core::instance::{self, InstanceIncident, InstanceRun, IsolationSurvey, PreIncident};
use cordon_core::ports::{IncidentLedger, PortError};
use cordon_core::recording::{Notification, ResponseFinding};
use cordon_core::{Decision, Exemption, Outcome, Plan, StepReport, Verdict, step_failures};
use cordon_events::{AccountId, Envelope, Event, GuardDutyFinding};
use std::marker::PhantomData;
use tracing::{error, info};

/// What the instance playbook acts through.
pub struct InstancePorts<A: Adapters> {
    /// GuardDuty's own record of the finding (GuardDuty).
    pub findings: A::Findings,
    /// Security groups, interfaces, tags, connection tracking (EC2).
    pub network: A::Network,
    /// The instance profile and its role (EC2, IAM).
    pub credentials: A::InstanceCredentials,
    /// Protection attributes and snapshots (EC2).
    pub evidence: A::Evidence,
    /// Auto Scaling group and target groups.
    pub rotation: A::Rotation,
    pub home: Home<A>,
}

impl<A: Adapters> InstancePorts<A> {
    pub fn playbook(
        &self,
    ) -> instance::InstancePorts<'_, A::Network, A::InstanceCredentials, A::Evidence, A::Rotation>
    {
        instance::InstancePorts {
            network: &self.network,
            credentials: &self.credentials,
            evidence: &self.evidence,
            rotation: &self.rotation,
        }
    }
}

impl<A: Adapters> Ports for InstancePorts<A> {
    type Adapters = A;
    fn home(&self) -> &Home<A> {
        &self.home
    }
}

pub type AwsInstancePorts = InstancePorts<Aws>;

impl Connect for AwsInstancePorts {
    fn connect(acting: &Clients, home: Home<Aws>) -> Self {
        use cordon_aws::*;
        Self {
            findings: GuardDutyFindings::new(acting.guardduty.clone()),
            network: Ec2Isolation::new(acting.ec2.clone()),
            credentials: InstanceProfileCredentials::new(acting.ec2.clone(), acting.iam.clone()),
            evidence: Ec2Evidence::new(acting.ec2.clone()),
            rotation: AwsServiceRotation::new(acting.autoscaling.clone(), acting.elbv2.clone()),
            home,
        }
    }
}

/// The instance-containment function's responder.
pub struct InstanceResponder<A = Aws>(PhantomData<A>);

impl<A: Adapters> InstanceResponder<A> {
    /// Triage of a finding, as the event tells it and again as GuardDuty confirms it.
    fn triage_finding(
        envelope: Envelope,
        finding: Box<GuardDutyFinding>,
        ctx: &Context<'_>,
    ) -> Result<Triaged<Self>, Verdict> {
        let verdict = instance::triage(&finding, &ctx.config.policy(ctx.home_account));
        log_triage(&envelope.id, &finding, &verdict);
        let incident = match InstanceIncident::from_finding(&finding) {
            Some(incident) if verdict.decision != Decision::Ignored => incident,
            _ => return Err(verdict),
        };
        let plan = (verdict.decision == Decision::Contained)
            .then(|| instance::plan(&incident, ctx.config.playbook()));
        Ok(Triaged {
            incident: Reported {
                incident,
                finding,
                envelope,
            },
            decision: verdict.decision,
            reason: verdict.reason,
            plan,
        })
    }
}

impl<A: Adapters> Responder for InstanceResponder<A> {
    const FUNCTION: &'static str = "ContainInstanceFunction";
    const KEPT_ON_RELEASE: &'static str = "the snapshots are kept";
    type Ports = InstancePorts<A>;
    type Incident = Reported<InstanceIncident>;
    /// `None`: the instance is only recorded (a victim, a sample, below the floor).
    type Plan = Option<Plan>;
    type Survey =
        Option<IsolationSurvey<<A::Network as cordon_core::ports::NetworkIsolation>::GroupsFound>>;

    fn triage(event: Event, ctx: &Context<'_>) -> Result<Triaged<Self>, Verdict> {
        let (envelope, finding) = guardduty_finding(event)?;
        Self::triage_finding(envelope, finding, ctx)
    }

    fn rehearse(triaged: &Triaged<Self>) -> Outcome {
        finding::rehearse(triaged)
    }

    fn incident_key(reported: &Self::Incident) -> String {
        let incident = &reported.incident;
        format!("guardduty/{}/{}", incident.finding_id, incident.instance_id)
    }

    fn ledger_key(reported: &Self::Incident) -> String {
        finding::update_key(Self::incident_key(reported), &reported.finding)
    }

    fn account(reported: &Self::Incident) -> &AccountId {
        &reported.incident.account_id
    }

    fn contains(triaged: &Triaged<Self>) -> bool {
        triaged.plan.is_some()
    }

    /// Isolation's reads (groups, interfaces, tags) go alongside the claim.
    async fn survey(ports: &Self::Ports, triaged: &Triaged<Self>) -> Self::Survey {
        match triaged.plan {
            Some(_) => {
                Some(IsolationSurvey::read(&ports.network, &triaged.incident.incident).await)
            }
            None => None,
        }
    }

    async fn confirm(
        ports: &Self::Ports,
        triaged: &Triaged<Self>,
        ctx: &Context<'_>,
    ) -> Source<Self> {
        finding::confirm(
            &ports.findings,
            &triaged.incident,
            ctx,
            Self::triage_finding,
        )
        .await
    }

    async fn execute(
        ports: &Self::Ports,
        triaged: &Triaged<Self>,
        survey: Self::Survey,
        ctx: &Context<'_>,
    ) -> Outcome {
        let Some(plan) = &triaged.plan else {
            return Outcome::without_steps(triaged.decision, triaged.reason.clone());
        };
        let incident = &triaged.incident.incident;
        // GuardDuty's record can warrant containment where the event did not.
        let survey = match survey {
            Some(survey) => survey,
            None => IsolationSurvey::read(&ports.network, incident).await,
        };
        let run = instance::execute_surveyed(
            &ports.playbook(),
            incident,
            plan,
            &ctx.config.hands_off(),
            &utc_now(),
            survey,
        )
        .await;
        let kept = keep_pre_incident(&ports.home.ledger, incident, &run.pre_incident).await;
        conclude(incident, &triaged.reason, run, kept)
    }

    /// From the record containment kept in the ledger; the `cordon:*` tags are only
    /// checked against it.
    async fn release(ports: &Self::Ports, triaged: &Triaged<Self>) -> Option<Vec<StepReport>> {
        let incident = &triaged.incident.incident;
        Some(
            instance::release(
                &ports.playbook(),
                Some(&ports.home.ledger),
                &incident.account_id,
                &incident.instance_id,
                false,
            )
            .await,
        )
    }

    fn remembered(reported: &Self::Incident) -> Option<(String, String)> {
        finding::remembered(reported)
    }

    fn occurred_at(reported: &Self::Incident) -> &str {
        &reported.finding.updated_at
    }

    fn incident_id(reported: &Self::Incident) -> &str {
        &reported.incident.finding_id
    }

    fn response(triaged: &Triaged<Self>, outcome: &Outcome) -> ResponseFinding {
        let reported = &triaged.incident;
        instance::response_finding(&reported.incident, &reported.finding.created_at, outcome)
    }

    fn notification(
        triaged: &Triaged<Self>,
        outcome: &Outcome,
        response: &ResponseFinding,
    ) -> Notification {
        instance::notification(&triaged.incident.incident, outcome, response)
    }
}

/// Keeps what containment replaced in the ledger, which release restores from (the
/// tags are only a copy anyone with `ec2:CreateTags` can rewrite).
async fn keep_pre_incident<L: IncidentLedger>(
    ledger: &L,
    incident: &InstanceIncident,
    record: &PreIncident,
) -> Result<(), PortError> {
    if record.is_empty() {
        return Ok(());
    }
    let subject = PreIncident::subject(incident.account_id.as_str(), incident.instance_id.as_str());
    ledger.keep_record(&subject, &record.to_entries()).await
}

/// The decision the steps support: an exempt instance is only observed; a failed
/// exemption read, any unverified step, or a record release cannot restore from fails
/// the incident (and it is retried).
fn conclude(
    incident: &InstanceIncident,
    reason: &str,
    run: InstanceRun,
    kept: Result<(), PortError>,
) -> Outcome {
    let steps = run.reports;
    super::log_steps(&incident.finding_id, &steps);
    let mut failures = step_failures(&steps);
    if let Err(err) = kept {
        failures.push(format!(
            "cordon's ledger could not keep what containment replaced, so release cannot restore it by itself ({err})"
        ));
    }
    let (decision, reason) = match &run.exemption {
        Exemption::Exempt(tag) => (
            Decision::Observed,
            format!("the instance is exempt from containment by tag {tag} (read at action time)"),
        ),
        Exemption::Unknown(err) => {
            error!(finding_id = %incident.finding_id, error = %err, "exemption unreadable; not acting");
            (
                Decision::Failed,
                format!(
                    "not acting on {}: its exemption could not be read ({err})",
                    incident.instance_id
                ),
            )
        }
        _ if failures.is_empty() => {
            info!(finding_id = %incident.finding_id, instance_id = %incident.instance_id, "instance contained and verified");
            (
                Decision::Contained,
                format!("{reason}; isolation and every containment step verified"),
            )
        }
        _ => {
            error!(finding_id = %incident.finding_id, instance_id = %incident.instance_id, failures = ?failures, "containment failed; the event will be retried");
            (
                Decision::Failed,
                format!("containment did not verify: {}", failures.join("; ")),
            )
        }
    };
    super::concluded(decision, reason, steps)
}
