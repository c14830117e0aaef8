//! The metrics glue: one EMF line per invocation on stdout, which Lambda forwards to
//! CloudWatch Logs and CloudWatch turns into metrics, and the cold-start flag.

use cordon_core::Outcome;
use cordon_core::metrics::{Invocation, emf_line};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set until this process serves its first invocation: a Lambda execution environment
/// is one process, so the first invocation it serves is its cold start.
static FIRST_INVOCATION: AtomicBool = AtomicBool::new(true);

/// `true` exactly once per process: on the first call.
pub fn cold_start() -> bool {
    FIRST_INVOCATION.swap(false, Ordering::Relaxed)
}

/// Writes the outcome's metrics to stdout in Embedded Metric Format, under `function`
/// (the deployed function's name).
pub fn emit_metrics(function: &str, outcome: &Outcome, aws_calls: u64, cold_start: bool) {
    let timestamp_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let invocation = Invocation {
        function,
        aws_calls,
        cold_start,
        timestamp_ms,
    };
    println!("{}", emf_line(&invocation, outcome));
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_core::Decision;
    use std::collections::BTreeSet;

    /// What follows each `start` in `text`, up to `end`.
    fn each_after<'a>(text: &'a str, start: &str, end: char) -> Vec<&'a str> {
        text.split(start)
            .skip(1)
            .filter_map(|rest| rest.split(end).next())
            .collect()
    }

    #[test]
    fn the_template_charts_every_metric_the_functions_emit_and_no_other() {
        let template = include_str!("../../../template.yaml");
        let mut outcome = Outcome::without_steps(Decision::Contained, "isolated");
        outcome.time_to_containment_ms = Some(1);
        let invocation = Invocation {
            function: "f",
            aws_calls: 1,
            cold_start: true,
            timestamp_ms: 1,
        };
        let doc = emf_line(&invocation, &outcome);
        let emitted: BTreeSet<&str> = doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["Name"].as_str().unwrap())
            .collect();
        // The dashboard names them as explicit metrics or in SEARCH expressions.
        let charted: BTreeSet<&str> = each_after(template, "[\"cordon\", \"", '"')
            .into_iter()
            .chain(each_after(template, "MetricName=\\\"", '\\'))
            .collect();
        assert_eq!(charted, emitted);
        let alarmed = each_after(template, "Namespace: cordon\n      MetricName: ", '\n');
        assert!(!alarmed.is_empty());
        assert!(alarmed.iter().all(|m| emitted.contains(m)), "{alarmed:?}");
        // Function is the deployed name: never a logical id written out.
        assert!(!template.contains("\"Function\", \"Contain"));
        assert!(!template.contains("\"Function\", \"Respond"));
        assert!(!template.contains("Value: ContainInstanceFunction\n"));
    }

    #[test]
    fn only_the_first_invocation_of_a_process_is_a_cold_start() {
        // The one test in this binary that reads the flag.
        assert!(cold_start());
        assert!(!cold_start());
        assert!(!cold_start());
    }
}
