use crate::ports::TrailResponderPorts;
use cordon_core::credential_playbook::Exemption;
use cordon_core::trail::{
    TrailPlan, TrailRun, TrailVerdict, execute_trail_response, plan_trail_response,
    trail_notification, trail_response_finding, triage_trail_event,
};
use cordon_core::{
    Admission, AuditLogging, Decision, FindingRecorder, IncidentLedger, Mode, Notifier, Outcome,
    PrincipalCredentials, SecurityGroupRules, step_failures,
};
use cordon_events::{AccountId, Event, ParseError, parse_event_value};
use cordon_lambda::{
    ContainmentClock, FunctionConfig, admit_incident, record_outcome, settle_incident, utc_now,
};
use serde_json::Value;
use std::time::Instant;
use tracing::{error, info};

/// The function's logical id in template.yaml.
pub const FUNCTION_NAME: &str = "RespondToCloudTrailFunction";

/// Handles one EventBridge event end to end: parse, triage, plan, and in enforce mode
/// repair with read-back and record. Malformed input touches nothing.
pub async fn handle_event<A, G, P, R, T, L>(
    event: Value,
    config: &FunctionConfig,
    current_account: &AccountId,
    ports: &TrailResponderPorts<A, G, P, R, T, L>,
    clock: ContainmentClock,
) -> Result<Outcome, ParseError>
where
    A: AuditLogging,
    G: SecurityGroupRules,
    P: PrincipalCredentials,
    R: FindingRecorder,
    T: Notifier,
    L: IncidentLedger,
{
    let started = Instant::now();
    let (envelope, event) = match parse_event_value(event)? {
        Event::CloudTrail(envelope, event) => (envelope, event),
        other => {
            let envelope = other.envelope();
            return Ok(Outcome::without_steps(
                Decision::Ignored,
                format!(
                    "{} / {} is not a CloudTrail event",
                    envelope.source, envelope.detail_type
                ),
            ));
        }
    };
    let settings = config.trail(current_account);
    let verdict = triage_trail_event(&envelope, &event, &settings);
    info!(
        event_id = %event.event_id,
        event_name = %event.event_name,
        event_source = %event.event_source,
        decision = verdict.decision.as_str(),
        reason = %verdict.reason,
        "triaged CloudTrail event"
    );
    if verdict.decision == Decision::Ignored {
        return Ok(Outcome::without_steps(verdict.decision, verdict.reason));
    }
    let plan = plan_trail_response(current_account, &event, &verdict, &settings);
    let acts = !plan.repair.steps.is_empty() || plan.principal.is_some();
    if config.mode == Mode::DryRun {
        return Ok(if acts {
            Outcome::dry_run(&verdict.reason, plan.planned_reports())
        } else {
            Outcome::without_steps(
                Decision::Observed,
                format!("dry-run: would record ({})", verdict.reason),
            )
        });
    }
    let key = format!("cloudtrail/{}", event.event_id);
    // Only containing the principal spends the blast-radius budget; repairs restore.
    let contains = plan.principal.is_some();
    let admission = admit_incident(
        &ports.ledger,
        &key,
        envelope.account.as_str(),
        contains,
        config,
    )
    .await;
    let tripped = matches!(admission, Admission::Tripped(..));
    let (plan, lease) = match admission {
        Admission::Skip(outcome) => return Ok(outcome),
        // Past the budget the repair still runs; only the principal waits for a human.
        Admission::Tripped(lease, why) => (
            TrailPlan {
                principal: None,
                principal_spared: Some(why),
                ..plan
            },
            lease,
        ),
        Admission::Proceed(lease) => (plan, lease),
    };
    let trail_ports = cordon_core::trail::TrailPorts {
        audit: &ports.audit,
        groups: &ports.groups,
        principals: &ports.principals,
    };
    let run = execute_trail_response(&trail_ports, &plan, &settings, &utc_now()).await;
    let mut outcome = conclude(&event.event_id, &verdict, &plan, run);
    outcome.held_by_breaker = tripped;
    if outcome.decision == Decision::Contained {
        outcome.time_to_containment_ms = Some(clock.elapsed_ms(&event.event_time, started));
    }
    let response = trail_response_finding(&envelope, &event, &verdict, &outcome);
    let notify =
        |outcome: &Outcome| trail_notification(&envelope, &event, &verdict, outcome, &response);
    Box::pin(record_outcome(
        &ports.recorder,
        &ports.notifier,
        &response,
        notify,
        &mut outcome,
        &event.event_id,
    ))
    .await;
    settle_incident(&ports.ledger, &lease, &outcome).await;
    Ok(outcome)
}

/// The decision the steps support: an exempt or vanished group is only observed; an
/// unreadable exemption or any unverified step fails the event (and it is retried).
fn conclude(event_id: &str, verdict: &TrailVerdict, plan: &TrailPlan, run: TrailRun) -> Outcome {
    let mut steps = run.reports;
    if let Some(principal) = run.principal {
        steps.extend(principal.reports);
    }
    for step in &steps {
        info!(
            event_id,
            step = %step.name,
            target = %step.target,
            status = step.status.as_str(),
            detail = %step.detail,
            "response step"
        );
    }
    let failures = step_failures(&steps);
    let mut reason = verdict.reason.clone();
    if let Some(spared) = &plan.principal_spared {
        reason = format!("{reason}; the principal is not contained: {spared}");
    }
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
    Outcome {
        decision,
        reason,
        steps,
        record: None,
        time_to_containment_ms: None,
        held_by_breaker: false,
    }
}
