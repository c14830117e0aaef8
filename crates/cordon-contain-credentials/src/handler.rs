use crate::ports::CredentialPorts;
use cordon_core::credential_playbook::CredentialRun;
use cordon_core::{
    Admission, CredentialIncident, Decision, Exemption, FindingRecorder, IncidentLedger, Mode,
    Notifier, Outcome, PrincipalCredentials, credential_notification, credential_response_finding,
    execute_credential_playbook, plan_credential_playbook, step_failures, triage_credential,
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
pub const FUNCTION_NAME: &str = "ContainCredentialsFunction";

/// Handles one EventBridge event end to end: parse, triage, plan, and in enforce mode
/// check the exemption, execute, verify and record. Malformed input touches nothing.
pub async fn handle_event<P, R, T, L>(
    event: Value,
    config: &FunctionConfig,
    current_account: &AccountId,
    ports: &CredentialPorts<P, R, T, L>,
    clock: ContainmentClock,
) -> Result<Outcome, ParseError>
where
    P: PrincipalCredentials,
    R: FindingRecorder,
    T: Notifier,
    L: IncidentLedger,
{
    let started = Instant::now();
    let (envelope, finding) = match guardduty_finding(event)? {
        Ok(finding) => finding,
        Err(not_a_finding) => return Ok(not_a_finding),
    };
    let policy = config.policy(current_account);
    let verdict = triage_credential(&finding, &policy, &config.break_glass_principals);
    log_triage(&envelope, &finding, &verdict);
    let Some(incident) = CredentialIncident::from_finding(&finding) else {
        return Ok(Outcome::without_steps(verdict.decision, verdict.reason));
    };
    let settings = config.credentials();
    let plan = plan_credential_playbook(&incident, &settings);
    let (mut outcome, lease) = match (verdict.decision, config.mode, plan) {
        (Decision::Ignored, _, _) => {
            return Ok(Outcome::without_steps(verdict.decision, verdict.reason));
        }
        (Decision::Contained, Mode::DryRun, Some(plan)) => {
            return Ok(Outcome::dry_run(&verdict.reason, plan.planned_reports()));
        }
        (_, Mode::DryRun, _) => {
            return Ok(Outcome::without_steps(verdict.decision, verdict.reason));
        }
        (decision, Mode::Enforce, plan) => {
            let credential = incident
                .access_key_id
                .as_ref()
                .map_or_else(|| incident.describe(), ToString::to_string);
            let key = format!("guardduty/{}/{credential}", incident.finding_id);
            let plan = plan.filter(|_| decision == Decision::Contained);
            let account = incident.account_id.as_str();
            match admit_incident(&ports.ledger, &key, account, plan.is_some(), config).await {
                Admission::Skip(outcome) => return Ok(outcome),
                Admission::Tripped(lease, why) => (
                    Outcome {
                        held_by_breaker: true,
                        ..Outcome::without_steps(
                            Decision::Observed,
                            format!("{}; {why}", verdict.reason),
                        )
                    },
                    lease,
                ),
                Admission::Proceed(lease) => match plan {
                    Some(plan) => {
                        let run = execute_credential_playbook(
                            &ports.principals,
                            &incident,
                            &plan,
                            &settings,
                            &utc_now(),
                        )
                        .await;
                        (conclude(&incident, &verdict.reason, run), lease)
                    }
                    None => (Outcome::without_steps(decision, verdict.reason), lease),
                },
            }
        }
    };
    if outcome.decision == Decision::Contained {
        outcome.time_to_containment_ms = Some(clock.elapsed_ms(&finding.updated_at, started));
    }
    let response = credential_response_finding(&incident, &finding.created_at, &outcome);
    let notify = |outcome: &Outcome| credential_notification(&incident, outcome, &response);
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

/// The decision the steps support: an exempt principal is only observed; a failed
/// exemption read or any unverified step fails the incident (and it is retried).
fn conclude(incident: &CredentialIncident, reason: &str, run: CredentialRun) -> Outcome {
    let credential = incident.describe();
    for step in &run.reports {
        info!(
            finding_id = %incident.finding_id,
            step = %step.name,
            target = %step.target,
            status = step.status.as_str(),
            detail = %step.detail,
            "containment step"
        );
    }
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
    Outcome {
        decision,
        reason,
        steps: run.reports,
        record: None,
        time_to_containment_ms: None,
        held_by_breaker: false,
    }
}
