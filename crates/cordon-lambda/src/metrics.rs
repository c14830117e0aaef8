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

    #[test]
    fn only_the_first_invocation_of_a_process_is_a_cold_start() {
        // The one test in this binary that reads the flag.
        assert!(cold_start());
        assert!(!cold_start());
        assert!(!cold_start());
    }
}
