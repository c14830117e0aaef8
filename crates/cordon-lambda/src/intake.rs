//! The front every GuardDuty responder shares: a clear answer for events that are not
//! findings, and the triage logged with its reason.

use cordon_core::{Decision, Verdict};
use cordon_events::{Envelope, Event, GuardDutyFinding};
use tracing::info;

/// A GuardDuty incident with the finding it came from (its times and ids).
pub struct Reported<I> {
    pub incident: I,
    pub finding: Box<GuardDutyFinding>,
}

/// The finding, or why a well-formed event that is not one is ignored.
pub fn guardduty_finding(event: Event) -> Result<(Envelope, Box<GuardDutyFinding>), Verdict> {
    match event {
        Event::GuardDuty(envelope, finding) => Ok((envelope, finding)),
        other => {
            let envelope = other.envelope();
            Err(Verdict {
                decision: Decision::Ignored,
                reason: format!(
                    "{} / {} is not a GuardDuty finding",
                    envelope.source, envelope.detail_type
                ),
            })
        }
    }
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
