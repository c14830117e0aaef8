//! What a family of incidents brings to the one pipeline: how to triage its events,
//! what its steps are, how it acts, and what it records. Everything else (parsing,
//! the dry-run gate, the ledger and breaker, time to containment, recording, settling)
//! is the pipeline's, written once.

use crate::adapters::Ports;
use crate::trigger::{BY_EVENT, Trigger};
use crate::{ContainmentClock, FunctionConfig};
use cordon_core::recording::{Notification, ResponseFinding};
use cordon_core::{Decision, Outcome, StepReport, Verdict};
use cordon_events::{AccountId, Event};
use std::future::Future;

/// What every stage may read: the operator's configuration and where cordon runs.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub config: &'a FunctionConfig,
    /// The account cordon runs in; an empty allow-list means this one.
    pub home_account: &'a AccountId,
    pub clock: ContainmentClock,
    /// An event, or a person's decision.
    pub trigger: &'a Trigger,
}

impl<'a> Context<'a> {
    pub fn new(
        config: &'a FunctionConfig,
        home_account: &'a AccountId,
        clock: ContainmentClock,
    ) -> Self {
        Self {
            config,
            home_account,
            clock,
            trigger: &BY_EVENT,
        }
    }
}

/// An event triage kept: the incident, the decision with its reason, and the plan.
pub struct Triaged<R: Responder + ?Sized> {
    pub incident: R::Incident,
    /// `Contained`: act; `Observed`: record for people (`Ignored` never gets here).
    pub decision: Decision,
    pub reason: String,
    pub plan: R::Plan,
}

/// What the source of an incident says of it, read alongside the ledger claim.
pub enum Source<R: Responder + ?Sized> {
    /// The source needs no read-back: EventBridge's `aws.` sources are AWS's own.
    AsClaimed,
    /// The source reported it: triage again on what the source says.
    Retriaged(Result<Triaged<R>, Verdict>),
    /// The source does not know it: a possible forgery, touched nothing.
    Unconfirmed(String),
    /// The source could not be asked: nothing is touched, and the event is retried.
    Unreadable(String),
}

pub trait Responder {
    /// The function's logical id in template.yaml.
    const FUNCTION: &'static str;
    /// What a release leaves as containment made it, for the release's reason.
    const KEPT_ON_RELEASE: &'static str = "nothing else was changed";
    type Ports: Ports;
    type Incident;
    /// The steps as data; dry-run shows them, enforce mode runs them.
    type Plan;
    /// Reads taken alongside the ledger claim: they change nothing, so a duplicate or
    /// a tripped breaker only wasted them.
    type Survey;

    /// Is this event one of ours, and what does it warrant? `Err` says why an event is
    /// taken no further: not this responder's kind, or ignored (nothing recorded).
    fn triage(event: Event, ctx: &Context<'_>) -> Result<Triaged<Self>, Verdict>;

    /// The dry-run answer: the planned steps, or what would only be recorded.
    fn rehearse(triaged: &Triaged<Self>) -> Outcome;

    /// The incident, across its updates: the blast-radius budget counts these once.
    fn incident_key(incident: &Self::Incident) -> String;

    /// One update of the incident: claims in the ledger are per update, so duplicate
    /// deliveries act once while a later update (the attack goes on, or comes back
    /// after a release) is decided anew.
    fn ledger_key(incident: &Self::Incident) -> String {
        Self::incident_key(incident)
    }

    /// The account acted in, whose blast-radius budget a containment spends.
    fn account(incident: &Self::Incident) -> &AccountId;

    /// Whether acting spends the account's blast-radius budget.
    fn contains(triaged: &Triaged<Self>) -> bool;

    fn survey(ports: &Self::Ports, triaged: &Triaged<Self>) -> impl Future<Output = Self::Survey>;

    /// Reads the incident back from the service that reported it (never the event's
    /// word alone), alongside the claim so it costs no extra round trip.
    fn confirm(
        ports: &Self::Ports,
        triaged: &Triaged<Self>,
        ctx: &Context<'_>,
    ) -> impl Future<Output = Source<Self>>;

    /// Past the breaker's budget: `true` when part of the response still runs without
    /// a human (the plan is trimmed to it); `false` holds the whole incident back.
    fn hold_back(triaged: &mut Triaged<Self>, why: &str) -> bool {
        let _ = (triaged, why);
        false
    }

    /// Carries the plan out, reads it back, and says what the steps support.
    fn execute(
        ports: &Self::Ports,
        triaged: &Triaged<Self>,
        survey: Self::Survey,
        ctx: &Context<'_>,
    ) -> impl Future<Output = Outcome>;

    /// The event the incident came in, and the ledger subject to remember it under, so
    /// a person's decision later can run it again; `None` for events no person
    /// decides on.
    fn remembered(incident: &Self::Incident) -> Option<(String, String)> {
        let _ = incident;
        None
    }

    /// Undoes the incident's containment from cordon's record, each step read back,
    /// when a person chooses `cordon-release`; `None` when this kind of incident has
    /// nothing cordon releases.
    fn release(
        ports: &Self::Ports,
        triaged: &Triaged<Self>,
    ) -> impl Future<Output = Option<Vec<StepReport>>> {
        let _ = (ports, triaged);
        async { None }
    }

    /// Where time to containment starts: when the finding or call happened.
    fn occurred_at(incident: &Self::Incident) -> &str;

    /// The finding or CloudTrail event id, for logs.
    fn incident_id(incident: &Self::Incident) -> &str;

    fn response(triaged: &Triaged<Self>, outcome: &Outcome) -> ResponseFinding;

    fn notification(
        triaged: &Triaged<Self>,
        outcome: &Outcome,
        response: &ResponseFinding,
    ) -> Notification;
}
