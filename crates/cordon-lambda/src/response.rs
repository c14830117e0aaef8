use cordon_core::Outcome;
use lambda_runtime::Diagnostic;
use serde_json::Value;

/// Maps an outcome to what Lambda should see. A failure a retry could fix is an error,
/// so Lambda retries it and, after the retries, the event lands in the dead-letter
/// queue. Everything else is a success carrying the outcome: contained, observed,
/// ignored, rejected input, and failures no retry can fix (access denied, not found),
/// which were recorded as failed and people told.
pub fn into_lambda_result(outcome: &Outcome) -> Result<Value, Diagnostic> {
    if outcome.needs_retry() {
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

/// The account in `arn:aws:lambda:REGION:ACCOUNT:function:NAME`.
pub fn account_of_function_arn(arn: &str) -> Option<&str> {
    arn.split(':').nth(4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_core::Decision;

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
    fn permanent_failures_are_not_retried_and_transient_ones_are() {
        use cordon_core::{FailureKind, StepReport, StepStatus};
        let step = |failure| StepReport {
            name: "isolate-network-interface".into(),
            target: "eni-1".into(),
            status: StepStatus::Failed,
            detail: "ec2:ModifyNetworkInterfaceAttribute failed".into(),
            resources: vec![],
            failure,
        };
        let mut outcome = Outcome::without_steps(Decision::Failed, "did not verify");
        outcome.steps = vec![step(Some(FailureKind::Permanent))];
        let ok = into_lambda_result(&outcome).expect("recorded, not retried");
        assert_eq!(ok["decision"], "failed");
        outcome.steps.push(step(Some(FailureKind::Transient)));
        assert!(into_lambda_result(&outcome).is_err());
        outcome.steps = vec![step(None)];
        assert!(
            into_lambda_result(&outcome).is_err(),
            "unknown causes are retried"
        );
    }

    #[test]
    fn reads_the_account_from_the_function_arn() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:cordon";
        assert_eq!(account_of_function_arn(arn), Some("123456789012"));
    }
}
