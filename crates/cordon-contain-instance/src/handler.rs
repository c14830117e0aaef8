use cordon_core::{
    Decision, InstanceIncident, Mode, NetworkIsolation, Outcome, execute_isolation, plan_isolation,
    triage,
};
use cordon_events::{AccountId, Event, ParseError, parse_event_value};
use cordon_lambda::FunctionConfig;
use serde_json::Value;
use tracing::{error, info, warn};

/// The function's logical id in template.yaml.
pub const FUNCTION_NAME: &str = "ContainInstanceFunction";

/// Handles one EventBridge event end to end: parse, triage, plan, and in enforce mode
/// execute and verify. Malformed input is an error before anything is touched.
pub async fn handle_event<P: NetworkIsolation>(
    event: Value,
    config: &FunctionConfig,
    current_account: &AccountId,
    port: &P,
) -> Result<Outcome, ParseError> {
    let (envelope, finding) = match parse_event_value(event)? {
        Event::GuardDuty(envelope, finding) => (envelope, finding),
        other => {
            let envelope = other.envelope();
            return Ok(Outcome::without_steps(
                Decision::Ignored,
                format!(
                    "{} / {} is not a GuardDuty finding",
                    envelope.source, envelope.detail_type
                ),
            ));
        }
    };
    let verdict = triage(&finding, &config.policy(current_account));
    info!(
        event_id = %envelope.id,
        finding_id = %finding.id,
        finding_type = %finding.finding_type,
        decision = verdict.decision.as_str(),
        reason = %verdict.reason,
        "triaged finding"
    );
    if verdict.decision != Decision::Contained {
        return Ok(Outcome::without_steps(verdict.decision, verdict.reason));
    }
    let Some(incident) = InstanceIncident::from_finding(&finding) else {
        // Triage only contains instance findings, which parsing checked have details.
        return Ok(Outcome::without_steps(
            Decision::Ignored,
            "no instance details",
        ));
    };
    let plan = plan_isolation(&incident);
    if config.mode == Mode::DryRun {
        return Ok(Outcome {
            decision: Decision::Observed,
            reason: format!("dry-run: would contain ({})", verdict.reason),
            steps: plan.planned_reports(),
        });
    }
    let steps = execute_isolation(port, &incident, &plan).await;
    for step in &steps {
        info!(
            finding_id = %incident.finding_id,
            instance_id = %incident.instance_id,
            step = %step.name,
            target = %step.target,
            status = ?step.status,
            detail = %step.detail,
            "containment step"
        );
    }
    let failures: Vec<String> = steps
        .iter()
        .filter(|s| !s.status.is_ok())
        .map(|s| format!("{} {}: {}", s.name, s.target, s.detail))
        .collect();
    let outcome = if failures.is_empty() {
        info!(finding_id = %incident.finding_id, instance_id = %incident.instance_id, "instance contained and verified");
        Outcome {
            decision: Decision::Contained,
            reason: format!("{}; isolation verified", verdict.reason),
            steps,
        }
    } else {
        error!(finding_id = %incident.finding_id, instance_id = %incident.instance_id, failures = ?failures, "containment failed");
        Outcome {
            decision: Decision::Failed,
            reason: format!("containment did not verify: {}", failures.join("; ")),
            steps,
        }
    };
    if outcome.decision == Decision::Failed {
        warn!(finding_id = %incident.finding_id, "the event will be retried");
    }
    Ok(outcome)
}
