//! The one respond pipeline: parse → triage → (dry-run stops here) → admit (ledger,
//! breaker) alongside the responder's first reads → execute and verify → record →
//! settle. Every function and `cordon replay` run it; responders supply the stages
//! that differ.

use crate::adapters::Ports;
use crate::responder::{Context, Responder};
use crate::{admit_incident, record_outcome, settle_incident};
use cordon_core::{Admission, Decision, Mode, Outcome};
use cordon_events::{Event, ParseError, parse_event_value};
use serde_json::Value;
use std::time::Instant;

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
    let mut triaged = match R::triage(event, ctx) {
        Ok(triaged) => triaged,
        Err(taken_no_further) => {
            return Outcome::without_steps(taken_no_further.decision, taken_no_further.reason);
        }
    };
    if ctx.config.mode == Mode::DryRun {
        return R::rehearse(&triaged);
    }
    let home = ports.home();
    let key = R::ledger_key(&triaged.incident);
    let account = R::account(&triaged.incident).as_str();
    // Boxed, as the SDK's request futures are large (see `cordon_core::admit`).
    let (admission, survey) = tokio::join!(
        Box::pin(admit_incident(
            &home.ledger,
            &key,
            account,
            R::contains(&triaged),
            ctx.config
        )),
        Box::pin(R::survey(ports, &triaged))
    );
    let (mut outcome, lease) = match admission {
        Admission::Skip(outcome) => return outcome,
        Admission::Tripped(lease, why) => {
            let outcome = if R::hold_back(&mut triaged, &why) {
                Box::pin(R::execute(ports, &triaged, survey, ctx)).await
            } else {
                Outcome::without_steps(Decision::Observed, format!("{}; {why}", triaged.reason))
            };
            let held = Outcome {
                held_by_breaker: true,
                ..outcome
            };
            (held, lease)
        }
        Admission::Proceed(lease) => (
            Box::pin(R::execute(ports, &triaged, survey, ctx)).await,
            lease,
        ),
    };
    if outcome.decision == Decision::Contained {
        let since = R::occurred_at(&triaged.incident);
        outcome.time_to_containment_ms = Some(ctx.clock.elapsed_ms(since, started));
    }
    let response = R::response(&triaged, &outcome);
    let notify = |outcome: &Outcome| R::notification(&triaged, outcome, &response);
    Box::pin(record_outcome(
        &home.recorder,
        &home.notifier,
        &response,
        notify,
        &mut outcome,
        R::incident_id(&triaged.incident),
    ))
    .await;
    settle_incident(&home.ledger, &lease, &outcome).await;
    outcome
}
