//! The front every GuardDuty function shares: strict parsing, a clear answer for
//! events that are not findings, and the triage logged with its reason.

use cordon_core::{Decision, Outcome, Verdict};
use cordon_events::{Envelope, Event, GuardDutyFinding, ParseError, parse_event_value};
use serde_json::Value;
use tracing::info;

/// The finding, or the outcome for a well-formed event that is not one.
pub type Intake = Result<(Envelope, Box<GuardDutyFinding>), Outcome>;

pub fn guardduty_finding(event: Value) -> Result<Intake, ParseError> {
    Ok(match parse_event_value(event)? {
        Event::GuardDuty(envelope, finding) => Ok((envelope, finding)),
        other => {
            let envelope = other.envelope();
            Err(Outcome::without_steps(
                Decision::Ignored,
                format!(
                    "{} / {} is not a GuardDuty finding",
                    envelope.source, envelope.detail_type
                ),
            ))
        }
    })
}

pub fn log_triage(envelope: &Envelope, finding: &GuardDutyFinding, verdict: &Verdict) {
    info!(
        event_id = %envelope.id,
        finding_id = %finding.id,
        finding_type = %finding.finding_type,
        decision = verdict.decision.as_str(),
        reason = %verdict.reason,
        "triaged finding"
    );
}
