use crate::ports::InstancePorts;
use cordon_core::credential_playbook::Exemption;
use cordon_core::{
    Admission, Decision, EvidencePreservation, FindingRecorder, IncidentLedger,
    InstanceCredentials, InstanceIncident, IsolationSurvey, Mode, NetworkIsolation, Notifier,
    Outcome, PlaybookPorts, ServiceRotation, execute_surveyed_playbook, instance_notification,
    instance_response_finding, plan_instance_playbook, step_failures, triage,
};
use cordon_events::{AccountId, ParseError};
use cordon_lambda::{
    ContainmentClock, FunctionConfig, admit_incident, guardduty_finding, log_triage,
    record_outcome, settle_incident, utc_now,
};
use serde_json::Value;
use std::time::Instant;
use tracing::{error, info};

/// The function's logical id in template.yaml.
pub const FUNCTION_NAME: &str = "ContainInstanceFunction";

/// Handles one EventBridge event end to end: parse, triage, plan, and in enforce mode
/// execute, verify and record. Malformed input is an error before anything is touched.
pub async fn handle_event<N, C, E, S, R, T, L>(
    event: Value,
    config: &FunctionConfig,
    current_account: &AccountId,
    ports: &InstancePorts<N, C, E, S, R, T, L>,
    clock: ContainmentClock,
) -> Result<Outcome, ParseError>
where
    N: NetworkIsolation,
    C: InstanceCredentials,
    E: EvidencePreservation,
    S: ServiceRotation,
    R: FindingRecorder,
    T: Notifier,
    L: IncidentLedger,
{
    let started = Instant::now();
    let (envelope, finding) = match guardduty_finding(event)? {
        Ok(finding) => finding,
        Err(not_a_finding) => return Ok(not_a_finding),
    };
    let verdict = triage(&finding, &config.policy(current_account));
    log_triage(&envelope, &finding, &verdict);
    let Some(incident) = InstanceIncident::from_finding(&finding) else {
        return Ok(Outcome::without_steps(verdict.decision, verdict.reason));
    };
    let (mut outcome, lease) = match (verdict.decision, config.mode) {
        // Not ours: nothing to record either.
        (Decision::Ignored, _) => {
            return Ok(Outcome::without_steps(verdict.decision, verdict.reason));
        }
        (Decision::Contained, Mode::DryRun) => {
            let plan = plan_instance_playbook(&incident, config.playbook());
            return Ok(Outcome::dry_run(&verdict.reason, plan.planned_reports()));
        }
        (_, Mode::DryRun) => return Ok(Outcome::without_steps(verdict.decision, verdict.reason)),
        (decision, Mode::Enforce) => {
            let key = format!("guardduty/{}/{}", incident.finding_id, incident.instance_id);
            let contains = decision == Decision::Contained;
            let account = incident.account_id.as_str();
            // Isolation's reads change nothing, so they go alongside the claim instead
            // of after it; a duplicate or a tripped breaker only wasted three reads.
            let survey = async {
                match contains {
                    true => Some(IsolationSurvey::read(&ports.network, &incident).await),
                    false => None,
                }
            };
            // Boxed, as the SDK's request futures are large (see `cordon_core::admit`).
            let (admission, survey) = tokio::join!(
                Box::pin(admit_incident(
                    &ports.ledger,
                    &key,
                    account,
                    contains,
                    config
                )),
                Box::pin(survey)
            );
            match (admission, survey) {
                (Admission::Skip(outcome), _) => return Ok(outcome),
                (Admission::Tripped(lease, why), _) => (
                    Outcome {
                        held_by_breaker: true,
                        ..Outcome::without_steps(
                            Decision::Observed,
                            format!("{}; {why}", verdict.reason),
                        )
                    },
                    lease,
                ),
                (Admission::Proceed(lease), Some(survey)) => {
                    let playbook = Playbook {
                        ports: ports.playbook(),
                        settings: config.playbook(),
                        exempt_tag: &config.exempt_tag,
                    };
                    (
                        Box::pin(contain(&incident, &verdict.reason, &playbook, survey)).await,
                        lease,
                    )
                }
                (Admission::Proceed(lease), None) => {
                    (Outcome::without_steps(decision, verdict.reason), lease)
                }
            }
        }
    };
    if outcome.decision == Decision::Contained {
        outcome.time_to_containment_ms = Some(clock.elapsed_ms(&finding.updated_at, started));
    }
    let response = instance_response_finding(&incident, &finding.created_at, &outcome);
    let notify = |outcome: &Outcome| instance_notification(&incident, outcome, &response);
    Box::pin(record_outcome(
        &ports.recorder,
        &ports.notifier,
        &response,
        notify,
        &mut outcome,
        &incident.finding_id,
    ))
    .await;
    settle_incident(&ports.ledger, &lease, &outcome).await;
    Ok(outcome)
}

struct Playbook<'a, N, C, E, S> {
    ports: PlaybookPorts<'a, N, C, E, S>,
    settings: cordon_core::PlaybookSettings,
    /// Read live from the instance before anything touches it.
    exempt_tag: &'a str,
}

async fn contain<N, C, E, S>(
    incident: &InstanceIncident,
    reason: &str,
    playbook: &Playbook<'_, N, C, E, S>,
    survey: IsolationSurvey<N::GroupsFound>,
) -> Outcome
where
    N: NetworkIsolation,
    C: InstanceCredentials,
    E: EvidencePreservation,
    S: ServiceRotation,
{
    let plan = plan_instance_playbook(incident, playbook.settings);
    let now = utc_now();
    let run = execute_surveyed_playbook(
        &playbook.ports,
        incident,
        &plan,
        playbook.exempt_tag,
        &now,
        survey,
    )
    .await;
    let steps = run.reports;
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
    let failures = step_failures(&steps);
    let (decision, reason) = if let Exemption::Exempt(tag) = &run.exemption {
        (
            Decision::Observed,
            format!("the instance is exempt from containment by tag {tag} (read at action time)"),
        )
    } else if let Exemption::Unknown(err) = &run.exemption {
        error!(finding_id = %incident.finding_id, error = %err, "exemption unreadable; not acting");
        (
            Decision::Failed,
            format!(
                "not acting on {}: its exemption could not be read ({err})",
                incident.instance_id
            ),
        )
    } else if failures.is_empty() {
        info!(finding_id = %incident.finding_id, instance_id = %incident.instance_id, "instance contained and verified");
        (
            Decision::Contained,
            format!("{reason}; isolation and every containment step verified"),
        )
    } else {
        error!(finding_id = %incident.finding_id, instance_id = %incident.instance_id, failures = ?failures, "containment failed; the event will be retried");
        (
            Decision::Failed,
            format!("containment did not verify: {}", failures.join("; ")),
        )
    };
    Outcome {
        decision,
        reason,
        steps,
        record: None,
        time_to_containment_ms: None,
        held_by_breaker: false,
    }
}
