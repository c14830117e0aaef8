//! What the GuardDuty responders share: the finding out of the event, the triage
//! logged, the dry-run answer, a key per update of the finding, the read-back from
//! GuardDuty that triage runs on again, and the decision the steps support.

use crate::responder::{Context, Responder, Source, Triaged};
use cordon_core::confirmation::{Confirmation, confirm as compare};
use cordon_core::ports::FindingSource;
use cordon_core::{Decision, Exemption, Outcome, Plan, StepReport, Verdict, step_failures};
use cordon_events::{Envelope, Event, GuardDutyFinding};
use tracing::{error, info};

/// A GuardDuty incident with the finding it came from (its times and ids).
pub struct Reported<I> {
    pub incident: I,
    pub finding: Box<GuardDutyFinding>,
    /// The EventBridge envelope it came in (its id for logs; the whole event is
    /// remembered for people's decisions).
    pub envelope: Envelope,
}

/// Triage of a finding, as the event tells it and again as GuardDuty confirms it.
pub(super) type Retriage<R> =
    fn(Envelope, Box<GuardDutyFinding>, &Context<'_>) -> Result<Triaged<R>, Verdict>;

/// The finding, or why a well-formed event that is not one is taken no further.
pub(super) fn guardduty_finding(
    event: Event,
) -> Result<(Envelope, Box<GuardDutyFinding>), Verdict> {
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

pub(super) fn log_triage(event_id: &str, finding: &GuardDutyFinding, verdict: &Verdict) {
    info!(
        event_id,
        finding_id = %finding.id,
        finding_type = %finding.finding_type,
        decision = verdict.decision.as_str(),
        reason = %verdict.reason,
        "triaged finding"
    );
}

/// The planned steps, or what would only be recorded.
pub(super) fn rehearse<R: Responder<Plan = Option<Plan>>>(triaged: &Triaged<R>) -> Outcome {
    match &triaged.plan {
        Some(plan) => Outcome::dry_run(&triaged.reason, plan.planned_reports()),
        None => Outcome::without_steps(triaged.decision, triaged.reason.clone()),
    }
}

/// The ledger subject a finding's event is remembered under: GuardDuty's finding id,
/// which a Security Hub finding (GuardDuty's or cordon's response) leads back to.
pub fn remembered_subject(finding_id: &str) -> String {
    format!("guardduty/{finding_id}")
}

/// The event as EventBridge delivered it, rebuilt from what was parsed: what a
/// person's decision later runs again (and reads back from GuardDuty again).
pub(super) fn remembered<I>(reported: &Reported<I>) -> Option<(String, String)> {
    let envelope = &reported.envelope;
    let event = serde_json::json!({
        "version": "0",
        "id": envelope.id,
        "detail-type": envelope.detail_type,
        "source": envelope.source,
        "account": envelope.account.as_str(),
        "time": envelope.time,
        "region": envelope.region,
        "resources": envelope.resources,
        "detail": reported.finding,
    });
    Some((remembered_subject(&reported.finding.id), event.to_string()))
}

/// GuardDuty updates a finding while the activity goes on (same id, later
/// `updatedAt`): each update is a decision of its own.
pub(super) fn update_key(incident_key: String, finding: &GuardDutyFinding) -> String {
    format!("{incident_key}/{}", finding.updated_at)
}

/// Reads the finding back from GuardDuty, in the detector the event names, and
/// triages what GuardDuty says. A finding in an account cordon may not act in is not
/// read: triage refused it, and cordon holds no role there.
pub(super) async fn confirm<R, I, F>(
    findings: &F,
    reported: &Reported<I>,
    ctx: &Context<'_>,
    retriage: Retriage<R>,
) -> Source<R>
where
    R: Responder,
    F: FindingSource,
{
    let finding = &reported.finding;
    let policy = ctx.config.policy(ctx.home_account);
    if !policy.allowed_accounts.contains(&finding.account_id) {
        return Source::AsClaimed;
    }
    let Some(detector) = finding.service.detector_id.as_deref() else {
        return Source::Unconfirmed(format!(
            "the event names no GuardDuty detector for finding {}",
            finding.id
        ));
    };
    match findings.reported(detector, &finding.id).await {
        Err(err) => Source::Unreadable(err.to_string()),
        Ok(found) => match compare(finding, found.as_ref()) {
            Confirmation::Reported(confirmed) => {
                Source::Retriaged(retriage(reported.envelope.clone(), confirmed, ctx))
            }
            Confirmation::Unconfirmed(why) => Source::Unconfirmed(why),
        },
    }
}

/// How a playbook names its subject in the decision's reason.
pub(super) struct Wording<'a> {
    /// `bucket logs`, `function thumbnailer`, `IAM user alice's key AKIA…`.
    pub subject: &'a str,
    /// Why a subject that no longer exists is only observed.
    pub gone: &'a str,
    /// What a verified containment adds to triage's reason.
    pub verified: &'a str,
}

/// The decision a GuardDuty playbook's steps support: an exempt or vanished subject is
/// only observed; an unreadable exemption, an unverified step or `more_failures` (a
/// record not kept) fail the incident, and it is retried.
pub(super) fn conclude(
    finding_id: &str,
    reason: &str,
    exemption: &Exemption,
    steps: Vec<StepReport>,
    more_failures: Vec<String>,
    words: &Wording<'_>,
) -> Outcome {
    let subject = words.subject;
    super::log_steps(finding_id, &steps);
    let mut failures = step_failures(&steps);
    failures.extend(more_failures);
    let (decision, reason) = match exemption {
        Exemption::Exempt(tag) => (
            Decision::Observed,
            format!("{subject} is exempt from containment by tag {tag}"),
        ),
        Exemption::PrincipalMissing => (Decision::Observed, words.gone.to_owned()),
        Exemption::Unknown(err) => (
            Decision::Failed,
            format!("not acting on {subject}: its exemption could not be read ({err})"),
        ),
        Exemption::NotExempt if failures.is_empty() => {
            (Decision::Contained, format!("{reason}; {}", words.verified))
        }
        Exemption::NotExempt => (
            Decision::Failed,
            format!("containment did not verify: {}", failures.join("; ")),
        ),
    };
    if decision == Decision::Failed {
        error!(finding_id, subject, reason = %reason, "containment failed; the event will be retried");
    }
    super::concluded(decision, reason, steps)
}
