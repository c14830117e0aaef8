//! A CloudTrail API call or sign-in: repair tampering with the audit trail, revoke
//! exactly the rules that exposed admin ports, record what the CIS benchmark watches.

use crate::adapters::{Adapters, Aws, Connect, Home, Ports};
use crate::responder::{Context, Responder, Source, Triaged};
use crate::utc_now;
use cordon_aws::Clients;
use cordon_core::recording::{Notification, ResponseFinding};
use cordon_core::trail::{self, TrailPlan, TrailPorts, TrailRun, TrailVerdict};
use cordon_core::{Decision, Exemption, Outcome, Verdict, step_failures};
use cordon_events::{AccountId, CloudTrailEvent, Envelope, Event};
use std::marker::PhantomData;
use tracing::{error, info};

/// What the CloudTrail responder acts through.
pub struct CloudTrailPorts<A: Adapters> {
    /// CloudTrail trails and the AWS Config recorder.
    pub audit: A::Audit,
    /// Security group ingress rules (EC2).
    pub groups: A::Groups,
    /// The tampering principal's credentials (IAM), when configured.
    pub principals: A::Principals,
    pub home: Home<A>,
}

impl<A: Adapters> Ports for CloudTrailPorts<A> {
    type Adapters = A;
    fn home(&self) -> &Home<A> {
        &self.home
    }
}

pub type AwsCloudTrailPorts = CloudTrailPorts<Aws>;

impl Connect for AwsCloudTrailPorts {
    fn connect(acting: &Clients, home: Home<Aws>) -> Self {
        Self {
            audit: cordon_aws::AwsAuditLogging::new(
                acting.cloudtrail.clone(),
                acting.config.clone(),
            ),
            groups: cordon_aws::Ec2SecurityGroupRules::new(acting.ec2.clone()),
            principals: cordon_aws::IamPrincipals::new(acting.iam.clone()),
            home,
        }
    }
}

/// The call and what triage made of it.
pub struct TrailIncident {
    pub envelope: Envelope,
    pub event: Box<CloudTrailEvent>,
    pub verdict: TrailVerdict,
}

/// The CloudTrail function's responder.
pub struct CloudTrailResponder<A = Aws>(PhantomData<A>);

impl<A: Adapters> Responder for CloudTrailResponder<A> {
    const FUNCTION: &'static str = "RespondToCloudTrailFunction";
    type Ports = CloudTrailPorts<A>;
    type Incident = TrailIncident;
    type Plan = TrailPlan;
    type Survey = ();

    fn triage(event: Event, ctx: &Context<'_>) -> Result<Triaged<Self>, Verdict> {
        let (envelope, event) = match event {
            Event::CloudTrail(envelope, event) => (envelope, event),
            other => {
                let envelope = other.envelope();
                return Err(Verdict {
                    decision: Decision::Ignored,
                    reason: format!(
                        "{} / {} is not a CloudTrail event",
                        envelope.source, envelope.detail_type
                    ),
                });
            }
        };
        let settings = ctx.config.trail(ctx.home_account);
        let verdict = trail::triage(&envelope, &event, &settings);
        info!(
            event_id = %event.event_id,
            event_name = %event.event_name,
            event_source = %event.event_source,
            decision = verdict.decision.as_str(),
            reason = %verdict.reason,
            "triaged CloudTrail event"
        );
        if verdict.decision == Decision::Ignored {
            return Err(Verdict {
                decision: verdict.decision,
                reason: verdict.reason,
            });
        }
        let plan = trail::plan(ctx.home_account, &event, &verdict, &settings);
        Ok(Triaged {
            decision: verdict.decision,
            reason: verdict.reason.clone(),
            incident: TrailIncident {
                envelope,
                event,
                verdict,
            },
            plan,
        })
    }

    fn rehearse(triaged: &Triaged<Self>) -> Outcome {
        let plan = &triaged.plan;
        if !plan.repair.steps.is_empty() || plan.principal.is_some() {
            Outcome::dry_run(&triaged.reason, plan.planned_reports())
        } else {
            Outcome::without_steps(
                Decision::Observed,
                format!("dry-run: would record ({})", triaged.reason),
            )
        }
    }

    /// A CloudTrail event is never updated: one event, one key.
    fn incident_key(incident: &TrailIncident) -> String {
        format!("cloudtrail/{}", incident.event.event_id)
    }

    fn account(incident: &TrailIncident) -> &AccountId {
        &incident.envelope.account
    }

    /// Only containing the principal spends the blast-radius budget; repairs restore.
    fn contains(triaged: &Triaged<Self>) -> bool {
        triaged.plan.principal.is_some()
    }

    async fn survey(_: &Self::Ports, _: &Triaged<Self>) {}

    /// CloudTrail events reach cordon only from EventBridge's `aws.` sources.
    async fn confirm(_: &Self::Ports, _: &Triaged<Self>, _: &Context<'_>) -> Source<Self> {
        Source::AsClaimed
    }

    /// Past the budget the repair still runs; only the principal waits for a human.
    fn hold_back(triaged: &mut Triaged<Self>, why: &str) -> bool {
        triaged.plan.principal = None;
        triaged.plan.principal_spared = Some(why.to_owned());
        true
    }

    async fn execute(
        ports: &Self::Ports,
        triaged: &Triaged<Self>,
        (): (),
        ctx: &Context<'_>,
    ) -> Outcome {
        let trail_ports = TrailPorts {
            audit: &ports.audit,
            groups: &ports.groups,
            principals: &ports.principals,
        };
        let settings = ctx.config.trail(ctx.home_account);
        let run = trail::execute(&trail_ports, &triaged.plan, &settings, &utc_now()).await;
        conclude(&triaged.incident, &triaged.plan, run)
    }

    fn occurred_at(incident: &TrailIncident) -> &str {
        &incident.event.event_time
    }

    fn incident_id(incident: &TrailIncident) -> &str {
        &incident.event.event_id
    }

    fn response(triaged: &Triaged<Self>, outcome: &Outcome) -> ResponseFinding {
        let TrailIncident {
            envelope,
            event,
            verdict,
        } = &triaged.incident;
        trail::response_finding(envelope, event, verdict, outcome)
    }

    fn notification(
        triaged: &Triaged<Self>,
        outcome: &Outcome,
        response: &ResponseFinding,
    ) -> Notification {
        let TrailIncident {
            envelope,
            event,
            verdict,
        } = &triaged.incident;
        trail::notification(envelope, event, verdict, outcome, response)
    }
}

/// The decision the steps support: an exempt or vanished group is only observed; an
/// unreadable exemption or any unverified step fails the event (and it is retried).
fn conclude(incident: &TrailIncident, plan: &TrailPlan, run: TrailRun) -> Outcome {
    let (event_id, verdict) = (incident.event.event_id.as_str(), &incident.verdict);
    let mut steps = run.reports;
    if let Some(principal) = run.principal {
        steps.extend(principal.reports);
    }
    super::log_steps(event_id, &steps);
    let failures = step_failures(&steps);
    let mut reason = verdict.reason.clone();
    if let Some(spared) = &plan.principal_spared {
        reason = format!("{reason}; the principal is not contained: {spared}");
    }
    // The rules the event names expose nothing as EC2 holds them now.
    let spared = trail::nothing_exposed(&steps).map(|s| s.detail.clone());
    let (decision, reason) = match &run.group_exemption {
        _ if !failures.is_empty() => (
            Decision::Failed,
            format!(
                "{reason}; the response did not verify: {}",
                failures.join("; ")
            ),
        ),
        Some(Exemption::Exempt(tag)) => (
            Decision::Observed,
            format!("{reason}; not revoked: the group is exempt by tag {tag}"),
        ),
        Some(Exemption::PrincipalMissing) => (
            Decision::Observed,
            format!("{reason}; the group no longer exists, so nothing is exposed"),
        ),
        Some(Exemption::NotExempt) if let Some(spared) = &spared => (
            Decision::Observed,
            format!("{reason}; not revoked, {spared}"),
        ),
        _ if verdict.decision == Decision::Contained => (
            Decision::Contained,
            format!("{reason}; repaired and verified"),
        ),
        _ if plan.principal.is_some() => (
            verdict.decision,
            format!("{reason}; the principal is contained (verified)"),
        ),
        _ => (verdict.decision, reason),
    };
    if decision == Decision::Failed {
        error!(event_id, reason = %reason, "CloudTrail response failed; the event will be retried");
    }
    super::concluded(decision, reason, steps)
}
