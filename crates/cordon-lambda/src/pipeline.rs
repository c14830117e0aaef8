//! The one respond pipeline: parse → triage → (dry-run stops here) → admit (ledger,
//! breaker) alongside the responder's first reads and the read-back from the source →
//! execute and verify → record → settle. Every function and `cordon replay` run it;
//! responders supply the stages that differ.

use crate::adapters::Ports;
use crate::responder::{Context, Responder, Source, Triaged};
use crate::trigger::PersonAction;
use crate::{admit_incident, record_outcome, settle_incident};
use cordon_core::admission::Admission;
use cordon_core::ports::IncidentLedger;
use cordon_core::{Decision, Mode, Outcome};
use cordon_events::{Event, HumanDecision, ParseError, parse_event_value};
use serde_json::Value;
use std::time::Instant;
use tracing::{error, warn};

/// Parses `event` strictly, then [`respond`]s. Malformed input is an error before
/// anything is touched.
pub async fn handle_event<R: Responder>(
    event: Value,
    ctx: &Context<'_>,
    ports: &R::Ports,
) -> Result<Outcome, ParseError> {
    let event = parse_event_value(event)?;
    Ok(Box::pin(respond::<R>(event, ctx, ports)).await)
}

/// Handles one parsed event end to end.
pub async fn respond<R: Responder>(event: Event, ctx: &Context<'_>, ports: &R::Ports) -> Outcome {
    let started = Instant::now();
    let triaged = match R::triage(event, ctx) {
        Ok(triaged) => triaged,
        Err(taken_no_further) => {
            return Outcome::without_steps(taken_no_further.decision, taken_no_further.reason);
        }
    };
    let home = ports.home();
    let person = ctx.trigger.person();
    // Remembered for a person's decision later; a decision's own run changes nothing.
    let remembered = R::remembered(&triaged.incident).filter(|_| person.is_none());
    let remember = async {
        if let Some((subject, event)) = &remembered
            && let Err(err) = home.ledger.remember_event(subject, event).await
        {
            warn!(subject, error = %err, "could not remember the event for people's decisions");
        }
    };
    if let Some(action) = person.filter(|a| a.decision == HumanDecision::Release) {
        return crate::released::release::<R>(triaged, ports, ctx.config, action).await;
    }
    if ctx.config.mode == Mode::DryRun && !person.is_some_and(PersonAction::acts) {
        remember.await;
        return R::rehearse(&triaged);
    }
    let key = match person {
        Some(action) => action.ledger_key(&R::ledger_key(&triaged.incident)),
        None => R::ledger_key(&triaged.incident),
    };
    let incident_key = R::incident_key(&triaged.incident);
    let account = R::account(&triaged.incident).as_str();
    // Boxed, as the SDK's request futures are large (see `admission::admit`). The reads
    // change nothing, so a duplicate or a forgery only wasted them.
    let (admission, survey, source, ()) = tokio::join!(
        Box::pin(admit_incident(
            &home.ledger,
            &key,
            &incident_key,
            account,
            R::contains(&triaged),
            ctx.config
        )),
        Box::pin(R::survey(ports, &triaged)),
        Box::pin(R::confirm(ports, &triaged, ctx)),
        Box::pin(remember),
    );
    let (lease, held_back) = match admission {
        Admission::Skip(outcome) => return outcome,
        // A person approved: the budget is spent, and their decision stands.
        Admission::Tripped(lease, _) if person.is_some_and(PersonAction::acts) => (lease, None),
        Admission::Tripped(lease, why) => (lease, Some(why)),
        Admission::Proceed(lease) => (lease, None),
    };
    let id = R::incident_id(&triaged.incident).to_owned();
    let (triaged, mut outcome) = match source {
        Source::AsClaimed => act::<R>(triaged, ports, survey, ctx, held_back).await,
        Source::Retriaged(Ok(confirmed)) => {
            act::<R>(confirmed, ports, survey, ctx, held_back).await
        }
        Source::Retriaged(Err(verdict)) => {
            let reason = format!("GuardDuty's own record of the finding: {}", verdict.reason);
            let decision = match verdict.decision {
                Decision::Ignored => Decision::Observed,
                other => other,
            };
            (triaged, Outcome::without_steps(decision, reason))
        }
        Source::Unconfirmed(why) => {
            warn!(incident_id = %id, reason = %why, "the source does not confirm the event; possible forgery, nothing touched");
            let reason = format!(
                "not acted on: {why}; the event may be forged (whoever can invoke cordon or put events on its bus), nothing was touched"
            );
            let outcome = Outcome {
                possible_forgery: true,
                ..Outcome::without_steps(Decision::Observed, reason)
            };
            (triaged, outcome)
        }
        Source::Unreadable(why) => {
            error!(incident_id = %id, error = %why, "the source could not be read back; nothing touched, the event will be retried");
            let reason =
                format!("not acted on: the finding could not be read back from its source ({why})");
            (triaged, Outcome::without_steps(Decision::Failed, reason))
        }
    };
    if let Some(action) = person {
        outcome.reason = format!("{}: {}", action.describe(), outcome.reason);
    }
    if outcome.decision == Decision::Contained {
        let since = R::occurred_at(&triaged.incident);
        outcome.time_to_containment_ms = Some(ctx.clock.elapsed_ms(since, started));
    }
    let response = R::response(&triaged, &outcome);
    let format = ctx.config.notification_format;
    let notify =
        |outcome: &Outcome| R::notification(&triaged, outcome, &response).in_format(format);
    Box::pin(record_outcome(
        &home.recorder,
        &home.notifier,
        &response,
        notify,
        &mut outcome,
        &id,
    ))
    .await;
    settle_incident(&home.ledger, &lease, &outcome).await;
    outcome
}

/// Executes what triage planned; past the breaker's budget, only what the responder
/// lets run without a human.
async fn act<R: Responder>(
    mut triaged: Triaged<R>,
    ports: &R::Ports,
    survey: R::Survey,
    ctx: &Context<'_>,
    held_back: Option<String>,
) -> (Triaged<R>, Outcome) {
    let outcome = match held_back {
        None => Box::pin(R::execute(ports, &triaged, survey, ctx)).await,
        Some(why) => {
            let outcome = if R::hold_back(&mut triaged, &why) {
                Box::pin(R::execute(ports, &triaged, survey, ctx)).await
            } else {
                Outcome::without_steps(Decision::Observed, format!("{}; {why}", triaged.reason))
            };
            Outcome {
                held_by_breaker: true,
                ..outcome
            }
        }
    };
    (triaged, outcome)
}
