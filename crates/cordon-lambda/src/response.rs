use cordon_core::{Decision, Outcome};
use lambda_runtime::Diagnostic;
use serde_json::Value;

/// Maps an outcome to what Lambda should see. A failed containment is an error, so
/// Lambda retries it and, after the retries, the event lands in the dead-letter queue.
/// Everything else (contained, observed, ignored — including rejected input, which a
/// retry cannot fix) is a success carrying the outcome.
pub fn into_lambda_result(outcome: &Outcome) -> Result<Value, Diagnostic> {
    if outcome.decision == Decision::Failed {
        return Err(Diagnostic {
            error_type: "ContainmentFailed".into(),
            error_message: outcome.reason.clone(),
        });
    }
    serde_json::to_value(outcome).map_err(|e| Diagnostic {
        error_type: "SerializationFailed".into(),
        error_message: e.to_string(),
    })
}

/// Writes the outcome's metrics to stdout in Embedded Metric Format, which Lambda
/// forwards to CloudWatch Logs and CloudWatch turns into metrics.
pub fn emit_metrics(function: &str, outcome: &Outcome, aws_calls: u64) {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let line = cordon_core::metrics::emf_line(function, outcome, aws_calls, now_ms);
    println!("{line}");
}

/// The account in `arn:aws:lambda:REGION:ACCOUNT:function:NAME`.
pub fn account_of_function_arn(arn: &str) -> Option<&str> {
    arn.split(':').nth(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_outcomes_become_errors_so_lambda_retries() {
        let failed = Outcome::without_steps(Decision::Failed, "verify-isolation failed");
        let err = into_lambda_result(&failed).unwrap_err();
        assert_eq!(err.error_type, "ContainmentFailed");
        let observed = Outcome::without_steps(Decision::Observed, "sample");
        assert_eq!(
            into_lambda_result(&observed).unwrap()["decision"],
            "observed"
        );
    }

    #[test]
    fn reads_the_account_from_the_function_arn() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:cordon";
        assert_eq!(account_of_function_arn(arn), Some("123456789012"));
    }
}
