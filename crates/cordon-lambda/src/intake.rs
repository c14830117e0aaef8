//! The front every GuardDuty responder shares: a clear answer for events that are not
//! findings, and the triage logged with its reason.

use crate::responder::Context;
use cordon_core::confirmation::{Confirmation, confirm};
use cordon_core::ports::FindingSource;
use cordon_core::{Decision, Verdict};
use cordon_events::{Envelope, Event, GuardDutyFinding};
use tracing::info;

/// A GuardDuty incident with the finding it came from (its times and ids).
pub struct Reported<I> {
    pub incident: I,
    pub finding: Box<GuardDutyFinding>,
    /// The EventBridge event id, for logs.
    pub event_id: String,
}

/// GuardDuty's own record of the event's finding, in the detector the event names;
/// `None` for a finding in an account cordon may not act in, which triage refused and
/// which cordon has no role to read.
pub async fn read_back<F: FindingSource>(
    findings: &F,
    finding: &GuardDutyFinding,
    ctx: &Context<'_>,
) -> Result<Option<Confirmation>, String> {
    let policy = ctx.config.policy(ctx.home_account);
    if !policy.allowed_accounts.contains(&finding.account_id) {
        return Ok(None);
    }
    let Some(detector) = finding.service.detector_id.as_deref() else {
        return Ok(Some(Confirmation::Unconfirmed(format!(
            "the event names no GuardDuty detector for finding {}",
            finding.id
        ))));
    };
    let reported = findings
        .reported(detector, &finding.id)
        .await
        .map_err(|err| err.to_string())?;
    Ok(Some(confirm(finding, reported.as_ref())))
}

/// The finding, or why a well-formed event that is not one is ignored.
pub fn guardduty_finding(event: Event) -> Result<(Envelope, Box<GuardDutyFinding>), Verdict> {
    match event {
        Event::GuardDuty(envelope, finding) => Ok((envelope, finding)),
        Event::GuardDutySample(_, sample) => Err(Verdict {
            decision: Decision::Observed,
            reason: format!(
                "GuardDuty sample finding ({}): its ids are placeholders, nothing real to contain",
                sample.finding_type
            ),
        }),
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

pub fn log_triage(event_id: &str, finding: &GuardDutyFinding, verdict: &Verdict) {
    info!(
        event_id,
        finding_id = %finding.id,
        finding_type = %finding.finding_type,
        decision = verdict.decision.as_str(),
        reason = %verdict.reason,
        "triaged finding"
    );
}
