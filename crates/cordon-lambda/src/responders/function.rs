//! A GuardDuty finding that a Lambda function talked to a command-and-control server, a
//! mining pool or Tor: nothing more runs (reserved concurrency 0), its execution role's
//! older sessions are denied, and what the throttle replaced is kept for release.

use super::finding::{self, Reported, Wording, guardduty_finding, log_triage};
use crate::adapters::{Adapters, Aws, Connect, Home, Ports};
use crate::responder::{Context, Responder, Source, Triaged};
use crate::utc_now;
use cordon_aws::Clients;
use cordon_core::lambda::{self, FunctionRun, LambdaIncident, Released, record_subject};
use cordon_core::ports::IncidentLedger;
use cordon_core::recording::{Notification, ResponseFinding};
use cordon_core::{Decision, Outcome, Plan, StepReport, Verdict};
use cordon_events::{AccountId, Envelope, Event, GuardDutyFinding};
use std::marker::PhantomData;

/// What the Lambda playbook acts through.
pub struct FunctionPorts<A: Adapters> {
    /// GuardDuty's own record of the finding (GuardDuty).
    pub findings: A::Findings,
    /// The function's concurrency, role and tags (Lambda).
    pub functions: A::Functions,
    /// The execution role's session deny (IAM).
    pub principals: A::Principals,
    pub home: Home<A>,
}

impl<A: Adapters> Ports for FunctionPorts<A> {
    type Adapters = A;
    fn home(&self) -> &Home<A> {
        &self.home
    }
}

pub type AwsFunctionPorts = FunctionPorts<Aws>;

impl Connect for AwsFunctionPorts {
    fn connect(acting: &Clients, home: Home<Aws>) -> Self {
        Self {
            findings: cordon_aws::GuardDutyFindings::new(acting.guardduty.clone()),
            functions: cordon_aws::LambdaFunctions::new(acting.lambda.clone()),
            principals: cordon_aws::IamPrincipals::new(acting.iam.clone()),
            home,
        }
    }
}

/// The Lambda-containment function's responder.
pub struct FunctionResponder<A = Aws>(PhantomData<A>);

impl<A: Adapters> FunctionResponder<A> {
    /// Triage of a finding, as the event tells it and again as GuardDuty confirms it.
    fn triage_finding(
        envelope: Envelope,
        finding: Box<GuardDutyFinding>,
        ctx: &Context<'_>,
    ) -> Result<Triaged<Self>, Verdict> {
        let policy = ctx.config.policy(ctx.home_account);
        let verdict = lambda::triage(&finding, &policy);
        log_triage(&envelope.id, &finding, &verdict);
        // A function cordon cannot name exactly is observed by triage, with no incident.
        let incident = match LambdaIncident::from_finding(&finding) {
            Some(Ok(incident)) if verdict.decision != Decision::Ignored => incident,
            _ => return Err(verdict),
        };
        let plan = (verdict.decision == Decision::Contained)
            .then(|| lambda::plan(&incident, &ctx.config.exempt_tag));
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

impl<A: Adapters> Responder for FunctionResponder<A> {
    const FUNCTION: &'static str = "ContainLambdaFunction";
    const KEPT_ON_RELEASE: &'static str = "its code, versions and triggers are as they were";
    type Ports = FunctionPorts<A>;
    type Incident = Reported<LambdaIncident>;
    /// `None`: only recorded.
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
        format!("guardduty/{}/{}", incident.finding_id, incident.function)
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
        let run = lambda::execute(
            &ports.functions,
            &ports.principals,
            incident,
            plan,
            &ctx.config.hands_off(),
            &utc_now(),
        )
        .await;
        let kept = keep_record(&ports.home.ledger, incident, &run).await;
        conclude(incident, &triaged.reason, run, kept)
    }

    /// The recorded concurrency back and the role's session deny lifted, from the
    /// ledger's record (the tag is only a copy).
    async fn release(ports: &Self::Ports, triaged: &Triaged<Self>) -> Option<Vec<StepReport>> {
        let incident = &triaged.incident.incident;
        let target = Released {
            account: &incident.account_id,
            function: &incident.function,
            function_arn: &incident.function_arn,
        };
        Some(
            lambda::release(
                &ports.functions,
                &ports.principals,
                Some(&ports.home.ledger),
                target,
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
        lambda::response_finding(&reported.incident, &reported.finding.created_at, outcome)
    }

    fn notification(
        triaged: &Triaged<Self>,
        outcome: &Outcome,
        response: &ResponseFinding,
    ) -> Notification {
        lambda::notification(&triaged.incident.incident, outcome, response)
    }
}

/// Keeps the concurrency the throttle replaced in the ledger, which release restores
/// from (the tag is only a copy anyone with `lambda:TagResource` can rewrite).
async fn keep_record<L: IncidentLedger>(
    ledger: &L,
    incident: &LambdaIncident,
    run: &FunctionRun,
) -> Result<(), String> {
    if run.pre_incident.is_empty() {
        return Ok(());
    }
    let subject = record_subject(incident.account_id.as_str(), &incident.function);
    ledger
        .keep_record(&subject, &run.pre_incident.to_entries())
        .await
        .map_err(|err| {
            format!("cordon's ledger could not keep the concurrency the throttle replaced, so release cannot restore it by itself ({err})")
        })
}

/// The decision the steps support: an exempt or deleted function is only observed; an
/// unreadable exemption, a step that did not read back or a record not kept fails
/// (and is retried).
fn conclude(
    incident: &LambdaIncident,
    reason: &str,
    run: FunctionRun,
    kept: Result<(), String>,
) -> Outcome {
    let function = &incident.function;
    let words = Wording {
        subject: &format!("function {function}"),
        gone: &format!("Lambda no longer has function {function}: nothing to throttle"),
        verified: "throttled to 0, role sessions denied, every step read back",
    };
    finding::conclude(
        &incident.finding_id,
        reason,
        &run.exemption,
        run.reports,
        kept.err().into_iter().collect(),
        &words,
    )
}
