//! A GuardDuty finding about a stolen or abused credential: deactivate exactly that
//! access key and deny the principal's older sessions.

use super::finding::{self, Reported, guardduty_finding, log_triage};
use crate::adapters::{Adapters, Aws, Connect, Home, Ports};
use crate::responder::{Context, Responder, Source, Triaged};
use crate::utc_now;
use cordon_aws::Clients;
use cordon_core::credential::{self, CredentialIncident, CredentialRun};
use cordon_core::recording::{Notification, ResponseFinding};
use cordon_core::{Decision, Exemption, Outcome, Plan, StepReport, Verdict, step_failures};
use cordon_events::{AccountId, Envelope, Event, GuardDutyFinding};
use std::marker::PhantomData;
use tracing::error;

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
    /// Triage of a finding, as the event tells it and again as GuardDuty confirms it.
    fn triage_finding(
        envelope: Envelope,
        finding: Box<GuardDutyFinding>,
        ctx: &Context<'_>,
    ) -> Result<Triaged<Self>, Verdict> {
        let policy = ctx.config.policy(ctx.home_account);
        let verdict = credential::triage(&finding, &policy, &ctx.config.break_glass_principals);
        log_triage(&envelope.id, &finding, &verdict);
        let incident = match CredentialIncident::from_finding(&finding) {
            Some(incident) if verdict.decision != Decision::Ignored => incident,
            _ => return Err(verdict),
        };
        let plan = credential::plan(&incident, &ctx.config.credentials())
            .filter(|_| verdict.decision == Decision::Contained);
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

impl<A: Adapters> Responder for CredentialResponder<A> {
    const FUNCTION: &'static str = "ContainCredentialsFunction";
    type Ports = CredentialPorts<A>;
    type Incident = Reported<CredentialIncident>;
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
        let incident = &reported.incident;
        let credential = incident
            .access_key_id
            .as_ref()
            .map_or_else(|| incident.describe(), ToString::to_string);
        format!("guardduty/{}/{credential}", incident.finding_id)
    }

    fn account(reported: &Self::Incident) -> &AccountId {
        &reported.incident.account_id
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
        let Some(plan) = &triaged.plan else {
            return Outcome::without_steps(triaged.decision, triaged.reason.clone());
        };
        let incident = &triaged.incident.incident;
        let settings = ctx.config.credentials();
        let run =
            credential::execute(&ports.principals, incident, plan, &settings, &utc_now()).await;
        conclude(incident, &triaged.reason, run)
    }

    /// The session deny lifted; the stolen key stays inactive.
    async fn release(ports: &Self::Ports, triaged: &Triaged<Self>) -> Option<Vec<StepReport>> {
        let principal = triaged.incident.incident.principal()?;
        Some(credential::release(&ports.principals, &principal, false).await)
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
        credential::response_finding(&reported.incident, &reported.finding.created_at, outcome)
    }

    fn notification(
        triaged: &Triaged<Self>,
        outcome: &Outcome,
        response: &ResponseFinding,
    ) -> Notification {
        credential::notification(&triaged.incident.incident, outcome, response)
    }
}

/// The decision the steps support: an exempt principal is only observed; a failed
/// exemption read or any unverified step fails the incident (and it is retried).
fn conclude(incident: &CredentialIncident, reason: &str, run: CredentialRun) -> Outcome {
    let credential = incident.describe();
    super::log_steps(&incident.finding_id, &run.reports);
    let failures = step_failures(&run.reports);
    let (decision, reason) = match &run.exemption {
        Exemption::Exempt(tag) => (
            Decision::Observed,
            format!("{credential} is exempt from containment by tag {tag}"),
        ),
        Exemption::PrincipalMissing => (
            Decision::Observed,
            format!(
                "{credential}: IAM no longer has that principal, so there is nothing to disable"
            ),
        ),
        Exemption::Unknown(err) => (
            Decision::Failed,
            format!("not acting on {credential}: its exemption could not be read ({err})"),
        ),
        Exemption::NotExempt if failures.is_empty() => (
            Decision::Contained,
            format!("{reason}; every containment step verified"),
        ),
        Exemption::NotExempt => (
            Decision::Failed,
            format!("containment did not verify: {}", failures.join("; ")),
        ),
    };
    if decision == Decision::Failed {
        error!(finding_id = %incident.finding_id, reason = %reason, "credential containment failed; the event will be retried");
    }
    super::concluded(decision, reason, run.reports)
}
