//! A person chose `cordon-release`: the incident's containment is undone from cordon's
//! record, each step read back, and its findings are marked `RESOLVED`. Claimed in the
//! ledger like any decision, so a redelivered choice releases once.

use crate::adapters::Ports;
use crate::responder::{Responder, Triaged};
use crate::trigger::PersonAction;
use crate::{admit_incident, settle_incident};
use cordon_core::admission::Admission;
use cordon_core::ports::FindingRecorder;
use cordon_core::{Decision, Outcome, step_failures};
use tracing::{error, info};

/// Releases `triaged`'s incident as `action` asked.
pub(crate) async fn release<R: Responder>(
    triaged: Triaged<R>,
    ports: &R::Ports,
    config: &crate::FunctionConfig,
    action: &PersonAction,
) -> Outcome {
    if !config.release_from_security_hub {
        let id = R::incident_id(&triaged.incident);
        return Outcome::without_steps(
            Decision::Observed,
            format!(
                "{}: this stack does not release from Security Hub (ReleaseFromSecurityHub is false), so nothing was touched; run `cordon release --incident {id}`",
                action.describe()
            ),
        );
    }
    let home = ports.home();
    let key = action.ledger_key(&R::ledger_key(&triaged.incident));
    let account = R::account(&triaged.incident).as_str();
    let incident_key = R::incident_key(&triaged.incident);
    let lease = match Box::pin(admit_incident(
        &home.ledger,
        &key,
        &incident_key,
        account,
        false,
        config,
    ))
    .await
    {
        Admission::Skip(outcome) => return outcome,
        Admission::Tripped(lease, _) | Admission::Proceed(lease) => lease,
    };
    let id = R::incident_id(&triaged.incident).to_owned();
    let mut outcome = match Box::pin(R::release(ports, &triaged)).await {
        None => Outcome::without_steps(
            Decision::Observed,
            format!(
                "{}: cordon releases nothing for this kind of incident",
                action.describe()
            ),
        ),
        Some(steps) => {
            let failures = step_failures(&steps);
            let (decision, reason) = if failures.is_empty() {
                (
                    // Released is not a containment: people see it as cordon standing down.
                    Decision::Observed,
                    format!(
                        "{}: released and verified from cordon's record; {}",
                        action.describe(),
                        R::KEPT_ON_RELEASE
                    ),
                )
            } else {
                (
                    Decision::Failed,
                    format!(
                        "{}: release did not verify, the findings stay open: {}",
                        action.describe(),
                        failures.join("; ")
                    ),
                )
            };
            Outcome {
                steps,
                ..Outcome::without_steps(decision, reason)
            }
        }
    };
    if outcome.decision == Decision::Observed && !outcome.steps.is_empty() {
        let response = R::response(&triaged, &outcome);
        let mut findings = vec![(response.id.clone(), response.product_arn.clone())];
        findings.extend(
            response
                .source
                .iter()
                .map(|s| (s.id.clone(), s.product_arn.clone())),
        );
        match Box::pin(home.recorder.resolve_findings(&findings, &outcome.reason)).await {
            Ok(()) => info!(incident_id = %id, "released; findings resolved"),
            Err(err) => {
                error!(incident_id = %id, error = %err, "released, but the findings could not be resolved");
                outcome.reason = format!(
                    "{}; the findings could not be marked RESOLVED: {err}",
                    outcome.reason
                );
            }
        }
    }
    settle_incident(&home.ledger, &lease, &outcome).await;
    outcome
}
