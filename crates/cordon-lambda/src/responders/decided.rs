//! A person's custom action, turned back into the incident it names: the event the
//! finding last came in, as cordon remembered it, run again with their decision. The
//! custom-action event only says which action and which finding; everything acted on
//! comes from cordon's ledger, and GuardDuty is asked again as always.

use super::finding::remembered_subject;
use crate::trigger::{PersonAction, Trigger};
use cordon_core::ports::IncidentLedger;
use cordon_core::{Decision, Verdict};
use cordon_events::{CustomAction, Envelope, Event, parse_event};
use tracing::{error, info};

/// The remembered event and the person's decision, or why nothing is done.
pub(super) async fn recall<L: IncidentLedger>(
    ledger: &L,
    envelope: &Envelope,
    action: &CustomAction,
) -> Result<(Event, Trigger), Verdict> {
    let name = action.decision.name();
    let refuse = |decision, why: String| {
        error!(action = name, finding_id = %action.finding_id, reason = %why, "custom action not carried out");
        Err(Verdict {
            decision,
            reason: format!("{name}: {why}"),
        })
    };
    let remembered = match ledger
        .remembered_event(&remembered_subject(&action.finding_id))
        .await
    {
        Ok(Some(event)) => event,
        Ok(None) => {
            return refuse(
                Decision::Observed,
                format!(
                    "cordon has no record of GuardDuty finding {} (it never reached cordon, or its record expired), so nothing was done",
                    action.finding_id
                ),
            );
        }
        // A retry may reach the ledger.
        Err(err) => {
            return refuse(
                Decision::Failed,
                format!("the ledger could not be read: {err}"),
            );
        }
    };
    let event = match parse_event(remembered.as_bytes()) {
        Ok(event @ Event::GuardDuty(..)) => event,
        Ok(_) | Err(_) => {
            return refuse(
                Decision::Observed,
                format!(
                    "the event remembered for finding {} is not a GuardDuty finding cordon can read",
                    action.finding_id
                ),
            );
        }
    };
    // The selected finding and the remembered one must be the same account's.
    if let Event::GuardDuty(_, finding) = &event
        && finding.account_id != action.account
    {
        return refuse(
            Decision::Observed,
            format!(
                "the selected finding is in account {}, but cordon remembers finding {} in {}",
                action.account, action.finding_id, finding.account_id
            ),
        );
    }
    info!(action = name, finding_id = %action.finding_id, event_id = %envelope.id, "a person's decision: running the remembered finding again");
    let trigger = Trigger::Person(PersonAction {
        decision: action.decision,
        event_id: envelope.id.clone(),
        at: envelope.time.clone(),
        // Security Hub sends the event; `cordon approve` builds its twin.
        via: match envelope.source.as_str() {
            "aws.securityhub" => "Security Hub",
            _ => "the cordon CLI",
        },
    });
    Ok((event, trigger))
}
