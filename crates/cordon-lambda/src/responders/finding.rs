//! What the two GuardDuty responders share: the dry-run answer, a key per update of
//! the finding, and the read-back from GuardDuty that triage runs on again.

use crate::intake::{Reported, read_back};
use crate::responder::{Context, Responder, Source, Triaged};
use cordon_core::confirmation::Confirmation;
use cordon_core::ports::FindingSource;
use cordon_core::{Outcome, Plan, Verdict};
use cordon_events::GuardDutyFinding;

/// Triage of a finding, as the event tells it and again as GuardDuty confirms it.
pub(super) type Retriage<R> =
    fn(String, Box<GuardDutyFinding>, &Context<'_>) -> Result<Triaged<R>, Verdict>;

/// The planned steps, or what would only be recorded.
pub(super) fn rehearse<R: Responder<Plan = Option<Plan>>>(triaged: &Triaged<R>) -> Outcome {
    match &triaged.plan {
        Some(plan) => Outcome::dry_run(&triaged.reason, plan.planned_reports()),
        None => Outcome::without_steps(triaged.decision, triaged.reason.clone()),
    }
}

/// GuardDuty updates a finding while the activity goes on (same id, later
/// `updatedAt`): each update is a decision of its own.
pub(super) fn update_key(incident_key: String, finding: &GuardDutyFinding) -> String {
    format!("{incident_key}/{}", finding.updated_at)
}

/// Reads the finding back from GuardDuty and triages what GuardDuty says.
pub(super) async fn confirm<R, I, F>(
    findings: &F,
    reported: &Reported<I>,
    ctx: &Context<'_>,
    retriage: Retriage<R>,
) -> Source<R>
where
    R: Responder,
    F: FindingSource,
{
    match read_back(findings, &reported.finding, ctx).await {
        Ok(None) => Source::AsClaimed,
        Ok(Some(Confirmation::Reported(finding))) => {
            Source::Retriaged(retriage(reported.event_id.clone(), finding, ctx))
        }
        Ok(Some(Confirmation::Unconfirmed(why))) => Source::Unconfirmed(why),
        Err(err) => Source::Unreadable(err),
    }
}
