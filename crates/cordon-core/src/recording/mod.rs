//! The record stage every domain shares: cordon's finding, the note on the source finding
//! and the message for people, each attempted even if another failed, none lost silently.

mod chatbot;
mod finding;
mod notification;

pub use finding::{
    FindingResource, ResponseFinding, SourceFinding, asff_types, own_product_arn, severity_label,
};
pub(crate) use finding::{outcome_product_fields, truncate};
pub use notification::{Notification, NotificationFormat, SNS_MESSAGE_BYTES};
pub(crate) use notification::{incident_message, step_lines};

use crate::ports::{FindingRecorder, Notifier, SourceUpdate};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RecordReport {
    pub response_finding_id: String,
    /// `None` when the update was not attempted or failed.
    pub source_finding: Option<SourceUpdate>,
    pub notified: bool,
    /// What failed, with AWS error codes; empty when everything was recorded.
    pub failures: Vec<String>,
}

/// `notification` is `None` when people were already told (a re-delivered event).
pub async fn record<R: FindingRecorder, N: Notifier>(
    recorder: &R,
    notifier: &N,
    finding: &ResponseFinding,
    notification: Option<&Notification>,
) -> RecordReport {
    let mut failures = Vec::new();
    let note = format!(
        "cordon: {} — {}. Response finding: {}",
        finding
            .product_fields
            .get("cordon/Decision")
            .map_or("", String::as_str),
        finding
            .product_fields
            .get("cordon/Reason")
            .map_or("", String::as_str),
        finding.id
    );
    let note: String = note.chars().take(512).collect();
    // The three parts need nothing from each other (the note names the response
    // finding by its deterministic id), so they cost one round trip together. Boxed:
    // the SDK's request futures are large (see `admission`).
    let (imported, source, notified) = futures_util::join!(
        Box::pin(async {
            match finding.validate() {
                Err(problem) => Err(format!("response finding is invalid: {problem}")),
                Ok(()) => recorder
                    .import_finding(finding)
                    .await
                    .map_err(|e| e.to_string()),
            }
        }),
        Box::pin(async {
            match &finding.source {
                Some(source) => Some(
                    recorder
                        .update_source_finding(source, &note, &finding.id)
                        .await,
                ),
                None => None,
            }
        }),
        Box::pin(async {
            match notification {
                Some(notification) => notifier.notify(notification).await,
                None => Ok(false),
            }
        })
    );
    if let Err(failure) = imported {
        failures.push(failure);
    }
    let source_finding = match source {
        Some(Ok(update)) => Some(update),
        Some(Err(err)) => {
            failures.push(err.to_string());
            None
        }
        None => None,
    };
    let notified = match notified {
        Ok(sent) => sent,
        Err(err) => {
            failures.push(err.to_string());
            false
        }
    };
    RecordReport {
        response_finding_id: finding.id.clone(),
        source_finding,
        notified,
        failures,
    }
}
