//! CloudWatch Embedded Metric Format: one JSON line per handled event on stdout, which
//! CloudWatch turns into metrics — no API call on the hot path.

use crate::{Decision, Outcome, StepStatus};
use serde_json::{Value, json};

pub const NAMESPACE: &str = "cordon";

/// What the runtime knows of one invocation, beside its outcome.
#[derive(Clone, Copy, Debug)]
pub struct Invocation<'a> {
    /// The `Function` dimension: the deployed function's name, so two stacks in one
    /// region keep their numbers apart.
    pub function: &'a str,
    /// AWS calls made for this event, retries included.
    pub aws_calls: u64,
    /// The first invocation of this execution environment.
    pub cold_start: bool,
    /// Unix time in ms.
    pub timestamp_ms: u128,
}

/// The EMF document for one handled event.
pub fn emf_line(invocation: &Invocation<'_>, outcome: &Outcome) -> Value {
    let recording_failures = outcome.record.as_ref().map_or(0, |r| r.failures.len());
    let count = |d: Decision| u8::from(outcome.decision == d);
    let steps_failed = outcome
        .steps
        .iter()
        .filter(|s| s.status == StepStatus::Failed)
        .count();
    let mut metrics = vec![
        json!({"Name": "IncidentsContained", "Unit": "Count"}),
        json!({"Name": "IncidentsObserved", "Unit": "Count"}),
        json!({"Name": "IncidentsFailed", "Unit": "Count"}),
        json!({"Name": "StepsFailed", "Unit": "Count"}),
        json!({"Name": "RecordingFailures", "Unit": "Count"}),
        json!({"Name": "AwsCalls", "Unit": "Count"}),
        json!({"Name": "BreakerTripped", "Unit": "Count"}),
        json!({"Name": "PossibleForgery", "Unit": "Count"}),
        json!({"Name": "ColdStart", "Unit": "Count"}),
    ];
    let mut document = json!({
        "_aws": {
            "Timestamp": invocation.timestamp_ms as u64,
            "CloudWatchMetrics": [],
        },
        "Function": invocation.function,
        "Decision": outcome.decision.as_str(),
        "IncidentsContained": count(Decision::Contained),
        "IncidentsObserved": count(Decision::Observed),
        "IncidentsFailed": count(Decision::Failed),
        "StepsFailed": steps_failed,
        "RecordingFailures": recording_failures,
        "AwsCalls": invocation.aws_calls,
        "BreakerTripped": u8::from(outcome.held_by_breaker),
        "PossibleForgery": u8::from(outcome.possible_forgery),
        "ColdStart": u8::from(invocation.cold_start),
    });
    if let Some(ms) = outcome.time_to_containment_ms {
        metrics.push(json!({"Name": "TimeToContainmentMs", "Unit": "Milliseconds"}));
        document["TimeToContainmentMs"] = json!(ms);
    }
    document["_aws"]["CloudWatchMetrics"] = json!([{
        "Namespace": NAMESPACE,
        "Dimensions": [["Function", "Decision"]],
        "Metrics": metrics,
    }]);
    document
}

#[cfg(test)]
#[path = "metrics_tests.rs"]
mod tests;
