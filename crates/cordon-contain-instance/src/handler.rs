use crate::ports::InstancePorts;
use cordon_core::{
    Decision, EvidencePreservation, FindingRecorder, InstanceCredentials, InstanceIncident, Mode,
    NetworkIsolation, Notifier, Outcome, PlaybookPorts, ServiceRotation, execute_instance_playbook,
    instance_notification, instance_response_finding, plan_instance_playbook, record, triage,
};
use cordon_events::{AccountId, Event, GuardDutyFinding, ParseError, parse_event_value};
use cordon_lambda::FunctionConfig;
use serde_json::Value;
use std::time::Instant;
use tracing::{error, info};

/// The function's logical id in template.yaml.
pub const FUNCTION_NAME: &str = "ContainInstanceFunction";

/// Where time-to-containment is measured from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContainmentClock {
    /// The finding's `updatedAt`: what the incident really cost (Lambda).
    FindingUpdatedAt,
    /// The start of handling (replay, where the finding's time is long past).
    HandlingStart,
}

/// Handles one EventBridge event end to end: parse, triage, plan, and in enforce mode
/// execute, verify and record. Malformed input is an error before anything is touched.
pub async fn handle_event<N, C, E, S, R, T>(
    event: Value,
    config: &FunctionConfig,
    current_account: &AccountId,
    ports: &InstancePorts<N, C, E, S, R, T>,
    clock: ContainmentClock,
) -> Result<Outcome, ParseError>
where
    N: NetworkIsolation,
    C: InstanceCredentials,
    E: EvidencePreservation,
    S: ServiceRotation,
    R: FindingRecorder,
    T: Notifier,
{
    let started = Instant::now();
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
    let Some(incident) = InstanceIncident::from_finding(&finding) else {
        return Ok(Outcome::without_steps(verdict.decision, verdict.reason));
    };
    let mut outcome = match (verdict.decision, config.mode) {
        // Not ours: nothing to record either.
        (Decision::Ignored, _) => {
            return Ok(Outcome::without_steps(verdict.decision, verdict.reason));
        }
        (Decision::Contained, Mode::DryRun) => {
            return Ok(Outcome {
                decision: Decision::Observed,
                reason: format!("dry-run: would contain ({})", verdict.reason),
                steps: plan_instance_playbook(&incident, config.playbook()).planned_reports(),
                record: None,
                time_to_containment_ms: None,
            });
        }
        (_, Mode::DryRun) => return Ok(Outcome::without_steps(verdict.decision, verdict.reason)),
        (Decision::Contained, Mode::Enforce) => {
            let playbook = Playbook {
                ports: ports.playbook(),
                settings: config.playbook(),
            };
            Box::pin(contain(&incident, &verdict.reason, &playbook)).await
        }
        (decision, Mode::Enforce) => Outcome::without_steps(decision, verdict.reason),
    };
    if outcome.decision == Decision::Contained {
        outcome.time_to_containment_ms = Some(elapsed_ms(&finding, clock, started));
    }
    // Boxed: the SDK's request futures are large, and nesting them inline would
    // overflow a 2 MiB thread stack in debug builds.
    Box::pin(record_outcome(&incident, &finding, &mut outcome, ports)).await;
    Ok(outcome)
}

struct Playbook<'a, N, C, E, S> {
    ports: PlaybookPorts<'a, N, C, E, S>,
    settings: cordon_core::PlaybookSettings,
}

async fn contain<N, C, E, S>(
    incident: &InstanceIncident,
    reason: &str,
    playbook: &Playbook<'_, N, C, E, S>,
) -> Outcome
where
    N: NetworkIsolation,
    C: InstanceCredentials,
    E: EvidencePreservation,
    S: ServiceRotation,
{
    let plan = plan_instance_playbook(incident, playbook.settings);
    let now = utc_now();
    let steps = execute_instance_playbook(&playbook.ports, incident, &plan, &now).await;
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
    let (decision, reason) = if failures.is_empty() {
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
    }
}

/// Records the outcome in Security Hub and tells people. A recording failure fails
/// the invocation (so Lambda retries and the DLQ keeps the event), but the
/// containment it reports has happened and stays in the steps.
async fn record_outcome<N, C, E, S, R: FindingRecorder, T: Notifier>(
    incident: &InstanceIncident,
    finding: &GuardDutyFinding,
    outcome: &mut Outcome,
    ports: &InstancePorts<N, C, E, S, R, T>,
) {
    let response = instance_response_finding(incident, &finding.created_at, outcome);
    // A contained incident re-delivered changes nothing: people were told the first time.
    let repeat = outcome.decision == Decision::Contained && !outcome.changed_anything();
    let notification = (!repeat).then(|| instance_notification(incident, outcome, &response));
    let report = Box::pin(record(
        &ports.recorder,
        &ports.notifier,
        &response,
        notification.as_ref(),
    ))
    .await;
    info!(
        finding_id = %incident.finding_id,
        response_finding_id = %report.response_finding_id,
        source_finding = ?report.source_finding,
        notified = report.notified,
        "recorded incident"
    );
    if report.source_finding == Some(cordon_core::SourceUpdate::NotInSecurityHub) {
        info!(finding_id = %incident.finding_id, "the source finding is not in Security Hub (yet); not annotated");
    }
    if !report.failures.is_empty() {
        error!(finding_id = %incident.finding_id, failures = ?report.failures, "recording failed; the event will be retried");
        outcome.reason = format!(
            "{} — but recording failed: {}",
            outcome.reason,
            report.failures.join("; ")
        );
        outcome.decision = Decision::Failed;
    }
    outcome.record = Some(report);
}

fn elapsed_ms(finding: &GuardDutyFinding, clock: ContainmentClock, started: Instant) -> u64 {
    let since_start = started.elapsed().as_millis() as u64;
    if clock == ContainmentClock::HandlingStart {
        return since_start;
    }
    use aws_sdk_ec2::primitives::{DateTime, DateTimeFormat};
    DateTime::from_str(&finding.updated_at, DateTimeFormat::DateTime)
        .ok()
        .and_then(|updated| std::time::SystemTime::try_from(updated).ok())
        .and_then(|updated| std::time::SystemTime::now().duration_since(updated).ok())
        .map_or(since_start, |age| age.as_millis() as u64)
}

/// Now, as IAM's `aws:TokenIssueTime` condition wants it: UTC, to the second.
fn utc_now() -> String {
    use aws_sdk_ec2::primitives::{DateTime, DateTimeFormat};
    let now = DateTime::from_secs(DateTime::from(std::time::SystemTime::now()).secs());
    now.fmt(DateTimeFormat::DateTime)
        .expect("the current time is within the formattable range")
}
