//! A GuardDuty finding about a stolen or abused credential: deactivate exactly that
//! access key and deny the principal's older sessions. An attack sequence names a
//! credential per actor: each goes through the same playbook, once.

use super::finding::{self, Reported, Wording, guardduty_finding, log_triage};
use crate::adapters::{Adapters, Aws, Connect, Home, Ports};
use crate::responder::{Context, Responder, Source, Triaged};
use crate::utc_now;
use cordon_aws::Clients;
use cordon_core::credential::{self, CredentialCase, CredentialIncident, CredentialRun};
use cordon_core::recording::{Notification, ResponseFinding};
use cordon_core::{Decision, Outcome, Plan, StepReport, Verdict};
use cordon_events::{AccountId, Envelope, Event, GuardDutyFinding};
use std::marker::PhantomData;

/// What the credential playbook acts through.
pub struct CredentialPorts<A: Adapters> {
    /// GuardDuty's own record of the finding (GuardDuty).
    pub findings: A::Findings,
    /// Keys, inline policies, tags and login profiles (IAM).
    pub principals: A::Principals,
    pub home: Home<A>,
}

impl<A: Adapters> Ports for CredentialPorts<A> {
    type Adapters = A;
    fn home(&self) -> &Home<A> {
        &self.home
    }
}

pub type AwsCredentialPorts = CredentialPorts<Aws>;

impl Connect for AwsCredentialPorts {
    fn connect(acting: &Clients, home: Home<Aws>) -> Self {
        Self {
            findings: cordon_aws::GuardDutyFindings::new(acting.guardduty.clone()),
            principals: cordon_aws::IamPrincipals::new(acting.iam.clone()),
            home,
        }
    }
}

/// The credential-containment function's responder.
pub struct CredentialResponder<A = Aws>(PhantomData<A>);

impl<A: Adapters> CredentialResponder<A> {
    /// Triage of a finding, as the event tells it and again as GuardDuty confirms it:
    /// each credential it names judged and planned on its own.
    fn triage_finding(
        envelope: Envelope,
        finding: Box<GuardDutyFinding>,
        ctx: &Context<'_>,
    ) -> Result<Triaged<Self>, Verdict> {
        let policy = ctx.config.policy(ctx.home_account);
        let case = CredentialCase::triage(
            &finding,
            &policy,
            &ctx.config.break_glass_principals,
            &ctx.config.credentials(),
        );
        let case = match case {
            Ok(case) => case,
            Err(verdict) => {
                log_triage(&envelope.id, &finding, &verdict);
                return Err(verdict);
            }
        };
        let verdict = Verdict {
            decision: case.decision(),
            reason: case.reason(),
        };
        log_triage(&envelope.id, &finding, &verdict);
        if verdict.decision == Decision::Ignored {
            return Err(verdict);
        }
        let plan = case
            .plan()
            .filter(|_| verdict.decision == Decision::Contained);
        Ok(Triaged {
            incident: Reported {
                incident: case,
                finding,
                envelope,
            },
            decision: verdict.decision,
            reason: verdict.reason,
            plan,
        })
    }
}

impl<A: Adapters> Responder for CredentialResponder<A> {
    const FUNCTION: &'static str = "ContainCredentialsFunction";
    const KEPT_ON_RELEASE: &'static str = "the stolen keys stay inactive";
    type Ports = CredentialPorts<A>;
    type Incident = Reported<CredentialCase>;
    /// `None`: only recorded (root, federated or unknown principals, exempt ones).
    type Plan = Option<Plan>;
    type Survey = ();

    fn triage(event: Event, ctx: &Context<'_>) -> Result<Triaged<Self>, Verdict> {
        let (envelope, finding) = guardduty_finding(event)?;
        Self::triage_finding(envelope, finding, ctx)
    }

    fn rehearse(triaged: &Triaged<Self>) -> Outcome {
        finding::rehearse(triaged)
    }

    fn ledger_key(reported: &Self::Incident) -> String {
        finding::update_key(Self::incident_key(reported), &reported.finding)
    }

    fn incident_key(reported: &Self::Incident) -> String {
        let case = &reported.incident;
        format!("guardduty/{}/{}", case.first().finding_id, case.names())
    }

    fn account(reported: &Self::Incident) -> &AccountId {
        &reported.incident.first().account_id
    }

    fn contains(triaged: &Triaged<Self>) -> bool {
        triaged.plan.is_some()
    }

    async fn survey(_: &Self::Ports, _: &Triaged<Self>) {}

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
        (): (),
        ctx: &Context<'_>,
    ) -> Outcome {
        if triaged.plan.is_none() {
            return Outcome::without_steps(triaged.decision, triaged.reason.clone());
        }
        let settings = ctx.config.credentials();
        let now = utc_now();
        // One credential after another: each run's steps are concurrent already, and
        // two credentials of one principal then revoke its sessions once, not racing.
        let mut outcomes = Vec::new();
        for judged in &triaged.incident.incident.credentials {
            let outcome = match &judged.plan {
                Some(plan) => {
                    let run = credential::execute(
                        &ports.principals,
                        &judged.incident,
                        plan,
                        &settings,
                        &now,
                    )
                    .await;
                    conclude(&judged.incident, &judged.verdict.reason, run)
                }
                None => {
                    Outcome::without_steps(judged.verdict.decision, judged.verdict.reason.clone())
                }
            };
            outcomes.push((&judged.incident, outcome));
        }
        combine(outcomes)
    }

    /// Each principal's session deny lifted, once however many of its credentials the
    /// finding names; the stolen keys stay inactive.
    async fn release(ports: &Self::Ports, triaged: &Triaged<Self>) -> Option<Vec<StepReport>> {
        let mut principals = Vec::new();
        for judged in &triaged.incident.incident.credentials {
            if let Some(principal) = judged.incident.principal()
                && !principals.contains(&principal)
            {
                principals.push(principal);
            }
        }
        if principals.is_empty() {
            return None;
        }
        let mut reports = Vec::new();
        for principal in &principals {
            reports.extend(credential::release(&ports.principals, principal, false).await);
        }
        Some(reports)
    }

    fn remembered(reported: &Self::Incident) -> Option<(String, String)> {
        finding::remembered(reported)
    }

    fn occurred_at(reported: &Self::Incident) -> &str {
        &reported.finding.updated_at
    }

    fn incident_id(reported: &Self::Incident) -> &str {
        &reported.incident.first().finding_id
    }

    fn response(triaged: &Triaged<Self>, outcome: &Outcome) -> ResponseFinding {
        let (case, created_at) = (
            &triaged.incident.incident,
            &triaged.incident.finding.created_at,
        );
        match case.is_sequence() {
            true => credential::sequence_response_finding(case, created_at, outcome),
            false => credential::response_finding(case.first(), created_at, outcome),
        }
    }

    fn notification(
        triaged: &Triaged<Self>,
        outcome: &Outcome,
        response: &ResponseFinding,
    ) -> Notification {
        let case = &triaged.incident.incident;
        match case.is_sequence() {
            true => credential::sequence_notification(case, outcome, response),
            false => credential::notification(case.first(), outcome, response),
        }
    }
}

/// The decision the steps support: an exempt principal is only observed; a failed
/// exemption read or any unverified step fails the incident (and it is retried).
fn conclude(incident: &CredentialIncident, reason: &str, run: CredentialRun) -> Outcome {
    let credential = incident.describe();
    let words = Wording {
        subject: &credential,
        gone: &format!(
            "{credential}: IAM no longer has that principal, so there is nothing to disable"
        ),
        verified: "every containment step verified",
    };
    finding::conclude(
        &incident.finding_id,
        reason,
        &run.exemption,
        run.reports,
        Vec::new(),
        &words,
    )
}

/// One credential's outcome as it is; several, as one: failed if any failed (the event
/// is retried, and every step is safe to repeat), contained if any was, each reason
/// named and every step kept.
fn combine(mut outcomes: Vec<(&CredentialIncident, Outcome)>) -> Outcome {
    if outcomes.len() == 1 {
        return outcomes.remove(0).1;
    }
    let decision = [Decision::Failed, Decision::Contained, Decision::Observed]
        .into_iter()
        .find(|d| outcomes.iter().any(|(_, o)| o.decision == *d))
        .unwrap_or(Decision::Ignored);
    let reason = outcomes
        .iter()
        .map(|(incident, o)| {
            format!(
                "{} — {}: {}",
                incident.describe(),
                o.decision.as_str(),
                o.reason
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let steps = outcomes.into_iter().flat_map(|(_, o)| o.steps).collect();
    super::concluded(decision, reason, steps)
}
